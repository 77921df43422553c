"""The figures and the report of a sensitivity run (task=sensitivity).

`sim.runs.sensitivity.run` computes the indices and writes them to files;
`report` reads those files and calls `draw` (one figure per outcome that
varies, plus an overview heatmap) and `write_report` (report.html and
report.md through the shared `document` writer). Nothing here computes an
index: it only shows what the analysis found.

These figures keep matplotlib's default look, laid out by `tight_layout`; they
share the other reports' palette, labels and deterministic saving.
"""

from __future__ import annotations

from dataclasses import asdict
from fractions import Fraction
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from sim import stats
from sim.core.outcomes import OUTCOMES
from sim.core.params import CrisisConfig, from_dict, label, sources
from sim.io.files import FIGURES, PROVENANCE
from sim.io.run import read_json
from sim.io.sensitivity import RESULT_JSON, SAMPLES, SENSITIVITY_CSV
from sim.io.sensitivity import read as read_sensitivity
from sim.report import document, findings, style
from sim.report.build import flatten
from sim.report.document import Code, Document, Figure, Section, Table, Text
from sim.report.figures import save_figure

OVERVIEW = "sensitivity_overview"
ST_COLOR, S1_COLOR = "#1F4E79", "#8FB8DE"
# Saved as these figures always were: at the report resolution, cropped to their contents.
# The fixed SVG salt makes the same figure give the same SVG bytes, as in the other reports.
SAVE_RC = {"savefig.dpi": style.DPI, "savefig.bbox": "tight", "svg.hashsalt": "crisis-sim"}


# --- Figures --------------------------------------------------------------------------------


def _save(fig, figdir: Path, name: str, formats: list[str], caption: str) -> Figure:
    """The shared saver (temporary name, fixed metadata) with this module's resolution and crop."""
    with matplotlib.rc_context(SAVE_RC):
        return save_figure(fig, figdir, name, formats, caption)


def _subtitle(conf: CrisisConfig, diag: dict, n_points: int) -> str:
    s = conf.sensitivity
    lo, hi = diag["min_probability"], diag["max_probability"]
    text = (
        f"P ranges {lo:.2f}-{hi:.2f} over {n_points} points x {s.seeds} seeds"
        f" ({s.method}, N={s.samples}); whiskers: 95% bootstrap intervals"
    )
    if diag.get("noise_share") is not None:
        text += f"\nseed noise: {100 * diag['noise_share']:.0f}% of the variance"
        half = diag.get("split_half")
        if half and half.get("rank_correlation") is not None:
            text += f"; split-half rank agreement {half['rank_correlation']:.2f}"
    return text


def _titles(fig, ax, title: str, subtitle: str) -> None:
    """A bold title over a grey subtitle, both left-aligned on the axes."""
    ax.set_title(subtitle, loc="left", fontsize=8.5, color="#444444")
    fig.suptitle(title, x=0.01, ha="left", fontsize=12.5, fontweight="bold")


def _sobol_figure(conf, prob, table, outcome, diag, n_points):
    r = stats.ranking(table, "sobol", outcome)
    n = len(r)
    y = np.arange(n)
    fig, ax = style.subplots(figsize=(8.5, 1.6 + 0.3 * n), layout=None)
    h = 0.38
    ax.barh(
        y - h / 2,
        r["ST"],
        h,
        xerr=r["ST_conf"],
        color=ST_COLOR,
        label="ST (total)",
        error_kw={"elinewidth": 0.9, "capsize": 2, "ecolor": "#333333"},
    )
    ax.barh(
        y + h / 2,
        r["S1"],
        h,
        xerr=r["S1_conf"],
        color=S1_COLOR,
        label="S1 (first order)",
        error_kw={"elinewidth": 0.9, "capsize": 2, "ecolor": "#555555"},
    )
    ax.set_yticks(y, [label(k) for k in r.index])
    ax.invert_yaxis()
    ax.axvline(0, color="#444444", lw=0.8)
    # Indices live in [0, 1]; wider bootstrap intervals are cut at the frame.
    lo = max(-0.2, min(0.0, float(np.nanmin(r["S1"] - r["S1_conf"]))))
    hi = min(1.0, max(0.1, float(np.nanmax(r["ST"] + r["ST_conf"]))))
    ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
    ax.set_xlabel(f"Share of the variance of P({style.outcome_label(outcome).lower()})")
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right", frameon=False)
    _titles(
        fig,
        ax,
        f"{style.outcome_label(outcome)}: Sobol' indices of the actor preferences",
        _subtitle(conf, diag, n_points),
    )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def _number_points(fig, ax, ranked: pd.DataFrame, xmax: float, ymax: float) -> None:
    """Each ranked preference's number beside its point, placed so no two numbers overlap
    (points near the origin crowd together); a thin leader joins a number set further off."""
    box = ax.get_position()
    w_pt, h_pt = box.width * fig.get_figwidth() * 72, box.height * fig.get_figheight() * 72
    points = [
        (row["mu_star"] / xmax * w_pt, row["sigma"] / ymax * h_pt) for _, row in ranked.iterrows()
    ]
    texts = [str(i) for i in range(1, len(points) + 1)]
    offsets = style.place_labels(points, texts, fontsize=8)
    for (_key, row), text, (dx, dy) in zip(ranked.iterrows(), texts, offsets, strict=True):
        far = abs(dx) > 6 or abs(dy) > 6
        ax.annotate(
            text,
            (row["mu_star"], row["sigma"]),
            xytext=(dx, dy),
            textcoords="offset points",
            fontsize=8,
            fontweight="bold",
            arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#777777"} if far else None,
        )


def _morris_figure(conf, prob, table, outcome, diag, n_points, top: int = 10):
    r = stats.ranking(table, "morris", outcome)
    fig, (ax, side) = style.subplots(
        1, 2, figsize=(11, 6.2), layout=None, gridspec_kw={"width_ratios": [2.2, 1]}
    )
    actors = [k.split(".")[1] for k in r.index]
    for actor in style.ACTOR_COLORS:
        sel = [a == actor for a in actors]
        if not any(sel):
            continue
        ax.errorbar(
            r["mu_star"][sel],
            r["sigma"][sel],
            xerr=r["mu_star_conf"][sel],
            fmt="o",
            ms=6,
            color=style.ACTOR_COLORS[actor],
            mec="#222222",
            mew=0.5,
            elinewidth=0.8,
            capsize=2,
            label=style.ACTOR_LABELS[actor],
        )
    xmax = max(1e-3, float(np.nanmax(r["mu_star"] + r["mu_star_conf"]))) * 1.1
    ymax = max(1e-3, float(np.nanmax(r["sigma"]))) * 1.12
    for ratio in (0.1, 0.5, 1.0):
        xs = np.array([0, xmax])
        ax.plot(xs, ratio * xs, ls="--", lw=0.8, color="#AAAAAA", zorder=0)
        xt = min(xmax, ymax / ratio) * 0.97
        ax.text(
            xt,
            ratio * xt,
            f"σ/μ* = {ratio:g}",
            fontsize=7.5,
            color="#777777",
            ha="right",
            va="bottom",
        )
    ax.set_xlim(0, xmax)
    ax.set_ylim(0, ymax)
    _number_points(fig, ax, r.head(top), xmax, ymax)
    name = style.outcome_label(outcome)
    ax.set_xlabel(f"μ*: mean absolute effect on P({name.lower()}) per full range of the preference")
    ax.set_ylabel("σ: spread of the effects (nonlinearity, interactions)")
    ax.grid(color="#EEEEEE", lw=0.6)
    ax.legend(loc="upper left", frameon=False, fontsize=8.5)
    ax.spines[["top", "right"]].set_visible(False)
    _titles(
        fig,
        ax,
        f"{name}: Morris screening of the actor preferences",
        _subtitle(conf, diag, n_points).replace("intervals", "intervals of μ*"),
    )
    side.axis("off")
    lines = [
        f"{i:>2}. {label(k)}   {row['mu_star']:.3f}"
        for i, (k, row) in enumerate(r.head(top).iterrows(), start=1)
    ]
    side.text(
        0.0,
        1.0,
        "Ranked by μ*\n\n" + "\n".join(lines),
        va="top",
        ha="left",
        fontsize=9,
        family="monospace",
        transform=side.transAxes,
    )
    fig.tight_layout()
    return fig


def _overview_figure(conf, table, diagnostics):
    method = conf.sensitivity.method
    main = stats.SENSITIVITY_MAIN[method]
    wide = table[table["index"] == main].pivot(index="parameter", columns="outcome", values="value")
    wide = wide[[o for o in OUTCOMES if o in wide.columns]]
    order = wide.max(axis=1, skipna=True).fillna(-1).sort_values(ascending=False).index
    wide = wide.loc[order]
    n, m = wide.shape
    fig, ax = style.subplots(figsize=(2.6 + 1.3 * m, 1.4 + 0.3 * n), layout=None)
    data = np.ma.masked_invalid(wide.to_numpy(dtype=float))
    vmax = 1.0 if method == "sobol" else max(1e-3, float(np.nanmax(wide.to_numpy())))
    cmap = matplotlib.colormaps["Blues"].with_extremes(bad="#EEEEEE")
    im = ax.imshow(data, cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
    for i in range(n):
        for j in range(m):
            v = wide.iat[i, j]
            text = "n/a" if v != v else "·" if abs(v) < 0.005 else f"{v:.2f}"
            dark = v == v and v > 0.55 * vmax
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=7.5,
                color="white" if dark else "#222222",
            )
    ax.set_xticks(range(m), [style.outcome_label(o) for o in wide.columns])
    ax.xaxis.tick_top()
    ax.set_yticks(range(n), [label(k) for k in wide.index])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    what = "ST (total Sobol' index)" if method == "sobol" else "μ* (Morris: ΔP per full range)"
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label=what)
    s = conf.sensitivity
    ax.set_title(
        f"Which preferences matter for which outcome: {what}\n"
        f"{s.method}, N={s.samples}, {s.seeds} seeds per point; "
        "·: below 0.005; n/a: outcome never varies",
        fontsize=10.5,
        loc="left",
        pad=28,
    )
    fig.tight_layout()
    return fig


def draw(
    conf: CrisisConfig,
    prob: dict,
    table: pd.DataFrame,
    diagnostics: dict,
    figdir: Path,
    n_points: int,
    formats: list[str] | None = None,
) -> list[Figure]:
    """One figure per varying outcome, then the overview heatmap, as captioned report figures."""
    formats = list(formats or conf.report.formats) or ["png"]
    sobol = conf.sensitivity.method == "sobol"
    what = "S1 and ST" if sobol else "mu* against sigma"
    written = []
    for outcome in OUTCOMES:
        diag = diagnostics[outcome]
        if not diag["varies"]:
            continue
        make = _sobol_figure if sobol else _morris_figure
        caption = f"{style.outcome_label(outcome)}: {what} per preference, with 95% intervals."
        fig = make(conf, prob, table, outcome, diag, n_points)
        written.append(_save(fig, figdir, f"sensitivity_{outcome}", formats, caption))
    caption = "Overview: the ranking index of every preference for every outcome."
    fig = _overview_figure(conf, table, diagnostics)
    written.append(_save(fig, figdir, OVERVIEW, formats, caption))
    return written


# --- The report -----------------------------------------------------------------------------

HOW_SOBOL = (
    "Sobol' indices from Saltelli sampling. S1 is the share of the variance of an outcome's "
    "probability that a preference explains alone; ST is the share it takes part in, "
    "interactions included. ST near 0 means the preference can be fixed anywhere in its range "
    "without changing that outcome's odds; ST well above S1 means its effect depends on other "
    "preferences. Second-order indices are not estimated: ST - S1 already measures how much a "
    "preference acts through interactions, at half the cost."
)
HOW_MORRIS = (
    "Morris elementary effects, a screening pass. mu* is the mean absolute effect of a "
    "preference on an outcome's probability, per full range of the preference (estimated from "
    "steps of {step} of its range); sigma is the spread of those effects, large when the "
    "effect is nonlinear or depends on other preferences. Morris ranks preferences; it does not "
    "apportion variance. Use Sobol' (sensitivity.method=sobol) on the preferences that matter."
)
NOISE_TEXT = (
    "Each probability is estimated from a finite number of replications. Seed noise is the "
    "mean binomial variance of those estimates as a share of their variance across sample "
    "points. Split-half agreement computes the indices again from the even and from the odd "
    "replications alone and compares the two by {main}: rank correlation and largest "
    "difference. Each half is about twice as noisy as the full run."
)
PROBLEM_TEXT = (
    "Bounds are each preference's allowed range in the schema (sim/params.py); the scenario's "
    "own value is shown for reference. Everything outside the problem keeps the scenario's "
    "value at every point."
)
FILES_TEXT = (
    f"{SENSITIVITY_CSV}: tidy indices (outcome, parameter, index, value, conf = half-width of "
    f"the 95% interval). {SAMPLES}: every sample point and its outcome probabilities. "
    f"{RESULT_JSON}: the problem, settings, timings and diagnostics."
)


def _step(levels: int) -> str:
    """The Morris step as a fraction of the range: levels / (2 (levels - 1))."""
    return str(Fraction(levels, 2 * (levels - 1)))


def _pm(value: float, ci: float) -> str:
    if value != value:
        return "n/a"
    return f"{value:.3f}" if ci != ci else f"{value:.3f} ± {ci:.3f}"


def _noise_verdict(diag: dict) -> str:
    """A plain reading of the seed-noise diagnostics of one outcome."""
    share = diag.get("noise_share")
    half = diag.get("split_half") or {}
    rho = half.get("rank_correlation")
    if share is None:
        return "never varies"
    if share > 0.2 or (rho is not None and rho < 0.5):
        return "noisy: raise sensitivity.seeds before trusting the ranking"
    if share > 0.05 or (rho is not None and rho < 0.8):
        return "usable for the leading parameters"
    return "precise"


def write_report(
    outdir: Path, conf: CrisisConfig, result: dict, table: pd.DataFrame, figures: list[Figure]
) -> None:
    """report.html and report.md through the shared report writer.

    `figures` are those `draw` returned; the overview leads, then one per outcome.
    """
    method, main = result["method"], stats.SENSITIVITY_MAIN[result["method"]]
    prob = result["problem"]
    sobol = method == "sobol"
    how = HOW_SOBOL if sobol else HOW_MORRIS.format(step=_step(conf.sensitivity.levels))
    lead = (
        f"Scenario {result['scenario']}: {prob['num_vars']} actor preferences varied together "
        f"over their allowed ranges, {result['points']} sample points "
        f"({method}, N = {result['N']}), each run for {result['seeds']} seeded replications of "
        f"{result['rounds']} rounds with common random numbers ({result['replications']} "
        f"replications in {result['seconds']:.0f} s). Intervals are 95% bootstrap intervals."
    )
    sections = [Section("How to read it", [Text(how)])]

    top = []
    for outcome in OUTCOMES:
        diag = result["outcomes"][outcome]
        name = style.outcome_label(outcome)
        if not diag["varies"]:
            top.append([name, "never varies across the sample", "", ""])
            continue
        r = stats.ranking(table, method, outcome).head(5)
        for i, (key, row) in enumerate(r.iterrows()):
            other = _pm(row["S1"], row["S1_conf"]) if sobol else f"{row['sigma']:.3f}"
            top.append(
                [name if i == 0 else "", label(key), _pm(row[main], row[f"{main}_conf"]), other]
            )
    cols = ["outcome", "preference", "ST" if sobol else "mu*", "S1" if sobol else "sigma"]
    sections.append(Section("Most influential preferences", [Table(cols, top, align="llrr")]))

    rows = []
    for outcome in OUTCOMES:
        d = result["outcomes"][outcome]
        half = d.get("split_half") or {}
        share = d.get("noise_share")
        rows.append(
            [
                style.outcome_label(outcome),
                f"{d['mean_probability']:.3f}",
                f"{d['min_probability']:.2f}-{d['max_probability']:.2f}",
                "" if share is None else f"{100 * share:.1f}%",
                "" if half.get("rank_correlation") is None else f"{half['rank_correlation']:.2f}",
                "" if not half else f"{half['max_abs_difference']:.3f}",
                _noise_verdict(d),
            ]
        )
    sections.append(
        Section(
            "Is the seed count enough?",
            [
                Text(NOISE_TEXT.format(main=main)),
                Table(
                    [
                        "outcome",
                        "mean P",
                        "P range",
                        "seed noise",
                        "split-half rank r",
                        f"max |Δ{main}|",
                        "reading",
                    ],
                    rows,
                    align="lrrrrrl",
                ),
            ],
        )
    )

    overview = [f for f in figures if Path(f.png).stem == OVERVIEW]
    figs = overview + [f for f in figures if Path(f.png).stem != OVERVIEW]
    sections.append(Section("Figures", figs))

    src = sources(conf)
    base = flatten(asdict(conf))
    problem_rows = [
        [label(k), k, f"[{lo:g}, {hi:g}]", f"{base.get(k, ''):g}", src.get(k, "")]
        for k, (lo, hi) in zip(prob["names"], prob["bounds"], strict=True)
    ]
    excluded = [[k, why] for k, why in result["excluded"].items()]
    sections.append(
        Section(
            "The sampled preferences",
            [
                Text(PROBLEM_TEXT),
                Table(
                    ["preference", "key", "bounds", "scenario value", "source"],
                    problem_rows,
                    align="llrrl",
                ),
                Table(["left out", "why"], excluded, caption="Not sampled by default"),
            ],
        )
    )
    settings = asdict(conf.sensitivity) | {"run": asdict(conf.run)}
    sections.append(
        Section(
            "Files",
            [
                Text(FILES_TEXT),
                Code(document.yaml_text(settings), "Settings"),
            ],
        )
    )

    prov = read_json(outdir / PROVENANCE)  # as written beside the report
    doc = Document(
        f"Which preferences matter: {'Sobol' + chr(39) if sobol else 'Morris'} sensitivity, "
        f"{result['scenario']}",
        lead=lead,
        finding=findings.sensitivity(table, method, result["outcomes"]),
        sections=sections,
        provenance={
            "crisis-sim": prov["version"],
            "git commit": prov["git_commit"],
            "python": prov["python"],
            "mesa": prov["mesa"],
            "base seed": result["base_seed"],
            "workers": result["workers"],
        },
    )
    document.write(doc, outdir)


def report(path: Path | str, formats: list[str] | None = None) -> Path:
    """Figures, report.html and report.md of a sensitivity directory, from its files alone."""
    path = Path(path)
    result, table = read_sensitivity(path)
    prov = read_json(path / PROVENANCE)
    conf = from_dict(prov["config"])
    figures = draw(
        conf,
        result["problem"],
        table,
        result["outcomes"],
        path / FIGURES,
        result["points"],
        formats,
    )
    write_report(path, conf, result, table, figures)
    return path / "report.html"
