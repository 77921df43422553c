"""Replications per second of the compiled batch driver on one core (baseline config).

Usage: NUMBA_NUM_THREADS=1 python benchmarks/bench_batch.py [replications]
"""

from __future__ import annotations

import sys
import time

from sim.params import CrisisConfig

from sim.runs import batch


def main(n: int = 50_000) -> None:
    cfg = CrisisConfig()
    cfg.run.progress = False
    c = batch.Compiled(cfg)
    batch.simulate(c, 0, 200)  # warm-up (compiles or loads the cache)
    for traj in (False, True):
        best = 0.0
        for _ in range(3):
            t = time.perf_counter()
            batch.simulate(c, 0, n, trajectories=traj)
            best = max(best, n / (time.perf_counter() - t))
        label = "with trajectories" if traj else "outcomes only    "
        print(f"{label}: {best:,.0f} replications/s (best of 3 x {n:,})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
