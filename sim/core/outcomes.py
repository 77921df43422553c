"""The five outcomes, and how a round's hazards become one (the rule is `kernels.draw`)."""

from __future__ import annotations

from sim.core import kernels as K
from sim.core.world import State

TALKS, WAR, NUCLEAR_WAR, COLLAPSE, STANDOFF = K.OUTCOMES
OUTCOMES = K.OUTCOMES


def draw(x: State, u: float) -> str | None:
    """The absorbing outcome this round ends in, if any, given one uniform draw.

    Talks agreed this round come first. Otherwise nuclear war, war and collapse
    compete for the same draw in proportion to their hazards (scaled down
    together if they sum past 1).
    """
    code = K.draw(K.state_array(x), u)
    return None if code == K.NONE else OUTCOMES[code]
