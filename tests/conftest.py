"""Shared fixtures: small configs built from dotted keys, and the real console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.app.config import register
from sim.core.params import CrisisConfig, validate

register()  # the schema and experiments, for tests that compose configs with Hydra

ROOT = Path(__file__).resolve().parent.parent  # the checkout


def make_config(overrides: dict | None = None, seeds: int = 5, rounds: int = 24) -> CrisisConfig:
    """A validated default config with dotted-key overrides, e.g. {"world.leakage": 0.0}."""
    cfg = CrisisConfig()
    cfg.run.seeds, cfg.run.rounds, cfg.run.progress = seeds, rounds, False
    cfg.report.enabled = False
    for key, value in (overrides or {}).items():
        *path, leaf = key.split(".")
        node = cfg
        for part in path:
            node = getattr(node, part)
        if not hasattr(node, leaf):
            raise KeyError(key)
        setattr(node, leaf, value)
    validate(cfg)
    return cfg


@pytest.fixture(scope="session")
def config() -> Callable[..., CrisisConfig]:
    return make_config


@pytest.fixture(scope="session")
def world(config) -> Callable[..., object]:
    """Physics with chosen world constants (`leakage=...`) and actor keys (`actors.x.y`)."""
    from sim.core.world import physics

    def build(**overrides):
        keys = {k if "." in k else f"world.{k}": v for k, v in overrides.items()}
        return physics(config(keys))

    return build


def console_script() -> str:
    """The installed `crisis-sim` of the interpreter running the tests."""
    beside = Path(sys.executable).with_name("crisis-sim")
    found = str(beside) if beside.exists() else shutil.which("crisis-sim")
    if found is None:
        pytest.skip("the crisis-sim console script is not installed")
    return found


def interruptible(command: list[str]) -> list[str]:
    """`command` started with Ctrl-C (SIGINT) at its default, whatever the tests inherited.

    A shell runs a background job (`make test &`) with SIGINT ignored, and an
    ignored signal stays ignored across exec: a test of Ctrl-C would then test
    nothing. The command is exec'd from a one-line Python that restores it.
    """
    reset = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL);"
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    return [sys.executable, "-c", reset, *command]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run `crisis-sim` as a user would, with Hydra's own error switch unset."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run(
        [console_script(), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess]:
    return run_cli


SLOW_TIERS = ("behaviour", "e2e", "browser")


def pytest_collection_modifyitems(config, items):
    """Behaviour, end-to-end and browser tests are `slow`; `make test-fast` runs the others."""
    for item in items:
        if any(part in SLOW_TIERS for part in Path(str(item.fspath)).parts):
            item.add_marker(pytest.mark.slow)
