"""The report of a parameter sweep, rebuilt from its sweep directory alone.

It reads `sweep.parquet` (one row per job: swept values, each outcome's
probability with its 95% Wilson interval), `tipping_point.json` when there is
one, and the first job's provenance; it draws:

- one swept parameter: each outcome's probability against it, with bands,
  and where the odds of war (war or nuclear war) overtake those of talks;
- two: a heatmap of each outcome's probability and one of the most likely
  outcome;
- three or more: each parameter's main effect on every outcome.

With two or more parameters a table says how much each one matters: the
largest change in each outcome's probability as that parameter moves across
its values, averaged over the others, with a bootstrap interval over the
seeds the jobs share.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pyarrow as pa
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch, Rectangle

from sim import stats
from sim.core.outcomes import OUTCOMES
from sim.core.params import label as param_label
from sim.io import sweep as sweeps
from sim.io.files import FIGURES
from sim.io.run import ReportError, load_run
from sim.report import document, findings, style
from sim.report.document import Document, Figure, Link, Section, Table, Text
from sim.report.figures import _color, _figure, _label

PCT = 100.0
MAX_ANNOTATED = 120  # heatmap cells beyond which the numbers would not be legible


# --- Reading --------------------------------------------------------------------------------


def load(path: Path) -> tuple[pa.Table, dict]:
    """The sweep table and its metadata; a ReportError if it is missing or damaged."""
    file = path / sweeps.TABLE
    if not file.is_file():
        raise ReportError(
            f"missing file: {file} (gather the sweep first: crisis-report --gather {path})"
        )
    try:
        return sweeps.read_table(path)
    except Exception as err:  # pyarrow raises many types for a damaged file
        raise ReportError(f"broken file: {file}: {err}") from None


def _value(v) -> str:
    """A swept value as typed on the command line (0.5, true, china_strict)."""
    if isinstance(v, bool):
        return str(v).lower()
    return f"{v:g}" if isinstance(v, float) else str(v)


def _fixed(stored: str) -> str:
    """A fixed override as typed on the command line (the plan stores it as JSON)."""
    value = json.loads(stored)
    return value if isinstance(value, str) else _value(value)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _levels(series: pd.Series) -> list:
    return sorted(series.unique().tolist()) if _is_numeric(series) else list(dict.fromkeys(series))


# --- Numbers behind the figures -------------------------------------------------------------


def war_band(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(war or nuclear war) per job with its 95% Wilson interval."""
    k = (df["n_war"] + df["n_nuclear_war"]).to_numpy()
    n = df["seeds"].to_numpy()
    lo, hi = np.array([stats.wilson(int(a), int(b)) for a, b in zip(k, n, strict=True)]).T
    return k / n, lo, hi


def level_masks(df: pd.DataFrame, key: str) -> np.ndarray:
    """(levels, jobs): which jobs sit at each value of `key`, values in axis order."""
    return np.array([(df[key] == v).to_numpy() for v in _levels(df[key])])


def spreads(df: pd.DataFrame, swept: list[str], codes: np.ndarray | None, seed: int) -> dict:
    """{key: (spread, low, high)} per outcome: the range of its main effect (`stats.spreads`)."""
    masks = {k: level_masks(df, k) for k in swept}
    probs = df[[f"p_{o}" for o in OUTCOMES]].to_numpy()
    return stats.spreads(masks, probs, codes, seed)


# --- Figures --------------------------------------------------------------------------------


def _n(df: pd.DataFrame) -> str:
    """'<scenario>, N = ... runs per point' for titles; the scenario is set by `report`."""
    ns = sorted(df["seeds"].unique())
    n = f"N = {ns[0]:,} runs per point" if len(ns) == 1 else f"N = {ns[0]:,}-{ns[-1]:,} runs"
    scenario = df.attrs.get("scenario")
    return f"{scenario}, {n}" if scenario else n


def outcome_lines(df: pd.DataFrame, key: str, outdir: Path, formats) -> Figure:
    """Each outcome's probability against one swept parameter, with 95% bands."""
    numeric = _is_numeric(df[key])
    d = df.sort_values(key, kind="stable") if numeric else df
    x = d[key].to_numpy(float) if numeric else np.arange(len(d))
    fig, ax = style.subplots(figsize=(7.2, 4.2), layout="constrained")
    offsets = np.linspace(-0.2, 0.2, len(OUTCOMES))
    for j, o in enumerate(OUTCOMES):
        p, lo, hi = (d[c].to_numpy() * PCT for c in (f"p_{o}", f"p_{o}_low", f"p_{o}_high"))
        if numeric:
            ax.fill_between(x, lo, hi, color=_color(o), alpha=0.18, lw=0)
            ax.plot(x, p, color=_color(o), marker="o", ms=3.5, lw=1.6, label=_label(o))
        else:
            xs = x + offsets[j]
            ax.errorbar(xs, p, yerr=[p - lo, hi - p], fmt="o", color=_color(o), ms=4, capsize=2)
            ax.plot([], [], color=_color(o), marker="o", label=_label(o))
    if not numeric:
        ax.set_xticks(x, [_value(v) for v in d[key]])
        ax.grid(axis="x", visible=False)
    ax.set_ylim(-2, 102)
    ax.set_ylabel("Probability (% of runs)")
    ax.set_xlabel(param_label(key))
    band = "shaded bands" if numeric else "bars"
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Patch(color="#999999", alpha=0.3, label=f"95% Wilson interval ({band})"))
    fig.legend(handles=handles, loc="outside lower center", ncol=3)
    fig.suptitle(f"Outcome odds against {param_label(key)}\n({_n(df)})")
    caption = (
        f"Probability of each outcome by the horizon at each value of {key}, with its 95% "
        f"Wilson score interval ({band})."
    )
    return _figure(fig, outdir, "sweep_outcomes", formats, caption)


def tipping_figure(df: pd.DataFrame, tip: dict, outdir: Path, formats) -> Figure:
    """P(war or nuclear war) and P(talks) along the sweep, where the first overtakes, and the
    other outcomes beside them: at the crossing the likeliest outcome may be neither."""
    fig = draw_tipping(df, tip)
    where = ""
    if tip["status"] == "crossing":
        where = " At the crossing " + findings.likeliest_at(df, tip["parameter"], tip["estimate"])
        where = where.replace(" there", "") + "."
    caption = (
        "Every outcome's probability at each grid value: war or nuclear war and freeze talks "
        "bold with 95% Wilson bands, standoff and regime collapse thin (bands omitted); "
        "dashed line: where war overtakes talks; grey: its 95% interval." + where
    )
    return _figure(fig, outdir, "sweep_tipping_point", formats, caption)


OTHERS = ("standoff", "collapse")  # drawn thin beside war and talks in the tipping figure


def draw_tipping(df: pd.DataFrame, tip: dict):
    """The tipping-point figure (matplotlib)."""
    key = tip["parameter"]
    d = df.sort_values(key, kind="stable")
    x = d[key].to_numpy(float)
    war, war_lo, war_hi = (a * PCT for a in war_band(d))
    talks, t_lo, t_hi = (d[c].to_numpy() * PCT for c in ("p_talks", "p_talks_low", "p_talks_high"))
    fig, ax = style.subplots(figsize=(7.2, 4.4), layout="constrained")
    for p, lo, hi, o, label in (
        (talks, t_lo, t_hi, "talks", "Freeze talks"),
        (war, war_lo, war_hi, "war", "War or nuclear war"),
    ):
        ax.fill_between(x, lo, hi, color=_color(o), alpha=0.18, lw=0)
        ax.plot(x, p, color=_color(o), marker="o", ms=3.5, lw=1.8, label=label)
    for o, ls in zip(OTHERS, (":", "-."), strict=True):
        ax.plot(x, d[f"p_{o}"].to_numpy() * PCT, color=_color(o), ls=ls, lw=1.2, label=_label(o))
    if tip["status"] == "crossing":
        if tip["interval"] is not None:
            lo = x[0] if tip["interval"][0] is None else tip["interval"][0]
            hi = x[-1] if tip["interval"][1] is None else tip["interval"][1]
            ax.axvspan(lo, hi, color="#444444", alpha=0.12, lw=0, label="95% interval of crossing")
        ax.axvline(tip["estimate"], color="#222222", lw=1.2, ls="--", label="Tipping point")
        ax.annotate(
            f"{tip['estimate']:.3g}",
            (tip["estimate"], 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -3),
            textcoords="offset points",
            va="top",
            fontsize=8,
        )
    else:
        where = (
            "No crossing within the grid"
            if tip["status"] == "no_crossing"
            else ("War at or above talks from the first value")
        )
        ax.text(0.5, 0.97, where, transform=ax.transAxes, ha="center", va="top", fontsize=9)
    ax.set_ylim(-2, 102)
    ax.set_xlabel(param_label(key))
    ax.set_ylabel("Probability (% of runs)")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=3)
    fig.suptitle(f"Where war overtakes talks, with every outcome\n({_n(df)})")
    return fig


def _grid(df: pd.DataFrame, xk: str, yk: str, column: str) -> tuple[list, list, np.ndarray]:
    xs, ys = _levels(df[xk]), _levels(df[yk])
    grid = np.full((len(ys), len(xs)), np.nan, dtype=object if column == "most_likely" else float)
    for _, r in df.iterrows():
        grid[ys.index(r[yk]), xs.index(r[xk])] = r[column]
    return xs, ys, grid


def _axes_2d(ax, xs, ys, xk, yk, label_x=True, label_y=True) -> None:
    ax.set_xticks(range(len(xs)), [_value(v) for v in xs])
    ax.set_yticks(range(len(ys)), [_value(v) for v in ys])
    ax.grid(visible=False)
    if label_x:
        ax.set_xlabel(param_label(xk))
    if label_y:
        ax.set_ylabel(param_label(yk))


def heatmaps(df: pd.DataFrame, xk: str, yk: str, outdir: Path, formats) -> Figure:
    """One heatmap per outcome over two swept parameters, on a shared 0-100% scale."""
    xs, ys = _levels(df[xk]), _levels(df[yk])
    annotate = len(xs) * len(ys) <= MAX_ANNOTATED
    w = max(2.2, 0.42 * len(xs) + 0.9)
    fig, axes = style.subplots(
        1,
        len(OUTCOMES),
        figsize=(w * len(OUTCOMES) + 1.2, max(2.8, 0.36 * len(ys) + 1.8)),
        sharey=True,
        layout="constrained",
    )
    cmap = matplotlib.colormaps["cividis"]
    for i, (ax, o) in enumerate(zip(axes, OUTCOMES, strict=True)):
        _, _, grid = _grid(df, xk, yk, f"p_{o}")
        im = ax.imshow(grid * PCT, origin="lower", cmap=cmap, vmin=0, vmax=100, aspect="auto")
        _axes_2d(ax, xs, ys, xk, yk, label_x=True, label_y=i == 0)
        ax.set_title(_label(o), color="#222222")
        if annotate:
            for (yi, xi), v in np.ndenumerate(grid):
                if np.isfinite(v):
                    shade = "#FFFFFF" if v < 0.55 else "#000000"
                    ax.text(
                        xi, yi, f"{v * PCT:.0f}", ha="center", va="center", fontsize=7, color=shade
                    )
    fig.colorbar(im, ax=axes, label="Probability (% of runs)", shrink=0.9)
    fig.suptitle(f"Outcome odds over {param_label(xk)} and {param_label(yk)} ({_n(df)})")
    caption = (
        "Probability of each outcome by the horizon (%, in each cell) over the two swept "
        "parameters; all panels share one colour scale. Intervals are in the table below."
    )
    return _figure(fig, outdir, "sweep_heatmaps", formats, caption)


def _overlaps_runner_up(row: pd.Series) -> bool:
    """True when the most likely outcome's interval overlaps the next one's."""
    top = row["most_likely"]
    others = [o for o in OUTCOMES if o != top]
    second = max(others, key=lambda o: row[f"p_{o}"])
    return row[f"p_{top}_low"] <= row[f"p_{second}_high"]


def most_likely_map(df: pd.DataFrame, xk: str, yk: str, outdir: Path, formats) -> Figure:
    """The most likely outcome in each cell, hatched where it is not clearly ahead."""
    caption = (
        "The most likely outcome in each cell, with its probability. Hatched cells: its 95% "
        "interval overlaps that of the runner-up, so the two are not clearly ordered."
    )
    return _figure(draw_most_likely(df, xk, yk), outdir, "sweep_most_likely", formats, caption)


CELL_BORDER = "#FFFFFF"
CELL = "cell"  # gid of a cell's border


def draw_most_likely(df: pd.DataFrame, xk: str, yk: str):
    """The most-likely-outcome map (matplotlib): bordered cells, labels on a plain chip."""
    xs, ys, grid = _grid(df, xk, yk, "most_likely")
    present = [o for o in OUTCOMES if o in set(df["most_likely"])]
    index = {o: i for i, o in enumerate(present)}
    codes = np.vectorize(lambda o: index.get(o, np.nan), otypes=[float])(grid)
    fig, ax = style.subplots(
        figsize=(max(4.8, 0.62 * len(xs) + 3.4), max(3.2, 0.45 * len(ys) + 1.6)),
        layout="constrained",
    )
    cmap = ListedColormap([_color(o) for o in present])
    ax.imshow(codes, origin="lower", cmap=cmap, vmin=-0.5, vmax=len(present) - 0.5, aspect="auto")
    _axes_2d(ax, xs, ys, xk, yk)
    annotate = len(xs) * len(ys) <= MAX_ANNOTATED
    for _, r in df.iterrows():
        xi, yi = xs.index(r[xk]), ys.index(r[yk])
        if _overlaps_runner_up(r):
            ax.add_patch(
                Rectangle(
                    (xi - 0.5, yi - 0.5), 1, 1, fill=False, hatch="///", edgecolor="#FFFFFF", lw=0
                )
            )
        ax.add_patch(  # a border on every cell, so neighbours of one colour stay apart
            Rectangle((xi - 0.5, yi - 0.5), 1, 1, fill=False, ec=CELL_BORDER, lw=1.5, gid=CELL)
        )
        if annotate:
            ax.text(
                xi,
                yi,
                f"{r[f'p_{r.most_likely}'] * PCT:.0f}%",
                ha="center",
                va="center",
                fontsize=8,
                color="#000000",
                bbox={"boxstyle": "round,pad=0.2", "fc": "#FFFFFF", "ec": "none", "alpha": 0.9},
            )
    handles = [Patch(color=_color(o), label=_label(o)) for o in present]
    handles.append(
        Patch(facecolor="#BBBBBB", hatch="///", edgecolor="#FFFFFF", label="Not clearly ahead")
    )
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4))
    ax.set_title(f"Most likely outcome ({_n(df)})")
    return fig


def main_effects_figure(df: pd.DataFrame, swept: list[str], outdir: Path, formats) -> Figure:
    """Per swept parameter, each outcome's probability averaged over the other parameters."""
    probs = df[[f"p_{o}" for o in OUTCOMES]].to_numpy()
    fig, axes = style.subplots(
        1,
        len(swept),
        figsize=(3.1 * len(swept) + 1.6, 3.6),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for ax, key in zip(axes[0], swept, strict=True):
        levels = _levels(df[key])
        effect = stats.main_effects(level_masks(df, key), probs) * PCT
        x = np.asarray(levels, float) if _is_numeric(df[key]) else np.arange(len(levels))
        for j, o in enumerate(OUTCOMES):
            ax.plot(x, effect[:, j], color=_color(o), marker="o", ms=3.5, lw=1.6, label=_label(o))
        if not _is_numeric(df[key]):
            ax.set_xticks(x, [_value(v) for v in levels])
        ax.set_xlabel(param_label(key))
    axes[0][0].set_ylabel("Mean probability (% of runs)")
    axes[0][0].set_ylim(-2, 102)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(OUTCOMES))
    fig.suptitle(f"Main effects: each parameter, averaged over the others ({_n(df)})")
    caption = (
        "Each outcome's probability at each value of one swept parameter, averaged over the "
        "values of the others: a flat line means the parameter barely matters."
    )
    return _figure(fig, outdir, "sweep_main_effects", formats, caption)


# --- Tables ---------------------------------------------------------------------------------


def _pct(p: float) -> str:
    return f"{p * PCT:.1f}"


def _job_link(path: Path, run_dir: str) -> Link | str:
    """The job's report when it has one; its folder name, unlinked, when it does not."""
    if (path / run_dir / document.HTML_NAME).is_file():
        return Link(f"{run_dir}/", f"{run_dir}/{document.HTML_NAME}")
    return f"{run_dir}/"


def sweep_table(df: pd.DataFrame, swept: list[str], path: Path | None = None) -> Table:
    """One row per job: each outcome's odds with a compact interval that does not wrap."""
    rows = []
    for _, r in df.iterrows():
        rows.append(
            [
                str(r["job"]),
                *(_value(r[k]) for k in swept),
                *(
                    f"{_pct(r[f'p_{o}'])} ({_pct(r[f'p_{o}_low'])}–{_pct(r[f'p_{o}_high'])})"
                    for o in OUTCOMES
                ),
                _label(r["most_likely"]),
                f"{r['mean_peak_tension']:.3f}",
                f"{r['run_dir']}/" if path is None else _job_link(path, r["run_dir"]),
            ]
        )
    return Table(
        [
            "job",
            *swept,
            *(_label(o) for o in OUTCOMES),
            "most likely",
            "peak tension",
            "job folder",
        ],
        rows,
        caption=(
            "Outcome odds per job, % (95% Wilson interval); peak tension is the mean over runs; "
            "a job folder is linked when it holds a report"
        ),
        align="r" * (1 + len(swept)) + "r" * len(OUTCOMES) + "lrl",
    )


def spread_table(spread: dict) -> Table:
    rows = []
    for key, (point, lo, hi) in spread.items():
        cells = [
            f"{point[j] * PCT:.1f}"
            + ("" if lo is None else f" [{lo[j] * PCT:.1f}, {hi[j] * PCT:.1f}]")
            for j in range(len(OUTCOMES))
        ]
        rows.append([key, *cells, f"{max(point) * PCT:.1f}"])
    rows.sort(key=lambda r: -float(r[-1]))
    return Table(
        ["parameter", *(_label(o) for o in OUTCOMES), "largest"],
        rows,
        caption=(
            "How much each parameter matters: the range of each outcome's probability "
            "(percentage points) across the parameter's values, averaged over the other "
            "parameters [95% paired bootstrap interval]; largest first"
        ),
        align="l" + "r" * (len(OUTCOMES) + 1),
    )


# --- The report -----------------------------------------------------------------------------


def _provenance(path: Path, df: pd.DataFrame, meta: dict) -> dict[str, object]:
    from sim.report.build import provenance  # the run report's provenance, shared

    first = load_run(path / df["run_dir"].iloc[0])
    prov = provenance(first)
    prov.pop("scenario", None)
    prov["command"] = first.provenance.get("command")
    return {
        "sweep directory": path.name,
        "jobs": meta["jobs"],
        "swept": ", ".join(meta["swept"]),
        "fixed overrides": " ".join(f"{k}={_fixed(v)}" for k, v in meta["fixed"].items()) or "none",
        "common random numbers": "yes" if meta["common_random_numbers"] else "no",
        **prov,
    }


def report(path: Path | str, formats: list[str] | None = None) -> Path:
    """Figures, report.html and report.md of a sweep directory; returns report.html."""
    path = Path(path)
    table, meta = load(path)
    df = table.to_pandas()
    swept = meta["swept"]
    first = load_run(path / df["run_dir"].iloc[0])
    if "scenario" not in swept:  # every job runs the same scenario: name it in the titles
        df.attrs["scenario"] = first.summary.get("scenario")
    fmts = list(formats or first.config.get("report", {}).get("formats") or ("png",))
    figdir = path / FIGURES
    sections: list[Section] = []

    tip, spread = None, None
    if len(swept) == 1:
        figs = [outcome_lines(df, swept[0], figdir, fmts)]
        tip = sweeps.read_tipping(path)
        if tip is not None:
            blocks = [Text(tip["statement"]), tipping_figure(df, tip, figdir, fmts)]
            if tip["interval_method"]:
                blocks.insert(1, Text(f"Interval: {tip['interval_method']}."))
            blocks.insert(
                1, Text("War counts war and nuclear war together; talks are freeze talks.")
            )
            sections.append(Section("Where war overtakes talks", blocks))
    elif len(swept) == 2:
        figs = [
            most_likely_map(df, swept[0], swept[1], figdir, fmts),
            heatmaps(df, swept[0], swept[1], figdir, fmts),
        ]
    else:
        figs = [main_effects_figure(df, swept, figdir, fmts)] if swept else []
    sections.append(Section("Outcome odds across the sweep", figs or [Text("Nothing swept.")]))
    if len(swept) >= 2:
        codes = sweeps.outcome_matrix(path, table)
        spread = spreads(df, swept, codes, meta["base_seed"])
        sections.append(Section("How much each parameter matters", [spread_table(spread)]))
    sections.append(Section("Every job", [sweep_table(df, swept, path)]))

    fixed = {k: _fixed(v) for k, v in meta["fixed"].items()}
    what = " x ".join(f"{param_label(k)} ({df[k].nunique()} values)" for k in swept)
    title = f"Sweep over {what or 'no parameter'}, {_n(df)}"
    if "experiment" in fixed:
        title = f"Experiment {fixed['experiment']}: {title}"
    grid = "; ".join(f"{k} in {{{', '.join(_value(v) for v in _levels(df[k]))}}}" for k in swept)
    seeds = sorted(df["seeds"].unique())
    lead = (
        f"{meta['jobs']} jobs, one per combination of {grid}. "
        + (
            f"Every job runs the same {seeds[0]:,} seeds from base seed {meta['base_seed']} "
            f"over {meta['rounds']} months, so the jobs share their random numbers and differ "
            "only by their parameters. "
            if meta["common_random_numbers"] and len(seeds) == 1
            else "The jobs did not all run the same seeds: compare them as independent samples. "
        )
        + "Intervals are 95% Wilson score intervals unless stated otherwise."
    )
    doc = Document(
        title=title,
        lead=lead,
        finding=findings.sweep(df, swept, tip, spread),
        sections=sections,
        provenance=_provenance(path, df, meta),
    )
    html, _ = document.write(doc, path)
    return html
