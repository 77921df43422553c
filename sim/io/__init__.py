"""The file contract: every output file's name, schema, writer and reader.

Files are written under a temporary name and renamed into place when whole;
every reader checks what it reads and names the file and field that is wrong.
"""
