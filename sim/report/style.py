"""One look for every figure: colours per outcome and per actor, calendar axes.

Outcome colours are the Okabe-Ito palette, actor colours Paul Tol's muted
scheme; both stay distinguishable under the common colour-vision deficiencies.
"""

from __future__ import annotations

OUTCOME_COLORS = {
    "talks": "#009E73",
    "war": "#D55E00",
    "nuclear_war": "#000000",
    "collapse": "#E69F00",
    "standoff": "#999999",
}
OUTCOME_LABELS = {
    "talks": "Freeze talks",
    "war": "War",
    "nuclear_war": "Nuclear war",
    "collapse": "Regime collapse",
    "standoff": "Standoff",
}
ACTOR_COLORS = {"us": "#332288", "china": "#CC6677", "russia": "#88CCEE", "dprk": "#999933"}
ACTOR_LABELS = {"us": "United States", "china": "China", "russia": "Russia", "dprk": "DPRK"}

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(round_: int, start: str = "2017-08") -> str:
    """Calendar month of a round: round 1 is the `start` month ('Aug 2017')."""
    year, month = (int(x) for x in start.split("-"))
    index = year * 12 + (month - 1) + (round_ - 1)
    return f"{MONTHS[index % 12]} {index // 12}"
