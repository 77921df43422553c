"""Sanctions enforcement and the pressure it puts on the DPRK economy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import enforcement
from sim.core.enforcement import pressure, projected_stability, russia_enforcement
from sim.core.model import ROUND_COLUMNS
from sim.core.world import physics
from sim.runs.replications import replicate

unit = st.floats(0.0, 1.0)
COL = {name: i for i, name in enumerate(ROUND_COLUMNS)}


CHINA, RUSSIA, SHIELD = (
    "actors.china.trade_share",
    "actors.russia.trade_share",
    "actors.russia.shield",
)


def test_no_sanctions_means_no_pressure(world):
    assert pressure(0.0, 1.0, 1.0, world()) == 0.0


def test_full_enforcement_without_leakage_passes_the_whole_sanctions_level(world):
    p = world(leakage=0.0, other_enforcement=1.0, **{SHIELD: 0.0})
    assert pressure(0.6, 1.0, 1.0, p) == pytest.approx(0.6)


def test_leakage_removes_its_share_of_pressure(world):
    tight, leaky = world(leakage=0.0, **{SHIELD: 0.0}), world(leakage=0.3, **{SHIELD: 0.0})
    assert pressure(0.5, 0.7, 0.7, leaky) == pytest.approx(0.7 * pressure(0.5, 0.7, 0.7, tight))


def test_russian_shielding_adds_leakage(world):
    assert pressure(0.5, 0.7, 0.7, world(**{SHIELD: 1.0})) < pressure(
        0.5, 0.7, 0.7, world(**{SHIELD: 0.0})
    )


@settings(max_examples=100, deadline=None)
@given(china_share=st.floats(0.0, 0.95), level=st.floats(0.05, 1.0))
def test_each_partner_weighs_in_proportion_to_its_trade_share(world, china_share, level):
    """A partner moves pressure in proportion to its share of DPRK trade."""
    p = world(**{CHINA: china_share, RUSSIA: 0.05, SHIELD: 0.0}, leakage=0.1)
    china_effect = pressure(level, 1.0, 0.5, p) - pressure(level, 0.0, 0.5, p)
    russia_effect = pressure(level, 0.5, 1.0, p) - pressure(level, 0.5, 0.0, p)
    assert china_effect == pytest.approx(level * china_share * 0.9)
    assert russia_effect == pytest.approx(level * 0.05 * 0.9)


@settings(max_examples=200, deadline=None)
@given(level=unit, ce=unit, re=unit, ce2=unit, china_share=st.floats(0.0, 0.98))
def test_pressure_stays_within_the_sanctions_level_and_rises_with_enforcement(
    world, level, ce, re, ce2, china_share
):
    p = world(**{CHINA: china_share, RUSSIA: 0.02})
    x = pressure(level, ce, re, p)
    assert 0.0 <= x <= level + 1e-12
    lo, hi = sorted((ce, ce2))
    assert pressure(level, lo, re, p) <= pressure(level, hi, re, p) + 1e-12


def test_china_projection_is_today_when_looking_no_rounds_ahead(world):
    assert projected_stability(0.6, 0.5, world(), 0) == 0.6


@settings(max_examples=100, deadline=None)
@given(stab=unit, p1=unit, p2=unit, horizon=st.integers(1, 120))
def test_china_projects_lower_stability_under_more_pressure(world, stab, p1, p2, horizon):
    lo, hi = sorted((p1, p2))
    physics_ = world(pressure_impact=0.1)
    assert projected_stability(stab, hi, physics_, horizon) <= projected_stability(
        stab, lo, physics_, horizon
    )


@settings(max_examples=100, deadline=None)
@given(china=unit, follow=unit, shield=unit)
def test_russia_enforcement_is_a_share_and_a_full_shield_stops_it(world, china, follow, shield):
    x = russia_enforcement(china, follow, shield)
    assert 0.0 <= x <= 1.0
    assert russia_enforcement(china, follow, 1.0) == 0.0
    assert russia_enforcement(china, 1.0, 0.0) == pytest.approx(china)


def test_enforcement_menu_spans_token_compliance_to_blockade():
    levels = enforcement.LEVELS
    assert list(levels) == sorted(levels)
    assert levels[0] > 0.0 and levels[-1] == 1.0


def test_china_held_to_the_letter_enforces_fully_every_round(config):
    """china_strict: an enforcement floor of 1 and no skirting leave China no other choice."""
    cfg = config({"actors.china.enforcement_floor": 1.0, "actors.china.skirting": 0.0})
    for i in range(5):
        rows = replicate(cfg, i).rows
        assert rows and all(row[COL["china_enforcement"]] == 1.0 for row in rows)


def test_china_skirting_takes_its_share_off_what_it_chose(config):
    cfg = config({"actors.china.enforcement_floor": 1.0, "actors.china.skirting": 0.25})
    rows = replicate(cfg, 0).rows
    assert all(row[COL["china_enforcement"]] == pytest.approx(0.75) for row in rows)


def test_recorded_pressure_is_the_pressure_of_the_recorded_regime(config):
    """The trajectories never disagree with the pressure formula they document."""
    cfg = config()
    p = physics(cfg)
    for i in range(5):
        for row in replicate(cfg, i).rows:
            level, press = row[COL["sanctions_level"]], row[COL["pressure"]]
            ce, re = row[COL["china_enforcement"]], row[COL["russia_enforcement"]]
            assert press == pytest.approx(pressure(level, ce, re, p))
