"""What the command says: printed on the terminal and kept in the run's log file."""

from __future__ import annotations

import logging

LOG = logging.getLogger("crisis-sim")


def say(*parts: object, sep: str = " ", flush: bool = False) -> None:
    """Print a line and log it, so `<run dir>/crisis-sim.log` holds what the run printed."""
    text = sep.join(str(p) for p in parts)
    print(text, flush=flush)
    LOG.info(text)
