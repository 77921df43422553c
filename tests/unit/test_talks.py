"""Talks as a process: they open, run, reach a freeze agreement or break down."""

from __future__ import annotations

import numpy as np
import pytest

from sim.core import kernels as K
from sim.core.params import CrisisConfig
from sim.runs import batch


@pytest.fixture(scope="module")
def setup():
    cfg = CrisisConfig()
    q = K.params_array(cfg)
    ph = K.perceptions_array(cfg)[K.PHYS_WORLD]
    s = np.empty(K.NS)
    K.initial_state(q, ph, s)
    return q, ph, s


def step_world(s, ph, us="hold", china="hold", russia="hold", dprk="hold"):
    out = np.empty(K.NS)
    ids = [K.move_id(a, m) for a, m in zip(K.ACTORS, (us, china, russia, dprk), strict=True)]
    K.transition(s, 0.0, 0.4, 0.4, *ids, ph, out)
    return out


def test_talks_open_when_both_sides_accept_and_not_otherwise(setup):
    q, ph, s = setup
    assert step_world(s, ph, us="offer_talks", dprk="offer_talks")[K.S_TALKS] == K.TALKS_OPEN
    assert step_world(s, ph, us="offer_talks")[K.S_TALKS] == K.TALKS_NONE
    assert step_world(s, ph, dprk="offer_talks")[K.S_TALKS] == K.TALKS_NONE


@pytest.mark.parametrize(
    "moves",
    [{"dprk": "icbm_test"}, {"dprk": "missile_test"}, {"us": "strike"}, {"us": "show_of_force"}],
)
def test_a_test_or_a_show_of_force_breaks_talks_in_force(setup, moves):
    q, ph, s = setup
    for state in (K.TALKS_OPEN, K.TALKS_AGREED):
        t = s.copy()
        t[K.S_TALKS] = state
        assert step_world(t, ph, **moves)[K.S_TALKS] == K.TALKS_NONE


def test_a_freeze_agreement_suspends_exercises_and_stops_the_programme(setup):
    q, ph, s = setup
    t = s.copy()
    t[K.S_TALKS] = K.TALKS_AGREED
    x = step_world(t, ph)
    assert x[K.S_TALKS] == K.TALKS_AGREED
    assert x[K.S_EXERCISES] == 0.0
    assert x[K.S_CAPABILITY] == t[K.S_CAPABILITY]
    # Resuming exercises ends the agreement.
    assert step_world(t, ph, us="exercises")[K.S_TALKS] == K.TALKS_NONE


def test_negotiations_reach_agreement_break_down_or_go_on_by_their_chances(setup):
    q, ph, s = setup
    before = s.copy()
    before[K.S_TALKS] = K.TALKS_OPEN
    agree, broke = q[K.Q_TALKS_AGREEMENT], q[K.Q_TALKS_BREAKDOWN]
    events = {}
    grid = 2000
    for i in range(grid):
        x = step_world(before, ph)
        ev = K.negotiate(before, x, q, ph, (i + 0.5) / grid)
        events[ev] = events.get(ev, 0) + 1
        if ev == K.EV_AGREED:
            assert x[K.S_TALKS] == K.TALKS_AGREED
            assert x[K.S_SANCTIONS] < step_world(before, ph)[K.S_SANCTIONS]  # some relief
    assert events[K.EV_AGREED] / grid == pytest.approx(agree, abs=1e-3)
    assert events[K.EV_BROKE] / grid == pytest.approx(broke, abs=1e-3)
    assert events[K.EV_NONE] / grid == pytest.approx(1 - agree - broke, abs=1e-3)


def test_runs_go_on_after_talks_open_and_talks_can_fail_or_succeed():
    cfg = CrisisConfig()
    cfg.run.seeds = 400
    o = batch.simulate(cfg, trajectories=False).outcomes
    opened = o["talks_opened_round"] >= 0
    assert opened.mean() > 0.3
    # A run does not end when talks open.
    assert (o["rounds_played"][opened] > o["talks_opened_round"][opened]).mean() > 0.9
    # Some talks break down (Hanoi), some reach a freeze (Singapore).
    assert (o["talks_breakdowns"][opened] > 0).mean() > 0.1
    assert (o["agreement_round"] >= 0).mean() > 0.1
    # The horizon's `talks` is talks in force; `standoff` never has them.
    talks = o["outcome"] == K.O_TALKS
    assert (o["talks_opened_round"][talks] >= 0).all()
