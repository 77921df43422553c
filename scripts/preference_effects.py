"""One preference at a time: does each actors.* preference move the outcomes or its behaviour?

Every preference is set to the ends of its range, all else at the defaults,
and run over the same seeds (common random numbers) with the batch driver.
The outcome shift is the total-variation distance between the two outcome
distributions; the named behaviour is the one the preference's sentence
speaks of, measured at both ends. A preference passes if it moves the
outcomes by at least TVD_MIN or its behaviour by at least that behaviour's
stated amount in the stated direction.

    python scripts/preference_effects.py [--seeds 1000] [--write]

--write puts the table into docs/ODD.md between its markers.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from sim.core import kernels as K
from sim.core.params import CrisisConfig
from sim.runs import batch

TVD_MIN = 0.03
ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
BEGIN = "<!-- BEGIN GENERATED: preference-effects -->"
END = "<!-- END GENERATED: preference-effects -->"

# The behaviours, each with the shift that counts as moving it.
MEASURES = {
    "china_enforcement": ("China mean enforcement", 0.02),
    "china_veto": ("China veto share of votes cast", 0.01),
    "russia_enforcement": ("Russia mean enforcement", 0.02),
    "russia_veto": ("Russia veto share of votes cast", 0.01),
    "dprk_tests": ("DPRK tests per run", 0.1),
    "us_coercion": ("US coercive moves per run", 0.1),
    "us_strikes": ("US strikes per run", 0.01),
    "talks_opened": ("P(talks opened by round 11)", 0.03),
}

# Each preference's named behaviour and the sign of (high end - low end) its
# sentence implies; 0: no direction implied (a fact or a choice precision).
NAMED = {
    "us.hawkishness": ("us_strikes", +1),
    "us.trust_in_china": ("us_coercion", -1),
    "us.distrust_bias": ("us_coercion", +1),
    "us.war_aversion": ("us_strikes", -1),
    "us.exercises": ("talks_opened", -1),
    "us.appeasement_view": ("us_coercion", +1),
    "us.max_rung": ("us_strikes", +1),
    "us.perception_noise": ("us_coercion", 0),
    "us.rationality": ("us_coercion", 0),
    "china.collapse_fear": ("china_enforcement", -1),
    "china.trade_share": ("china_enforcement", 0),
    "china.war_fear": ("china_enforcement", +1),
    "china.threat_sensitivity": ("china_enforcement", +1),
    "china.blame_us": ("china_enforcement", -1),
    "china.cost_tolerance": ("china_enforcement", +1),
    "china.talks_drive": ("china_enforcement", +1),
    "china.skirting": ("china_enforcement", -1),
    "china.enforcement_floor": ("china_enforcement", +1),
    "china.veto_cost": ("china_veto", -1),
    "china.stability_comfort": ("china_enforcement", -1),
    "china.rationality": ("china_enforcement", 0),
    "russia.engagement": ("talks_opened", +1),
    "russia.trade_share": ("russia_enforcement", 0),
    "russia.follow_china": ("russia_enforcement", -1),
    "russia.blame_us": ("us_coercion", -1),
    "russia.shield": ("russia_enforcement", -1),
    "russia.veto_cost": ("russia_veto", -1),
    "russia.rationality": ("russia_veto", 0),
    "dprk.pressure_response": ("dprk_tests", +1),
    "dprk.capability_drive": ("dprk_tests", +1),
    "dprk.talks_threshold": ("talks_opened", -1),
    "dprk.risk_tolerance": ("dprk_tests", +1),
    "dprk.rationality": ("dprk_tests", 0),
}

COERCIVE = np.array([K.MOVE_INDEX[m] for m in K.MOVES if m.actor == "us" and m.coercion > 0.3])


def ends(cfg: CrisisConfig) -> dict[str, tuple]:
    """Every actors.* preference and the two ends of its range (within the config's checks)."""
    out = {}
    for actor in fields(cfg.actors):
        params = getattr(cfg.actors, actor.name)
        for f in fields(params):
            key = f"{actor.name}.{f.name}"
            value = getattr(params, f.name)
            if isinstance(value, bool):
                out[key] = (False, True)
                continue
            lo, hi = f.metadata["range"]
            if f.name == "trade_share":  # the two shares sum to at most 1
                other = "russia" if actor.name == "china" else "china"
                hi = min(hi, 1.0 - getattr(cfg.actors, other).trade_share)
            if f.name == "rationality":
                lo, hi = 2.0, 40.0  # 0 is random choice: the ends of a useful span
            out[key] = (type(value)(round(lo, 6)), type(value)(round(hi, 6)))
    return out


def with_value(cfg: CrisisConfig, key: str, value) -> CrisisConfig:
    actor, name = key.split(".")
    new = CrisisConfig()
    new.run, new.world, new.council = cfg.run, cfg.world, cfg.council
    new.actors = replace(cfg.actors)
    setattr(new.actors, actor, replace(getattr(cfg.actors, actor), **{name: value}))
    return new


def measure(cfg: CrisisConfig) -> tuple[np.ndarray, dict[str, float]]:
    """The outcome distribution and every behaviour of one configuration."""
    b = batch.simulate(cfg)
    o, t = b.outcomes, b.trajectories
    n = len(b)
    dist = np.bincount(o["outcome"], minlength=len(K.OUTCOMES)) / n

    def veto(col):
        cast = t[col][t[col] >= 0]
        return float((cast == K.VOTE_VETO).mean()) if cast.size else 0.0

    return dist, {
        "china_enforcement": float(t["china_enforcement"].mean()),
        "china_veto": veto("china_vote"),
        "russia_enforcement": float(t["russia_enforcement"].mean()),
        "russia_veto": veto("russia_vote"),
        "dprk_tests": float(o["dprk_tests"].mean()),
        "us_coercion": float(np.isin(t["us_move"], COERCIVE).sum() / n),
        "us_strikes": float((t["us_move"] == K.US_STRIKE).sum() / n),
        "talks_opened": float(np.isin(o["talks_opened_round"], np.arange(1, 12)).mean()),
    }


def effects(seeds: int = 1000, seed: int = 20170809) -> list[dict]:
    """One row per preference: its ends, outcome shift, named behaviour and verdict."""
    cfg = CrisisConfig()
    cfg.run.seeds, cfg.run.seed = seeds, seed
    rows = []
    for key, (lo, hi) in ends(cfg).items():
        d_lo, b_lo = measure(with_value(cfg, key, lo))
        d_hi, b_hi = measure(with_value(cfg, key, hi))
        tvd = 0.5 * float(np.abs(d_hi - d_lo).sum())
        name, sign = NAMED[key]
        shift = b_hi[name] - b_lo[name]
        need = MEASURES[name][1]
        moved = abs(shift) >= need and (sign == 0 or math.copysign(1, shift) == sign)
        rows.append(
            {
                "preference": key,
                "low": lo,
                "high": hi,
                "tvd": tvd,
                "behaviour": name,
                "sign": sign,
                "low_value": b_lo[name],
                "high_value": b_hi[name],
                "shift": shift,
                "passes": tvd >= TVD_MIN or moved,
            }
        )
    return rows


def table(rows: list[dict], seeds: int) -> str:
    arrow = {1: "up", -1: "down", 0: "either"}
    lines = [
        f"Measured by `scripts/preference_effects.py` at {seeds} seeds (common random numbers): "
        f"each preference at the ends of its range (rationality 2 and 40), all else default. "
        f"A preference passes if the outcome shift (total-variation distance) is at least "
        f"{TVD_MIN} or its named behaviour moves by the stated amount in the stated direction.",
        "",
        "| preference | low | high | outcome TVD | named behaviour (expected) | at low | at high "
        "| shift | passes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        label, need = MEASURES[r["behaviour"]]
        lines.append(
            f"| `{r['preference']}` | {r['low']} | {r['high']} | {r['tvd']:.3f} "
            f"| {label} ({arrow[r['sign']]}, >= {need}) | {r['low_value']:.3f} "
            f"| {r['high_value']:.3f} | {r['shift']:+.3f} | {'yes' if r['passes'] else 'no'} |"
        )
    return "\n".join(lines)


def write(text: str, path: Path = ODD) -> None:
    doc = path.read_text(encoding="utf-8")
    a, b = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    path.write_text(doc[:a] + "\n" + text + "\n" + doc[b:], encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=1000)
    ap.add_argument("--write", action="store_true", help="write the table into docs/ODD.md")
    args = ap.parse_args()
    rows = effects(args.seeds)
    text = table(rows, args.seeds)
    print(text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
