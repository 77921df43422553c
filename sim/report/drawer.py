"""A process that loads the report code while a run runs, then draws the run's report.

A run's report needs matplotlib, pandas and the report modules (about 0.6 s
of imports), and the first text it draws loads the fonts. The command forks
this process first thing, before it imports anything else, so that this
loading happens on a second core while the command composes its config and
runs the seeds. When the run's files are written, `report(path)` hands the
path over and the report is drawn at once.

Results do not depend on it: the same `build.report` draws the same files here
or in the caller's process (which it does when no drawer was started).
This module (and sim.report.parallel, sim.io.processes) imports only the standard library:
it is imported before the fork.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import signal
import sys
import traceback
from pathlib import Path

from sim.io.processes import die_with_parent

_started: Drawer | None = None


class Drawer:
    """The command's side of the drawing process: a request pipe, a reply pipe, its pid."""

    def __init__(self, pid: int, requests: int, replies: int):
        self.pid = pid
        self._requests = os.fdopen(requests, "wb")
        self._replies = os.fdopen(replies, "rb")

    def report(self, path: Path) -> Path | None:
        """`build.report(path)`, drawn by the process; its exception is raised here.

        None when the process is gone (it failed to load, or was killed): draw here then.
        """
        try:
            pickle.dump(str(path), self._requests)
            self._requests.flush()
            ok, value = pickle.load(self._replies)
        except (EOFError, OSError, pickle.UnpicklingError):
            self.close()
            return None
        if not ok:
            raise value
        return Path(value)

    def close(self) -> None:
        """Stop the process and any it forked (it leads its own process group)."""
        if self.pid is None:
            return
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(ProcessLookupError):
                kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):  # already reaped
            os.waitpid(self.pid, 0)
        self.pid = None
        for fh in (self._requests, self._replies):
            with contextlib.suppress(OSError):
                fh.close()


def start() -> Drawer | None:
    """Fork the drawing process; None where forking is not possible or not safe.

    Call it before anything else is imported or any thread is started.
    """
    global _started
    if sys.platform != "linux" or _started is not None:
        return _started
    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(req_w)
        os.close(rep_r)
        _serve(req_r, rep_w)  # does not return
    os.close(req_r)
    os.close(rep_w)
    with contextlib.suppress(OSError):  # here as well as there: so before either goes on
        os.setpgid(pid, pid)
    _started = Drawer(pid, req_w, rep_r)
    atexit.register(_started.close)
    return _started


def report(path: Path | str) -> Path:
    """The report of `path`: by the drawing process if one was started, else here."""
    if _started is not None and _started.pid is not None:
        html = _started.report(Path(path))
        if html is not None:
            return html
    from sim.report.build import report as build_report

    return build_report(Path(path))


def _serve(requests: int, replies: int) -> None:
    """The drawing process: load, then draw each report asked for until the pipe closes."""
    code = 0
    try:
        # Its own process group: Ctrl-C at the terminal is the command's to handle, and the
        # command stops this process and the one it forks to draw with one signal.
        os.setpgid(0, 0)
        die_with_parent()
        # No hold on the caller's terminal or pipes (a caller reading our stdout to its end
        # must not wait for this process); errors travel back through the reply pipe.
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.nice(5)  # while it loads, the run's own processes come first
        from sim.report import style
        from sim.report.build import report as build_report

        style.warm()
        with os.fdopen(requests, "rb") as rq, os.fdopen(replies, "wb") as rp:
            while True:
                try:
                    path = pickle.load(rq)
                except EOFError:
                    break
                try:
                    reply = (True, str(build_report(Path(path))))
                except BaseException as ex:  # noqa: BLE001 (sent to the command, raised there)
                    reply = (False, _portable(ex))
                pickle.dump(reply, rp)
                rp.flush()
    except BaseException:  # noqa: BLE001 (the command sees a closed pipe and says so)
        code = 1
    finally:
        os._exit(code)


def _portable(ex: BaseException) -> BaseException:
    """`ex` in a form that survives pickling, with the drawing process's traceback noted."""
    trace = "".join(traceback.format_exception(ex))
    try:
        ex = pickle.loads(pickle.dumps(ex))
    except Exception:  # noqa: BLE001 (an exception that cannot travel: its text does)
        ex = RuntimeError(f"{type(ex).__name__}: {ex}")
    ex.add_note(f"(raised in the report's drawing process)\n{trace}")
    return ex
