"""Output files of a run: their schemas, atomic writing and provenance.

Nothing here knows the model; it only turns rows into files. Every file is
written under a temporary name and renamed into place when complete, so an
interrupted run never leaves a file that looks finished. `summary.json` is
renamed last: its presence marks a complete run directory.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.io import parquet_parts

OUTCOMES_CSV = "outcomes.csv"
TRAJECTORIES = "trajectories.parquet"
SUMMARY = "summary.json"
PROVENANCE = "provenance.json"
PARTIAL = ".partial"

OUTCOME_COLUMNS = (
    "seed",
    "outcome",
    "outcome_round",
    "rounds_played",
    "peak_tension",
    "resolutions_adopted",
    "dprk_tests",
    "china_cost",
    "final_tension",
    "final_sanctions_level",
    "final_pressure",
    "final_china_enforcement",
    "final_russia_enforcement",
    "final_dprk_capability",
    "final_dprk_stability",
    "final_us_trust_in_china",
    "final_exercises",
    "talks_opened_round",
    "talks_breakdowns",
    "agreement_round",
    "war_cause",
)

_f, _i, _s, _b = pa.float64(), pa.int32(), pa.string(), pa.bool_()
TRAJECTORY_SCHEMA = pa.schema(
    [
        ("seed", _i),
        ("round", _i),
        ("tension", _f),
        ("sanctions_level", _f),
        ("pressure", _f),
        ("china_enforcement", _f),
        ("russia_enforcement", _f),
        ("dprk_capability", _f),
        ("dprk_stability", _f),
        ("us_trust_in_china", _f),
        ("exercises", _b),
        ("china_cost", _f),
        ("war_hazard", _f),
        ("nuclear_hazard", _f),
        ("collapse_hazard", _f),
        ("us_move", _s),
        ("china_move", _s),
        ("russia_move", _s),
        ("dprk_move", _s),
        ("resolution_drafted", _f),
        ("resolution_adopted", _f),
        ("china_vote", _s),
        ("russia_vote", _s),
        ("escalation_score", _f),
        ("outcome", _s),
        ("talks", _s),
    ]
)


REPORT_FILES = ("report.html", "report.md")
FIGURES = "figures"
# Every file a run writes, summary.json first: once it is gone nothing looks finished.
RUN_FILES = (SUMMARY, OUTCOMES_CSV, TRAJECTORIES, PROVENANCE)


def partial(path: Path) -> Path:
    """A temporary name for `path`, unique to this process and call (pid and random)."""
    return path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}{PARTIAL}")


def partials(path: Path) -> list[Path]:
    """Temporary files left for `path` by writers that did not finish."""
    return sorted(path.parent.glob(f"{path.name}.*{PARTIAL}")) + [
        p for p in [path.with_name(path.name + PARTIAL)] if p.exists()
    ]


def clear_report(outdir: Path) -> None:
    """Remove a report and its figures, so no figure of an earlier report survives a new one."""
    outdir = Path(outdir)
    for name in REPORT_FILES:
        (outdir / name).unlink(missing_ok=True)
    figures = outdir / FIGURES
    if figures.is_dir() and not figures.is_symlink():
        shutil.rmtree(figures)
    elif figures.is_symlink() or figures.exists():
        figures.unlink()


def clear_outputs(outdir: Path) -> None:
    """Remove every file a run or its report writes in `outdir` (summary.json first).

    A new run starts from this, so no file of an earlier run survives beside
    the new ones, and a run interrupted later leaves nothing that looks finished.
    """
    outdir = Path(outdir)
    for name in RUN_FILES:
        (outdir / name).unlink(missing_ok=True)
    clear_report(outdir)


@contextmanager
def atomic(path: Path, mode: str = "w"):
    """Open `path` for writing under a temporary name; rename only on success."""
    tmp = partial(path)
    try:
        with open(tmp, mode, newline="" if "b" not in mode else None) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: Path, obj) -> None:
    with atomic(path) as fh:
        json.dump(obj, fh, indent=2, sort_keys=False)
        fh.write("\n")


class OutcomeWriter:
    """Streams outcomes.csv one row per replication."""

    def __init__(self, path: Path):
        self.path = path
        self._tmp = partial(path)
        self._fh = open(self._tmp, "w", newline="")  # noqa: SIM115 (closed in commit/abort)
        self._csv = csv.writer(self._fh, lineterminator="\n")
        self._csv.writerow(OUTCOME_COLUMNS)

    def write(self, row: Sequence) -> None:
        self._csv.writerow("" if v is None else v for v in row)

    def write_lines(self, text: str) -> None:
        """Lines already in this file's CSV form (the batch driver formats its own)."""
        self._fh.write(text)

    def commit(self) -> None:
        self._fh.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        try:
            self._fh.close()
        except OSError:  # e.g. the disk is full: the buffered rows cannot be flushed
            pass
        finally:
            self._tmp.unlink(missing_ok=True)


def encode_trajectories(table: pa.Table) -> parquet_parts.Part:
    """A table of TRAJECTORY_SCHEMA encoded as one row group, as TrajectoryWriter writes it.

    Done in a worker process, this leaves the writer only pages to copy
    (`TrajectoryWriter.write_encoded`).
    """
    return parquet_parts.Part(encode_trajectory_file(table))


def encode_trajectory_file(table: pa.Table) -> bytes:
    """A table of TRAJECTORY_SCHEMA as the bytes of a whole parquet file of one row group."""
    if table.schema != TRAJECTORY_SCHEMA:
        raise ValueError("trajectory table does not match TRAJECTORY_SCHEMA")
    sink = pa.BufferOutputStream()
    with pq.ParquetWriter(sink, TRAJECTORY_SCHEMA, compression="zstd") as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


class TrajectoryWriter:
    """Streams trajectories.parquet in batches of rows, so memory stays flat.

    Each batch is one row group, encoded on its own (`encode_trajectories`) and
    stitched in (sim.io.parquet_parts): the file is the one a single
    ParquetWriter given the same batches writes, wherever they were encoded.
    """

    def __init__(self, path: Path):
        self.path = path
        self._tmp = partial(path)
        self._fh = open(self._tmp, "wb")  # noqa: SIM115 (closed in commit/abort)
        self._parts = parquet_parts.Stitcher(self._fh)

    def write(self, rows: Iterable[tuple]) -> None:
        rows = list(rows)
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        arrays = [
            pa.array(col, type=field.type)
            for col, field in zip(columns, TRAJECTORY_SCHEMA, strict=True)
        ]
        self.write_table(pa.Table.from_arrays(arrays, schema=TRAJECTORY_SCHEMA))

    def write_table(self, table: pa.Table) -> None:
        """A table of TRAJECTORY_SCHEMA, as one row group (none if it is empty)."""
        if table.schema != TRAJECTORY_SCHEMA:
            raise ValueError("trajectory table does not match TRAJECTORY_SCHEMA")
        if table.num_rows:
            self.write_encoded(encode_trajectories(table))

    def write_encoded(self, data: parquet_parts.Part | bytes) -> None:
        """A row group already encoded by `encode_trajectories`."""
        self._parts.add(data)

    def commit(self) -> None:
        if self._parts.empty():  # no rows: the file a ParquetWriter given none writes
            self._fh.close()
            pq.ParquetWriter(self._tmp, TRAJECTORY_SCHEMA, compression="zstd").close()
        else:
            self._parts.finish()
            self._fh.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        try:
            self._fh.close()
        except OSError:
            pass
        finally:
            self._tmp.unlink(missing_ok=True)


def git_commit(start: Path) -> str | None:
    """The commit of the checkout the package runs from, with '+dirty' if modified."""
    try:
        head = subprocess.run(
            ["git", "-C", str(start), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(start), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


# Every library whose version can change a number in an output directory.
LIBRARIES = (
    "numpy",
    "numba",
    "mesa",
    "pandas",
    "pyarrow",
    "scipy",
    "SALib",
    "hydra-core",
    "omegaconf",
    "matplotlib",
)


def versions() -> dict[str, str | None]:
    """Installed versions of LIBRARIES (None for one that is absent), without importing them."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def provenance(config: dict, version: str) -> dict:
    """What produced a run directory: config, seeds, versions, commit, time."""
    libraries = versions()
    return {
        "package": "crisis-sim",
        "version": version,
        "git_commit": git_commit(Path(__file__).resolve().parent),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "mesa": libraries["mesa"],
        "numpy": libraries["numpy"],
        "pyarrow": libraries["pyarrow"],
        "libraries": libraries,
        "seeds": {
            "base_seed": config["run"]["seed"],
            "replications": config["run"]["seeds"],
            "stream": "numpy SeedSequence([run.seed, replication index]); index = the seed column",
        },
        "config": config,
    }
