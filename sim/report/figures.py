"""The report's figures. Each function draws one figure from loaded runs and saves it.

Every function takes the runs to draw (one, or one per scenario side by
side), the figure directory and the file formats, and returns the document
`Figure` with its one-line caption. Colours come from `style` only: one per
outcome, one per actor, the same in every figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim import stats
from sim.io.run import Run
from sim.report import style
from sim.report.document import Figure

PCT = 100.0


def _n(runs: list[Run]) -> str:
    """'N = 500' or, for several runs, 'N = 500 each' / 'N = 300-500'."""
    ns = sorted({r.seeds for r in runs})
    if len(ns) == 1:
        return f"N = {ns[0]:,} runs" + (" each" if len(runs) > 1 else "")
    return f"N = {ns[0]:,}-{ns[-1]:,} runs"


def _title(what: str, runs: list[Run]) -> str:
    names = ", ".join(r.scenario for r in runs)
    return f"{what}: {names} ({_n(runs)})"


def save_figure(fig, outdir: Path, name: str, formats, caption: str) -> Figure:
    """Save `fig` in every format and return it as a captioned document Figure."""
    paths = style.save(fig, outdir, name, formats)
    others = [p for fmt, p in paths.items() if fmt != "png"]
    return Figure(paths["png"], caption, others)


# Short names used across the report modules.
_figure, _label, _color = save_figure, style.outcome_label, style.outcome_color


def _panel_title(ax, run: Run, runs: list[Run]) -> None:
    """Name the scenario over each panel when several sit side by side."""
    if len(runs) > 1:
        ax.set_title(f"{run.scenario} (N = {run.seeds:,})")


# --- Outcome probabilities ------------------------------------------------------------------

HALO = patheffects.Stroke(linewidth=3, foreground="white")
LABEL_ROOM = 12.0  # percentage points a value label needs right of its whisker


def _value_label(ax, y: float, p: float, lo: float, hi: float, fill: str) -> None:
    """The bar's value right of its whisker, or inside the bar when that would pass 100%."""
    if hi + LABEL_ROOM <= 100:
        ax.text(hi + 2, y, f"{p:.1f}%", va="center", fontsize=7.5, color="#222222")
        return
    color = "white" if style.is_dark(fill) else "black"
    ax.text(lo - 2, y, f"{p:.1f}%", va="center", ha="right", fontsize=7.5, color=color)


def outcome_odds(runs: list[Run], outdir: Path, formats) -> Figure:
    """Horizontal bars of each outcome's probability with its 95% Wilson interval."""
    caption = (
        f"Probability of each outcome by the horizon ({runs[0].rounds} months) with its 95% "
        "Wilson score interval, as in summary.json."
    )
    return _figure(draw_outcome_odds(runs), outdir, "outcome_odds", formats, caption)


def draw_outcome_odds(runs: list[Run]):
    """The outcome-odds figure (matplotlib), on a 0-100% axis."""
    names = runs[0].outcome_names
    k = len(runs)
    fig, axes = style.subplots(
        1,
        k,
        figsize=(max(6.5, 2.4 * k + 1.4), 0.42 * len(names) + 1.9),
        sharey=True,
        squeeze=False,
    )
    y = np.arange(len(names))[::-1]
    for ax, run in zip(axes[0], runs, strict=True):
        rows = [run.summary["outcomes"][o] for o in names]
        p = np.array([r["probability"] for r in rows]) * PCT
        lo = np.array([r["ci_low"] for r in rows]) * PCT
        hi = np.array([r["ci_high"] for r in rows]) * PCT
        ax.barh(y, p, color=[_color(o) for o in names], height=0.65)
        bars = ax.errorbar(
            p, y, xerr=[p - lo, hi - p], fmt="none", ecolor="#222222", capsize=3, lw=1
        )
        for artist in (*bars.lines[1], *bars.lines[2]):  # a white halo: visible on dark bars
            artist.set_path_effects([HALO, patheffects.Normal()])
        for yi, pi, loi, hii, o in zip(y, p, lo, hi, names, strict=True):
            _value_label(ax, yi, pi, loi, hii, _color(o))
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel("Probability (% of runs)")
        ax.grid(axis="y", visible=False)
        _panel_title(ax, run, runs)
    axes[0][0].set_yticks(y, [_label(o) for o in names])
    axes[0][0].set_ylabel("Outcome at the horizon")
    handles = [Patch(color=_color(o), label=_label(o)) for o in names]
    handles.append(Line2D([], [], color="#222222", lw=1, marker="|", label="95% Wilson interval"))
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 3))
    fig.suptitle(_title("Outcome probabilities", runs))
    return fig


# --- Cumulative incidence -------------------------------------------------------------------


def cumulative_incidence(runs: list[Run], outdir: Path, formats) -> Figure:
    """Where the runs are by month: ended (stacked cumulative incidence) or in talks or not.

    Talks do not end a run, so they are drawn as a state that runs enter and leave;
    at the horizon the two talks states make the `talks` outcome, the grey the standoff.
    """
    k = len(runs)
    fig, axes = style.subplots(
        1,
        k,
        figsize=(max(7.5, 3.0 * k + 1.6), 4.0),
        sharey=True,
        squeeze=False,
    )
    names = runs[0].outcome_names
    ended = [o for o in names if o not in ("talks", "standoff")]
    order = [*ended, *stats.TALKS_UNDER_WAY, "standoff"]
    colors = {o: style.state_color(o) for o in order}
    labels = {o: style.state_label(o) for o in order}
    for ax, run in zip(axes[0], runs, strict=True):
        share = stats.state_by_month(run.outcomes, run.by_round.talks, run.rounds, run.seeds, names)
        x = np.arange(0.5, run.rounds + 1.5)
        ys = [np.append(share[o].to_numpy(), share[o].iloc[-1]) * PCT for o in order]
        ax.stackplot(
            x, ys, colors=[colors[o] for o in order], step="post", edgecolor="white", lw=0.3
        )
        ax.set_ylim(0, 100)
        ax.grid(False)
        style.time_axis(ax, run.rounds, run.start, label=False)
        _panel_title(ax, run, runs)
    axes[0][0].set_ylabel("Share of runs (%)")
    fig.supxlabel(style.time_label(runs[0].start), fontsize=9)
    handles = [Patch(color=colors[o], label=labels[o]) for o in reversed(order)]
    fig.legend(handles=handles, loc="outside right center")
    fig.suptitle(_title("Where the runs stand, month by month", runs))
    caption = (
        "Share of runs in each state at the end of each month: ended in war, nuclear war or "
        "collapse (cumulative, stacked at the bottom), or still in crisis with a freeze "
        "agreement in force, in negotiations, or with no talks (grey). Talks can open and "
        "break down, so runs move in and out of the green bands; at the last month the green "
        "bands are the talks outcome and the grey the standoff."
    )
    return _figure(fig, outdir, "cumulative_incidence", formats, caption)


# --- Fan charts -----------------------------------------------------------------------------


def _fan(ax, frame, color: str, label: str | None = None) -> None:
    """Median line with 50% and 90% bands from a stats.bands frame."""
    x = frame.index.to_numpy()
    ax.fill_between(x, frame["q05"], frame["q95"], color=color, alpha=0.18, lw=0)
    ax.fill_between(x, frame["q25"], frame["q75"], color=color, alpha=0.38, lw=0)
    ax.plot(x, frame["q50"], color=color, lw=1.8, label=label)


def _band_handles(color: str) -> list:
    return [
        Patch(color=color, alpha=0.5, label="50% band"),
        Patch(color=color, alpha=0.2, label="90% band"),
    ]


def _fan_handles(color: str, what: str = "Median") -> list:
    return [Line2D([], [], color=color, lw=1.8, label=what), *_band_handles(color)]


def _sparse_note(frames) -> str:
    if any((f["n"] < stats.MIN_AT_RISK).any() for f in frames):
        return f"; months with fewer than {stats.MIN_AT_RISK} runs in crisis are left blank"
    return ""


AT_RISK = "at-risk"  # gid of the at-risk counts under a panel
AT_RISK_DROP = -30  # points below the axis: under the two-line month ticks
UNDER_AT_RISK = 0.76  # inches under panels with at-risk counts: ticks, counts, month label


def at_risk(ax, frame) -> None:
    """Under a panel, as under a survival plot: how many runs are still in crisis at each
    tick, since the bands above are drawn over those runs only."""
    n = frame["n"]
    for t in ax.get_xticks():
        if int(t) in n.index:
            ax.annotate(
                f"{int(n.loc[int(t)]):,}",
                (t, 0),
                xycoords=("data", "axes fraction"),
                xytext=(0, AT_RISK_DROP),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7,
                color="#555555",
                gid=AT_RISK,
            )
    ax.annotate(
        "In crisis:",
        (0, 0),
        xycoords="axes fraction",
        xytext=(-6, AT_RISK_DROP),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=7,
        color="#555555",
    )


def _place_over_months(fig, run: Run, title: str, left, bottom, wspace, hspace=0.0) -> None:
    """Panels over the run's months, by fixed margins (style.place, inches): the figure's
    title above them and the month label under them all."""
    style.place(
        fig,
        left=left,
        right=0.06,
        top=0.5,
        bottom=bottom,
        wspace=wspace,
        hspace=hspace,
        title=_title(title, [run]),
        xlabel=style.time_label(run.start),
    )


def at_risk_counts(ax) -> dict[float, int]:
    """{tick: runs in crisis} as written under a panel by `at_risk` (for checks)."""
    return {
        float(a.xy[0]): int(a.get_text().replace(",", ""))
        for a in ax.texts
        if a.get_gid() == AT_RISK
    }


ESCALATION_PANELS = (
    ("tension", "Tension (index, 0-1)", (0, 1)),
    ("escalation_score", "Escalation score\n(points per month)", None),
)


def escalation_fan(runs: list[Run], outdir: Path, formats) -> Figure:
    """Fan chart of tension and of the escalation score, per scenario."""
    fig, frames = draw_escalation(runs)
    caption = (
        "Tension and escalation score (sum of the four actors' moves, Rivera et al. 2024 "
        "scale) per month: median with 50% and 90% bands over the runs still in crisis, whose "
        "number is written under each panel" + _sparse_note(frames) + "."
    )
    return _figure(fig, outdir, "escalation_fan", formats, caption)


def draw_escalation(runs: list[Run]):
    """The escalation fan chart and the band frames it draws."""
    k = len(runs)
    fig, axes = style.subplots(
        2,
        k,
        figsize=(max(7.0, 3.0 * k + 0.8), 5.4),
        sharex="col",
        sharey="row",
        squeeze=False,
    )
    frames = []
    for j, run in enumerate(runs):
        b = stats.bands(run.by_round, [c for c, _, _ in ESCALATION_PANELS], run.rounds)
        frames.extend(b.values())
        for i, (col, ylabel, ylim) in enumerate(ESCALATION_PANELS):
            ax = axes[i][j]
            _fan(ax, b[col], style.NEUTRAL)
            if ylim:
                ax.set_ylim(*ylim)
            if j == 0:
                ax.set_ylabel(ylabel)
            style.time_axis(ax, run.rounds, run.start, label=False)
        axes[1][j].axhline(0, color="#888888", lw=0.8, ls=":")
        at_risk(axes[1][j], b["tension"])
        _panel_title(axes[0][j], run, runs)
    fig.supxlabel(style.time_label(runs[0].start), fontsize=9)
    handles = _fan_handles(style.NEUTRAL, "Median over\nruns in crisis")
    fig.legend(handles=handles, loc="outside right center")
    fig.suptitle(_title("Escalation", runs))
    return fig, frames


# --- Security Council and sanctions ---------------------------------------------------------

# China and Russia told apart by line style and marker as well as colour.
ACTOR_LINES = {"china": ("-", "o"), "russia": ("--", "s")}
QUARTER = 3  # months pooled per point of a vote share: a month holds only 10-40 drafts


def _percent_top(ax, *series) -> None:
    """A percentage axis from 0 to just above the largest value (at least 10%)."""
    top = max([10.0] + [float(np.nanmax(s)) for s in series if np.isfinite(s).any()])
    ax.set_ylim(0, min(100.0, np.ceil(top * 1.25 / 10) * 10))


def vote_shares(run: Run, actor: str, vote: str) -> pd.DataFrame:
    """Per quarter: the share of tabled drafts on which `actor` cast `vote`, with its 95%
    Wilson interval; quarters with fewer than MIN_AT_RISK drafts are left out.

    Pooled from the streamed per-round counts, so memory does not grow with seeds."""
    t = run.by_round
    votes, drafted = t.votes[(actor, vote)][1:], t.drafted[1:]
    rows = []
    for q in range(0, len(drafted), QUARTER):
        drafts, k = int(drafted[q : q + QUARTER].sum()), int(votes[q : q + QUARTER].sum())
        if drafts < stats.MIN_AT_RISK:
            continue
        lo, hi = stats.wilson(k, drafts)
        rows.append((q + 1 + (QUARTER - 1) / 2, k / drafts, lo, hi, drafts))
    frame = pd.DataFrame(rows, columns=["month", "share", "low", "high", "drafts"])
    return frame.astype({"month": float, "share": float, "low": float, "high": float})


def draw_council(run: Run):
    """Security Council: drafts tabled and adopted, their strength, and China's and Russia's
    softening and vetoes as quarterly shares with intervals."""
    t = run.by_round  # streamed per-round statistics: memory does not grow with seeds
    R = run.rounds
    fig, axes = style.subplots(2, 2, figsize=(9.0, 6.4), sharex=True, layout=None)
    (a_tabled, a_strength), (a_soften, a_veto) = axes
    x = np.arange(1, R + 1)

    tabled_share = t.share(t.drafted) * PCT
    adopted_share = t.share(t.adopted) * PCT
    a_tabled.plot(x, tabled_share, color=style.NEUTRAL, ls="--", label="Draft tabled")
    a_tabled.plot(x, adopted_share, color=style.NEUTRAL, label="Draft adopted")
    _percent_top(a_tabled, tabled_share.to_numpy(), adopted_share.to_numpy())
    a_tabled.set_ylabel("Runs in crisis that month (%)")
    a_tabled.set_title("Drafts tabled and adopted")
    a_tabled.legend(loc="upper right")

    for total, count, ls, label in (
        (t.drafted_sum, t.drafted, "--", "Tabled"),
        (t.adopted_sum, t.adopted, "-", "Adopted"),
    ):
        a_strength.plot(
            x,
            t.mean(total, count),
            color=style.NEUTRAL,
            ls=ls,
            label=f"{label} (mean)",
        )
    a_strength.set_ylim(0, 1)
    a_strength.set_ylabel("Resolution strength (0-1)")
    a_strength.set_title("Strength of resolutions")
    a_strength.legend(loc="upper right")

    for ax, vote, title in ((a_soften, "soften", "softened"), (a_veto, "veto", "vetoed")):
        tops = []
        for actor, dx in (("china", -0.3), ("russia", 0.3)):
            v = vote_shares(run, actor, vote)
            ls, marker = ACTOR_LINES[actor]
            p, lo, hi = v["share"] * PCT, v["low"] * PCT, v["high"] * PCT
            ax.errorbar(
                v["month"] + dx,
                p,
                yerr=[p - lo, hi - p],
                color=style.ACTOR_COLORS[actor],
                ls=ls,
                marker=marker,
                ms=4.5,
                lw=1.4,
                elinewidth=0.9,
                capsize=2,
                label=style.ACTOR_LABELS[actor],
            )
            tops.append(hi.to_numpy())
        _percent_top(ax, *tops)
        ax.set_ylabel(f"Drafts {title} (% of drafts tabled)")
        ax.set_title(f"Drafts {title} by China and by Russia")
        ax.legend(loc="upper right")

    for ax in axes.flat:
        style.time_axis(ax, R, run.start, label=False)
    _place_over_months(
        fig, run, "Security Council", left=0.5, bottom=0.62, wspace=0.58, hspace=0.35
    )
    return fig


def council(run: Run, outdir: Path, formats) -> Figure:
    """The Security Council figure, saved."""
    caption = (
        "Share of runs in crisis with a draft tabled and adopted each month, and the drafts' "
        f"mean strength; below, the share of tabled drafts China (solid, circles) and Russia "
        f"(dashed, squares) softened or vetoed, pooled over {QUARTER} months with 95% Wilson "
        f"intervals (quarters with fewer than {stats.MIN_AT_RISK} drafts left out)."
    )
    return _figure(draw_council(run), outdir, "council", formats, caption)


def draw_sanctions(run: Run):
    """Sanctions level, China's and Russia's enforcement and the pressure on the DPRK, with
    the runs still in crisis counted under each panel; returns the figure and its bands."""
    t = run.by_round  # streamed per-round statistics: memory does not grow with seeds
    R = run.rounds
    fig, axes = style.subplots(1, 3, figsize=(9.6, 3.9), sharex=True, layout=None)
    a_level, a_enf, a_press = axes
    b = stats.bands(
        t, ["sanctions_level", "pressure", "china_enforcement", "russia_enforcement"], R
    )
    _fan(a_level, b["sanctions_level"], style.NEUTRAL)
    a_level.set_ylim(0, 1)
    a_level.set_ylabel("Sanctions level (0-1)")
    a_level.set_title("Sanctions level")
    a_level.legend(handles=_fan_handles(style.NEUTRAL), loc="lower right")

    for actor in ("china", "russia"):
        _fan(a_enf, b[f"{actor}_enforcement"], style.ACTOR_COLORS[actor], style.ACTOR_LABELS[actor])
        a_enf.lines[-1].set_linestyle(ACTOR_LINES[actor][0])
    a_enf.set_ylim(0, 1.04)  # a blockade (1.0) must stay visible
    a_enf.set_ylabel("Enforcement (0 none, 1 blockade)")
    a_enf.set_title("Enforcement by China and Russia")
    a_enf.legend(
        handles=[
            Line2D(
                [],
                [],
                color=style.ACTOR_COLORS[a],
                ls=ACTOR_LINES[a][0],
                lw=1.8,
                label=f"{style.ACTOR_LABELS[a]} (median)",
            )
            for a in ("china", "russia")
        ]
        + _band_handles("#888888"),
        loc="best",  # the medians sit anywhere from none to a blockade
    )

    _fan(a_press, b["pressure"], style.NEUTRAL)
    a_press.set_ylim(0, 1)
    a_press.set_ylabel("Effective pressure (0-1)")
    a_press.set_title("Pressure on the DPRK economy")
    a_press.legend(handles=_fan_handles(style.NEUTRAL), loc="upper right")

    for ax in axes:
        style.time_axis(ax, R, run.start, label=False)
        at_risk(ax, b["pressure"])
    _place_over_months(
        fig, run, "Sanctions and enforcement", left=0.56, bottom=UNDER_AT_RISK, wspace=0.6
    )
    return fig, b


def sanctions(run: Run, outdir: Path, formats) -> Figure:
    """The sanctions figure, saved."""
    fig, b = draw_sanctions(run)
    caption = (
        "Sanctions level, China's (solid) and Russia's (dashed) enforcement and effective "
        "pressure per month: median with 50% and 90% bands over the runs still in crisis, "
        "whose number is written under each panel" + _sparse_note(b.values()) + "."
    )
    return _figure(fig, outdir, "sanctions", formats, caption)


# --- DPRK -----------------------------------------------------------------------------------


def draw_dprk(run: Run):
    """DPRK capability and regime stability with bands and the collapse floor, and the runs
    still in crisis under each panel; returns the figure and its bands."""
    b = stats.bands(run.by_round, ["dprk_capability", "dprk_stability"], run.rounds)
    color = style.ACTOR_COLORS["dprk"]
    fig, (a_cap, a_stab) = style.subplots(1, 2, figsize=(10, 4.1), sharex=True, layout=None)
    _fan(a_cap, b["dprk_capability"], color)
    a_cap.set_ylim(0, 1)
    a_cap.set_ylabel("Capability (index, 0-1)")
    a_cap.set_title("Missile and nuclear capability")
    a_cap.legend(handles=_fan_handles(color), loc="lower right")

    _fan(a_stab, b["dprk_stability"], color)
    floor = run.config.get("world", {}).get("collapse_floor")
    handles = _fan_handles(color)
    if floor is not None:
        a_stab.axhline(floor, color=style.OUTCOME_COLORS["collapse"], lw=1.4, ls="--")
        handles.append(
            Line2D([], [], color=style.OUTCOME_COLORS["collapse"], ls="--", label="Collapse floor")
        )
    a_stab.set_ylim(0, 1)
    a_stab.set_ylabel("Regime stability (index, 0-1)")
    a_stab.set_title("Economic and regime stability")
    a_stab.legend(handles=handles, loc="upper right", ncol=2)
    for ax, col in ((a_cap, "dprk_capability"), (a_stab, "dprk_stability")):
        style.time_axis(ax, run.rounds, run.start, label=False)
        at_risk(ax, b[col])
    _place_over_months(fig, run, "DPRK", left=0.56, bottom=UNDER_AT_RISK, wspace=0.62)
    return fig, b


def dprk(run: Run, outdir: Path, formats) -> Figure:
    """The DPRK figure, saved."""
    fig, b = draw_dprk(run)
    caption = (
        "DPRK capability and stability per month: median with 50% and 90% bands over the runs "
        "still in crisis, whose number is written under each panel; the regime collapses when "
        "stability falls through the dashed floor" + _sparse_note(b.values()) + "."
    )
    return _figure(fig, outdir, "dprk", formats, caption)
