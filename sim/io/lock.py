"""One writer per output directory: an exclusive lock held for the whole run or sweep.

Two commands writing into one directory would interleave their files into
a directory that looks like one run but is neither. Each run, sweep and
sweep job therefore takes an exclusive `flock` on `<directory>/.lock` and
holds it until the process ends; a second writer is refused at once. The
lock is advisory and per open file: a sweep's launcher holds the sweep
directory, its workers hold only their own job directories, so they never
block each other.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK = ".lock"
_HELD: dict[str, int] = {}  # resolved directory -> descriptor of its lock file


class Busy(Exception):
    """Another process is writing into the directory (message names it and what to do)."""


def hold(directory: Path | str, setting: str = "hydra.run.dir") -> None:
    """Create `directory` if needed and lock it for this process (a no-op if already held).

    Raises Busy if another process holds it, OSError if it cannot be created.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    key = str(directory.resolve())
    if key in _HELD:
        return
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = os.read(fd, 64).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise Busy(
            f"{directory} is in use by another crisis-sim (pid {owner}); wait for it to end, "
            f"or choose another {setting}"
        ) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    _HELD[key] = fd


def release(directory: Path | str) -> None:
    fd = _HELD.pop(str(Path(directory).resolve()), None)
    if fd is not None:
        os.close(fd)  # closing the last descriptor of the open file drops the lock


@contextlib.contextmanager
def holding(directory: Path | str, setting: str = "hydra.run.dir"):
    """Hold the lock of `directory` for the block, unless this process held it already."""
    already = str(Path(directory).resolve()) in _HELD
    hold(directory, setting)
    try:
        yield
    finally:
        if not already:
            release(directory)
