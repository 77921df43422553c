"""The five outcomes, and how a round's hazards become one (the rule is `kernels.draw`).

The names need no numba: the report and the statistics import them without the kernels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.core.world import State

OUTCOMES = ("talks", "war", "nuclear_war", "collapse", "standoff")
TALKS, WAR, NUCLEAR_WAR, COLLAPSE, STANDOFF = OUTCOMES


def draw(x: State, u: float) -> str | None:
    """The absorbing outcome this round ends in, if any, given one uniform draw.

    Talks agreed this round come first. Otherwise nuclear war, war and collapse
    compete for the same draw in proportion to their hazards (scaled down
    together if they sum past 1).
    """
    from sim.core import kernels as K

    code = K.draw(K.state_array(x), u)
    return None if code == K.NONE else OUTCOMES[code]
