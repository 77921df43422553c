"""Imported by the fork server of the batch driver's worker pool, before it forks a worker.

Loading the compiled kernels from the on-disk cache costs a second or two;
done once here, every worker forked from the server starts with them.
"""

from __future__ import annotations

from sim.core.params import CrisisConfig
from sim.runs import batch

batch.simulate(CrisisConfig(), 0, 1)  # loads run_chunk, the signature every task calls
