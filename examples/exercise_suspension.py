"""What if the US suspended its joint exercises with South Korea?

One question of the README answered from Python, end to end: the baseline and the
no-exercises scenario on common random numbers, the paired difference in the odds of
each outcome with its 95% interval, and a figure of the cumulative odds of talks.

    python examples/exercise_suspension.py            # 1,000 seeds each, a few seconds
    python examples/exercise_suspension.py --seeds 200 --figure talks.png
"""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import sim  # noqa: E402
from sim import stats  # noqa: E402
from sim.core.outcomes import OUTCOMES, TALKS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--figure", default="exercise_suspension.png")
    args = parser.parse_args()

    # Same run.seed, so replication i of both scenarios shares its random streams.
    runs = {
        name: sim.run(sim.load_config(scenario=name), seeds=args.seeds)
        for name in ("baseline", "no_exercises")
    }
    base, alt = runs["baseline"], runs["no_exercises"]

    print(f"{'outcome':<12} {'baseline':>9} {'no exercises':>13} {'difference (95% CI)':>28}")
    diffs = stats.paired_differences(alt.outcomes, base.outcomes, list(OUTCOMES))
    for o in OUTCOMES:
        p0 = base.summary["outcomes"][o]["probability"]
        p1 = alt.summary["outcomes"][o]["probability"]
        d = diffs.loc[o]
        ci = f"{d['diff']:+.3f} [{d['ci_low']:+.3f}, {d['ci_high']:+.3f}]"
        print(f"{o:<12} {p0:>9.3f} {p1:>13.3f} {ci:>28}")

    rounds = base.summary["rounds"]
    fig, ax = plt.subplots(figsize=(6.5, 3.8), layout="constrained")
    for name, result in runs.items():
        incidence = stats.cumulative_incidence(result.outcomes, rounds, list(OUTCOMES))
        ax.plot(incidence.index, 100 * incidence[TALKS], label=name.replace("_", " "))
    ax.set_xlabel("Month of the crisis (1 = August 2017)")
    ax.set_ylabel("Runs in freeze talks by then (%)")
    ax.set_title(f"Suspending the exercises: freeze talks, {args.seeds} paired runs")
    ax.legend(frameon=False)
    fig.savefig(args.figure, dpi=150)
    print(f"figure: {args.figure}")


if __name__ == "__main__":
    main()
