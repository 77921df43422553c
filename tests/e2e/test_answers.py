"""The answer a user ran a command for, end to end through `crisis-sim`: in the terminal, in
`--help`, and at the top of every report.

Every number checked here is recomputed with the functions the report uses
(`compare.differences`, `stats.wilson`, the tipping point file), never hard-coded.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim.app import help as app_help
from sim.core.outcomes import OUTCOMES
from sim.core.params import CrisisConfig, walk
from sim.io import sweep as sweep_files
from sim.io.run import load_run
from sim.report import compare, findings, style, text
from tests.conftest import ROOT, console_script, run_cli

QUICK = ("run.seeds=40", "run.rounds=12")
SCENARIOS = "scenario=baseline,no_exercises,china_strict"


COMMANDS = {
    "run": (*QUICK,),
    "compare": ("-m", SCENARIOS, *QUICK),
    "compare_ref": ("-m", SCENARIOS, "compare.reference=no_exercises", *QUICK),
    "compare_nobase": ("-m", "scenario=no_exercises,china_strict", *QUICK),
    "tipping": (
        "experiment=tipping_point",
        "actors.us.hawkishness=0.2,0.6,0.8,1.0",
        "hydra/launcher=basic",
        "run.seeds=60",
    ),
    "no_crossing": (
        "experiment=tipping_point",
        "actors.us.hawkishness=0.0,0.2",
        "hydra/launcher=basic",
        "run.seeds=30",
        "report.enabled=false",
    ),
    "grid": (
        "-m",
        "actors.us.hawkishness=0.3,0.8",
        "actors.china.collapse_fear=0.2,0.9",
        *QUICK,
    ),
    "sensitivity": (
        "experiment=sensitivity_morris",
        "sensitivity.samples=2",
        "sensitivity.seeds=4",
        "run.rounds=12",
    ),
}
TIMEOUT = 900  # a loaded machine runs these slowly; none should take a minute alone


class Outputs:
    """Each command of COMMANDS run once, when a test first asks for it: (process, directory)."""

    def __init__(self, base: Path):
        self.base, self.done = base, {}

    def __getitem__(self, name: str) -> tuple[subprocess.CompletedProcess, Path]:
        if name not in self.done:
            out = self.base / name
            env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
            args = (*COMMANDS[name], f"hydra.run.dir={out}", f"hydra.sweep.dir={out}")
            proc = subprocess.run(
                [console_script(), *args],
                cwd=self.base,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
            assert proc.returncode == 0, f"{name}: {proc.stderr[-3000:]}"
            self.done[name] = (proc, out)
        return self.done[name]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Outputs:
    return Outputs(tmp_path_factory.mktemp("answers"))


def _points(d, k) -> str:
    """A difference as the terminal prints it."""
    return (
        f"{100 * d.loc[k, 'diff']:+.1f} ({100 * d.loc[k, 'ci_low']:+.1f} to "
        f"{100 * d.loc[k, 'ci_high']:+.1f})"
    )


def _line(stdout: str, start: str, after: str) -> str:
    """The first line starting with `start` below the line containing `after`."""
    lines = stdout.splitlines()
    i = next(i for i, ln in enumerate(lines) if after in ln)
    return next(ln for ln in lines[i + 1 :] if ln.startswith(start))


# --- 1, 4: scenario comparisons ---------------------------------------------------------------


def test_a_comparison_prints_each_scenarios_paired_difference_from_the_reference(outputs):
    proc, out = outputs["compare"]
    runs = [load_run(out / str(j)) for j in range(3)]
    ref = next(r for r in runs if r.scenario == "baseline")
    diffs = compare.differences(runs, ref)  # the report's own computation
    assert "Difference from the reference baseline (compare.reference)" in proc.stdout
    for scenario in ("no_exercises", "china_strict"):
        row = _line(proc.stdout, scenario, "Difference from the reference")
        for k in ref.outcome_names:
            assert _points(diffs[scenario], k) in row, (scenario, k, row)
    for r in runs:  # the absolute odds too, with their intervals
        row = _line(proc.stdout, r.scenario, "Outcome odds")
        o = r.summary["outcomes"]
        for k in OUTCOMES:
            assert text.compact(o[k]["probability"], o[k]["ci_low"], o[k]["ci_high"]) in row


def test_the_comparison_reports_finding_names_what_changes_by_how_much(outputs):
    proc, out = outputs["compare"]
    cmp = compare.of_directory(out)
    sentence = findings.comparison(cmp.diffs, "baseline")
    assert sentence in proc.stdout
    md = (out / "report.md").read_text()
    assert md.index(f"**Key finding.** {sentence}") < md.index("\n## ")
    for scenario, d in cmp.diffs.items():
        name, _ = findings.largest_change(d)
        assert scenario in sentence and _points(d, name).split(" (")[0] in sentence


def test_compare_reference_chooses_the_reference_in_terminal_and_report(outputs):
    proc, out = outputs["compare_ref"]
    assert "Difference from the reference no_exercises (compare.reference)" in proc.stdout
    assert _line(proc.stdout, "baseline", "Difference from the reference")
    assert "no_exercises  " not in proc.stdout.split("Difference from the reference")[1]
    md = (out / "report.md").read_text()
    assert "the reference no_exercises (compare.reference)" in md
    assert "Against the reference no_exercises" in md


def test_without_a_baseline_the_first_scenario_is_the_reference_and_the_output_says_so(outputs):
    proc, out = outputs["compare_nobase"]
    note = "Reference: no_exercises, the first scenario, as no baseline was run"
    assert note in proc.stdout
    assert note in (out / "report.md").read_text()


def test_a_reference_that_is_not_compared_stops_before_any_job(tmp_path):
    proc = run_cli(
        "-m",
        SCENARIOS,
        "compare.reference=us_restraint",
        *QUICK,
        f"hydra.sweep.dir={tmp_path / 'out'}",
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "compare.reference=us_restraint is not among the scenarios compared" in proc.stderr
    assert not (tmp_path / "out" / "0").exists()


# --- 2: the tipping point ---------------------------------------------------------------------


def test_the_tipping_point_experiment_prints_the_crossing_with_its_interval(outputs):
    proc, out = outputs["tipping"]
    tip = sweep_files.read_tipping(out)
    assert tip["status"] == "crossing"
    lo, hi = tip["interval"]
    line = (
        f"War (war or nuclear war) overtakes talks at United States: hawkishness = "
        f"{tip['estimate']:.3g}, 95% CI {lo:.3g}–{hi:.3g}"
    )
    assert line in proc.stdout
    assert "likeliest outcome is" in proc.stdout.split(line)[1].splitlines()[0]
    md = (out / "report.md").read_text()
    assert line in md.split("\n## ")[0]  # in the key finding, above the first section


def test_no_crossing_on_the_grid_is_said_plainly(outputs):
    proc, out = outputs["no_crossing"]
    assert sweep_files.read_tipping(out)["status"] == "no_crossing"
    assert "never overtakes talks on this grid" in proc.stdout
    assert "no tipping point" in proc.stdout


# --- 3: the sweep table -----------------------------------------------------------------------


def test_the_printed_sweep_table_gives_every_probability_with_its_interval(outputs):
    proc, out = outputs["grid"]
    rows = pq.read_table(out / sweep_files.TABLE).to_pylist()
    lines = proc.stdout.splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("job "))
    assert "95% Wilson interval" in lines[head - 1]
    for r, line in zip(rows, lines[head + 1 : head + 1 + len(rows)], strict=True):
        assert line.split()[0] == str(r["job"])
        for o in OUTCOMES:
            assert text.compact(r[f"p_{o}"], r[f"p_{o}_low"], r[f"p_{o}_high"]) in line
        assert len(line) <= 132  # compact: one line per job in a 132-column terminal


# --- 5: timing labels -------------------------------------------------------------------------


def test_times_are_calendar_months_with_the_round_in_terminal_and_report(outputs):
    proc, out = outputs["run"]
    summary = load_run(out).summary
    assert "median round" not in proc.stdout
    shown = [
        style.when(r["median_round"], summary["start"])
        for r in summary["outcomes"].values()
        if r["median_round"] is not None
    ]
    assert shown
    for label in shown:
        assert re.fullmatch(
            r"([A-Z][a-z]{2}( \d{4})?–)?[A-Z][a-z]{2} \d{4} \(round \d+(\.5)?\)", label
        )
        assert label in proc.stdout
        assert label in (out / "report.md").read_text()


# --- 6: --help and the README -----------------------------------------------------------------


def test_help_lists_every_key_with_meaning_range_and_default_by_actor(tmp_path):
    proc = run_cli("--help", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for actor in ("United States (actors.us", "China (actors.china", "Russia (actors.russia"):
        assert f"\n{actor}.*)\n" in out
    assert "\nDPRK (actors.dprk.*)\n" in out
    lines = {ln.split()[0]: ln for ln in out.splitlines() if ln.startswith("  ") and ln.split()}
    for key, value, f in walk(CrisisConfig()):
        assert key in lines, key
        line = lines[key]
        assert app_help.meaning(key, f) in line
        assert app_help.allowed(key, f, value) in line
        assert app_help._value(value) in line
    assert "[0, 1]" in lines["actors.us.hawkishness"] and " 0.6 " in lines["actors.us.hawkishness"]
    assert "not run.seeds" in lines["sensitivity.seeds"]
    assert "docs/ODD.md" in out and "sim/core/params.py" in out


def test_every_actor_key_has_a_meaning_of_its_own_not_only_its_article_sentence():
    actor_keys = [k for k, _, _ in walk(CrisisConfig()) if k.startswith("actors.")]
    assert [k for k in actor_keys if k not in app_help.MEANINGS] == []
    assert [k for k in app_help.MEANINGS if k not in app_help.documented_keys()] == []


def test_the_readme_documents_every_run_key():
    readme = (ROOT / "README.md").read_text()
    rows = set(re.findall(r"^\| `([a-z_.]+)` \|", readme, re.MULTILINE))
    sections = ("task", "run.", "report.", "sensitivity.", "compare.")
    keys = [k for k in app_help.documented_keys() if k.startswith(sections)]
    assert [k for k in keys if k not in rows] == []
    assert re.search(r"`sensitivity.seeds`.*not.*`run.seeds`", readme)


# --- 7: the key finding and contents of every report ------------------------------------------


@pytest.mark.parametrize("name", ["run", "compare", "tipping", "grid", "sensitivity"])
def test_every_report_opens_with_a_key_finding_and_a_table_of_contents(outputs, name):
    _, out = outputs[name]
    md = (out / "report.md").read_text()
    top = md.split("\n## ")[0]
    assert "**Key finding.**" in top and "**Contents**" in top
    headings = re.findall(r"^## (.+)$", md, re.MULTILINE)
    for h in headings:
        assert f"[{h}](#" in top
    html = (out / "report.html").read_text()
    assert html.index("Key finding") < html.index("<h2")


def test_the_run_finding_is_printed_first_and_heads_the_report(outputs):
    proc, out = outputs["run"]
    sentence = findings.run(load_run(out).summary)
    assert proc.stdout.splitlines()[0] == sentence
    assert f"**Key finding.** {sentence}" in (out / "report.md").read_text()


def test_the_sweep_finding_names_the_parameter_that_matters_most(outputs):
    _, out = outputs["grid"]
    top = (out / "report.md").read_text().split("\n## ")[0]
    assert "matters most" in top and "percentage points (95% CI" in top


def test_the_sensitivity_finding_is_printed_and_heads_the_report(outputs):
    proc, out = outputs["sensitivity"]
    first = proc.stdout.splitlines()[0]
    assert first.startswith("The preference that matters most")
    assert f"**Key finding.** {first}" in (out / "report.md").read_text()


# --- 11: links in the every-job table ---------------------------------------------------------


@pytest.mark.parametrize("name", ["compare", "tipping", "grid"])
def test_report_links_lead_to_files_that_exist(outputs, name):
    _, out = outputs[name]
    md = (out / "report.md").read_text()
    targets = re.findall(r"\]\(([^)#:]+)\)", md)
    assert targets
    missing = [t for t in targets if not (out / t).exists()]
    assert missing == []
    assert not re.search(r"\]\(\d+/\)", md)  # no link to a bare job folder
