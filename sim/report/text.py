"""The short tables printed in the terminal when a run, a sweep or a sensitivity run ends.

Pure functions of what the runs wrote (a summary, the sweep table, the
sensitivity indices), so the printed answer and the report agree.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pyarrow as pa

from sim import stats
from sim.core.outcomes import OUTCOMES
from sim.core.params import label
from sim.io.sweep import TABLE, metadata
from sim.report import findings, style

if TYPE_CHECKING:  # imported where used: a run needs neither pandas nor matplotlib
    import pandas as pd

    from sim.report.compare import Comparison


def run_table(summary: dict) -> str:
    """What a run prints when it ends: the key finding, then each outcome's odds and timing."""
    head = f"{summary['scenario']}: {summary['seeds']} seeds x {summary['rounds']} rounds"
    lines = [findings.run(summary), "", head]
    lines.append(f"{'outcome':<12} {'p':>6}  {'95% CI':<15} median month")
    for o, row in summary["outcomes"].items():
        ci = f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]"
        med = style.when(row["median_round"], summary.get("start"))
        lines.append(f"{o:<12} {row['probability']:>6.3f}  {ci:<15} {med}".rstrip())
    return "\n".join(lines)


def compact(p: float, lo: float, hi: float) -> str:
    """A probability and its interval in percent, narrow enough for a terminal: '49 (43–54)'."""

    def f(x: float) -> str:
        x *= 100
        return f"{x:.1f}" if 0 < x < 9.95 else f"{x:.0f}"

    return f"{f(p)} ({f(lo)}–{f(hi)})"


def _columns(heads: list[str], cells: list[list[str]], left: int = 0) -> list[str]:
    """Right-aligned columns (the first `left` ones left-aligned), two spaces apart."""
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]

    def line(row):
        return "  ".join(
            (c.ljust(w) if i < left else c.rjust(w))
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    return [line(heads), *(line(row) for row in cells)]


def comparison(cmp: Comparison) -> str:
    """What a comparison prints: the finding, each scenario's odds, its paired differences."""
    ref = cmp.reference
    names = ref.outcome_names
    lines = [findings.comparison(cmp.diffs, ref.scenario, cmp.note), ""]
    lines.append(
        f"Outcome odds, % of runs (95% Wilson interval), N = {ref.seeds:,} runs per scenario:"
    )
    cells = []
    for r in cmp.runs:
        o = r.summary["outcomes"]
        cells.append(
            [
                r.scenario,
                *(compact(o[k]["probability"], o[k]["ci_low"], o[k]["ci_high"]) for k in names),
            ]
        )
    lines += _columns(["scenario", *names], cells, left=1)
    if cmp.diffs:
        how = "paired by seed" if cmp.paired else "independent samples (base seeds differ)"
        lines += [
            "",
            f"Difference from the reference {ref.scenario} (compare.reference), percentage "
            f"points (95% Newcombe interval, {how}):",
        ]
        cells = [
            [
                s,
                *(
                    f"{100 * d.loc[k, 'diff']:+.1f} ({100 * d.loc[k, 'ci_low']:+.1f} to "
                    f"{100 * d.loc[k, 'ci_high']:+.1f})"
                    for k in names
                ),
            ]
            for s, d in cmp.diffs.items()
        ]
        lines += _columns(["scenario", *names], cells, left=1)
    return "\n".join(lines)


def short(key: str) -> str:
    return key.removeprefix("actors.").removeprefix("world.")


def sweep_table(table: pa.Table, tip: dict | None = None) -> str:
    """The final table printed when a sweep ends: one line per job, then the tipping point."""
    meta = metadata(table)
    swept = meta["swept"]
    rows = table.to_pylist()
    heads = ["job", *(short(k) for k in swept), *OUTCOMES, "peak tension"]
    cells = [
        [
            str(r["job"]),
            *(f"{r[k]:g}" if isinstance(r[k], float) else str(r[k]) for k in swept),
            *(compact(r[f"p_{o}"], r[f"p_{o}_low"], r[f"p_{o}_high"]) for o in OUTCOMES),
            f"{r['mean_peak_tension']:.3f}",
        ]
        for r in rows
    ]
    out = [
        f"sweep: {len(rows)} jobs x {rows[0]['seeds']} seeds (common random numbers, "
        f"base seed {meta['base_seed']}); outcome odds, % of runs (95% Wilson interval); "
        f"full table in {TABLE}",
        *_columns(heads, cells),
    ]
    if tip is not None:
        out += ["", findings.tipping(tip, table.to_pandas())]
    return "\n".join(out)


def sensitivity_table(table: pd.DataFrame, method: str, top: int = 5) -> str:
    """The short table printed at the end of a sensitivity run: top parameters per outcome."""
    main = stats.SENSITIVITY_MAIN[method]
    lines = []
    for outcome in OUTCOMES:
        r = stats.ranking(table, method, outcome)
        if r[main].isna().all():
            lines.append(f"{outcome}: never varies across the sample (indices undefined)")
            continue
        lines.append(f"{outcome}:")
        for key, row in r.head(top).iterrows():
            ci = row.get(f"{main}_conf", math.nan)
            extra = f"  S1 {row['S1']:.3f}" if method == "sobol" else f"  sigma {row['sigma']:.3f}"
            lines.append(f"  {label(key):<34} {main} {row[main]:.3f} ± {ci:.3f}{extra}")
    return "\n".join(lines)
