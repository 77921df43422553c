"""Global sensitivity of the outcome odds to the actors' preferences (task=sensitivity).

Which preferences matter most? A one-at-a-time sweep answers that only near
the baseline and misses interactions, so this module varies every actor
preference at once over its allowed range and apportions the variance of
each outcome's probability among them:

- ``sobol``: Saltelli sampling and Sobol' indices. S1 is the share of an
  outcome's variance a preference explains alone; ST adds every interaction
  it takes part in. Both come with 95% bootstrap intervals.
- ``morris``: elementary effects, a cheap screening pass. mu* ranks influence
  (change in probability per full range); sigma flags nonlinearity or interactions.

Each sample point is run for ``sensitivity.seeds`` replications with common
random numbers: replication i uses the same seed stream at every point, so
differences between points are the preferences' and not the dice's. The
finite number of replications still leaves each probability with binomial
error; the run reports that error's share of the variance and how well the
indices from two disjoint halves of the replications agree, so a reader can
judge whether ``seeds`` was enough.

This module is the analysis; its figures and report are drawn and written by
``sim.report.sensitivity`` from the files this module writes.
"""

from __future__ import annotations

import copy
import math
import time
import warnings
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim import __version__, stats
from sim.core.outcomes import OUTCOMES
from sim.core.params import ConfigError, CrisisConfig, label, validate
from sim.io import files
from sim.io import sensitivity as sfiles
from sim.runs import batch
from sim.runs.pool import workers_available

METHODS = ("sobol", "morris")

# Actor fields left out of the default problem, and why.
EXCLUDED = {
    "rationality": "choice precision, not a preference: it rescales every utility term at once",
    "trade_share": "a fact about DPRK trade, not a preference; the two shares must sum to <= 1",
}
NEVER = ("trade_share",)  # cannot be sampled independently over its range


CONF_LEVEL = 0.95
RESAMPLES = 200  # bootstrap resamples behind every interval


# ---------------------------------------------------------------------------
# The problem: which preferences, over which bounds


def candidates(conf: CrisisConfig) -> dict[str, tuple[float, float]]:
    """Every float field with a finite range of the included groups: dotted key -> (lo, hi).

    Actors by default; `sensitivity.include` may add the world and council constants.
    """
    out = {}
    include = conf.sensitivity.include
    for group in ("world", "council"):
        if group not in include:
            continue
        node = getattr(conf, group)
        for f in fields(node):
            lo, hi = f.metadata.get("range", (None, None))
            value = getattr(node, f.name)
            if not isinstance(value, float) or lo is None or hi is None or not hi > lo:
                continue
            out[f"{group}.{f.name}"] = (float(lo), float(hi))
    if "actors" not in include:
        return out
    for actor in fields(conf.actors):
        params = getattr(conf.actors, actor.name)
        for f in fields(params):
            lo, hi = f.metadata.get("range", (None, None))
            value = getattr(params, f.name)
            if is_dataclass(value) or not isinstance(value, float) or isinstance(value, bool):
                continue
            if lo is None or hi is None or not hi > lo or f.name in NEVER:
                continue
            out[f"actors.{actor.name}.{f.name}"] = (float(lo), float(hi))
    return out


def problem(conf: CrisisConfig) -> dict:
    """The SALib problem: names and bounds, from the schema's range metadata.

    An empty ``sensitivity.parameters`` means every actor preference except
    those in EXCLUDED; otherwise exactly the listed keys (``actors.`` prefix
    optional), which may include ``rationality``.
    """
    allowed = candidates(conf)
    wanted = list(conf.sensitivity.parameters)
    if not wanted:
        names = [k for k in allowed if k.rsplit(".", 1)[1] not in EXCLUDED]
    else:
        names = []
        for key in wanted:
            grouped = key.startswith(("actors.", "world.", "council."))
            full = key if grouped else f"actors.{key}"
            if full.rsplit(".", 1)[-1] in NEVER:
                why = EXCLUDED[full.rsplit(".", 1)[-1]]
                raise ConfigError(
                    f"sensitivity.parameters has {key!r}, which cannot be sampled: {why}"
                )
            if full not in allowed:
                raise ConfigError(
                    f"sensitivity.parameters has {key!r}, which is not a sampled actor preference; "
                    f"allowed: {', '.join(k.removeprefix('actors.') for k in allowed)}"
                )
            if full in names:
                raise ConfigError(f"sensitivity.parameters lists {key!r} twice; allowed: each once")
            names.append(full)
    if len(names) < 2:
        raise ConfigError(
            f"sensitivity.parameters={wanted} gives {len(names)} parameter(s); allowed: at least 2"
        )
    return {"num_vars": len(names), "names": names, "bounds": [list(allowed[k]) for k in names]}


def check(conf: CrisisConfig) -> None:
    """Raise ConfigError for a sensitivity setting the methods cannot use.

    Cheap and free of side effects, so a front end can call it before it
    creates an output directory.
    """
    s = conf.sensitivity
    if s.method not in METHODS:
        raise ConfigError(
            f"sensitivity.method={s.method!r} is unknown; allowed: {', '.join(METHODS)}"
        )
    if s.method == "sobol" and (s.samples < 2 or s.samples & (s.samples - 1)):
        raise ConfigError(
            f"sensitivity.samples={s.samples} is not a power of 2, which Sobol' sequences need "
            f"for their balance; allowed: 2, 4, ..., e.g. 64 or 128"
        )
    if s.method == "morris" and s.samples < 2:
        raise ConfigError(f"sensitivity.samples={s.samples} trajectories; allowed: at least 2")
    if s.seeds < 2:
        raise ConfigError(
            f"sensitivity.seeds={s.seeds}; allowed: at least 2 replications per point"
        )
    problem(conf)  # the parameter names


def design(conf: CrisisConfig, prob: dict) -> np.ndarray:
    """The sample points (rows) of the configured method, seeded by run.seed."""
    s = conf.sensitivity
    seed = conf.run.seed
    if s.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(prob, s.samples, calc_second_order=False, seed=seed)
    from SALib.sample import morris

    return morris.sample(prob, s.samples, num_levels=s.levels, seed=seed)


def points(conf: CrisisConfig, num_vars: int) -> int:
    """How many sample points the configured method needs."""
    s = conf.sensitivity
    return s.samples * (num_vars + 2 if s.method == "sobol" else num_vars + 1)


# ---------------------------------------------------------------------------
# Evaluation: outcome counts per point, on all cores


def at(base: CrisisConfig, names: list[str], row) -> CrisisConfig:
    """A copy of `base` with the named preferences set to `row`."""
    cfg = copy.deepcopy(base)
    for key, value in zip(names, row, strict=True):
        parts = key.split(".")
        node = getattr(cfg.actors, parts[1]) if parts[0] == "actors" else getattr(cfg, parts[0])
        setattr(node, parts[-1], float(value))
    return cfg


def count(cfg: CrisisConfig) -> np.ndarray:
    """Outcome counts of one configuration, split by replication parity.

    Shape (2, outcomes): row h counts replications i with i % 2 == h, two
    disjoint halves that let the run check its own seed noise.
    """
    validate(cfg)
    codes = batch.simulate(cfg, 0, cfg.sensitivity.seeds, trajectories=False).outcomes["outcome"]
    out = np.zeros((2, len(OUTCOMES)), dtype=np.int32)
    for h in (0, 1):
        out[h] = np.bincount(codes[h::2], minlength=len(OUTCOMES))
    return out


def _chunk(base: CrisisConfig, names: list[str], rows: np.ndarray) -> np.ndarray:
    return np.stack([count(at(base, names, row)) for row in rows])


def evaluate(
    conf: CrisisConfig,
    names: list[str],
    X: np.ndarray,
    workers: int | None = None,
    progress: bool = True,
) -> np.ndarray:
    """Outcome counts (points, 2, outcomes) for every row of X, in row order.

    Chunks of points go to worker processes; each chunk's result lands at its
    own rows, so the output does not depend on the number of workers.
    """
    from tqdm import tqdm

    base = copy.deepcopy(conf)
    base.run.seeds = conf.sensitivity.seeds
    workers = max(1, min(workers or conf.run.workers or workers_available(), len(X)))
    counts = np.zeros((len(X), 2, len(OUTCOMES)), dtype=np.int32)
    bar = tqdm(
        total=len(X), unit="point", desc=f"{conf.sensitivity.method} points", disable=not progress
    )
    try:
        if workers == 1:
            for j, row in enumerate(X):
                counts[j] = count(at(base, names, row))
                bar.update()
            return counts
        from joblib import Parallel, delayed

        size = max(1, min(32, math.ceil(len(X) / (workers * 16))))
        starts = range(0, len(X), size)
        # loky processes: no fork of a threaded parent, and the pool is reused across runs.
        results = Parallel(n_jobs=workers, backend="loky", return_as="generator")(
            delayed(_chunk)(base, names, X[a : a + size]) for a in starts
        )
        for a, block in zip(starts, results, strict=True):
            counts[a : a + len(block)] = block
            bar.update(len(block))
        return counts
    finally:
        bar.close()


# ---------------------------------------------------------------------------
# Analysis


def _sobol(prob: dict, y: np.ndarray, seed: int) -> dict:
    from SALib.analyze import sobol

    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        r = sobol.analyze(
            prob,
            y,
            calc_second_order=False,
            num_resamples=RESAMPLES,
            conf_level=CONF_LEVEL,
            seed=seed,
        )
    return {k: np.asarray(r[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def _morris(prob: dict, X: np.ndarray, y: np.ndarray, levels: int, seed: int) -> dict:
    from SALib.analyze import morris

    r = morris.analyze(
        prob,
        X,
        y,
        num_resamples=RESAMPLES,
        conf_level=CONF_LEVEL,
        num_levels=levels,
        seed=seed,
    )
    return {k: np.asarray(r[k], dtype=float) for k in ("mu", "mu_star", "mu_star_conf", "sigma")}


# The tidy rows of each method: (index name, its value key, its interval key or None).
INDICES = {
    "sobol": (("S1", "S1", "S1_conf"), ("ST", "ST", "ST_conf")),
    "morris": (
        ("mu_star", "mu_star", "mu_star_conf"),
        ("sigma", "sigma", None),
        ("mu", "mu", None),
    ),
}
MAIN = stats.SENSITIVITY_MAIN


def indices(conf: CrisisConfig, prob: dict, X: np.ndarray, y: np.ndarray) -> dict | None:
    """The method's indices for one outcome, or None when it never varies."""
    if not np.ptp(y) > 0:
        return None
    s = conf.sensitivity
    if s.method == "sobol":
        return _sobol(prob, y, conf.run.seed)
    return _morris(prob, X, y, s.levels, conf.run.seed)


def analyse(conf: CrisisConfig, prob: dict, X: np.ndarray, counts: np.ndarray):
    """Tidy indices for every outcome and parameter, plus per-outcome diagnostics."""
    method, seeds = conf.sensitivity.method, conf.sensitivity.seeds
    total = counts.sum(axis=1)
    halves = [(seeds + 1) // 2, seeds // 2]  # replications i with i % 2 == 0, == 1
    rows, diagnostics = [], {}
    for j, outcome in enumerate(OUTCOMES):
        y = total[:, j] / seeds
        res = indices(conf, prob, X, y)
        var = float(np.var(y, ddof=1)) if len(y) > 1 else 0.0
        # Binomial variance of each estimated probability, averaged over points.
        noise = float(np.mean(y * (1 - y) / max(seeds - 1, 1)))
        diag = {
            "mean_probability": round(float(y.mean()), 6),
            "min_probability": round(float(y.min()), 6),
            "max_probability": round(float(y.max()), 6),
            "variance": var,
            "noise_share": round(noise / var, 4) if var > 0 else None,
            "varies": res is not None,
        }
        if res is not None and min(halves) > 0:
            split = [indices(conf, prob, X, counts[:, h, j] / halves[h]) for h in (0, 1)]
            if all(r is not None for r in split):
                a, b = (r[MAIN[method]] for r in split)
                diag["split_half"] = {
                    "index": MAIN[method],
                    "max_abs_difference": round(float(np.max(np.abs(a - b))), 4),
                    "rank_correlation": stats.spearman(a, b),
                }
        diagnostics[outcome] = diag
        for index, key, conf_key in INDICES[method]:
            for k, name in enumerate(prob["names"]):
                value = math.nan if res is None else float(res[key][k])
                ci = math.nan if res is None or conf_key is None else float(res[conf_key][k])
                rows.append((outcome, name, index, value, ci))
    table = pd.DataFrame(rows, columns=["outcome", "parameter", "index", "value", "conf"])
    return table, diagnostics


# ---------------------------------------------------------------------------
# Names and files


def samples_frame(names: list[str], X: np.ndarray, counts: np.ndarray, seeds: int) -> pd.DataFrame:
    """The design and the outcome probabilities per point."""
    frame = pd.DataFrame(X, columns=names)
    frame.insert(0, "point", np.arange(len(X), dtype=np.int64))
    total = counts.sum(axis=1)
    for j, o in enumerate(OUTCOMES):
        frame[f"p_{o}"] = total[:, j] / seeds
    return frame


def clear(outdir: Path) -> None:
    """A rerun never leaves old results beside new ones."""
    for name in (sfiles.SENSITIVITY_CSV, sfiles.SAMPLES, sfiles.RESULT_JSON):
        (outdir / name).unlink(missing_ok=True)


def run(conf: CrisisConfig, outdir: Path | str, *, workers: int | None = None) -> dict:
    """Sample the preferences, run every point, write the design, indices and summary.

    `workers` defaults to every core this process may use; results do not
    depend on it. Figures and the report are drawn from these files by
    `sim.report.sensitivity`.
    """
    validate(conf)
    check(conf)
    s = conf.sensitivity
    prob = problem(conf)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    clear(outdir)
    t0 = time.perf_counter()
    X = design(conf, prob)
    counts = evaluate(conf, prob["names"], X, workers, conf.run.progress)
    simulated = time.perf_counter() - t0
    table, diagnostics = analyse(conf, prob, X, counts)
    seconds = time.perf_counter() - t0
    result = {
        "scenario": conf.scenario.name,
        "method": s.method,
        "N": s.samples,
        "levels": s.levels if s.method == "morris" else None,
        "points": len(X),
        "seeds": s.seeds,
        "replications": len(X) * s.seeds,
        "rounds": conf.run.rounds,
        "base_seed": conf.run.seed,
        "second_order": False if s.method == "sobol" else None,
        "confidence_level": CONF_LEVEL,
        "bootstrap_resamples": RESAMPLES,
        "seconds": round(seconds, 2),
        "seconds_simulating": round(simulated, 2),
        "workers": max(1, min(workers or conf.run.workers or workers_available(), len(X))),
        "problem": {**prob, "labels": [label(k) for k in prob["names"]]},
        "excluded": {
            k: EXCLUDED[k.rsplit(".", 1)[1]]
            for k in candidates(conf)
            if k.rsplit(".", 1)[1] in EXCLUDED and k not in prob["names"]
        }
        | {f"actors.*.{n}": EXCLUDED[n] for n in NEVER},
        "outcomes": diagnostics,
        "top": {
            o: [k for k in stats.ranking(table, s.method, o).head(5).index]
            for o in OUTCOMES
            if diagnostics[o]["varies"]
        },
        "files": {"indices": sfiles.SENSITIVITY_CSV, "samples": sfiles.SAMPLES},
    }
    sfiles.write(outdir, samples_frame(prob["names"], X, counts, s.seeds), table, result)
    files.write_json(outdir / files.PROVENANCE, files.provenance(asdict(conf), __version__))
    return result
