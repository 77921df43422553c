"""Whether a run directory already holds the complete outputs of a configuration.

A rerun sweep skips a job only when its outputs are complete and valid, never
because its directory exists: `summary.json` and `provenance.json` parse and
pass the checks `crisis-report` applies, the config and the package version
recorded in `provenance.json` are the job's, `outcomes.csv` has one row per
seed and the outcome counts `summary.json` states, and `trajectories.parquet`
opens with one row per round played. Files are renamed into place only when whole
(see `outputs`), so a
killed job fails one of these checks and is run again.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim import __version__
from sim.core.params import CrisisConfig
from sim.io import files
from sim.io.run import ReportError, check_summary

# Keys that change how outputs are shown or buffered, never what they hold.
PRESENTATION = {"run": ("progress", "batch"), "report": None}


def results_config(config: dict) -> dict:
    """`config` without its presentation keys: two runs agreeing here give the same results."""
    out = json.loads(json.dumps(config))  # the form provenance.json stores (tuples -> lists)
    for section, keys in PRESENTATION.items():
        if keys is None:
            out.pop(section, None)
        else:
            for key in keys:
                out.get(section, {}).pop(key, None)
    return out


def completed(outdir: Path | str, cfg: CrisisConfig | dict) -> dict | None:
    """The summary in `outdir` if it holds complete outputs of `cfg` (a config or its dict)."""
    outdir = Path(outdir)
    config = cfg if isinstance(cfg, dict) else asdict(cfg)
    try:
        seeds = config["run"]["seeds"]
        summary = json.loads((outdir / files.SUMMARY).read_text(encoding="utf-8"))
        provenance = json.loads((outdir / files.PROVENANCE).read_text(encoding="utf-8"))
        made_from = provenance["config"]
        if provenance.get("version") != __version__:  # other code may give other results
            return None
        if results_config(made_from) != results_config(config):
            return None
        if summary["seeds"] != seeds:
            return None
        check_summary(outdir / files.SUMMARY, summary)  # the checks crisis-report applies
        table = pacsv.read_csv(
            outdir / files.OUTCOMES_CSV,
            convert_options=pacsv.ConvertOptions(
                include_columns=["seed", "outcome", "rounds_played"]
            ),
        )
        if not np.array_equal(table.column("seed").to_numpy(), np.arange(seeds)):
            return None
        found = Counter(table.column("outcome").to_pylist())
        stated = {name: row["count"] for name, row in summary["outcomes"].items()}
        if set(found) - set(stated) or any(found.get(k, 0) != n for k, n in stated.items()):
            return None
        played = int(table.column("rounds_played").to_numpy().sum())
        meta = pq.ParquetFile(outdir / files.TRAJECTORIES).metadata
        if meta.num_rows != played:
            return None
        if not meta.schema.to_arrow_schema().equals(files.TRAJECTORY_SCHEMA):
            return None
    except (OSError, ValueError, KeyError, TypeError, ReportError, pa.ArrowException):
        return None
    return summary
