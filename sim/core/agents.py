"""The four actors: their preferences, perceptions and choices.

Every actor scores each option by its own utility of the predicted next
state, computed with the world's `transition` through the actor's own
perceptions, and picks by a logit (quantal response) rule: the higher its
rationality, the more surely it takes the best-scoring option. Other actors
are assumed to repeat last round's moves.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import NamedTuple

import mesa

from sim.core import enforcement
from sim.core.council import VOTES
from sim.core.ladder import MENUS, Move
from sim.core.params import WorldParams
from sim.core.streams import Dice
from sim.core.world import Decisions, Physics, State, transition

# Utility weights shared by all actors: how much a unit of war hazard and of
# nuclear hazard costs relative to the other terms (about ten times a full
# swing in tension).
WAR_WEIGHT = 4.0
NUCLEAR_WEIGHT = 8.0
COLLAPSE_WEIGHT = 4.0
BELIEF0 = 0.1  # prior that the other side would accept talks

# How open to talks a move reads to the other side, by escalation class.
OPENNESS = {-2: 1.0, 0: 0.2, 4: 0.0, 12: 0.0, 28: 0.0, 60: 0.0}

# DPRK: how defiant each move reads (answering pressure with threats and tests).
DEFIANCE = {"threaten": 1.0, "missile_test": 0.7, "icbm_test": 0.7, "nuclear_test": 0.7}

# US: how much stronger than routine a draft is after each strategic test.
DRAFT_SEVERITY = {"icbm_test": 0.1, "nuclear_test": 0.15}

# DPRK: what a test costs the regime (resources, China's displeasure), in utility.
TEST_COST = {"missile_test": 0.04, "icbm_test": 0.08, "nuclear_test": 0.12}


class Context(NamedTuple):
    """What every actor knows when it picks its move in phase 4."""

    state: State
    adopted: float
    china_enforcement: float
    russia_enforcement: float
    last: Decisions


_STANDARD_NORMAL = NormalDist()
_make_decisions = tuple.__new__  # positional construction, as in world.transition


def logit_choice(utilities: list[float], rationality: float, u: float) -> int:
    """Index drawn with probability proportional to exp(rationality * utility)."""
    top = max(utilities)
    weights = [math.exp(rationality * (x - top)) for x in utilities]
    r = u * sum(weights)
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w
        if r < acc:
            return i
    return len(weights) - 1


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class Actor(mesa.Agent):
    """Shared machinery: a menu, perceived physics, its own dice, logit choice."""

    role = ""
    slot = 0  # position of this actor's move in Decisions (after the 3 sanction fields)

    def __init__(self, model: mesa.Model, params, world: WorldParams, physics: Physics, dice: Dice):
        super().__init__(model)
        self.params = params
        self.physics = physics
        self.menu: list[Move] = list(MENUS[self.role].values())
        self.rationality = params.rationality * world.rationality_scale
        self.learning = world.trust_learning  # weight of the newest observation
        self.dice = dice

    def choose(self, utilities: list[float], dice: Dice | None = None) -> int:
        return logit_choice(utilities, self.rationality, (dice or self.dice)())

    def options(self, ctx: Context) -> list[Move]:
        return self.menu

    def perceived(self, ctx: Context) -> tuple[State, list]:
        """The state and the decisions this actor assumes, its own move left open."""
        d = ctx.last
        return ctx.state, [
            ctx.adopted,
            ctx.china_enforcement,
            ctx.russia_enforcement,
            d.us,
            d.china,
            d.russia,
            d.dprk,
        ]

    def utility(self, ctx: Context, x: State, move: Move) -> float:
        raise NotImplementedError

    def choose_move(self, ctx: Context) -> Move:
        state, base = self.perceived(ctx)
        options = self.options(ctx)
        scores = []
        for move in options:
            base[3 + self.slot] = move
            x = transition(state, _make_decisions(Decisions, base), self.physics)
            scores.append(self.utility(ctx, x, move))
        return options[self.choose(scores)]

    def observe(self, state: State, last: Decisions) -> None:
        """Update beliefs from last round's public events (phase 1)."""

    @staticmethod
    def hazard_cost(x: State) -> float:
        return WAR_WEIGHT * x.war_hazard + NUCLEAR_WEIGHT * x.nuclear_hazard


class US(Actor):
    """Wants the programme halted; drafts sanctions; distrusts China; rattles sabres."""

    role, slot = "us", 0

    def __init__(self, model, params, world, physics, dice, noise: Dice):
        super().__init__(model, params, world, physics, dice)
        self.trust = params.trust_in_china
        self.noise = noise
        self.belief_dprk_open = BELIEF0
        self._menus = {}

    def observe(self, state: State, last: Decisions) -> None:
        p, lr = self.params, self.learning
        u = min(max(self.noise(), 1e-12), 1.0 - 1e-12)
        seen = state.china_enforcement + p.perception_noise * _STANDARD_NORMAL.inv_cdf(u)
        seen = min(1.0, max(0.0, seen - p.distrust_bias))
        self.trust += lr * (seen - self.trust)
        self.belief_dprk_open += lr * (OPENNESS[last.dprk.escalation] - self.belief_dprk_open)

    def options(self, ctx: Context) -> list[Move]:
        key = (ctx.state.exercises, self.params.exercises)
        if key not in self._menus:
            running, allowed = key
            self._menus[key] = [
                m
                for m in self.menu
                if m.rung <= self.params.max_rung
                and not (m.name == "suspend_exercises" and not running)
                and not (m.name == "exercises" and not allowed)
            ]
        return self._menus[key]

    def perceived(self, ctx: Context) -> tuple[State, list]:
        state, base = super().perceived(ctx)
        # The US sees China's enforcement only through its belief, which is of
        # what China delivers, not of the level China declares.
        base[1] = min(1.0, self.trust / max(1e-9, 1.0 - self.physics.skirting))
        return state, base

    def draft(self, state: State, last: Decisions, base: float) -> float:
        """Strength of the draft resolution tabled this round, 0.0 for none.

        The US drafts after a DPRK strategic test, as in 2017 (Resolution 2371
        after the July ICBMs, 2375 after the September nuclear test, 2397 after
        the November ICBM); hawkishness and distrust of China stiffen the draft.
        """
        severity = DRAFT_SEVERITY.get(last.dprk.name)
        if severity is None or state.sanctions_level >= 1.0:
            return 0.0
        p = self.params
        distrust = p.appeasement_view * (1 - self.trust)
        return min(1.0, base + severity + 0.05 * p.hawkishness + 0.05 * distrust)

    def utility(self, ctx: Context, x: State, move: Move) -> float:
        p = self.params
        h = p.hawkishness
        resolve = 0.4 * h * move.coercion * (0.5 + p.appeasement_view * (1.0 - self.trust))
        # A freeze is worth less to the US than the halt it wants.
        talks = 0.6 * (1.0 - h) * float(x.us_accepts) * self.belief_dprk_open
        return (
            resolve
            + talks
            + 0.1 * h * float(x.exercises)
            - 0.5 * (1.0 - h) * x.tension
            - p.war_aversion * self.hazard_cost(x)
        )


class China(Actor):
    """Fears collapse more than ICBMs; enforces just enough for talks, no more."""

    role, slot = "china", 1

    def policy_value(self, state: State, adopted: float, level: float, last: Decisions) -> float:
        """China's value of a sanctions regime at an enforcement level (its lookahead)."""
        p, ph = self.params, self.physics
        x = transition(
            state,
            Decisions(
                adopted,
                level,
                state.russia_enforcement,
                last.us,
                last.china,
                last.russia,
                last.dprk,
            ),
            ph,
        )
        proj = enforcement.projected_stability(x.dprk_stability, x.pressure, ph, self.horizon)
        # The more China fears collapse, the wider the margin it keeps above the floor.
        comfort = ph.collapse_floor + p.collapse_fear * (p.stability_comfort - ph.collapse_floor)
        gap = max(0.0, comfort - proj)
        return (
            # While joint exercises run, a China that blames the US sees pressure on
            # Pyongyang as misdirected ("up to us to lower our guns" first).
            p.talks_drive * x.pressure * (1.0 - 0.5 * p.blame_us * float(state.exercises))
            - (1.0 - p.cost_tolerance) * p.trade_share * level * x.sanctions_level
            - p.collapse_fear * COLLAPSE_WEIGHT * gap
            + p.threat_sensitivity * last.us.coercion * level
        )

    def __init__(self, model, params, world, physics, dice):
        super().__init__(model, params, world, physics, dice)
        self.levels = [e for e in enforcement.LEVELS if e >= params.enforcement_floor]
        self.horizon = world.horizon
        self.level = max(world.china_enforcement0, params.enforcement_floor)

    def choose_enforcement(self, state: State, adopted: float, last: Decisions) -> float:
        scores = [self.policy_value(state, adopted, e, last) for e in self.levels]
        self.level = self.levels[self.choose(scores)]
        return self.level

    def vote(self, s: State, last: Decisions, strength: float, softened: float, dice: Dice) -> str:
        """Yes, soften or veto, judged at China's current enforcement level."""
        scores = [
            self.policy_value(s, strength, self.level, last),
            self.policy_value(s, softened, self.level, last) - 0.02,
            self.policy_value(s, 0.0, self.level, last) - self.params.veto_cost,
        ]
        return VOTES[self.choose(scores, dice)]

    def utility(self, ctx: Context, x: State, move: Move) -> float:
        p = self.params
        value = (
            -p.war_fear * self.hazard_cost(x)
            - 0.5 * x.tension
            + p.talks_drive * float(x.us_accepts and x.dprk_accepts)
        )
        if move.name == "propose_freeze":
            value += 0.06 * p.talks_drive * (0.5 + p.blame_us * float(ctx.state.exercises))
        elif move.name == "border_alert":
            value += p.collapse_fear * COLLAPSE_WEIGHT * x.collapse_hazard - 0.05
        return value


class Russia(Actor):
    """Back seat: few tools, follows China, urges direct talks, blames the US."""

    role, slot = "russia", 2

    def enforce(self, china_level: float) -> float:
        p = self.params
        return enforcement.russia_enforcement(china_level, p.follow_china, p.shield)

    def vote(self, strength: float, softened: float, china_vote: str, dice: Dice) -> str:
        """China's vote as often as Russia follows it; otherwise its own."""
        p = self.params
        follow = dice() < p.follow_china
        scores = [
            -2.0 * p.shield * strength,
            -2.0 * p.shield * softened - 0.02,
            -p.veto_cost * (1.0 - p.shield),
        ]
        own = VOTES[self.choose(scores, dice)]
        return china_vote if follow else own

    def utility(self, ctx: Context, x: State, move: Move) -> float:
        p = self.params
        value = p.engagement * (-self.hazard_cost(x) - 0.5 * x.tension)
        if move.name != "hold":
            value -= 0.1 * (1.0 - p.engagement)
        if move.name == "warn_us":
            value += p.engagement * p.blame_us * ctx.last.us.coercion
        elif move.name == "back_china":
            value += 0.1 * p.follow_china * float(ctx.last.china.name == "propose_freeze")
        elif move.name == "urge_talks":
            value += 0.1 * p.engagement
        return value


class DPRK(Actor):
    """Regime survival first; answers pressure with threats and tests; talks of a freeze."""

    role, slot = "dprk", 3

    def __init__(self, model, params, world, physics, dice):
        super().__init__(model, params, world, physics, dice)
        self.belief_us_open = BELIEF0
        w = world
        # Rounds a test needs after the last of its kind (tunnels, airframes, launchers).
        self.intervals = {"icbm_test": w.icbm_interval, "nuclear_test": w.nuclear_interval}
        # The next round each test is possible in; the Hwasong-14 of 28 July 2017
        # was the last ICBM test before round 1.
        self.ready_at = {"icbm_test": w.icbm_interval, "nuclear_test": 1}

    def observe(self, state: State, last: Decisions) -> None:
        lr = self.learning
        self.belief_us_open += lr * (OPENNESS[last.us.escalation] - self.belief_us_open)
        if last.dprk.name in self.intervals:
            self.ready_at[last.dprk.name] = state.round + self.intervals[last.dprk.name]

    def options(self, ctx: Context) -> list[Move]:
        upcoming = ctx.state.round + 1
        return [m for m in self.menu if self.ready_at.get(m.name, 0) <= upcoming]

    def utility(self, ctx: Context, x: State, move: Move) -> float:
        p = self.params
        s = ctx.state
        # How complete the deterrent is: past talks_threshold, tests add little
        # and a freeze becomes worth talking about.
        complete = _sigmoid(30.0 * (s.dprk_capability - p.talks_threshold))
        provocation = 1.0 if ctx.adopted > 0.0 else 0.4 * ctx.last.us.coercion
        growth = x.dprk_capability - s.dprk_capability
        talks = 0.5 * float(x.dprk_accepts) * self.belief_us_open * (0.2 + 0.8 * complete)
        return (
            6.0 * p.capability_drive * growth * (1.0 - complete)
            - TEST_COST.get(move.name, 0.0)
            + 0.5 * p.pressure_response * provocation * DEFIANCE.get(move.name, 0.0)
            + talks * (0.5 + s.pressure) * (1.0 - s.tension)
            - (1.0 - p.risk_tolerance) * self.hazard_cost(x)
        )
