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
"""

from __future__ import annotations

import copy
import math
import os
import time
import warnings
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__, outputs
from .model import Perceptions
from .outcomes import OUTCOMES
from .params import ConfigError, CrisisConfig, validate
from .replications import replicate

METHODS = ("sobol", "morris")

# Actor fields left out of the default problem, and why.
EXCLUDED = {
    "rationality": "choice precision, not a preference: it rescales every utility term at once",
    "trade_share": "a fact about DPRK trade, not a preference; the two shares must sum to <= 1",
}
NEVER = ("trade_share",)  # cannot be sampled independently over its range

SENSITIVITY_CSV = "sensitivity.csv"
SAMPLES = "samples.parquet"
RESULT_JSON = "sensitivity.json"
FIGURES = "figures"
REPORT_MD = "report.md"
REPORT_HTML = "report.html"

CONF_LEVEL = 0.95
RESAMPLES = 200  # bootstrap resamples behind every interval


# ---------------------------------------------------------------------------
# The problem: which preferences, over which bounds


def candidates(conf: CrisisConfig) -> dict[str, tuple[float, float]]:
    """Every actor float field with a finite range: dotted key -> (lo, hi)."""
    out = {}
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
            full = key if key.startswith("actors.") else f"actors.{key}"
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
        _, actor, name = key.split(".")
        setattr(getattr(cfg.actors, actor), name, float(value))
    return cfg


def count(cfg: CrisisConfig) -> np.ndarray:
    """Outcome counts of one configuration, split by replication parity.

    Shape (2, outcomes): row h counts replications i with i % 2 == h, two
    disjoint halves that let the run check its own seed noise.
    """
    validate(cfg)
    per = Perceptions.of(cfg)
    index = {o: j for j, o in enumerate(OUTCOMES)}
    out = np.zeros((2, len(OUTCOMES)), dtype=np.int32)
    for i in range(cfg.sensitivity.seeds):
        out[i % 2, index[replicate(cfg, i, per).outcome]] += 1
    return out


def _chunk(base: CrisisConfig, names: list[str], rows: np.ndarray) -> np.ndarray:
    return np.stack([count(at(base, names, row)) for row in rows])


def workers_available() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


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
    workers = max(1, min(workers or workers_available(), len(X)))
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
MAIN = {"sobol": "ST", "morris": "mu_star"}  # the index that ranks parameters


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
                    "rank_correlation": _spearman(a, b),
                }
        diagnostics[outcome] = diag
        for index, key, conf_key in INDICES[method]:
            for k, name in enumerate(prob["names"]):
                value = math.nan if res is None else float(res[key][k])
                ci = math.nan if res is None or conf_key is None else float(res[conf_key][k])
                rows.append((outcome, name, index, value, ci))
    table = pd.DataFrame(rows, columns=["outcome", "parameter", "index", "value", "conf"])
    return table, diagnostics


def _spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    ra, rb = pd.Series(a).rank().to_numpy(), pd.Series(b).rank().to_numpy()
    if np.std(ra) == 0 or np.std(rb) == 0:
        return None
    return round(float(np.corrcoef(ra, rb)[0, 1]), 4)


def ranking(table: pd.DataFrame, method: str, outcome: str) -> pd.DataFrame:
    """One outcome's parameters, most influential first (by ST or mu*)."""
    wide = table[table.outcome == outcome].pivot(index="parameter", columns="index", values="value")
    cis = table[table.outcome == outcome].pivot(index="parameter", columns="index", values="conf")
    for col in list(cis.columns):
        wide[f"{col}_conf"] = cis[col]
    return wide.sort_values(MAIN[method], ascending=False, na_position="last")


# ---------------------------------------------------------------------------
# Files


PROPER = {"china": "China", "us": "US", "dprk": "DPRK", "russia": "Russia"}


def label(key: str) -> str:
    """'actors.china.collapse_fear' -> 'China: collapse fear'."""
    from .report.style import ACTOR_LABELS

    _, actor, name = key.split(".")
    words = [PROPER.get(w, w) for w in name.split("_")]
    return f"{ACTOR_LABELS.get(actor, actor)}: {' '.join(words)}"


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    tmp = outputs.partial(path)
    try:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    with outputs.atomic(path) as fh:
        frame.to_csv(fh, index=False, lineterminator="\n", float_format="%.6g")


def _write_text(path: Path, text: str) -> None:
    with outputs.atomic(path) as fh:
        fh.write(text)


def samples_frame(names: list[str], X: np.ndarray, counts: np.ndarray, seeds: int) -> pd.DataFrame:
    """The design and the outcome probabilities per point."""
    frame = pd.DataFrame(X, columns=names)
    frame.insert(0, "point", np.arange(len(X), dtype=np.int64))
    total = counts.sum(axis=1)
    for j, o in enumerate(OUTCOMES):
        frame[f"p_{o}"] = total[:, j] / seeds
    return frame


def _clear(outdir: Path) -> None:
    """A rerun never leaves old results beside new ones."""
    for name in (SENSITIVITY_CSV, SAMPLES, RESULT_JSON, REPORT_MD, REPORT_HTML):
        (outdir / name).unlink(missing_ok=True)
    figs = outdir / FIGURES
    if figs.is_dir():
        for f in figs.glob("sensitivity_*"):
            f.unlink()


# ---------------------------------------------------------------------------
# Figures

ST_COLOR, S1_COLOR = "#1F4E79", "#8FB8DE"


def _save(fig, path: Path, formats: list[str]) -> list[Path]:
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in formats:
        target = path.with_suffix(f".{fmt}")
        with outputs.atomic(target, "wb") as fh:
            fig.savefig(fh, format=fmt, dpi=150, bbox_inches="tight")
        out.append(target)
    plt.close(fig)
    return out


def _subtitle(conf: CrisisConfig, diag: dict, n_points: int) -> str:
    s = conf.sensitivity
    lo, hi = diag["min_probability"], diag["max_probability"]
    text = (
        f"P ranges {lo:.2f}-{hi:.2f} over {n_points} points x {s.seeds} seeds"
        f" ({s.method}, N={s.samples}); whiskers: 95% bootstrap intervals"
    )
    if diag.get("noise_share") is not None:
        text += f"\nseed noise: {100 * diag['noise_share']:.0f}% of the variance"
        half = diag.get("split_half")
        if half and half.get("rank_correlation") is not None:
            text += f"; split-half rank agreement {half['rank_correlation']:.2f}"
    return text


def _titles(fig, ax, title: str, subtitle: str) -> None:
    """A bold title over a grey subtitle, both left-aligned on the axes."""
    ax.set_title(subtitle, loc="left", fontsize=8.5, color="#444444")
    fig.suptitle(title, x=0.01, ha="left", fontsize=12.5, fontweight="bold")


def _sobol_figure(conf, prob, table, outcome, diag, n_points):
    import matplotlib.pyplot as plt

    from .report.style import OUTCOME_LABELS

    r = ranking(table, "sobol", outcome)
    n = len(r)
    y = np.arange(n)
    fig, ax = plt.subplots(figsize=(8.5, 1.6 + 0.3 * n))
    h = 0.38
    ax.barh(
        y - h / 2,
        r["ST"],
        h,
        xerr=r["ST_conf"],
        color=ST_COLOR,
        label="ST (total)",
        error_kw={"elinewidth": 0.9, "capsize": 2, "ecolor": "#333333"},
    )
    ax.barh(
        y + h / 2,
        r["S1"],
        h,
        xerr=r["S1_conf"],
        color=S1_COLOR,
        label="S1 (first order)",
        error_kw={"elinewidth": 0.9, "capsize": 2, "ecolor": "#555555"},
    )
    ax.set_yticks(y, [label(k) for k in r.index])
    ax.invert_yaxis()
    ax.axvline(0, color="#444444", lw=0.8)
    # Indices live in [0, 1]; wider bootstrap intervals are cut at the frame.
    lo = max(-0.2, min(0.0, float(np.nanmin(r["S1"] - r["S1_conf"]))))
    hi = min(1.0, max(0.1, float(np.nanmax(r["ST"] + r["ST_conf"]))))
    ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
    ax.set_xlabel(f"Share of the variance of P({OUTCOME_LABELS.get(outcome, outcome).lower()})")
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right", frameon=False)
    _titles(
        fig,
        ax,
        f"{OUTCOME_LABELS.get(outcome, outcome)}: Sobol' indices of the actor preferences",
        _subtitle(conf, diag, n_points),
    )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def _morris_figure(conf, prob, table, outcome, diag, n_points, top: int = 10):
    import matplotlib.pyplot as plt

    from .report.style import ACTOR_COLORS, ACTOR_LABELS, OUTCOME_LABELS

    r = ranking(table, "morris", outcome)
    fig, (ax, side) = plt.subplots(1, 2, figsize=(11, 6.2), gridspec_kw={"width_ratios": [2.2, 1]})
    actors = [k.split(".")[1] for k in r.index]
    for actor in ACTOR_COLORS:
        sel = [a == actor for a in actors]
        if not any(sel):
            continue
        ax.errorbar(
            r["mu_star"][sel],
            r["sigma"][sel],
            xerr=r["mu_star_conf"][sel],
            fmt="o",
            ms=6,
            color=ACTOR_COLORS[actor],
            mec="#222222",
            mew=0.5,
            elinewidth=0.8,
            capsize=2,
            label=ACTOR_LABELS[actor],
        )
    xmax = max(1e-3, float(np.nanmax(r["mu_star"] + r["mu_star_conf"]))) * 1.1
    ymax = max(1e-3, float(np.nanmax(r["sigma"]))) * 1.12
    for ratio in (0.1, 0.5, 1.0):
        xs = np.array([0, xmax])
        ax.plot(xs, ratio * xs, ls="--", lw=0.8, color="#AAAAAA", zorder=0)
        xt = min(xmax, ymax / ratio) * 0.97
        ax.text(
            xt,
            ratio * xt,
            f"σ/μ* = {ratio:g}",
            fontsize=7.5,
            color="#777777",
            ha="right",
            va="bottom",
        )
    for rank, (_key, row) in enumerate(r.head(top).iterrows(), start=1):
        ax.annotate(
            str(rank),
            (row["mu_star"], row["sigma"]),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
            fontweight="bold",
        )
    ax.set_xlim(0, xmax)
    ax.set_ylim(0, ymax)
    name = OUTCOME_LABELS.get(outcome, outcome)
    ax.set_xlabel(f"μ*: mean absolute effect on P({name.lower()}) per full range of the preference")
    ax.set_ylabel("σ: spread of the effects (nonlinearity, interactions)")
    ax.grid(color="#EEEEEE", lw=0.6)
    ax.legend(loc="upper left", frameon=False, fontsize=8.5)
    ax.spines[["top", "right"]].set_visible(False)
    _titles(
        fig,
        ax,
        f"{name}: Morris screening of the actor preferences",
        _subtitle(conf, diag, n_points).replace("intervals", "intervals of μ*"),
    )
    side.axis("off")
    lines = [
        f"{i:>2}. {label(k)}   {row['mu_star']:.3f}"
        for i, (k, row) in enumerate(r.head(top).iterrows(), start=1)
    ]
    side.text(
        0.0,
        1.0,
        "Ranked by μ*\n\n" + "\n".join(lines),
        va="top",
        ha="left",
        fontsize=9,
        family="monospace",
        transform=side.transAxes,
    )
    fig.tight_layout()
    return fig


def _overview_figure(conf, table, diagnostics):
    import matplotlib.pyplot as plt

    from .report.style import OUTCOME_LABELS

    method = conf.sensitivity.method
    main = MAIN[method]
    wide = table[table["index"] == main].pivot(index="parameter", columns="outcome", values="value")
    wide = wide[[o for o in OUTCOMES if o in wide.columns]]
    order = wide.max(axis=1, skipna=True).fillna(-1).sort_values(ascending=False).index
    wide = wide.loc[order]
    n, m = wide.shape
    fig, ax = plt.subplots(figsize=(2.6 + 1.3 * m, 1.4 + 0.3 * n))
    data = np.ma.masked_invalid(wide.to_numpy(dtype=float))
    vmax = 1.0 if method == "sobol" else max(1e-3, float(np.nanmax(wide.to_numpy())))
    cmap = plt.get_cmap("Blues").with_extremes(bad="#EEEEEE")
    im = ax.imshow(data, cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
    for i in range(n):
        for j in range(m):
            v = wide.iat[i, j]
            text = "n/a" if v != v else "·" if abs(v) < 0.005 else f"{v:.2f}"
            dark = v == v and v > 0.55 * vmax
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=7.5,
                color="white" if dark else "#222222",
            )
    ax.set_xticks(range(m), [OUTCOME_LABELS.get(o, o) for o in wide.columns])
    ax.xaxis.tick_top()
    ax.set_yticks(range(n), [label(k) for k in wide.index])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    what = "ST (total Sobol' index)" if method == "sobol" else "μ* (Morris: ΔP per full range)"
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label=what)
    s = conf.sensitivity
    ax.set_title(
        f"Which preferences matter for which outcome: {what}\n"
        f"{s.method}, N={s.samples}, {s.seeds} seeds per point; "
        "·: below 0.005; n/a: outcome never varies",
        fontsize=10.5,
        loc="left",
        pad=28,
    )
    fig.tight_layout()
    return fig


def draw(conf: CrisisConfig, prob: dict, table: pd.DataFrame, diagnostics: dict, figdir: Path):
    """One figure per outcome plus the overview heatmap; returns the written paths."""
    import matplotlib

    matplotlib.use("Agg")
    formats = list(conf.report.formats) or ["png"]
    n_points = points(conf, prob["num_vars"])
    written = []
    for outcome in OUTCOMES:
        diag = diagnostics[outcome]
        if not diag["varies"]:
            continue
        make = _sobol_figure if conf.sensitivity.method == "sobol" else _morris_figure
        fig = make(conf, prob, table, outcome, diag, n_points)
        written += _save(fig, figdir / f"sensitivity_{outcome}", formats)
    written += _save(
        _overview_figure(conf, table, diagnostics), figdir / "sensitivity_overview", formats
    )
    return written


HOW_SOBOL = (
    "Sobol' indices from Saltelli sampling. S1 is the share of the variance of an outcome's "
    "probability that a preference explains alone; ST is the share it takes part in, "
    "interactions included. ST near 0 means the preference can be fixed anywhere in its range "
    "without changing that outcome's odds; ST well above S1 means its effect depends on other "
    "preferences. Second-order indices are not estimated: ST - S1 already measures how much a "
    "preference acts through interactions, at half the cost."
)
HOW_MORRIS = (
    "Morris elementary effects, a screening pass. mu* is the mean absolute effect of a "
    "preference on an outcome's probability, per full range of the preference (estimated from "
    "steps of {step} of its range); sigma is the spread of those effects, large when the "
    "effect is nonlinear or depends on other preferences. Morris ranks preferences; it does not "
    "apportion variance. Use Sobol' (sensitivity.method=sobol) on the preferences that matter."
)
NOISE_TEXT = (
    "Each probability is estimated from a finite number of replications. Seed noise is the "
    "mean binomial variance of those estimates as a share of their variance across sample "
    "points. Split-half agreement computes the indices again from the even and from the odd "
    "replications alone and compares the two by {main}: rank correlation and largest "
    "difference. Each half is about twice as noisy as the full run."
)
PROBLEM_TEXT = (
    "Bounds are each preference's allowed range in the schema (sim/params.py); the scenario's "
    "own value is shown for reference. Everything outside the problem keeps the scenario's "
    "value at every point."
)
FILES_TEXT = (
    f"{SENSITIVITY_CSV}: tidy indices (outcome, parameter, index, value, conf = half-width of "
    f"the 95% interval). {SAMPLES}: every sample point and its outcome probabilities. "
    f"{RESULT_JSON}: the problem, settings, timings and diagnostics."
)


def _step(levels: int) -> str:
    from fractions import Fraction

    return str(Fraction(levels, 2 * (levels - 1)))


def _pm(value: float, ci: float) -> str:
    if value != value:
        return "n/a"
    return f"{value:.3f}" if ci != ci else f"{value:.3f} ± {ci:.3f}"


def _noise_verdict(diag: dict) -> str:
    """A plain reading of the seed-noise diagnostics of one outcome."""
    share = diag.get("noise_share")
    half = diag.get("split_half") or {}
    rho = half.get("rank_correlation")
    if share is None:
        return "never varies"
    if share > 0.2 or (rho is not None and rho < 0.5):
        return "noisy: raise sensitivity.seeds before trusting the ranking"
    if share > 0.05 or (rho is not None and rho < 0.8):
        return "usable for the leading parameters"
    return "precise"


def write_report(outdir: Path, conf: CrisisConfig, result: dict, table: pd.DataFrame) -> None:
    """report.html and report.md through the shared report writer."""
    from .params import sources
    from .report.document import Code, Document, Figure, Section, Table, Text, write
    from .report.style import OUTCOME_LABELS

    method, main = result["method"], MAIN[result["method"]]
    prob = result["problem"]
    sobol = method == "sobol"
    how = HOW_SOBOL if sobol else HOW_MORRIS.format(step=_step(conf.sensitivity.levels))
    lead = (
        f"Scenario {result['scenario']}: {prob['num_vars']} actor preferences varied together "
        f"over their allowed ranges, {result['points']} sample points "
        f"({method}, N = {result['N']}), each run for {result['seeds']} seeded replications of "
        f"{result['rounds']} rounds with common random numbers ({result['replications']} "
        f"replications in {result['seconds']:.0f} s). Intervals are 95% bootstrap intervals."
    )
    sections = [Section("How to read it", [Text(how)])]

    top = []
    for outcome in OUTCOMES:
        diag = result["outcomes"][outcome]
        name = OUTCOME_LABELS.get(outcome, outcome)
        if not diag["varies"]:
            top.append([name, "never varies across the sample", "", ""])
            continue
        r = ranking(table, method, outcome).head(5)
        for i, (key, row) in enumerate(r.iterrows()):
            other = _pm(row["S1"], row["S1_conf"]) if sobol else f"{row['sigma']:.3f}"
            top.append(
                [name if i == 0 else "", label(key), _pm(row[main], row[f"{main}_conf"]), other]
            )
    cols = ["outcome", "preference", "ST" if sobol else "mu*", "S1" if sobol else "sigma"]
    sections.append(Section("Most influential preferences", [Table(cols, top, align="llrr")]))

    rows = []
    for outcome in OUTCOMES:
        d = result["outcomes"][outcome]
        half = d.get("split_half") or {}
        share = d.get("noise_share")
        rows.append(
            [
                OUTCOME_LABELS.get(outcome, outcome),
                f"{d['mean_probability']:.3f}",
                f"{d['min_probability']:.2f}-{d['max_probability']:.2f}",
                "" if share is None else f"{100 * share:.1f}%",
                "" if half.get("rank_correlation") is None else f"{half['rank_correlation']:.2f}",
                "" if not half else f"{half['max_abs_difference']:.3f}",
                _noise_verdict(d),
            ]
        )
    sections.append(
        Section(
            "Is the seed count enough?",
            [
                Text(NOISE_TEXT.format(main=main)),
                Table(
                    [
                        "outcome",
                        "mean P",
                        "P range",
                        "seed noise",
                        "split-half rank r",
                        f"max |Δ{main}|",
                        "reading",
                    ],
                    rows,
                    align="lrrrrrl",
                ),
            ],
        )
    )

    figdir = outdir / FIGURES
    figs = []
    overview = figdir / "sensitivity_overview.png"
    if overview.exists():
        figs.append(
            Figure(
                overview,
                "Overview: the ranking index of every preference for every outcome.",
                _others(overview),
            )
        )
    for outcome in OUTCOMES:
        png = figdir / f"sensitivity_{outcome}.png"
        if png.exists():
            what = "S1 and ST" if sobol else "mu* against sigma"
            figs.append(
                Figure(
                    png,
                    f"{OUTCOME_LABELS.get(outcome, outcome)}: {what} per "
                    "preference, with 95% intervals.",
                    _others(png),
                )
            )
    sections.append(Section("Figures", figs))

    src = sources(conf)
    base = dict(_leaves(asdict(conf)))
    problem_rows = [
        [label(k), k, f"[{lo:g}, {hi:g}]", f"{base.get(k, ''):g}", src.get(k, "")]
        for k, (lo, hi) in zip(prob["names"], prob["bounds"], strict=True)
    ]
    excluded = [[k, why] for k, why in result["excluded"].items()]
    sections.append(
        Section(
            "The sampled preferences",
            [
                Text(PROBLEM_TEXT),
                Table(
                    ["preference", "key", "bounds", "scenario value", "source"],
                    problem_rows,
                    align="llrrl",
                ),
                Table(["left out", "why"], excluded, caption="Not sampled by default"),
            ],
        )
    )
    sections.append(
        Section(
            "Files",
            [
                Text(FILES_TEXT),
                Code(_yaml(asdict(conf.sensitivity) | {"run": asdict(conf.run)}), "Settings"),
            ],
        )
    )

    prov = outputs.provenance(asdict(conf), __version__)
    doc = Document(
        f"Which preferences matter: {'Sobol' + chr(39) if sobol else 'Morris'} sensitivity, "
        f"{result['scenario']}",
        lead=lead,
        sections=sections,
        provenance={
            "crisis-sim": prov["version"],
            "git commit": prov["git_commit"],
            "python": prov["python"],
            "mesa": prov["mesa"],
            "base seed": result["base_seed"],
            "workers": result["workers"],
        },
    )
    write(doc, outdir)


def _others(png: Path) -> list[Path]:
    return [png.with_suffix(f".{x}") for x in ("svg", "pdf") if png.with_suffix(f".{x}").exists()]


def _leaves(d: dict, prefix: str = ""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from _leaves(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


def _yaml(d: dict) -> str:
    from omegaconf import OmegaConf

    return OmegaConf.to_yaml(OmegaConf.create(d))


def format_table(table: pd.DataFrame, method: str, top: int = 5) -> str:
    """The short table printed at the end: top parameters per outcome."""
    main = MAIN[method]
    lines = []
    for outcome in OUTCOMES:
        r = ranking(table, method, outcome)
        if r[main].isna().all():
            lines.append(f"{outcome}: never varies across the sample (indices undefined)")
            continue
        lines.append(f"{outcome}:")
        for key, row in r.head(top).iterrows():
            ci = row.get(f"{main}_conf", math.nan)
            extra = f"  S1 {row['S1']:.3f}" if method == "sobol" else f"  sigma {row['sigma']:.3f}"
            lines.append(f"  {label(key):<34} {main} {row[main]:.3f} ± {ci:.3f}{extra}")
    return "\n".join(lines)


def run(conf: CrisisConfig, outdir: Path | str, *, workers: int | None = None) -> dict:
    """Sample the preferences, run every point, write indices, figures and report.

    `workers` defaults to every core this process may use; results do not
    depend on it.
    """
    validate(conf)
    check(conf)
    s = conf.sensitivity
    prob = problem(conf)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    _clear(outdir)
    t0 = time.perf_counter()
    X = design(conf, prob)
    counts = evaluate(conf, prob["names"], X, workers, conf.run.progress)
    simulated = time.perf_counter() - t0
    table, diagnostics = analyse(conf, prob, X, counts)
    seconds = time.perf_counter() - t0

    _write_parquet(outdir / SAMPLES, samples_frame(prob["names"], X, counts, s.seeds))
    _write_csv(outdir / SENSITIVITY_CSV, table)
    figures = draw(conf, prob, table, diagnostics, outdir / FIGURES)
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
        "workers": max(1, min(workers or workers_available(), len(X))),
        "problem": {**prob, "labels": [label(k) for k in prob["names"]]},
        "excluded": {
            k: EXCLUDED[k.rsplit(".", 1)[1]]
            for k in candidates(conf)
            if k.rsplit(".", 1)[1] in EXCLUDED and k not in prob["names"]
        }
        | {f"actors.*.{n}": EXCLUDED[n] for n in NEVER},
        "outcomes": diagnostics,
        "top": {
            o: [k for k in ranking(table, s.method, o).head(5).index]
            for o in OUTCOMES
            if diagnostics[o]["varies"]
        },
        "files": {
            "indices": SENSITIVITY_CSV,
            "samples": SAMPLES,
            "figures": [str(Path(FIGURES) / f.name) for f in figures],
        },
    }
    outputs.write_json(outdir / RESULT_JSON, result)
    outputs.write_json(outdir / outputs.PROVENANCE, outputs.provenance(asdict(conf), __version__))
    if conf.report.enabled:
        write_report(outdir, conf, result, table)
    print(format_table(table, s.method))
    print(f"{s.method}: {len(X)} points x {s.seeds} seeds in {seconds:.1f} s")
    print(f"outputs: {outdir}")
    return result
