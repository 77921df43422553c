"""Scoring rules: known values, propriety, and one-line errors for bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import scoring


def test_brier_known_values():
    assert scoring.brier([1.0, 0.0], [1, 0]) == 0.0
    assert scoring.brier([0.5, 0.5], [1, 0]) == 0.25
    assert scoring.brier([0.2], [1]) == pytest.approx(0.64)


def test_log_score_clips_point_forecasts():
    assert scoring.log_score([0.0], [1]) == pytest.approx(-math.log(scoring.EPS))
    assert scoring.log_score([0.5], [0]) == pytest.approx(math.log(2))


def test_brier_is_proper():
    """The expected Brier score under rate q is smallest when forecasting q itself."""
    q = 0.3
    grid = np.linspace(0, 1, 101)
    expected = [q * (p - 1) ** 2 + (1 - q) * p**2 for p in grid]
    assert grid[int(np.argmin(expected))] == pytest.approx(q)


def test_rps_perfect_and_worst():
    assert scoring.rps([[1, 0, 0]], [0]) == 0.0
    assert scoring.rps([[0, 0, 1]], [0]) == 2.0
    assert scoring.rps([[0.5, 0.5, 0.0]], [1]) == pytest.approx(0.25)


def test_categories_caps_the_last():
    assert list(scoring.categories([0, 1, 2, 5], 3)) == [0, 1, 2, 2]


def test_skill():
    assert scoring.skill(0.1, 0.2) == pytest.approx(0.5)
    assert scoring.skill(0.3, 0.2) == pytest.approx(-0.5)
    assert math.isnan(scoring.skill(0.1, 0.0))


def test_reliability_bins():
    rel = scoring.reliability([0.1, 0.15, 0.9, 0.95], [0, 1, 1, 1], bins=5)
    assert [r[4] for r in rel] == [2, 2]
    assert rel[0][3] == 0.5 and rel[1][3] == 1.0


@pytest.mark.parametrize(
    "p, y",
    [([0.5], [1, 0]), ([1.2], [1]), ([0.5], [2]), ([], [])],
)
def test_bad_input_is_one_line_error(p, y):
    with pytest.raises(ValueError) as err:
        scoring.brier(p, y)
    assert "\n" not in str(err.value)
