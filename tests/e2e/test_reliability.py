"""Outputs that cannot lie: each test reproduces a way a run, sweep or report could mislead.

Every failure a user can cause (a stale directory, two writers, a damaged
file, a full disk, Ctrl-C, a hostile config) must end in one line naming
the problem, never in a traceback or in a result that looks right but is not.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import run_cli

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
