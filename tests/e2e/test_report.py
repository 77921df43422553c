"""The plotted report: built from a run directory's files alone, true to summary.json."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from sim import stats
from sim.app import report_cli as cli
from sim.core.params import CrisisConfig
from sim.io.run import ReportError, load_run
from sim.report import build, document, style
from sim.runs import replications

SEEDS = 30
RUN_FIGURES = (
    "outcome_odds",
    "cumulative_incidence",
    "escalation_fan",
    "council",
    "sanctions",
    "dprk",
    "timeline",
)
INPUTS = ("summary.json", "provenance.json", "outcomes.csv", "trajectories.parquet")


def config(scenario: str = "baseline", **changes) -> CrisisConfig:
    cfg = CrisisConfig()
    cfg.scenario.name = scenario
    cfg.run.seeds = SEEDS
    cfg.run.progress = False
    for key, value in changes.items():
        obj = cfg
        *parents, leaf = key.split(".")
        for part in parents:
            obj = getattr(obj, part)
        setattr(obj, leaf, value)
    return cfg


def fresh_copy(src: Path, dst: Path) -> Path:
    """A copy of a run directory's inputs only (no figures, no report)."""
    dst.mkdir(parents=True)
    for name in INPUTS:
        shutil.copy2(src / name, dst / name)
    return dst


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """A small run's output directory, inputs only; tests copy it before building."""
    out = tmp_path_factory.mktemp("run")
    replications.run(config(), out)
    return out


@pytest.fixture(scope="session")
def built(run_dir, tmp_path_factory) -> Path:
    """The same run with its report built."""
    out = fresh_copy(run_dir, tmp_path_factory.mktemp("built") / "run")
    build.report(out, formats=["png", "svg"])
    return out


@pytest.fixture(scope="session")
def multirun(tmp_path_factory) -> Path:
    """A multirun over two scenarios laid out as Hydra does (0/, 1/), same base seed."""
    root = tmp_path_factory.mktemp("multi")
    replications.run(config(), root / "0")
    replications.run(config("no_exercises", **{"actors.us.exercises": False}), root / "1")
    return root


# --- Figures ---------------------------------------------------------------------------------


def test_every_figure_is_produced_in_png_and_svg(built):
    for name in RUN_FIGURES:
        png, svg = built / "figures" / f"{name}.png", built / "figures" / f"{name}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert svg.read_text().lstrip().startswith("<?xml"), name
    assert not list(built.rglob("*.partial")), "a temporary file was left behind"


def test_a_run_report_writes_png_only_unless_other_formats_are_asked(run_dir, tmp_path):
    copy = fresh_copy(run_dir, tmp_path / "plain")
    build.report(copy)
    assert sorted(p.suffix for p in (copy / "figures").iterdir()) == [".png"] * len(RUN_FIGURES)
    assert ".svg" not in (copy / "report.md").read_text()


def test_figures_are_150_dpi_and_titled_with_scenario_and_n(built):
    from PIL import Image

    for name in RUN_FIGURES:
        with Image.open(built / "figures" / f"{name}.png") as im:
            assert round(im.info["dpi"][0]) == style.DPI, name
        svg = (built / "figures" / f"{name}.svg").read_text()
        assert "baseline" in svg and f"N = {SEEDS}" in svg, name


def test_time_axes_are_calendar_months(built):
    svg = (built / "figures" / "escalation_fan.svg").read_text()
    assert "Aug" in svg and "2017" in svg and "2018" in svg
    assert style.month_label(1, "2017-08") == "Aug 2017"
    assert style.month_label(6, "2017-08") == "Jan 2018"


def test_pdf_on_request(built, tmp_path):
    from sim.report import figures

    with style.context():
        fig = figures.dprk(load_run(built), tmp_path, ["pdf"])
    assert fig.others[0].read_bytes()[:5] == b"%PDF-"
    assert fig.png.is_file()  # the HTML always needs the PNG


@pytest.mark.parametrize("enabled", [True, False])
def test_a_run_builds_its_report_unless_disabled(tmp_path, enabled):
    exe = Path(sys.executable).with_name("crisis-sim")
    args = ["run.seeds=12", "run.progress=false", f"report.enabled={str(enabled).lower()}"]
    done = subprocess.run(
        [str(exe), *args, f"hydra.run.dir={tmp_path}"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report.html").is_file() == enabled
    assert (tmp_path / "figures").is_dir() == enabled


# --- The document ----------------------------------------------------------------------------


def test_html_is_self_contained_and_md_links_the_figures(built):
    html = (built / "report.html").read_text()
    md = (built / "report.md").read_text()
    assert html.count("data:image/png;base64,") == len(RUN_FIGURES)
    assert '<img src="figures' not in html
    for name in RUN_FIGURES:
        assert f"(figures/{name}.png)" in md
    for key in ("git commit", "base seed", "crisis-sim version", "Resolved config"):
        assert key in html and key in md


def headline_rows(md: str) -> dict[str, list[str]]:
    """Rows of the first table of report.md, keyed by their first cell."""
    lines = md.split("## Outcome odds", 1)[1].splitlines()
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| ---")]
    return {
        cells[0]: cells[1:]
        for cells in ([c.strip() for c in r.strip("|").split("|")] for r in rows[1:])
    }


def test_headline_numbers_match_summary_json(built):
    summary = json.loads((built / "summary.json").read_text())
    rows = headline_rows((built / "report.md").read_text())
    for name, s in summary["outcomes"].items():
        p, ci, count, _ = rows[style.outcome_label(name)]
        assert float(p.rstrip("%")) == pytest.approx(100 * s["probability"], abs=0.05)
        lo, hi = (float(x) for x in re.findall(r"[\d.]+", ci))
        assert lo == pytest.approx(100 * s["ci_low"], abs=0.05)
        assert hi == pytest.approx(100 * s["ci_high"], abs=0.05)
        assert int(count.replace(",", "")) == s["count"]


def test_cumulative_incidence_stacks_to_one_and_ends_at_summary(built):
    run = load_run(built)
    cif = stats.cumulative_incidence(run.outcomes, run.rounds, run.outcome_names)
    assert (cif.sum(axis=1) - 1).abs().max() < 1e-12
    assert cif.diff().drop(columns="standoff").min().min() >= 0  # never decreases
    for name, s in run.summary["outcomes"].items():
        assert cif[name].iloc[-1] == pytest.approx(s["probability"], abs=1e-6)


def test_document_escapes_text_and_writes_atomically(tmp_path):
    doc = document.Document(
        "A <b> | title",
        sections=[document.Section("S", [document.Table(["a|b"], [["<x>"]])])],
    )
    html_path, md_path = document.write(doc, tmp_path)
    assert "<b> |" not in html_path.read_text() and "&lt;x&gt;" in html_path.read_text()
    assert "a\\|b" in md_path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.md"]


# --- Rebuilding ------------------------------------------------------------------------------


def test_report_rebuilds_from_a_copy_with_identical_bytes(built, tmp_path):
    copy = fresh_copy(built, tmp_path / "elsewhere")
    html = build.report(copy, formats=["png", "svg"])
    assert html == copy / "report.html"
    for rel in ("report.md", "report.html", "figures/sanctions.svg", "figures/timeline.png"):
        assert (copy / rel).read_bytes() == (built / rel).read_bytes(), rel


def test_figures_drawn_by_two_processes_are_those_drawn_by_one(built, tmp_path, monkeypatch):
    from sim.report import parallel

    monkeypatch.setattr(parallel, "PROCESSES", 1)
    copy = fresh_copy(built, tmp_path / "one")
    build.report(copy, formats=["png", "svg"])
    names = sorted(p.name for p in (built / "figures").iterdir())
    assert names == sorted(p.name for p in (copy / "figures").iterdir())
    for rel in ("report.md", "report.html", *(f"figures/{n}" for n in names)):
        assert (copy / rel).read_bytes() == (built / rel).read_bytes(), rel


def test_a_figure_that_fails_in_the_child_fails_the_report(built, tmp_path, monkeypatch):
    from sim.report import figures

    def broken(*args, **kwargs):
        raise ReportError("broken figure")

    monkeypatch.setattr(figures, "council", broken)
    copy = fresh_copy(built, tmp_path / "broken")
    with pytest.raises(ReportError, match="broken figure"):
        build.report(copy)
    assert not (copy / "report.html").exists()


def test_crisis_report_console_script(built, tmp_path):
    copy = fresh_copy(built, tmp_path / "copy")
    exe = Path(sys.executable).with_name("crisis-report")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "sim.report.cli"]
    done = subprocess.run([*cmd, str(copy)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(copy / "report.html")


# --- Damaged directories ---------------------------------------------------------------------


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _drop_rows(path: Path) -> None:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) // 2]))


DAMAGE = {
    "missing summary": ("summary.json", lambda p: p.unlink()),
    "missing trajectories": ("trajectories.parquet", lambda p: p.unlink()),
    "missing outcomes": ("outcomes.csv", lambda p: p.unlink()),
    "missing provenance": ("provenance.json", lambda p: p.unlink()),
    "truncated parquet": ("trajectories.parquet", _truncate),
    "broken json": ("summary.json", lambda p: p.write_text('{"scenario": ')),
    "partial outcomes": ("outcomes.csv", _drop_rows),
    "summary without outcomes": (
        "summary.json",
        lambda p: p.write_text(json.dumps({"scenario": "x", "seeds": 1, "rounds": 2})),
    ),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_directory_names_the_file(run_dir, tmp_path, damage, capsys):
    name, harm = DAMAGE[damage]
    out = fresh_copy(run_dir, tmp_path / "run")
    harm(out / name)
    with pytest.raises(ReportError, match=re.escape(name)):
        build.report(out)
    assert cli.main([str(out)]) != 0
    err = capsys.readouterr().err
    assert err.startswith("crisis-report: error:") and name in err
    assert "Traceback" not in err


def test_interrupted_run_is_reported_as_such(run_dir, tmp_path):
    out = fresh_copy(run_dir, tmp_path / "run")
    (out / "trajectories.parquet").rename(out / "trajectories.parquet.partial")
    with pytest.raises(ReportError, match="interrupted"):
        build.report(out)


def test_not_an_output_directory(tmp_path):
    with pytest.raises(ReportError, match="not an output directory"):
        build.report(tmp_path)
    with pytest.raises(ReportError, match="not a directory"):
        build.report(tmp_path / "nowhere")


# --- Several scenarios -----------------------------------------------------------------------


def test_multirun_compares_scenarios_paired_by_seed(multirun):
    html = build.report(multirun)
    assert html == multirun / "report.html"
    assert (multirun / "figures" / "scenario_differences.png").is_file()
    for job in ("0", "1"):
        assert (multirun / job / "report.html").is_file()
    md = (multirun / "report.md").read_text()
    assert "actors.us.exercises" in md  # the parameter in which the scenario differs

    base = pd.read_csv(multirun / "0" / "outcomes.csv")
    scen = pd.read_csv(multirun / "1" / "outcomes.csv")
    table = md.split("Difference from the reference baseline", 1)[1]
    row = next(line for line in table.splitlines() if line.startswith("| no_exercises"))
    cells = [c.strip() for c in row.strip("|").split("|")][1:]
    names = list(json.loads((multirun / "0" / "summary.json").read_text())["outcomes"])
    for name, cell in zip(names, cells, strict=True):
        expected = 100 * ((scen["outcome"] == name).mean() - (base["outcome"] == name).mean())
        assert float(cell.split()[0]) == pytest.approx(expected, abs=0.05)


def test_paired_interval_is_sound_and_narrower_than_unpaired():
    # Strong positive pairing: most runs agree between scenario and baseline.
    diff, lo, hi = stats.newcombe_paired(40, 12, 3, 45)
    assert -1 <= lo < diff < hi <= 1
    udiff, ulo, uhi = stats.newcombe_unpaired(52, 100, 43, 100)
    assert diff == pytest.approx(udiff)
    assert hi - lo < uhi - ulo
    # No change at all: the interval is centred on zero.
    diff, lo, hi = stats.newcombe_paired(10, 0, 0, 90)
    assert diff == 0 and lo < 0 < hi


def test_a_sweep_is_handed_to_the_sweep_report(multirun, tmp_path, monkeypatch):
    sweep_dir = tmp_path / "sweep"
    sweep_dir.mkdir()
    (sweep_dir / "sweep.parquet").write_bytes(b"")
    called = []
    fake = types.ModuleType("sim.report.sweep")
    fake.report = lambda path, *a, **k: called.append(Path(path)) or Path(path) / "report.html"
    monkeypatch.setitem(sys.modules, "sim.report.sweep", fake)
    import sim.report

    monkeypatch.setattr(sim.report, "sweep", fake, raising=False)
    build.report(sweep_dir)
    assert called == [sweep_dir]


def test_jobs_repeating_a_scenario_form_a_sweep(tmp_path):
    for i, value in enumerate(("0.2", "0.8")):
        hydra = tmp_path / str(i) / ".hydra"
        hydra.mkdir(parents=True)
        (hydra / "overrides.yaml").write_text(f"- actors.us.hawkishness={value}\n")
    assert build.is_sweep([tmp_path / "0", tmp_path / "1"])
    for i, name in enumerate(("baseline", "no_exercises")):
        (tmp_path / str(i) / ".hydra" / "overrides.yaml").write_text(f"- scenario={name}\n")
    assert not build.is_sweep([tmp_path / "0", tmp_path / "1"])


def test_representative_run_is_deterministic_and_typical(built):
    run = load_run(built)
    seed = stats.representative_seed(run.outcomes)
    assert seed == stats.representative_seed(run.outcomes.sample(frac=1, random_state=1))
    modal = run.outcomes["outcome"].value_counts().max()
    outcome = run.outcomes.set_index("seed").loc[seed, "outcome"]
    assert (run.outcomes["outcome"] == outcome).sum() == modal
