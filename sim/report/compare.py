"""Scenarios against their reference (`compare.reference`, by default the baseline): paired
differences in outcome probability, the numbers both the terminal and the report show.

Runs with the same `run.seed` share their random numbers seed by seed, so
scenario and baseline are compared run by run (paired by `seed`); the shared
noise cancels and the intervals are narrower than for independent samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from sim import stats
from sim.io.run import ReportError, Run
from sim.report import style
from sim.report.document import Figure
from sim.report.figures import _color, _figure, _label, _n

BASELINE = "baseline"


def reference_setting(runs: list[Run]) -> str:
    """The `compare.reference` the jobs ran with (older runs without it: the baseline)."""
    return str(runs[0].config.get("compare", {}).get("reference") or BASELINE)


def pick_reference(runs: list[Run], reference: str | None = None) -> tuple[Run, str]:
    """The run every other is compared with, and a note when the choice was not the user's.

    `compare.reference` names it; when the default, baseline, is not among the scenarios the
    first job is the reference and the note says so. A named scenario that did not run is an
    error, as comparing with another one silently would mislead.
    """
    name = reference or reference_setting(runs)
    found = next((r for r in runs if r.scenario == name), None)
    if found is not None:
        return found, ""
    if name != BASELINE:
        allowed = ", ".join(r.scenario for r in runs)
        raise ReportError(f"compare.reference={name} is not among the scenarios run: {allowed}")
    first = runs[0]
    note = (
        f"Reference: {first.scenario}, the first scenario, as no baseline was run "
        "(choose another with compare.reference=<scenario>)."
    )
    return first, note


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


@dataclass
class Comparison:
    """Scenarios against their reference: the numbers the terminal and the report both show."""

    runs: list[Run]  # the reference first, then the others in job order
    reference: Run
    note: str  # why the reference is what it is, when the user did not choose it
    diffs: dict[str, pd.DataFrame]  # scenario -> stats.paired_differences frame

    @property
    def paired(self) -> bool:
        return all(is_paired(r, self.reference) for r in self.runs)


def compare(runs: list[Run], reference: str | None = None) -> Comparison:
    """Pick the reference (`compare.reference`) and compute every paired difference from it."""
    ref, note = pick_reference(runs, reference)
    ordered = [ref] + [r for r in runs if r is not ref]
    return Comparison(ordered, ref, note, differences(ordered, ref))


def of_directory(path: Path) -> Comparison:
    """The comparison of a multirun directory over scenarios, from its job directories."""
    from sim.io.run import load_run, subruns

    return compare([load_run(j) for j in subruns(Path(path))])


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
