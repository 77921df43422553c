"""Build the report of an output directory: a run, a scenario comparison or a sweep.

`report(path)` looks at what `path` holds and dispatches:

- a run directory (summary.json, outcomes.csv, ...): that run's report;
- a Hydra multirun whose jobs differ only in `scenario`: each job's report and
  a comparison report against the reference scenario (`compare.reference`);
- a parameter sweep (a sweep.parquet, or jobs that differ in other keys):
  `sim.report.sweep.report(path)`.

Only the output files are read, so a report can be rebuilt from a copy of the
directory, and a missing or broken file stops the build with a ReportError.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from sim import __version__
from sim.core.params import CrisisConfig, sources
from sim.io.files import FIGURES, clear_report
from sim.io.run import ReportError, Run, is_run, load_run, overrides, subruns, unfinished
from sim.io.sensitivity import is_sensitivity
from sim.io.uncertainty import is_uncertainty
from sim.report import compare, document, events, figures, findings, parallel, style, timeline
from sim.report.document import Code, Document, Link, Section, Table, Text

SWEEP_TABLE = "sweep.parquet"
BASELINE = "baseline"
# Config sections that say how a run was made, not what world it models.
# The model's parameters; everything else in a config is how it was run or reported.
MODEL_PARAMETERS = ("actors.", "world.", "council.")
DEFAULT_FORMATS = ("png",)  # SVG and PDF on request: drawing them costs time on every run


def report(path: Path | str, formats: list[str] | None = None, subrun_reports: bool = True) -> Path:
    """Build the report of `path` and return the path of its report.html."""
    with style.context():
        return _report(Path(path), formats, subrun_reports)


def _report(path: Path, formats: list[str] | None, subrun_reports: bool) -> Path:
    if not path.is_dir():
        raise ReportError(f"not a directory: {path}")
    if is_run(path):
        return run_report(load_run(path), formats)
    if is_sensitivity(path):
        from sim.report import sensitivity

        clear_report(path)  # no figure of an earlier report survives (e.g. in another format)
        return sensitivity.report(path, formats)
    if is_uncertainty(path):
        from sim.report import uncertainty

        return uncertainty.report(path, formats)
    jobs = subruns(path)
    if jobs and all(is_uncertainty(j) for j in jobs):  # a multirun of uncertainty runs
        from sim.report import uncertainty

        return uncertainty.multirun_report(path, jobs, formats, subrun_reports)
    comparison = bool(jobs) and not is_sweep(jobs)  # jobs that differ only by scenario
    if not comparison and (jobs or (path / SWEEP_TABLE).is_file()):
        from sim.report import sweep  # built alongside; a sweep has its own tables and figures

        clear_report(path)
        return sweep.report(path)
    if not jobs:
        if (why := unfinished(path)) is not None:
            raise ReportError(why)
        raise ReportError(
            f"not an output directory: {path} holds no summary.json and no job directories "
            "(0/, 1/, ...)"
        )
    runs = [load_run(j) for j in jobs]
    for r in runs:
        r.check()
    if subrun_reports:
        for r in runs:
            run_report(r, formats)
    return comparison_report(path, runs, formats)


def is_sweep(jobs: list[Path]) -> bool:
    """Jobs form a sweep when they repeat a scenario or vary a key other than `scenario`."""
    ovr = [overrides(j) for j in jobs]
    keys = {k for o in ovr for k in o}
    varying = {k for k in keys if len({o.get(k) for o in ovr}) > 1}
    if varying - {"scenario"}:
        return True
    names = [o.get("scenario") for o in ovr]
    return bool(all(names) and len(set(names)) < len(names))


# --- Pieces shared by the reports -----------------------------------------------------------


def _formats(run: Run, formats) -> list[str]:
    if formats:
        return list(formats)
    return list(run.config.get("report", {}).get("formats") or DEFAULT_FORMATS)


def flatten(d: dict, prefix: str = "") -> dict[str, object]:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def parameter_changes(config: dict, reference: dict) -> list[tuple[str, object, object]]:
    """(key, reference value, value) for each model parameter that differs."""
    a, b = flatten(config), flatten(reference)
    keys = sorted(k for k in a.keys() | b.keys() if k.startswith(MODEL_PARAMETERS))
    return [(k, b.get(k, "(absent)"), a.get(k, "(absent)")) for k in keys if a.get(k) != b.get(k)]


def _fmt(v: object) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def changes_table(changes, reference_name: str) -> Table | Text:
    if not changes:
        return Text(f"No model parameter differs from the {reference_name}.")
    why = sources(CrisisConfig())
    rows = [[k, _fmt(ref), _fmt(val), why.get(k, "")] for k, ref, val in changes]
    return Table(["parameter", reference_name, "this scenario", "source or reason"], rows)


def _month(run: Run, round_: float | None) -> str:
    return style.when(round_, run.start)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _interval(lo: float, hi: float) -> str:
    return f"[{100 * lo:.1f}, {100 * hi:.1f}]"


def headline_table(run: Run) -> Table:
    """The outcome odds exactly as summary.json states them."""
    rows = []
    for name, r in run.summary["outcomes"].items():
        rows.append(
            [
                figures._label(name),
                _pct(r["probability"]),
                _interval(r["ci_low"], r["ci_high"]),
                f"{int(r['count']):,}",
                _month(run, r.get("median_round")),
            ]
        )
    interval = run.summary.get("interval", "95% Wilson score")
    return Table(
        ["outcome", "probability", f"{interval} interval (%)", "runs", "median month"],
        rows,
        caption=f"Outcome odds at the horizon, N = {run.seeds:,} runs",
        align="lrrrl",
    )


def provenance(run: Run) -> dict[str, object]:
    p = run.provenance
    seeds = p.get("seeds", {})
    return {
        "scenario": run.scenario,
        "runs (N)": run.seeds,
        "base seed": run.summary.get("base_seed", seeds.get("base_seed")),
        "random streams": seeds.get("stream", ""),
        "rounds": run.rounds,
        "round 1": style.month_label(1, run.start) if run.start else "",
        "crisis-sim version": p.get("version"),
        "git commit": p.get("git_commit") or "unknown",
        "created": p.get("created"),
        "command": p.get("command"),
        "python / mesa / numpy / pyarrow": " / ".join(
            str(p.get(k, "?")) for k in ("python", "mesa", "numpy", "pyarrow")
        ),
        "report built by crisis-sim": __version__,
    }


def config_block(run: Run) -> Code:
    text = document.yaml_text(run.config)
    ovr = overrides(run.path)
    if ovr:
        text = "# overrides: " + " ".join(f"{k}={v}" for k, v in ovr.items()) + "\n" + text
    return Code(text.rstrip(), "Resolved config (from provenance.json)")


# --- One run --------------------------------------------------------------------------------


def run_report(run: Run, formats: list[str] | None = None) -> Path:
    """Figures, report.html and report.md of one run directory; returns report.html."""
    run.check()  # every input read and checked before anything is drawn
    clear_report(run.path)  # no figure of an earlier report survives (e.g. in another format)
    fmts = _formats(run, formats)
    figdir = run.path / FIGURES
    # (CPU seconds at 1,000 seeds, best of 3, figure): drawn by two processes, kept in this order
    drawn = parallel.draw(
        [
            (0.11, lambda: figures.outcome_odds([run], figdir, fmts)),
            (0.13, lambda: figures.cumulative_incidence([run], figdir, fmts)),
            (0.19, lambda: figures.escalation_fan([run], figdir, fmts)),
            (0.33, lambda: figures.council(run, figdir, fmts)),
            (0.29, lambda: figures.sanctions(run, figdir, fmts)),
            (0.18, lambda: figures.dprk(run, figdir, fmts)),
            (0.46, lambda: timeline.timeline(run, figdir, fmts)),
            (0.35, lambda: events.goldstein_figure(run, figdir, fmts)),
        ]
    )
    figs = [f for f in drawn if f is not None]  # no Goldstein figure without events
    defaults = asdict(CrisisConfig())
    description = run.config.get("scenario", {}).get("description", "")
    start = f", from {style.month_label(1, run.start)}" if run.start else ""
    doc = Document(
        title=f"Crisis scenario {run.scenario} (N = {run.seeds:,} runs)",
        finding=findings.run(run.summary),
        lead=(
            f"{description} {run.seeds:,} seeded runs of up to {run.rounds} months{start}; "
            "each ends in freeze talks, war, nuclear war or regime collapse, or is a standoff "
            "at the horizon."
        ).strip(),
        sections=[
            Section("Outcome odds", [headline_table(run)]),
            Section(
                "How this scenario differs from the baseline",
                [
                    Text(
                        "Model parameters that differ from the defaults of the baseline "
                        f"scenario (crisis-sim {__version__}), with the sentence or reason "
                        "behind each."
                    ),
                    changes_table(parameter_changes(run.config, defaults), "baseline"),
                ],
            ),
            Section("Figures", figs),
            Section("Configuration", [config_block(run)]),
        ],
        provenance=provenance(run),
    )
    html, _ = document.write(doc, run.path)
    return html


# --- Several scenarios ----------------------------------------------------------------------


def pick_baseline(runs: list[Run]) -> Run:
    """The reference run of a comparison (see `compare.pick_reference`)."""
    return compare.pick_reference(runs)[0]


def comparison_table(runs: list[Run]) -> Table:
    names = runs[0].outcome_names
    rows = []
    for r in runs:
        o = r.summary["outcomes"]
        rows.append(
            [r.scenario, f"{r.seeds:,}"]
            + [
                f"{_pct(o[k]['probability'])} {_interval(o[k]['ci_low'], o[k]['ci_high'])}"
                if k in o
                else ""
                for k in names
            ]
        )
    return Table(
        ["scenario", "N", *(figures._label(k) for k in names)],
        rows,
        caption="Outcome odds at the horizon, probability [95% Wilson interval, %]",
        align="l" + "r" * (len(names) + 1),
    )


def differences_table(diffs, baseline: Run, paired: bool = True) -> Table:
    names = baseline.outcome_names
    rows = []
    for scenario, d in diffs.items():
        rows.append(
            [scenario]
            + [
                f"{100 * d.loc[k, 'diff']:+.1f} [{100 * d.loc[k, 'ci_low']:+.1f}, "
                f"{100 * d.loc[k, 'ci_high']:+.1f}]"
                for k in names
            ]
        )
    return Table(
        ["scenario", *(figures._label(k) for k in names)],
        rows,
        caption=(
            f"Difference from the reference {baseline.scenario}, percentage points [95% "
            "Newcombe interval], "
            + ("paired by seed" if paired else "independent samples (base seeds differ)")
        ),
        align="l" + "r" * len(names),
    )


def _link_if_exists(folder: Path, name: str) -> Link | str:
    """A link to a job's report file, or a note when that job has no report to open."""
    if (folder / name).is_file():
        return Link(f"{folder.name}/{name}", f"{folder.name}/{name}")
    return "(no report built)"


def comparison_report(path: Path, runs: list[Run], formats: list[str] | None = None) -> Path:
    """The report of a multirun over scenarios; returns its report.html."""
    cmp = compare.compare(runs)
    baseline, ordered = cmp.reference, cmp.runs
    clear_report(path)
    fmts = _formats(baseline, formats)
    figdir = path / FIGURES
    figs = [
        figures.outcome_odds(ordered, figdir, fmts),
        figures.cumulative_incidence(ordered, figdir, fmts),
        figures.escalation_fan(ordered, figdir, fmts),
    ]
    blocks_diff = []
    if len(ordered) > 1:
        diffs = cmp.diffs
        figs.insert(1, compare.difference_figure(diffs, baseline, ordered, figdir, fmts))
        blocks_diff = [differences_table(diffs, baseline, cmp.paired)]
    changes = []
    for r in ordered[1:]:
        changes.append(Text(f"{r.scenario} against {baseline.scenario}:"))
        changes.append(
            changes_table(parameter_changes(r.config, baseline.config), baseline.scenario)
        )
    links = Table(
        ["scenario", "description", "report", "for repositories"],
        [
            [
                r.scenario,
                r.config.get("scenario", {}).get("description", ""),
                _link_if_exists(r.path, document.HTML_NAME),
                _link_if_exists(r.path, document.MD_NAME),
            ]
            for r in ordered
        ],
    )
    names = ", ".join(r.scenario for r in ordered)
    reference = f"the reference {baseline.scenario} (compare.reference)"
    doc = Document(
        title=f"Crisis scenarios compared: {names} (N = {baseline.seeds:,} runs each)",
        finding=findings.comparison(cmp.diffs, baseline.scenario, cmp.note),
        lead=(
            f"{len(ordered)} scenarios, each run over the same seeds; runs with the same seed "
            f"share their random numbers, so each scenario is compared with {reference} "
            "run by run."
            if cmp.paired
            else f"{len(ordered)} scenarios, compared with {reference} as independent samples "
            "(their base seeds differ)."
        ),
        sections=[
            Section("Outcome odds", [comparison_table(ordered), *blocks_diff]),
            Section("How the scenarios differ", changes or [Text("Only one scenario.")]),
            Section("Figures", figs),
            Section("Reports of each scenario", [links]),
        ],
        provenance={
            **provenance(baseline),
            "scenario": names,
            "reference (compare.reference)": baseline.scenario,
            "jobs": ", ".join(
                f"{r.path.name}: {r.scenario} (N = {r.seeds:,}, base seed "
                f"{r.summary.get('base_seed')})"
                for r in ordered
            ),
        },
    )
    html, _ = document.write(doc, path)
    return html
