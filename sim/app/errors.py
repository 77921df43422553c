"""Config errors as one line: the key, the value, and what is allowed."""

from __future__ import annotations

import re
import sys
import typing
from dataclasses import fields, is_dataclass

from hydra.errors import HydraException, MissingConfigException
from omegaconf.errors import OmegaConfBaseException, ValidationError

from sim.core.params import CrisisConfig


def fail(message: str, code: int = 2) -> typing.NoReturn:
    """Print one line on stderr and exit: 2 for bad input, other codes as given."""
    print(f"crisis-sim: error: {message}", file=sys.stderr)
    sys.exit(code)


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


def _yaml(ex: BaseException) -> str | None:
    """A YAML syntax error as '<file>: not valid YAML: line L, column C: problem'."""
    import yaml

    from sim.app.checks import yaml_problem

    if not isinstance(ex, yaml.YAMLError):
        return None
    mark = getattr(ex, "problem_mark", None)
    where = f"{mark.name}: " if mark is not None and mark.name else ""
    return f"{where}not valid YAML: {yaml_problem(ex)}"


def _origin(ex: BaseException) -> str:
    """'scenario/x: ' when Hydra says which config file an error comes from."""
    found = re.match(r"In '([^']+)'", str(ex))
    return f"{found.group(1)}: " if found else ""


def explain(ex: BaseException) -> str | None:
    """One line naming the key, the value and what is allowed; None if `ex` is no config error."""
    from sim.app import experiments
    from sim.app.checks import ConfigFileError

    if isinstance(ex, ConfigFileError):
        return str(ex)
    if (message := _yaml(ex)) is not None:
        return message
    if isinstance(ex, MissingConfigException) and ex.missing_cfg_file:
        group, _, name = ex.missing_cfg_file.rpartition("/")
        if group == experiments.GROUP and name in experiments.BROKEN:
            return experiments.BROKEN[name]
        if group and ex.options:
            return f"{group}={name} is not a known option; allowed: {', '.join(ex.options)}"
    origin = _origin(ex)
    linked = ex.__cause__ or ex.__context__
    cause = linked if isinstance(linked, OmegaConfBaseException) else ex
    key = getattr(cause, "full_key", None) if isinstance(cause, OmegaConfBaseException) else None
    if key:
        value = getattr(cause, "value", None)
        value = _given(key) if value is None else value
        shown = key if value is None else f"{key}={value}"
        parent = key.rpartition(".")[0]
        spec, names = _spec(key), _keys(parent)
        if spec is None and names is not None:
            where = f"keys of {parent}" if parent else "top-level keys"
            return f"{origin}{shown} is not a known key; allowed {where}: {', '.join(names)}"
        if spec is not None and isinstance(cause, ValidationError):
            return f"{origin}{shown} has the wrong type; allowed: {_allowed(*spec)}"
        if spec is not None:
            detail = _lines(cause)[0] if _lines(cause) else type(cause).__name__
            return f"{origin}{shown}: {detail}; allowed: {_allowed(*spec)}"
    if isinstance(ex, (HydraException, OmegaConfBaseException)) or _from_config_library(ex):
        lines = _lines(ex)
        if cause is not ex:
            lines += _lines(cause)[:1]
        return "; ".join(x for x in lines if not x.startswith(("full_key", "reference_type")))
    return None
