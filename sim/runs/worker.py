"""Imported by the fork server of the batch driver's worker pool, before it forks a worker.

Loading the compiled kernels from the on-disk cache costs a second or two;
done once here, every worker forked from the server starts with them.
"""

from __future__ import annotations

import os
import signal

# A task's Arrow tables load pyarrow.compute at their first `take` (0.05 s with what it
# pulls in): loaded here once, every worker forked from the server starts with it.
import pyarrow.compute  # noqa: F401

from sim.core.params import CrisisConfig
from sim.io.processes import die_with_parent, forks_expect_me
from sim.runs import batch

# Killed (SIGKILL, or SIGTERM from a scheduler), the command cannot stop the server: the server
# dies with it, and each worker with the server (batch._pool), so none waits on forever.
die_with_parent()
forks_expect_me()
# Ctrl-C is the parent's to handle: it cancels the tasks and waits for the workers. A task's
# error reaches the parent with its result; what a worker would print on stderr is only the
# noise of a pool torn down mid-start (after Ctrl-C), which must not bury the parent's one line.
signal.signal(signal.SIGINT, signal.SIG_IGN)
os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
batch.simulate(CrisisConfig(), 0, 1)  # loads run_chunk, the signature every task calls
