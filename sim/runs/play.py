"""The files of a played game, and the model's own play of the same seed beside it.

A played game is written like a run of one replication (outcomes.csv, summary.json,
trajectories.parquet, provenance.json, events.parquet), so `crisis-report` reports it;
play.json adds the comparison with the model's own actor.
"""

from __future__ import annotations

import copy
from dataclasses import asdict
from pathlib import Path

from sim import __version__
from sim.core.model import CrisisModel, Perceptions
from sim.core.params import CrisisConfig
from sim.io import files
from sim.runs import events
from sim.runs.replications import Tally, outcome_row, replicate

PLAY = "play.json"


def model_play(cfg: CrisisConfig, index: int, others: int) -> dict:
    """The model's own actors on the game's seed, and over `others` other seeds.

    Returns {"same_seed": {"outcome", "outcome_round"}, "others": summary of the
    replications index+1 .. index+others (outcome odds with 95% Wilson intervals)}.
    """
    per = Perceptions.of(cfg)
    same = replicate(cfg, index, per)
    tally = Tally(cfg.run.rounds)
    for i in range(index + 1, index + 1 + others):
        tally.add(replicate(cfg, i, per))
    return {
        "same_seed": {"outcome": same.outcome, "outcome_round": same.outcome_round},
        "others": tally.summary(cfg),
    }


def write(cfg: CrisisConfig, model: CrisisModel, index: int, outdir: Path, extra: dict) -> dict:
    """Write the played game's files into `outdir`; return its summary."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    tally = Tally(cfg.run.rounds)
    tally.add(model)
    outcomes_w = files.OutcomeWriter(outdir / files.OUTCOMES_CSV)
    traj_w = files.TrajectoryWriter(outdir / files.TRAJECTORIES)
    try:
        outcomes_w.write(outcome_row(index, model))
        traj_w.write((index, *row) for row in model.rows)
    except BaseException:
        outcomes_w.abort()
        traj_w.abort()
        raise
    traj_w.commit()
    outcomes_w.commit()
    played = copy.deepcopy(cfg)
    played.run.seeds = 1
    summary = tally.summary(played)
    prov = files.provenance(asdict(played), __version__)
    prov["seeds"]["stream"] += f" (a played game: replication {index})"
    files.write_json(outdir / files.PROVENANCE, prov)
    files.write_json(outdir / PLAY, extra)
    events.write(played, outdir)
    files.write_json(outdir / files.SUMMARY, summary)
    return summary
