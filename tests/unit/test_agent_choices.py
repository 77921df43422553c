"""The actors' public face: options, scores and choice probabilities explain each choice."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from sim.core.model import CrisisModel
from sim.core.world import transition


@pytest.fixture
def model(config):
    m = CrisisModel(config(), seed=11)
    m.run(3)
    assert m.running  # still in the crisis after three rounds
    return m


@pytest.mark.parametrize("actor", ["us", "china", "russia", "dprk"])
def test_choices_follow_the_stated_probabilities(model, actor):
    ctx = model.context(0.0, model.china.level, model.russia.enforce(model.china.level))
    agent = getattr(model, actor)
    names = [m.name for m in agent.options(ctx)]
    scores = agent.scores(ctx)
    probs = dict(agent.probabilities(ctx))
    assert [n for n, _ in scores] == names == list(probs)
    assert sum(probs.values()) == pytest.approx(1.0)
    best = max(scores, key=lambda s: s[1])[0]
    assert probs[best] == max(probs.values())
    r = random.Random(5)
    agent.dice = r.random
    n = 6000
    counts = Counter(agent.choose_move(ctx).name for _ in range(n))
    assert set(counts) <= set(names)
    for name, p in probs.items():
        assert abs(counts[name] / n - p) <= 4 * math.sqrt(p * (1 - p) / n) + 1e-9, name


def test_an_actor_scores_a_move_by_the_state_it_predicts(model):
    """The US's score of a move changes with what the transition predicts for it."""
    ctx = model.context(0.0, model.china.level, model.russia.enforce(model.china.level))
    scores = dict(model.us.scores(ctx))
    assert len(set(scores.values())) > 1
    d = ctx.last._replace(us=next(m for m in model.us.options(ctx) if m.name == "strike"))
    assert transition(ctx.state, d, model.physics).war_hazard > ctx.state.war_hazard
    assert scores["strike"] < scores["hold"]  # the article's US is war-averse


def test_the_dprk_cannot_test_again_before_its_interval(config):
    m = CrisisModel(config({"world.icbm_interval": 5}), seed=2)
    ctx = m.context(0.0, m.china.level, m.russia.enforce(m.china.level))
    ready = m.dprk.ready_at["icbm_test"]
    names = [mv.name for mv in m.dprk.options(ctx)]
    assert ready == 5
    assert ("icbm_test" in names) == (ready <= m.state.round + 1)
    assert "icbm_test" not in names
