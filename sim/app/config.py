"""From Hydra's composed config to the typed, range-checked CrisisConfig."""

from __future__ import annotations

from omegaconf import DictConfig, OmegaConf

from sim.app.errors import fail
from sim.core.params import ConfigError, CrisisConfig, validate


def check(conf: CrisisConfig) -> None:
    """Raise ConfigError for a value the model or the chosen task does not allow."""
    validate(conf)
    if conf.task == "sensitivity":
        from sim.runs import sensitivity

        sensitivity.check(conf)


def to_config(cfg: DictConfig) -> CrisisConfig:
    """The typed config, range-checked; exits with a clear message when invalid."""
    conf = OmegaConf.to_object(cfg)
    try:
        check(conf)
    except ConfigError as err:
        fail(str(err))
    return conf
