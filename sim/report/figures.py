"""The report's figures. Each function draws one figure from loaded runs and saves it.

Every function takes the runs to draw (one, or one per scenario side by
side), the figure directory and the file formats, and returns the document
`Figure` with its one-line caption. Colours come from `style` only: one per
outcome, one per actor, the same in every figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
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


def outcome_odds(runs: list[Run], outdir: Path, formats) -> Figure:
    """Horizontal bars of each outcome's probability with its 95% Wilson interval."""
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
        ax.errorbar(p, y, xerr=[p - lo, hi - p], fmt="none", ecolor="#222222", capsize=3, lw=1)
        for yi, pi, hii in zip(y, p, hi, strict=True):
            ax.text(hii + 2, yi, f"{pi:.1f}%", va="center", fontsize=7.5, color="#222222")
        ax.set_xlim(0, 118)
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
    caption = (
        f"Probability of each outcome by the horizon ({runs[0].rounds} months) with its 95% "
        "Wilson score interval, as in summary.json."
    )
    return _figure(fig, outdir, "outcome_odds", formats, caption)


# --- Cumulative incidence -------------------------------------------------------------------


def cumulative_incidence(runs: list[Run], outdir: Path, formats) -> Figure:
    """Stacked cumulative incidence of the competing outcomes; standoff fills to 100%."""
    k = len(runs)
    fig, axes = style.subplots(
        1,
        k,
        figsize=(max(7.0, 3.0 * k + 0.8), 4.0),
        sharey=True,
        squeeze=False,
    )
    names = runs[0].outcome_names
    order = [o for o in names if o != "standoff"] + [o for o in names if o == "standoff"]
    for ax, run in zip(axes[0], runs, strict=True):
        cif = stats.cumulative_incidence(run.outcomes, run.rounds, names)
        x = np.arange(0.5, run.rounds + 1.5)
        ys = [np.append(cif[o].to_numpy(), cif[o].iloc[-1]) * PCT for o in order]
        ax.stackplot(
            x, ys, colors=[_color(o) for o in order], step="post", edgecolor="white", lw=0.3
        )
        ax.set_ylim(0, 100)
        ax.grid(False)
        style.time_axis(ax, run.rounds, run.start, label=False)
        _panel_title(ax, run, runs)
    axes[0][0].set_ylabel("Cumulative probability (% of runs)")
    fig.supxlabel(style.time_label(runs[0].start), fontsize=9)
    handles = [
        Patch(color=_color(o), label="Standoff (still in crisis)" if o == "standoff" else _label(o))
        for o in reversed(order)
    ]
    fig.legend(handles=handles, loc="outside right center")
    fig.suptitle(_title("Cumulative incidence of outcomes", runs))
    caption = (
        "Share of runs that have ended in each outcome by the end of each month (competing "
        "risks, stacked); the grey remainder is still in crisis and becomes the standoff."
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


ESCALATION_PANELS = (
    ("tension", "Tension (index, 0-1)", (0, 1)),
    ("escalation_score", "Escalation score\n(points per month)", None),
)


def escalation_fan(runs: list[Run], outdir: Path, formats) -> Figure:
    """Fan chart of tension and of the escalation score, per scenario."""
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
        _panel_title(axes[0][j], run, runs)
    fig.supxlabel(style.time_label(runs[0].start), fontsize=9)
    handles = _fan_handles(style.NEUTRAL, "Median over\nruns in crisis")
    fig.legend(handles=handles, loc="outside right center")
    fig.suptitle(_title("Escalation", runs))
    caption = (
        "Tension and escalation score (sum of the four actors' moves, Rivera et al. 2024 "
        "scale) per month: median with 50% and 90% bands over the runs still in crisis"
        + _sparse_note(frames)
        + "."
    )
    return _figure(fig, outdir, "escalation_fan", formats, caption)


# --- Sanctions ------------------------------------------------------------------------------


def _percent_top(ax, *series) -> None:
    """A percentage axis from 0 to just above the largest value (at least 10%)."""
    top = max([10.0] + [float(np.nanmax(s)) for s in series if np.isfinite(s).any()])
    ax.set_ylim(0, min(100.0, np.ceil(top * 1.25 / 10) * 10))


def sanctions(run: Run, outdir: Path, formats) -> Figure:
    """Security Council activity, sanctions level, enforcement and pressure over the months."""
    t = run.by_round  # streamed per-round statistics: memory does not grow with seeds
    R = run.rounds
    fig, axes = style.subplots(2, 3, figsize=(11.5, 6.2), sharex=True)
    (a_tabled, a_strength, a_level), (a_enf, a_press, a_votes) = axes
    x = np.arange(1, R + 1)

    tabled_share = t.share(t.drafted) * PCT
    adopted_share = t.share(t.adopted) * PCT
    a_tabled.plot(x, tabled_share, color=style.NEUTRAL, ls="--", label="Drafted")
    a_tabled.plot(x, adopted_share, color=style.NEUTRAL, label="Adopted")
    a_tabled.set_ylim(0, 100)
    a_tabled.set_ylabel("Runs in crisis (%)")
    a_tabled.set_title("Resolutions tabled and adopted")
    a_tabled.legend(loc="upper right")

    for total, count, ls, label in (
        (t.drafted_sum, t.drafted, "--", "Drafted"),
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
    a_enf.set_ylim(0, 1.04)  # a blockade (1.0) must stay visible
    a_enf.set_ylabel("Enforcement (0 none, 1 blockade)")
    a_enf.set_title("Enforcement by China and Russia")
    a_enf.legend(
        handles=[
            Line2D([], [], color=style.ACTOR_COLORS[a], lw=1.8, label=style.ACTOR_LABELS[a])
            for a in ("china", "russia")
        ]
        + _band_handles("#888888"),
        loc="best",  # the medians sit anywhere from none to a blockade
        ncol=2,
    )

    _fan(a_press, b["pressure"], style.NEUTRAL)
    a_press.set_ylim(0, 1)
    a_press.set_ylabel("Effective pressure (0-1)")
    a_press.set_title("Pressure on the DPRK economy")
    a_press.legend(handles=_fan_handles(style.NEUTRAL), loc="upper right")

    shares = []
    for actor in ("china", "russia"):
        color, name = style.ACTOR_COLORS[actor], style.ACTOR_LABELS[actor]
        soften = t.share(t.votes[(actor, "soften")], of=t.drafted) * PCT
        veto = t.share(t.votes[(actor, "veto")], of=t.drafted) * PCT
        a_votes.plot(x, soften, color=color, ls="--", label=f"{name}: soften")
        a_votes.plot(x, veto, color=color, label=f"{name}: veto")
        shares += [soften.to_numpy(), veto.to_numpy()]
    _percent_top(a_votes, *shares)
    a_votes.set_ylabel("Drafts tabled (%)")
    a_votes.set_title("Softening and vetoes")
    a_votes.legend(loc="upper right", ncol=2)

    for ax in axes.flat:
        style.time_axis(ax, R, run.start, label=False)
    fig.supxlabel(style.time_label(run.start), fontsize=9)
    fig.suptitle(_title("Sanctions", [run]))
    caption = (
        "Security Council drafts, strengths and votes, sanctions level, China's and Russia's "
        "enforcement and effective pressure per month, over the runs still in crisis "
        "(median with 50% and 90% bands)" + _sparse_note(b.values()) + "."
    )
    return _figure(fig, outdir, "sanctions", formats, caption)


# --- DPRK -----------------------------------------------------------------------------------


def dprk(run: Run, outdir: Path, formats) -> Figure:
    """DPRK capability and regime stability with bands, and the collapse floor."""
    b = stats.bands(run.by_round, ["dprk_capability", "dprk_stability"], run.rounds)
    color = style.ACTOR_COLORS["dprk"]
    fig, (a_cap, a_stab) = style.subplots(1, 2, figsize=(10, 3.8), sharex=True)
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
    for ax in (a_cap, a_stab):
        style.time_axis(ax, run.rounds, run.start, label=False)
    fig.supxlabel(style.time_label(run.start), fontsize=9)
    fig.suptitle(_title("DPRK", [run]))
    caption = (
        "DPRK capability and stability per month: median with 50% and 90% bands over the runs "
        "still in crisis; the regime collapses when stability falls through the dashed floor"
        + _sparse_note(b.values())
        + "."
    )
    return _figure(fig, outdir, "dprk", formats, caption)
