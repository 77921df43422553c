"""The server the batch driver's worker processes are forked from.

Loading the program and its compiled kernels takes a worker a second or more.
A fork server does it once, in a process of its own, and forks every worker
from that loaded state. Started first thing by the command (before Hydra is
imported and the config composed), its loading overlaps the command's own.
This module imports nothing but the standard library, so it can be that first thing.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys

MIN_SEEDS_PER_WORKER = 2000  # below this a worker process costs more than it saves
# Only what a task needs: not the main module (the command line, or a user's script, which
# would run again in the server) but the batch driver with its kernels loaded.
PRELOAD = ["sim.runs.worker"]


def workers_available() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def workers_for(seeds: int, wanted: int = 0) -> int:
    """Processes for a run of `seeds`: `wanted` (0: every core), if each gets enough seeds."""
    return max(1, min(wanted or workers_available(), seeds // MIN_SEEDS_PER_WORKER))


def context():
    """The multiprocessing context of the workers: a fork server where there is one."""
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_server() -> None:
    """Start the server workers are forked from, without waiting for it to load.

    Called early, its loading overlaps the caller's; the batch driver's pool
    then finds it running (and starts it itself if it is not).
    """
    if context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    # The server must import this program from where this process did: given this process's
    # module path, and not the working directory first (which may hold another copy).
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "PYTHONSAFEPATH")}
    os.environ["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in sys.path)
    os.environ["PYTHONSAFEPATH"] = "1"
    # Its stderr is not the user's: Ctrl-C while it loads would print a traceback there,
    # burying the parent's one line (sim.runs.worker silences the workers the same way).
    stderr, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        forkserver.ensure_running()
    finally:
        os.dup2(stderr, 2)
        os.close(stderr)
        os.close(devnull)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def stop_server() -> None:
    """Stop the server workers are forked from, if this process started one.

    A command that has run its seeds stops it before drawing the report: it
    holds the loaded program and compiled kernels (about 150 MB), which the
    report does not need. A later pool starts a new one. Python has no public
    call for this; without its server's `_stop` the server stays until the
    command exits, as before.
    """
    forkserver = sys.modules.get("multiprocessing.forkserver")
    server = getattr(forkserver, "_forkserver", None)
    stop = getattr(server, "_stop", None)
    if stop is None or getattr(server, "_forkserver_pid", None) is None:
        return
    with contextlib.suppress(OSError):
        stop()
