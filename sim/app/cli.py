"""The `crisis-sim` command: a Hydra app that runs one configured scenario."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.app.config import register, to_config
from sim.app.errors import explain, fail
from sim.app.resources import CONFIGS
from sim.core.params import CrisisConfig
from sim.report import text
from sim.runs import replications

register()


@hydra.main(version_base="1.3", config_path=str(CONFIGS), config_name="config")
def app(cfg: DictConfig) -> dict:
    conf = to_config(cfg)
    outdir = Path(HydraConfig.get().runtime.output_dir)
    if conf.task == "sensitivity":
        return run_sensitivity(conf, outdir)
    if conf.task in ("calibrate", "hindcast") or conf.uncertainty.mode != "none":
        from sim.app import history

        return history.run(conf, outdir)
    if HydraConfig.get().mode == RunMode.MULTIRUN:  # reuses complete outputs (resume)
        from sim.runs import sweep

        return sweep.run_job(conf, outdir)
    summary = replications.run(conf, outdir)
    print(text.run_table(summary))
    if conf.report.enabled:
        from sim.report import build

        build.report(outdir)
    print(f"outputs: {outdir}")
    return summary


def run_sensitivity(conf: CrisisConfig, outdir: Path) -> dict:
    """A sensitivity run: its files, the table of the top parameters, and its report."""
    from sim.io.sensitivity import read
    from sim.runs import sensitivity

    result = sensitivity.run(conf, outdir)
    _, table = read(outdir)
    print(text.sensitivity_table(table, result["method"]))
    points, seeds = result["points"], result["seeds"]
    print(f"{result['method']}: {points} points x {seeds} seeds in {result['seconds']:.1f} s")
    if conf.report.enabled:
        from sim.report import sensitivity as report

        report.report(outdir)
    print(f"outputs: {outdir}")
    return result


def main() -> None:
    """Run the app; a bad config ends in one line on stderr and exit code 2, no traceback."""
    if os.environ.get("HYDRA_FULL_ERROR") == "1":  # the user asked for Hydra's full trace
        app()
        return
    # Let Hydra's composition errors reach us instead of being printed with a stack trace.
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        app()
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as ex:
        message = explain(ex)
        if message is None:
            raise
        fail(message)
