"""From Hydra's composed config to the typed, range-checked CrisisConfig."""

from __future__ import annotations

from functools import cache

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from sim.app import experiments
from sim.app.errors import fail
from sim.core.params import ConfigError, CrisisConfig, validate
from sim.io.start import apply_start


@cache
def register() -> None:
    """Register the schema and the named experiments with Hydra (once per process)."""
    ConfigStore.instance().store(name="crisis_schema", node=CrisisConfig)
    experiments.register()  # experiments/<name>.yaml -> experiment=<name>


def check(conf: CrisisConfig) -> None:
    """Raise ConfigError for a value the model or the chosen task does not allow."""
    validate(conf)
    if conf.task == "calibrate":
        from sim.runs.calibrate import priors_of

        priors_of(conf)
    if conf.uncertainty.mode != "none":
        from sim.runs import uncertainty

        uncertainty.check(conf)
    if conf.task == "sensitivity":
        from sim.runs import sensitivity

        sensitivity.check(conf)


def to_config(cfg: DictConfig) -> CrisisConfig:
    """The typed config, range-checked; exits with a clear message when invalid."""
    conf = OmegaConf.to_object(cfg)
    try:
        check(conf)
        # calibrate, hindcast and uncertainty=posterior move each of their configs themselves
        if conf.task in ("run", "sensitivity") and conf.uncertainty.mode == "none":
            conf = apply_start(conf)
    except (ConfigError, ValueError) as err:
        fail(str(err))
    return conf
