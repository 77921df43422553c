"""The `crisis-sim` command: a Hydra app that runs one configured scenario."""

from __future__ import annotations

import copy
import os
import sys
import typing
from dataclasses import fields, is_dataclass
from pathlib import Path

import hydra
from hydra.conf import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException, MissingConfigException
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict, read_write
from omegaconf.errors import OmegaConfBaseException, ValidationError

from . import experiments, replications
from .params import ConfigError, CrisisConfig, validate

ConfigStore.instance().store(name="crisis_schema", node=CrisisConfig)
experiments.register()  # experiments/<name>.yaml -> experiment=<name>

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
        if conf.task == "sensitivity":
            from . import sensitivity

            sensitivity.check(conf)
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
    if HydraConfig.get().mode == RunMode.MULTIRUN:  # reuses complete outputs (resume)
        from . import sweep

        return sweep.run_job(conf, outdir)
    summary = replications.run(conf, outdir)
    print(replications.format_table(summary))
    if conf.report.enabled:
        from .report import build

        build.report(outdir)
    print(f"outputs: {outdir}")
    return summary


class ValidateFirst(Callback):
    """Rejects a bad config before Hydra creates a run directory, so none is left behind.

    Hydra turns exceptions raised in callbacks into warnings, so errors exit from here.
    """

    def on_run_start(self, config: DictConfig, **kwargs: typing.Any) -> None:
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

    def on_multirun_start(self, config: DictConfig, **kwargs: typing.Any) -> None:
        """Checks every swept value once, with the fixed overrides, before the first job."""
        from hydra import compose
        from hydra.core.override_parser.overrides_parser import OverridesParser

        if not str(config.hydra.sweeper.get("_target_", "")).endswith(".BasicSweeper"):
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
            self.on_run_start(cfg)


def _spec(key: str) -> tuple[typing.Any, dict] | None:
    """(type, metadata) of a dotted key of the schema; None if the schema has no such key."""
    node, spec = CrisisConfig, None
    for part in key.split("."):
        if not is_dataclass(node):
            return None
        hints = typing.get_type_hints(node)
        if part not in hints:
            return None
        spec = hints[part], next(f.metadata for f in fields(node) if f.name == part)
        node = hints[part]
    return spec


def _keys(key: str) -> list[str] | None:
    """The keys allowed inside the schema node at `key` ('' is the top level)."""
    node = CrisisConfig if key == "" else (_spec(key) or (None,))[0]
    return [f.name for f in fields(node)] if is_dataclass(node) else None


def _allowed(hint: typing.Any, meta: dict) -> str:
    lo, hi = meta.get("range", (None, None))
    if hint is bool:
        return "true or false"
    if hint in (int, float):
        kind = "an integer" if hint is int else "a number"
        return kind if lo is None and hi is None else f"{kind} in [{lo}, {hi}]"
    if typing.get_origin(hint) is list:
        return "a list, e.g. [a,b]"
    if is_dataclass(hint):
        names = ", ".join(f.name for f in fields(hint))
        return f"a group of keys ({names}), set one by one"
    return "a string"


def _given(key: str) -> str | None:
    """The value the command line gave `key`, as typed."""
    for arg in reversed(sys.argv[1:]):
        k, eq, v = arg.lstrip("+~").partition("=")
        if eq and k == key:
            return v
    return None


def _lines(ex: BaseException) -> list[str]:
    text = str(ex).split("Config search path:")[0]
    return [x.strip().rstrip(".") for x in text.splitlines() if x.strip()]


def _from_config_library(ex: BaseException) -> bool:
    tb = ex.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    name = "" if tb is None else tb.tb_frame.f_globals.get("__name__", "")
    return name.startswith(("hydra.", "omegaconf."))


def explain(ex: BaseException) -> str | None:
    """One line naming the key, the value and what is allowed; None if `ex` is no config error."""
    if isinstance(ex, MissingConfigException) and ex.options and ex.missing_cfg_file:
        group, _, name = ex.missing_cfg_file.rpartition("/")
        if group:
            return f"{group}={name} is not a known option; allowed: {', '.join(ex.options)}"
    cause = ex.__cause__ if isinstance(ex.__cause__, OmegaConfBaseException) else ex
    key = getattr(cause, "full_key", None) if isinstance(cause, OmegaConfBaseException) else None
    if key:
        value = getattr(cause, "value", None)
        value = _given(key) if value is None else value
        shown = key if value is None else f"{key}={value}"
        parent = key.rpartition(".")[0]
        spec, names = _spec(key), _keys(parent)
        if spec is None and names is not None:
            where = f"keys of {parent}" if parent else "top-level keys"
            return f"{shown} is not a known key; allowed {where}: {', '.join(names)}"
        if spec is not None and isinstance(cause, ValidationError):
            return f"{shown} has the wrong type; allowed: {_allowed(*spec)}"
        if spec is not None:
            detail = _lines(cause)[0] if _lines(cause) else type(cause).__name__
            return f"{shown}: {detail}; allowed: {_allowed(*spec)}"
    if isinstance(ex, (HydraException, OmegaConfBaseException)) or _from_config_library(ex):
        lines = _lines(ex)
        if cause is not ex:
            lines += _lines(cause)[:1]
        return "; ".join(x for x in lines if not x.startswith(("full_key", "reference_type")))
    return None


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
