"""The files of a sensitivity run: the design with its outcome odds, the indices, the summary.

`samples.parquet` holds every sample point and its outcome probabilities,
`sensitivity.csv` the tidy indices (outcome, parameter, index, value, conf),
`sensitivity.json` the problem, settings and diagnostics. Together with
`provenance.json` they are all a report needs, so `crisis-report` rebuilds it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.io.files import atomic, write_json
from sim.io.run import ReportError, read_json

SENSITIVITY_CSV = "sensitivity.csv"
SAMPLES = "samples.parquet"
RESULT_JSON = "sensitivity.json"
INDEX_COLUMNS = ["outcome", "parameter", "index", "value", "conf"]


def write(outdir: Path, samples: pd.DataFrame, table: pd.DataFrame, result: dict) -> None:
    """The three files of a sensitivity run, each renamed into place when whole."""
    with atomic(outdir / SAMPLES, "wb") as fh:
        pq.write_table(pa.Table.from_pandas(samples, preserve_index=False), fh, compression="zstd")
    with atomic(outdir / SENSITIVITY_CSV) as fh:
        table.to_csv(fh, index=False, lineterminator="\n", float_format="%.6g")
    write_json(outdir / RESULT_JSON, result)


def is_sensitivity(path: Path) -> bool:
    return (Path(path) / RESULT_JSON).is_file()


def read(path: Path | str) -> tuple[dict, pd.DataFrame]:
    """(sensitivity.json, the indices table) of a sensitivity directory, checked."""
    path = Path(path)
    result = read_json(path / RESULT_JSON)
    absent = [k for k in ("method", "problem", "outcomes", "scenario", "seeds") if k not in result]
    if absent:
        raise ReportError(f"broken file: {path / RESULT_JSON}: lacks {', '.join(absent)}")
    csv = path / SENSITIVITY_CSV
    if not csv.is_file():
        raise ReportError(f"missing file: {csv}")
    try:
        table = pd.read_csv(csv)
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise ReportError(f"broken file: {csv}: {err}") from None
    if list(table.columns) != INDEX_COLUMNS:
        raise ReportError(
            f"broken file: {csv}: columns {list(table.columns)}; need {INDEX_COLUMNS}"
        )
    return result, table
