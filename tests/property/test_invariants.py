"""Invariants that hold for every valid parameter set, not just the calibrated defaults.

Parameter sets are drawn from the ranges recorded in `sim.params` metadata, so a new
parameter is covered as soon as it declares its range.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.council import VOTES
from sim.core.ladder import MENUS, NUCLEAR, RUNGS
from sim.core.model import ROUND_COLUMNS
from sim.core.outcomes import NUCLEAR_WAR, OUTCOMES, STANDOFF, TALKS
from sim.core.params import CrisisConfig
from sim.core.world import Decisions, initial_state, physics, transition
from sim.runs.replications import replicate
from tests.strategies import configs

SHARES = {  # state columns that are shares or probabilities
    "tension", "sanctions_level", "pressure", "china_enforcement", "russia_enforcement",
    "dprk_capability", "dprk_stability", "us_trust_in_china",
    "war_hazard", "nuclear_hazard", "collapse_hazard",
}  # fmt: skip
COL = {name: i for i, name in enumerate(ROUND_COLUMNS)}


def check_run(cfg: CrisisConfig, index: int) -> None:
    m = replicate(cfg, index)
    rows = m.rows
    a = cfg.actors

    # exactly one outcome per run, recorded where it happened
    assert m.outcome in OUTCOMES
    ended = [r[COL["outcome"]] for r in rows if r[COL["outcome"]]]
    assert [r[COL["round"]] for r in rows] == list(range(1, len(rows) + 1))
    if m.outcome == STANDOFF:
        assert ended == [] and m.outcome_round is None and len(rows) == cfg.run.rounds
    elif m.outcome == TALKS:  # talks in force at the horizon: the run went the whole way
        assert ended == [] and len(rows) == cfg.run.rounds
        assert rows[-1][COL["talks"]] != "none" and 1 <= m.outcome_round <= cfg.run.rounds
    else:
        assert ended == [m.outcome] and rows[-1][COL["outcome"]] == m.outcome
        assert m.outcome_round == len(rows) <= cfg.run.rounds

    level = cfg.world.sanctions0
    cost = 0.0
    for r in rows:
        # values stay in range
        for name in SHARES:
            v = r[COL[name]]
            assert 0.0 <= v <= 1.0, (name, v)
        assert r[COL["war_hazard"]] + r[COL["nuclear_hazard"]] <= 1.0 + 1e-12
        assert math.isfinite(r[COL["china_cost"]]) and r[COL["china_cost"]] >= cost
        cost = r[COL["china_cost"]]

        # the sanctions level falls only by the relief of a freeze agreement
        if r[COL["talks"]] != "agreement":
            assert r[COL["sanctions_level"]] >= level
        level = r[COL["sanctions_level"]]

        # every move is on its actor's menu, at a valid rung
        picked = {actor: MENUS[actor][r[COL[f"{actor}_move"]]] for actor in MENUS}
        assert all(0 <= mv.rung < len(RUNGS) for mv in picked.values())
        assert picked["us"].rung <= a.us.max_rung or picked["us"].name == "hold"
        if not a.us.exercises:
            assert picked["us"].name != "exercises" and not r[COL["exercises"]]
        score = sum(mv.escalation for mv in picked.values())
        score += NUCLEAR if r[COL["outcome"]] == NUCLEAR_WAR else 0
        assert r[COL["escalation_score"]] == score

        # the council: votes are valid, and only a unanimous yes adopts a draft
        drafted, adopted = r[COL["resolution_drafted"]], r[COL["resolution_adopted"]]
        cv, rv = r[COL["china_vote"]], r[COL["russia_vote"]]
        if drafted is None:
            assert adopted is None and cv is None and rv is None
        else:
            assert 0.0 < drafted <= 1.0 and cv in VOTES and rv in VOTES
        if adopted is not None:
            assert cv == rv == "yes" and 0.0 < adopted <= drafted


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cfg=configs(), index=st.integers(0, 10_000))
def test_every_valid_parameter_set_keeps_the_invariants(cfg, index):
    check_run(cfg, index)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs(), index=st.integers(0, 10_000))
def test_a_replication_is_a_function_of_its_config_and_index(cfg, index):
    first, second = replicate(cfg, index), replicate(cfg, index)
    assert first.rows == second.rows and first.outcome == second.outcome


def test_capability_stays_a_share_at_the_fastest_valid_growth(config):
    cfg = config({"world.capability_growth": 1.0, "world.nuclear_gain": 1.0})
    p = physics(cfg)
    s = initial_state(cfg, p)._replace(dprk_capability=0.6)
    d = Decisions(
        0.0,
        0.5,
        0.5,
        *(MENUS[a]["hold"] for a in ("us", "china", "russia")),
        MENUS["dprk"]["nuclear_test"],
    )
    assert transition(s, d, p).dprk_capability <= 1.0
