"""A parameter sweep: its planned jobs, each job's run, and the table that gathers them.

Every job runs `run.seeds` replications from the same `run.seed`, so the jobs
share their random numbers and differ only by their parameters. A sweep
gathers exactly the jobs of its own plan, by job number: job `k` lives in
`<sweep dir>/k/` and counts only if its outputs are complete, valid and made
from job `k`'s own config. The command line (`sim.app.callbacks`) makes the
plan from Hydra's sweeper, shows progress and prints the tables.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, is_dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from sim.core.outcomes import OUTCOMES
from sim.core.params import ConfigError, CrisisConfig, validate
from sim.io import sweep as files
from sim.runs import events, replications, resume, tipping

# Output directories of the jobs this process found complete and did not rerun.
REUSED: set[str] = set()


@dataclass
class Plan:
    """The jobs of a sweep: each job's override strings and typed values, in job order."""

    jobs: list[list[str]]
    values: list[dict[str, Any]]

    @property
    def swept(self) -> list[str]:
        """The keys whose value differs between jobs, in command-line order."""
        keys = list(dict.fromkeys(k for v in self.values for k in v))
        return [k for k in keys if len({_repr(v.get(k)) for v in self.values}) > 1]

    @property
    def fixed(self) -> dict[str, str]:
        """The overrides every job shares (e.g. run.seeds=500, experiment=...)."""
        swept = set(self.swept)
        first = self.values[0] if self.jobs else {}
        return {k: _repr(v) for k, v in first.items() if k not in swept}

    def to_json(self) -> dict:
        return {"jobs": self.jobs, "values": self.values, "swept": self.swept}

    def save(self, sweep_dir: Path) -> None:
        files.save_plan(sweep_dir, self.to_json())

    @classmethod
    def load(cls, sweep_dir: Path | str) -> Plan:
        plan = files.load_plan(sweep_dir)
        return cls(plan["jobs"], plan["values"])


def _repr(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _set(conf: Any, key: str, value: Any) -> None:
    """Set a dotted leaf of a config dataclass; ignore keys that are no leaf (e.g. groups)."""
    *path, leaf = key.split(".")
    node = conf
    for part in path:
        node = getattr(node, part, None)
    if is_dataclass(node) and hasattr(node, leaf) and not is_dataclass(getattr(node, leaf)):
        setattr(node, leaf, value)


def check(base: CrisisConfig, sweep: Plan) -> None:
    """Raise ConfigError naming the first job whose swept values the model does not allow.

    Hydra checks types when it composes each job; the model's ranges are ours.
    Group choices (scenario=..., experiment=...) are left to the jobs themselves.
    """
    for num, values in enumerate(sweep.values):
        conf = copy.deepcopy(base)
        for key, value in values.items():
            _set(conf, key, value)
        try:
            validate(conf)
        except ConfigError as err:
            job = " ".join(sweep.jobs[num])
            raise ConfigError(f"{err} (sweep job #{num}: {job}); no job was started") from None


def conflict(sweep_dir: Path, sweep: Plan) -> str | None:
    """Why `sweep_dir` cannot take this plan (it holds another sweep's), or None."""
    try:
        old = Plan.load(sweep_dir)
    except FileNotFoundError:
        jobs = [p.name for p in Path(sweep_dir).iterdir() if p.is_dir() and p.name.isdigit()]
        if jobs:
            return f"{sweep_dir} holds job folders ({', '.join(sorted(jobs)[:5])}) but no plan"
        return None
    if old.jobs != sweep.jobs:
        return f"{sweep_dir} holds another sweep ({len(old.jobs)} jobs of other settings)"
    return None


def run_job(conf: CrisisConfig, outdir: Path) -> dict:
    """One job of a sweep: reuse its outputs if complete, else run it quietly.

    The sweep shows progress by job and a table at the end, so a job draws no
    progress bar of its own; its run report can be built later with
    `crisis-report <job dir>`.
    """
    summary = resume.completed(outdir, conf)
    if summary is not None:
        REUSED.add(str(outdir))
        return summary
    conf.run.progress = False
    from sim.io.files import clear_outputs

    clear_outputs(outdir)  # nothing of an earlier job survives beside this one
    summary = replications.run(conf, outdir)
    events.write(conf, outdir)
    return summary


def record(sweep_dir: Path, num: int) -> int:
    """Log job `num` as done; return how many distinct jobs are done so far.

    One short append per job is atomic on a local file system, so workers of
    the joblib launcher can share the log without a lock.
    """
    log = Path(sweep_dir) / files.DONE_LOG
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{num}\n".encode())
    finally:
        os.close(fd)
    return len(set(log.read_text().split()))


def job_label(overrides: list[str], swept: list[str] | frozenset[str]) -> str:
    """A job's swept overrides (all of them when the plan is unknown)."""
    shown = [o for o in overrides if not swept or o.partition("=")[0].lstrip("+~") in swept]
    return " ".join(shown)


def job_summary(job_dir: Path) -> dict | None:
    """The summary of a job directory if its outputs are complete for the config it records."""
    try:
        made_from = json.loads((job_dir / "provenance.json").read_text(encoding="utf-8"))
        config = made_from["config"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return resume.completed(job_dir, config)


def _matches(summary_dir: Path, values: dict[str, Any]) -> bool:
    """Whether the config a job directory records has this job's swept values."""
    try:
        made_from = json.loads((summary_dir / "provenance.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    config = made_from.get("config", {})
    for key, value in values.items():
        node: Any = config
        for part in key.lstrip("+~").split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, (dict, type(None))):  # a group choice (scenario=...): not a leaf
            continue
        if _repr(node) != _repr(value) and not (
            isinstance(node, (int, float)) and isinstance(value, (int, float)) and node == value
        ):
            return False
    return True


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
    summaries, where, missing = [], [], []
    for num, values in enumerate(sweep.values):
        job_dir = files.job_dir(sweep_dir, num)
        summary = job_summary(job_dir) if _matches(job_dir, values) else None
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
    table = pa.table(cols).replace_schema_metadata({files.META_KEY: json.dumps(meta).encode()})
    return table, []


def most_likely(summary: dict) -> str:
    """The outcome with the highest probability (ties go to the earlier outcome)."""
    table = summary["outcomes"]
    return max(OUTCOMES, key=lambda o: (table[o]["probability"], -OUTCOMES.index(o)))


class Incomplete(RuntimeError):
    """Some planned jobs of a sweep have no complete outputs yet."""


def finish(sweep_dir: Path) -> pa.Table:
    """Gather `sweep_dir` into sweep.parquet (and its tipping point, if one-dimensional)."""
    table, missing = gather(sweep_dir)
    if table is None:
        total = len(Plan.load(sweep_dir).jobs)
        shown = ", ".join(f"#{n}" for n in missing[:20]) + (" ..." if len(missing) > 20 else "")
        raise Incomplete(
            f"{sweep_dir}: {total - len(missing)}/{total} jobs complete; missing {shown}. "
            f"Rerun the sweep with hydra.sweep.dir={sweep_dir} to run the rest."
        )
    files.write_table(table, sweep_dir)
    meta = files.metadata(table)
    codes = files.outcome_matrix(sweep_dir, table) if len(meta["swept"]) == 1 else None
    files.write_tipping(sweep_dir, tipping.of_table(table, meta, codes))
    return table
