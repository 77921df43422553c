"""The documented examples run as written."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_exercise_suspension_example_answers_its_question(tmp_path):
    figure = tmp_path / "talks.png"
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "exercise_suspension.py"), "--seeds", "60",
         "--figure", str(figure)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line}
    assert {"talks", "war", "nuclear_war", "collapse", "standoff"} <= set(lines)
    assert "[" in lines["talks"] and figure.stat().st_size > 10_000
