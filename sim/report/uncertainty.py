"""Report of a run with parameter uncertainty (uncertainty=posterior|prior).

Files in (uncertainty.json, draws.parquet, provenance.json), figures and
report.html/report.md out; nothing here runs the model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from sim.core.params import from_dict, label
from sim.io.files import FIGURES, PROVENANCE, clear_report
from sim.io.run import ReportError, read_json
from sim.io.uncertainty import read
from sim.report import document, style
from sim.report.document import Document, Section, Table, Text
from sim.report.figures import save_figure
from sim.report.findings import pct

DEFAULT_FORMATS = ("png", "svg")
PCT = 100.0


def per_draw(summary: dict, draws: pd.DataFrame) -> pd.DataFrame:
    """(draws, outcomes): each outcome's share of its draw's replications."""
    names = list(summary["outcomes"])
    onehot = pd.DataFrame({o: (draws["outcome"] == o).astype(float) for o in names})
    return onehot.groupby(draws["draw"]).mean()[names]


def _source(summary: dict) -> str:
    if summary.get("mode") == "prior":
        return "the priors (calibrate.priors)"
    return f"the posterior of {summary.get('calibration')}"


def finding(summary: dict) -> str:
    """The odds with parameter uncertainty, each with its interval, beside the fixed odds."""
    o, fixed = summary["outcomes"], summary.get("fixed") or {}
    names = list(o)
    top = max(names, key=lambda n: (o[n]["probability"], -names.index(n)))
    r = o[top]

    def odds(n: str, long: bool = False) -> str:
        q = o[n]
        within = "90% of parameter sets give " if long else ""
        return (
            f"{style.outcome_label(n).lower()} {pct(q['probability'])} "
            f"({within}{pct(q['param_q05'])}–{pct(q['param_q95'])})"
        )

    text = (
        f"{summary['scenario']}: with parameter uncertainty ({summary['draws']} parameter sets "
        f"from {_source(summary)}, {summary['seeds_per_draw']} runs each), the most likely "
        f"outcome by the horizon is {odds(top, long=True)}. All outcomes, with the 5–95% range "
        "over parameter sets: " + "; ".join(odds(n) for n in names) + "."
    )
    if top in fixed:
        f = fixed[top]
        text += (
            f" With the configured parameters ({summary['seeds']:,} runs) "
            f"{style.outcome_label(top).lower()} is {pct(f['probability'])} "
            f"(95% CI {pct(f['ci_low'])}–{pct(f['ci_high'])})."
        )
    shares = {n: o[n]["parameter_share"] for n in names if o[n].get("parameter_share") is not None}
    if shares:
        most = max(shares, key=lambda n: (shares[n], -names.index(n)))
        text += (
            f" The parameters account for {pct(shares[most])} of the variance of "
            f"{style.outcome_label(most).lower()}, the dice for the rest"
            + (
                f"; for {style.outcome_label(top).lower()} {pct(r['parameter_share'] or 0.0)}."
                if most != top
                else "."
            )
        )
    return text


def odds_figure(summary: dict, pk: pd.DataFrame, outdir: Path, formats):
    """Per outcome: each draw's odds (dots), their mean and 5-95% range, the fixed odds."""
    names = list(summary["outcomes"])
    fixed = summary.get("fixed") or {}
    fig, ax = style.subplots(1, 1, figsize=(7.2, 0.75 * len(names) + 1.6))
    y = np.arange(len(names))[::-1].astype(float)
    k = len(pk)
    jitter = np.linspace(-0.12, 0.12, k) if k > 1 else np.zeros(1)
    for yi, n in zip(y, names, strict=True):
        color = style.outcome_color(n)
        q = summary["outcomes"][n]
        ax.scatter(
            pk[n].to_numpy() * PCT,
            yi + 0.12 + jitter,  # draws are in random order: the spread shows no trend
            s=9,
            color=color,
            alpha=0.45,
            linewidths=0,
        )
        ax.plot(
            [q["param_q05"] * PCT, q["param_q95"] * PCT], [yi + 0.12] * 2, color="#222222", lw=2
        )
        ax.plot(q["probability"] * PCT, yi + 0.12, "D", color=color, mec="#222222", ms=6)
        if n in fixed:
            f = fixed[n]
            ax.errorbar(
                f["probability"] * PCT,
                yi - 0.25,
                xerr=[
                    [(f["probability"] - f["ci_low"]) * PCT],
                    [(f["ci_high"] - f["probability"]) * PCT],
                ],
                fmt="o",
                color="#222222",
                mfc="white",
                ms=5,
                capsize=3,
                lw=1,
            )
    ax.set_yticks(y, [style.outcome_label(n) for n in names])
    ax.set_xlim(-2, 102)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("Probability by the horizon (% of runs)")
    ax.grid(axis="y", visible=False)
    handles = [
        Line2D(
            [],
            [],
            ls="none",
            marker="o",
            color=style.NEUTRAL,
            alpha=0.45,
            ms=4,
            label=f"One parameter set ({summary['seeds_per_draw']} runs)",
        ),  # fmt: skip
        Line2D(
            [],
            [],
            color="#222222",
            lw=2,
            marker="D",
            mfc="white",
            label="With parameter uncertainty: mean, 5–95% over sets",
        ),  # fmt: skip
        Line2D(
            [],
            [],
            color="#222222",
            lw=1,
            marker="o",
            mfc="white",
            label=f"Configured parameters ({summary['seeds']:,} runs), 95% CI",
        ),  # fmt: skip
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=1)
    fig.suptitle(f"Outcome odds across parameter sets: {summary['scenario']}")
    caption = (
        f"Each outcome's probability under each of {summary['draws']} parameter sets drawn "
        f"from {_source(summary)} (dots, {summary['seeds_per_draw']} runs each on common random "
        "numbers), their mean with the 5–95% range over sets (diamond and bar), and the "
        "configured parameters' odds with a 95% Wilson interval (open circle, below)."
    )
    return save_figure(fig, outdir, "odds_across_parameters", formats, caption)


def _formats(path: Path, formats) -> list[str]:
    if formats:
        return list(formats)
    try:
        conf = from_dict(read_json(path / PROVENANCE)["config"])
        return list(conf.report.formats) or list(DEFAULT_FORMATS)
    except (ReportError, KeyError, TypeError, ValueError):
        return list(DEFAULT_FORMATS)


def report(path: Path | str, formats: list[str] | None = None) -> Path:
    """Figures, report.html and report.md of an uncertainty directory, from its files alone."""
    outdir = Path(path)
    summary, draws = read(outdir)
    pk = per_draw(summary, draws)
    fmts = _formats(outdir, formats)
    clear_report(outdir)
    with style.context():
        fig = odds_figure(summary, pk, outdir / FIGURES, fmts)
    names = list(summary["outcomes"])
    fixed = summary.get("fixed") or {}
    odds_rows = []
    for n in names:
        q = summary["outcomes"][n]
        f = fixed.get(n)
        odds_rows.append(
            [
                style.outcome_label(n),
                pct(q["probability"]),
                f"{pct(q['param_q05'])}–{pct(q['param_q95'])}",
                ""
                if f is None
                else f"{pct(f['probability'])} [{pct(f['ci_low'])}, {pct(f['ci_high'])}]",
            ]
        )
    var_rows = []
    for n in names:
        q = summary["outcomes"][n]
        share = q.get("parameter_share")
        var_rows.append(
            [
                style.outcome_label(n),
                f"{q['variance']:.4f}",
                f"{q['variance_parameters']:.4f}",
                f"{q['variance_dice']:.4f}",
                "n/a" if share is None else pct(share),
            ]
        )
    held = summary.get("held") or {}
    param_blocks = [
        Text(
            f"{len(summary.get('drawn_keys') or [])} parameters drawn from {_source(summary)}; "
            "every other key as configured. Each parameter set's values are in "
            "parameters.parquet, each run's outcome in draws.parquet."
        )
    ]
    if held:
        param_blocks += [
            Text(
                "Held at the configured value in every draw (the scenario or the command line "
                "sets them to other than the article's value):"
            ),
            Table(
                ["parameter", "value"],
                [[label(k), f"{v:g}"] for k, v in sorted(held.items())],
                align="lr",
            ),
        ]
    start = summary.get("start") or "2017-08"
    lead = (
        f"{summary['draws']} parameter sets drawn from {_source(summary)} (seeded by run.seed="
        f"{summary.get('seed')}), each run {summary['seeds_per_draw']} times from {start} for "
        f"{summary['rounds']} months; replication m of every set uses the same dice (common "
        "random numbers), so the sets differ by their parameters alone. Method: "
        "docs/calibration.md."
    )
    doc = Document(
        f"Parameter uncertainty: {summary['scenario']}",
        lead=lead,
        finding=finding(summary),
        sections=[
            Section(
                "Odds",
                [
                    Table(
                        [
                            "outcome",
                            "with parameter uncertainty",
                            "5–95% over parameter sets",
                            "configured parameters [95% CI]",
                        ],
                        odds_rows,
                        align="lrrr",
                    ),
                    fig,
                ],
            ),
            Section(
                "Dice and parameters",
                [
                    Text(
                        "The variance of each outcome's indicator, p (1 - p), split into the "
                        "part the parameters explain (the variance of the per-set odds less "
                        "the binomial noise of "
                        f"{summary['seeds_per_draw']} runs, floored at 0) and the dice (the "
                        "rest). A parameter share near 0: knowing the parameters would not "
                        "sharpen the odds; near 1: the odds turn on them."
                    ),
                    Table(
                        ["outcome", "variance", "parameters", "dice", "parameter share"],
                        var_rows,
                        align="lrrrr",
                    ),
                ],
            ),
            Section("Parameters", param_blocks),
        ],
        provenance=_provenance(outdir, summary),
    )
    html, _ = document.write(doc, outdir)
    return html


def _provenance(outdir: Path, summary: dict) -> dict:
    try:
        p = read_json(outdir / PROVENANCE)
    except ReportError:
        p = {}
    return {
        "crisis-sim": p.get("version"),
        "git commit": p.get("git_commit"),
        "draws from": summary.get("mode"),
        "calibration": summary.get("calibration") or "none",
    }


def multirun_report(path: Path, jobs: list[Path], formats=None, subrun_reports=True) -> Path:
    """Each job's report, and beside them a table of every job's odds (report.html in path).

    Jobs are independent runs; their parameter sets are drawn with the same seed, so
    they share draws unless a job holds keys the others draw.
    """
    from sim.io.run import overrides

    if subrun_reports:
        for job in jobs:
            report(job, formats)
    rows, names = [], None
    for job in jobs:
        summary, _ = read(job)
        names = names or list(summary["outcomes"])
        ovr = overrides(job)
        swept = (
            ", ".join(f"{k}={v}" for k, v in ovr.items() if k.startswith("scenario"))
            or (summary["scenario"])
        )
        cells = []
        for n in names:
            q = summary["outcomes"][n]
            cells.append(f"{pct(q['probability'])} ({pct(q['param_q05'])}–{pct(q['param_q95'])})")
        rows.append([document.Link(f"{job.name}: {swept}", f"{job.name}/report.html"), *cells])
    clear_report(path)
    doc = Document(
        "Parameter uncertainty, job by job",
        lead=(
            "Each job of this multirun is a run with parameter uncertainty of its own, with "
            "its own report (linked). Odds by the horizon with parameter uncertainty, and in "
            "brackets the 5–95% range over parameter sets. The jobs are not paired beyond "
            "their shared seeds, and no difference between them is tested here."
        ),
        sections=[
            Section(
                "Odds by job",
                [
                    Table(
                        ["job", *[style.outcome_label(n) for n in names or []]],
                        rows,
                        align="l" + "r" * len(names or []),
                    )
                ],
            )
        ],
    )
    html, _ = document.write(doc, path)
    return html
