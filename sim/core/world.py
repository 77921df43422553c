"""The world's state and its one-round transition.

`transition` is a pure function of (state, decisions, physics). The model
calls it with the true physics to move the world; each actor calls it with
its own perceived physics to score the moves on its menu (its lookahead).
Randomness stays outside: the transition returns hazards, the model draws.
"""

from __future__ import annotations

from typing import NamedTuple

from sim.core.enforcement import pressure
from sim.core.ladder import Move
from sim.core.params import CrisisConfig
from sim.core.physics import Physics, physics  # noqa: F401 (physics: re-exported)


class State(NamedTuple):
    """The world after a round (round 0 is the initial state)."""

    round: int
    tension: float
    sanctions_level: float
    china_enforcement: float
    russia_enforcement: float
    pressure: float
    dprk_capability: float
    dprk_stability: float
    us_trust_in_china: float
    exercises: bool
    china_cost: float
    war_hazard: float
    nuclear_hazard: float
    collapse_hazard: float
    us_accepts: bool
    dprk_accepts: bool
    escalation_score: float


class Decisions(NamedTuple):
    """What the actors decided in one round's phases 2-4."""

    adopted: float  # strength of the resolution adopted this round, 0.0 if none
    china_enforcement: float
    russia_enforcement: float
    us: Move
    china: Move
    russia: Move
    dprk: Move


def initial_state(cfg: CrisisConfig, ph: Physics) -> State:
    w = cfg.world
    exercises = cfg.actors.us.exercises
    declared = max(w.china_enforcement0, cfg.actors.china.enforcement_floor)
    ce, re = declared * (1.0 - ph.skirting), w.russia_enforcement0
    return State(
        round=0,
        tension=w.tension0,
        sanctions_level=w.sanctions0,
        china_enforcement=ce,
        russia_enforcement=re,
        pressure=pressure(w.sanctions0, ce, re, ph),
        dprk_capability=w.capability0,
        dprk_stability=w.stability0,
        us_trust_in_china=cfg.actors.us.trust_in_china,
        exercises=exercises,
        china_cost=0.0,
        war_hazard=0.0,
        nuclear_hazard=0.0,
        collapse_hazard=0.0,
        us_accepts=False,
        dprk_accepts=False,
        escalation_score=0.0,
    )


def collapse_hazard(stability: float, ph: Physics) -> float:
    """0 above floor + band, rising to 1 at the floor: the regime falls through it."""
    x = (ph.collapse_floor + ph.collapse_band - stability) / ph.collapse_band
    return 0.0 if x <= 0.0 else (1.0 if x >= 1.0 else x * x)


# Positional tuple construction: the named constructor's extra frame costs a
# tenth of a transition, and the lookahead makes about thirty a round.
_make_state = tuple.__new__


def transition(s: State, d: Decisions, ph: Physics) -> State:
    """The world one round on, given this round's decisions. Pure.

    Written flat, with positional construction, because every actor's
    lookahead calls it about thirty times a round.
    """
    us, china, dprk = d.us.name, d.china.name, d.dprk.name

    level = s.sanctions_level + d.adopted * (1.0 - s.sanctions_level)
    exercises = s.exercises
    if us == "suspend_exercises":
        exercises = False
    elif us == "exercises":
        exercises = True

    china_actual = d.china_enforcement * (1.0 - ph.skirting)
    press = pressure(level, china_actual, d.russia_enforcement, ph)

    signal = (
        ph.weight_us * d.us.escalation
        + d.china.escalation
        + ph.weight_russia * d.russia.escalation
        + ph.weight_dprk * d.dprk.escalation
    )
    tension = s.tension * (1.0 - ph.tension_decay) + ph.tension_gain * signal
    if exercises:
        tension += ph.exercise_tension
    tension = 0.0 if tension < 0.0 else (1.0 if tension > 1.0 else tension)

    cap = s.dprk_capability
    test_gain = ph.test_gain.get(dprk)
    rate = ph.capability_growth if test_gain is None else ph.capability_growth + test_gain
    if rate > 1.0:  # a logistic step faster than 1 would overshoot full capability
        rate = 1.0
    cap += rate * cap * (1.0 - cap)

    stab = (
        s.dprk_stability
        + ph.stability_recovery * (ph.stability_equilibrium - s.dprk_stability)
        - ph.pressure_impact * press
    )
    stab = 0.0 if stab < 0.0 else (1.0 if stab > 1.0 else stab)

    war = ph.accident_war * tension * tension
    if test_gain is not None:
        war += ph.move_accident
    if us == "show_of_force":
        war += ph.move_accident
    elif us == "strike":
        war += ph.strike_war
    if dprk == "attack":
        war += ph.attack_war
    if war > 1.0:
        war = 1.0
    nuclear_share = ph.nuclear_base + ph.nuclear_capability * cap
    if nuclear_share > 1.0:
        nuclear_share = 1.0

    # Freeze-for-freeze: China's proposal stands when exercises are off.
    freeze = china == "propose_freeze" and not exercises
    us_accepts = us == "offer_talks" or (freeze and (us == "hold" or us == "suspend_exercises"))
    dprk_accepts = dprk == "offer_talks" or (freeze and dprk == "hold")

    return _make_state(
        State,
        (
            s.round + 1,
            tension,
            level,
            china_actual,
            d.russia_enforcement,
            press,
            cap,
            stab,
            s.us_trust_in_china,
            exercises,
            s.china_cost + ph.china_share * china_actual * level,
            war * (1.0 - nuclear_share),
            war * nuclear_share,
            collapse_hazard(stab, ph),
            us_accepts,
            dprk_accepts,
            float(d.us.escalation + d.china.escalation + d.russia.escalation + d.dprk.escalation),
        ),
    )
