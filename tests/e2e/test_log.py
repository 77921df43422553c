"""A run's log file holds what the command printed."""

from __future__ import annotations


def test_the_log_file_holds_what_the_run_printed(cli, tmp_path):
    out = tmp_path / "run"
    done = cli("run.seeds=12", "report.enabled=false", f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    log = (out / "crisis-sim.log").read_text()
    printed = [line for line in done.stdout.splitlines() if line.strip()]
    assert printed and all(line in log for line in printed)
    assert done.stdout.count("outputs:") == 1  # printed once, not echoed by the logger
