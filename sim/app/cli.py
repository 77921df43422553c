"""The `crisis-sim` command: a Hydra app that runs one configured scenario."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.app.config import register, to_config
from sim.app.console import say
from sim.app.errors import explain, fail
from sim.app.resources import CONFIGS
from sim.core.params import CrisisConfig
from sim.io import files, lock
from sim.report import text
from sim.runs import events, pool, replications

register()


@hydra.main(version_base="1.3", config_path=str(CONFIGS), config_name="config")
def app(cfg: DictConfig) -> dict:
    conf = to_config(cfg)
    outdir = Path(HydraConfig.get().runtime.output_dir)
    if conf.task == "sensitivity":
        return run_sensitivity(conf, outdir)
    if conf.task == "play":
        from sim.app import play

        return play.main(conf, outdir)
    if conf.task in ("calibrate", "hindcast") or conf.uncertainty.mode != "none":
        from sim.app import history

        return history.run(conf, outdir)
    if HydraConfig.get().mode == RunMode.MULTIRUN:  # reuses complete outputs (resume)
        from sim.runs import sweep

        with lock.holding(outdir, "hydra.sweep.dir"):  # the job's own directory
            return sweep.run_job(conf, outdir)
    lock.hold(outdir)  # taken before Hydra wrote .hydra/ (ValidateFirst); a no-op then
    files.clear_outputs(outdir)  # nothing of an earlier run survives beside this one
    summary = replications.run(conf, outdir)
    events.write(conf, outdir)
    say(text.run_table(summary))
    if conf.report.enabled:
        from sim.report import drawer

        pool.stop_server()  # the workers' loaded kernels, not needed to draw
        drawer.report(outdir)  # by the drawing process the command started, if it did
    say(f"outputs: {outdir}")
    return summary


def run_sensitivity(conf: CrisisConfig, outdir: Path) -> dict:
    """A sensitivity run: its files, the table of the top parameters, and its report."""
    from sim.io.sensitivity import read
    from sim.runs import sensitivity

    lock.hold(outdir)
    files.clear_report(outdir)
    result = sensitivity.run(conf, outdir)
    _, table = read(outdir)
    from sim.report import findings

    say(findings.sensitivity(table, result["method"], result["outcomes"]) + "\n")
    say(text.sensitivity_table(table, result["method"]))
    points, seeds = result["points"], result["seeds"]
    say(f"{result['method']}: {points} points x {seeds} seeds in {result['seconds']:.1f} s")
    if conf.report.enabled:
        from sim.report import sensitivity as report

        report.report(outdir)
    say(f"outputs: {outdir}")
    return result


def check_shown_config() -> None:
    """`--cfg job` checks the config before printing it: a bad value exits 2, as a run would."""
    from hydra._internal.hydra import Hydra

    from sim.app.callbacks import check

    show = Hydra.show_cfg

    def checked(self, config_name, overrides, cfg_type, package, resolve=False):
        cfg = self.compose_config(
            config_name=config_name,
            overrides=overrides,
            run_mode=RunMode.RUN,
            with_log_configuration=False,
        )
        check(cfg)
        return show(self, config_name, overrides, cfg_type, package, resolve)

    Hydra.show_cfg = checked


# Command-line words after which Hydra may read a hydra.mode this project's files do not set.
MODE_SOURCES = ("experiment", "hydra.mode", "hydra/", "-cn", "-cp", "-cd", "--config")


def compose_once(argv: list[str]) -> None:
    """Compose the config once, not twice, when only the command line could set hydra.mode.

    Hydra composes every config a first time just to read hydra.mode. Of the
    files under configs/ none sets it (sim.app.checks allows it in experiment
    files only), so without an experiment, a hydra.mode override or another
    config source on the command line that composition can only find it unset.
    """
    if any(word in arg for arg in argv for word in MODE_SOURCES):
        return
    from hydra._internal.hydra import Hydra

    Hydra.get_mode = lambda self, config_name, overrides: None


def check_files_first() -> None:
    """Check the config files a run is composed from before Hydra builds any callback."""
    from hydra._internal.callbacks import Callbacks

    from sim.app.callbacks import check_files

    build = Callbacks.__init__

    def checked(self, config=None, *args, **kwargs):
        if config is not None:
            check_files(config)
        build(self, config, *args, **kwargs)

    Callbacks.__init__ = checked


class _Stderr:
    """stderr without Hydra's 'Error executing job with overrides' line: the error says it."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        if text.startswith("Error executing job with overrides"):
            return len(text)
        return self._stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def check_names(argv: list[str]) -> None:
    """Group choices given on the command line (scenario=..., experiment=...) are names."""
    from sim.app.checks import GROUPS, NAME_RULE, is_name

    for arg in argv:
        key, eq, value = arg.lstrip("+~").partition("=")
        if not eq or key.lstrip("/") not in GROUPS:
            continue
        inner = re.fullmatch(r"\w+\((.*)\)", value.strip())
        options = (inner.group(1) if inner else value).split(",")
        for option in (o.strip().strip("'\"") for o in options):
            if option and not is_name(option):
                fail(f"{key}={option} is not a valid name; allowed: {NAME_RULE}")


def interrupted() -> str:
    """What Ctrl-C left behind, and how to go on."""
    from sim.app.callbacks import CURRENT

    where = CURRENT.get("dir")
    if CURRENT.get("kind") == "sweep":
        return (
            f"interrupted: the jobs completed in {where} were kept; rerun the same command with "
            f"hydra.sweep.dir={where} to run the rest"
        )
    if where:
        return (
            f"interrupted: {where} holds no finished run (its partial files were removed); "
            "rerun the same command to start it again"
        )
    return "interrupted before any output was written"


def out_of_room(ex: OSError) -> str:
    """A failed write (a full disk, ...), what it left and how to go on."""
    from sim.app.callbacks import CURRENT

    what = f"{ex.strerror or ex}" + (f": {ex.filename}" if ex.filename else "")
    where = CURRENT.get("dir")
    if CURRENT.get("kind") == "sweep":
        return (
            f"{what}; the jobs completed in {where} were kept; fix this and rerun the same "
            f"command with hydra.sweep.dir={where}"
        )
    if where:
        return f"{what}; {where} holds no finished run (nothing that looks finished was left)"
    return what


def main() -> None:
    """Run the app; a bad config ends in one line on stderr and exit code 2, no traceback."""
    argv = sys.argv[1:]
    if os.environ.get("HYDRA_FULL_ERROR") == "1":  # the user asked for Hydra's full trace
        app()
        return
    # Let Hydra's composition errors reach us instead of being printed with a stack trace.
    os.environ["HYDRA_FULL_ERROR"] = "1"
    check_names(argv)
    compose_once(argv)
    check_files_first()
    if any(a in ("--cfg", "-c") or a.startswith("--cfg=") for a in argv):
        check_shown_config()
    sys.stderr = _Stderr(sys.stderr)
    try:
        app()
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        fail(interrupted(), code=130)
    except OSError as ex:  # a full disk, a directory that vanished, ...
        message = explain(ex)
        if message is not None:
            fail(message)
        fail(out_of_room(ex), code=1)
    except Exception as ex:
        message = explain(ex)
        if message is None:
            raise
        fail(message)


if __name__ == "__main__":  # python -m sim.app.cli, as the crisis-sim command
    main()
