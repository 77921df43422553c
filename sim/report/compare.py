"""Scenario against baseline: paired differences in outcome probability.

Runs with the same `run.seed` share their random numbers seed by seed, so
scenario and baseline are compared run by run (paired by `seed`); the shared
noise cancels and the intervals are narrower than for independent samples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from sim import stats
from sim.io.run import Run
from sim.report import style
from sim.report.document import Figure
from sim.report.figures import _color, _figure, _label, _n


def is_paired(a: Run, b: Run) -> bool:
    """Common random numbers hold when both runs used the same base seed."""
    return a.summary.get("base_seed") == b.summary.get("base_seed") is not None


def differences(runs: list[Run], baseline: Run) -> dict[str, pd.DataFrame]:
    """{scenario: stats.paired_differences frame} for every run but the baseline."""
    names = baseline.outcome_names
    return {
        r.scenario: stats.paired_differences(
            r.outcomes, baseline.outcomes, names, paired=is_paired(r, baseline)
        )
        for r in runs
        if r is not baseline
    }


def difference_figure(
    diffs: dict[str, pd.DataFrame], baseline: Run, runs: list[Run], outdir: Path, formats
) -> Figure:
    """Forest plot: per scenario, each outcome's change in probability with its interval."""
    names = baseline.outcome_names
    k = len(diffs)
    fig, axes = style.subplots(
        1,
        k,
        figsize=(max(6.5, 2.6 * k + 1.4), 0.42 * len(names) + 2.1),
        sharey=True,
        squeeze=False,
    )
    y = np.arange(len(names))[::-1]
    lim = max(
        5.0,
        max(float(d[["ci_low", "ci_high"]].abs().to_numpy().max()) for d in diffs.values()) * 100,
    )
    lim = min(100.0, np.ceil(lim * 1.15 / 5) * 5)
    for ax, (scenario, d) in zip(axes[0], diffs.items(), strict=True):
        d = d.reindex(names)
        pp = d["diff"].to_numpy() * 100
        lo, hi = d["ci_low"].to_numpy() * 100, d["ci_high"].to_numpy() * 100
        ax.axvline(0, color="#888888", lw=1)
        for yi, o, p, l_, h in zip(y, names, pp, lo, hi, strict=True):
            ax.plot([l_, h], [yi, yi], color=_color(o), lw=2.2, solid_capstyle="butt")
            ax.plot(p, yi, "o", color=_color(o), ms=6, mec="white", mew=0.8)
        ax.set_xlim(-lim, lim)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, symmetric=True, prune="both"))
        ax.set_xlabel("Difference (percentage points)")
        n = int(d["pairs"].iloc[0])
        unit = "pairs" if d["gained"].notna().all() else "runs"
        ax.set_title(f"{scenario} - {baseline.scenario}\n(N = {n:,} {unit})")
        ax.grid(axis="y", visible=False)
    axes[0][0].set_yticks(y, [_label(o) for o in names])
    axes[0][0].set_ylabel("Outcome at the horizon")
    handles = [Line2D([], [], color=_color(o), marker="o", lw=2.2, label=_label(o)) for o in names]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles))
    fig.suptitle(f"Change in outcome probability against {baseline.scenario} ({_n(runs)})")
    paired = all(is_paired(r, baseline) for r in runs)
    how = (
        "paired by seed (common random numbers), Newcombe's 95% interval for paired proportions"
        if paired
        else "independent samples (base seeds differ), Newcombe's 95% hybrid score interval"
    )
    caption = f"Each scenario's outcome probability minus the {baseline.scenario}'s, {how}."
    return _figure(fig, outdir, "scenario_differences", formats, caption)
