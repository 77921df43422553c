"""Write the README's "How well it fits" section from a hindcast directory.

    python scripts/fit_section.py results/hindcast/<run>            # rewrite README.md
    python scripts/fit_section.py results/hindcast/<run> --check    # exit 1 if out of date

The section sits between the markers below; everything in it comes from the directory's
hindcast.json and scores.csv (written by `crisis-sim task=hindcast`), so the numbers in
the README are the run's, as measured.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.io.hindcast import read  # noqa: E402

BEGIN, END = "<!-- fit:begin -->", "<!-- fit:end -->"
ORDER = ["posterior", "defaults", "persistence", "climatology"]


def _f(x: float) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:+.2f}"


def _iv(r, key: str, fmt) -> str:
    """A value and, when scores.csv has them, its interval: '+0.12 [-0.03, +0.25]'."""
    lo, hi = r.get(f"{key}_low"), r.get(f"{key}_high")
    text = fmt(r[key])
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi) or math.isnan(r[key]):
        return text
    return f"{text} [{fmt(lo)}, {fmt(hi)}]"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def section(path: Path) -> str:
    summary, _, scores = read(path)
    who = [w for w in ORDER if w in set(scores["forecaster"])]
    models = [w for w in ("posterior", "defaults") if w in who]
    iv = summary.get("intervals")
    level = f" [{iv['level']:.0%}]" if iv else ""
    lines = [
        BEGIN,
        "## How well it fits",
        "",
        f"Hindcast of the validation window {summary['validation'][0]} to "
        f"{summary['validation'][1]} (never used for fitting): forecasts from "
        f"{summary['origins']} origins ({', '.join(summary['origin_months'])}), horizons 1 to "
        f"{summary['horizon']} months, {summary['seeds']} replications per origin. "
        "`posterior`: parameters drawn from the ABC-SMC posterior fitted on 2016-01..2017-07; "
        "`defaults`: the article's parameters. Skill = 1 - Brier / baseline Brier "
        "(above 0 beats the baseline, below 0 loses to it). Method: docs/calibration.md. "
        f"Source: `{_shown(path)}/scores.csv`, written by `crisis-sim task=hindcast"
        + (" calibration.path=..." if summary.get("calibration") else "")
        + "` and this table by `scripts/fit_section.py`.",
        "",
        f"| indicator | forecaster | forecasts | Brier{level} | skill vs climatology{level} "
        f"| skill vs persistence{level} |",
        "|---|---|--:|--:|--:|--:|",
    ]
    brier = scores[scores["score"] == "brier"]
    losses = []
    for ind in list(dict.fromkeys(brier["indicator"])):
        part = brier[brier["indicator"] == ind].set_index("forecaster")
        for w in who:
            r = part.loc[w]
            lines.append(
                f"| {ind.replace('_', ' ')} | {w} | {int(r['n'])} | "
                f"{_iv(r, 'value', lambda x: f'{x:.3f}')} | "
                f"{_iv(r, 'skill_climatology', _f)} | {_iv(r, 'skill_persistence', _f)} |"
            )
            if w in models:
                for base in ("climatology", "persistence"):
                    if r[f"skill_{base}"] < 0:
                        high = r.get(f"skill_{base}_high")
                        clear = high is not None and not math.isnan(high) and high < 0
                        losses.append(
                            f"{w} on {ind.replace('_', ' ')} (vs {base}"
                            + (", interval below 0)" if clear else ")")
                        )
    lines.append("")
    if losses:
        lines.append(
            "Where the model loses to a baseline on the Brier score: " + "; ".join(losses) + "."
        )
    else:
        lines.append("The model beats both baselines on every indicator's Brier score.")
    lines.append(
        ""
        "\nClimatology is the base rate of the training window, months of frequent tests; the "
        "validation window holds the 2018-2019 talks and no missile test from 2017-12 to 2019-04 "
        "(data/history/panel.csv), so climatology "
        "is a weak baseline there and persistence the harder one. Forecasts from different "
        "origins overlap and months are autocorrelated: the counts overstate the independent "
        "evidence."
        + (
            f" The intervals in brackets are {iv['level']:.0%} percentile intervals from "
            f"{iv['resamples']} bootstrap resamples of whole forecast origins (the months of "
            f"one origin move together); with {summary['origins']} origins they are rough, "
            "and a skill interval that straddles 0 does not tell the model from the baseline."
            if iv
            else " No intervals are given."
        )
    )
    lines += odds_and_constraints(path.parent)
    lines.append(END)
    return "\n".join(lines) + "\n"


CONSTRAINED = 0.6  # posterior sd below this share of the prior sd: the data constrained it


def odds_and_constraints(fit: Path) -> list[str]:
    """The August 2017 odds under the posterior beside the article's, and what the data fixed.

    Reads `<fit>/article/summary.json` (a run of the article's parameters),
    `<fit>/uncertainty/uncertainty.json` (`uncertainty=posterior` on the same seeds) and
    `<fit>/calibration/calibration.json`; a missing file leaves its part out.
    """
    import json

    out: list[str] = []
    article, post = fit / "article" / "summary.json", fit / "uncertainty" / "uncertainty.json"
    if article.is_file() and post.is_file():
        a, u = json.loads(article.read_text()), json.loads(post.read_text())
        out += [
            "",
            f"Odds at the horizon from August 2017 ({a['rounds']} months): the article's "
            f"parameters ({a['seeds']} runs, 95% Wilson interval) beside parameters drawn from "
            f"the posterior ({u['draws']} draws x {u['seeds_per_draw']} runs on common random "
            "numbers; the interval is the 5-95% range over draws, and the share of the "
            "variance due to the parameters rather than the dice). "
            f"Sources: `{_shown(article)}`, `{_shown(post)}`.",
            "",
            "| outcome | article's parameters | posterior | posterior 5-95% over draws "
            "| variance from parameters |",
            "|---|--:|--:|--:|--:|",
        ]
        for o, r in a["outcomes"].items():
            q = u["outcomes"][o]
            share = q.get("parameter_share")
            out.append(
                f"| {o.replace('_', ' ')} | {r['probability']:.1%} "
                f"[{r['ci_low']:.1%}, {r['ci_high']:.1%}] | {q['probability']:.1%} | "
                f"{q['param_q05']:.0%}-{q['param_q95']:.0%} | "
                + ("" if share is None else f"{share:.0%}")
                + " |"
            )
    cal = fit / "calibration" / "calibration.json"
    if cal.is_file():
        c = json.loads(cal.read_text())
        rows = sorted(c["posterior"], key=lambda r: r["sd_ratio"])
        tight = [r for r in rows if r["sd_ratio"] < CONSTRAINED]
        out += [
            "",
            f"What the training window constrained: {len(tight)} of {len(rows)} parameters have "
            f"a posterior spread under {CONSTRAINED:.0%} of the prior's"
            + (
                " (median and 90% interval; default in brackets): "
                + "; ".join(
                    f"`{r['key']}` {r['median']:.3g} [{r['q05']:.3g}, {r['q95']:.3g}] "
                    f"(default {r['default']:g})"
                    for r in tight
                )
                if tight
                else "; the tightest are "
                + "; ".join(
                    f"`{r['key']}` {r['median']:.3g} [{r['q05']:.3g}, {r['q95']:.3g}] "
                    f"(default {r['default']:g}; spread {r['sd_ratio']:.0%} of the prior's)"
                    for r in rows[:3]
                )
            )
            + ". The others stay close to their priors: the 19 months of 2016-01..2017-07 do "
            "not tell their values apart. ABC-SMC: "
            f"{c['generations']} generations x {c['population']} particles x "
            f"{c['seeds_per_particle']} seeds, final epsilon {c['final_epsilon']:.2f} "
            f"(`{_shown(cal)}`).",
        ]
    return out


def rewrite(readme: str, block: str) -> str:
    if BEGIN in readme and END in readme:
        head, rest = readme.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + block.rstrip("\n") + tail
    anchor = "\n## Performance"
    if anchor in readme:
        head, tail = readme.split(anchor, 1)
        return head.rstrip("\n") + "\n\n" + block + anchor + tail
    return readme.rstrip("\n") + "\n\n" + block


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, help="a hindcast directory (hindcast.json, scores.csv)")
    ap.add_argument("--readme", type=Path, default=ROOT / "README.md")
    ap.add_argument("--check", action="store_true", help="exit 1 if the README is out of date")
    args = ap.parse_args(argv)
    try:
        block = section(args.path)
    except FileNotFoundError as err:
        print(f"fit_section: {err}", file=sys.stderr)
        return 2
    old = args.readme.read_text()
    new = rewrite(old, block)
    if args.check:
        return 0 if new == old else 1
    if new != old:
        args.readme.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
