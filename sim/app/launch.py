"""The `crisis-sim` command's first step: start helper processes, then the app.

Two helpers load code the command will need later, on the second core, while
the command imports Hydra and composes the config (about a second):

- a large run's worker processes are forked from a server that loads the
  program and the compiled kernels (a second or more, sim.runs.pool);
- a run's report is drawn by a process that loads matplotlib and the report
  code meanwhile (sim.report.drawer).

Both are guesses from the command line: one that is not needed is stopped when
the command ends, and results never depend on either.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading

from sim.report import drawer
from sim.runs import pool

# Command-line flags after which no run is made (help, config display, ...) or a multirun is.
NO_RUN_FLAGS = ("-h", "--help", "--hydra-help", "-i", "--info", "-c", "--cfg", "--resolve",
                "--version", "-sc", "--shell-completion", "-m", "--multirun")  # fmt: skip
# Keys whose values other than "run" or "none" choose another task than a run with its report.
OTHER_TASKS = ("task", "uncertainty", "experiment")


def start_workers_early(argv: list[str]) -> None:
    """Start the worker server now when the command line asks for a large run.

    A guess from the command line only: a run that turns out to use one
    process leaves the server idle, and results never depend on it.
    """
    given = overrides(argv)
    seeds, workers = given.get("run.seeds", ""), given.get("run.workers", "0")
    if not (makes_one_run(argv) and seeds.isdigit() and workers.isdigit()):
        return
    if pool.workers_for(int(seeds), int(workers)) > 1:
        pool.start_server()


def overrides(argv: list[str]) -> dict[str, str]:
    """The key=value arguments of a command line, values stripped."""
    return {k: v.strip() for k, eq, v in (a.partition("=") for a in argv) if eq}


def makes_one_run(argv: list[str]) -> bool:
    """Whether the command line runs one job: no multirun, help or config display."""
    return not any(a.partition("=")[0] in NO_RUN_FLAGS for a in argv)


def draws_a_run_report(argv: list[str]) -> bool:
    """Whether the command line asks for one run with its report (the default task)."""
    given = overrides(argv)
    if given.get("report.enabled", "").lower() in ("false", "no", "off", "0"):
        return False
    if any(given.get(k, "run").lower() not in ("run", "none") for k in OTHER_TASKS):
        return False  # other tasks draw other reports, or none
    return makes_one_run(argv)


def main() -> None:
    argv = sys.argv[1:]
    if draws_a_run_report(argv):
        drawer.start()  # first: it forks this process while it is still small
    start_workers_early(argv)
    from sim.app import cli

    try:
        cli.main()
    except SystemExit as ex:
        exit_now(ex.code)
    exit_now(0)


def exit_now(code: int | str | None) -> None:
    """Exit as `sys.exit(code)` would, without tearing down the interpreter.

    The teardown (freeing every module, the compiled kernels and the loaded
    data) takes about 0.4 s and changes nothing: the exit handlers still run
    (log files, helper processes) and standard output is flushed first. With
    threads still running that are not daemons, it is the ordinary exit.
    """
    if any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate()):
        sys.exit(code)  # threads to wind down first (a process pool's manager): the usual exit
    if isinstance(code, str):  # sys.exit("message"): the message, and status 1
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`) or stream
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code or 0)
