"""Many seeded replications of one configuration, streamed to disk.

Replication i draws from numpy's SeedSequence([run.seed, i]); two scenarios
run with the same run.seed therefore share their random numbers (common
random numbers), and a difference between them is the scenario's.

`run` uses the batch driver (sim.runs.batch) on run.workers processes;
`replicate` and `replications` give the steppable Mesa models of the same
replications, with the same numbers (both apply the kernels of
sim.core.kernels). Mesa is imported only for the latter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim import __version__
from sim.core.outcomes import OUTCOMES
from sim.core.params import CrisisConfig, validate
from sim.io import files
from sim.runs import batch as engine
from sim.stats import wilson

if TYPE_CHECKING:
    from sim.core.model import CrisisModel, Perceptions

STANDOFF = OUTCOMES[-1]


def seed_sequence(cfg: CrisisConfig, index: int) -> np.random.SeedSequence:
    return np.random.SeedSequence([cfg.run.seed, index])


def replicate(cfg: CrisisConfig, index: int, perceptions: Perceptions | None = None) -> CrisisModel:
    """Run replication `index` of `cfg` to its end and return the finished model."""
    from sim.core.model import CrisisModel

    model = CrisisModel(cfg, seed_sequence(cfg, index), perceptions)
    model.run(cfg.run.rounds)
    return model


def replications(
    cfg: CrisisConfig, start: int = 0, stop: int | None = None
) -> Iterator[CrisisModel]:
    """Finished models for replications start..stop-1 (default: all of run.seeds)."""
    from sim.core.model import Perceptions

    per = Perceptions.of(cfg)
    for i in range(start, cfg.run.seeds if stop is None else stop):
        yield replicate(cfg, i, per)


def outcome_row(index: int, m: CrisisModel) -> tuple:
    s = m.state
    return (
        index,
        m.outcome,
        m.outcome_round,
        s.round,
        m.peak_tension,
        m.resolutions_adopted,
        m.dprk_tests,
        s.china_cost,
        s.tension,
        s.sanctions_level,
        s.pressure,
        s.china_enforcement,
        s.russia_enforcement,
        s.dprk_capability,
        s.dprk_stability,
        s.us_trust_in_china,
        s.exercises,
        m.talks_opened_round,
        m.talks_breakdowns,
        m.agreement_round,
        m.war_cause,
    )


class Tally:
    """Running outcome counts and statistics; memory is O(rounds), not O(seeds)."""

    def __init__(self, rounds: int):
        self.n = 0
        self.counts = dict.fromkeys(OUTCOMES, 0)
        self.by_round = {o: np.zeros(rounds + 1, dtype=np.int64) for o in OUTCOMES if o != STANDOFF}
        self.peak_tension = 0.0
        self.resolutions = 0
        self.tests = 0

    def add(self, m: CrisisModel) -> None:
        self.n += 1
        self.counts[m.outcome] += 1
        if m.outcome_round is not None:
            self.by_round[m.outcome][m.outcome_round] += 1
        self.peak_tension += m.peak_tension
        self.resolutions += m.resolutions_adopted
        self.tests += m.dprk_tests

    def add_block(self, block: engine.Block) -> None:
        """Every replication of a block, as `add` would count them one by one."""
        o = block.outcomes
        codes = o["outcome"]
        self.n += len(block)
        for k, name in enumerate(OUTCOMES):
            self.counts[name] += int(np.count_nonzero(codes == k))
        ended = o["outcome_round"] >= 0
        for k, name in enumerate(OUTCOMES):
            if name != STANDOFF:
                rounds = o["outcome_round"][ended & (codes == k)]
                self.by_round[name] += np.bincount(rounds, minlength=len(self.by_round[name]))
        # Added one by one, in seed order: a float sum's result depends on its order.
        total = self.peak_tension
        for v in o["peak_tension"].tolist():
            total += v
        self.peak_tension = total
        self.resolutions += int(o["resolutions_adopted"].sum())
        self.tests += int(o["dprk_tests"].sum())

    def median_round(self, outcome: str) -> float | None:
        hist = self.by_round.get(outcome)
        if hist is None or hist.sum() == 0:
            return None
        cum = np.cumsum(hist)
        total = cum[-1]
        lo = int(np.searchsorted(cum, (total + 1) // 2))
        hi = int(np.searchsorted(cum, total // 2 + 1))
        return (lo + hi) / 2

    def summary(self, cfg: CrisisConfig) -> dict:
        n = max(self.n, 1)
        table = {}
        for o in OUTCOMES:
            k = self.counts[o]
            lo, hi = wilson(k, self.n)
            table[o] = {
                "count": k,
                "probability": round(k / n, 6),
                "ci_low": round(lo, 6),
                "ci_high": round(hi, 6),
                "median_round": self.median_round(o),
            }
        return {
            "scenario": cfg.scenario.name,
            "seeds": self.n,
            "base_seed": cfg.run.seed,
            "rounds": cfg.run.rounds,
            "start": cfg.run.start,
            "interval": "95% Wilson score",
            "outcomes": table,
            "mean_peak_tension": round(self.peak_tension / n, 6),
            "mean_resolutions_adopted": round(self.resolutions / n, 6),
            "mean_dprk_tests": round(self.tests / n, 6),
        }


class _Progress:
    """A progress bar that appears once a run has taken a second.

    A run that ends sooner (1,000 seeds take under a second with the kernels loaded) shows
    none and does not import tqdm.
    """

    DELAY = 1.0

    def __init__(self, total: int):
        import time

        self.total, self.done, self._clock = total, 0, time.monotonic
        self._start, self._bar = self._clock(), None

    def update(self, n: int) -> None:
        self.done += n
        if self._bar is None and self._clock() - self._start >= self.DELAY:
            from tqdm import tqdm

            class Bar(tqdm):
                # No monitor thread: it outlives the bar, and a report then cannot fork.
                monitor_interval = 0

            self._bar = Bar(total=self.total, unit="seed", desc="replications", leave=False,
                            mininterval=0.5)  # fmt: skip
            n = self.done
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _progress(total: int, enabled: bool) -> _Progress | None:
    return _Progress(total) if enabled and total >= 200 else None


def run(cfg: CrisisConfig, outdir: Path | str) -> dict:
    """Run every replication of `cfg`, write the output files, return the summary.

    The replications run in blocks of run.batch seeds on run.workers
    processes; each block is written as it arrives, in seed order, so memory
    stays flat in seeds and the files do not depend on the number of workers.
    """
    validate(cfg)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    for name in (files.SUMMARY, files.OUTCOMES_CSV, files.TRAJECTORIES):
        (outdir / name).unlink(missing_ok=True)  # a rerun never leaves old results beside new

    tally = Tally(cfg.run.rounds)
    outcomes_w = files.OutcomeWriter(outdir / files.OUTCOMES_CSV)
    traj_w = files.TrajectoryWriter(outdir / files.TRAJECTORIES)
    bar = _progress(cfg.run.seeds, cfg.run.progress)
    try:
        for out in engine.outputs(cfg):
            tally.add_block(out.block)
            outcomes_w.write_lines(out.lines)
            if out.encoded is not None:
                traj_w.write_encoded(out.encoded)
            elif out.table is not None:
                traj_w.write_table(out.table)
            if bar is not None:
                bar.update(len(out.block))
    except BaseException:
        outcomes_w.abort()
        traj_w.abort()
        raise
    finally:
        if bar is not None:
            bar.close()
    traj_w.commit()
    outcomes_w.commit()
    summary = tally.summary(cfg)
    files.write_json(outdir / files.PROVENANCE, files.provenance(asdict(cfg), __version__))
    files.write_json(outdir / files.SUMMARY, summary)
    return summary
