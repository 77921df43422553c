"""A report's figures drawn by two processes: this one and a forked copy of it.

Drawing a figure is single-threaded Python (text layout, rendering), and a
report draws eight or more. A forked child starts with the loaded run and
matplotlib in memory, so on two cores the figures take about half the time.
Every figure is drawn whole by one process, from the same data and settings,
so its bytes do not depend on which one drew it (tests compare both ways).
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import threading
import warnings
from collections.abc import Callable

from sim.io.processes import die_with_parent

# Processes that draw figures (1: all in this process). Two cores are what the project runs on.
PROCESSES = 2


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """A fork is safe and useful: Linux, no other Python thread, and a second core to run on."""
    return (
        PROCESSES > 1 and sys.platform == "linux" and threading.active_count() == 1 and _cores() > 1
    )


def _split(weights: list[float]) -> tuple[list[int], list[int]]:
    """Indices for this process and for the child, the heaviest first, to even out the load."""
    mine: list[int] = []
    theirs: list[int] = []
    load = [0.0, 0.0]
    for i in sorted(range(len(weights)), key=lambda i: -weights[i]):
        side = 0 if load[0] <= load[1] else 1
        (mine if side == 0 else theirs).append(i)
        load[side] += weights[i]
    return mine, theirs


def draw(jobs: list[tuple[float, Callable[[], object]]]) -> list:
    """Run every (weight, job) and return the results in order, two processes at a time.

    The weights are the jobs' rough costs (seconds). A job that fails in the
    child is run again here, so its error is raised here with its traceback.
    """
    if len(jobs) < 2 or not _can_fork():
        return [job() for _, job in jobs]
    from sim.report import style

    style.warm()  # once, before the fork, not once in each process
    mine, theirs = _split([w for w, _ in jobs])
    results: list = [None] * len(jobs)
    r, w = os.pipe()
    # Python's advice for a fork without exec: objects frozen before it (the loaded code, the
    # run) are neither scanned by either side's collections while the figures are drawn
    # (0.1 s of collections per report falls to 0.03 s) nor copied into the child for them.
    # Unfrozen again once the child is done.
    gc.freeze()
    try:
        with warnings.catch_warnings():
            # The only other threads are native pools (Arrow's, BLAS's) that run work for this
            # thread alone, which is here and not in them, and that reinitialise in a child.
            warnings.filterwarnings(
                "ignore", "This process .* is multi-threaded", DeprecationWarning
            )
            pid = os.fork()
    except OSError:  # no fork: every job here
        gc.unfreeze()
        return [job() for _, job in jobs]
    if pid == 0:  # the child: its jobs, then straight out (no atexit, no stdio flush)
        os.close(r)
        die_with_parent()
        code = 1
        try:
            data = pickle.dumps([jobs[i][1]() for i in theirs])
            code = 0
        except BaseException:  # noqa: BLE001 (reported by the exit code; rerun in the parent)
            data = b""
        try:
            with os.fdopen(w, "wb") as fh:
                fh.write(data)
        finally:
            os._exit(code)
    os.close(w)
    try:
        for i in mine:
            results[i] = jobs[i][1]()
    finally:
        with os.fdopen(r, "rb") as fh:
            data = fh.read()
        _, status = os.waitpid(pid, 0)
        gc.unfreeze()
    if os.waitstatus_to_exitcode(status) == 0:
        for i, value in zip(theirs, pickle.loads(data), strict=True):
            results[i] = value
    else:
        for i in theirs:
            results[i] = jobs[i][1]()
    return results
