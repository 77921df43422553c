"""The report's "how this scenario differs" table lists model parameters only."""

from __future__ import annotations

from dataclasses import asdict

from sim.core.params import CrisisConfig
from sim.report.build import parameter_changes


def test_only_model_parameters_count_as_differences():
    base = asdict(CrisisConfig())
    cfg = CrisisConfig()
    cfg.actors.us.hawkishness = 0.9
    cfg.world.discount = 0.5
    cfg.run.seeds = 17
    cfg.uncertainty.mode = "posterior"
    run = asdict(cfg)
    run["calibrate"]["priors"] = [{"key": "actors.us.hawkishness", "low": 0.0, "high": 1.0}]
    changes = parameter_changes(run, base)
    assert [k for k, _, _ in changes] == ["actors.us.hawkishness", "world.discount"]
    assert parameter_changes(asdict(CrisisConfig()), base) == []
