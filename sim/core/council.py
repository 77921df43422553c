"""The UN Security Council: a US draft, China's and Russia's answers.

Each permanent member answers `yes`, `soften` or `veto`. A veto kills the
draft. A request to soften waters the draft down by a fixed share and puts it
to the vote again, until everyone says yes (adopted) or the softenings run
out or the draft becomes too weak to matter (it fails).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sim.core.params import CouncilParams

VOTES = ("yes", "soften", "veto")

# China answers (strength, softened strength); Russia also hears China's answer.
ChinaVote = Callable[[float, float], str]
RussiaVote = Callable[[float, float, str], str]


class Resolution(NamedTuple):
    drafted: float  # strength as tabled
    adopted: float  # strength adopted, 0.0 if the draft failed
    china_vote: str
    russia_vote: str
    softenings: int


NO_DRAFT = Resolution(0.0, 0.0, "", "", 0)


def deliberate(
    strength: float, china: ChinaVote, russia: RussiaVote, council: CouncilParams
) -> Resolution:
    """Put a draft to the vote; return what, if anything, is adopted."""
    drafted = strength
    for softenings in range(council.max_soften_rounds + 1):
        softened = strength * (1.0 - council.soften_factor)
        c = china(strength, softened)
        r = russia(strength, softened, c)
        if c == "veto" or r == "veto":
            return Resolution(drafted, 0.0, c, r, softenings)
        if c == "yes" and r == "yes":
            return Resolution(drafted, strength, c, r, softenings)
        if softenings == council.max_soften_rounds or softened < council.min_strength:
            break
        strength = softened
    return Resolution(drafted, 0.0, c, r, softenings)
