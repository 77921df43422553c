"""The five outcomes, how a round's hazards become one, and their statistics."""

from __future__ import annotations

import math

from .world import State

TALKS, WAR, NUCLEAR_WAR, COLLAPSE, STANDOFF = "talks", "war", "nuclear_war", "collapse", "standoff"
OUTCOMES = (TALKS, WAR, NUCLEAR_WAR, COLLAPSE, STANDOFF)


def draw(x: State, u: float) -> str | None:
    """The absorbing outcome this round ends in, if any, given one uniform draw.

    Talks agreed this round come first. Otherwise nuclear war, war and collapse
    compete for the same draw in proportion to their hazards (scaled down
    together if they sum past 1).
    """
    if x.us_accepts and x.dprk_accepts:
        return TALKS
    total = x.nuclear_hazard + x.war_hazard + x.collapse_hazard
    scale = 1.0 if total <= 1.0 else 1.0 / total
    edge = x.nuclear_hazard * scale
    if u < edge:
        return NUCLEAR_WAR
    edge += x.war_hazard * scale
    if u < edge:
        return WAR
    edge += x.collapse_hazard * scale
    if u < edge:
        return COLLAPSE
    return None


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95% Wilson score interval for k successes in n trials."""
    if n == 0:
        return (0.0, 1.0)
    phat = k / n
    denom = 1.0 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    # At k = 0 or k = n the bound is exactly 0 or 1; the closed form leaves rounding dust.
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return (lo, hi)
