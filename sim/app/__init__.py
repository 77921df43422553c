"""The command line and the Python API: the only layer that knows Hydra at run time."""
