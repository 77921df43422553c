"""The `crisis-sim` command: a Hydra app that runs one configured scenario."""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from hydra.conf import ConfigStore
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from . import replications
from .params import ConfigError, CrisisConfig, validate

ConfigStore.instance().store(name="crisis_schema", node=CrisisConfig)

# The configs and experiments live beside the package in the repository.
ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "configs"


def fail(message: str) -> None:
    print(f"crisis-sim: error: {message}", file=sys.stderr)
    sys.exit(2)


def to_config(cfg: DictConfig) -> CrisisConfig:
    """The typed config, range-checked; exits with a clear message when invalid."""
    conf = OmegaConf.to_object(cfg)
    try:
        validate(conf)
    except ConfigError as err:
        fail(str(err))
    return conf


@hydra.main(version_base="1.3", config_path=str(CONFIGS), config_name="config")
def app(cfg: DictConfig) -> dict:
    conf = to_config(cfg)
    outdir = Path(HydraConfig.get().runtime.output_dir)
    if conf.task == "sensitivity":
        from . import sensitivity

        return sensitivity.run(conf, outdir)
    summary = replications.run(conf, outdir)
    print(replications.format_table(summary))
    if conf.report.enabled:
        from .report import build

        build.report(outdir)
    print(f"outputs: {outdir}")
    return summary


def main() -> None:
    app()
