"""Results stay put: the data files of four reference runs hash as recorded.

A change meant to move results records new hashes with `python scripts/golden.py --write`
and says so in its description.
"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_reference_runs_are_byte_identical(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "golden.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "identical" in done.stdout
