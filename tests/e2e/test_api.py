"""The Python API gives what the command gives, for the same config and seed."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import sim


def test_api_and_command_give_identical_numbers(cli, tmp_path):
    out = tmp_path / "cli"
    done = cli(
        "scenario=china_strict",
        "actors.us.hawkishness=0.8",
        "run.seeds=40",
        "report.enabled=false",
        f"hydra.run.dir={out}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    cfg = sim.load_config(scenario="china_strict", overrides=["actors.us.hawkishness=0.8"])
    result = sim.run(cfg, seeds=40)
    assert result.summary == json.loads((out / "summary.json").read_text())
    from_cli = pd.read_csv(out / "outcomes.csv", keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(result.outcomes, from_cli)
    traj = pd.read_parquet(out / "trajectories.parquet")
    pd.testing.assert_frame_equal(result.trajectories, traj)


def test_run_writes_no_files_unless_asked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = sim.run(sim.CrisisConfig(), seeds=5)
    assert len(result.outcomes) == 5 and set(result.outcomes["seed"]) == set(range(5))
    assert list(tmp_path.iterdir()) == []
    written = sim.run(sim.CrisisConfig(), seeds=5, outdir=tmp_path / "out")
    assert (tmp_path / "out" / "summary.json").is_file()
    assert written.summary == result.summary


def test_run_leaves_the_callers_config_alone():
    cfg = sim.CrisisConfig()
    sim.run(cfg, seeds=3)
    assert cfg.run.seeds == sim.CrisisConfig().run.seeds


def test_bad_input_is_one_clear_error():
    with pytest.raises(sim.ConfigError, match=r"actors.dprk.risk_tolerance=1.5 is out of range"):
        sim.load_config(overrides=["actors.dprk.risk_tolerance=1.5"])
    with pytest.raises(sim.ConfigError, match="scenario=atlantis is not a known option"):
        sim.load_config(scenario="atlantis")


def test_users_own_scenario_directory(tmp_path):
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "dovish_us.yaml").write_text(
        "# @package _global_\nscenario:\n  name: dovish_us\n  description: A dovish US.\n"
        "actors:\n  us:\n    hawkishness: 0.1\n"
    )
    cfg = sim.load_config(scenario="dovish_us", config_dir=tmp_path)
    assert cfg.actors.us.hawkishness == 0.1 and cfg.scenario.name == "dovish_us"


def test_a_model_steps_by_hand():
    model = sim.CrisisModel(sim.CrisisConfig(), seed=7)
    model.step()
    assert model.state.round == 1 and len(model.rows) == 1
