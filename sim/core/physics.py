"""The constants of the world's transition, as the world has them or as one actor sees them."""

from __future__ import annotations

from dataclasses import dataclass

from sim.core.params import CrisisConfig


@dataclass(frozen=True, slots=True)
class Physics:
    """The constants a transition needs, as seen by one observer.

    Russia's moves weigh by its engagement everywhere (it "has not that many
    tools to influence the situation"). In the true world US and DPRK moves
    weigh 1; China and Russia see US and ROK moves as the source of tension
    ("China sees the U.S. and South Korea as the main instigators of the
    conflict, not the North").
    """

    china_share: float
    russia_share: float
    other_enforcement: float
    leakage: float
    skirting: float
    tension_decay: float
    tension_gain: float
    exercise_tension: float
    weight_us: float
    weight_russia: float
    weight_dprk: float
    capability_growth: float
    test_gain: dict
    stability_equilibrium: float
    stability_recovery: float
    pressure_impact: float
    collapse_floor: float
    collapse_band: float
    accident_war: float
    move_accident: float
    strike_war: float
    attack_war: float
    nuclear_base: float
    nuclear_capability: float
    collapse_steepness: float = 4.0


def physics(cfg: CrisisConfig, blame_us: float | None = None) -> Physics:
    """The world's physics; with `blame_us`, as China or Russia perceive it."""
    w, a = cfg.world, cfg.actors
    if blame_us is None:
        w_us = w_dprk = 1.0
    else:
        w_us, w_dprk = 0.5 + blame_us, 1.5 - blame_us
    shield = a.russia.shield
    return Physics(
        china_share=a.china.trade_share,
        russia_share=a.russia.trade_share,
        other_enforcement=w.other_enforcement,
        leakage=min(1.0, w.leakage + shield * w.shield_leakage),
        skirting=a.china.skirting,
        tension_decay=w.tension_decay,
        tension_gain=w.tension_gain / 60.0,
        exercise_tension=w.exercise_tension * w_us,
        weight_us=w_us,
        weight_russia=a.russia.engagement,
        weight_dprk=w_dprk,
        capability_growth=w.capability_growth,
        test_gain={
            "missile_test": w.missile_gain,
            "icbm_test": w.icbm_gain,
            "nuclear_test": w.nuclear_gain,
        },
        stability_equilibrium=w.stability_equilibrium,
        stability_recovery=w.stability_recovery,
        pressure_impact=w.pressure_impact,
        collapse_floor=w.collapse_floor,
        collapse_band=w.collapse_band,
        accident_war=w.accident_war,
        move_accident=w.move_accident,
        strike_war=w.strike_war,
        attack_war=w.attack_war,
        nuclear_base=w.nuclear_base,
        nuclear_capability=w.nuclear_capability,
        collapse_steepness=w.collapse_steepness,
    )
