"""A seated game: the person's decisions replace the actor's, everything else is the model's."""

from __future__ import annotations

import math

import pytest

from sim.app.explain import explain, probabilities
from sim.app.game import Game, play_through
from sim.core.agents import Context
from sim.core.ladder import MENUS
from sim.runs.replications import replicate


def test_an_unseated_game_is_the_run(config):
    cfg = config(rounds=24)
    for index in range(4):
        game = play_through(Game(cfg, index), None)
        model = replicate(cfg, index)
        assert game.model.rows == model.rows
        assert game.model.outcome == model.outcome


def test_probabilities_are_the_logit_rule():
    p = probabilities([0.1, 0.3, -0.2], 20.0)
    assert math.isclose(sum(p), 1.0)
    assert math.isclose(p[1] / p[0], math.exp(20.0 * 0.2))
    assert probabilities([0.1, 0.5], 0.0) == [0.5, 0.5]


def test_the_explanation_scores_what_the_actor_picks(config):
    """Where the explanation makes one option near certain, the actor takes it."""
    cfg = config({"world.rationality_scale": 10.0}, rounds=24)
    sure = 0
    for index in range(3):
        game = Game(cfg, index)
        while not game.done:
            game.step()
            for name in ("us", "china", "russia", "dprk", "china enforcement"):
                e = game.explained[name]
                assert math.isclose(sum(o.probability for o in e.options), 1.0)
                best = max(e.options, key=lambda o: o.probability)
                if best.probability > 0.999:
                    sure += 1
                    assert e.chosen == best.key, (name, e)
    assert sure >= 30


def test_the_explanation_offers_the_actors_options(config):
    cfg = config(rounds=6)
    game = play_through(Game(cfg, 1), None)
    m = game.model
    ctx = Context(m.state, 0.0, 0.4, 0.3, m.last)
    for name in ("us", "china", "russia", "dprk"):
        actor = getattr(m, name)
        keys = [o.key for o in explain(actor, "move", ctx)]
        assert keys == [mv.name for mv in actor.options(ctx)]


@pytest.mark.parametrize("seat", ["us", "china", "russia", "dprk"])
def test_following_the_advice_reaches_an_outcome(config, seat):
    cfg = config(rounds=24)
    asked = []

    def advice(decision):
        asked.append(decision)
        assert decision.actor == seat
        return decision.advice.key

    game = play_through(Game(cfg, 2, seat), advice)
    assert game.done and game.model.rows
    rounds = game.model.state.round
    moves = [d for d in asked if d.kind == "move"]
    assert len(moves) == rounds  # one move a round, asked of the person
    kinds = {d.kind for d in asked}
    if seat == "us":
        assert "draft" in kinds
    if seat == "china":
        assert "enforcement" in kinds


def test_the_persons_move_is_played(config):
    cfg = config(rounds=24)
    game = play_through(Game(cfg, 0, "us"), lambda d: "hold" if d.kind == "move" else False)
    assert {row[14] for row in game.model.rows} == {"hold"}  # us_move
    assert all(row[18] is None for row in game.model.rows)  # never a draft


def test_other_actors_keep_their_streams(config):
    """A person who plays exactly as the model did leaves the run as it was."""
    cfg = config(rounds=24)
    own = replicate(cfg, 5)
    moves = iter(row[17] for row in own.rows)  # dprk_move
    game = play_through(Game(cfg, 5, "dprk"), lambda d: next(moves))
    assert game.model.rows == own.rows


def test_an_illegal_answer_is_refused(config):
    game = Game(config(rounds=6), 0, "dprk")
    with pytest.raises(ValueError, match="not an option"):
        game.answer("launch_everything")
    assert game.pending().kind == "move"
    assert "attack" in MENUS["dprk"]
