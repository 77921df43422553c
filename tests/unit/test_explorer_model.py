"""The explorer's settings and ensemble, without a browser; and who may import the visualisation."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sim.app.explorer import (
    ExplorerModel,
    build_config,
    ensemble,
    preferences,
    scenario_config,
    scenarios,
)
from sim.core.params import CrisisConfig, ranges, sources
from sim.runs.replications import Tally, replications

SIM = Path(__file__).resolve().parents[2] / "sim"


def test_a_slider_for_every_actor_preference_with_its_range_and_source():
    prefs = {p.key: p for p in preferences()}
    cfg = CrisisConfig()
    expected = [k for k in sources(cfg) if k.startswith("actors.")]
    assert sorted(prefs) == sorted(expected)
    for key, (lo, hi) in ranges(cfg).items():
        if key in prefs and prefs[key].kind != "bool":
            assert (prefs[key].lo, prefs[key].hi) == (lo, hi)
            assert prefs[key].source == sources(cfg)[key] != ""


def test_scenarios_compose_as_the_command_line_does():
    assert scenarios()[0] == "baseline" and "max_pressure" in scenarios()
    assert (
        scenario_config("max_pressure").actors.us.hawkishness > CrisisConfig().actors.us.hawkishness
    )
    with pytest.raises(ValueError, match="unknown; allowed: baseline"):
        scenario_config("no_such_scenario")


def test_a_slider_at_its_default_keeps_the_scenario_value():
    hawk = scenario_config("max_pressure").actors.us.hawkishness
    cfg, changes = build_config("max_pressure", values={"us_hawkishness": 0.6})
    assert cfg.actors.us.hawkishness == hawk and changes == []
    cfg, changes = build_config("max_pressure", values={"china_collapse_fear": 0.2})
    assert cfg.actors.china.collapse_fear == 0.2
    assert changes == [("actors.china.collapse_fear", 0.8, 0.2)]


def test_the_explorer_steps_the_run_of_its_seed(config):
    model = ExplorerModel(seed=7, rounds=12)
    while model.running:
        model.step()
    cfg, _ = build_config(seed=7, rounds=12)
    own = next(replications(cfg, 0, 1))
    assert model.crisis.rows == own.rows
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == len(own.rows) + 1
    assert frame["tension"].iloc[-1] == own.state.tension


def test_a_bad_seed_is_named_not_a_crash():
    model = ExplorerModel(seed="abc")
    assert model.notes and "'abc' is not a whole number" in model.notes[0]


def test_the_ensemble_is_the_runs_tally(config):
    cfg = config(seeds=30, rounds=12)
    result = ensemble(cfg, 30)
    tally = Tally(12)
    for m in replications(cfg, 0, 30):
        tally.add(m)
    assert result["summary"] == tally.summary(cfg)
    last = result["states"].iloc[-1]
    for o in ("war", "nuclear_war", "collapse", "standoff"):
        assert last[o] == pytest.approx(tally.counts[o] / 30)
    assert last["negotiating"] + last["agreement"] == pytest.approx(tally.counts["talks"] / 30)
    assert (result["states"].sum(axis=1) - 1.0).abs().max() < 1e-12


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_the_app_imports_the_visualisation():
    for path in SIM.rglob("*.py"):
        visual = {n for n in _imports(path) if n.startswith(("solara", "mesa.visualization"))}
        if path != SIM / "app" / "app.py":
            assert not visual, f"{path} imports {visual}"
        if "report" in path.parts:
            assert not {n for n in _imports(path) if n.startswith("sim.runs")}, path


def test_a_seated_game_advances_by_answers_not_by_step():
    model = ExplorerModel(seat="dprk", rounds=6)
    model.step()
    assert model.crisis.state.round == 0 and not model.running
    assert model.answer(model.game.pending().options[0].key)
    assert model.crisis.state.round == 1 and model.running
    assert model.history[-1]["dprk"].by == "player"
    assert model.history[-1]["us"].by == "model"
