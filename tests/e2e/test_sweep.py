"""Sweeps end to end: the aggregate, its figures, resume after a kill, launcher equivalence.

Every sweep here is small (a 2 x 2 grid, a few seeds): the point is the
machinery, not the model's numbers, which are never hard-coded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim.core.outcomes import OUTCOMES
from sim.io import files as outputs
from sim.io import sweep as sweep_files
from sim.runs import resume, sweep, tipping
from tests.conftest import console_script, make_config, run_cli

GRID = ("actors.china.collapse_fear=0.2,0.8", "actors.us.hawkishness=0.3,0.7")


def multirun(cli, tmp_path: Path, sweep_dir: Path, *args: str, seeds: int = 6):
    result = cli("-m", *args, f"run.seeds={seeds}", f"hydra.sweep.dir={sweep_dir}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def grid_sweep(tmp_path_factory):
    """One 2 x 2 sweep with its report, shared by the read-only tests below."""
    tmp = tmp_path_factory.mktemp("grid")
    result = multirun(run_cli, tmp, tmp / "sweep", *GRID)
    return tmp / "sweep", result


def test_one_aggregate_row_per_job(grid_sweep):
    sweep_dir, _ = grid_sweep
    table = pq.read_table(sweep_dir / sweep_files.TABLE)
    df = table.to_pandas()
    meta = sweep_files.metadata(table)
    assert meta["swept"] == ["actors.china.collapse_fear", "actors.us.hawkishness"]
    assert meta["common_random_numbers"] is True
    assert df["job"].tolist() == [0, 1, 2, 3]
    pairs = set(zip(df["actors.china.collapse_fear"], df["actors.us.hawkishness"], strict=True))
    assert pairs == {(0.2, 0.3), (0.2, 0.7), (0.8, 0.3), (0.8, 0.7)}
    probs = df[[f"p_{o}" for o in OUTCOMES]].sum(axis=1)
    assert np.allclose(probs, 1.0)
    for o in OUTCOMES:
        assert (df[f"p_{o}_low"] <= df[f"p_{o}"]).all() and (
            df[f"p_{o}"] <= df[f"p_{o}_high"]
        ).all()
        assert (df[f"n_{o}"] == (df[f"p_{o}"] * df["seeds"]).round()).all()
    assert set(df["most_likely"]) <= set(OUTCOMES)
    assert (df["mean_peak_tension"] > 0).all()
    for run_dir in df["run_dir"]:  # each row points at its job's complete outputs
        assert (sweep_dir / run_dir / outputs.SUMMARY).is_file()


def test_jobs_share_random_numbers_with_a_single_run(grid_sweep, tmp_path):
    """A job is the run of its config over run.seeds: same seeds, same outcomes, seed by seed."""
    from sim.runs import replications

    sweep_dir, _ = grid_sweep
    df = pq.read_table(sweep_dir / sweep_files.TABLE).to_pandas()
    job = df.iloc[-1]
    cfg = make_config(
        {
            "actors.china.collapse_fear": job["actors.china.collapse_fear"],
            "actors.us.hawkishness": job["actors.us.hawkishness"],
        },
        seeds=6,
    )
    replications.run(cfg, tmp_path / "single")
    single = (tmp_path / "single" / outputs.OUTCOMES_CSV).read_bytes()
    assert single == (sweep_dir / job["run_dir"] / outputs.OUTCOMES_CSV).read_bytes()


def test_progress_and_final_table(grid_sweep):
    _, result = grid_sweep
    out = result.stdout
    for k in range(1, 5):
        assert f"[{k}/4] jobs done" in out
    assert "sweep: 4 jobs x 6 seeds" in out
    assert "china.collapse_fear" in out and "us.hawkishness" in out
    assert "sweep.parquet" in out


def test_two_parameter_figures_and_report(grid_sweep):
    sweep_dir, _ = grid_sweep
    for name in ("sweep_heatmaps", "sweep_most_likely"):
        assert (sweep_dir / "figures" / f"{name}.png").stat().st_size > 0
        assert not (sweep_dir / "figures" / f"{name}.svg").exists()  # SVG only when asked
    html = (sweep_dir / "report.html").read_text()
    assert "How much each parameter matters" in html and "Every job" in html
    assert (sweep_dir / "report.md").is_file()
    assert not list(sweep_dir.rglob("*.partial"))
    assert not (sweep_dir / sweep_files.TIPPING).exists()  # two parameters: no tipping point


def test_report_is_reproducible(grid_sweep):
    """The same sweep directory gives the same report bytes."""
    from sim.report import sweep as sweep_report

    sweep_dir, _ = grid_sweep
    before = (sweep_dir / "report.md").read_bytes(), (sweep_dir / "report.html").read_bytes()
    sweep_report.report(sweep_dir)
    after = (sweep_dir / "report.md").read_bytes(), (sweep_dir / "report.html").read_bytes()
    assert before == after


def test_one_parameter_sweep_draws_bands_and_tipping_point(cli, tmp_path):
    sweep_dir = tmp_path / "sweep"
    multirun(cli, tmp_path, sweep_dir, "actors.us.hawkishness=0.1,0.5,0.9", seeds=8)
    assert pq.read_table(sweep_dir / sweep_files.TABLE).num_rows == 3
    assert (sweep_dir / "figures" / "sweep_outcomes.png").is_file()
    tip = json.loads((sweep_dir / sweep_files.TIPPING).read_text())
    assert tip["parameter"] == "actors.us.hawkishness"
    assert tip["war_counts"] == ["war", "nuclear_war"]
    assert tip["status"] in ("crossing", "no_crossing", "war_leads_at_start")
    assert (sweep_dir / "figures" / "sweep_tipping_point.png").is_file()
    assert tip["statement"] in (sweep_dir / "report.md").read_text()


def test_bad_sweep_value_fails_before_any_job(cli, tmp_path):
    result = cli(
        "-m",
        "actors.china.collapse_fear=0.5,1.5",
        "run.seeds=2",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "actors.china.collapse_fear=1.5" in result.stderr and "[0.0, 1.0]" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "sweep" / "0").exists()


def test_check_covers_every_job_of_an_experiment_grid():
    """Values from hydra.sweeper.params are checked in combination, naming the job."""
    from hydra import compose, initialize_config_dir

    from sim.app.callbacks import _base
    from sim.app.resources import CONFIGS
    from sim.core.params import ConfigError

    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        cfg = compose("config", return_hydra_config=True)
    plan = sweep.Plan(
        [["actors.china.trade_share=0.5"], ["actors.china.trade_share=0.99"]],
        [{"actors.china.trade_share": 0.5}, {"actors.china.trade_share": 0.99}],
    )
    with pytest.raises(ConfigError, match=r"trade_share.*sweep job #1"):
        sweep.check(_base(cfg), plan)


# --- Resume ---------------------------------------------------------------------------------


def test_completed_recognises_only_complete_outputs(tmp_path):
    from sim.runs import replications

    cfg = make_config(seeds=4)
    run = tmp_path / "run"
    replications.run(cfg, run)
    assert resume.completed(run, cfg) is not None

    quiet = make_config(seeds=4)
    quiet.run.progress, quiet.run.batch = True, 7  # presentation only: still complete
    assert resume.completed(run, quiet) is not None
    assert resume.completed(run, make_config(seeds=5)) is None
    assert resume.completed(run, make_config({"actors.us.hawkishness": 0.11}, seeds=4)) is None

    traj = run / outputs.TRAJECTORIES
    data = traj.read_bytes()
    traj.write_bytes(data[: len(data) // 2])  # a half-written file renamed by mistake
    assert resume.completed(run, cfg) is None
    traj.write_bytes(data)
    (run / outputs.SUMMARY).unlink()
    assert resume.completed(run, cfg) is None


def _summaries(sweep_dir: Path) -> dict[str, float]:
    return {p.parent.name: p.stat().st_mtime_ns for p in sweep_dir.glob(f"*/{outputs.SUMMARY}")}


def test_resume_after_kill(tmp_path):
    """Kill a sweep mid-way; the rerun skips finished jobs and aggregates all of them."""
    sweep_dir = tmp_path / "sweep"
    args = [
        console_script(),
        "-m",
        *GRID,
        "run.seeds=150",
        "report.enabled=false",
        f"hydra.sweep.dir={sweep_dir}",
    ]
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.Popen(
        args,
        cwd=tmp_path,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not (sweep_dir / "0" / outputs.SUMMARY).exists():  # job 0 done, job 1 under way
        assert time.monotonic() < deadline and proc.poll() is None, "sweep ended too early"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    table, missing = sweep.gather(sweep_dir)
    assert table is None and 0 not in missing and len(missing) >= 2
    assert not (sweep_dir / sweep_files.TABLE).exists()
    for num in missing:  # nothing a later aggregation could take as complete
        assert sweep.job_summary(sweep_dir / str(num)) is None
    done = _summaries(sweep_dir)

    rerun = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "[4/4] jobs done" in rerun.stdout
    assert rerun.stdout.count("not rerun") == len(done)
    after = _summaries(sweep_dir)
    assert all(after[name] == mtime for name, mtime in done.items())  # finished jobs untouched
    assert pq.read_table(sweep_dir / sweep_files.TABLE).num_rows == 4

    clean = tmp_path / "clean"
    fresh = [*args[:-1], f"hydra.sweep.dir={clean}"]
    subprocess.run(fresh, cwd=tmp_path, env=env, check=True, capture_output=True)
    assert (sweep_dir / sweep_files.TABLE).read_bytes() == (clean / sweep_files.TABLE).read_bytes()


def test_a_sweep_into_another_sweeps_directory_is_refused(cli, tmp_path):
    """Another plan in the directory: one line, exit 2, and the first sweep's table untouched."""
    sweep_dir = tmp_path / "sweep"
    multirun(cli, tmp_path, sweep_dir, "actors.us.hawkishness=0.2,0.6", "report.enabled=false")
    before = (sweep_dir / sweep_files.TABLE).read_bytes()
    result = cli(
        "-m",
        "actors.us.hawkishness=0.3,0.6",
        "run.seeds=6",
        "report.enabled=false",
        f"hydra.sweep.dir={sweep_dir}",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "holds another sweep" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (sweep_dir / sweep_files.TABLE).read_bytes() == before


# --- Launchers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def basic_sweep(tmp_path_factory):
    """The reference for launcher equivalence: the 2 x 2 grid on the basic launcher."""
    tmp = tmp_path_factory.mktemp("basic")
    multirun(run_cli, tmp, tmp / "sweep", *GRID, "report.enabled=false")
    return tmp / "sweep"


@pytest.mark.parametrize("launcher", ["joblib", "submitit_local"])
def test_launchers_give_identical_aggregates(cli, tmp_path, basic_sweep, launcher):
    """basic, joblib and submitit's local executor: the same sweep.parquet, byte for byte."""
    other = tmp_path / launcher
    extra = ["hydra.launcher.timeout_min=5"] if launcher.startswith("submitit") else []
    multirun(
        cli, tmp_path, other, *GRID, "report.enabled=false", f"hydra/launcher={launcher}", *extra
    )
    table = sweep_files.TABLE
    assert (other / table).read_bytes() == (basic_sweep / table).read_bytes()


# --- Tipping point --------------------------------------------------------------------------


def test_crossing_interpolates_and_says_when_there_is_none():
    x = np.array([0.0, 0.5, 1.0])
    assert tipping.crossing(x, np.array([-0.4, -0.2, 0.2])) == pytest.approx(0.75)
    assert tipping.crossing(x, np.array([-0.4, -0.2, -0.1])) == np.inf
    assert tipping.crossing(x, np.array([0.0, 0.2, 0.3])) == -np.inf
    none = tipping.analyse("k", x, [0.1, 0.1, 0.1], [0.5, 0.4, 0.3])
    assert none["status"] == "no_crossing" and none["estimate"] is None
    assert "no tipping point" in none["statement"]


def test_paired_bootstrap_interval_brackets_the_crossing():
    rng = np.random.default_rng(0)
    x = np.linspace(0, 1, 11)
    seeds = 400
    u = rng.random((seeds, 1))  # one draw per seed, shared by every grid value (CRN)
    p_war, p_talks = 0.1 + 0.5 * x, 0.7 - 0.5 * x  # cross at x = 0.6
    war = u < p_war
    talks = (u >= p_war) & (u < p_war + p_talks)
    diff = war.astype(float) - talks
    r = tipping.analyse("k", x, war.mean(0), talks.mean(0), diff, seed=1)
    lo, hi = r["interval"]
    assert r["status"] == "crossing" and lo <= r["estimate"] <= hi
    assert lo < 0.6 < hi and hi - lo < 0.3
    assert tipping.analyse("k", x, war.mean(0), talks.mean(0), diff, seed=1) == r
