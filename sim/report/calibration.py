"""Figures and reports of a calibration (task=calibrate) and a hindcast (task=hindcast).

Files in, figures and report.html/report.md out; nothing here runs the model.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from sim import scoring
from sim.core.params import label
from sim.io.calibration import read as read_calibration
from sim.io.files import FIGURES, PROVENANCE
from sim.io.hindcast import read as read_hindcast
from sim.report import document, style
from sim.report.document import Document, Section, Table, Text
from sim.report.figures import save_figure

BLUE, ORANGE, GREY, GREEN = "#0072B2", "#E69F00", "#999999", "#009E73"
FORECASTER_COLORS = {
    "defaults": ORANGE,
    "posterior": BLUE,
    "climatology": GREY,
    "persistence": GREEN,
}


def _prov(outdir: Path) -> dict:
    import json

    p = json.loads((outdir / PROVENANCE).read_text())
    return {"crisis-sim": p.get("version"), "git commit": p.get("git_commit")}


def _g(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3g}"


# --- calibration ---------------------------------------------------------------------------


def _diagnostics_figure(diag, outdir, formats):
    fig, axes = style.subplots(1, 3, figsize=(10, 3.2))
    g = diag["generation"]
    for ax, col, title in zip(
        axes,
        ("epsilon", "acceptance_rate", "ess"),
        ("Epsilon (distance threshold)", "Acceptance rate", "Effective sample size"),
        strict=True,
    ):
        ax.plot(g, diag[col], marker="o", color=BLUE)
        ax.set_title(title)
        ax.set_xlabel("Generation")
        ax.set_xticks(list(g))
    axes[2].axhline(diag["accepted"].iloc[-1], color=GREY, ls="--", lw=1, label="Population")
    axes[2].legend()
    return save_figure(
        fig,
        outdir,
        "abc_diagnostics",
        formats,
        "ABC-SMC per generation: the distance threshold, the share of simulated particles "
        "accepted, and the effective sample size of the importance weights.",
    )


def _marginals_figure(summary, post, outdir, formats):
    rows = summary["posterior"]
    last = post[post["generation"] == post["generation"].max()]
    n = len(rows)
    ncols = 6
    nrows = math.ceil(n / ncols)
    fig, axes = style.subplots(nrows, ncols, figsize=(13, 1.7 * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax, row in zip(axes.flat, rows, strict=False):
        lo, hi = row["low"], row["high"]
        bins = np.linspace(lo, hi, 16)
        ax.hist(last[row["key"]], bins=bins, weights=last["weight"], density=True, color=BLUE)
        ax.hlines(1.0 / (hi - lo), lo, hi, color=GREY, ls="--", lw=1.2)
        default = row.get("default")
        if default is not None:
            ax.axvline(default, color=ORANGE, lw=1.2)
        ax.set_title(label(row["key"]), fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set_yticks([])
    return save_figure(
        fig,
        outdir,
        "prior_posterior",
        formats,
        "Each calibrated parameter: the last generation's weighted particles (histogram) "
        "against the uniform prior (dashed).",
    )


def _ppc_figure(ppc, outdir, formats):
    names = list(dict.fromkeys(ppc["indicator"]))
    fig, axes = style.subplots(2, 3, figsize=(11, 5.2), sharex=True, sharey=True)
    for ax, name in zip(axes.flat, names, strict=False):
        part = ppc[ppc["indicator"] == name]
        x = np.arange(len(part))
        ax.plot(x, part["predicted"], color=BLUE, lw=1.6, label="Posterior predictive P(on)")
        obs = part["observed"].to_numpy()
        ax.plot(x, obs, "o", color="black", ms=3.5, label="Record (1 on, 0 off)")
        ax.set_title(name.replace("_", " "))
        ax.set_ylim(-0.05, 1.05)
        ax.set_xticks(x[::3])
        ax.set_xticklabels(list(part["month"])[::3], rotation=45, fontsize=7)
    axes.flat[0].legend(fontsize=7, loc="upper left")
    return save_figure(
        fig,
        outdir,
        "posterior_predictive",
        formats,
        "Posterior predictive check on the training window: the monthly probability that each "
        "indicator is on, over parameter sets drawn from the posterior, beside the record.",
    )


def calibration_report(path: Path | str, formats=("png", "svg")) -> Path:
    """Figures, report.html and report.md of a calibration directory."""
    outdir = Path(path)
    summary, diag, post, ppc = read_calibration(outdir)
    figdir = outdir / FIGURES
    with style.context():
        figs = [
            _diagnostics_figure(diag, figdir, formats),
            _marginals_figure(summary, post, figdir, formats),
            _ppc_figure(ppc, figdir, formats),
        ]
    stats_rows = []
    pp = ppc.copy()
    for i, name in enumerate(summary["statistics"]):
        stats_rows.append([name, _g(summary["observed"][i]), str(summary["covered_months"][i])])
    post_rows = [
        [
            label(r["key"]),
            f"[{r['low']:g}, {r['high']:g}]",
            _g(r["median"]),
            f"[{_g(r['q05'])}, {_g(r['q95'])}]",
            f"{r['sd_ratio']:.2f}",
        ]
        for r in sorted(summary["posterior"], key=lambda r: r["sd_ratio"])
    ]
    pp["on"] = pp["observed"].where(pp["observed"].notna())
    ppc_rows = []
    for name, part in pp.groupby("indicator", sort=False):
        cov = part["observed"].notna()
        ppc_rows.append(
            [
                name.replace("_", " "),
                _g(float(part.loc[cov, "observed"].sum())),
                _g(float(part.loc[cov, "predicted"].sum())),
                str(int(cov.sum())),
            ]
        )
    diag_rows = [
        [
            str(int(r.generation)),
            _g(r.epsilon),
            str(int(r.samples)),
            f"{r.acceptance_rate:.3f}",
            f"{r.ess:.1f}",
        ]
        for r in diag.itertuples()
    ]
    lead = (
        f"ABC-SMC (pyabc) on the training window {summary['train'][0]} to {summary['train'][1]} "
        f"only: {summary['generations']} generations of {summary['population']} particles, "
        f"{summary['seeds_per_particle']} replications each, {summary['simulations']} "
        f"simulations"
        + (
            f" (generations 0-{summary['resumed_from_generation'] - 1} resumed from abc.db; "
            f"this call took {summary['seconds']:.0f} s)"
            if summary.get("resumed_from_generation")
            else f" in {summary['seconds']:.0f} s"
        )
        + ". Method and how to read it: docs/calibration.md."
    )
    doc = Document(
        "Calibration on the 2016-2017 record",
        lead=lead,
        sections=[
            Section(
                "Summary statistics",
                [
                    Text(
                        "Months in which each indicator is on, per period, from data/history "
                        "(panel of events.csv); distance: " + summary["distance"] + "."
                    ),
                    Table(["statistic", "recorded", "covered months"], stats_rows, align="lrr"),
                ],
            ),
            Section(
                "Generations",
                [
                    Table(
                        ["generation", "epsilon", "simulated", "acceptance", "ESS"],
                        diag_rows,
                        align="rrrrr",
                    ),
                    figs[0],
                ],
            ),
            Section(
                "Posterior",
                [
                    Text(
                        "Sorted by how much the data narrowed each parameter: the posterior "
                        "standard deviation over the uniform prior's (1 = nothing learned)."
                    ),
                    Table(
                        ["parameter", "prior", "median", "90% interval", "sd / prior sd"],
                        post_rows,
                        align="llrrr",
                    ),
                    figs[1],
                ],
            ),
            Section(
                "Posterior predictive check (training window)",
                [
                    Table(
                        ["indicator", "recorded months on", "predicted months on", "covered"],
                        ppc_rows,
                        align="lrrr",
                    ),
                    figs[2],
                ],
            ),
        ],
        provenance=_prov(outdir),
    )
    html, _ = document.write(doc, outdir)
    return html


# --- hindcast --------------------------------------------------------------------------------


def _with_interval(r, key: str, fmt: str) -> str:
    """A value with its interval from scores.csv's <key>_low/<key>_high, when present."""
    v = r[key]
    text = "n/a" if _nan(v) else format(v, fmt)
    lo, hi = r.get(f"{key}_low"), r.get(f"{key}_high")
    if lo is None or hi is None or _nan(lo) or _nan(hi) or _nan(v):
        return text
    return f"{text} [{format(lo, fmt)}, {format(hi, fmt)}]"


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def skill_rows(scores) -> list[list[str]]:
    order = ["posterior", "defaults", "persistence", "climatology"]
    rows = []
    for (ind, sc), part in scores.groupby(["indicator", "score"], sort=False):
        part = part.set_index("forecaster")
        for who in [w for w in order if w in part.index]:
            r = part.loc[who]
            rows.append(
                [
                    ind.replace("_", " "),
                    sc,
                    who,
                    str(int(r["n"])),
                    _with_interval(r, "value", ".3f"),
                    _with_interval(r, "skill_climatology", ".2f"),
                    _with_interval(r, "skill_persistence", ".2f"),
                ]
            )
    return rows


SKILL_COLUMNS = [
    "indicator",
    "score",
    "forecaster",
    "n",
    "value",
    "skill vs climatology",
    "skill vs persistence",
]


def _reliability_figure(fc, outdir, formats):
    who = [w for w in FORECASTER_COLORS if w in set(fc["forecaster"])]
    fig, ax = style.subplots(1, 1, figsize=(5, 4.6))
    ax.plot([0, 1], [0, 1], color="black", lw=0.8, ls=":")
    for w in who:
        part = fc[fc["forecaster"] == w]
        rel = scoring.reliability(part["p"], part["observed"], bins=5)
        ax.plot(
            [r[2] for r in rel],
            [r[3] for r in rel],
            marker="o",
            color=FORECASTER_COLORS[w],
            label=w,
        )
    ax.set_xlabel("Forecast probability (bin mean)")
    ax.set_ylabel("Observed frequency")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    return save_figure(
        fig,
        outdir,
        "reliability",
        formats,
        "Reliability over all scored indicators and months of the validation window: "
        "forecasts in five probability bins against how often the event happened.",
    )


def _horizon_figure(fc, outdir, formats):
    fig, ax = style.subplots(1, 1, figsize=(6, 3.8))
    for w, col in FORECASTER_COLORS.items():
        part = fc[fc["forecaster"] == w]
        if part.empty:
            continue
        by = part.groupby("horizon")
        hs = sorted(by.groups)
        ax.plot(
            hs,
            [scoring.brier(g["p"], g["observed"]) for _, g in by],
            marker="o",
            color=col,
            label=w,
        )
    ax.set_xlabel("Horizon (months after the origin)")
    ax.set_ylabel("Brier score (lower is better)")
    ax.legend(fontsize=8)
    return save_figure(
        fig,
        outdir,
        "brier_by_horizon",
        formats,
        "Brier score by horizon, pooled over the scored indicators and origins.",
    )


def _interval_note(summary: dict) -> str:
    iv = summary.get("intervals")
    if not iv:
        return ""
    return (
        f" In brackets: {iv['level']:.0%} intervals, a percentile bootstrap over the "
        f"{summary['origins']} forecast origins ({iv['resamples']} resamples of whole origins, "
        "so the overlap and autocorrelation of one origin's months stay in; with so few "
        "origins the intervals are rough). A skill interval that straddles 0 does not "
        "tell the forecaster from the baseline."
    )


def hindcast_report(path: Path | str, formats=("png", "svg")) -> Path:
    """Figures, report.html and report.md of a hindcast directory."""
    outdir = Path(path)
    summary, fc, scores = read_hindcast(outdir)
    figdir = outdir / FIGURES
    with style.context():
        figs = [_reliability_figure(fc, figdir, formats), _horizon_figure(fc, figdir, formats)]
    lead = (
        f"Forecasts of the validation window {summary['validation'][0]} to "
        f"{summary['validation'][1]} from {summary['origins']} origins "
        f"({', '.join(summary['origin_months'])}), horizons 1-{summary['horizon']} months, "
        f"{summary['seeds']} replications per origin and forecaster. Baselines: climatology "
        f"(base rates of {summary['climatology_window'][0]}..{summary['climatology_window'][1]}) "
        "and persistence (the last recorded month before the origin). Skill = 1 - score / "
        "baseline score: above 0 beats the baseline, below 0 loses to it."
    )
    doc = Document(
        "Hindcast of 2017-08 to 2019-07",
        lead=lead,
        sections=[
            Section(
                "Skill",
                [
                    Text(
                        "Brier and log score (natural log, probabilities clipped to "
                        f"[{summary['log_score_clip']}, {1 - summary['log_score_clip']}]) per "
                        "binary indicator; ranked probability score for monthly counts."
                        + _interval_note(summary)
                    ),
                    Table(SKILL_COLUMNS, skill_rows(scores), align="lllrrrr"),
                ],
            ),
            Section("Reliability", [figs[0]]),
            Section("By horizon", [figs[1]]),
        ],
        provenance={**_prov(outdir), "calibration": summary.get("calibration") or "none"},
    )
    html, _ = document.write(doc, outdir)
    return html
