"""The Mesa face and the batch driver give the same files, whatever the number of workers."""

from __future__ import annotations

import copy
import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.app.resources import CONFIGS
from sim.core.params import CrisisConfig, validate
from sim.io import files
from sim.runs import batch, pool, replications

SCENARIOS = sorted(p.stem for p in (CONFIGS / "scenario").glob("*.yaml"))
SEEDS = 300


def scenario_config(name: str, seeds: int = SEEDS) -> CrisisConfig:
    """The scenario as the command line composes it."""
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        cfg = compose("config", overrides=[f"scenario={name}"])
    conf = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(CrisisConfig), cfg))
    conf.run.seeds, conf.run.progress, conf.report.enabled = seeds, False, False
    validate(conf)
    return conf


def mesa_run(cfg: CrisisConfig, outdir) -> None:
    """outcomes.csv, trajectories.parquet and summary.json written from the Mesa models."""
    outdir.mkdir(parents=True, exist_ok=True)
    tally = replications.Tally(cfg.run.rounds)
    outcomes_w = files.OutcomeWriter(outdir / files.OUTCOMES_CSV)
    traj_w = files.TrajectoryWriter(outdir / files.TRAJECTORIES)
    rows: list[tuple] = []
    for i, m in enumerate(replications.replications(cfg)):
        tally.add(m)
        outcomes_w.write(replications.outcome_row(i, m))
        rows.extend((i, *row) for row in m.rows)
        if (i + 1) % cfg.run.batch == 0:
            traj_w.write(rows)
            rows = []
    traj_w.write(rows)
    traj_w.commit()
    outcomes_w.commit()
    files.write_json(outdir / files.SUMMARY, tally.summary(cfg))


DATA = (files.OUTCOMES_CSV, files.TRAJECTORIES, files.SUMMARY)


@pytest.mark.parametrize("name", SCENARIOS)
def test_mesa_and_batch_write_the_same_files(name, tmp_path):
    cfg = scenario_config(name)
    assert cfg.scenario.name == name
    cfg.run.batch = 128  # several blocks, the last one short
    mesa_run(cfg, tmp_path / "mesa")
    replications.run(cfg, tmp_path / "batch")
    for f in DATA:
        assert (tmp_path / "mesa" / f).read_bytes() == (tmp_path / "batch" / f).read_bytes(), f
    summary = json.loads((tmp_path / "batch" / files.SUMMARY).read_text())
    assert summary["seeds"] == SEEDS
    # Every scenario ends in more than one way at this many seeds: the check has teeth.
    assert sum(1 for o in summary["outcomes"].values() if o["count"]) >= 2


def test_long_runs_and_large_seeds_refill_the_streams_alike():
    """Other start indices, a large base seed, long runs (streams refill past 64 draws)."""
    cfg = scenario_config("russia_spoiler", seeds=40)
    cfg.run.seed, cfg.run.rounds = 2**40 + 7, 120
    models = list(replications.replications(cfg, 1000, 1030))
    got = batch.simulate(cfg, 1000, 1030)
    assert batch.outcome_rows(got) == [
        replications.outcome_row(i, m) for i, m in enumerate(models, start=1000)
    ]
    assert batch.trajectory_rows(got) == [
        (i, *row) for i, m in enumerate(models, start=1000) for row in m.rows
    ]
    assert max(m.state.round for m in models) > 64  # some stream refilled


# 700: blocks larger than a task, joined in the parent; 100: whole blocks encoded by the workers
@pytest.mark.parametrize("size", [700, 100])
def test_files_do_not_depend_on_the_number_of_workers(size, tmp_path, monkeypatch):
    cfg = scenario_config("baseline", seeds=3000)
    cfg.run.batch = size
    monkeypatch.setattr(pool, "MIN_SEEDS_PER_WORKER", 500)  # two workers even for 3000 seeds
    runs = {}
    for workers in (1, 2):
        c = copy.deepcopy(cfg)
        c.run.workers = workers
        assert batch.worker_count(c, c.run.seeds) == workers
        runs[workers] = tmp_path / f"w{workers}"
        replications.run(c, runs[workers])
    for f in DATA:
        assert (runs[1] / f).read_bytes() == (runs[2] / f).read_bytes(), f
    # one row group per block of run.batch seeds, as the Mesa path writes them
    assert pq.ParquetFile(runs[2] / files.TRAJECTORIES).num_row_groups == -(-3000 // size)
    # and the file is the one a single ParquetWriter writes from the same blocks
    one = tmp_path / "one.parquet"
    with pq.ParquetWriter(one, files.TRAJECTORY_SCHEMA, compression="zstd") as w:
        for b in batch.blocks(cfg, workers=1):
            w.write_table(batch.trajectory_table(b))
    assert one.read_bytes() == (runs[2] / files.TRAJECTORIES).read_bytes()


def test_blocks_come_back_in_seed_order_in_run_batch_sizes(monkeypatch):
    cfg = scenario_config("baseline", seeds=2600)
    cfg.run.batch = 1000
    monkeypatch.setattr(pool, "MIN_SEEDS_PER_WORKER", 500)
    got = list(batch.blocks(cfg, workers=2))
    assert [(b.start, b.stop) for b in got] == [(0, 1000), (1000, 2000), (2000, 2600)]
    whole = batch.simulate(cfg)
    for b in got:
        part = whole.part(b.start, b.stop)
        assert (b.oi == part.oi).all() and (b.of == part.of).all()
        assert (b.ti == part.ti).all()
        assert ((b.tf == part.tf) | ((b.tf != b.tf) & (part.tf != part.tf))).all()


@pytest.mark.parametrize("name", SCENARIOS)
def test_outcome_lines_are_what_csv_writer_writes(name):
    """The batch driver formats outcomes.csv itself; csv.writer is the reference."""
    block = batch.simulate(scenario_config(name, seeds=400), trajectories=False)
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(
        ("" if v is None else v for v in row) for row in batch.outcome_rows(block)
    )
    assert batch.outcome_lines(block) == buf.getvalue()


def test_workers_import_the_program_the_command_runs_not_one_in_the_working_directory(tmp_path):
    """The worker server imports from the command's module path, whatever directory it runs in."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import sim

    # another copy of the program in the working directory, whose tasks fail
    copy = tmp_path / "sim"
    shutil.copytree(Path(sim.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "runs" / "worker.py").write_text("")
    with open(copy / "runs" / "batch.py", "a") as fh:
        fh.write("\ndef _task(*args, **kwargs):\n    raise RuntimeError('the wrong copy')\n")
    exe = shutil.which("crisis-sim", path=str(Path(sys.executable).parent))
    out = tmp_path / "out"
    done = subprocess.run(
        [exe, "run.seeds=4000", "run.workers=2", "run.rounds=6", "run.progress=false",
         "report.enabled=false", "run.events=false", f"hydra.run.dir={out}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / files.SUMMARY).is_file()


def test_the_worker_server_can_be_stopped_once_the_seeds_are_run_and_started_again(monkeypatch):
    """A command stops the server its workers were forked from before drawing its report
    (the loaded kernels are not needed there); a later run starts a new one."""
    import os
    from multiprocessing import forkserver

    cfg = scenario_config("baseline", seeds=1200)
    monkeypatch.setattr(pool, "MIN_SEEDS_PER_WORKER", 500)
    first = list(batch.blocks(cfg, workers=2))
    pid = forkserver._forkserver._forkserver_pid
    if pid is None:
        pytest.skip("no fork server on this platform")
    pool.stop_server()
    assert forkserver._forkserver._forkserver_pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped
    pool.stop_server()  # nothing left to stop: no error
    again = list(batch.blocks(cfg, workers=2))
    assert forkserver._forkserver._forkserver_pid not in (None, pid)
    assert [(b.start, b.stop) for b in again] == [(b.start, b.stop) for b in first]
    assert all((a.oi == b.oi).all() for a, b in zip(first, again, strict=True))
