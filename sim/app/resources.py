"""Where the shipped configs and experiments are: inside an installed package, or in a checkout.

A wheel carries the top-level `configs/` and `experiments/` directories as
the packages `sim.configs` and `sim.experiments`; an editable install or a
checkout reads them where they are, beside the `sim` folder.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]


def directory(name: str) -> Path:
    """The directory of the shipped `name` ("configs" or "experiments")."""
    spec = importlib.util.find_spec(f"sim.{name}")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return CHECKOUT / name


CONFIGS = directory("configs")
EXPERIMENTS = directory("experiments")
