"""Block bootstrap of means and percentile intervals (the hindcast's skill intervals)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import scoring
from sim.stats import block_bootstrap_means, percentile_interval


def test_blocks_are_drawn_whole():
    """Two equal blocks, all 0 and all 1: every resample mean is 0, 1/2 or 1."""
    values = np.array([[0.0], [0.0], [0.0], [1.0], [1.0], [1.0]])
    boot = block_bootstrap_means(values, ["a", "a", "a", "b", "b", "b"], seed=1, resamples=400)
    assert set(np.round(boot[:, 0], 12)) == {0.0, 0.5, 1.0}
    # a row bootstrap would give thirds and sixths; block counts are Binomial(2, 1/2)
    assert np.mean(boot[:, 0] == 0.5) == pytest.approx(0.5, abs=0.08)


def test_unequal_blocks_weigh_by_rows():
    """A drawn block adds all its rows: the mean is over rows, not over block means."""
    values = np.array([[0.0], [1.0], [1.0], [1.0]])
    boot = block_bootstrap_means(values, [0, 1, 1, 1], seed=3, resamples=200)
    assert set(np.round(boot[:, 0], 12)) <= {0.0, 0.75, 1.0}


def test_columns_stay_paired_and_seeded():
    rng = np.random.default_rng(0)
    a = rng.random(40)
    values = np.column_stack([a, a + 1.0])
    blocks = np.repeat(np.arange(8), 5)
    boot = block_bootstrap_means(values, blocks, seed=7, resamples=300)
    assert boot.shape == (300, 2)
    assert np.allclose(boot[:, 1] - boot[:, 0], 1.0)
    assert np.array_equal(boot, block_bootstrap_means(values, blocks, seed=7, resamples=300))
    assert not np.array_equal(boot, block_bootstrap_means(values, blocks, seed=8, resamples=300))
    # the resampled means centre on the sample mean
    assert boot[:, 0].mean() == pytest.approx(a.mean(), abs=0.02)


def test_bad_shapes_are_errors():
    with pytest.raises(ValueError, match="one block a row"):
        block_bootstrap_means(np.zeros((3, 1)), [0, 1], seed=0, resamples=10)


def test_percentile_interval():
    lo, hi = percentile_interval(np.arange(101.0), 0.9)
    assert (lo, hi) == pytest.approx((5.0, 95.0))
    assert percentile_interval([np.nan, 1.0, np.nan, 3.0], 1.0) == (1.0, 3.0)
    assert all(math.isnan(x) for x in percentile_interval([np.nan, np.inf], 0.9))


def test_per_forecast_scores_average_to_the_scores():
    p, y = np.array([0.1, 0.8, 0.5, 0.0]), np.array([0, 1, 1, 1])
    assert scoring.brier_each(p, y).mean() == pytest.approx(scoring.brier(p, y))
    assert scoring.log_each(p, y).mean() == pytest.approx(scoring.log_score(p, y))
    probs, obs = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]]), np.array([0, 2])
    assert scoring.rps_each(probs, obs).mean() == pytest.approx(scoring.rps(probs, obs))
    assert scoring.rps_each(probs, obs)[0] == pytest.approx(0.25)
