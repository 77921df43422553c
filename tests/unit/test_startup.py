"""The command composes its config once: only what it skips could have set hydra.mode."""

from __future__ import annotations

from hydra import compose, initialize_config_dir

from sim.app import cli
from sim.app.resources import CONFIGS


def test_no_project_config_sets_hydra_mode():
    """Hydra's first composition reads hydra.mode; without an experiment it is always unset."""
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        for scenario in sorted(p.stem for p in (CONFIGS / "scenario").glob("*.yaml")):
            cfg = compose("config", overrides=[f"scenario={scenario}"], return_hydra_config=True)
            assert cfg.hydra.mode is None, scenario


def test_an_experiment_still_gets_its_mode_read(monkeypatch):
    from hydra._internal.hydra import Hydra

    real = Hydra.get_mode
    monkeypatch.setattr(Hydra, "get_mode", real)
    for argv in (
        ["experiment=tipping_point"],
        ["+experiment=tipping_point"],
        ["hydra.mode=MULTIRUN", "run.seeds=10"],
        ["--config-dir", "/somewhere", "run.seeds=10"],
        ["-cd", "/somewhere"],
    ):
        cli.compose_once(argv)
        assert Hydra.get_mode is real, argv
    cli.compose_once(["run.seeds=10", "scenario=baseline"])
    assert Hydra.get_mode is not real
