"""What the command says: printed on the terminal and kept in the run's log file."""

from __future__ import annotations

import logging

LOG = logging.getLogger("crisis-sim")


def say(*parts: object, sep: str = " ", flush: bool = False) -> None:
    """Print a line and write it to the log files, so `<run dir>/crisis-sim.log` holds what
    the run printed. Only file handlers get it: the terminal shows each line once, whatever
    console handlers Hydra's logging config has set up (the launcher's has one)."""
    text = sep.join(str(p) for p in parts)
    print(text, flush=flush)
    record = LOG.makeRecord(LOG.name, logging.INFO, __file__, 0, text, None, None)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            handler.handle(record)
