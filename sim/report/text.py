"""The short tables printed in the terminal when a run, a sweep or a sensitivity run ends.

Pure functions of what the runs wrote (a summary, the sweep table, the
sensitivity indices), so the printed answer and the report agree.
"""

from __future__ import annotations

import math

import pandas as pd
import pyarrow as pa

from sim import stats
from sim.core.outcomes import OUTCOMES
from sim.core.params import label
from sim.io.sweep import TABLE, metadata


def run_table(summary: dict) -> str:
    """The short outcome table printed at the end of a run."""
    head = f"{summary['scenario']}: {summary['seeds']} seeds x {summary['rounds']} rounds"
    lines = [head, f"{'outcome':<12} {'p':>6}  {'95% CI':<15} {'median round':>12}"]
    for o, row in summary["outcomes"].items():
        ci = f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]"
        med = "" if row["median_round"] is None else f"{row['median_round']:g}"
        lines.append(f"{o:<12} {row['probability']:>6.3f}  {ci:<15} {med:>12}")
    return "\n".join(lines)


def short(key: str) -> str:
    return key.removeprefix("actors.").removeprefix("world.")


def sweep_table(table: pa.Table) -> str:
    """The final table printed when a sweep ends: one line per job."""
    meta = metadata(table)
    swept = meta["swept"]
    rows = table.to_pylist()
    heads = ["job", *(short(k) for k in swept), *OUTCOMES, "peak tension"]
    cells = [
        [
            str(r["job"]),
            *(f"{r[k]:g}" if isinstance(r[k], float) else str(r[k]) for k in swept),
            *(f"{r[f'p_{o}']:.3f}" for o in OUTCOMES),
            f"{r['mean_peak_tension']:.3f}",
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    line = "  ".join
    out = [
        f"sweep: {len(rows)} jobs x {rows[0]['seeds']} seeds (common random numbers, "
        f"base seed {meta['base_seed']}); outcome probabilities, 95% Wilson intervals "
        f"in {TABLE}",
        line(h.rjust(w) for h, w in zip(heads, widths, strict=True)),
    ]
    out += [line(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
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
