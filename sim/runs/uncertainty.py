"""Outcome odds with parameter uncertainty (uncertainty=posterior uncertainty.path=...).

``uncertainty.draws`` parameter sets are resampled from a calibration's last generation
(seeded by ``run.seed``); each is run for ``run.seeds // uncertainty.draws`` replications,
and replication m of every draw uses the seed stream ``[run.seed, m]`` (common random
numbers: draws differ by their parameters, not their dice). For each outcome, with p_k
its share under draw k over M replications:

- p = mean of p_k, the odds with parameter uncertainty;
- the parameter interval: the 5% and 95% quantiles of p_k over draws;
- the variance of the outcome indicator, p (1 - p), split into parameters,
  Var_k(p_k) - mean_k p_k (1 - p_k) / (M - 1) (the spread of p_k less what M
  replications' binomial noise adds to it, floored at 0), and dice, the rest.
"""

from __future__ import annotations

import copy
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from sim import __version__
from sim.core.outcomes import OUTCOMES
from sim.core.params import ConfigError, CrisisConfig, validate
from sim.io import files
from sim.io.calibration import load_posterior
from sim.io.start import apply_start
from sim.runs.calibrate import draw, with_values

DRAWS, UNCERTAINTY = "draws.parquet", "uncertainty.json"


def check(cfg: CrisisConfig) -> None:
    u = cfg.uncertainty
    if u.mode not in ("none", "posterior"):
        raise ConfigError(f"uncertainty.mode={u.mode!r} is unknown; allowed: none, posterior")
    if u.mode == "posterior":
        if not u.path:
            raise ConfigError("uncertainty=posterior needs uncertainty.path=<calibration dir>")
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


def run(cfg: CrisisConfig, outdir: Path | str) -> dict:
    """Run every draw; write draws.parquet and uncertainty.json; return the summary."""
    validate(cfg)
    check(cfg)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    u = cfg.uncertainty
    post = load_posterior(u.path)
    k, m = u.draws, cfg.run.seeds // u.draws
    base = copy.deepcopy(cfg)
    base.run.progress = False
    rows = []
    for j, values in enumerate(draw(post, k, cfg.run.seed)):
        c = apply_start(with_values(base, values))
        for i, outcome in enumerate(simulate_outcomes(c, range(m))):
            rows.append((j, i, outcome))
    df = pd.DataFrame(rows, columns=["draw", "seed", "outcome"])
    df.to_parquet(outdir / DRAWS, index=False)
    table = {}
    for o in OUTCOMES:
        pk = df.assign(x=df["outcome"] == o).groupby("draw")["x"].mean().to_numpy(float)
        p = float(pk.mean())
        total = p * (1.0 - p)
        params = max(0.0, float(pk.var(ddof=1)) - float(np.mean(pk * (1 - pk))) / (m - 1))
        params = min(params, total)
        table[o] = {
            "probability": round(p, 6),
            "param_q05": round(float(np.quantile(pk, 0.05)), 6),
            "param_q95": round(float(np.quantile(pk, 0.95)), 6),
            "variance": round(total, 6),
            "variance_parameters": round(params, 6),
            "variance_dice": round(total - params, 6),
            "parameter_share": round(params / total, 6) if total > 0 else None,
        }
    summary = {
        "scenario": cfg.scenario.name,
        "calibration": u.path,
        "draws": k,
        "seeds_per_draw": m,
        "rounds": cfg.run.rounds,
        "start": cfg.run.start,
        "outcomes": table,
    }
    files.write_json(outdir / UNCERTAINTY, summary)
    files.write_json(outdir / files.PROVENANCE, files.provenance(asdict(cfg), __version__))
    return summary
