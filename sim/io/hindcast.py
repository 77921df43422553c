"""The files of a hindcast directory (task=hindcast), and reading them back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

FORECASTS, COUNT_FORECASTS, SCORES, HINDCAST = (
    "forecasts.parquet",
    "count_forecasts.parquet",
    "scores.csv",
    "hindcast.json",
)


def read(outdir: Path | str) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """hindcast.json, the binary forecasts, and the scores of a hindcast directory."""
    outdir = Path(outdir)
    path = outdir / HINDCAST
    if not path.exists():
        raise FileNotFoundError(f"{outdir} holds no {HINDCAST}; run task=hindcast first")
    return (
        json.loads(path.read_text()),
        pd.read_parquet(outdir / FORECASTS),
        pd.read_csv(outdir / SCORES),
    )
