"""The files of a calibration directory (task=calibrate), and reading them back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

POSTERIOR, DIAGNOSTICS, PPC, CALIBRATION, DB = (
    "posterior.parquet",
    "diagnostics.csv",
    "ppc.parquet",
    "calibration.json",
    "abc.db",
)


def read(outdir: Path | str) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """calibration.json, diagnostics, all generations' particles, posterior predictive."""
    outdir = Path(outdir)
    path = outdir / CALIBRATION
    if not path.exists():
        raise FileNotFoundError(f"{outdir} holds no {CALIBRATION}; run task=calibrate first")
    summary = json.loads(path.read_text())
    return (
        summary,
        pd.read_csv(outdir / DIAGNOSTICS),
        pd.read_parquet(outdir / POSTERIOR),
        pd.read_parquet(outdir / PPC),
    )


def load_posterior(path: Path | str) -> pd.DataFrame:
    """The last generation's weighted particles of a calibration directory."""
    path = Path(path)
    file = path / POSTERIOR if path.is_dir() else path
    if not file.exists():
        raise FileNotFoundError(f"calibration.path={path}: no {POSTERIOR} there")
    df = pd.read_parquet(file)
    return df[df["generation"] == df["generation"].max()].reset_index(drop=True)
