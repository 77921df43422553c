"""Every statistic of the package, once: intervals, bootstraps over seeds, incidence, bands.

Pure functions of data, kept apart from the runs that make the data and the
figures that draw it, so they can be tested alone.

Conventions: a run's rows stop at its absorbing outcome, so a per-round
statistic of the state is over the runs still in crisis that round (the
"at risk" set, whose size is returned beside it). Intervals are 95%.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.core.outcomes import OUTCOMES, STANDOFF

if TYPE_CHECKING:  # pandas is imported where it is used: a run does not need it
    import pandas as pd


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95% Wilson score interval for k successes in n trials."""
    if n == 0:
        return (0.0, 1.0)
    phat = k / n
    denom = 1.0 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    # At k = 0 or k = n the bound is exactly 0 or 1; the closed form leaves rounding dust.
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return (lo, hi)


def paired_bootstrap(data: np.ndarray, seed: int, statistic, resamples: int, salt: int = 0x7469):
    """`statistic` of `resamples` resamples of the seeds (the first axis of `data`).

    Every resample draws seed indices with replacement and hands `statistic`
    the resampled mean over seeds (shape data.shape[1:]). One resample of the
    seeds serves every column, so columns that shared their seeds (common
    random numbers) stay paired. Seeded by (seed, salt): the same data give
    the same interval.
    """
    rng = np.random.default_rng([seed, salt])
    n = data.shape[0]
    flat = data.reshape(n, -1)
    out = []
    for _ in range(resamples):
        weights = np.bincount(rng.integers(0, n, n), minlength=n)
        out.append(statistic((weights @ flat).reshape(data.shape[1:]) / n))
    return np.asarray(out)


def block_bootstrap_means(
    values: np.ndarray, blocks, seed: int, resamples: int, salt: int = 0x626C
) -> np.ndarray:
    """(resamples, columns): the column means of `values` (rows, columns) over resamples
    that draw whole blocks with replacement.

    Rows of one block (the forecasts of one origin, whose months overlap and follow one
    another) stay together, so the interval carries their dependence; as many blocks are
    drawn as there are. One resample serves every column, so forecasters scored on the
    same rows stay paired. Blocks are taken in sorted order of their labels and the
    generator is seeded by (seed, salt): the same data give the same resamples.
    """
    values = np.asarray(values, float)
    if values.ndim != 2 or len(values) != len(blocks) or len(values) == 0:
        raise ValueError("block_bootstrap_means: values must be (rows, columns), one block a row")
    _, inverse = np.unique(np.asarray(blocks), return_inverse=True)
    n = int(inverse.max()) + 1
    sums = np.zeros((n, values.shape[1]))
    np.add.at(sums, inverse, values)
    counts = np.bincount(inverse, minlength=n).astype(float)
    rng = np.random.default_rng([seed, salt])
    weights = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(resamples)])
    return (weights @ sums) / (weights @ counts)[:, None]


def percentile_interval(samples, level: float = 0.9) -> tuple[float, float]:
    """The central `level` percentile interval of the finite samples (NaN, NaN if none)."""
    x = np.asarray(samples, float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return (math.nan, math.nan)
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(x, [a, 1.0 - a])
    return (float(lo), float(hi))


def spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    """Spearman's rank correlation (None when either side is constant)."""
    import pandas as pd

    ra, rb = pd.Series(a).rank().to_numpy(), pd.Series(b).rank().to_numpy()
    if np.std(ra) == 0 or np.std(rb) == 0:
        return None
    return round(float(np.corrcoef(ra, rb)[0, 1]), 4)


def main_effects(masks: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """(levels, outcomes): mean probability at each level; probs is (jobs, outcomes)."""
    return masks @ probs / masks.sum(axis=1, keepdims=True)


def spreads(
    masks: dict[str, np.ndarray],
    probs: np.ndarray,
    codes: np.ndarray | None,
    seed: int,
    resamples: int = 1000,
) -> dict:
    """{key: (spread, low, high)} per outcome: the range of its main effect, in probability.

    `masks[key]` is (levels, jobs), `probs` (jobs, outcomes), `codes` each
    seed's outcome index per job (seeds, jobs). The interval is a 95%
    percentile bootstrap that resamples the seeds shared by all jobs, so
    every job sees the same resample (None without shared seeds).
    """
    point = {k: np.ptp(main_effects(m, probs), axis=0) for k, m in masks.items()}
    if codes is None:
        return {k: (v, None, None) for k, v in point.items()}
    onehot = codes[:, :, None] == np.arange(len(OUTCOMES))  # (seeds, jobs, outcomes)
    keys = list(masks)

    def ranges(p):
        return np.stack([np.ptp(main_effects(masks[k], p), axis=0) for k in keys])

    boot = paired_bootstrap(onehot, seed, ranges, resamples, salt=0x5350)
    return {
        k: (point[k], *np.quantile(boot[:, i], [0.025, 0.975], axis=0)) for i, k in enumerate(keys)
    }


# Per-round bands over fewer runs than this are noise, and are not drawn.
MIN_AT_RISK = 10
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def cumulative_incidence(outcomes: pd.DataFrame, rounds: int, names: list[str]) -> pd.DataFrame:
    """Share of runs ended in each outcome by the end of each round (1..rounds).

    Outcomes are competing risks with no censoring before the horizon, so the
    cumulative incidence of outcome k at round t is simply the share of all runs
    that ended in k at or before t; `standoff` is the share still in crisis, and
    each row sums to 1.
    """
    import pandas as pd

    n = len(outcomes)
    index = pd.RangeIndex(1, rounds + 1, name="round")
    ended = outcomes.dropna(subset=["outcome_round"])
    counts = (
        pd.crosstab(ended["outcome_round"].astype(int), ended["outcome"])
        .reindex(index=index, columns=[k for k in names if k != STANDOFF], fill_value=0)
        .fillna(0)
    )
    cif = counts.cumsum() / max(n, 1)
    if STANDOFF in names:
        cif[STANDOFF] = 1.0 - cif.sum(axis=1)
    return cif[names]


TALKS_UNDER_WAY = ("negotiating", "agreement")


def talks_counts(rounds_of_rows, talks_of_rows, going, rounds: int) -> dict[str, np.ndarray]:
    """Runs in each talks state at the end of each round (0..rounds), from trajectory rows.

    `going` marks the rows of runs that did not end in that round.
    """
    r = np.asarray(rounds_of_rows, np.int64)
    t = np.asarray(talks_of_rows, dtype=object)
    ok = np.asarray(going, bool)
    return {s: np.bincount(r[ok & (t == s)], minlength=rounds + 1) for s in TALKS_UNDER_WAY}


def state_by_month(
    outcomes: pd.DataFrame, talks: dict, rounds: int, seeds: int, names: list[str]
) -> pd.DataFrame:
    """Share of all runs in each state at the end of each round (rows sum to 1).

    Ended runs (war, nuclear war, collapse) accumulate as in `cumulative_incidence`;
    the runs still in crisis are split into a freeze agreement in force,
    negotiations under way, and a crisis without talks (`standoff`). Talks do not
    end a run, so a run can move in and out of them; at the horizon the talks
    states together are the `talks` outcome. `talks` maps each state of
    TALKS_UNDER_WAY to the number of runs in it at the end of each round, indexed
    0..rounds (`RoundStats.talks`, or `talks_counts`).
    """
    ended = [k for k in names if k not in (STANDOFF, "talks")]
    cif = cumulative_incidence(outcomes, rounds, names)[ended].copy()
    n = max(seeds, 1)
    for state in TALKS_UNDER_WAY:
        cif[state] = np.asarray(talks[state][1 : rounds + 1]) / n
    cif[STANDOFF] = 1.0 - cif.sum(axis=1)
    return cif


def bands(traj: pd.DataFrame, columns: list[str], rounds: int) -> dict[str, pd.DataFrame]:
    """Per-round 5/25/50/75/95% quantiles of each column, over the runs in crisis.

    Returns {column: frame indexed by round with columns q05..q95 and n}. Rounds
    with fewer than MIN_AT_RISK runs are NaN so they are not drawn. `traj` is a
    frame of trajectory rows, or the RoundStats streamed from them (same result).
    """
    if isinstance(traj, RoundStats):
        return {c: traj.band(c) for c in columns}
    import pandas as pd

    index = pd.RangeIndex(1, rounds + 1, name="round")
    grouped = traj.groupby("round")[columns]
    q = grouped.quantile(list(QUANTILES))
    n = grouped.count()
    out = {}
    for c in columns:
        frame = q[c].unstack().reindex(index)
        frame.columns = [f"q{round(x * 100):02d}" for x in QUANTILES]
        frame["n"] = n[c].reindex(index, fill_value=0)
        frame.loc[frame["n"] < MIN_AT_RISK, frame.columns[:-1]] = np.nan
        out[c] = frame
    return out


def share(traj: pd.DataFrame, mask: pd.Series, rounds: int) -> pd.Series:
    """Per-round share of the runs in crisis for which `mask` holds (NaN if too few)."""
    import pandas as pd

    index = pd.RangeIndex(1, rounds + 1, name="round")
    g = mask.groupby(traj["round"])
    n = g.size().reindex(index, fill_value=0)
    s = g.sum().reindex(index, fill_value=0) / n.where(n > 0)
    return s.where(n >= MIN_AT_RISK)


def newcombe_paired(a: int, b: int, c: int, d: int) -> tuple[float, float, float]:
    """Difference p1 - p2 of two paired proportions with Newcombe's 95% interval.

    a: both yes, b: first yes only, c: second yes only, d: neither. Newcombe
    (1998, Stat Med 17:2635, method 10): Wilson intervals of each proportion,
    combined with the phi correlation of the pairs. Unlike the Wald interval it
    stays inside [-1, 1] and keeps its coverage when counts are small.
    """
    n = a + b + c + d
    if n == 0:
        return (0.0, -1.0, 1.0)
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson(a + b, n)
    l2, u2 = wilson(a + c, n)
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    phi = (a * d - b * c) / math.sqrt(denom) if denom > 0 else 0.0
    dl = math.sqrt(max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0))
    du = math.sqrt(max((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2, 0.0))
    diff = p1 - p2
    return (diff, max(-1.0, diff - dl), min(1.0, diff + du))


def newcombe_unpaired(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """Difference of two independent proportions, Newcombe's hybrid score interval."""
    p1, p2 = k1 / max(n1, 1), k2 / max(n2, 1)
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    diff = p1 - p2
    return (
        diff,
        diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def paired_differences(
    scenario: pd.DataFrame, baseline: pd.DataFrame, names: list[str], paired: bool = True
) -> pd.DataFrame:
    """Per outcome: scenario minus baseline probability with a 95% interval.

    With common random numbers, run `seed` of the scenario and of the baseline
    share their random streams, so the runs are paired by seed and the
    interval is the paired one (narrower, as the shared noise cancels). With
    `paired=False` (different base seeds) the independent interval is used.
    """
    import pandas as pd

    rows = []
    if paired:
        m = scenario[["seed", "outcome"]].merge(
            baseline[["seed", "outcome"]], on="seed", suffixes=("_s", "_b")
        )
        for k in names:
            s, b = (m["outcome_s"] == k).to_numpy(), (m["outcome_b"] == k).to_numpy()
            a_, b_, c_ = int((s & b).sum()), int((s & ~b).sum()), int((~s & b).sum())
            d_ = len(m) - a_ - b_ - c_
            diff, lo, hi = newcombe_paired(a_, b_, c_, d_)
            rows.append((k, diff, lo, hi, len(m), b_, c_))
    else:
        for k in names:
            k1, k2 = int((scenario["outcome"] == k).sum()), int((baseline["outcome"] == k).sum())
            diff, lo, hi = newcombe_unpaired(k1, len(scenario), k2, len(baseline))
            rows.append((k, diff, lo, hi, min(len(scenario), len(baseline)), None, None))
    return pd.DataFrame(
        rows, columns=["outcome", "diff", "ci_low", "ci_high", "pairs", "gained", "lost"]
    ).set_index("outcome")


def representative_seed(outcomes: pd.DataFrame) -> int:
    """A typical run: it ends in the most common outcome, nearest that outcome's median round.

    Ties go to the lowest seed, so the choice is deterministic. For standoff
    (no outcome round) it is the lowest seed that ends in standoff.
    """
    counts = outcomes["outcome"].value_counts()
    modal = sorted(counts[counts == counts.max()].index)[0]
    runs = outcomes[outcomes["outcome"] == modal]
    r = runs["outcome_round"]
    if r.notna().any():
        dist = (r - r.median()).abs()
        runs = runs.assign(_d=dist).sort_values(["_d", "seed"])
    else:
        runs = runs.sort_values("seed")
    return int(runs["seed"].iloc[0])


# The index that ranks parameters, per sensitivity method.
SENSITIVITY_MAIN = {"sobol": "ST", "morris": "mu_star"}


def ranking(table: pd.DataFrame, method: str, outcome: str) -> pd.DataFrame:
    """One outcome's parameters, most influential first (by ST or mu*).

    `table` holds tidy sensitivity indices: outcome, parameter, index, value, conf.
    """
    wide = table[table.outcome == outcome].pivot(index="parameter", columns="index", values="value")
    cis = table[table.outcome == outcome].pivot(index="parameter", columns="index", values="conf")
    for col in list(cis.columns):
        wide[f"{col}_conf"] = cis[col]
    return wide.sort_values(SENSITIVITY_MAIN[method], ascending=False, na_position="last")


# --- Per-round statistics streamed from trajectories, in memory independent of the seeds -------

VOTE_CHOICES = ("soften", "veto")
# The columns the report draws as per-round bands.
BAND_COLUMNS = ("tension", "escalation_score", "sanctions_level", "pressure",
                "china_enforcement", "russia_enforcement", "dprk_capability",
                "dprk_stability")  # fmt: skip
_BINS = 1 << 14


class RoundStats:
    """What the report's figures need from trajectories.parquet, gathered batch by batch.

    Per round (1..rounds), over the runs still in crisis: the number of runs,
    the exact 5/25/50/75/95% quantiles of each numeric column (the same
    linear interpolation pandas uses), how many runs drafted and adopted a
    resolution with the sum of their strengths, and China's and Russia's
    soften and veto votes on the drafts. Memory is O(rounds x bins), whatever
    the number of seeds: each quantile is found by a histogram pass that
    locates the bin of each order statistic, then a pass that keeps only the
    values of those bins (none at all for a bin that holds a single value).

    It also counts, per round, the runs that end the round still in crisis
    with talks under way, by state (`negotiating`, `agreement`).

    `batches()` must return a fresh iterator of record batches (or tables)
    holding `round`, the numeric columns, `resolution_drafted`,
    `resolution_adopted`, `china_vote`, `russia_vote`, `outcome` and `talks`.
    """

    def __init__(self, batches, rounds: int, columns: list[str]):
        self.rounds, self.columns = rounds, list(columns)
        R = rounds + 1
        self.n = np.zeros(R, np.int64)
        self.drafted = np.zeros(R, np.int64)
        self.adopted = np.zeros(R, np.int64)
        self.drafted_sum = np.zeros(R)
        self.adopted_sum = np.zeros(R)
        self.votes = {
            (a, v): np.zeros(R, np.int64) for a in ("china", "russia") for v in VOTE_CHOICES
        }
        self.talks = {state: np.zeros(R, np.int64) for state in TALKS_UNDER_WAY}
        lo = dict.fromkeys(self.columns, np.inf)
        hi = dict.fromkeys(self.columns, -np.inf)
        for batch in batches():  # pass 1: counts, shares, and each column's range
            r = self._rounds(batch)
            self.n += np.bincount(r, minlength=R)
            for name, count, total in (
                ("resolution_drafted", self.drafted, self.drafted_sum),
                ("resolution_adopted", self.adopted, self.adopted_sum),
            ):
                v = _floats(batch, name)
                ok = ~np.isnan(v)
                count += np.bincount(r[ok], minlength=R)
                total += np.bincount(r[ok], weights=v[ok], minlength=R)
            tabled = ~np.isnan(_floats(batch, "resolution_drafted"))
            ended = _strings(batch, "outcome")
            going = np.equal(ended, None) | np.equal(ended, "")  # no outcome this round
            counts = talks_counts(r, _strings(batch, "talks"), going, rounds)
            for state, acc in self.talks.items():
                acc += counts[state]
            for (actor, vote), acc in self.votes.items():
                cast = _strings(batch, f"{actor}_vote")
                acc += np.bincount(r[tabled & (cast == vote)], minlength=R)
            for c in self.columns:
                v = _floats(batch, c)
                v = v[~np.isnan(v)]
                if v.size:
                    lo[c], hi[c] = min(lo[c], float(v.min())), max(hi[c], float(v.max()))
        self._range = {c: (lo[c], hi[c]) for c in self.columns}
        # About as many bins as the largest round has values (a power of two, at most
        # _BINS): the bins only locate the order statistics, the values are exact either way.
        most = int(self.n.max())
        self._nbins = int(min(_BINS, max(64, 1 << max(0, most - 1).bit_length())))
        self.quantiles = self._quantiles(batches)

    def _rounds(self, batch) -> np.ndarray:
        r = np.asarray(batch.column("round").to_numpy(zero_copy_only=False), np.int64)
        if r.size and (r.min() < 1 or r.max() > self.rounds):
            raise ValueError(f"round outside 1..{self.rounds}")
        return r

    def _bins(self, c: str, v: np.ndarray) -> np.ndarray:
        lo, hi = self._range[c]
        width = (hi - lo) or 1.0
        B = self._nbins
        return np.clip(((v - lo) / width * B).astype(np.int64), 0, B - 1)

    def _quantiles(self, batches) -> dict[str, np.ndarray]:
        R, B = self.rounds + 1, self._nbins
        hist = {c: np.zeros(R * B, np.int64) for c in self.columns}
        vmin = {c: np.full(R * B, np.inf) for c in self.columns}
        vmax = {c: np.full(R * B, -np.inf) for c in self.columns}
        count = {c: np.zeros(R, np.int64) for c in self.columns}
        for batch in batches():  # pass 2: a histogram per round, with each bin's min and max
            r = self._rounds(batch)
            for c in self.columns:
                v = _floats(batch, c)
                ok = ~np.isnan(v)
                key = r[ok] * B + self._bins(c, v[ok])
                hist[c] += np.bincount(key, minlength=R * B)
                np.minimum.at(vmin[c], key, v[ok])
                np.maximum.at(vmax[c], key, v[ok])
                count[c] += np.bincount(r[ok], minlength=R)
        # The order statistics each quantile needs, located in their bins.
        wanted: dict[str, dict[int, list]] = {}
        out = {c: np.full((R, len(QUANTILES)), np.nan) for c in self.columns}
        plan = {}
        for c in self.columns:
            wanted[c] = {}
            for rnd in range(1, R):
                n = int(count[c][rnd])
                if n == 0:
                    continue
                cum = np.cumsum(hist[c][rnd * B : (rnd + 1) * B])
                for j, q in enumerate(QUANTILES):
                    idx = q * (n - 1)
                    k = int(np.floor(idx))
                    for rank in (k, min(k + 1, n - 1)):
                        b = int(np.searchsorted(cum, rank, side="right"))
                        key = rnd * B + b
                        within = rank - (int(cum[b]) - int(hist[c][key]))
                        if vmin[c][key] == vmax[c][key]:
                            plan[(c, rnd, j, rank)] = float(vmin[c][key])
                        else:
                            wanted[c].setdefault(key, []).append((rnd, j, rank, within))
        kept: dict[str, list] = {c: [] for c in self.columns}
        if any(wanted.values()):
            for batch in batches():  # pass 3: only the values of the bins that hold a quantile
                r = self._rounds(batch)
                for c in self.columns:
                    if not wanted[c]:
                        continue
                    v = _floats(batch, c)
                    ok = ~np.isnan(v)
                    key = r[ok] * B + self._bins(c, v[ok])
                    sel = np.isin(key, np.fromiter(wanted[c], np.int64))
                    kept[c].append((key[sel], v[ok][sel]))
        for c in self.columns:
            if wanted[c]:
                keys = np.concatenate([k for k, _ in kept[c]])
                values = np.concatenate([v for _, v in kept[c]])
                order = np.lexsort((values, keys))  # by bin, then by value
                keys, values = keys[order], values[order]
                for key, needs in wanted[c].items():
                    start = int(np.searchsorted(keys, key, side="left"))
                    for rnd, j, rank, within in needs:
                        plan[(c, rnd, j, rank)] = float(values[start + within])
            for rnd in range(1, R):
                n = int(count[c][rnd])
                if n == 0:
                    continue
                for j, q in enumerate(QUANTILES):
                    idx = q * (n - 1)
                    k = int(np.floor(idx))
                    frac = idx % 1
                    val = plan[(c, rnd, j, k)]
                    if frac != 0.0:
                        nxt = plan[(c, rnd, j, min(k + 1, n - 1))]
                        val = val + (nxt - val) * frac
                    out[c][rnd, j] = val
        self.count = count
        return out

    def band(self, column: str) -> pd.DataFrame:
        """The stats.bands frame of one column: q05..q95 and n, indexed by round."""
        import pandas as pd

        index = pd.RangeIndex(1, self.rounds + 1, name="round")
        frame = pd.DataFrame(
            self.quantiles[column][1:],
            index=index,
            columns=[f"q{round(x * 100):02d}" for x in QUANTILES],
        )
        frame["n"] = self.count[column][1:]
        frame.loc[frame["n"] < MIN_AT_RISK, frame.columns[:-1]] = np.nan
        return frame

    def share(self, hits: np.ndarray, of: np.ndarray | None = None) -> pd.Series:
        """Per-round hits / runs (or / `of`), NaN where fewer than MIN_AT_RISK runs."""
        import pandas as pd

        index = pd.RangeIndex(1, self.rounds + 1, name="round")
        n = pd.Series((self.n if of is None else of)[1:], index=index)
        s = pd.Series(hits[1:], index=index) / n.where(n > 0)
        return s.where(n >= MIN_AT_RISK)

    def mean(self, total: np.ndarray, count: np.ndarray) -> pd.Series:
        """Per-round mean of a column over its non-null rows (NaN where too few)."""
        import pandas as pd

        index = pd.RangeIndex(1, self.rounds + 1, name="round")
        c = pd.Series(count[1:], index=index)
        return (pd.Series(total[1:], index=index) / c.where(c > 0)).where(c >= MIN_AT_RISK)


def _floats(batch, name: str) -> np.ndarray:
    col = batch.column(name)
    return np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64)


def _strings(batch, name: str) -> np.ndarray:
    return np.asarray(batch.column(name).to_numpy(zero_copy_only=False), dtype=object)
