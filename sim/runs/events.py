"""events.parquet beside a finished run, when run.events asks for it."""

from __future__ import annotations

from pathlib import Path

from sim.core.params import CrisisConfig, events_enabled
from sim.io import files
from sim.io.events import EVENTS, write_events


def write(cfg: CrisisConfig, outdir: Path | str) -> Path | None:
    """Write outdir/events.parquet from its trajectories.parquet; None when switched off."""
    outdir = Path(outdir)
    (outdir / EVENTS).unlink(missing_ok=True)  # never an old events file beside new results
    if not events_enabled(cfg):
        return None
    return write_events(outdir / files.TRAJECTORIES, outdir / EVENTS, cfg.run.start)
