"""From Hydra's composed config to the typed, range-checked CrisisConfig."""

from __future__ import annotations

import re
from functools import cache

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from sim.app import experiments, help
from sim.app.checks import NAME_RULE, is_name
from sim.app.errors import fail
from sim.core.params import ConfigError, CrisisConfig, validate
from sim.io.start import apply_start


@cache
def register() -> None:
    """Register the schema and the named experiments with Hydra (once per process)."""
    ConfigStore.instance().store(name="crisis_schema", node=CrisisConfig)
    experiments.register()  # experiments/<name>.yaml -> experiment=<name>
    help.register()  # --help, generated from the schema


MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# The smallest sample and seed counts the sensitivity methods can use (Sobol's power of 2 and
# the other method-specific rules are checked by sim.runs.sensitivity).
SENSITIVITY_MIN = {"samples": 2, "seeds": 2}


def check(conf: CrisisConfig) -> None:
    """Raise ConfigError for a value the model or the chosen task does not allow."""
    name = conf.scenario.name
    if not is_name(name):
        raise ConfigError(f"scenario.name={name!r} is not a valid name; allowed: {NAME_RULE}")
    start = conf.run.start
    if not isinstance(start, str) or not MONTH.fullmatch(start):
        raise ConfigError(f"run.start={start!r} is not a month; allowed: YYYY-MM, e.g. 2017-08")
    for key, low in SENSITIVITY_MIN.items():
        value = getattr(conf.sensitivity, key)
        if isinstance(value, int) and not isinstance(value, bool) and value < low:
            raise ConfigError(
                f"sensitivity.{key}={value} is out of range; allowed: an integer in "
                f"[{low}, 1000000]"
            )
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
