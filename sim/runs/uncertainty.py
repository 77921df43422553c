"""Outcome odds with parameter uncertainty (uncertainty=posterior|prior).

``uncertainty.draws`` parameter sets are drawn, from a calibration's last generation
(``posterior``, resampled by weight, ``uncertainty.path``) or from the calibration's
priors (``prior``, ``calibrate.priors``), seeded by ``run.seed``. Each is run for
``run.seeds // uncertainty.draws`` replications, and replication m of every draw uses
the seed stream ``[run.seed, m]`` (common random numbers: draws differ by their
parameters, not their dice). A key the scenario or the command line sets to other than
the article's value is held at that value in every draw (``held``), so that
``scenario=china_strict`` keeps its strict China. For each outcome, with p_k its share
under draw k over M replications:

- p = mean of p_k, the odds with parameter uncertainty;
- the parameter interval: the 5% and 95% quantiles of p_k over draws;
- the variance of the outcome indicator, p (1 - p), split into parameters,
  Var_k(p_k) - mean_k p_k (1 - p_k) / (M - 1) (the spread of p_k less what M
  replications' binomial noise adds to it, floored at 0), and dice, the rest.

Beside them, ``fixed``: the configured parameters on the same ``draws * M`` streams,
with 95% Wilson intervals (the odds as an ordinary run gives them).
"""

from __future__ import annotations

import copy
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from sim import __version__, stats
from sim.core.outcomes import OUTCOMES
from sim.core.params import ConfigError, CrisisConfig, validate
from sim.io import files
from sim.io.calibration import POSTERIOR, load_posterior
from sim.io.start import apply_start, get_key
from sim.io.uncertainty import DRAWS, PARAMETERS, UNCERTAINTY
from sim.runs.calibrate import draw, prior_draw, priors_of, with_values

MODES = ("none", "posterior", "prior")

__all__ = ["DRAWS", "PARAMETERS", "UNCERTAINTY", "check", "run", "simulate_outcomes"]


def check(cfg: CrisisConfig) -> None:
    u = cfg.uncertainty
    if u.mode not in MODES:
        raise ConfigError(f"uncertainty.mode={u.mode!r} is unknown; allowed: {', '.join(MODES)}")
    if u.mode == "none":
        return
    if u.mode == "posterior":
        if not u.path:
            raise ConfigError("uncertainty=posterior needs uncertainty.path=<calibration dir>")
        where = Path(u.path)
        file = where / POSTERIOR if where.is_dir() else where
        if not (file.is_file() and file.suffix == ".parquet"):
            raise ConfigError(
                f"uncertainty.path={u.path}: no {POSTERIOR} there; allowed: a directory "
                "written by task=calibrate"
            )
    else:
        priors_of(cfg)
    if cfg.run.seeds < 2 * u.draws:
        raise ConfigError(
            f"run.seeds={cfg.run.seeds} gives fewer than 2 replications to each of "
            f"uncertainty.draws={u.draws}; allowed: run.seeds >= {2 * u.draws}"
        )


def simulate_outcomes(cfg: CrisisConfig, seeds) -> list[str]:
    """The outcome of replication i of ``cfg`` for each i in seeds (one model entry point).

    Seeds run in one compiled call of the batch driver; same outcomes as the Mesa face.
    """
    from sim.runs import batch

    seeds = [int(i) for i in seeds]
    if not seeds:
        return []
    block = batch.simulate(cfg, min(seeds), max(seeds) + 1, trajectories=False)
    ends = {row[0]: row[1] for row in batch.outcome_rows(block)}
    return [ends[i] for i in seeds]


def parameter_sets(cfg: CrisisConfig) -> list[dict[str, float]]:
    """The drawn parameter sets (every key the posterior or the priors hold)."""
    u = cfg.uncertainty
    if u.mode == "posterior":
        return draw(load_posterior(u.path), u.draws, cfg.run.seed)
    return prior_draw(cfg, u.draws, cfg.run.seed)


def held_keys(cfg: CrisisConfig, keys) -> dict[str, float]:
    """Drawn keys the scenario or the command line set to other than the article's value."""
    article = CrisisConfig()
    return {
        k: float(get_key(cfg, k)) for k in keys if float(get_key(cfg, k)) != get_key(article, k)
    }


def split(pk: np.ndarray, m: int) -> dict:
    """Odds, parameter interval and variance split of one outcome from its per-draw shares."""
    p = float(pk.mean())
    total = p * (1.0 - p)
    params = max(0.0, float(pk.var(ddof=1)) - float(np.mean(pk * (1 - pk))) / (m - 1))
    params = min(params, total)
    return {
        "probability": round(p, 6),
        "param_q05": round(float(np.quantile(pk, 0.05)), 6),
        "param_q95": round(float(np.quantile(pk, 0.95)), 6),
        "variance": round(total, 6),
        "variance_parameters": round(params, 6),
        "variance_dice": round(total - params, 6),
        "parameter_share": round(params / total, 6) if total > 0 else None,
    }


def run(cfg: CrisisConfig, outdir: Path | str) -> dict:
    """Run every draw and the configured parameters; write the files; return the summary."""
    validate(cfg)
    check(cfg)
    if cfg.uncertainty.mode == "none":
        raise ConfigError("uncertainty.mode=none draws no parameters; allowed: posterior, prior")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    u = cfg.uncertainty
    sets = parameter_sets(cfg)
    k, m = u.draws, cfg.run.seeds // u.draws
    base = copy.deepcopy(cfg)
    base.run.progress = False
    held = held_keys(base, sets[0]) if sets else {}
    rows = []
    for j, values in enumerate(sets):
        drawn = {key: v for key, v in values.items() if key not in held}
        c = apply_start(with_values(base, drawn))
        for i, outcome in enumerate(simulate_outcomes(c, range(m))):
            rows.append((j, i, outcome))
    df = pd.DataFrame(rows, columns=["draw", "seed", "outcome"])
    fixed_ends = pd.Series(simulate_outcomes(apply_start(base), range(k * m)))
    params = pd.DataFrame(sets)
    params.insert(0, "draw", range(len(sets)))
    for key in held:
        params[key] = held[key]
    table, fixed = {}, {}
    for o in OUTCOMES:
        pk = df.assign(x=df["outcome"] == o).groupby("draw")["x"].mean().to_numpy(float)
        table[o] = split(pk, m)
        n = int((fixed_ends == o).sum())
        lo, hi = stats.wilson(n, k * m)
        fixed[o] = {
            "count": n,
            "probability": round(n / (k * m), 6),
            "ci_low": round(lo, 6),
            "ci_high": round(hi, 6),
        }
    summary = {
        "scenario": cfg.scenario.name,
        "mode": u.mode,
        "calibration": u.path if u.mode == "posterior" else None,
        "draws": k,
        "seeds_per_draw": m,
        "seeds": k * m,
        "seed": cfg.run.seed,
        "rounds": cfg.run.rounds,
        "start": cfg.run.start,
        "drawn_keys": [key for key in params.columns if key != "draw" and key not in held],
        "held": held,
        "outcomes": table,
        "fixed": fixed,
    }
    df.to_parquet(outdir / DRAWS, index=False)
    params.to_parquet(outdir / PARAMETERS, index=False)
    files.write_json(outdir / files.PROVENANCE, files.provenance(asdict(cfg), __version__))
    files.write_json(outdir / UNCERTAINTY, summary)  # last: its presence marks a finished run
    return summary
