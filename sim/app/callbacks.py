"""Hydra callbacks: check a config before any directory exists; plan, follow and gather sweeps.

`ValidateFirst` rejects a bad config before Hydra creates a run directory.
`SweepCallback`, before any job starts, expands the sweep the way Hydra's
basic sweeper will, checks every job's values against the model's ranges,
refuses a sweep directory that holds another sweep, and writes the plan to
`sweep.json`; as each job ends, wherever it runs, it prints `[k/N] jobs
done`; at the end it gathers the jobs of its plan into `sweep.parquet`,
prints the final table and builds the sweep report.
"""

from __future__ import annotations

import copy
import typing
from functools import cache
from pathlib import Path

from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.utils import JobReturn, JobStatus
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from sim.app import checks
from sim.app.config import to_config
from sim.app.console import say
from sim.app.errors import explain, fail
from sim.core.params import ConfigError
from sim.io import lock
from sim.io import sweep as files
from sim.io.run import ReportError
from sim.report import text
from sim.runs import sweep
from sim.runs.sweep import Plan

# What this process writes: ("run" or "sweep", directory), for the line Ctrl-C prints.
CURRENT: dict[str, str] = {}


def take(directory: str, setting: str) -> None:
    """Lock `directory` for this process, or exit with one line (exit 2) saying why not."""
    try:
        lock.hold(directory, setting)
    except lock.Busy as err:
        fail(str(err))
    except OSError as err:
        fail(f"{setting}={directory} cannot be used: {err.strerror or err}; allowed: a path "
             "where a directory can be created and written")  # fmt: skip


def check_files(config: DictConfig) -> None:
    """Exit with one line (exit 2) if a config file behind `config` sets what it may not.

    Runs before Hydra builds the callbacks a config names (see `sim.app.cli.main`),
    so a scenario file cannot make Hydra run code of its choosing.
    """
    runtime = OmegaConf.select(config, "hydra.runtime") or {}
    try:
        checks.check_choices(
            dict(runtime.get("choices") or {}), list(runtime.get("config_sources") or [])
        )
    except (checks.ConfigFileError, OSError) as err:
        fail(str(err))


def check(config: DictConfig) -> None:
    """Exit with one line (exit 2) if the composed `config` or a file behind it is not allowed."""
    check_files(config)
    cfg = copy.deepcopy(config)
    with read_write(cfg), open_dict(cfg):
        cfg.pop("hydra", None)
    try:
        to_config(cfg)
    except Exception as ex:
        message = explain(ex)
        if message is None:
            raise
        fail(message)


class ValidateFirst(Callback):
    """Rejects a bad config before Hydra creates a run directory, so none is left behind,
    then locks the run or sweep directory for this process (see `sim.io.lock`).

    Hydra turns exceptions raised in callbacks into warnings, so errors exit from here.
    """

    def on_run_start(self, config: DictConfig, **kwargs: typing.Any) -> None:
        check(config)
        run_dir = str(config.hydra.run.dir)
        take(run_dir, "hydra.run.dir")
        CURRENT.update(kind="run", dir=run_dir)

    def on_multirun_start(self, config: DictConfig, **kwargs: typing.Any) -> None:
        self._check_sweep(config)
        sweep_dir = str(config.hydra.sweep.dir)
        take(sweep_dir, "hydra.sweep.dir")  # held by the launcher; jobs lock their own dirs
        CURRENT.update(kind="sweep", dir=sweep_dir)

    def _check_sweep(self, config: DictConfig) -> None:
        """Checks every swept value once, with the fixed overrides, before the first job."""
        from hydra import compose
        from hydra.core.override_parser.overrides_parser import OverridesParser

        if not str(config.hydra.sweeper.get("_target_", "")).endswith(".BasicSweeper"):
            check(config)
            return
        params = config.hydra.sweeper.get("params") or {}
        lines = [f"{k}={v}" for k, v in params.items()] + list(config.hydra.overrides.task)
        by_key = {o.get_key_element(): o for o in OverridesParser.create().parse_overrides(lines)}
        parsed = list(by_key.values())  # the command line wins over the sweeper's params
        swept = [o for o in parsed if o.is_sweep_override() and o.is_discrete_sweep()]
        fixed = [
            f"{o.get_key_element()}={o.get_value_element_as_str()}"
            for o in parsed
            if not o.is_sweep_override()
        ]
        trials = [[f"{o.get_key_element()}={v}"] for o in swept for v in o.sweep_string_iterator()]
        for trial in [[], *trials]:
            try:
                cfg = compose(config.hydra.job.config_name, overrides=fixed + trial)
            except Exception as ex:
                message = explain(ex)
                if message is None:
                    raise
                fail(message)
            check(cfg)


def _parser() -> OverridesParser:
    # The config loader lets glob(...) sweeps over config groups expand as the sweeper does.
    gh = GlobalHydra.instance()
    return OverridesParser.create(config_loader=gh.config_loader() if gh.is_initialized() else None)


def plan(config: DictConfig) -> Plan:
    """The jobs Hydra's basic sweeper will launch for this multirun config, with typed values."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    params = OmegaConf.select(config, "hydra.sweeper.params") or {}
    args = [f"{k}={v}" for k, v in params.items()] + list(config.hydra.overrides.task)
    parser = _parser()
    batches = BasicSweeper.split_arguments(parser.parse_overrides(args), None)
    jobs = [list(job) for batch in batches for job in batch]
    values = [{o.key_or_group: o.value() for o in parser.parse_overrides(job)} for job in jobs]
    return Plan(jobs, values)


def _base(config: DictConfig):
    base = copy.deepcopy(config)
    with read_write(base), open_dict(base):
        base.pop("hydra", None)
    return OmegaConf.to_object(base)


@cache
def _planned(sweep_dir: Path) -> tuple[int | None, tuple[str, ...]]:
    """(number of jobs, swept keys) of the plan in `sweep_dir`, read once per process."""
    try:
        saved = files.load_plan(sweep_dir)
        return len(saved["jobs"]), tuple(saved["swept"])
    except FileNotFoundError:
        return None, ()


class SweepCallback(Callback):
    """Plans, checks, follows and gathers a multirun (see the module docstring)."""

    def on_multirun_start(self, config: DictConfig, **kwargs: typing.Any) -> None:
        if not _gathers(config):
            return
        sweep_dir = Path(config.hydra.sweep.dir)
        jobs = plan(config)
        try:
            sweep.check(_base(config), jobs)
            check_reference(config, jobs)
        except ConfigError as err:
            fail(str(err))
        if sweep_dir.is_dir():
            why = sweep.conflict(sweep_dir, jobs)
            if why is not None:
                fail(f"{why}; choose a new hydra.sweep.dir, or remove it to start again")
        sweep_dir.mkdir(parents=True, exist_ok=True)
        for stale in (files.TABLE, files.DONE_LOG):  # only this run's gathering counts
            (sweep_dir / stale).unlink(missing_ok=True)
        jobs.save(sweep_dir)
        say(f"sweep: {len(jobs.jobs)} jobs in {sweep_dir}", flush=True)

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: typing.Any) -> None:
        if HydraConfig.get().mode != RunMode.MULTIRUN or not _gathers(config):
            return
        sweep_dir = Path(config.hydra.sweep.dir)
        num, (total, swept) = config.hydra.job.num, _planned(sweep_dir)
        label = sweep.job_label(list(config.hydra.overrides.task), swept)
        if job_return.status != JobStatus.COMPLETED:
            err = job_return._return_value  # the job's exception (return_value would print it)
            if isinstance(err, BaseException):
                why = repr(err)
                if isinstance(err, OSError) and err.strerror:
                    why = f"{err.strerror}" + (f": {err.filename}" if err.filename else "")
                say(f"job #{num} failed ({label}): {why}", flush=True)
            return
        done = sweep.record(sweep_dir, num)
        note = ""
        if config.hydra.runtime.output_dir in sweep.REUSED:
            note = " (complete outputs found: not rerun)"
        say(f"[{done}/{total or '?'}] jobs done: #{num} {label}{note}", flush=True)

    def on_multirun_end(self, config: DictConfig, **kwargs: typing.Any) -> None:
        if _uncertainty(config):
            _uncertainty_end(config)
        if not _gathers(config):
            return
        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            table = sweep.finish(sweep_dir)
        except (FileNotFoundError, sweep.Incomplete) as err:  # Hydra would make this a warning
            fail(str(err), code=1)
        swept = files.metadata(table)["swept"]
        if swept == ["scenario"]:  # a comparison: odds and paired differences from the reference
            from sim.report import compare

            try:
                say(text.comparison(compare.of_directory(sweep_dir)))
            except ReportError as err:
                fail(str(err))
        else:
            say(text.sweep_table(table, files.read_tipping(sweep_dir)))
        say(f"sweep table: {sweep_dir / files.TABLE}")
        if config.report.enabled:
            say(f"report: {build_report(sweep_dir, files.metadata(table)['swept'])}")


def check_reference(config: DictConfig, jobs: Plan) -> None:
    """A `compare.reference` other than the default must be one of the scenarios compared."""
    reference = OmegaConf.select(config, "compare.reference", default="baseline")
    names = [str(v["scenario"]) for v in jobs.values if "scenario" in v]
    if jobs.swept == ["scenario"] and reference != "baseline" and reference not in names:
        raise ConfigError(
            f"compare.reference={reference} is not among the scenarios compared; "
            f"allowed: {', '.join(names)}"
        )


def build_report(sweep_dir: Path, swept: list[str]) -> Path:
    """The sweep report; a sweep over scenarios alone gets the scenario comparison."""
    if swept == ["scenario"]:
        from sim.report import build

        return build.report(sweep_dir)
    from sim.report import sweep as sweep_report

    return sweep_report.report(sweep_dir)


def _gathers(config: DictConfig) -> bool:
    """Gather simulation sweeps (not, e.g., sensitivity tasks) that the basic sweeper expands."""
    task = OmegaConf.select(config, "task", default="run")
    sweeper = str(OmegaConf.select(config, "hydra.sweeper._target_", default=""))
    return task == "run" and sweeper.endswith(".BasicSweeper") and not _uncertainty(config)


def _uncertainty(config: DictConfig) -> bool:
    """Runs with parameter uncertainty: each job is a run of its own, nothing is gathered."""
    task = OmegaConf.select(config, "task", default="run")
    return task == "run" and OmegaConf.select(config, "uncertainty.mode", default="none") != "none"


def _uncertainty_end(config: DictConfig) -> None:
    """The table of every job's odds beside the jobs' own reports."""
    from sim.io.run import subruns
    from sim.io.uncertainty import is_uncertainty

    sweep_dir = Path(config.hydra.sweep.dir)
    jobs = subruns(sweep_dir) if sweep_dir.is_dir() else []
    done = [j for j in jobs if is_uncertainty(j)]
    say(f"multirun: {len(done)}/{len(jobs)} jobs with parameter uncertainty in {sweep_dir}")
    if config.report.enabled and done and len(done) == len(jobs):
        from sim.report.uncertainty import multirun_report

        say(f"report: {multirun_report(sweep_dir, done, subrun_reports=False)}")
