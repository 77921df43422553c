"""The kernels' own building blocks: numpy's generator, Python's sum and inverse normal."""

from __future__ import annotations

import math
import random
import statistics

import numpy as np
import pytest

from sim.core import kernels as K
from sim.core import rng
from sim.core.agents import logit_choice, logit_probabilities
from sim.core.streams import Streams


def test_a_replications_entropy_is_seedsequences():
    """The batch driver assembles SeedSequence([run.seed, i])'s words (seed_words, checked
    against numpy below) in a buffer it reuses."""
    from sim.runs.chunk import _entropy_into

    for seed in (0, 7, 2**32 + 5, 2**63 - 1):
        words = rng.seed_words(seed)
        buf = np.empty(words.shape[0] + 2, dtype=np.uint32)
        for i in (0, 1, 2**32 - 1, 2**32, 2**40 + 3, 2**63 - 1):
            n = _entropy_into(words, i, buf)
            assert buf[:n].tolist() == rng.seed_words([seed, i]).tolist()


def test_rng_matches_numpy():
    for seed in (0, 1, 20170809, 2**32 + 5, 2**63 - 1):
        for i in (0, 1, 199, 2**32 - 1, 2**33 + 3):
            ss = np.random.SeedSequence([seed, i])
            words = rng.seed_words([seed, i])
            first = rng.first_blocks(words, np.empty((7, 64)))
            assert (first == np.random.default_rng(ss).random((7, 64))).all()
            for stream in (0, 6):
                for block in (1, 2, 300):
                    key = np.random.SeedSequence(ss.entropy, spawn_key=(stream, block))
                    want = np.random.default_rng(key).random(64)
                    assert (rng.refill_block(words, stream, block, np.empty(64)) == want).all()


def test_a_stream_continues_past_its_block_with_the_keyed_generator():
    ss = np.random.SeedSequence([20170809, 3])
    dice = Streams(ss).dice("council")
    draws = [dice() for _ in range(64 * 3)]
    k = K.STREAMS.index("council")
    want = list(np.random.default_rng(ss).random((7, 64))[k])
    for block in (1, 2):
        key = np.random.SeedSequence(ss.entropy, spawn_key=(k, block))
        want += list(np.random.default_rng(key).random(64))
    assert draws == want


def test_a_spawned_seed_sequence_is_refused():
    with pytest.raises(ValueError, match="spawn key"):
        Streams(np.random.SeedSequence(1).spawn(1)[0])


def test_builtins_match_python():
    r = random.Random(7)
    nd = statistics.NormalDist()
    for _ in range(20000):
        p = r.choice([r.random(), r.random() * 1e-10, 1 - r.random() * 1e-10, 0.5])
        p = min(max(p, 1e-12), 1 - 1e-12)
        assert K.inv_cdf(p) == nd.inv_cdf(p)
        n = r.randint(1, 7)
        w = [math.exp(20 * (r.random() - 1) * r.choice([0.01, 1, 5])) for _ in range(n)]
        assert K.pysum(np.array(w), n) == sum(w)


def test_logit_choice_picks_in_proportion_to_its_probabilities():
    utilities = [0.1, 0.3, -0.2, 0.25]
    probs = logit_probabilities(utilities, 8.0)
    assert sum(probs) == pytest.approx(1.0)
    assert max(range(4), key=probs.__getitem__) == 1
    r = random.Random(11)
    n = 40_000
    counts = [0] * 4
    for _ in range(n):
        counts[logit_choice(utilities, 8.0, r.random())] += 1
    for c, p in zip(counts, probs, strict=True):
        assert abs(c / n - p) < 4 * math.sqrt(p * (1 - p) / n)


def test_a_month_is_an_economy_no_move_changes_and_what_the_moves_do():
    """transition is `economy` then `moves`: each writes its own part of the state, the
    economy the same whatever the moves and the moves' part the same whatever the sanctions
    and enforcement, so that an actor can work out a month's economy once for all its
    options. An actor's forecast (the economy without the collapse hazard, which no
    forecasting actor but China weighs) is transition bit for bit but for that hazard, left
    NaN so that a value read from it could not pass unseen."""
    from sim.core.params import CrisisConfig
    from sim.core.physics import physics

    cfg = CrisisConfig()
    q = K.params_array(cfg)
    ph = K.physics_array(physics(cfg))
    draw = random.Random(7)
    unset = -12345.0
    economy_part = None
    for _ in range(200):
        s = np.empty(K.NS)
        K.initial_state(q, ph, s)
        for k in (K.S_TENSION, K.S_SANCTIONS, K.S_CAPABILITY, K.S_STABILITY):
            s[k] = draw.random()
        s[K.S_TALKS] = draw.choice((K.TALKS_NONE, K.TALKS_OPEN, K.TALKS_AGREED))
        sanctions = (draw.choice((0.0, 0.3)), draw.random(), draw.random())

        def decisions():
            return (
                int(draw.choice(K.US_MENU)),
                int(draw.choice(K.CHINA_MENU)),
                int(draw.choice(K.RUSSIA_MENU)),
                int(draw.choice(K.DPRK_MENU)),
            )

        chosen = decisions()
        world = np.empty(K.NS)
        K.transition(s, *sanctions, *chosen, ph, world)
        economy, by_moves = np.full(K.NS, unset), np.full(K.NS, unset)
        K.economy(s, *sanctions, ph, economy, True)
        K.moves(s, *chosen, ph, by_moves)
        written = economy != unset
        assert ((by_moves != unset) == ~written).all()  # each entry written by one of them
        if economy_part is None:
            economy_part = written
        assert (written == economy_part).all()
        assert world[written].tobytes() == economy[written].tobytes()
        assert world[~written].tobytes() == by_moves[~written].tobytes()

        other_moves, other_sanctions = np.empty(K.NS), np.empty(K.NS)
        K.transition(s, *sanctions, *decisions(), ph, other_moves)
        assert other_moves[written].tobytes() == world[written].tobytes()
        K.transition(s, draw.random(), draw.random(), draw.random(), *chosen, ph, other_sanctions)
        assert other_sanctions[~written].tobytes() == world[~written].tobytes()

        forecast = np.empty(K.NS)
        K.economy(s, *sanctions, ph, forecast, False)
        K.moves(s, *chosen, ph, forecast)
        assert math.isnan(forecast[K.S_COLLAPSE]) and not math.isnan(world[K.S_COLLAPSE])
        keep = np.arange(K.NS) != K.S_COLLAPSE
        assert world[keep].tobytes() == forecast[keep].tobytes()
    assert economy_part[[K.S_SANCTIONS, K.S_PRESSURE, K.S_STABILITY, K.S_COLLAPSE]].all()
    assert not economy_part[[K.S_TENSION, K.S_CAPABILITY, K.S_WAR, K.S_TALKS]].any()
