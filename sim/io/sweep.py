"""The files of a sweep directory: its plan, its gathered table and its tipping point.

A sweep directory holds one job directory per planned job, named by job
number (`0/`, `1/`, ...), beside `sweep.json` (the plan: every job's
overrides and typed values), `sweep.parquet` (one row per job, written when
every job is complete) and, for a one-parameter sweep, `tipping_point.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim.core.outcomes import OUTCOMES
from sim.io.files import OUTCOMES_CSV, atomic, write_json

PLAN = "sweep.json"
TABLE = "sweep.parquet"
TIPPING = "tipping_point.json"
DONE_LOG = ".jobs_done"  # one line per finished job; appended from every worker
META_KEY = b"crisis_sim"


def job_dir(sweep_dir: Path | str, num: int) -> Path:
    """Where job `num` of a sweep writes: its number, as Hydra's `subdir` setting names it."""
    return Path(sweep_dir) / str(num)


def save_plan(sweep_dir: Path, plan: dict) -> None:
    write_json(Path(sweep_dir) / PLAN, plan)


def load_plan(sweep_dir: Path | str) -> dict:
    """The plan of `sweep_dir`: {"jobs": [[override, ...]], "values": [...], "swept": [...]}."""
    path = Path(sweep_dir) / PLAN
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(plan.get("jobs"), list) or not isinstance(plan.get("swept"), list):
            raise ValueError("lacks jobs or swept")
        if not isinstance(plan.get("values"), list) or len(plan["values"]) != len(plan["jobs"]):
            raise ValueError("lacks one set of values per job")
    except (OSError, ValueError, AttributeError) as err:
        raise FileNotFoundError(f"{path}: no readable sweep plan ({err})") from err
    return plan


def metadata(table: pa.Table) -> dict:
    return json.loads(table.schema.metadata[META_KEY])


def write_table(table: pa.Table, sweep_dir: Path | str) -> None:
    """Write the sweep table under a temporary name and rename it into place."""
    with atomic(Path(sweep_dir) / TABLE, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")


def read_table(sweep_dir: Path | str) -> tuple[pa.Table, dict]:
    """The sweep table of `sweep_dir` and its metadata (swept keys, seeds, interval)."""
    table = pq.read_table(Path(sweep_dir) / TABLE)
    return table, metadata(table)


def outcome_matrix(sweep_dir: Path | str, table: pa.Table) -> np.ndarray | None:
    """Each seed's outcome (index into OUTCOMES) in each job, shape (seeds, jobs).

    None unless every job ran the same seeds: only then are rows comparable
    seed by seed (common random numbers).
    """
    seeds = set(table.column("seeds").to_pylist())
    if len(seeds) != 1 or not metadata(table)["common_random_numbers"]:
        return None
    codes = {o: i for i, o in enumerate(OUTCOMES)}
    columns = []
    for rel in table.column("run_dir").to_pylist():
        outcome = pacsv.read_csv(
            Path(sweep_dir) / rel / OUTCOMES_CSV,
            convert_options=pacsv.ConvertOptions(include_columns=["outcome"]),
        ).column("outcome")
        columns.append(np.array([codes[o] for o in outcome.to_pylist()], np.int8))
    return np.column_stack(columns)


def write_tipping(sweep_dir: Path | str, result: dict | None) -> None:
    """Write tipping_point.json, or remove an old one when this sweep has none."""
    path = Path(sweep_dir) / TIPPING
    if result is None:
        path.unlink(missing_ok=True)
    else:
        write_json(path, result)


def read_tipping(sweep_dir: Path | str) -> dict | None:
    path = Path(sweep_dir) / TIPPING
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
