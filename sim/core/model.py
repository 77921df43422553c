"""The crisis model: four actors stepped through the six phases of a round."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import mesa
import numpy as np

from sim.core import outcomes
from sim.core.agents import DPRK, US, China, Context, Russia
from sim.core.council import NO_DRAFT, deliberate
from sim.core.ladder import CHINA, NUCLEAR, RUSSIA, TESTS
from sim.core.ladder import DPRK as DPRK_MOVES
from sim.core.ladder import US as US_MOVES
from sim.core.params import CrisisConfig
from sim.core.streams import streams
from sim.core.world import Decisions, Physics, State, initial_state, physics, transition

logging.getLogger("MESA").setLevel(logging.WARNING)

# What happened just before round 1 (August 2017): "fire and fury" from the US,
# the Guam threat from the DPRK, China and Russia on the sidelines.
OPENING_MOVES = (US_MOVES["threaten"], CHINA["hold"], RUSSIA["hold"], DPRK_MOVES["threaten"])

# One row of trajectories.parquet per round, after `seed`.
ROUND_COLUMNS = (
    "round",
    "tension",
    "sanctions_level",
    "pressure",
    "china_enforcement",
    "russia_enforcement",
    "dprk_capability",
    "dprk_stability",
    "us_trust_in_china",
    "exercises",
    "china_cost",
    "war_hazard",
    "nuclear_hazard",
    "collapse_hazard",
    "us_move",
    "china_move",
    "russia_move",
    "dprk_move",
    "resolution_drafted",
    "resolution_adopted",
    "china_vote",
    "russia_vote",
    "escalation_score",
    "outcome",
)


@dataclass(frozen=True)
class Perceptions:
    """The physics each observer uses, built once per configuration."""

    world: Physics
    china: Physics
    russia: Physics

    @classmethod
    def of(cls, cfg: CrisisConfig) -> Perceptions:
        a = cfg.actors
        return cls(physics(cfg), physics(cfg, a.china.blame_us), physics(cfg, a.russia.blame_us))


class CrisisModel(mesa.Model):
    """One replication; each actor, the council and the world draw from their own stream."""

    def __init__(
        self,
        cfg: CrisisConfig,
        seed: np.random.SeedSequence | int = 0,
        perceptions: Perceptions | None = None,
    ):
        if not isinstance(seed, np.random.SeedSequence):
            seed = np.random.SeedSequence(seed)
        rng, dice = streams(seed)
        super().__init__(rng=rng)
        self.cfg = cfg
        per = perceptions or Perceptions.of(cfg)
        self.physics = per.world
        a, w = cfg.actors, cfg.world
        self.us = US(self, a.us, w, per.world, dice["us"], dice["noise"])
        self.china = China(self, a.china, w, per.china, dice["china"])
        self.russia = Russia(self, a.russia, w, per.russia, dice["russia"])
        self.dprk = DPRK(self, a.dprk, w, per.world, dice["dprk"])
        self.dice = dice["world"]
        self.council_dice = dice["council"]
        self.state: State = initial_state(cfg, per.world)
        self.last = Decisions(
            0.0, self.state.china_enforcement, self.state.russia_enforcement, *OPENING_MOVES
        )
        self.outcome: str = outcomes.STANDOFF
        self.outcome_round: int | None = None
        self.rows: list[tuple] = []
        self.resolutions_adopted = 0
        self.dprk_tests = 0
        self.peak_tension = self.state.tension

    def step(self) -> None:
        s, last = self.state, self.last
        # 1. Observe
        if s.round > 0:
            self.agents.do("observe", s, last)
        s = s._replace(us_trust_in_china=self.us.trust)
        # 2. Sanctions
        strength = self.us.draft(s, last, self.cfg.world.resolution_base)
        if strength > 0.0:
            res = deliberate(
                strength,
                lambda st, soft: self.china.vote(s, last, st, soft, self.council_dice),
                lambda st, soft, cv: self.russia.vote(st, soft, cv, self.council_dice),
                self.cfg.council,
            )
        else:
            res = NO_DRAFT
        # 3. Enforcement
        ce = self.china.choose_enforcement(s, res.adopted, last)
        re = self.russia.enforce(ce)
        # 4. Moves
        ctx = Context(s, res.adopted, ce, re, last)
        moves = self.agents.map("choose_move", ctx)
        # 5. World update
        d = Decisions(res.adopted, ce, re, *moves)
        x = transition(s, d, self.physics)
        outcome = outcomes.draw(x, self.dice())
        # 6. Record
        self.state, self.last = x, d
        self._record(x, d, res, outcome)
        if outcome is not None:
            self.outcome, self.outcome_round = outcome, x.round
            self.running = False

    def _record(self, x: State, d: Decisions, res, outcome: str | None) -> None:
        escalation = x.escalation_score + (NUCLEAR if outcome == outcomes.NUCLEAR_WAR else 0)
        if res.adopted > 0.0:
            self.resolutions_adopted += 1
        if d.dprk.name in TESTS:
            self.dprk_tests += 1
        self.peak_tension = max(self.peak_tension, x.tension)
        self.rows.append(
            (
                x.round,
                x.tension,
                x.sanctions_level,
                x.pressure,
                x.china_enforcement,
                x.russia_enforcement,
                x.dprk_capability,
                x.dprk_stability,
                x.us_trust_in_china,
                x.exercises,
                x.china_cost,
                x.war_hazard,
                x.nuclear_hazard,
                x.collapse_hazard,
                d.us.name,
                d.china.name,
                d.russia.name,
                d.dprk.name,
                res.drafted if res.drafted > 0.0 else None,
                res.adopted if res.adopted > 0.0 else None,
                res.china_vote or None,
                res.russia_vote or None,
                float(escalation),
                outcome or "",
            )
        )

    def run(self, rounds: int) -> str:
        """Step until an absorbing outcome or the horizon; return the outcome."""
        for _ in range(rounds):
            self.step()
            if not self.running:
                break
        return self.outcome
