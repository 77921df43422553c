"""Row groups encoded apart and stitched give the file one ParquetWriter writes."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.io import files, parquet_parts


def trajectory_tables(sizes: list[int], seed: int = 7) -> list[pa.Table]:
    """Tables of TRAJECTORY_SCHEMA with nulls, repeats and long strings, of the given rows."""
    rng = np.random.default_rng(seed)
    words = ["hold", "talks", "", "a much longer move name " * 3, "sanction"]
    tables = []
    for n in sizes:
        cols = []
        for field in files.TRAJECTORY_SCHEMA:
            if pa.types.is_floating(field.type):
                v = rng.normal(size=n)
                cols.append(pa.array(v, type=field.type, mask=rng.random(n) < 0.3))
            elif pa.types.is_boolean(field.type):
                cols.append(pa.array(rng.random(n) < 0.5))
            elif pa.types.is_string(field.type):
                picks = rng.integers(0, len(words), n)
                cols.append(pa.array([words[k] for k in picks], mask=rng.random(n) < 0.1))
            else:
                cols.append(pa.array(rng.integers(-5, 10**6, n).astype(np.int32)))
        tables.append(pa.Table.from_arrays(cols, schema=files.TRAJECTORY_SCHEMA))
    return tables


def one_writer(tables: list[pa.Table]) -> bytes:
    sink = io.BytesIO()
    with pq.ParquetWriter(sink, files.TRAJECTORY_SCHEMA, compression="zstd") as w:
        for t in tables:
            w.write_table(t)
    return sink.getvalue()


@pytest.mark.parametrize("sizes", [[1], [5, 3000, 17], [200] * 20, [70_000, 1, 40_000]])
def test_stitched_file_is_byte_identical_to_one_writer(sizes):
    tables = trajectory_tables(sizes)
    sink = io.BytesIO()
    stitcher = parquet_parts.Stitcher(sink)
    for t in tables:
        stitcher.add(files.encode_trajectories(t))
    stitcher.finish()
    assert sink.getvalue() == one_writer(tables)
    back = pq.read_table(io.BytesIO(sink.getvalue()))
    assert back.equals(pa.concat_tables(tables))


def test_footer_decodes_and_encodes_to_the_same_bytes():
    data = one_writer(trajectory_tables([10, 20, 30]))
    _, footer = parquet_parts.split(data)
    n = int.from_bytes(data[-8:-4], "little")
    assert parquet_parts.encode(footer) == data[-8 - n : -8]


def test_writer_files_match_one_writer_whatever_the_batches(tmp_path):
    tables = trajectory_tables([300, 0, 450])
    w = files.TrajectoryWriter(tmp_path / "t.parquet")
    for t in tables:
        w.write_table(t)
    w.commit()
    assert (tmp_path / "t.parquet").read_bytes() == one_writer([t for t in tables if t.num_rows])


def test_writer_with_no_rows_writes_an_empty_file(tmp_path):
    w = files.TrajectoryWriter(tmp_path / "t.parquet")
    w.commit()
    assert (tmp_path / "t.parquet").read_bytes() == one_writer([])
    assert not list(tmp_path.glob("*.partial"))


def test_not_a_parquet_file_is_refused():
    with pytest.raises(ValueError, match="not a parquet file"):
        parquet_parts.split(b"PAR1 nothing here")
