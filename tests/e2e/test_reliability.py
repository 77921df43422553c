"""Outputs that cannot lie: each test reproduces a way a run, sweep or report could mislead.

Every failure a user can cause (a stale directory, two writers, a damaged
file, a full disk, Ctrl-C, a hostile config) must end in one line naming
the problem, never in a traceback or in a result that looks right but is not.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import console_script, interruptible, run_cli

QUICK = ("run.seeds=4", "run.rounds=6", "report.enabled=false", "run.progress=false")


def one_line_error(proc: subprocess.CompletedProcess, code: int = 2) -> str:
    """The single stderr line of a failed command (no traceback), after checking its exit code."""
    assert proc.returncode == code, (proc.returncode, proc.stdout[-2000:], proc.stderr[-3000:])
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, proc.stderr[-3000:]
    return lines[0]


def scenario_file(config_dir: Path, name: str, body: str) -> Path:
    path = config_dir / "scenario" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# @package _global_\n" + body, encoding="utf-8")
    return path


# --- 1. A sweep gathers exactly its own plan --------------------------------------------------


def test_sweep_refuses_a_directory_of_another_plan_after_a_scenario_edit(tmp_path):
    cd = tmp_path / "conf"
    edit = scenario_file(
        cd, "t_edit", "scenario:\n  name: t_edit\nactors:\n  us:\n    hawkishness: 0.1\n"
    )
    s = tmp_path / "S"
    first = run_cli(
        "-m", "--config-dir", str(cd), "scenario=baseline,china_strict,t_edit", *QUICK,
        f"hydra.sweep.dir={s}", cwd=tmp_path,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr[-3000:]
    edit.write_text(edit.read_text().replace("0.1", "0.9"))
    second = run_cli(
        "-m", "--config-dir", str(cd), "scenario=t_edit,baseline", *QUICK,
        f"hydra.sweep.dir={s}", cwd=tmp_path,
    )  # fmt: skip
    line = one_line_error(second)
    assert str(s) in line and "another sweep" in line
    assert "t_edit" not in second.stdout and "jobs done" not in second.stdout


def test_sweep_refuses_a_damaged_directory_of_another_plan_without_looping(tmp_path):
    t = tmp_path / "T"
    five = run_cli(
        "-m", "actors.us.hawkishness=0.1,0.3,0.5,0.7,0.9", *QUICK, f"hydra.sweep.dir={t}",
        cwd=tmp_path,
    )  # fmt: skip
    assert five.returncode == 0, five.stderr[-3000:]
    outcomes = t / "4" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text().splitlines()[0] + "\n")
    second = run_cli(
        "-m", "actors.us.hawkishness=0.2,0.4", *QUICK, f"hydra.sweep.dir={t}", cwd=tmp_path
    )
    line = one_line_error(second)
    assert "another sweep" in line
    assert "missing" not in second.stdout + second.stderr


# --- 2. One writer per directory ---------------------------------------------------------------

HOLD = """
import sys, time
from sim.io import lock
lock.hold(sys.argv[1])
print("held", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held(tmp_path):
    """A directory locked by another process, as a running crisis-sim holds it."""
    directory = tmp_path / "busy"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(directory)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield directory
    finally:
        holder.kill()
        holder.wait()


def test_a_second_run_into_a_busy_directory_is_refused(held, tmp_path):
    proc = run_cli(*QUICK, f"hydra.run.dir={held}", cwd=tmp_path)
    line = one_line_error(proc)
    assert str(held) in line and "in use by another crisis-sim" in line
    assert not (held / "summary.json").exists() and not (held / ".hydra").exists()


def test_a_second_sweep_into_a_busy_directory_is_refused(held, tmp_path):
    proc = run_cli("-m", "actors.us.hawkishness=0.2,0.8", *QUICK, f"hydra.sweep.dir={held}",
                   cwd=tmp_path)  # fmt: skip
    line = one_line_error(proc)
    assert "in use by another crisis-sim" in line and "hydra.sweep.dir" in line
    assert not (held / "sweep.json").exists() and not (held / "0").exists()


def test_a_joblib_sweep_is_not_blocked_by_its_own_lock(tmp_path):
    s = tmp_path / "S"
    proc = run_cli("-m", "hydra/launcher=joblib", "actors.us.hawkishness=0.2,0.8", *QUICK,
                   f"hydra.sweep.dir={s}", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (s / "sweep.parquet").is_file()


def test_default_run_directories_differ_within_one_second(tmp_path):
    procs = [
        subprocess.Popen(
            [console_script(), *QUICK],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-3000:]
    runs = sorted((tmp_path / "results" / "baseline").iterdir())
    assert len(runs) == 2
    assert all((r / "summary.json").is_file() for r in runs)


def test_temporary_names_are_unique_to_the_process_and_call(tmp_path):
    from sim.io import files

    a, b = files.partial(tmp_path / "x.csv"), files.partial(tmp_path / "x.csv")
    assert a != b and str(os.getpid()) in a.name and a.name.endswith(".partial")


# --- 3. Resume applies the checks of crisis-report ---------------------------------------------


@pytest.fixture
def finished(tmp_path, config):
    from sim.runs import replications

    cfg = config(seeds=12, rounds=12)
    out = tmp_path / "run"
    replications.run(cfg, out)
    return cfg, out


def test_resume_accepts_complete_outputs(finished):
    from sim.runs import resume

    cfg, out = finished
    assert resume.completed(out, cfg) is not None


def test_resume_rejects_summary_counts_that_disagree_with_outcomes(finished):
    from sim.runs import resume

    cfg, out = finished
    summary = json.loads((out / "summary.json").read_text())
    rows = summary["outcomes"]
    have = next(k for k, v in rows.items() if v["count"] > 0)
    other = next(k for k in rows if k != have)
    rows[have]["count"] -= 1
    rows[other]["count"] += 1
    (out / "summary.json").write_text(json.dumps(summary))
    assert resume.completed(out, cfg) is None


def test_resume_rejects_outputs_of_another_code_version(finished):
    from sim.runs import resume

    cfg, out = finished
    prov = json.loads((out / "provenance.json").read_text())
    prov["version"] = "0.0.0-other"
    (out / "provenance.json").write_text(json.dumps(prov))
    assert resume.completed(out, cfg) is None


def test_resume_rejects_a_summary_crisis_report_would_reject(finished):
    from sim.runs import resume

    cfg, out = finished
    summary = json.loads((out / "summary.json").read_text())
    summary["rounds"] = -5
    (out / "summary.json").write_text(json.dumps(summary))
    assert resume.completed(out, cfg) is None


# --- 4 and 6. Stale files, full disks, read-only directories, Ctrl-C ---------------------------

INJECT = """
import errno, sys
from sim.io import files
from sim.report import document

def full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", "{target}")

{patch}
sys.argv = ["crisis-sim", *sys.argv[1:]]
from {module} import main
sys.exit(main())
"""


def injected(tmp_path, patch: str, *args, module="sim.app.cli", target="outcomes.csv"):
    """Run crisis-sim (or crisis-report) with one function replaced by a failing one."""
    script = tmp_path / "inject.py"
    script.write_text(INJECT.format(patch=patch, module=module, target=target))
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_a_rerun_that_fails_leaves_nothing_of_the_earlier_run(tmp_path):
    out = tmp_path / "run"
    first = run_cli("run.seeds=4", "run.rounds=6", "report.formats=[svg]",
                    f"hydra.run.dir={out}", cwd=tmp_path)  # fmt: skip
    assert first.returncode == 0, first.stderr[-3000:]
    assert (out / "report.html").is_file() and list((out / "figures").glob("*.svg"))
    proc = injected(tmp_path, "files.OutcomeWriter.write_lines = full", *QUICK,
                    f"hydra.run.dir={out}")  # fmt: skip
    line = one_line_error(proc, code=1)
    assert "No space left on device" in line
    left = {p.name for p in out.iterdir()}
    assert not left & {"summary.json", "provenance.json", "report.html", "report.md", "figures",
                       "outcomes.csv", "trajectories.parquet"}, left  # fmt: skip
    assert not list(out.glob("*.partial"))
    report = run_cli_report(out)
    assert report.returncode == 1 and "interrupted run" in report.stderr


def test_a_rerun_without_a_report_leaves_no_report_of_the_earlier_run(tmp_path):
    out = tmp_path / "run"
    first = run_cli("scenario=max_pressure", "run.seeds=6", "run.rounds=6",
                    f"hydra.run.dir={out}", cwd=tmp_path)  # fmt: skip
    assert first.returncode == 0, first.stderr[-3000:]
    assert "max_pressure" in (out / "report.html").read_text()
    again = run_cli(*QUICK, f"hydra.run.dir={out}", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    left = {p.name for p in out.iterdir()}
    assert not left & {"report.html", "report.md", "figures"}, left
    assert json.loads((out / "summary.json").read_text())["scenario"] == "baseline"


def run_cli_report(path: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(console_script()).with_name("crisis-report")
    return subprocess.run([str(exe), str(path), *args], capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def test_report_of_a_relative_path(tmp_path):
    out = tmp_path / "run"
    first = run_cli(*QUICK, f"hydra.run.dir={out}", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    exe = Path(console_script()).with_name("crisis-report")
    proc = subprocess.run([str(exe), "run"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (out / "report.html").is_file() and (out / "figures" / "outcome_odds.png").is_file()


def test_report_in_another_format_leaves_no_old_figure(tmp_path):
    out = tmp_path / "run"
    first = run_cli("run.seeds=4", "run.rounds=6", "report.formats=[svg]",
                    f"hydra.run.dir={out}", cwd=tmp_path)  # fmt: skip
    assert first.returncode == 0, first.stderr[-3000:]
    assert list((out / "figures").glob("*.svg"))
    again = run_cli_report(out, "--formats", "pdf")
    assert again.returncode == 0, again.stderr
    assert not list((out / "figures").glob("*.svg"))
    assert list((out / "figures").glob("*.pdf"))


def test_disk_full_during_a_report_is_one_line(tmp_path):
    out = tmp_path / "run"
    first = run_cli(*QUICK, f"hydra.run.dir={out}", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    proc = injected(tmp_path, "document.write_text = full", str(out),
                    module="sim.app.report_cli", target="report.html")  # fmt: skip
    line = one_line_error(proc, code=1)
    assert line.startswith("crisis-report: error:") and "No space left on device" in line


def test_report_on_a_read_only_directory_is_one_line(tmp_path):
    out = tmp_path / "run"
    first = run_cli(*QUICK, f"hydra.run.dir={out}", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    patch = (
        "def read_only(*a, **k):\n"
        "    raise OSError(errno.EROFS, 'Read-only file system', 'report.html')\n"
        "files.clear_report = read_only\n"
        "document.write_text = read_only\n"
        "import sim.report.build as build\nbuild.clear_report = read_only\n"
    )
    proc = injected(tmp_path, patch, str(out), module="sim.app.report_cli")
    line = one_line_error(proc, code=1)
    assert "Read-only file system" in line


def test_disk_full_during_a_sweep_is_reported_without_traceback(tmp_path):
    s = tmp_path / "S"
    proc = injected(tmp_path, "files.OutcomeWriter.write_lines = full", "-m",
                    "actors.us.hawkishness=0.2,0.8", *QUICK, f"hydra.sweep.dir={s}")  # fmt: skip
    line = one_line_error(proc, code=1)
    assert "No space left on device" in line and f"hydra.sweep.dir={s}" in line
    assert "job #0 failed" in proc.stdout and "No space left on device" in proc.stdout
    assert not (s / "sweep.parquet").exists()


@pytest.mark.parametrize(
    "where",
    ["/proc/crisis-sim-test", "a_file", "a_file/below", "x" * 300],
    ids=["proc", "file", "below-a-file", "too-long"],
)
def test_an_unusable_output_directory_is_one_line(tmp_path, where):
    (tmp_path / "a_file").write_text("")
    proc = run_cli(*QUICK, f"hydra.run.dir={where}", cwd=tmp_path)
    line = one_line_error(proc)
    assert "hydra.run.dir=" in line and "allowed:" in line


def _start_long_run(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    out = tmp_path / "long"
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    command = [
        console_script(),
        *args,
        "run.seeds=1000000",
        "report.enabled=false",
        "run.progress=false",
        f"hydra.{'sweep' if '-m' in args else 'run'}.dir={out}",
    ]
    proc = subprocess.Popen(
        interruptible(command), start_new_session=True,  # its own process group, to count
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.time() + 120
    while not list(out.rglob("*.partial")) and time.time() < deadline:
        time.sleep(0.2)
    assert list(out.rglob("*.partial")), "the run did not start"
    return proc, out


def _group(pgid: int) -> list[int]:
    """The processes of a process group (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while being read
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(
    sys.platform != "linux" or len(os.sched_getaffinity(0)) < 2,
    reason="a run has worker processes on two cores or more; they die with it on Linux",
)
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill", "term"])
def test_a_killed_run_leaves_no_process_behind(tmp_path, sig):
    """Killed with no chance to clean up, a run on every core leaves no worker or server."""
    proc, _ = _start_long_run(tmp_path)
    deadline = time.time() + 60
    while len(_group(proc.pid)) < 4 and time.time() < deadline:  # command, server, 2 workers
        time.sleep(0.2)
    assert len(_group(proc.pid)) >= 4, "the workers did not start"
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    deadline = time.time() + 30
    while _group(proc.pid) and time.time() < deadline:
        time.sleep(0.2)
    assert _group(proc.pid) == []


def test_ctrl_c_says_what_was_kept_and_how_to_go_on(tmp_path):
    proc, out = _start_long_run(tmp_path)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-3000:]
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err[-3000:]
    assert "interrupted" in lines[0] and str(out) in lines[0] and "rerun" in lines[0]
    assert not (out / "summary.json").exists() and not list(out.glob("*.partial"))


def test_ctrl_c_in_a_sweep_names_the_directory_to_resume(tmp_path):
    proc, out = _start_long_run(tmp_path, "-m", "actors.us.hawkishness=0.2,0.8")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-3000:]
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and f"hydra.sweep.dir={out}" in lines[0], err[-3000:]


def test_report_after_sigkill_says_interrupted_run(tmp_path):
    proc, out = _start_long_run(tmp_path)
    proc.kill()
    proc.wait()
    report = run_cli_report(out)
    assert report.returncode == 1
    assert "interrupted run" in report.stderr and "rerun it" in report.stderr
    assert "not an output directory" not in report.stderr


# --- 5, 6, 8, 9, 11. Config files and values --------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("actors:\n  us:\n    hawkishness: 0.2\n", "sets no scenario.name"),
        ("scenario:\n  name: [broken\n", "not valid YAML: line"),
        ("scenario:\n  name: t\nactors:\n  us:\n    hawkness: 0.2\n",
         "actors.us.hawkness is not a known key; allowed keys of actors.us: hawkishness"),
        ("scenario:\n  name: t\nhydra:\n  callbacks:\n    x:\n      _target_: os.getcwd\n",
         "may not name objects"),
        ("scenario:\n  name: t\nhydra:\n  job:\n    env_set:\n      X: '1'\n",
         "sets hydra (job); allowed in scenario files: model keys only"),
        ("defaults:\n  - override /hydra/launcher: joblib\nscenario:\n  name: t\n",
         "defaults sets override /hydra/launcher: joblib"),
        ("scenario:\n  name: '../../../x'\n", "is not a valid name"),
    ],
    ids=["no-name", "yaml", "unknown-key", "target", "hydra-key", "hydra-default", "bad-name"],
)  # fmt: skip
def test_a_bad_scenario_file_is_one_line(tmp_path, body, expected):
    cd = tmp_path / "conf"
    scenario_file(cd, "t_bad", body)
    out = tmp_path / "out"
    proc = run_cli("--config-dir", str(cd), "scenario=t_bad", *QUICK, f"hydra.run.dir={out}",
                   cwd=tmp_path)  # fmt: skip
    line = one_line_error(proc)
    assert expected in line, line
    assert not (out / "summary.json").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("scenario=../../../x",), "scenario=../../../x is not a valid name"),
        (("scenario.name=a/b",), "scenario.name='a/b' is not a valid name"),
        (("run.start=20170-08",), "run.start='20170-08' is not a month; allowed: YYYY-MM"),
        (("run.start=2017-8",), "run.start='2017-8' is not a month"),
        (("sensitivity.seeds=1",), "sensitivity.seeds=1 is out of range; allowed: an integer"),
        (("sensitivity.samples=1",), "sensitivity.samples=1 is out of range"),
        (("--cfg", "job", "actors.us.hawkishness=5"), "actors.us.hawkishness=5.0 is out of range"),
    ],
    ids=["path-choice", "path-name", "start-5-digits", "start-1-digit", "sens-seeds",
         "sens-samples", "cfg-job"],
)  # fmt: skip
def test_bad_values_are_one_line_before_any_work(tmp_path, args, expected):
    proc = run_cli(*args, *QUICK, f"hydra.run.dir={tmp_path / 'out'}", cwd=tmp_path)
    line = one_line_error(proc)
    assert expected in line, line
    assert "task: run" not in proc.stdout
    assert not (tmp_path / "out").exists()


# --- 7. crisis-report checks every field of summary.json ---------------------------------------


@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("one")
    proc = run_cli(*QUICK, f"hydra.run.dir={tmp / 'run'}", cwd=tmp)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return tmp / "run"


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("seeds",), "fifty", 'seeds="fifty"; allowed: an integer'),
        (("rounds",), -5, "rounds=-5; allowed: an integer of at least 1"),
        (("start",), "garbage", 'start="garbage"; allowed: a month YYYY-MM'),
        (("outcomes", "talks", "probability"), "abc", 'outcomes.talks.probability="abc"'),
        (("outcomes", "war", "count"), 10**6, "outcomes.war.count=1000000"),
        (("outcomes", "war", "ci_high"), 7, "outcomes.war.ci_high=7; allowed: a number in [0, 1]"),
        (("scenario",), 3, "scenario=3; allowed: a name"),
    ],
    ids=["seeds", "rounds", "start", "probability", "count", "ci", "scenario"],
)  # fmt: skip
def test_report_names_the_file_and_field_of_a_bad_summary(one_run, tmp_path, path, value,
                                                          expected):  # fmt: skip
    import shutil

    run = tmp_path / "copy"
    shutil.copytree(one_run, run)
    summary = json.loads((run / "summary.json").read_text())
    node = summary
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    (run / "summary.json").write_text(json.dumps(summary))
    proc = run_cli_report(run)
    line = one_line_error(proc, code=1)
    assert f"{run / 'summary.json'}" in line and expected in line, line
    assert not (run / "report.html").exists()
