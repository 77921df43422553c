"""The world's state and its one-round transition.

`transition` is a pure function of (state, decisions, physics). The model
calls it with the true physics to move the world; each actor calls it with
its own perceived physics to score the moves on its menu (its lookahead).
Randomness stays outside: the transition returns hazards, the model draws.

The rules are the kernels' (sim.core.kernels); these functions take and
return the named tuples the steppable model and its readers use.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.core import kernels as K
from sim.core.ladder import Move
from sim.core.layout import ROUND_COLUMNS  # noqa: F401 (re-exported: the Mesa face's rows)
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
    talks: int  # K.TALKS_NONE, K.TALKS_OPEN or K.TALKS_AGREED


assert len(State._fields) == K.NS


class Decisions(NamedTuple):
    """What the actors decided in one round's phases 2-4."""

    adopted: float  # strength of the resolution adopted this round, 0.0 if none
    china_enforcement: float
    russia_enforcement: float
    us: Move
    china: Move
    russia: Move
    dprk: Move


_INTS = (K.S_ROUND, K.S_TALKS)
_BOOLS = (K.S_EXERCISES, K.S_US_ACCEPTS, K.S_DPRK_ACCEPTS)


def state_tuple(x: np.ndarray) -> State:
    """A kernel state array as a State."""
    v = x.tolist()
    for i in _INTS:
        v[i] = int(v[i])
    for i in _BOOLS:
        v[i] = v[i] != 0.0
    return State._make(v)


def move_ids(d: Decisions) -> np.ndarray:
    """The four moves of a Decisions as kernel move ids (US, China, Russia, DPRK)."""
    ix = K.MOVE_INDEX
    return np.array([ix[d.us], ix[d.china], ix[d.russia], ix[d.dprk]], dtype=np.int64)


def initial_state(cfg: CrisisConfig, ph: Physics) -> State:
    out = np.empty(K.NS)
    K.initial_state(K.params_array(cfg), K.physics_array(ph), out)
    return state_tuple(out)


def collapse_hazard(stability: float, ph: Physics) -> float:
    """0 above floor + band, rising to 1 at the floor: the regime falls through it."""
    return K.collapse_hazard(stability, K.physics_array(ph))


def transition(s: State, d: Decisions, ph: Physics) -> State:
    """The world one round on, given this round's decisions. Pure."""
    out = np.empty(K.NS)
    ix = K.MOVE_INDEX
    K.transition(
        K.state_array(s),
        d.adopted,
        d.china_enforcement,
        d.russia_enforcement,
        ix[d.us],
        ix[d.china],
        ix[d.russia],
        ix[d.dprk],
        K.physics_array(ph),
        out,
    )
    return state_tuple(out)
