"""The UN Security Council: a US draft, China's and Russia's answers.

Each permanent member answers `yes`, `soften` or `veto`. A veto kills the
draft. A request to soften waters the draft down by a fixed share and puts it
to the vote again, until everyone says yes (adopted) or the softenings run
out or the draft becomes too weak to matter (it fails). What follows each
vote is `kernels.council_verdict`; this loop only asks the voters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sim.core import kernels as K
from sim.core.params import CouncilParams

VOTES = K.VOTES
_CODE = {v: i for i, v in enumerate(VOTES)}

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
    softenings = 0
    while True:
        softened = K.soften(strength, council.soften_factor)
        c = china(strength, softened)
        r = russia(strength, softened, c)
        verdict = K.council_verdict(
            _CODE[c],
            _CODE[r],
            softenings,
            softened,
            council.max_soften_rounds,
            council.min_strength,
        )
        if verdict != K.SOFTEN:
            return Resolution(drafted, strength if verdict == K.ADOPT else 0.0, c, r, softenings)
        strength = softened
        softenings += 1
