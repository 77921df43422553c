"""Parquet files put together from row groups encoded elsewhere (in worker processes).

A row group's column chunks do not depend on where they sit in a file: only
the footer (Thrift compact protocol) holds file offsets. A worker encodes one
row group as a whole one-row-group file; `Stitcher` copies its pages and
rewrites its footer entries with the offsets shifted, so the file it writes is
byte for byte the one a single ParquetWriter fed the same tables would write.
"""

from __future__ import annotations

import struct

MAGIC = b"PAR1"

# Compact protocol type codes.
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(1, 13)

# Field ids (parquet.thrift) of the footer entries that depend on the file around a row group.
FM_NUM_ROWS, FM_ROW_GROUPS = 3, 4
RG_COLUMNS, RG_FILE_OFFSET, RG_ORDINAL = 1, 5, 7
CC_FILE_OFFSET, CC_META, CC_OFFSET_INDEX, CC_COLUMN_INDEX = 2, 3, 4, 6
CM_OFFSETS = (9, 10, 11, 14)  # data, index and dictionary page, bloom filter


class _Reader:
    """Decodes Thrift compact protocol into (field id, type, value) lists, keeping every detail."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def byte(self) -> int:
        b = self.data[self.pos]
        self.pos += 1
        return b

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, ctype: int):
        if ctype in (_TRUE, _FALSE):  # a bool inside a list: one byte
            return self.byte()
        if ctype == _BYTE:
            return self.byte()
        if ctype in (_I16, _I32, _I64):
            return self.zigzag()
        if ctype == _DOUBLE:
            v = self.data[self.pos : self.pos + 8]
            self.pos += 8
            return v
        if ctype == _BINARY:
            n = self.varint()
            v = self.data[self.pos : self.pos + n]
            self.pos += n
            return v
        if ctype in (_LIST, _SET):
            head = self.byte()
            size, etype = head >> 4, head & 0x0F
            if size == 15:
                size = self.varint()
            return (etype, [self.value(etype) for _ in range(size)])
        if ctype == _MAP:
            size = self.varint()
            if not size:
                return (0, [])
            kv = self.byte()
            kt, vt = kv >> 4, kv & 0x0F
            return (kv, [(self.value(kt), self.value(vt)) for _ in range(size)])
        if ctype == _STRUCT:
            return self.struct()
        raise ValueError(f"unknown Thrift compact type {ctype}")

    def struct(self) -> list:
        fields, last = [], 0
        while True:
            head = self.byte()
            if head == 0:
                return fields
            ctype, delta = head & 0x0F, head >> 4
            fid = last + delta if delta else self.zigzag()
            last = fid
            value = None if ctype in (_TRUE, _FALSE) else self.value(ctype)
            fields.append([fid, ctype, value])


class _Encoded(list):
    """List items already encoded (bytes each), written as they are."""


class _Writer:
    """Encodes what _Reader decodes, as Thrift's compact protocol writes it."""

    def __init__(self):
        self.out = bytearray()

    def varint(self, n: int) -> None:
        while n > 0x7F:
            self.out.append((n & 0x7F) | 0x80)
            n >>= 7
        self.out.append(n)

    def zigzag(self, n: int) -> None:
        self.varint((n << 1) ^ (n >> 63))

    def value(self, ctype: int, v) -> None:
        if ctype in (_TRUE, _FALSE, _BYTE):
            self.out.append(v)
        elif ctype in (_I16, _I32, _I64):
            self.zigzag(v)
        elif ctype == _DOUBLE:
            self.out += v
        elif ctype == _BINARY:
            self.varint(len(v))
            self.out += v
        elif ctype in (_LIST, _SET):
            etype, items = v
            if len(items) < 15:
                self.out.append((len(items) << 4) | etype)
            else:
                self.out.append(0xF0 | etype)
                self.varint(len(items))
            if isinstance(items, _Encoded):
                for item in items:
                    self.out += item
                return
            for item in items:
                self.value(etype, item)
        elif ctype == _MAP:
            kv, items = v
            self.varint(len(items))
            if items:
                self.out.append(kv)
                for k, x in items:
                    self.value(kv >> 4, k)
                    self.value(kv & 0x0F, x)
        elif ctype == _STRUCT:
            self.struct(v)
        else:
            raise ValueError(f"unknown Thrift compact type {ctype}")

    def struct(self, fields: list) -> None:
        last = 0
        for fid, ctype, v in fields:
            delta = fid - last
            if 0 < delta <= 15:
                self.out.append((delta << 4) | ctype)
            else:
                self.out.append(ctype)
                self.zigzag(fid)
            last = fid
            if ctype not in (_TRUE, _FALSE):
                self.value(ctype, v)
        self.out.append(0)


def decode(footer: bytes) -> list:
    return _Reader(footer).struct()


def encode(fields: list) -> bytes:
    w = _Writer()
    w.struct(fields)
    return bytes(w.out)


def _field(fields: list, fid: int) -> list | None:
    for f in fields:
        if f[0] == fid:
            return f
    return None


def split(data: bytes) -> tuple[memoryview, list]:
    """A whole parquet file's pages (after the leading magic) and its decoded footer."""
    if data[:4] != MAGIC or data[-4:] != MAGIC:
        raise ValueError("not a parquet file")
    n = struct.unpack("<I", data[-8:-4])[0]
    end = len(data) - 8 - n
    return memoryview(data)[4:end], decode(data[end:-8])


def _shift(fields: list, fids, by: int) -> None:
    for fid in fids:
        f = _field(fields, fid)
        if f is not None and f[2]:
            f[2] += by


def shift_row_group(rg: list, by: int, ordinal: int) -> None:
    """Move a decoded RowGroup `by` bytes further into a file, as row group number `ordinal`."""
    _shift(rg, (RG_FILE_OFFSET,), by)
    f = _field(rg, RG_ORDINAL)
    if f is not None:
        f[2] = ordinal
    for cc in _field(rg, RG_COLUMNS)[2][1]:
        _shift(cc, (CC_FILE_OFFSET, CC_OFFSET_INDEX, CC_COLUMN_INDEX), by)
        meta = _field(cc, CC_META)
        if meta is not None:
            _shift(meta[2], CM_OFFSETS, by)


class Part:
    """A one-row-group parquet file taken apart: its pages and its decoded footer.

    Decoded where it was encoded (a worker process), so the writer only shifts offsets.
    """

    __slots__ = ("pages", "footer")

    def __init__(self, data: bytes):
        pages, self.footer = split(data)
        self.pages = bytes(pages)

    def __getstate__(self):
        return self.pages, self.footer

    def __setstate__(self, state):
        self.pages, self.footer = state


class Stitcher:
    """Writes one parquet file from whole one-row-group files, in order, to an open binary file."""

    def __init__(self, fh):
        self.fh = fh
        self.pos = 0
        self.footer: list | None = None
        self.row_groups = _Encoded()  # each RowGroup encoded once shifted: memory stays small
        self.rows = 0

    def add(self, data: bytes | Part) -> None:
        """The next row groups: a whole one-row-group file, or one taken apart (`Part`)."""
        if isinstance(data, Part):
            pages, footer = data.pages, data.footer
        else:
            pages, footer = split(data)
        if self.footer is None:
            self.fh.write(MAGIC)
            self.pos = len(MAGIC)
            self.footer = footer
        groups = _field(footer, FM_ROW_GROUPS)[2][1]
        by = self.pos - len(MAGIC)
        for rg in groups:
            shift_row_group(rg, by, len(self.row_groups))
            self.row_groups.append(encode(rg))  # a struct in a list: same bytes
        self.rows += _field(footer, FM_NUM_ROWS)[2]
        self.fh.write(pages)
        self.pos += len(pages)

    def empty(self) -> bool:
        return self.footer is None

    def finish(self) -> None:
        """The footer: the first part's, with every row group and the total row count."""
        _field(self.footer, FM_NUM_ROWS)[2] = self.rows
        etype, _ = _field(self.footer, FM_ROW_GROUPS)[2]
        _field(self.footer, FM_ROW_GROUPS)[2] = (etype, self.row_groups)
        footer = encode(self.footer)
        self.fh.write(footer)
        self.fh.write(struct.pack("<I", len(footer)))
        self.fh.write(MAGIC)
