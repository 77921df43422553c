"""Start anywhere: the record's state as initial values, identity at the anchor month."""

from __future__ import annotations

import pytest

from sim.io.history import load_events
from sim.io.start import ANCHOR, apply_start, record_before, start_values


@pytest.fixture(scope="module")
def events():
    return load_events()


def test_anchor_is_identity(config, events):
    cfg = config()
    assert cfg.run.start == ANCHOR
    assert start_values(cfg, events) == {}
    assert apply_start(cfg, events) is cfg


def test_record_before_uses_earlier_months_only(events):
    rec = record_before("2016-03", events)  # Jan nuclear test, Feb satellite; 2270 is in March
    assert rec["resolutions"] == 0
    assert rec["tests"]["nuclear_test"] == 1 and rec["tests"]["satellite_launch"] == 1
    later = events[events["month"] >= "2016-03"]
    assert record_before("2016-03", events.drop(later.index))["tests"] == rec["tests"]


def test_values_follow_the_record(config, events):
    def at(month):
        cfg = config({"run.start": month})
        return start_values(cfg, events)

    early, late = at("2016-01"), at("2018-08")
    base = config()
    # more resolutions and tests after the anchor, fewer before it
    assert early["world.sanctions0"] < base.world.sanctions0 < late["world.sanctions0"]
    assert early["world.capability0"] < base.world.capability0 < late["world.capability0"]
    # no tests in the year before August 2018: tension at its floor region, exercises suspended
    assert late["world.tension0"] < base.world.tension0
    assert late["actors.us.exercises"] is False
    assert at("2019-05")["actors.us.exercises"] is True


def test_talks_at_the_start_follow_the_record(config, events):
    """2018-07: Singapore signed, moratorium announced, August exercises suspended."""
    from sim.core import kernels as K
    from sim.core.model import CrisisModel

    def first_state(month):
        return CrisisModel(apply_start(config({"run.start": month}), events), 0).state

    assert first_state("2018-07").talks == K.TALKS_AGREED
    assert first_state("2017-08").talks == K.TALKS_NONE  # the anchor: no talks in the record
    assert start_values(config({"run.start": "2018-03"}), events)["world.talks0"] == "negotiating"
    assert start_values(config({"run.start": "2019-04"}), events)["world.talks0"] == "none"  # Hanoi
    assert record_before("2019-07", events)["talks"] == "negotiating"  # Panmunjom, 30 June 2019


def test_talks_at_the_start_reach_the_batch_driver(config, events):
    """A run from inside the agreement holds talks in round 1 unless a spoiler ended them."""
    from sim.runs import batch

    cfg = apply_start(config({"run.start": "2018-08", "run.rounds": 1}), events)
    assert cfg.world.talks0 == "agreement"
    block = batch.simulate(cfg, 0, 200)
    rows = list(batch.trajectory_rows(block))
    talks = [r[1 + batch.ROUND_COLUMNS.index("talks")] for r in rows]
    # An agreement survives a month unless a spoiler or the unravelling draw ends it;
    # a run starting without talks cannot be under an agreement after one month.
    assert talks.count("agreement") > 60, talks
    cfg.world.talks0 = "none"
    fresh = list(batch.trajectory_rows(batch.simulate(cfg, 0, 200)))
    assert [r[1 + batch.ROUND_COLUMNS.index("talks")] for r in fresh].count("agreement") == 0
    # talks held from before round 1 end the run as talks with outcome round 0
    held = [r for r in batch.outcome_rows(block) if r[1] == "talks" and r[2] == 0]
    assert len(held) == talks.count("agreement")


def test_bad_talks0_is_one_line_error(config):
    from sim.core.params import ConfigError, validate

    with pytest.raises(ConfigError, match="world.talks0='open' is unknown; allowed: none"):
        validate(config({"world.talks0": "open"}))


def test_apply_start_copies(config, events):
    cfg = config({"run.start": "2016-01"})
    out = apply_start(cfg, events)
    assert out is not cfg and cfg.world.sanctions0 == 0.3 and out.world.sanctions0 < 0.3


@pytest.mark.parametrize("month", ["2015-06", "2021-01"])
def test_outside_record_is_one_line_error(config, events, month):
    with pytest.raises(ValueError, match="outside the record") as err:
        apply_start(config({"run.start": month}), events)
    assert "\n" not in str(err.value)


def _compose(*overrides):
    from hydra import compose, initialize_config_dir

    from sim.app.config import to_config
    from sim.app.resources import CONFIGS

    with initialize_config_dir(str(CONFIGS), version_base="1.3"):
        return to_config(compose("config", overrides=list(overrides)))


def test_cli_config_moves_to_the_start_once(tmp_path):
    run = _compose("run.start=2016-01")
    assert run.world.sanctions0 < 0.3  # a run is moved to the record's January 2016
    # uncertainty=posterior moves each draw itself: the composed config stays as configured
    (tmp_path / "posterior.parquet").touch()
    unc = _compose("run.start=2016-01", "uncertainty=posterior", f"uncertainty.path={tmp_path}")
    assert unc.world.sanctions0 == 0.3
    assert _compose().world.sanctions0 == 0.3  # the anchor month
