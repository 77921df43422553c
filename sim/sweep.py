"""A parameter sweep: its planned jobs, their progress, and the table that gathers them.

Hydra's basic sweeper turns `crisis-sim -m a=1,2 b=3,4` (or an experiment's
`hydra.sweeper.params`) into one job per combination, and a launcher (basic,
joblib, submitit) runs them. Every job runs `run.seeds` replications from the
same `run.seed`, so the jobs share their random numbers and differ only by
their parameters. `SweepCallback`, registered in `configs/config.yaml`:

- before any job starts, expands the sweep the way the sweeper will, checks
  every job's values against the model's ranges (a bad value stops the sweep
  at once, with a message naming it), and writes the plan to `sweep.json`;
- as each job ends, wherever it runs, prints `[k/N] jobs done`;
- at the end, gathers every job into `sweep.parquet` (one row per job),
  prints the final table and builds the sweep report.

A job whose directory already holds complete outputs of its config is not run
again (`resume`), so rerunning a sweep with the same `hydra.sweep.dir` finishes
an interrupted one. `python -m sim.sweep DIR` gathers a sweep directory again,
e.g. after cluster jobs whose launcher process did not survive.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from dataclasses import dataclass, is_dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.utils import JobReturn, JobStatus
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from . import outputs, replications, resume
from .outcomes import OUTCOMES
from .params import ConfigError, CrisisConfig, validate

PLAN = "sweep.json"
TABLE = "sweep.parquet"
DONE_LOG = ".jobs_done"  # one line per finished job; appended from every worker
META_KEY = b"crisis_sim"

# Output directories of the jobs this process found complete and did not rerun.
_REUSED: set[str] = set()


# --- Plan -----------------------------------------------------------------------------------


@dataclass
class Plan:
    """The jobs of a sweep, each as the override strings Hydra gives it, in job order."""

    jobs: list[list[str]]

    @cached_property
    def values(self) -> list[dict[str, Any]]:
        """Each job's overrides as {key: typed value}."""
        parser = _parser()
        return [
            {o.key_or_group: o.value() for o in parser.parse_overrides(list(job))}
            for job in self.jobs
        ]

    @cached_property
    def swept(self) -> list[str]:
        """The keys whose value differs between jobs, in command-line order."""
        values = self.values
        keys = list(dict.fromkeys(k for v in values for k in v))
        return [k for k in keys if len({_repr(v.get(k)) for v in values}) > 1]

    @property
    def fixed(self) -> dict[str, str]:
        """The overrides every job shares (e.g. run.seeds=500, experiment=...)."""
        swept = set(self.swept)
        first = self.values[0] if self.jobs else {}
        return {k: _repr(v) for k, v in first.items() if k not in swept}

    def save(self, sweep_dir: Path) -> None:
        outputs.write_json(sweep_dir / PLAN, {"jobs": self.jobs, "swept": self.swept})

    @classmethod
    def load(cls, sweep_dir: Path) -> Plan:
        path = Path(sweep_dir) / PLAN
        try:
            return cls(json.loads(path.read_text(encoding="utf-8"))["jobs"])
        except (OSError, ValueError, KeyError) as err:
            raise FileNotFoundError(f"{path}: no readable sweep plan ({err})") from err


def _repr(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _parser() -> OverridesParser:
    # The config loader lets glob(...) sweeps over config groups expand as the sweeper does.
    gh = GlobalHydra.instance()
    return OverridesParser.create(config_loader=gh.config_loader() if gh.is_initialized() else None)


def plan(config: DictConfig) -> Plan:
    """The jobs Hydra's basic sweeper will launch for this multirun config."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    params = OmegaConf.select(config, "hydra.sweeper.params") or {}
    args = [f"{k}={v}" for k, v in params.items()] + list(config.hydra.overrides.task)
    batches = BasicSweeper.split_arguments(_parser().parse_overrides(args), None)
    return Plan([list(job) for batch in batches for job in batch])


def _set(conf: Any, key: str, value: Any) -> None:
    """Set a dotted leaf of a config dataclass; ignore keys that are no leaf (e.g. groups)."""
    *path, leaf = key.split(".")
    node = conf
    for part in path:
        node = getattr(node, part, None)
    if is_dataclass(node) and hasattr(node, leaf) and not is_dataclass(getattr(node, leaf)):
        setattr(node, leaf, value)


def check(config: DictConfig, sweep: Plan) -> None:
    """Raise ConfigError naming the first job whose swept values the model does not allow.

    Hydra checks types when it composes each job; the model's ranges are ours.
    Group choices (scenario=..., experiment=...) are left to the jobs themselves.
    """
    base = copy.deepcopy(config)
    with read_write(base), open_dict(base):
        base.pop("hydra", None)
    base_conf = OmegaConf.to_object(base)
    for num, values in enumerate(sweep.values):
        conf = copy.deepcopy(base_conf)
        for key, value in values.items():
            _set(conf, key, value)
        try:
            validate(conf)
        except ConfigError as err:
            job = " ".join(sweep.jobs[num])
            raise ConfigError(f"{err} (sweep job #{num}: {job}); no job was started") from None


# --- Jobs and progress ----------------------------------------------------------------------


def run_job(conf: CrisisConfig, outdir: Path) -> dict:
    """One job of a sweep: reuse its outputs if complete, else run it quietly.

    The sweep shows progress by job and a table at the end, so a job draws no
    progress bar of its own; its run report can be built later with
    `crisis-report <job dir>`.
    """
    summary = resume.completed(outdir, conf)
    if summary is not None:
        _REUSED.add(str(outdir))
        return summary
    conf.run.progress = False
    return replications.run(conf, outdir)


@cache
def _planned(sweep_dir: Path) -> tuple[int | None, frozenset[str]]:
    """(number of jobs, swept keys) of the plan in `sweep_dir`, read once per process."""
    try:
        info = json.loads((sweep_dir / PLAN).read_text(encoding="utf-8"))
        return len(info["jobs"]), frozenset(info["swept"])
    except (OSError, ValueError, KeyError):
        return None, frozenset()


def record(sweep_dir: Path, num: int) -> int:
    """Log job `num` as done; return how many distinct jobs are done so far.

    One short append per job is atomic on a local file system, so workers of
    the joblib launcher can share the log without a lock.
    """
    log = sweep_dir / DONE_LOG
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{num}\n".encode())
    finally:
        os.close(fd)
    return len(set(log.read_text().split()))


def job_label(overrides: list[str], swept: frozenset[str]) -> str:
    """A job's swept overrides (all of them when the plan is unknown)."""
    shown = [o for o in overrides if not swept or o.partition("=")[0].lstrip("+~") in swept]
    return " ".join(shown)


# --- Gathering ------------------------------------------------------------------------------


def job_dirs(sweep_dir: Path) -> dict[tuple[str, ...], Path]:
    """Every job directory under `sweep_dir`, keyed by the overrides it was run with."""
    found = {}
    for path in sorted(Path(sweep_dir).rglob("overrides.yaml")):
        if path.parent.name != ".hydra":
            continue
        try:
            found[tuple(OmegaConf.to_container(OmegaConf.load(path)))] = path.parent.parent
        except Exception:  # noqa: BLE001 (an unreadable file marks no job)
            continue
    return found


def job_summary(job_dir: Path) -> dict | None:
    """The summary of a job directory if its outputs are complete for its own config."""
    try:
        config = OmegaConf.load(job_dir / ".hydra" / "config.yaml")
        config = OmegaConf.to_container(config, resolve=True)
    except Exception:  # noqa: BLE001 (missing or damaged: not complete)
        return None
    return resume.completed(job_dir, config)


def _column(values: list[Any]) -> pa.Array:
    """One swept parameter's values, typed: bool, int, float or (otherwise) string."""
    if all(isinstance(v, bool) for v in values):
        return pa.array(values, pa.bool_())
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.array(values, pa.int64())
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return pa.array([float(v) for v in values], pa.float64())
    return pa.array([v if isinstance(v, str) else _repr(v) for v in values], pa.string())


def gather(sweep_dir: Path) -> tuple[pa.Table | None, list[int]]:
    """(the sweep table, []) when every planned job is complete, else (None, missing jobs)."""
    sweep_dir = Path(sweep_dir)
    sweep = Plan.load(sweep_dir)
    dirs = job_dirs(sweep_dir)
    summaries, where, missing = [], [], []
    for num, job in enumerate(sweep.jobs):
        job_dir = dirs.get(tuple(job))
        summary = None if job_dir is None else job_summary(job_dir)
        if summary is None:
            missing.append(num)
        summaries.append(summary)
        where.append(job_dir)
    if missing:
        return None, missing

    values, swept = sweep.values, sweep.swept
    cols: dict[str, pa.Array] = {"job": pa.array(range(len(sweep.jobs)), pa.int64())}
    for key in swept:
        cols[key] = _column([v.get(key) for v in values])
    cols["seeds"] = pa.array([s["seeds"] for s in summaries], pa.int64())
    for o in OUTCOMES:
        rows = [s["outcomes"][o] for s in summaries]
        cols[f"p_{o}"] = pa.array([r["probability"] for r in rows], pa.float64())
        cols[f"p_{o}_low"] = pa.array([r["ci_low"] for r in rows], pa.float64())
        cols[f"p_{o}_high"] = pa.array([r["ci_high"] for r in rows], pa.float64())
        cols[f"n_{o}"] = pa.array([r["count"] for r in rows], pa.int64())
    cols["most_likely"] = pa.array([most_likely(s) for s in summaries], pa.string())
    cols["mean_peak_tension"] = pa.array([s["mean_peak_tension"] for s in summaries], pa.float64())
    cols["run_dir"] = pa.array([d.relative_to(sweep_dir).as_posix() for d in where], pa.string())
    first = summaries[0]
    meta = {
        "swept": swept,
        "fixed": sweep.fixed,
        "jobs": len(sweep.jobs),
        "base_seed": first["base_seed"],
        "rounds": first["rounds"],
        "start": first["start"],
        "interval": first["interval"],
        "outcomes": list(OUTCOMES),
        "common_random_numbers": len({(s["base_seed"], s["seeds"]) for s in summaries}) == 1,
    }
    table = pa.table(cols).replace_schema_metadata({META_KEY: json.dumps(meta).encode()})
    return table, []


def most_likely(summary: dict) -> str:
    """The outcome with the highest probability (ties go to the earlier outcome)."""
    table = summary["outcomes"]
    return max(OUTCOMES, key=lambda o: (table[o]["probability"], -OUTCOMES.index(o)))


def metadata(table: pa.Table) -> dict:
    return json.loads(table.schema.metadata[META_KEY])


def write(table: pa.Table, path: Path) -> None:
    """Write the sweep table under a temporary name and rename it into place."""
    with outputs.atomic(path, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")


def read(sweep_dir: Path | str) -> tuple[pa.Table, dict]:
    """The sweep table of `sweep_dir` and its metadata (swept keys, seeds, interval)."""
    table = pq.read_table(Path(sweep_dir) / TABLE)
    return table, metadata(table)


def finish(sweep_dir: Path) -> pa.Table:
    """Gather `sweep_dir` into sweep.parquet (and its tipping point, if one-dimensional)."""
    table, missing = gather(sweep_dir)
    if table is None:
        total = len(Plan.load(sweep_dir).jobs)
        shown = ", ".join(f"#{n}" for n in missing[:20]) + (" ..." if len(missing) > 20 else "")
        raise RuntimeError(
            f"{sweep_dir}: {total - len(missing)}/{total} jobs complete; missing {shown}. "
            f"Rerun the sweep with hydra.sweep.dir={sweep_dir} to run the rest."
        )
    write(table, Path(sweep_dir) / TABLE)
    from . import tipping

    meta = metadata(table)
    codes = outcome_matrix(sweep_dir, table) if len(meta["swept"]) == 1 else None
    tipping.write(Path(sweep_dir), table, meta, codes)
    return table


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
            Path(sweep_dir) / rel / outputs.OUTCOMES_CSV,
            convert_options=pacsv.ConvertOptions(include_columns=["outcome"]),
        ).column("outcome")
        columns.append(np.array([codes[o] for o in outcome.to_pylist()], np.int8))
    return np.column_stack(columns)


def short(key: str) -> str:
    return key.removeprefix("actors.").removeprefix("world.")


def format_table(table: pa.Table) -> str:
    """The final table printed when a sweep ends: one line per job."""
    meta = metadata(table)
    swept = meta["swept"]
    rows = table.to_pylist()
    heads = ["job", *(short(k) for k in swept), *OUTCOMES, "peak tension"]
    cells = [
        [
            str(r["job"]),
            *(f"{r[k]:g}" if isinstance(r[k], float) else str(r[k]) for k in swept),
            *(f"{r[f'p_{o}']:.3f}" for o in OUTCOMES),
            f"{r['mean_peak_tension']:.3f}",
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    line = "  ".join
    out = [
        f"sweep: {len(rows)} jobs x {rows[0]['seeds']} seeds (common random numbers, "
        f"base seed {meta['base_seed']}); outcome probabilities, 95% Wilson intervals "
        f"in {TABLE}",
        line(h.rjust(w) for h, w in zip(heads, widths, strict=True)),
    ]
    out += [line(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(out)


def build_report(sweep_dir: Path, swept: list[str]) -> Path:
    """The sweep report; a sweep over scenarios alone gets the scenario comparison."""
    if swept == ["scenario"]:
        from .report import build

        return build.report(sweep_dir)
    from .report import sweep as sweep_report

    return sweep_report.report(sweep_dir)


# --- Hydra callback -------------------------------------------------------------------------


class SweepCallback(Callback):
    """Plans, checks, follows and gathers a multirun (see the module docstring)."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        if not _gathers(config):
            return
        sweep_dir = Path(config.hydra.sweep.dir)
        sweep = plan(config)
        try:
            check(config, sweep)
        except ConfigError as err:
            from .cli import fail

            fail(str(err))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        for stale in (TABLE, DONE_LOG):  # nothing from an earlier sweep passes for this one's
            (sweep_dir / stale).unlink(missing_ok=True)
        sweep.save(sweep_dir)
        print(f"sweep: {len(sweep.jobs)} jobs in {sweep_dir}", flush=True)

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        if HydraConfig.get().mode != RunMode.MULTIRUN or not _gathers(config):
            return
        sweep_dir = Path(config.hydra.sweep.dir)
        num, (total, swept) = config.hydra.job.num, _planned(sweep_dir)
        label = job_label(list(config.hydra.overrides.task), swept)
        if job_return.status != JobStatus.COMPLETED:
            try:
                job_return.return_value  # noqa: B018 (raises the job's exception)
            except Exception as err:  # noqa: BLE001
                print(f"job #{num} failed ({label}): {err!r}", flush=True)
            return
        done = record(sweep_dir, num)
        note = ""
        if config.hydra.runtime.output_dir in _REUSED:
            note = " (complete outputs found: not rerun)"
        print(f"[{done}/{total or '?'}] jobs done: #{num} {label}{note}", flush=True)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        if not _gathers(config):
            return
        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            table = finish(sweep_dir)
        except (FileNotFoundError, RuntimeError) as err:  # Hydra would make this a warning
            print(f"crisis-sim: error: {err}", file=sys.stderr)
            sys.exit(1)
        print(format_table(table))
        print(f"sweep table: {sweep_dir / TABLE}")
        if config.report.enabled:
            print(f"report: {build_report(sweep_dir, metadata(table)['swept'])}")


def _gathers(config: DictConfig) -> bool:
    """Gather simulation sweeps (not, e.g., sensitivity tasks) that the basic sweeper expands."""
    task = OmegaConf.select(config, "task", default="run")
    sweeper = str(OmegaConf.select(config, "hydra.sweeper._target_", default=""))
    return task == "run" and sweeper.endswith(".BasicSweeper")


# --- Command line ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.sweep",
        description="Gather a sweep directory into sweep.parquet and rebuild its report, "
        "e.g. after cluster jobs; lists the jobs still missing if any.",
    )
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--no-report", action="store_true", help="only write sweep.parquet")
    args = parser.parse_args(argv)
    try:
        table = finish(args.sweep_dir)
    except (FileNotFoundError, RuntimeError) as err:
        print(f"crisis-sim sweep: {err}", file=sys.stderr)
        return 1
    print(format_table(table))
    if not args.no_report:
        print(f"report: {build_report(args.sweep_dir, metadata(table)['swept'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
