"""The terminal game, driven as a person would: typed answers on standard input."""

from __future__ import annotations

import json
import os
import subprocess

import pyarrow.parquet as pq
import pytest

from sim.core.ladder import MENUS
from tests.conftest import console_script, interruptible


def play(tmp_path, stdin: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run(
        [console_script(), "task=play", f"hydra.run.dir={tmp_path}", "play.compare=20",
         "run.rounds=12", *args],
        input=stdin, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize("actor", ["us", "china", "russia", "dprk"])
def test_a_whole_game_with_malformed_input(tmp_path, actor):
    # junk, an out-of-range number and an empty line first, then always the first option
    done = play(tmp_path, "junk\n99\n\n0\n" + "1\n" * 200, f"play.actor={actor}",
                "report.enabled=false")  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Traceback" not in done.stderr
    assert "'junk' is not a choice: type a number from 1 to" in out
    assert "'99' is not a choice" in out and "'0' is not a choice" in out
    assert "advice: the model's" in out and "model p =" in out
    assert "=== Outcome:" in out and "the model's own actor, same seed:" in out
    assert "over 20 other seeds" in out
    for name in ("outcomes.csv", "summary.json", "trajectories.parquet", "provenance.json",
                 "events.parquet", "play.json"):  # fmt: skip
        assert (tmp_path / name).is_file(), name
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["seeds"] == 1
    record = json.loads((tmp_path / "play.json").read_text())
    assert record["actor"] == actor
    assert record["outcome"] == next(k for k, v in summary["outcomes"].items() if v["count"])
    traj = pq.read_table(tmp_path / "trajectories.parquet").to_pandas()
    moves = traj[f"{actor}_move"].tolist()
    answered = [a for r in record["answers"] for a in r if isinstance(a, str) and a in MENUS[actor]]
    assert answered == moves  # every round's move is the one typed
    assert moves[0] == {"us": "offer_talks", "china": "propose_freeze", "russia": "urge_talks",
                        "dprk": "offer_talks"}[actor]  # fmt: skip


def test_the_played_game_reports(tmp_path, cli):
    done = play(tmp_path, "2\n" * 200, "play.actor=dprk", "report.enabled=false")
    assert done.returncode == 0, done.stderr
    report = subprocess.run(
        [console_script().replace("crisis-sim", "crisis-report"), str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "report.html").is_file()
    assert (tmp_path / "figures" / "goldstein_dyads.png").is_file()


@pytest.mark.parametrize("stdin", ["", "1\n", "q\n"])
def test_end_of_input_or_quit_stops_in_one_line(tmp_path, stdin):
    done = play(tmp_path, stdin, "play.actor=us")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("game stopped in round 1") and "nothing written" in last
    assert not (tmp_path / "summary.json").exists()


def test_an_unknown_actor_is_one_clear_line(tmp_path):
    done = play(tmp_path, "", "play.actor=japan")
    assert done.returncode == 2
    assert "play.actor='japan' is unknown; allowed: us, china, russia, dprk" in done.stderr
    assert "Traceback" not in done.stderr


def test_ctrl_c_stops_in_one_line(tmp_path):
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    command = [console_script(), "task=play", "play.actor=russia", f"hydra.run.dir={tmp_path}"]
    proc = subprocess.Popen(
        interruptible(command),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=tmp_path, env=env,
    )  # fmt: skip
    seen = ""
    deadline = time.monotonic() + 120
    while "choice [" not in seen and time.monotonic() < deadline:
        seen += proc.stdout.read(1)
    assert "choice [" in seen
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in err
    assert out.strip().splitlines()[-1] == "game stopped in round 1 (interrupted); nothing written."
