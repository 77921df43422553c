"""The four actors, each on its own: built with a bare mesa.Model and the arguments it needs."""

from __future__ import annotations

import math

import mesa
import numpy as np
import pytest

from sim.core.agents import DPRK, US, Board, China, Context, Russia, logit_choice
from sim.core.council import VOTES
from sim.core.ladder import MENUS
from sim.core.model import OPENING_MOVES, Perceptions
from sim.core.params import CrisisConfig
from sim.core.streams import streams
from sim.core.world import Decisions, initial_state

SEEDS = range(200)


class Fixed:
    """Dice that always give the same draw."""

    def __init__(self, u: float):
        self.u = u

    def __call__(self) -> float:
        return self.u


def build(cfg: CrisisConfig | None = None, seed: int = 0):
    cfg = cfg or CrisisConfig()
    per = Perceptions.of(cfg)
    _, dice = streams(np.random.SeedSequence(seed))
    model = mesa.Model(rng=0)
    board = Board(cfg, per.array)
    a, w = cfg.actors, cfg.world
    actors = {
        "us": US(model, a.us, w, per.world, dice["us"], board, dice["noise"]),
        "china": China(model, a.china, w, per.china, dice["china"], board),
        "russia": Russia(model, a.russia, w, per.russia, dice["russia"], board),
        "dprk": DPRK(model, a.dprk, w, per.world, dice["dprk"], board),
    }
    state = initial_state(cfg, per.world)
    last = Decisions(0.0, state.china_enforcement, state.russia_enforcement, *OPENING_MOVES)
    return cfg, actors, Context(state, 0.0, state.china_enforcement, 0.7, last)


def test_actors_need_no_crisis_model():
    _, actors, ctx = build()
    for role, actor in actors.items():
        move = actor.choose_move(ctx)
        assert move in MENUS[role].values()


def test_logit_choice_prefers_the_better_option_more_surely_with_rationality():
    draws = np.random.default_rng(1).random(4000)
    low = np.mean([logit_choice([0.0, 0.1], 1.0, u) for u in draws])
    high = np.mean([logit_choice([0.0, 0.1], 60.0, u) for u in draws])
    assert 0.45 < low < 0.6  # nearly a coin
    assert high > 0.99  # nearly always the better option
    assert logit_choice([1.0, 1.0, 1.0], 5.0, 0.999999) == 2


def test_hawkish_us_threatens_more_than_a_dovish_one():
    def share_coercive(h: float) -> float:
        cfg = CrisisConfig()
        cfg.actors.us.hawkishness = h
        picks = []
        for seed in SEEDS:
            _, actors, ctx = build(cfg, seed)
            picks.append(actors["us"].choose_move(ctx).coercion > 0)
        return float(np.mean(picks))

    assert share_coercive(0.9) > share_coercive(0.1) + 0.2


def test_us_drafts_only_after_a_strategic_test():
    _, actors, ctx = build()
    us, s, last = actors["us"], ctx.state, ctx.last
    assert us.draft(s, last, 0.3) == 0.0  # the opening month had threats, no test
    after_test = last._replace(dprk=MENUS["dprk"]["nuclear_test"])
    strength = us.draft(s, after_test, 0.3)
    assert 0.3 < strength <= 1.0


def test_china_that_fears_collapse_enforces_less():
    def mean_level(fear: float) -> float:
        cfg = CrisisConfig()
        cfg.actors.china.collapse_fear = fear
        cfg.world.sanctions0 = 0.9  # heavy sanctions: enforcement bites
        levels = []
        for seed in SEEDS:
            _, actors, ctx = build(cfg, seed)
            levels.append(actors["china"].choose_enforcement(ctx.state, 0.0, ctx.last))
        return float(np.mean(levels))

    assert mean_level(1.0) < mean_level(0.0)


def test_china_and_russia_answer_a_draft_with_a_vote():
    _, actors, ctx = build()
    for _ in range(50):
        assert actors["china"].vote(ctx.state, ctx.last, 0.5, 0.4, Fixed(0.3)) in VOTES
        assert actors["russia"].vote(0.5, 0.4, "veto", Fixed(0.0)) == "veto"  # follows China


def test_dprk_cannot_test_again_before_its_interval():
    cfg, actors, ctx = build()
    dprk = actors["dprk"]
    names = [m.name for m in dprk.options(ctx)]
    assert "nuclear_test" in names and "icbm_test" not in names  # ICBM tested in July 2017
    tested = ctx.last._replace(dprk=MENUS["dprk"]["nuclear_test"])
    dprk.observe(ctx.state._replace(round=1), tested)
    later = ctx._replace(state=ctx.state._replace(round=1))
    assert "nuclear_test" not in [m.name for m in dprk.options(later)]


@pytest.mark.parametrize("role", ["us", "china", "russia", "dprk"])
def test_rationality_scales_with_the_world_setting(role):
    cfg = CrisisConfig()
    cfg.world.rationality_scale = 2.0
    _, actors, _ = build(cfg)
    params = getattr(cfg.actors, role)
    assert math.isclose(actors[role].rationality, 2.0 * params.rationality)
