"""What the strategic actors do at the defaults: outcomes, talks, war causes, enforcement, tests.

    python scripts/strategic_summary.py [--seeds 1000] [overrides ...]

Runs the batch driver (same streams as `crisis-sim run.seeds=<seeds>`) and prints the
outcome shares, P(talks opened by round 11), P(agreement), P(breakdown after an opening),
wars by cause, China's mean enforcement by round and DPRK tests per run.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.app.api import load_config  # noqa: E402
from sim.core import kernels as K  # noqa: E402
from sim.runs import batch  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=1000)
    ap.add_argument("overrides", nargs="*", help="config overrides, e.g. actors.us.hawkishness=0.9")
    args = ap.parse_args()
    cfg = load_config(overrides=args.overrides)
    b = batch.simulate(cfg, 0, args.seeds)
    o, t, n = b.outcomes, b.trajectories, args.seeds
    shares = collections.Counter(K.OUTCOMES[k] for k in o["outcome"].tolist())
    print("outcomes:", ", ".join(f"{k} {shares[k] / n:.1%}" for k in K.OUTCOMES))
    opened = o["talks_opened_round"]
    print(f"P(talks opened by round 11): {np.mean((opened > 0) & (opened <= 11)):.3f}")
    print(f"P(talks ever opened): {np.mean(opened > 0):.3f}")
    print(f"P(freeze agreement): {np.mean(o['agreement_round'] > 0):.3f}")
    print(f"P(breakdown | opened): {np.mean(o['talks_breakdowns'][opened > 0] > 0):.3f}")
    causes = collections.Counter(K.WAR_CAUSES[c] for c in o["war_cause"].tolist())
    causes.pop("", None)
    print("wars by cause:", dict(causes))
    enf = [t["china_enforcement"][t["round"] == r].mean() for r in range(1, cfg.run.rounds + 1)]
    print("China mean enforcement by round:", ", ".join(f"{e:.2f}" for e in enf))
    ids = [K.move_id("dprk", m) for m in ("icbm_test", "nuclear_test")]
    strategic = np.isin(t["dprk_move"], ids)
    print(f"DPRK strategic tests per run: {strategic.sum() / n:.2f}; "
          f"all tests per run: {o['dprk_tests'].mean():.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
