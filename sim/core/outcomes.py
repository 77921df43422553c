"""The five outcomes, and how a round's hazards become one."""

from __future__ import annotations

from sim.core.world import State

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
