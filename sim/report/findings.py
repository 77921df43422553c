"""The answer a reader came for, in a sentence: the key finding of a run, a comparison, a sweep
or a sensitivity analysis.

Each function turns numbers already computed for the report (summary.json,
the paired differences of `compare.differences`, the sweep table, the tipping
point, the sensitivity ranking) into plain sentences, so the terminal and the
top of every report say the same thing as the tables below them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim import stats
from sim.core.outcomes import NUCLEAR_WAR, OUTCOMES, WAR
from sim.core.params import label
from sim.report import style

if TYPE_CHECKING:  # pandas is imported where it is used: a run does not need it
    import pandas as pd

WAR_LIKE = (WAR, NUCLEAR_WAR)


def pct(p: float) -> str:
    """'48.7%'."""
    return f"{100 * p:.1f}%"


def interval(lo: float, hi: float) -> str:
    """'95% CI 43.1–54.3%'."""
    return f"95% CI {100 * lo:.1f}–{100 * hi:.1f}%"


def points(d: float, lo: float, hi: float) -> str:
    """A difference in percentage points with its interval: '+12.3 pp (95% CI +8.1 to +16.0)'."""
    return f"{100 * d:+.1f} pp (95% CI {100 * lo:+.1f} to {100 * hi:+.1f})"


def most_likely(outcomes: dict) -> str:
    """The outcome with the highest probability (ties go to the earlier outcome)."""
    names = list(outcomes)
    return max(names, key=lambda o: (outcomes[o]["probability"], -names.index(o)))


def war_odds(outcomes: dict, seeds: int) -> tuple[float, float, float]:
    """P(war or nuclear war) with its 95% Wilson interval, from the outcome counts."""
    k = sum(int(outcomes[o]["count"]) for o in WAR_LIKE if o in outcomes)
    lo, hi = stats.wilson(k, seeds)
    return k / seeds, lo, hi


# --- One run ----------------------------------------------------------------------------------


def run(summary: dict) -> str:
    """Most likely outcome and the odds of war, each with its interval."""
    o, n = summary["outcomes"], int(summary["seeds"])
    top = most_likely(o)
    r = o[top]
    at = style.when(r.get("median_round"), summary.get("start"))
    when = f", median time {at}" if at else ""
    war, lo, hi = war_odds(o, n)
    return (
        f"{summary['scenario']}: the most likely outcome by the horizon is "
        f"{style.outcome_label(top).lower()}, {pct(r['probability'])} of {n:,} runs "
        f"({interval(r['ci_low'], r['ci_high'])}){when}. The odds of war (war or nuclear war) "
        f"are {pct(war)} ({interval(lo, hi)}), of nuclear war "
        f"{pct(o[NUCLEAR_WAR]['probability'])} "
        f"({interval(o[NUCLEAR_WAR]['ci_low'], o[NUCLEAR_WAR]['ci_high'])})."
    )


# --- Scenarios against a reference ------------------------------------------------------------


def largest_change(diff: pd.DataFrame) -> tuple[str, bool]:
    """The outcome whose probability moves most, and whether its interval excludes zero.

    Changes whose interval excludes zero come first: a clear change beats a larger, unclear one.
    """
    clear = (diff["ci_low"] > 0) | (diff["ci_high"] < 0)
    pool = diff[clear] if clear.any() else diff
    name = pool["diff"].abs().idxmax()
    return str(name), bool(clear.any())


def scenario_change(scenario: str, diff: pd.DataFrame, reference: str) -> str:
    """'china_strict raises regime collapse by +39.3 pp (95% CI ...) against baseline'."""
    name, clear = largest_change(diff)
    d = diff.loc[name]
    what = style.outcome_label(name).lower()
    if not clear:
        return (
            f"{scenario} changes no outcome clearly against {reference} (largest: {what} "
            f"{points(d['diff'], d['ci_low'], d['ci_high'])})"
        )
    verb = "raises" if d["diff"] > 0 else "lowers"
    return f"{scenario} {verb} {what} by {points(d['diff'], d['ci_low'], d['ci_high'])}"


def comparison(diffs: dict[str, pd.DataFrame], reference: str, note: str = "") -> str:
    """Which scenario changes what, by how much, with intervals, against the reference."""
    if not diffs:
        return f"Only one scenario ({reference}): nothing to compare."
    parts = [scenario_change(s, d, reference) for s, d in diffs.items()]
    text = f"Against the reference {reference}, paired run by run: " + "; ".join(parts) + "."
    return f"{note} {text}" if note else text


# --- Sweeps -----------------------------------------------------------------------------------


def tipping(tip: dict | None, df: pd.DataFrame | None = None) -> str:
    """'War overtakes talks at hawkishness 0.73, 95% CI 0.68–0.81', or plainly that it does not.

    With the sweep table `df`, it also names the likeliest outcome at the crossing, which need
    be neither war nor talks.
    """
    if tip is None:
        return ""
    name = label(tip["parameter"])
    grid = tip["grid"]
    span = f"{grid[0]:g} to {grid[-1]:g}"
    if tip["status"] == "no_crossing":
        return (
            f"War (war or nuclear war) never overtakes talks on this grid: {name} from {span}; "
            "no tipping point."
        )
    if tip["status"] == "war_leads_at_start":
        return (
            f"War (war or nuclear war) is already at or above talks at the lowest value, "
            f"{name} = {grid[0]:g}: any tipping point lies below this grid ({span})."
        )
    text = f"War (war or nuclear war) overtakes talks at {name} = {tip['estimate']:.3g}"
    if tip["interval"] is None:
        text += " (no interval: the grid values did not share their seeds)"
    else:
        lo, hi = tip["interval"]
        lo_s = f"{lo:.3g}" if lo is not None else f"below {grid[0]:g}"
        hi_s = f"{hi:.3g}" if hi is not None else f"beyond {grid[-1]:g}"
        text += f", 95% CI {lo_s}–{hi_s}"
    if df is not None:
        text += "; " + likeliest_at(df, tip["parameter"], tip["estimate"])
    return text + "."


def likeliest_at(df: pd.DataFrame, key: str, value: float) -> str:
    """Which outcome is likeliest at the grid value nearest `value`, with its odds."""
    row = df.iloc[int(np.argmin(np.abs(df[key].to_numpy(float) - value)))]
    top = max(OUTCOMES, key=lambda o: (row[f"p_{o}"], -OUTCOMES.index(o)))
    return (
        f"there the likeliest outcome is {style.outcome_label(top).lower()} "
        f"({pct(row[f'p_{top}'])} at {row[key]:g})"
    )


def _range_one(df: pd.DataFrame, key: str) -> tuple[str, float, float, float, str, str]:
    """(outcome, low p, high p, span, value at low, value at high) moving most along `key`."""
    best = None
    for o in OUTCOMES:
        p = df[f"p_{o}"].to_numpy()
        span = float(p.max() - p.min())
        if best is None or span > best[3]:
            lo_at, hi_at = df[key].iloc[int(p.argmin())], df[key].iloc[int(p.argmax())]
            best = (o, float(p.min()), float(p.max()), span, lo_at, hi_at)
    return best


def _v(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def sweep(df: pd.DataFrame, swept: list[str], tip: dict | None, spread: dict | None) -> str:
    """The parameter that matters most, by how much, and the tipping point when there is one."""
    if not swept:
        return "Nothing was swept."
    if len(swept) == 1 or not spread:
        key = swept[0]
        o, lo, hi, _, lo_at, hi_at = _range_one(df, key)
        text = (
            f"Across the values of {label(key)}, the odds of {style.outcome_label(o).lower()} move "
            f"most, between {pct(lo)} (at {_v(lo_at)}) and {pct(hi)} (at {_v(hi_at)})."
        )
        tp = tipping(tip, df)
        return f"{text} {tp}".strip()
    key = max(spread, key=lambda k: max(spread[k][0]))
    point, lo, hi = spread[key]
    j = int(np.argmax(point))
    ci = "" if lo is None else f" (95% CI {100 * lo[j]:.1f}–{100 * hi[j]:.1f})"
    others = sorted((k for k in spread if k != key), key=lambda k: -max(spread[k][0]))
    rest = ", ".join(f"{label(k)} {100 * max(spread[k][0]):.1f} pp" for k in others)
    text = (
        f"{label(key)} matters most: across its values it moves the odds of "
        f"{style.outcome_label(OUTCOMES[j]).lower()} by {100 * point[j]:.1f} percentage "
        f"points{ci}, averaged over the other parameters"
        + (f" (largest for the others: {rest})." if rest else ".")
    )
    return text + " No tipping point is computed for a sweep of more than one parameter."


# --- Sensitivity ------------------------------------------------------------------------------


def sensitivity(table: pd.DataFrame, method: str, outcomes: dict) -> str:
    """The preference that matters most for the odds of each outcome that varies."""
    main = stats.SENSITIVITY_MAIN[method]
    index = "total-order index ST" if method == "sobol" else "mu*"
    parts = []
    for outcome in OUTCOMES:
        if not outcomes.get(outcome, {}).get("varies", True):
            continue
        r = stats.ranking(table, method, outcome)
        if r.empty or r[main].isna().all():
            continue
        key, row = next(iter(r.iterrows()))
        conf = row.get(f"{main}_conf", math.nan)
        ci = "" if conf != conf else f" ± {conf:.2f}"
        parts.append(
            f"{style.outcome_label(outcome).lower()}: {label(key)} ({main} {row[main]:.2f}{ci})"
        )
    if not parts:
        return "No outcome varies across the sample: no preference can be ranked."
    return f"The preference that matters most ({index}, 95% interval) for " + "; ".join(parts) + "."
