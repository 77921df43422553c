"""Helper processes that never outlive the command that started them.

The command starts helpers (the report's drawing processes, the worker
server and its workers). Killed without a chance to clean up (SIGKILL, or
SIGTERM from a scheduler's time limit), it cannot stop them itself: each
helper asks Linux to kill it when its parent dies. Standard library only: it
is imported before the command forks its first helper.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1

# Set in a process that forks helpers (the worker server): the parent they expect.
_forker: int | None = None


def forks_expect_me() -> None:
    """Called in a process that forks helpers: each checks that this one is still its parent."""
    global _forker
    _forker = os.getpid()


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG).

    Called first thing in a helper. A parent that died before the request
    took effect is seen too (the helper was re-parented): the helper then ends
    at once.
    """
    expected = _forker if _forker not in (None, os.getpid()) else os.getppid()
    with contextlib.suppress(OSError, AttributeError):  # not Linux: stopped at the parent's exit
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != expected:
        os._exit(1)
