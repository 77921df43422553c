"""Outcome detection from a round's hazards, and the statistics reported over seeds."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import outcomes
from sim.core.model import ROUND_COLUMNS
from sim.core.outcomes import COLLAPSE, NUCLEAR_WAR, OUTCOMES, TALKS, WAR, draw
from sim.core.world import initial_state, physics
from sim.runs.replications import Tally, replicate
from sim.stats import wilson

COL = {name: i for i, name in enumerate(ROUND_COLUMNS)}
GRID = 20_000  # uniform draws on a fine grid: frequencies are exact to 1/GRID


@pytest.fixture(scope="module")
def quiet(config):
    cfg = config()
    return initial_state(cfg, physics(cfg))


def frequencies(x) -> dict:
    counts = dict.fromkeys([*OUTCOMES, None], 0)
    for i in range(GRID):
        counts[draw(x, (i + 0.5) / GRID)] += 1
    return {k: v / GRID for k, v in counts.items()}


def test_talks_never_end_a_round_the_hazards_still_do(quiet):
    """Talks are a process, not an ending: a war can still break out while they run."""
    x = quiet._replace(us_accepts=True, dprk_accepts=True, talks=2, war_hazard=1.0)
    assert all(draw(x, u) == WAR for u in (0.0, 0.3, 0.999))
    calm = quiet._replace(us_accepts=True, dprk_accepts=True, talks=1)
    assert all(draw(calm, u) is None for u in (0.0, 0.3, 0.999))


def test_one_side_accepting_is_not_talks(quiet):
    assert draw(quiet._replace(us_accepts=True), 0.5) is None
    assert draw(quiet._replace(dprk_accepts=True), 0.5) is None


def test_no_hazard_no_outcome(quiet):
    assert all(draw(quiet, u) is None for u in (0.0, 0.5, 0.999))


@settings(max_examples=30, deadline=None)
@given(war=st.floats(0, 0.4), nuclear=st.floats(0, 0.3), collapse=st.floats(0, 0.3))
def test_each_outcome_is_drawn_with_its_hazard(quiet, war, nuclear, collapse):
    x = quiet._replace(war_hazard=war, nuclear_hazard=nuclear, collapse_hazard=collapse)
    f = frequencies(x)
    tol = 2 / GRID
    assert f[WAR] == pytest.approx(war, abs=tol)
    assert f[NUCLEAR_WAR] == pytest.approx(nuclear, abs=tol)
    assert f[COLLAPSE] == pytest.approx(collapse, abs=tol)
    assert f[None] == pytest.approx(1 - war - nuclear - collapse, abs=3 * tol)


def test_hazards_summing_past_one_are_scaled_and_something_happens(quiet):
    x = quiet._replace(war_hazard=0.9, nuclear_hazard=0.3, collapse_hazard=0.6)
    f = frequencies(x)
    assert f[None] == 0.0
    assert f[WAR] == pytest.approx(0.5, abs=2 / GRID)
    assert f[NUCLEAR_WAR] == pytest.approx(1 / 6, abs=2 / GRID)
    assert f[COLLAPSE] == pytest.approx(1 / 3, abs=2 / GRID)


def test_a_run_has_exactly_one_outcome_and_standoff_only_at_the_horizon(config):
    cfg = config(rounds=3)
    for i in range(30):
        m = replicate(cfg, i)
        ended = [row[COL["outcome"]] for row in m.rows if row[COL["outcome"]]]
        assert m.outcome in OUTCOMES
        if m.outcome == outcomes.STANDOFF:
            assert ended == [] and m.outcome_round is None and len(m.rows) == 3
            assert m.rows[-1][COL["talks"]] == "none"
        elif m.outcome == TALKS:
            # Talks in force at the horizon; outcome_round is when they opened.
            assert ended == [] and len(m.rows) == 3
            assert m.rows[-1][COL["talks"]] in ("negotiating", "agreement")
            assert 1 <= m.outcome_round <= 3
        else:
            assert ended == [m.outcome] and m.rows[-1][COL["outcome"]] == m.outcome
            assert m.outcome_round == len(m.rows) == m.rows[-1][COL["round"]]


# --- Wilson intervals -------------------------------------------------------------------------

Z = 1.959963984540054


def test_wilson_matches_the_closed_form_at_zero_and_all():
    """At k=0 the upper bound is z^2/(n+z^2); at k=n the lower bound mirrors it."""
    for n in (1, 3, 10, 500):
        assert wilson(0, n) == pytest.approx((0.0, Z * Z / (n + Z * Z)))
        assert wilson(n, n) == pytest.approx((n / (n + Z * Z), 1.0))


def test_wilson_matches_a_published_value():
    # 81 successes in 263 trials: 95% Wilson interval (0.2553, 0.3662) (Newcombe 1998, ex. 1)
    lo, hi = wilson(81, 263)
    assert (lo, hi) == pytest.approx((0.2553, 0.3662), abs=1e-4)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 5000), data=st.data())
def test_wilson_contains_the_estimate_and_is_symmetric(n, data):
    k = data.draw(st.integers(0, n))
    lo, hi = wilson(k, n)
    assert 0.0 <= lo <= k / n + 1e-12 and k / n <= hi + 1e-12 and hi <= 1.0
    mlo, mhi = wilson(n - k, n)
    assert lo == pytest.approx(1 - mhi, abs=1e-12) and hi == pytest.approx(1 - mlo, abs=1e-12)


def test_wilson_narrows_as_seeds_grow():
    widths = [wilson(n // 4, n)[1] - wilson(n // 4, n)[0] for n in (40, 400, 4000)]
    assert widths[0] > widths[1] > widths[2]


def test_wilson_covers_the_true_probability_about_95_percent_of_the_time():
    """Exact binomial coverage, averaged over p in [0.05, 0.95], n=100: within 0.93-0.97."""
    n = 100
    bounds = [wilson(k, n) for k in range(n + 1)]
    coverage = []
    for j in range(1, 91):
        p = 0.05 + 0.9 * j / 91
        pmf = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
        coverage.append(sum(w for w, (lo, hi) in zip(pmf, bounds, strict=True) if lo <= p <= hi))
    assert 0.93 <= statistics.mean(coverage) <= 0.97
    assert min(coverage) > 0.88


def test_no_seeds_give_the_uninformative_interval():
    assert wilson(0, 0) == (0.0, 1.0)


# --- the tally behind summary.json ------------------------------------------------------------


def test_tally_counts_probabilities_and_median_rounds(config):
    cfg = config(seeds=40, rounds=12)
    tally = Tally(cfg.run.rounds)
    models = [replicate(cfg, i) for i in range(cfg.run.seeds)]
    for m in models:
        tally.add(m)
    summary = tally.summary(cfg)
    table = summary["outcomes"]
    assert set(table) == set(OUTCOMES)
    assert sum(row["count"] for row in table.values()) == summary["seeds"] == 40
    assert sum(row["probability"] for row in table.values()) == pytest.approx(1.0, abs=1e-5)
    for o, row in table.items():
        rounds = [m.outcome_round for m in models if m.outcome == o]
        assert row["count"] == len(rounds)
        assert row["ci_low"] <= row["probability"] <= row["ci_high"]
        if o == outcomes.STANDOFF or not rounds:
            assert row["median_round"] is None
        else:
            assert row["median_round"] == statistics.median(rounds)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=1, max_size=60))
def test_tally_median_round_is_the_median(rounds):
    tally = Tally(30)
    for r in rounds:
        tally.by_round[WAR][r] += 1
    assert tally.median_round(WAR) == statistics.median(rounds)
