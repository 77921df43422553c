"""Every preference has a channel: the kernels' terms through which it reaches a choice."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim.core import kernels as K
from sim.core.params import CrisisConfig
from sim.runs import sensitivity


def arrays(**actors):
    cfg = CrisisConfig()
    for dotted, value in actors.items():
        actor, key = dotted.split("__")
        setattr(cfg.actors, actor, replace(getattr(cfg.actors, actor), **{key: value}))
    q = K.params_array(cfg)
    phys = K.perceptions_array(cfg)
    s = np.empty(K.NS)
    K.initial_state(q, phys[K.PHYS_WORLD], s)
    ag = np.empty(K.NA)
    K.init_agents(q, ag)
    return q, phys, s, ag


def last(us="hold", china="hold", russia="hold", dprk="hold"):
    names = (us, china, russia, dprk)
    return np.array([K.move_id(a, m) for a, m in zip(K.ACTORS, names, strict=True)])


def us_scores(q, phys, s, ag, moves):
    opts, util, x = K.scratch()
    n = K.us_scores(s, 0.0, 0.4, moves, ag, q, phys[K.PHYS_WORLD], opts, util, x)
    return {K.MOVE_NAMES[opts[i]]: util[i] for i in range(n)}


def test_a_russian_warning_raises_the_cost_of_us_coercion_by_its_engagement():
    q, phys, s, ag = arrays(russia__engagement=0.8)
    quiet = us_scores(q, phys, s, ag, last())
    warned = us_scores(q, phys, s, ag, last(russia="warn_us"))
    for move in ("threaten", "show_of_force", "strike"):
        assert warned[move] < quiet[move] - 0.05
    assert warned["offer_talks"] == quiet["offer_talks"]


def test_russia_urging_talks_raises_the_dprk_belief_that_talks_are_open():
    q, _, _, ag = arrays(russia__engagement=0.5)
    urged = ag.copy()
    K.dprk_observe(ag, q, 1.0, K.US_HOLD, K.RU_HOLD, K.DP_HOLD)
    K.dprk_observe(urged, q, 1.0, K.US_HOLD, K.RU_URGE_TALKS, K.DP_HOLD)
    assert urged[K.A_DP_BELIEF] > ag[K.A_DP_BELIEF] + 0.02


def test_russian_backing_makes_china_s_veto_cheaper():
    q, phys, s, ag = arrays(russia__engagement=0.8)
    util, x = np.empty(8), np.empty(K.NS)
    ph = phys[K.PHYS_CHINA]
    K.china_vote_scores(s, last(), 0.2, 0.14, ag, q, ph, util, x)
    alone = util[:3].copy()
    K.china_vote_scores(s, last(russia="back_china"), 0.2, 0.14, ag, q, ph, util, x)
    assert util[2] > alone[2] + 0.3  # veto
    assert util[0] == alone[0]  # yes


@pytest.mark.parametrize("key", ["war_fear", "threat_sensitivity"])
def test_china_enforces_harder_under_a_us_threat_the_more_it_fears_war_or_threats(key):
    def expected(value):
        """China's expected enforcement level under its logit choice."""
        q, phys, s, ag = arrays(**{f"china__{key}": value})
        util, x, p = np.empty(8), np.empty(K.NS), np.empty(8)
        n = K.china_enforcement_scores(s, 0.0, last(us="show_of_force"), q, phys[1], util, x)
        K.logit_probabilities(util, n, q[K.Q_CH_RATIONALITY], p)
        return float(np.dot(p[:n], q[K.Q_CH_LEVELS : K.Q_CH_LEVELS + n]))

    assert expected(1.0) > expected(0.0) + 0.03


def test_pressure_on_a_weak_economy_draws_the_dprk_to_talks():
    """The pain term: the more pressure and the weaker the economy, the more talks are worth."""

    def talks_edge(pressure, stability):
        q, phys, s, ag = arrays(dprk__pressure_response=0.3)
        s[K.S_PRESSURE], s[K.S_STABILITY] = pressure, stability
        opts, util, x = K.scratch()
        n = K.dprk_scores(s, 0.0, 0.4, 0.4, last(), ag, q, phys[0], opts, util, x)
        u = {K.MOVE_NAMES[opts[i]]: util[i] for i in range(n)}
        return u["offer_talks"] - u["hold"]

    assert talks_edge(0.5, 0.3) > talks_edge(0.05, 0.7) + 0.05


def test_a_hawkish_us_values_a_strike_once_capability_nears_its_red_line():
    q, phys, s, ag = arrays(us__hawkishness=0.9)
    low = us_scores(q, phys, s, ag, last())["strike"]
    s[K.S_CAPABILITY] = 0.7
    high = us_scores(q, phys, s, ag, last())["strike"]
    assert high > low + 1.0
    qd, physd, sd, agd = arrays(us__hawkishness=0.2)
    sd[K.S_CAPABILITY] = 0.7
    assert us_scores(qd, physd, sd, agd, last())["strike"] < high - 1.0


def test_sensitivity_can_sample_world_and_council_constants():
    cfg = CrisisConfig()
    names = sensitivity.problem(cfg)["names"]
    assert all(n.startswith("actors.") for n in names)
    cfg.sensitivity.include = ["actors", "world", "council"]
    names = sensitivity.problem(cfg)["names"]
    assert "world.war_weight" in names and "council.soften_factor" in names
    point = sensitivity.at(cfg, ["world.talks_agreement", "actors.us.hawkishness"], [0.5, 0.1])
    assert point.world.talks_agreement == 0.5 and point.actors.us.hawkishness == 0.1
