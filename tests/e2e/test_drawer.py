"""The process that draws a run's report (sim.report.drawer), seen from the command line.

It loads the report code while the run runs; whatever it does, the report is
the one `crisis-report` draws, an error in it is one line, and it never
outlives the command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from sim.report import build
from tests.conftest import run_cli

RUN = ("run.seeds=30", "run.rounds=8", "run.progress=false")
INPUTS = ("summary.json", "provenance.json", "outcomes.csv", "trajectories.parquet",
          "events.parquet")  # fmt: skip


def launched(tmp_path: Path, patch: str, *args: str) -> subprocess.CompletedProcess:
    """`crisis-sim` through its real entry point, with `patch` applied before it starts."""
    script = tmp_path / "launch.py"
    script.write_text(
        "import errno, os, sys\n"
        "from sim.report import document, drawer\n"
        f"{patch}\n"
        "sys.argv = ['crisis-sim', *sys.argv[1:]]\n"
        "from sim.app.launch import main\n"
        "main()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def left_behind(token: str) -> list[str]:
    """Processes still running whose command line holds `token` (a unique path)."""
    found = subprocess.run(["pgrep", "-af", token], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if "pgrep" not in line]


def test_the_report_of_a_run_is_the_one_crisis_report_draws(tmp_path):
    out = tmp_path / "run"
    proc = run_cli(*RUN, f"hydra.run.dir={out}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    again = tmp_path / "again"
    again.mkdir()
    for name in INPUTS:
        shutil.copy2(out / name, again / name)
    shutil.copytree(out / ".hydra", again / ".hydra")  # the overrides the report names
    build.report(again)  # drawn in this process
    names = sorted(p.name for p in (out / "figures").iterdir())
    assert names and names == sorted(p.name for p in (again / "figures").iterdir())
    for rel in ("report.md", "report.html", *(f"figures/{n}" for n in names)):
        assert (again / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_no_process_outlives_the_command(tmp_path):
    out = tmp_path / "a-unique-run-dir"
    done = run_cli(*RUN, f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    failed = run_cli("run.seeds=0", f"hydra.run.dir={out}-bad", cwd=tmp_path)
    assert failed.returncode == 2
    assert left_behind(str(out)) == []


def test_a_full_disk_while_the_report_is_drawn_is_one_line(tmp_path):
    out = tmp_path / "run"
    proc = launched(tmp_path, "def full(*a, **k):\n"
                    "    raise OSError(errno.ENOSPC, 'No space left on device', 'report.html')\n"
                    "document.write_text = full", *RUN, f"hydra.run.dir={out}")  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-3000:]
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert "No space left on device" in lines[0]
    assert (out / "summary.json").is_file() and not (out / "report.html").exists()


def test_a_report_is_drawn_here_when_the_drawing_process_is_gone(tmp_path):
    out = tmp_path / "run"
    proc = launched(tmp_path, "drawer._serve = lambda *a: os._exit(1)", *RUN,
                    f"hydra.run.dir={out}")  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "report.html").is_file() and (out / "figures" / "timeline.png").is_file()
