"""Config files are code: what a scenario, actor or experiment file may set.

Hydra lets any config file reconfigure Hydra itself (`hydra.callbacks`,
`hydra.job.env_set`, ...) and name Python objects to build (`_target_`), so
a scenario file received from someone else could run anything. Scenario and
actor files may set model keys only; experiment files may also choose the
sweep (`hydra.mode`, `hydra.run.dir`, `hydra.sweep.dir`, `hydra.sweeper.params`)
and a launcher from `LAUNCHERS`. No file may name a `_target_`: the only
objects built are the launchers and callbacks the project ships.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

IDENTIFIER = re.compile(r"[A-Za-z0-9_-]+")
NAME_RULE = "letters, digits, _ and - only"
LAUNCHERS = ("basic", "joblib", "submitit_local", "slurm")
GROUPS = ("scenario", "actors/us", "actors/china", "actors/russia", "actors/dprk", "experiment")
# hydra.<key> -> the sub-keys an experiment may set (None: any plain value)
EXPERIMENT_HYDRA = {
    "mode": None,
    "run": ("dir",),
    "sweep": ("dir", "subdir"),
    "sweeper": ("params",),
}
_PACKAGE = re.compile(r"^#\s*@package\s+(\S+)\s*$", re.MULTILINE)


class ConfigFileError(ValueError):
    """A config file sets something it may not (message names the file and the key)."""


def is_name(value: object) -> bool:
    return isinstance(value, str) and IDENTIFIER.fullmatch(value) is not None


def _targets(node: Any, prefix: str = "") -> list[str]:
    if isinstance(node, dict):
        found = []
        for k, v in node.items():
            key = f"{prefix}{k}"
            found += [key] if k == "_target_" else _targets(v, key + ".")
        return found
    if isinstance(node, list):
        return [t for i, v in enumerate(node) for t in _targets(v, f"{prefix}{i}.")]
    return []


def _hydra_defaults(defaults: Any) -> list[tuple[str, Any]]:
    """(group, option) of each defaults entry that reaches into Hydra's own config groups."""
    out = []
    for entry in defaults if isinstance(defaults, list) else []:
        items = entry.items() if isinstance(entry, dict) else [(entry, None)]
        for key, value in items:
            group = str(key).replace("override", "").strip().lstrip("/")
            if group.startswith("hydra"):
                out.append((group, value))
    return out


def check_text(text: str, path: Path | str, kind: str) -> dict:
    """The parsed file; ConfigFileError if it breaks the rules above (`kind`: scenario, ...)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigFileError(f"{path}: not valid YAML: {yaml_problem(err)}") from None
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ConfigFileError(f"{path}: not a mapping of keys; allowed: key: value lines")
    targets = _targets(data)
    if targets:
        raise ConfigFileError(
            f"{path}: sets {targets[0]}; config files may not name objects to build "
            "(_target_); allowed: plain values"
        )
    for group, option in _hydra_defaults(data.get("defaults")):
        if kind == "experiment" and group == "hydra/launcher" and option in LAUNCHERS:
            continue
        what = f"override /{group}: {option}" if option is not None else group
        allowed = (
            f"override /hydra/launcher: one of {', '.join(LAUNCHERS)}"
            if kind == "experiment"
            else "model keys only"
        )
        raise ConfigFileError(f"{path}: defaults sets {what}; allowed in {kind} files: {allowed}")
    hydra = data.get("hydra")
    if hydra is not None:
        if kind != "experiment":
            keys = ", ".join(hydra) if isinstance(hydra, dict) else str(hydra)
            raise ConfigFileError(
                f"{path}: sets hydra ({keys}); allowed in {kind} files: model keys only "
                "(scenario, actors, world, council, run)"
            )
        for key, value in hydra.items() if isinstance(hydra, dict) else [(str(hydra), None)]:
            subkeys = EXPERIMENT_HYDRA.get(key, ())
            bad = key not in EXPERIMENT_HYDRA or (
                subkeys is not None
                and (not isinstance(value, dict) or any(k not in subkeys for k in value))
            )
            if bad:
                allowed = "hydra.mode, hydra.run.dir, hydra.sweep.dir, hydra.sweeper.params"
                raise ConfigFileError(
                    f"{path}: sets hydra.{key}; allowed in experiment files: {allowed}"
                )
    return data


def yaml_problem(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    return f"{where}{problem}"


def package(text: str, default: str) -> str:
    header = _PACKAGE.search(text.split("\n\n", 1)[0])
    return header.group(1) if header else default


def scenario_name(data: dict, text: str) -> object:
    """The scenario.name a scenario file sets, or None."""
    node = data.get("scenario") if package(text, "scenario") == "_global_" else data
    return node.get("name") if isinstance(node, dict) else None


def _files(sources: list, group: str, option: str) -> list[Path | Any]:
    """Every file of the search path that holds `group/option`."""
    found = []
    for src in sources:
        schema, path = src.get("schema"), str(src.get("path") or "")
        rel = f"{group}/{option}.yaml"
        if schema == "file":
            candidate = Path(path) / rel
            if candidate.is_file():
                found.append(candidate)
        elif schema == "pkg":
            try:
                candidate = resources.files(path.replace("/", ".")).joinpath(rel)
                if candidate.is_file():
                    found.append(candidate)
            except (ModuleNotFoundError, TypeError, ValueError):
                continue
    return found


def check_choices(choices: dict, sources: list) -> None:
    """Check the files behind the chosen scenario, actor presets and experiment."""
    for group in GROUPS:
        option = choices.get(group)
        if option is None:
            continue
        if not is_name(option):
            raise ConfigFileError(f"{group}={option} is not a valid name; allowed: {NAME_RULE}")
        kind = group.split("/")[0].rstrip("s")  # scenario, actor, experiment
        for path in _files(sources, group, option):
            text = path.read_text(encoding="utf-8")
            data = check_text(text, path, kind)
            if group == "scenario":
                name = scenario_name(data, text)
                if name is None:
                    raise ConfigFileError(
                        f"{path}: sets no scenario.name, so its results would carry another "
                        f"scenario's name; allowed: a name of {NAME_RULE}, e.g. "
                        f"'scenario: {{name: {option}}}'"
                    )
