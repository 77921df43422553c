"""The files of a run with parameter uncertainty (uncertainty=posterior|prior), read back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

DRAWS, PARAMETERS, UNCERTAINTY = "draws.parquet", "parameters.parquet", "uncertainty.json"


def is_uncertainty(path: Path | str) -> bool:
    return (Path(path) / UNCERTAINTY).is_file()


def read(outdir: Path | str) -> tuple[dict, pd.DataFrame]:
    """uncertainty.json and draws.parquet (one row per draw and replication)."""
    outdir = Path(outdir)
    path = outdir / UNCERTAINTY
    if not path.is_file():
        raise FileNotFoundError(f"{outdir} holds no {UNCERTAINTY}; run uncertainty=posterior first")
    draws = outdir / DRAWS
    if not draws.is_file():
        raise FileNotFoundError(f"{outdir} holds {UNCERTAINTY} but no {DRAWS}")
    return json.loads(path.read_text()), pd.read_parquet(draws)
