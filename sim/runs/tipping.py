"""Where the odds of war overtake the odds of talks along a one-parameter sweep.

War counts `war` and `nuclear_war` together: either ends the crisis in
fighting. Along the grid x_1 < ... < x_J let d_j = P(war) - P(talks). The
tipping point is the lowest x at which war's odds reach talks': the first
upward crossing of zero, interpolated linearly between the two grid values
that bracket it.

Its 95% interval is a percentile bootstrap over seeds. Every job ran the same
seeds (common random numbers), so one resample of seed indices is applied to
all grid values at once, which keeps the correlation between neighbouring
points that makes the crossing sharp. A resample in which war never reaches
talks inside the grid places its crossing beyond the upper end (one where war
leads from the first value, beyond the lower end), so an interval that reaches
past the grid says so instead of being cut short.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from sim import stats
from sim.core.outcomes import NUCLEAR_WAR, OUTCOMES, TALKS, WAR

WAR_LIKE = (WAR, NUCLEAR_WAR)
RESAMPLES = 2000


def crossing(x: np.ndarray, d: np.ndarray) -> float:
    """First x where d reaches 0 from below; -inf if d[0] >= 0, +inf if it never does."""
    if d[0] >= 0:
        return -math.inf
    up = np.flatnonzero((d[:-1] < 0) & (d[1:] >= 0))
    if up.size == 0:
        return math.inf
    i = up[0]
    return float(x[i] + (x[i + 1] - x[i]) * (-d[i]) / (d[i + 1] - d[i]))


def _bound(q: float) -> float | None:
    return None if math.isinf(q) else round(q, 6)


def analyse(key: str, x, p_war, p_talks, diff=None, seed: int = 0) -> dict:
    """The tipping point along `key` from each grid value's P(war) and P(talks).

    `diff` (seeds, grid) holds each seed's war-minus-talks indicator when all
    grid values ran the same seeds; only then is there a paired interval.
    """
    order = np.argsort(x, kind="stable")
    x = np.asarray(x, float)[order]
    p_war, p_talks = np.asarray(p_war, float)[order], np.asarray(p_talks, float)[order]
    estimate = crossing(x, p_war - p_talks)
    result = {
        "parameter": key,
        "war_counts": list(WAR_LIKE),
        "grid": x.tolist(),
        "p_war": p_war.round(6).tolist(),
        "p_talks": p_talks.round(6).tolist(),
        "status": (
            "crossing"
            if math.isfinite(estimate)
            else ("war_leads_at_start" if estimate < 0 else "no_crossing")
        ),
        "estimate": _bound(estimate),
        "interval": None,
        "interval_method": None,
        "seeds": None,
        "resamples_beyond_grid": None,
    }
    if diff is not None and diff.shape[0] > 1:
        diff = np.asarray(diff, float)[:, order]
        boot = stats.paired_bootstrap(diff, seed, lambda mean: crossing(x, mean), RESAMPLES)
        lo, hi = np.quantile(boot, [0.025, 0.975], method="inverted_cdf")
        result["interval"] = [_bound(lo), _bound(hi)]
        result["seeds"] = int(diff.shape[0])
        result["interval_method"] = (
            f"95% percentile bootstrap, {RESAMPLES} resamples of the {diff.shape[0]} seeds "
            "shared by every grid value (paired through common random numbers)"
        )
        result["resamples_beyond_grid"] = round(float(np.mean(np.isinf(boot))), 6)
    result["statement"] = statement(result)
    return result


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def statement(r: dict) -> str:
    """One sentence a reader can quote, including when there is no tipping point."""
    key, grid = r["parameter"], r["grid"]
    war = "P(war) (war or nuclear war)"
    if r["status"] == "no_crossing":
        gap = np.subtract(r["p_war"], r["p_talks"])
        j = int(np.argmax(gap))
        return (
            f"Within {key} from {_fmt(grid[0])} to {_fmt(grid[-1])}, {war} stays below "
            f"P(talks): no tipping point on this grid (closest at {key} = {_fmt(grid[j])}, "
            f"where P(war) - P(talks) = {gap[j]:+.3f})."
        )
    if r["status"] == "war_leads_at_start":
        return (
            f"{war} is already at or above P(talks) at the lowest value, {key} = "
            f"{_fmt(grid[0])}: any tipping point lies below this grid."
        )
    text = f"{war} overtakes P(talks) at {key} = {_fmt(r['estimate'])}"
    if r["interval"] is None:
        return text + " (no interval: the grid values did not share their seeds)."
    lo, hi = r["interval"]
    lo_s = _fmt(lo) if lo is not None else f"below {_fmt(grid[0])} (the grid's start)"
    hi_s = _fmt(hi) if hi is not None else f"beyond {_fmt(grid[-1])} (the grid's end)"
    return f"{text} (95% CI {lo_s} to {hi_s}; paired bootstrap over {r['seeds']} seeds)."


def of_table(table: pa.Table, meta: dict, outcomes: np.ndarray | None) -> dict | None:
    """The tipping point of a sweep of one numeric parameter; None for any other sweep.

    `outcomes` holds each seed's outcome (index into OUTCOMES), shape (seeds,
    jobs), or None when the jobs did not share their seeds.
    """
    swept = meta["swept"]
    if len(swept) != 1 or table.num_rows < 2:
        return None
    key = swept[0]
    kind = table.schema.field(key).type
    if not (pa.types.is_floating(kind) or pa.types.is_integer(kind)):
        return None
    col = table.to_pydict()
    seeds = np.asarray(col["seeds"], float)
    p_war = np.add(*(col[f"n_{o}"] for o in WAR_LIKE)) / seeds
    p_talks = np.asarray(col[f"n_{TALKS}"]) / seeds
    diff = None
    if outcomes is not None:
        war = np.isin(outcomes, [OUTCOMES.index(o) for o in WAR_LIKE])
        diff = war.astype(float) - (outcomes == OUTCOMES.index(TALKS))
    return analyse(key, col[key], p_war, p_talks, diff, meta["base_seed"])
