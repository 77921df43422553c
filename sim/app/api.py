"""The Python API: load a configured scenario, run it, get tables back.

    import sim
    cfg = sim.load_config(scenario="no_exercises", overrides=["run.seeds=200"])
    result = sim.run(cfg)                 # in memory: no files written
    result.summary["outcomes"]["talks"]   # {'count': ..., 'probability': ..., 'ci_low': ...}
    result.outcomes.head()                # one row per replication (pandas)
    result.trajectories.head()            # one row per replication and month (pandas)

    model = sim.CrisisModel(cfg, seed=0)  # one replication, stepped by hand
    model.step()

The same config and seed give the same numbers as the `crisis-sim` command.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.core.params import ConfigError, CrisisConfig
from sim.core.params import validate as _validate


@dataclass
class Result:
    """What a run produced: its summary (as summary.json holds it) and its two tables."""

    summary: dict
    outcomes: pd.DataFrame
    trajectories: pd.DataFrame


def load_config(
    scenario: str = "baseline",
    overrides: Sequence[str] = (),
    experiment: str | None = None,
    config_dir: str | Path | None = None,
) -> CrisisConfig:
    """The typed config of a scenario, as `crisis-sim scenario=<name> <overrides>` composes it.

    Args:
        scenario: a file of configs/scenario/ (or of `config_dir`/scenario/).
        overrides: command-line style overrides, e.g. ["actors.us.hawkishness=0.9"].
        experiment: a named experiment of experiments/ (its non-Hydra settings apply).
        config_dir: a directory of the user's own scenarios, actor presets or experiments,
            searched before the shipped ones (as `--config-dir` on the command line).

    Raises:
        ConfigError: one line naming the key, the value and what is allowed.
    """
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from sim.app.config import check, register
    from sim.app.errors import explain
    from sim.app.resources import CONFIGS

    register()
    args = [f"scenario={scenario}", *overrides]
    if experiment is not None:
        args.append(f"experiment={experiment}")
    if config_dir is not None:
        args.append(f"hydra.searchpath=[file://{Path(config_dir).resolve()}]")
    try:
        with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
            composed = compose("config", overrides=args)
    except Exception as ex:
        message = explain(ex)
        if message is None:
            raise
        raise ConfigError(message) from None
    conf = OmegaConf.to_object(composed)
    check(conf)
    return conf


def run(cfg: CrisisConfig, seeds: int | None = None, outdir: str | Path | None = None) -> Result:
    """Run `cfg` (with `seeds` replications if given) and return its summary and tables.

    Args:
        cfg: a config from `load_config` or `CrisisConfig()`; it is not modified.
        seeds: replications to run; default `cfg.run.seeds`.
        outdir: if given, also write the run's output files there (as the command does).
    """
    import tempfile

    from sim.runs import replications

    cfg = copy.deepcopy(cfg)
    if seeds is not None:
        cfg.run.seeds = seeds
    cfg.run.progress = False
    _validate(cfg)
    if outdir is None:  # the command's own writers, into a directory that is then removed
        with tempfile.TemporaryDirectory(prefix="crisis-sim-") as tmp:
            return _read(replications.run(cfg, tmp), tmp)
    Path(outdir).mkdir(parents=True, exist_ok=True)
    return _read(replications.run(cfg, outdir), outdir)


def _read(summary: dict, outdir: str | Path) -> Result:
    import pyarrow.parquet as pq

    outdir = Path(outdir)
    outcomes = pd.read_csv(outdir / "outcomes.csv", keep_default_na=False, na_values=[""])
    trajectories = pq.read_table(outdir / "trajectories.parquet").to_pandas()
    return Result(summary, outcomes, trajectories)


__all__ = ["ConfigError", "CrisisConfig", "Result", "load_config", "run"]
