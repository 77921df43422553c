"""The named experiments of the top-level `experiments/` directory, as a Hydra config group.

Hydra finds config groups only as sub-directories of a search path, and the
experiments live beside `configs/`, not in it. Registering each file in the
ConfigStore under the group `experiment` makes `crisis-sim experiment=<name>`
work from any working directory, and hands the experiment to launcher
workers with the rest of Hydra's state. Each file is a delta on the primary
config (`# @package _global_`, lightning-hydra-template style).

A file that does not parse, or sets what an experiment may not (see
`sim.app.checks`), is not registered: it breaks only its own experiment,
whose choice then fails with the file's error (`BROKEN`), not every command.
"""

from __future__ import annotations

import re
from pathlib import Path

from hydra.core.config_store import ConfigStore
from omegaconf import OmegaConf

from sim.app.checks import ConfigFileError, check_text
from sim.app.resources import EXPERIMENTS

GROUP = "experiment"
BROKEN: dict[str, str] = {}  # name -> why its file was not registered
_PACKAGE = re.compile(r"^#\s*@package\s+(\S+)\s*$", re.MULTILINE)


def package(text: str) -> str:
    """The `# @package` header of a config file; experiments default to `_global_`."""
    header = _PACKAGE.search(text.split("\n\n", 1)[0])
    return header.group(1) if header else "_global_"


def names(directory: Path = EXPERIMENTS) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))


def register(directory: Path = EXPERIMENTS) -> None:
    """Store every `<name>.yaml` of `directory` as the option `experiment=<name>`."""
    store = ConfigStore.instance()
    for path in sorted(directory.glob("*.yaml")):
        try:
            text = path.read_text(encoding="utf-8")
            check_text(text, path, "experiment")
            node = OmegaConf.create(text)
        except ConfigFileError as err:
            BROKEN[path.stem] = str(err)
            continue
        except Exception as err:  # any YAML or grammar error: name the file, not the parser
            BROKEN[path.stem] = f"{path}: not a valid experiment config: {err}".splitlines()[0]
            continue
        BROKEN.pop(path.stem, None)
        store.store(
            group=GROUP,
            name=path.stem,
            node=node,
            package=package(text),
            provider=f"crisis-sim ({path})",
        )
