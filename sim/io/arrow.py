"""Arrow arrays to and from numpy, through their buffers.

pyarrow's own conversions (`pa.array`, `Array.to_numpy`, even `pa.scalar`)
import pandas to ask whether a value is a pandas object: a quarter of a second
in every process that writes a run's files, which need no pandas at all. These
few functions cover what the run's writers need: numbers, booleans, strings
from a short list of names, and the distinct strings of a column.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def strings(names: list[str]) -> pa.Array:
    """Names as an Arrow string array."""
    data = [n.encode() for n in names]
    offsets = np.cumsum([0, *map(len, data)], dtype=np.int32)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.string(), len(data), buffers)


def from_numpy(v: np.ndarray, type_: pa.DataType, null: np.ndarray | None = None) -> pa.Array:
    """A numpy column as an Arrow array (numbers or booleans); `null` marks missing values."""
    if type_ == pa.bool_():
        values = pa.py_buffer(np.packbits(v, bitorder="little"))
    else:
        values = pa.py_buffer(np.ascontiguousarray(v, dtype=type_.to_pandas_dtype()))
    valid = None
    if null is not None and null.any():
        valid = pa.py_buffer(np.packbits(~null, bitorder="little"))
    return pa.Array.from_buffers(type_, len(v), [valid, values])


def _whole(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def valid(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Whether each value is present (not null)."""
    column = _whole(column)
    bitmap = column.buffers()[0]
    if bitmap is None:  # all present, or all null (a column of type null has no bitmap)
        return np.full(len(column), column.null_count == 0)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    return bits[column.offset : column.offset + len(column)].astype(bool)


def to_numpy(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The values of a column of numbers (nulls hold whatever their slots hold: mask them)."""
    column = _whole(column)
    dtype = np.dtype(column.type.to_pandas_dtype())
    return np.frombuffer(column.buffers()[1], dtype=dtype)[
        column.offset : column.offset + len(column)
    ]


def codes(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Each value's index among the column's distinct values (-1 where null), and those values."""
    encoded = _whole(column).dictionary_encode()
    which = to_numpy(encoded.indices).astype(np.int64)
    which[~valid(encoded.indices)] = -1
    return which, encoded.dictionary.to_pylist()
