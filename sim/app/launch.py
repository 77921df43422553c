"""The `crisis-sim` command's first step: start the worker server, then the app.

A large run's worker processes are forked from a server that loads the program
and the compiled kernels (a second or more, sim.runs.pool). Started here,
before the app imports Hydra and composes the config, that loading overlaps
the app's own and the workers are ready when the run needs them.
"""

from __future__ import annotations

import sys

from sim.runs import pool


def start_workers_early(argv: list[str]) -> None:
    """Start the worker server now when the command line asks for a large run.

    A guess from the command line only: a run that turns out to use one
    process leaves the server idle, and results never depend on it.
    """
    seeds = workers = None
    for arg in argv:
        key, _, value = arg.partition("=")
        if key in ("run.seeds", "run.workers") and value.strip().isdigit():
            seeds, workers = (int(value), workers) if key == "run.seeds" else (seeds, int(value))
    if seeds is None or "-m" in argv or "--multirun" in argv:
        return
    if pool.workers_for(seeds, workers or 0) > 1:
        pool.start_server()


def main() -> None:
    start_workers_early(sys.argv[1:])
    from sim.app import cli

    cli.main()
