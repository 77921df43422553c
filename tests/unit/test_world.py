"""The one-round transition: capability, stability and the collapse floor, tension, hazards."""

from __future__ import annotations

import copy
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import outcomes
from sim.core.ladder import MENUS
from sim.core.world import Decisions, collapse_hazard, initial_state, physics, transition
from sim.runs.replications import replicate

unit = st.floats(0.0, 1.0)


def state(cfg, **fields):
    return initial_state(cfg, physics(cfg))._replace(**fields)


def moves(us="hold", china="hold", russia="hold", dprk="hold", adopted=0.0, ce=0.5, re=0.5):
    m = MENUS
    return Decisions(
        adopted, ce, re, m["us"][us], m["china"][china], m["russia"][russia], m["dprk"][dprk]
    )


@pytest.fixture(scope="module")
def cfg(config):
    return config({"actors.china.skirting": 0.0, "world.collapse_floor": 0.2})


# --- capability -----------------------------------------------------------------------------


def test_capability_grows_in_the_background_without_tests(config):
    c = config({"world.capability_growth": 0.05})
    x = transition(state(c, dprk_capability=0.4), moves(), physics(c))
    assert x.dprk_capability > 0.4


def test_capability_stands_still_without_growth_or_tests(config):
    c = config({"world.capability_growth": 0.0})
    x = transition(state(c, dprk_capability=0.4), moves(dprk="threaten"), physics(c))
    assert x.dprk_capability == 0.4


def test_each_kind_of_test_adds_growth_in_order_of_its_gain(config):
    c = config(
        {
            "world.capability_growth": 0.02,
            "world.missile_gain": 0.1,
            "world.icbm_gain": 0.2,
            "world.nuclear_gain": 0.3,
        }
    )
    s, p = state(c, dprk_capability=0.4), physics(c)
    grown = [
        transition(s, moves(dprk=t), p).dprk_capability
        for t in ("hold", "missile_test", "icbm_test", "nuclear_test")
    ]
    assert grown == sorted(grown) and len(set(grown)) == 4


@settings(max_examples=200, deadline=None)
@given(
    cap=unit,
    growth=st.floats(0.0, 0.5),
    gain=st.floats(0.0, 0.5),
    test=st.sampled_from(["hold", "missile_test", "icbm_test", "nuclear_test"]),
)
def test_capability_never_falls_and_stays_a_share(config, cap, growth, gain, test):
    c = config(
        {
            "world.capability_growth": growth,
            "world.missile_gain": gain,
            "world.icbm_gain": gain,
            "world.nuclear_gain": gain,
        }
    )
    x = transition(state(c, dprk_capability=cap), moves(dprk=test), physics(c))
    assert cap <= x.dprk_capability <= 1.0


# --- stability and the collapse floor ---------------------------------------------------------


def test_pressure_erodes_regime_stability(cfg):
    p = physics(cfg)
    s = state(cfg, dprk_stability=0.6, sanctions_level=0.8)
    soft = transition(s, moves(ce=0.2, re=0.2), p).dprk_stability
    hard = transition(s, moves(ce=1.0, re=1.0), p).dprk_stability
    assert hard < soft


def test_without_pressure_stability_recovers_toward_equilibrium(config):
    c = config({"world.stability_equilibrium": 0.75, "world.stability_recovery": 0.1})
    p = physics(c)
    low = transition(state(c, dprk_stability=0.4, sanctions_level=0.0), moves(), p)
    high = transition(state(c, dprk_stability=0.9, sanctions_level=0.0), moves(), p)
    assert 0.4 < low.dprk_stability < 0.75 < high.dprk_stability < 0.9


def test_collapse_hazard_is_certain_at_the_floor_and_a_gradient_above_it(world):
    """No region of exactly zero: every loss of stability raises the hazard."""
    p = world(collapse_floor=0.2, collapse_band=0.1, collapse_steepness=4.0)
    assert collapse_hazard(0.2, p) == 1.0
    assert collapse_hazard(0.05, p) == 1.0
    assert collapse_hazard(0.3, p) == pytest.approx(math.exp(-4.0))
    assert 0.0 < collapse_hazard(0.9, p) < 1e-9
    grid = [0.2 + i * 0.7 / 100 for i in range(101)]
    hazards = [collapse_hazard(x, p) for x in grid]
    assert all(a > b for a, b in zip(hazards, hazards[1:], strict=False))
    assert all(0.0 < h <= 1.0 for h in hazards)


def test_a_regime_below_its_floor_falls_in_the_first_round(config):
    """Only talks agreed in the same round can pre-empt collapse once the floor is crossed."""
    quiet = {
        f"world.{k}": 0.0 for k in ("accident_war", "move_accident", "strike_war", "attack_war")
    }
    c = config({**quiet, "world.collapse_floor": 0.95, "world.stability0": 0.5}, rounds=5)
    ends = [replicate(c, i) for i in range(20)]
    assert all(m.outcome_round == 1 for m in ends)
    assert all(m.outcome in (outcomes.COLLAPSE, outcomes.TALKS) for m in ends)
    assert sum(m.outcome == outcomes.COLLAPSE for m in ends) > 0


# --- sanctions, tension and exercises ---------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(level=unit, adopted=unit)
def test_an_adopted_resolution_ratchets_sanctions_up_to_at_most_one(cfg, level, adopted):
    x = transition(state(cfg, sanctions_level=level), moves(adopted=adopted), physics(cfg))
    assert level <= x.sanctions_level <= 1.0
    if adopted > 1e-9 and level < 1.0 - 1e-9:
        assert x.sanctions_level > level
    if adopted == 0.0:
        assert x.sanctions_level == level


def test_quiet_rounds_let_tension_decay(config):
    c = config({"world.tension_decay": 0.2})
    x = transition(state(c, tension=0.8, exercises=False), moves(), physics(c))
    assert x.tension == pytest.approx(0.8 * 0.8)


def test_escalation_raises_tension_and_exercises_add_to_it(cfg):
    p = physics(cfg)
    s = state(cfg, tension=0.5, exercises=False)
    quiet = transition(s, moves(), p).tension
    threats = transition(s, moves(us="threaten", dprk="icbm_test"), p).tension
    drills = transition(s, moves(us="exercises"), p).tension
    assert threats > quiet and drills > quiet


def test_the_us_switches_joint_exercises_on_and_off(cfg):
    p = physics(cfg)
    assert not transition(state(cfg, exercises=True), moves(us="suspend_exercises"), p).exercises
    assert transition(state(cfg, exercises=False), moves(us="exercises"), p).exercises
    assert transition(state(cfg, exercises=True), moves(), p).exercises


def test_china_and_russia_blame_us_moves_for_tension(config):
    """Their perceived physics weighs a US threat more than the same DPRK threat."""
    c = config()
    china_view = physics(c, blame_us=0.9)
    s = state(c, tension=0.4, exercises=False)
    us_threat = transition(s, moves(us="threaten"), china_view).tension
    dprk_threat = transition(s, moves(dprk="threaten"), china_view).tension
    assert us_threat > dprk_threat
    true = physics(c)
    assert transition(s, moves(us="threaten"), true).tension == pytest.approx(
        transition(s, moves(dprk="threaten"), true).tension
    )


# --- hazards and talks ------------------------------------------------------------------------


def test_accidental_war_grows_with_tension(config):
    c = config({"world.accident_war": 0.05})
    p = physics(c)
    calm = transition(state(c, tension=0.1, exercises=False), moves(), p)
    tense = transition(state(c, tension=0.9, exercises=False), moves(), p)
    assert tense.war_hazard + tense.nuclear_hazard > calm.war_hazard + calm.nuclear_hazard


@pytest.mark.parametrize(
    ("us", "dprk"),
    [("strike", "hold"), ("hold", "attack"), ("show_of_force", "hold"), ("hold", "icbm_test")],
)
def test_force_and_tests_add_war_hazard(cfg, us, dprk):
    p = physics(cfg)
    s = state(cfg, tension=0.5)
    base = transition(s, moves(), p)
    x = transition(s, moves(us=us, dprk=dprk), p)
    assert x.war_hazard + x.nuclear_hazard > base.war_hazard + base.nuclear_hazard


def test_a_larger_arsenal_makes_a_war_likelier_to_go_nuclear(cfg):
    p = physics(cfg)
    small = transition(state(cfg, dprk_capability=0.1), moves(us="strike"), p)
    large = transition(state(cfg, dprk_capability=0.9), moves(us="strike"), p)

    def share(x):
        return x.nuclear_hazard / (x.nuclear_hazard + x.war_hazard)

    assert share(large) > share(small)


def test_talks_need_both_sides_in_the_same_round(cfg):
    p = physics(cfg)
    s = state(cfg, exercises=False)
    both = transition(s, moves(us="offer_talks", dprk="offer_talks"), p)
    assert both.us_accepts and both.dprk_accepts
    one = transition(s, moves(us="offer_talks", dprk="missile_test"), p)
    assert one.us_accepts and not one.dprk_accepts


def test_freeze_for_freeze_stands_only_while_exercises_are_off(cfg):
    p = physics(cfg)
    d = moves(china="propose_freeze")
    off = transition(state(cfg, exercises=False), d, p)
    assert off.us_accepts and off.dprk_accepts
    on = transition(state(cfg, exercises=True), d, p)
    assert not (on.us_accepts or on.dprk_accepts)
    suspended = transition(
        state(cfg, exercises=True), moves(us="suspend_exercises", china="propose_freeze"), p
    )
    assert suspended.us_accepts and suspended.dprk_accepts


# --- purity -----------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    tension=unit,
    level=unit,
    cap=unit,
    stab=unit,
    adopted=unit,
    us=st.sampled_from(list(MENUS["us"])),
    dprk=st.sampled_from(list(MENUS["dprk"])),
)
def test_transition_is_pure(cfg, tension, level, cap, stab, adopted, us, dprk):
    """Actors' lookahead reuses the world's transition: it must not touch its inputs."""
    p = physics(cfg)
    s = state(cfg, tension=tension, sanctions_level=level, dprk_capability=cap, dprk_stability=stab)
    d = moves(us=us, dprk=dprk, adopted=adopted)
    before = copy.deepcopy((s, d, p))
    first, second = transition(s, d, p), transition(s, d, p)
    assert first == second
    assert (s, d, p) == before
    assert second.round == s.round + 1
    assert second.china_cost >= s.china_cost
