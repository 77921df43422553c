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


def test_the_command_line_guesses_which_helpers_a_command_needs(monkeypatch):
    """The drawing process for one run with its report; the worker server for a large run."""
    from sim.app import launch

    assert launch.draws_a_run_report([])
    assert launch.draws_a_run_report(["scenario=max_pressure", "run.seeds=1000", "task=run"])
    for argv in (["report.enabled=false"], ["report.enabled=False"], ["-m", "run.seeds=1,2"],
                 ["--help"], ["--cfg", "job"], ["--cfg=job"], ["task=sensitivity"],
                 ["uncertainty=posterior"], ["experiment=tipping_point"]):  # fmt: skip
        assert not launch.draws_a_run_report(argv), argv
    started = []
    monkeypatch.setattr(launch.pool, "start_server", lambda: started.append(True))
    monkeypatch.setattr(launch.pool, "workers_available", lambda: 2)
    for argv in (["run.seeds=1000"], ["run.seeds=100000", "run.workers=1"],
                 ["-m", "run.seeds=100000"], ["--help", "run.seeds=100000"]):  # fmt: skip
        launch.start_workers_early(argv)
        assert not started, argv
    launch.start_workers_early(["run.seeds=100000"])
    assert started == [True]


def test_the_progress_bar_appears_only_once_a_run_has_taken_a_second(capsys):
    from sim.runs.replications import _progress

    now = [0.0]
    bar = _progress(1_000, enabled=True)
    bar._clock = lambda: now[0]
    bar._start = 0.0
    bar.update(300)
    assert bar._bar is None and not capsys.readouterr().err  # quick so far: nothing shown
    now[0] = 1.1
    bar.update(200)
    bar._bar.refresh()
    assert "500/1000" in capsys.readouterr().err  # appears with every seed done so far
    bar.close()
    assert _progress(1_000, enabled=False) is None and _progress(100, enabled=True) is None
