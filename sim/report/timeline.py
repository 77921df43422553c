"""Swim-lane timeline of one representative run: who did what each month, and how it ended.

One lane per actor holds a cell per month, shaded by the move's escalation
class and labelled with the move; a Security Council lane shows each draft's
strength, what was adopted, and China's and Russia's votes. The month the run
ended is marked in the outcome's colour.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sim import stats
from sim.core.ladder import ACTORS, ESCALATION_CLASSES, MENUS
from sim.io.run import Run
from sim.report import style
from sim.report.document import Figure
from sim.report.figures import _figure, _label

SHORT = {
    "offer_talks": "offer\ntalks",
    "hold": "hold",
    "suspend_exercises": "suspend\nexerc.",
    "exercises": "exer-\ncises",
    "show_of_force": "show of\nforce",
    "threaten": "threat",
    "strike": "STRIKE",
    "propose_freeze": "freeze\nplan",
    "urge_restraint": "urge\nrestraint",
    "border_alert": "border\nalert",
    "urge_talks": "urge\ntalks",
    "back_china": "back\nChina",
    "warn_us": "warn\nUS",
    "missile_test": "missile\ntest",
    "icbm_test": "ICBM\ntest",
    "nuclear_test": "nuclear\ntest",
    "attack": "ATTACK",
}
VOTE_MARKERS = {"yes": ("o", "full"), "soften": ("o", "none"), "veto": ("X", "full")}
DARK = {12, 28, 60}  # escalation classes drawn dark enough to need white text


def _escalation(actor: str, move: str) -> int | None:
    m = MENUS.get(actor, {}).get(move)
    return None if m is None else m.escalation


def timeline(run: Run, outdir: Path, formats) -> Figure:
    seed = stats.representative_seed(run.outcomes)
    row = run.outcomes.loc[run.outcomes["seed"] == seed].iloc[0]
    t = run.trajectory(seed)  # that run's rows only: memory does not grow with seeds
    R = run.rounds
    months = t["round"].to_numpy()

    width = max(9.0, 0.5 * R + 2.2)
    fig, (a_top, ax) = style.subplots(
        2,
        1,
        figsize=(width, 6.0),
        sharex=True,
        gridspec_kw={"height_ratios": [1, 3.4]},
        layout=None,
    )
    a_top.plot(months, t["tension"], color=style.NEUTRAL, lw=1.6, marker="o", ms=2.5)
    a_top.set_ylim(0, 1)
    a_top.set_ylabel("Tension\n(index, 0-1)")
    a_top.grid(axis="x", visible=False)

    lanes = [*ACTORS, "council"]
    y_of = {lane: len(lanes) - 1 - i for i, lane in enumerate(lanes)}
    for actor in ACTORS:
        y = y_of[actor]
        for r, move in zip(months, t[f"{actor}_move"], strict=True):
            if move is None or move != move:
                continue
            esc = _escalation(actor, move)
            shade = style.ESCALATION_SHADES.get(esc, "#FFFFFF")
            ax.add_patch(
                Rectangle(
                    (r - 0.46, y + 0.08),
                    0.92,
                    0.84,
                    fc=shade,
                    ec="#999999",
                    lw=0.4,
                    in_layout=False,
                )
            )
            ax.text(
                r,
                y + 0.5,
                SHORT.get(move, move),
                ha="center",
                va="center",
                fontsize=5.6,
                linespacing=0.95,
                color="white" if esc in DARK else "black",
                in_layout=False,  # inside its cell: the layout need not measure it
            )
    # Security Council lane: draft strength (outline), adopted strength (fill), votes on top.
    yc = y_of["council"]
    drafted, adopted = t["resolution_drafted"].to_numpy(), t["resolution_adopted"].to_numpy()
    top = max(0.5, float(np.nanmax(drafted)) if np.isfinite(drafted).any() else 0.5)
    scale = 0.55 / top
    for r, d, a in zip(months, drafted, adopted, strict=True):
        if np.isfinite(d):
            ax.add_patch(
                Rectangle(
                    (r - 0.3, yc + 0.06), 0.6, d * scale, fc="white", ec=style.NEUTRAL, lw=0.8
                )
            )
        if np.isfinite(a):
            ax.add_patch(Rectangle((r - 0.3, yc + 0.06), 0.6, a * scale, fc=style.NEUTRAL, lw=0))
    for actor, dx in (("china", -0.18), ("russia", 0.18)):
        for r, vote in zip(months, t[f"{actor}_vote"], strict=True):
            if vote in VOTE_MARKERS:
                marker, fill = VOTE_MARKERS[vote]
                ax.plot(
                    r + dx,
                    yc + 0.8,
                    marker=marker,
                    fillstyle=fill,
                    color=style.ACTOR_COLORS[actor],
                    ms=5,
                    mew=1.2,
                    ls="none",
                )

    # How the run ended.
    outcome = row["outcome"]
    color = style.OUTCOME_COLORS.get(outcome, style.NEUTRAL)
    end = int(row["outcome_round"]) if row["outcome_round"] == row["outcome_round"] else None
    when = style.when(end, run.start)
    if end == 0:  # talks in force since before round 1, held to the horizon
        for a in (a_top, ax):
            a.axvline(R + 0.5, color=color, lw=2.2)
        ended = f"{_label(outcome)} in force since before the start, at the horizon"
    elif end is not None and outcome == "talks":  # talks do not end a run: the rounds go on
        for a in (a_top, ax):
            a.axvline(end + 0.5, color=color, lw=2.2)
        ended = f"{_label(outcome)} in force from {when} to the horizon"
    elif end is not None:
        for a in (a_top, ax):
            a.axvline(end + 0.5, color=color, lw=2.2)
        if end < R:
            ax.add_patch(
                Rectangle((end + 0.5, -0.1), R - end, len(lanes) + 0.2, fc="#F4F4F4", ec="none")
            )
            ax.text(
                (end + R + 1) / 2,
                len(lanes) / 2,
                "run ended",
                ha="center",
                va="center",
                color="#888888",
                fontsize=9,
                rotation=90 if R - end < 3 else 0,
            )
        ended = f"ends in {_label(outcome)}, {when}"
    else:
        for a in (a_top, ax):
            a.axvline(R + 0.5, color=color, lw=2.2)
        ended = f"{_label(outcome)} at the horizon"

    ax.set_ylim(-0.1, len(lanes) + 0.1)
    ax.set_yticks([y_of[lane] + 0.5 for lane in lanes])
    ax.set_yticklabels(
        [style.ACTOR_LABELS[a] for a in ACTORS] + ["UN Security\nCouncil"], fontsize=8.5
    )
    for lab, lane in zip(ax.get_yticklabels(), lanes, strict=True):
        # A chip in the actor's colour; text dark or white for contrast with it.
        fill = style.ACTOR_COLORS.get(lane, "#FFFFFF")
        lab.set_color("white" if style.is_dark(fill) else "black")
        lab.set_bbox({"boxstyle": "round,pad=0.3", "fc": fill, "ec": "#BBBBBB", "lw": 0.5})
    ax.grid(False)
    ax.tick_params(axis="y", length=0)
    for lane in lanes[1:]:
        ax.axhline(y_of[lane] + 1, color="#CCCCCC", lw=0.6)
    style.time_axis(ax, R, run.start)
    style.time_axis(a_top, R, run.start, label=False)

    classes = sorted({m.escalation for menu in MENUS.values() for m in menu.values()})
    handles = [
        Patch(fc=style.ESCALATION_SHADES[c], ec="#999999", label=ESCALATION_CLASSES[c].capitalize())
        for c in classes
    ]
    handles += [
        Patch(fc="white", ec=style.NEUTRAL, label="Draft strength"),
        Patch(fc=style.NEUTRAL, label="Adopted strength"),
    ]
    for vote, (marker, fill) in VOTE_MARKERS.items():
        handles.append(
            Line2D(
                [],
                [],
                marker=marker,
                fillstyle=fill,
                color="#555555",
                ls="none",
                label=f"Vote: {vote}",
            )
        )
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            color=style.ACTOR_COLORS[a],
            ls="none",
            label=f"{style.ACTOR_LABELS[a]} vote",
        )
        for a in ("china", "russia")
    ]
    handles.append(Line2D([], [], color=color, lw=2.2, label=f"Outcome: {_label(outcome)}"))
    fig.legend(handles=handles, loc="lower center", ncol=7, fontsize=7.5)
    style.place(
        fig,
        left=0.92,
        right=0.06,
        top=0.34,
        bottom=1.02,
        hspace=0.15,
        title=f"Representative run: {run.scenario}, seed {seed} of N = {run.seeds:,} ({ended})",
    )
    caption = (
        f"Moves of each actor per month in seed {seed}, a run with the most common outcome, "
        "nearest its median month; cells are shaded by escalation class."
    )
    return _figure(fig, outdir, "timeline", formats, caption)
