"""The run's events as event data: monthly mean Goldstein score per directed dyad.

Reads events.parquet (docs/events.md) and, where data/history/events.csv holds coded
events, sets the historical monthly series of 2016-2019 beside the simulated one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.io.events import EVENTS, goldstein_of, read_events
from sim.io.run import ReportError, Run
from sim.report import style
from sim.report.document import Figure

# (label, Actor1Code, Actor2Code): the dyads of the figure.
DYADS = (
    ("US \u2192 DPRK", "USA", "PRK"),
    ("DPRK \u2192 US", "PRK", "USA"),
    ("China \u2192 DPRK", "CHN", "PRK"),
)
Z95 = 1.959963984540054


def dyad_series(events: pd.DataFrame, actor1: str, actor2: str) -> pd.DataFrame:
    """Per round: mean Goldstein over seeds of the dyad's per-seed monthly mean, with bands.

    Columns: round, MonthYear, n (seeds with an event of the dyad that round), mean,
    ci_low, ci_high (95% normal interval of the mean), p10, p90 (spread over seeds).
    """
    d = events[(events["Actor1Code"] == actor1) & (events["Actor2Code"] == actor2)]
    if d.empty:
        return pd.DataFrame(
            columns=["round", "MonthYear", "n", "mean", "ci_low", "ci_high", "p10", "p90"]
        )
    per_seed = d.groupby(["round", "MonthYear", "seed"], sort=True)["GoldsteinScale"].mean()
    g = per_seed.groupby(level=["round", "MonthYear"])
    out = pd.DataFrame(
        {
            "n": g.size(),
            "mean": g.mean(),
            "sd": g.std(ddof=1).fillna(0.0),
            "p10": g.quantile(0.1),
            "p90": g.quantile(0.9),
        }
    ).reset_index()
    half = Z95 * out["sd"] / np.sqrt(out["n"])
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    return out[["round", "MonthYear", "n", "mean", "ci_low", "ci_high", "p10", "p90"]]


def history_series(history: pd.DataFrame, actor1: str, actor2: str) -> pd.DataFrame:
    """Monthly mean Goldstein of the historical record's coded events of a dyad.

    An event with no target counts toward its actor's main dyad (DPRK tests toward
    DPRK -> US, as the model codes them); events whose CAMEO code has no known
    Goldstein score are left out. Columns: month (Timestamp, day 1), n, mean.
    """
    h = history[history["cameo"].astype(str).str.len() > 0].copy()
    main = {a1: a2 for _, a1, a2 in DYADS}
    target = h["target"].where(h["target"].astype(str).str.len() > 0, h["actor"].map(main))
    h = h[(h["actor"] == actor1) & (target == actor2)].copy()
    h["goldstein"] = [goldstein_of(str(c)) for c in h["cameo"]]
    h = h.dropna(subset=["goldstein"])
    if h.empty:
        return pd.DataFrame(columns=["month", "n", "mean"])
    g = h.groupby(h["date"].dt.to_period("M"))["goldstein"]
    out = pd.DataFrame({"n": g.size(), "mean": g.mean()}).reset_index(names="month")
    out["month"] = out["month"].dt.to_timestamp()
    return out


def _months(monthyear: pd.Series) -> pd.Series:
    return pd.to_datetime(monthyear.astype(int).astype(str), format="%Y%m")


def load_history() -> pd.DataFrame | None:
    """The historical record, or None where the file is absent (a copied run directory)."""
    from sim.io import history

    try:
        return history.load_events()
    except (OSError, ValueError):
        return None


def goldstein_figure(run: Run, outdir: Path, formats) -> Figure | None:
    """Monthly mean Goldstein per dyad, simulated (mean, 95% interval, 10-90% spread)
    beside the historical record; None when the run has no events.parquet."""
    path = run.path / EVENTS
    if not path.is_file():
        return None
    try:
        events = read_events(path)
    except Exception as err:  # pyarrow raises many types for a damaged file
        raise ReportError(f"broken file: {path}: {err}") from None
    history = load_history()
    from sim.report.figures import save_figure

    fig, axes = style.subplots(
        len(DYADS), 1, figsize=(7.5, 7.5), sharex=True, sharey=True, layout=None
    )
    for ax, (label, a1, a2) in zip(axes, DYADS, strict=True):
        s = dyad_series(events, a1, a2)
        if not s.empty:
            x = _months(s["MonthYear"])
            ax.fill_between(x, s["p10"], s["p90"], color="#9ecae1", alpha=0.35, lw=0)
            ax.fill_between(x, s["ci_low"], s["ci_high"], color="#3182bd", alpha=0.45, lw=0)
            ax.plot(x, s["mean"], color="#08519c", lw=1.6, label="simulated mean")
        if history is not None:
            h = history_series(history, a1, a2)
            if not h.empty:
                ax.plot(h["month"], h["mean"], "o", ms=4, color="#d95f02", label="2016-2019 record")
        ax.axhline(0.0, color="#888888", lw=0.6)
        ax.set_ylim(-10.5, 10.5)
        ax.set_ylabel(f"{label}\nGoldstein")
    from matplotlib.patches import Patch

    handles, labels = axes[0].get_legend_handles_labels()
    handles += [Patch(color="#3182bd", alpha=0.45), Patch(color="#9ecae1", alpha=0.35)]
    labels += ["95% interval of the mean", "10-90% of runs"]
    fig.legend(handles, labels, fontsize=7, ncols=4, loc="lower center")
    axes[-1].set_xlabel("Month")
    axes[0].set_title(f"Monthly mean Goldstein score by dyad: {run.scenario} (N = {run.seeds:,})")
    style.place(fig, left=0.86, right=0.11, top=0.25, bottom=0.69, hspace=0.13)
    return save_figure(
        fig,
        outdir,
        "goldstein_dyads",
        formats,
        "Monthly mean Goldstein score of each directed dyad's events (events.parquet, CAMEO "
        "codes of the ladder): the mean over runs still in crisis, its 95% interval and the "
        "10-90% spread, beside the monthly mean of the coded 2016-2019 record.",
    )
