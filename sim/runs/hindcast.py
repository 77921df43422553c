"""Hindcast of the validation window, scored against baselines (task=hindcast).

Forecasts start at rolling origins, every ``hindcast.every`` months from August 2017
(``VALID_FIRST``) to July 2019 (``VALID_LAST``); each runs from the state the record gives
before its origin month (``sim.io.start``) for up to ``hindcast.horizon`` months, never
past the validation window. A forecast for a month is the share of replications in which
the indicator is on that month.

Forecasters, scored on the same (origin, month) pairs:

- ``defaults``: the configured (article's) parameters, ``hindcast.seeds`` replications.
- ``posterior`` (with ``calibration.path``): ``hindcast.seeds`` parameter sets resampled
  from the last ABC-SMC generation, one replication each (replication j uses stream j, as
  replication j of ``defaults`` does: common random numbers).
- ``climatology``: each indicator's base rate over the training window (2016-01..2017-07).
- ``persistence``: the indicator's recorded value in the last covered month before the
  origin, as a probability of 0 or 1.

Scores (``sim.scoring``): Brier and log score for each binary indicator, the ranked
probability score for the monthly counts of missile tests (0, 1, 2, 3+) and of
resolutions (0, 1, 2+). The model makes at most one test and one resolution a month,
so its count forecasts put no mass above 1: that is scored as it is.
"""

from __future__ import annotations

import copy
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from sim import __version__, scoring, stats
from sim.core.params import CrisisConfig, validate
from sim.io import files
from sim.io.calibration import load_posterior
from sim.io.hindcast import COUNT_FORECASTS, FORECASTS, HINDCAST, SCORES
from sim.io.start import apply_start
from sim.runs.calibrate import (
    INDICATORS,
    TRAIN_FIRST,
    TRAIN_LAST,
    VALID_FIRST,
    VALID_LAST,
    draw,
    months,
    record_indicators,
    simulate_indicators,
    training_panel,
    with_values,
)

#: The binary indicators scored (exercises are an input of the model, not a forecast).
SCORED = ("missile_test", "strategic_test", "nuclear_test", "resolution_adopted", "talks_open")
#: Intervals on scores and skill: central LEVEL percentile interval over RESAMPLES
#: resamples of whole forecast origins (a block bootstrap, seeded by run.seed).
LEVEL, RESAMPLES = 0.9, 2000
#: Count indicators scored by RPS: record column, model indicator, categories.
COUNTS = {"missile_tests": ("missile_test", 4), "resolutions_adopted": ("resolution_adopted", 3)}


def origins(every: int) -> list[pd.Period]:
    first, last = pd.Period(VALID_FIRST, "M"), pd.Period(VALID_LAST, "M")
    out, m = [], first
    while m <= last:
        out.append(m)
        m += every
    return out


def _last_covered(panel: pd.DataFrame, column: str, before: pd.Period):
    s = panel.loc[panel.index < before, column].dropna()
    return None if s.empty else float(s.iloc[-1])


def _forecast_origin(cfg, origin, rounds, events, draws) -> dict[str, np.ndarray]:
    """(rounds, indicators) probabilities of each model forecaster from one origin."""
    base = copy.deepcopy(cfg)
    base.run.start = str(origin)
    base.run.rounds = rounds
    base.run.progress = False
    before = events[events["month"] < origin]
    out = {"defaults": simulate_indicators(apply_start(base, before), range(cfg.hindcast.seeds))}
    if draws is not None:
        sims = [
            simulate_indicators(apply_start(with_values(base, values), before), [j])[0]
            for j, values in enumerate(draws)
        ]
        out["posterior"] = np.array(sims)
    return {k: v.mean(axis=0) for k, v in out.items()}


def run(
    cfg: CrisisConfig,
    outdir: Path | str,
    panel: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> dict:
    """Forecast every origin, score, write forecasts.parquet, scores.csv, hindcast.json."""
    from sim.io.history import record

    validate(cfg)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    events, panel = record(events, panel)
    draws = None
    if cfg.calibration.path:
        post = load_posterior(cfg.calibration.path)
        draws = draw(post, cfg.hindcast.seeds, cfg.run.seed)
    t0 = time.perf_counter()

    train = training_panel(panel)
    tr = record_indicators(train, months(TRAIN_FIRST, TRAIN_LAST))
    clim = np.nanmean(tr, axis=0)
    clim_counts = {}
    for col, (_, k) in COUNTS.items():
        c = scoring.categories(train[col].dropna().to_numpy(), k)
        clim_counts[col] = np.bincount(c, minlength=k) / len(c)

    rows, count_rows = [], []
    orgs = origins(cfg.hindcast.every)
    last = pd.Period(VALID_LAST, "M")
    for origin in orgs:
        rounds = min(cfg.hindcast.horizon, (last - origin).n + 1)
        target = pd.period_range(origin, periods=rounds, freq="M")
        obs = record_indicators(panel, target)
        model = _forecast_origin(cfg, origin, rounds, events, draws)
        prev = record_indicators(panel, months(TRAIN_FIRST, str(origin - 1)))
        persist = {}
        for j, name in enumerate(INDICATORS):
            vals = prev[:, j][~np.isnan(prev[:, j])]
            persist[name] = float(vals[-1]) if len(vals) else float(clim[j])
        for h in range(rounds):
            for j, name in enumerate(INDICATORS):
                if name not in SCORED or np.isnan(obs[h, j]):
                    continue
                probs = {k: float(v[h, j]) for k, v in model.items()}
                probs["climatology"] = float(clim[j])
                probs["persistence"] = persist[name]
                for who, p in probs.items():
                    rows.append((who, str(origin), str(target[h]), h + 1, name, p, obs[h, j]))
            for col, (ind, k) in COUNTS.items():
                y = panel.loc[target[h], col]
                if pd.isna(y):
                    continue
                j = INDICATORS.index(ind)
                dist = {}
                for who, v in model.items():
                    q = np.zeros(k)
                    q[0], q[1] = 1.0 - v[h, j], v[h, j]
                    dist[who] = q
                dist["climatology"] = clim_counts[col]
                prev = _last_covered(panel, col, origin)
                q = np.zeros(k)
                q[int(scoring.categories([prev if prev is not None else 0], k)[0])] = 1.0
                dist["persistence"] = q
                cat = int(scoring.categories([y], k)[0])
                for who, q in dist.items():
                    count_rows.append((who, str(origin), str(target[h]), h + 1, col, list(q), cat))

    fc = pd.DataFrame(
        rows, columns=["forecaster", "origin", "month", "horizon", "indicator", "p", "observed"]
    )
    cc = pd.DataFrame(
        count_rows,
        columns=["forecaster", "origin", "month", "horizon", "indicator", "probs", "observed"],
    )
    scores = score(fc, cc, cfg.run.seed)
    seconds = time.perf_counter() - t0
    fc.to_parquet(outdir / FORECASTS, index=False)
    cc.to_parquet(outdir / COUNT_FORECASTS, index=False)
    with files.atomic(outdir / SCORES) as fh:
        scores.to_csv(fh, index=False, lineterminator="\n", float_format="%.6g")
    summary = {
        "validation": [VALID_FIRST, VALID_LAST],
        "climatology_window": [TRAIN_FIRST, TRAIN_LAST],
        "origins": len(orgs),
        "origin_months": [str(o) for o in orgs],
        "horizon": cfg.hindcast.horizon,
        "seeds": cfg.hindcast.seeds,
        "calibration": cfg.calibration.path or None,
        "forecasters": sorted(fc["forecaster"].unique().tolist()),
        "log_score_clip": scoring.EPS,
        "intervals": {
            "level": LEVEL,
            "resamples": RESAMPLES,
            "method": "percentile bootstrap over forecast origins (whole origins resampled)",
            "seed": cfg.run.seed,
        },
        "seconds": round(seconds, 3),
        "scores": scores.to_dict("records"),
    }
    files.write_json(outdir / HINDCAST, summary)
    files.write_json(outdir / files.PROVENANCE, files.provenance(asdict(cfg), __version__))
    return summary


def score(
    fc: pd.DataFrame, cc: pd.DataFrame, seed: int = 0, resamples: int = RESAMPLES
) -> pd.DataFrame:
    """One row per (indicator or 'all', score, forecaster): value, n and skill scores,
    each with its LEVEL interval from a bootstrap of whole origins (``sim.stats``)."""
    out = []

    def add(indicator, name, losses: pd.DataFrame):
        """losses: one row per scored (origin, month[, indicator]), one column per forecaster."""
        who = list(losses.columns)
        if losses.isna().to_numpy().any():
            raise ValueError(f"{indicator} {name}: forecasters were scored on different months")
        values = {w: float(losses[w].mean()) for w in who}
        blocks = losses.index.get_level_values("origin")
        boot = stats.block_bootstrap_means(losses.to_numpy(), blocks, seed, resamples)
        col = {w: boot[:, i] for i, w in enumerate(who)}

        def skill_interval(w, ref):
            r = col[ref]
            with np.errstate(divide="ignore", invalid="ignore"):
                s = np.where(r > 0, 1.0 - col[w] / r, np.nan)
            return stats.percentile_interval(s, LEVEL)

        for w in who:
            v = values[w]
            lo, hi = stats.percentile_interval(col[w], LEVEL)
            c_lo, c_hi = skill_interval(w, "climatology")
            p_lo, p_hi = skill_interval(w, "persistence")
            out.append(
                {
                    "indicator": indicator,
                    "score": name,
                    "forecaster": w,
                    "n": len(losses),
                    "value": v,
                    "skill_climatology": scoring.skill(v, values["climatology"]),
                    "skill_persistence": scoring.skill(v, values["persistence"]),
                    "value_low": lo,
                    "value_high": hi,
                    "skill_climatology_low": c_lo,
                    "skill_climatology_high": c_hi,
                    "skill_persistence_low": p_lo,
                    "skill_persistence_high": p_hi,
                }
            )

    def table(part: pd.DataFrame, loss: np.ndarray) -> pd.DataFrame:
        keys = ["origin", "month", "indicator", "forecaster"]
        return part[keys].assign(loss=loss).set_index(keys)["loss"].unstack("forecaster")

    groups = [(name, fc[fc["indicator"] == name]) for name in SCORED] + [("all", fc)]
    for name, part in groups:
        if part.empty:
            continue
        add(name, "brier", table(part, scoring.brier_each(part["p"], part["observed"])))
        add(name, "log", table(part, scoring.log_each(part["p"], part["observed"])))
    for name, part in cc.groupby("indicator", sort=True):
        loss = scoring.rps_each(np.stack(list(part["probs"])), part["observed"])
        add(name, "rps", table(part, loss))
    return pd.DataFrame(out)
