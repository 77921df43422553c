"""The escalation ladder: every move an actor can make, with its codes.

Each move has a rung on one shared ordinal ladder, a CAMEO event code with
its Goldstein score (so simulated series can be set beside GDELT/ICEWS event
data), and an escalation score in the style of Rivera et al. (2024):
de-escalation -2, status quo 0, posturing 4, non-violent escalation 12,
violent escalation 28, nuclear 60.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DE_ESCALATION, STATUS_QUO, POSTURING, NONVIOLENT, VIOLENT, NUCLEAR = -2, 0, 4, 12, 28, 60

ESCALATION_CLASSES = {
    DE_ESCALATION: "de-escalation",
    STATUS_QUO: "status quo",
    POSTURING: "posturing",
    NONVIOLENT: "non-violent escalation",
    VIOLENT: "violent escalation",
    NUCLEAR: "nuclear",
}

# Rungs, lowest to highest. A rung orders moves across actors; the escalation
# score says how large the step is.
# Coercion by rung: none up to the status quo, then rising with each rung.
COERCION = (0.0, 0.0, 0.0, 0.1, 0.25, 0.4, 0.55, 0.7, 1.0, 1.0)

RUNGS = (
    "concession",  # 0
    "diplomatic overture",  # 1
    "status quo",  # 2
    "verbal pressure",  # 3
    "military posture",  # 4
    "explicit threat",  # 5
    "show of force / missile test",  # 6
    "strategic test",  # 7
    "use of force",  # 8
)


@dataclass(frozen=True, slots=True)
class Move:
    """One entry of an actor's menu."""

    name: str
    actor: str
    rung: int
    cameo: str
    goldstein: float
    escalation: int
    description: str
    coercion: float = field(init=False)  # 0 at or below the status quo, 1 for force

    def __post_init__(self):
        object.__setattr__(self, "coercion", COERCION[self.rung])


def _menu(actor: str, *rows: tuple) -> dict[str, Move]:
    return {row[0]: Move(row[0], actor, *row[1:]) for row in rows}


US = _menu(
    "us",
    ("offer_talks", 1, "036", 4.0, DE_ESCALATION, "express intent to negotiate directly"),
    ("hold", 2, "010", 0.0, STATUS_QUO, "statement, no change of course"),
    ("suspend_exercises", 0, "087", 9.0, DE_ESCALATION, "suspend US-ROK joint exercises"),
    ("exercises", 4, "150", -7.2, POSTURING, "hold US-ROK joint exercises"),
    ("show_of_force", 6, "154", -7.2, POSTURING, "bomber overflights, carrier deployment"),
    ("threaten", 5, "138", -7.0, POSTURING, "threaten military force"),
    ("strike", 8, "195", -10.0, VIOLENT, "limited strike on DPRK sites"),
)
CHINA = _menu(
    "china",
    ("propose_freeze", 1, "039", 5.0, DE_ESCALATION, "freeze-for-freeze proposal"),
    ("hold", 2, "010", 0.0, STATUS_QUO, "statement, no change of course"),
    ("urge_restraint", 1, "0256", -0.3, DE_ESCALATION, "appeal to all sides to de-escalate"),
    ("border_alert", 4, "152", -7.2, POSTURING, "raise alert on the DPRK border"),
)
RUSSIA = _menu(
    "russia",
    ("urge_talks", 1, "026", 4.0, DE_ESCALATION, "urge direct US-DPRK talks"),
    ("hold", 2, "010", 0.0, STATUS_QUO, "back seat"),
    ("back_china", 2, "051", 3.4, STATUS_QUO, "endorse China's line"),
    ("warn_us", 3, "111", -2.0, STATUS_QUO, "criticise US escalation"),
)
DPRK = _menu(
    "dprk",
    ("offer_talks", 1, "036", 4.0, DE_ESCALATION, "signal readiness for freeze talks"),
    ("hold", 2, "010", 0.0, STATUS_QUO, "no test, no new threat"),
    ("threaten", 5, "138", -7.0, POSTURING, "threaten US or allied territory"),
    ("missile_test", 6, "150", -7.2, NONVIOLENT, "short or medium range missile test"),
    ("icbm_test", 7, "150", -7.2, NONVIOLENT, "ICBM test"),
    ("nuclear_test", 7, "150", -7.2, NONVIOLENT, "underground nuclear test"),
    ("attack", 8, "190", -10.0, VIOLENT, "conventional attack on the ROK or US forces"),
)

MENUS: dict[str, dict[str, Move]] = {"us": US, "china": CHINA, "russia": RUSSIA, "dprk": DPRK}
ACTORS: tuple[str, ...] = tuple(MENUS)
TESTS = ("missile_test", "icbm_test", "nuclear_test")
NUCLEAR_USE = Move("nuclear_use", "any", 9, "2042", -10.0, NUCLEAR, "nuclear detonation")


def all_moves() -> list[Move]:
    return [m for menu in MENUS.values() for m in menu.values()]


# What happened just before round 1 (August 2017): "fire and fury" from the US,
# the Guam threat from the DPRK, China and Russia on the sidelines.
OPENING_MOVES = (US["threaten"], CHINA["hold"], RUSSIA["hold"], DPRK["threaten"])

# The Security Council's events, coded like the moves: each permanent member's answer
# to a draft (directed at the UN), and an adopted resolution (the UN against the DPRK).
VOTE_MOVES: dict[str, Move] = _menu(
    "council",
    ("yes", 2, "051", 3.4, STATUS_QUO, "vote for the draft resolution"),
    ("soften", 3, "025", -0.3, STATUS_QUO, "ask for the draft to be watered down"),
    ("veto", 3, "129", -5.0, STATUS_QUO, "veto the draft resolution"),
)
RESOLUTION = Move(
    "resolution_adopted", "unsc", 4, "163", -8.0, NONVIOLENT, "sanctions resolution adopted"
)
