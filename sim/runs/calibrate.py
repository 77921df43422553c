"""ABC-SMC calibration on the training window of the record (task=calibrate).

The model runs from January 2016 (``TRAIN_FIRST``) for 19 rounds, to July 2017
(``TRAIN_LAST``), from the state the record gives at its start (``sim.io.start``). Each
particle (a draw of the parameters named in ``calibrate.priors``) is run for
``calibrate.seeds`` replications on common random numbers (replication i of every
particle uses the seed stream ``[calibrate.seed, i]``), and its summary statistics are
the seed-averaged counts of months in which each monthly indicator is on, separately for
2016 and for January-July 2017 (12 statistics). The distance to the record is

    d = sqrt( sum_i ((s_i - o_i) / sigma_i)^2 ),  sigma_i = sqrt(n_i q_i (1 - q_i)),
    q_i = (o_i + 0.5) / (n_i + 1),

with o_i the recorded count of months, n_i the covered months of that statistic and
sigma_i the binomial standard deviation of such a count at the recorded rate (Jeffreys-
smoothed so a zero count still has a scale). Each statistic thus counts in units of its
own sampling noise, and no indicator dominates because it is frequent.

pyabc runs the sequential Monte Carlo: quantile (median) epsilon schedule, multivariate
normal perturbation, its SingleCoreSampler. pyabc draws proposals from numpy's global
generator, so numpy's global generator is seeded with ``calibrate.seed`` just before
pyabc's run (and restored after): the same settings give the same posterior. Its SQLite
history (``abc.db``) lets a stopped calibration resume: the generations already stored
are kept and only the remaining ones are run (a resumed run is a valid ABC-SMC run but
not bit-identical to an uninterrupted one, since the generator is reseeded at the
resume).

The record is read only through :func:`training_panel`, which refuses months after
``TRAIN_LAST``: no validation month can enter the fit.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from sim import __version__
from sim.core.model import ROUND_COLUMNS
from sim.core.params import ConfigError, CrisisConfig, validate
from sim.io import files
from sim.io.calibration import CALIBRATION, DB, DIAGNOSTICS, POSTERIOR, PPC
from sim.io.start import apply_start, get_key, set_key

TRAIN_FIRST, TRAIN_LAST = "2016-01", "2017-07"
VALID_FIRST, VALID_LAST = "2017-08", "2019-07"

#: The monthly indicators simulated and recorded; each is 1 in a month when it happened.
INDICATORS = (
    "missile_test",
    "strategic_test",
    "nuclear_test",
    "resolution_adopted",
    "talks_open",
    "exercises_running",
)
#: Record column behind each indicator (counts become "at least one").
RECORD_COLUMN = {
    "missile_test": "missile_tests",
    "strategic_test": "strategic_test",
    "nuclear_test": "nuclear_tests",
    "resolution_adopted": "resolutions_adopted",
    "talks_open": "talks_open",
    "exercises_running": "exercises_running",
}
#: Sub-periods of the training window whose counts are the summary statistics.
PERIODS = (("2016-01", "2016-12"), ("2017-01", "2017-07"))


# --- the record, training window only ---------------------------------------------------


def months(first: str, last: str) -> pd.PeriodIndex:
    return pd.period_range(first, last, freq="M", name="month")


def training_panel(panel: pd.DataFrame, last: str = TRAIN_LAST) -> pd.DataFrame:
    """The panel's training months; asking for a month after ``TRAIN_LAST`` is an error."""
    if pd.Period(last, "M") > pd.Period(TRAIN_LAST, "M"):
        raise ValueError(f"calibration may read the record up to {TRAIN_LAST}, not {last}")
    return panel.loc[months(TRAIN_FIRST, last)].copy()


def record_indicators(panel: pd.DataFrame, index: pd.PeriodIndex) -> np.ndarray:
    """(months, indicators) of 0/1 from the record, NaN where the month is not covered."""
    out = np.full((len(index), len(INDICATORS)), np.nan)
    for j, name in enumerate(INDICATORS):
        col = panel.loc[index, RECORD_COLUMN[name]]
        vals = pd.to_numeric(col.astype("Float64"), errors="coerce").to_numpy(
            float, na_value=np.nan
        )
        out[:, j] = np.where(np.isnan(vals), np.nan, (vals > 0).astype(float))
    return out


# --- the model, behind one function -----------------------------------------------------


_DPRK, _ADOPTED, _EXERCISES, _TALKS = (
    ROUND_COLUMNS.index(c) for c in ("dprk_move", "resolution_adopted", "exercises", "talks")
)


def indicators_of(rows, outcome: str, rounds: int) -> np.ndarray:
    """(rounds, indicators) of one finished replication.

    Talks are open in a month when the run's talks state is negotiating or agreement.
    After an absorbing outcome (war, nuclear war, collapse) the run has no rows; its
    months are filled as: no tests, resolutions or talks; exercises as in the last month
    (assumption: the model has no months after its end).
    """
    out = np.zeros((rounds, len(INDICATORS)))
    last_ex = 0.0
    for r, row in enumerate(rows):
        dprk, adopted, exercises = row[_DPRK], row[_ADOPTED], row[_EXERCISES]
        out[r, 0] = dprk in ("missile_test", "icbm_test")
        out[r, 1] = dprk in ("icbm_test", "nuclear_test")
        out[r, 2] = dprk == "nuclear_test"
        out[r, 3] = adopted is not None
        out[r, 4] = row[_TALKS] != "none"
        out[r, 5] = last_ex = float(exercises)
    n = len(rows)
    if n < rounds:
        out[n:, 5] = last_ex
    return out


def simulate_indicators(cfg: CrisisConfig, seeds) -> np.ndarray:
    """(len(seeds), run.rounds, indicators): replication i of ``cfg`` for each i in seeds.

    The one place this module runs the model (it can switch to a batch driver).
    """
    from itertools import groupby

    from sim.runs import batch

    out = np.zeros((len(seeds), cfg.run.rounds, len(INDICATORS)))
    spans: list[list[int]] = []  # contiguous seeds are one compiled call
    for i in (int(x) for x in seeds):
        if spans and spans[-1][1] == i:
            spans[-1][1] = i + 1
        else:
            spans.append([i, i + 1])
    k = 0
    for start, stop in spans:
        block = batch.simulate(cfg, start, stop, trajectories=True)
        ends = {row[0]: row[1] for row in batch.outcome_rows(block)}
        for seed, rows in groupby(batch.trajectory_rows(block), key=lambda r: r[0]):
            out[k] = indicators_of([r[1:] for r in rows], ends[seed], cfg.run.rounds)
            k += 1
    return out


# --- parameters ---------------------------------------------------------------------------


def _name(key: str) -> str:
    return key.replace(".", "__")


def _key(name: str) -> str:
    return name.replace("__", ".")


def priors_of(cfg: CrisisConfig) -> list[tuple[str, float, float, str]]:
    """(key, low, high, source) of each prior; ConfigError for a bad entry."""
    from sim.core.params import ranges

    known = ranges(cfg)
    out = []
    for pr in cfg.calibrate.priors:
        if pr.key not in known:
            raise ConfigError(f"calibrate.priors: {pr.key!r} is not a config key")
        lo, hi = known[pr.key]
        if not pr.low < pr.high:
            raise ConfigError(
                f"calibrate.priors: {pr.key} low={pr.low} is not below high={pr.high}"
            )
        if (lo is not None and pr.low < lo) or (hi is not None and pr.high > hi):
            raise ConfigError(
                f"calibrate.priors: {pr.key} [{pr.low}, {pr.high}] leaves its range [{lo}, {hi}]"
            )
        out.append((pr.key, float(pr.low), float(pr.high), pr.source))
    if not out:
        raise ConfigError("calibrate.priors is empty; allowed: a list of {key, low, high, source}")
    return out


def with_values(base: CrisisConfig, values: dict[str, float]) -> CrisisConfig:
    """A copy of ``base`` with the dotted keys set, moved to its start month's record."""
    cfg = copy.deepcopy(base)
    for key, v in values.items():
        set_key(cfg, key, float(v))
    validate(cfg)
    return cfg


def base_config(cfg: CrisisConfig) -> CrisisConfig:
    """The training run: from TRAIN_FIRST to TRAIN_LAST, seeded by calibrate.seed."""
    out = copy.deepcopy(cfg)
    out.run.start = TRAIN_FIRST
    out.run.rounds = len(months(TRAIN_FIRST, TRAIN_LAST))
    out.run.seed = cfg.calibrate.seed
    out.run.progress = False
    return out


# --- summary statistics and distance ------------------------------------------------------


def stat_names() -> list[str]:
    return [f"{ind}[{a}..{b}]" for a, b in PERIODS for ind in INDICATORS]


def _period_masks() -> list[np.ndarray]:
    idx = months(TRAIN_FIRST, TRAIN_LAST)
    return [np.asarray((idx >= pd.Period(a, "M")) & (idx <= pd.Period(b, "M"))) for a, b in PERIODS]


def summary_stats(sim: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """Seed-averaged months-on counts per (period, indicator) over covered months.

    ``sim`` is (seeds, months, indicators); ``covered`` (months, indicators) is True where
    the record covers the month.
    """
    mean = sim.mean(axis=0) * covered
    return np.concatenate([mean[m].sum(axis=0) for m in _period_masks()])


def observed_stats(obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recorded months-on counts and covered months per statistic."""
    covered = ~np.isnan(obs)
    vals = np.nan_to_num(obs)
    counts = np.concatenate([vals[m].sum(axis=0) for m in _period_masks()])
    n = np.concatenate([covered[m].sum(axis=0) for m in _period_masks()])
    return counts, n


def scales(counts: np.ndarray, n: np.ndarray) -> np.ndarray:
    q = (counts + 0.5) / (n + 1.0)
    return np.sqrt(np.maximum(n * q * (1.0 - q), 1e-9))


def distance(s: np.ndarray, o: np.ndarray, sigma: np.ndarray) -> float:
    return float(np.sqrt(np.sum(((s - o) / sigma) ** 2)))


# --- the run --------------------------------------------------------------------------------


class _Problem:
    """The model, observation and distance pyabc sees (picklable, deterministic)."""

    def __init__(self, cfg: CrisisConfig, panel: pd.DataFrame, events: pd.DataFrame, bar=None):
        self.base = base_config(cfg)
        self.events = events[events["month"] < pd.Period(TRAIN_FIRST, "M")]
        train = training_panel(panel)
        self.obs = record_indicators(train, months(TRAIN_FIRST, TRAIN_LAST))
        self.covered = ~np.isnan(self.obs)
        self.counts, self.n = observed_stats(self.obs)
        self.sigma = scales(self.counts, self.n)
        self.seeds = range(cfg.calibrate.seeds)
        self.bar = bar
        self.bounds = {_name(k): (lo, hi) for k, lo, hi, _ in priors_of(cfg)}

    def values(self, params: dict) -> dict[str, float]:
        """Dotted key -> value of a particle (pyabc works on z = logit((x - low) / width))."""
        return from_logit(self.bounds, params)

    def config(self, params: dict) -> CrisisConfig | None:
        """The particle's config from its logit-scale parameters."""
        try:
            cfg = with_values(self.base, self.values(params))
        except ConfigError:
            return None
        return apply_start(cfg, self.events)

    def config_of(self, values: dict[str, float]) -> CrisisConfig | None:
        """The config of dotted-key values (not logit-scale)."""
        try:
            cfg = with_values(self.base, values)
        except ConfigError:
            return None
        return apply_start(cfg, self.events)

    def model(self, params) -> dict:
        cfg = self.config(dict(params))
        if self.bar is not None:
            self.bar.update()
        if cfg is None:  # outside the model's joint constraints: never accepted
            return {"s": np.full(len(self.counts), np.inf)}
        sim = simulate_indicators(cfg, self.seeds)
        return {"s": summary_stats(sim, self.covered)}

    def distance(self, x, x0) -> float:
        if not np.all(np.isfinite(x["s"])):
            return math.inf
        return distance(x["s"], x0["s"], self.sigma)


def _progress(enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit="particle", desc="calibrate (particles simulated)", leave=False)


def run(
    cfg: CrisisConfig,
    outdir: Path | str,
    panel: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> dict:
    """Calibrate on the training window; write the output files; return the summary."""
    import pyabc

    from sim.io.history import record

    validate(cfg)
    priors = priors_of(cfg)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    events, panel = record(events, panel)
    c = cfg.calibrate
    bar = _progress(cfg.run.progress)
    prob = _Problem(cfg, panel, events, bar)
    for name in ("ABC", "pyabc"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # Uniform on [low, high] is a standard logistic on z = logit((x - low) / (high - low)):
    # pyabc perturbs z, so no proposal leaves the prior's support (in 39 dimensions almost
    # every Gaussian step from a bounded uniform would).
    prior = pyabc.Distribution(**{_name(k): pyabc.RV("logistic", 0.0, 1.0) for k, *_ in priors})
    abc = pyabc.ABCSMC(
        prob.model,
        prior,
        prob.distance,
        population_size=c.population,
        sampler=pyabc.sampler.SingleCoreSampler(),
        # One Gaussian kernel per parameter (a product kernel): with fewer particles than
        # parameters a full covariance is singular and its density underflows.
        transitions=pyabc.AggregatedTransition(
            {(_name(k),): pyabc.MultivariateNormalTransition() for k, *_ in priors}
        ),
        eps=pyabc.epsilon.QuantileEpsilon(alpha=0.5),
    )
    db = outdir / DB
    url = f"sqlite:///{db}"
    done = 0
    if db.exists():
        stored = pyabc.History(url)
        done = stored.n_populations if stored.id is not None else 0
        if done:
            abc.load(url, 1)
    if not done:
        db.unlink(missing_ok=True)
        abc.new(url, {"s": prob.counts})
    t0 = time.perf_counter()
    remaining = c.generations - done
    state = np.random.get_state()
    try:
        np.random.seed([c.seed, done])  # pyabc samples from numpy's global generator
        history = abc.run(max_nr_populations=remaining) if remaining > 0 else abc.history
    finally:
        np.random.set_state(state)
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - t0
    summary = write_outputs(cfg, prob, history, priors, outdir, seconds, resumed_from=done)
    return summary


def _ess(w: np.ndarray) -> float:
    w = np.asarray(w, float) / np.sum(w)
    return float(1.0 / np.sum(w**2))


def write_outputs(cfg, prob: _Problem, history, priors, outdir: Path, seconds, resumed_from):
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    diag = []
    for _, row in pops.iterrows():
        t = int(row["t"])
        _, w = history.get_distribution(m=0, t=t)
        diag.append(
            {
                "generation": t,
                "epsilon": float(row["epsilon"]),
                "samples": int(row["samples"]),
                "accepted": int(row["particles"]),
                "acceptance_rate": float(row["particles"]) / float(row["samples"]),
                "ess": _ess(w),
            }
        )
    diag = pd.DataFrame(diag)
    with files.atomic(outdir / DIAGNOSTICS) as fh:
        diag.to_csv(fh, index=False, lineterminator="\n", float_format="%.10g")

    frames = []
    for t in range(int(pops["t"].max()) + 1):
        df, w = history.get_distribution(m=0, t=t)
        df = pd.DataFrame(
            [prob.values(dict(r)) for r in df[[_name(k) for k, *_ in priors]].to_dict("records")]
        )
        df.insert(0, "weight", np.asarray(w, float) / np.sum(w))
        df.insert(0, "generation", t)
        frames.append(df)
    allgen = pd.concat(frames, ignore_index=True)
    last = int(allgen["generation"].max())
    allgen.to_parquet(outdir / POSTERIOR, index=False)

    ppc = posterior_predictive(cfg, prob, allgen[allgen["generation"] == last])
    ppc.to_parquet(outdir / PPC, index=False)

    post = allgen[allgen["generation"] == last]
    table = []
    for key, lo, hi, source in priors:
        x, w = post[key].to_numpy(), post["weight"].to_numpy()
        mean = float(np.sum(w * x))
        sd = float(np.sqrt(np.sum(w * (x - mean) ** 2)))
        q = _weighted_quantiles(x, w, (0.05, 0.5, 0.95))
        table.append(
            {
                "key": key,
                "default": float(get_key(cfg, key)),
                "low": lo,
                "high": hi,
                "source": source,
                "mean": mean,
                "sd": sd,
                "q05": q[0],
                "median": q[1],
                "q95": q[2],
                "sd_ratio": sd / ((hi - lo) / math.sqrt(12.0)),
            }
        )
    summary = {
        "train": [TRAIN_FIRST, TRAIN_LAST],
        "population": cfg.calibrate.population,
        "generations": int(len(diag)),
        "seeds_per_particle": cfg.calibrate.seeds,
        "seed": cfg.calibrate.seed,
        "resumed_from_generation": resumed_from,
        "seconds": round(seconds, 3),
        "simulations": int(diag["samples"].sum()) * cfg.calibrate.seeds,
        "statistics": stat_names(),
        "observed": prob.counts.tolist(),
        "covered_months": prob.n.tolist(),
        "scales": prob.sigma.tolist(),
        "distance": "sqrt(sum(((s - o) / sigma)^2)), sigma = binomial sd at the recorded rate",
        "final_epsilon": float(diag["epsilon"].iloc[-1]),
        "posterior": table,
    }
    files.write_json(outdir / CALIBRATION, summary)
    files.write_json(outdir / files.PROVENANCE, files.provenance(asdict(cfg), __version__))
    return summary


def _weighted_quantiles(x: np.ndarray, w: np.ndarray, qs) -> list[float]:
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cum = (np.cumsum(w) - 0.5 * w) / np.sum(w)
    return [float(np.interp(q, cum, x)) for q in qs]


def from_logit(bounds: dict[str, tuple[float, float]], params: dict) -> dict[str, float]:
    """Dotted key -> value of logit-scale parameters z (x = low + width * sigmoid(z))."""
    out = {}
    for name, z in params.items():
        lo, hi = bounds[name]
        out[_key(name)] = lo + (hi - lo) / (1.0 + math.exp(-float(z)))
    return out


def prior_draw(cfg: CrisisConfig, n: int, seed: int) -> list[dict[str, float]]:
    """``n`` parameter sets from the priors ``calibrate.priors`` (seeded).

    The calibration's own prior: z standard logistic per parameter, mapped to its
    [low, high] by ``from_logit`` (exactly uniform on [low, high]).
    """
    bounds = {_name(k): (lo, hi) for k, lo, hi, _ in priors_of(cfg)}
    rng = np.random.default_rng([seed, 0x7072])
    z = rng.logistic(0.0, 1.0, size=(n, len(bounds)))
    return [from_logit(bounds, dict(zip(bounds, row, strict=True))) for row in z]


def draw(posterior: pd.DataFrame, n: int, seed: int) -> list[dict[str, float]]:
    """``n`` parameter sets resampled from weighted particles (seeded, with replacement)."""
    keys = [c for c in posterior.columns if c not in ("generation", "weight")]
    w = posterior["weight"].to_numpy(float)
    rng = np.random.default_rng([seed, 0x7070])
    idx = rng.choice(len(posterior), size=n, replace=True, p=w / w.sum())
    rows = posterior[keys].to_numpy(float)
    return [dict(zip(keys, rows[i], strict=True)) for i in idx]


def posterior_predictive(cfg: CrisisConfig, prob: _Problem, post: pd.DataFrame) -> pd.DataFrame:
    """Monthly probability of each indicator over the training window under the posterior
    (one replication per resampled particle, ``population`` draws), beside the record."""
    n = max(cfg.calibrate.population, 1)
    sims = []
    for j, values in enumerate(draw(post, n, cfg.calibrate.seed)):
        c = prob.config_of(values)
        if c is not None:
            sims.append(simulate_indicators(c, [j])[0])
    sims = np.array(sims)
    idx = months(TRAIN_FIRST, TRAIN_LAST)
    rows = []
    for j, name in enumerate(INDICATORS):
        for m, month in enumerate(idx):
            rows.append(
                {
                    "month": str(month),
                    "indicator": name,
                    "predicted": float(sims[:, m, j].mean()),
                    "observed": float(prob.obs[m, j]),
                    "draws": len(sims),
                }
            )
    return pd.DataFrame(rows)
