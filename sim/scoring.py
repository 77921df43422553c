"""Proper scoring rules for probability forecasts, and their skill scores. Pure functions.

- Brier score: mean of (p - y)^2 for a binary event; 0 is perfect, lower is better.
- Log score: mean of -log p(observed), natural log, with p clipped to [EPS, 1 - EPS] so
  that a point forecast (persistence) that misses costs -log(EPS) instead of infinity.
- Ranked probability score (RPS) for ordered categories (counts binned 0, 1, ..., K+):
  the sum over thresholds of squared differences between the forecast and observed
  cumulative distributions, here not divided by K-1; lower is better.
- Skill score against a reference: 1 - S / S_ref (1 perfect, 0 no better, < 0 worse).
- Reliability: forecasts binned by probability; per bin the mean forecast, the observed
  frequency and the count.
"""

from __future__ import annotations

import numpy as np

EPS = 0.01  # clip of probabilities for the log score (documented in docs/calibration.md)


def brier(p, y) -> float:
    return float(np.mean(brier_each(p, y)))


def brier_each(p, y) -> np.ndarray:
    """The Brier score of each forecast (their mean is `brier`)."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    _check(p, y)
    return (p - y) ** 2


def log_score(p, y, eps: float = EPS) -> float:
    return float(np.mean(log_each(p, y, eps)))


def log_each(p, y, eps: float = EPS) -> np.ndarray:
    """The log score of each forecast (their mean is `log_score`)."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    _check(p, y)
    q = np.clip(p, eps, 1.0 - eps)
    return -(y * np.log(q) + (1.0 - y) * np.log(1.0 - q))


def rps(probs, observed) -> float:
    """Mean RPS of forecasts ``probs`` (n, K) over ordered categories against ``observed``
    category indices (n,)."""
    return float(np.mean(rps_each(probs, observed)))


def rps_each(probs, observed) -> np.ndarray:
    """The RPS of each forecast (their mean is `rps`)."""
    probs = np.asarray(probs, float)
    obs = np.asarray(observed, int)
    if probs.ndim != 2 or len(probs) != len(obs):
        raise ValueError("rps: probs must be (n, K) and observed (n,)")
    if len(obs) == 0:
        raise ValueError("rps: no forecasts to score")
    k = probs.shape[1]
    if obs.min() < 0 or obs.max() >= k:
        raise ValueError(f"rps: observed categories must lie in 0..{k - 1}")
    onehot = np.eye(k)[obs]
    cf, co = np.cumsum(probs, axis=1), np.cumsum(onehot, axis=1)
    return np.sum((cf - co)[:, :-1] ** 2, axis=1)


def categories(counts, k: int) -> np.ndarray:
    """Counts as category indices 0..k-1, the last category holding k-1 or more."""
    return np.minimum(np.asarray(counts, int), k - 1)


def skill(score: float, reference: float) -> float:
    """1 - score / reference; NaN when the reference scores 0 (nothing to beat)."""
    return float("nan") if reference == 0 else 1.0 - score / reference


def reliability(p, y, bins: int = 5) -> list[tuple[float, float, float, float, int]]:
    """(bin low, bin high, mean forecast, observed frequency, n) for each non-empty bin."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    _check(p, y)
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        sel = idx == b
        if sel.any():
            out.append(
                (edges[b], edges[b + 1], float(p[sel].mean()), float(y[sel].mean()), int(sel.sum()))
            )
    return out


def _check(p: np.ndarray, y: np.ndarray) -> None:
    if p.shape != y.shape:
        raise ValueError(f"forecasts {p.shape} and outcomes {y.shape} differ in shape")
    if p.size == 0:
        raise ValueError("no forecasts to score")
    if np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
        raise ValueError("probabilities must lie in [0, 1]")
    if np.any((y != 0) & (y != 1)):
        raise ValueError("outcomes must be 0 or 1")
