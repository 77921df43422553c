"""The crisis model: four actors stepped through the six phases of a round.

CrisisModel is the steppable face of the model (Mesa, one replication,
inspectable between rounds). Every rule it applies is a kernel of
sim.core.kernels, the code the batch driver (sim.runs.batch) runs for many
replications at once; the two give the same numbers bit for bit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.core import kernels as K
from sim.core.agents import DPRK, US, Board, China, Context, Russia
from sim.core.council import NO_DRAFT, deliberate
from sim.core.ladder import OPENING_MOVES, TESTS  # noqa: F401 (OPENING_MOVES: re-exported)
from sim.core.outcomes import OUTCOMES, STANDOFF
from sim.core.params import CrisisConfig
from sim.core.physics import Physics, physics
from sim.core.streams import streams
from sim.core.world import ROUND_COLUMNS, Decisions, State, move_ids, state_tuple  # noqa: F401

logging.getLogger("MESA").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Perceptions:
    """The physics each observer uses, built once per configuration."""

    world: Physics
    china: Physics
    russia: Physics
    array: np.ndarray = field(init=False, repr=False, compare=False)  # rows K.PHYS_*

    def __post_init__(self):
        rows = [K.physics_array(p) for p in (self.world, self.china, self.russia)]
        object.__setattr__(self, "array", np.stack(rows))

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
        self.board = board = Board(cfg, per.array)
        self.phys, self.q, self.memory = board.phys, board.q, board.memory
        a, w = cfg.actors, cfg.world
        self.us = US(self, a.us, w, per.world, dice["us"], board, dice["noise"])
        self.china = China(self, a.china, w, per.china, dice["china"], board)
        self.russia = Russia(self, a.russia, w, per.russia, dice["russia"], board)
        self.dprk = DPRK(self, a.dprk, w, per.world, dice["dprk"], board)
        self.dice = dice["world"]
        self.council_dice = dice["council"]
        s = np.empty(K.NS)
        K.initial_state(self.q, self.phys[K.PHYS_WORLD], s)
        self.state: State = state_tuple(s)
        self.last = Decisions(
            0.0, self.state.china_enforcement, self.state.russia_enforcement, *OPENING_MOVES
        )
        board.show(self.state, self.last, s, K.OPENING.copy())
        self.outcome: str = STANDOFF
        self.outcome_round: int | None = None
        self.rows: list[tuple] = []
        self.resolutions_adopted = 0
        self.dprk_tests = 0
        self.peak_tension = self.state.tension
        self.talks_opened_round: int | None = None  # the first opening
        self.talks_breakdowns = 0
        self.agreement_round: int | None = None  # the first freeze agreement
        self.war_cause = ""  # "decision:us", "decision:dprk" or "accident" if a war began
        # The opening of the talks now in force; 0 for talks in force before round 1.
        self._opened_last: int | None = 0 if s[K.S_TALKS] != K.TALKS_NONE else None

    def arrays_of(self, state: State, last: Decisions) -> tuple[np.ndarray, np.ndarray]:
        """The kernel arrays of a state and last round's moves (see `Board.arrays_of`)."""
        return self.board.arrays_of(state, last)

    def context(self, adopted: float, china_enforcement: float, russia_enforcement: float):
        """What the actors know in phase 3 (moves) of the coming round."""
        return Context(self.state, adopted, china_enforcement, russia_enforcement, self.last)

    def step(self) -> None:
        s, last = self.state, self.last
        sa, ids = self.arrays_of(s, last)
        # 1. Observe
        if s.round > 0:
            self.agents.do("observe", s, last)
        sa = sa.copy()
        sa[K.S_TRUST] = self.memory[K.A_US_TRUST]
        s = s._replace(us_trust_in_china=self.us.trust)
        self.board.show(s, last, sa, ids)
        # 2. Enforcement, on the sanctions in force
        ce = self.china.choose_enforcement(s, 0.0, last)
        re = self.russia.enforce(ce)
        # 3. Moves
        ctx = Context(s, 0.0, ce, re, last)
        moves = self.agents.map("choose_move", ctx)
        # 4. Sanctions: the council answers a strategic test within the month
        ix = K.MOVE_INDEX
        new_ids = np.array([ix[m] for m in moves], dtype=np.int64)
        now = Decisions(0.0, ce, re, *moves)
        self.board.show(s, now, sa, new_ids)
        strength = self.us.draft(s, now, self.cfg.world.resolution_base)
        if strength > 0.0:
            res = deliberate(
                strength,
                lambda st, soft: self.china.vote(s, now, st, soft, self.council_dice),
                lambda st, soft, cv: self.russia.vote(st, soft, cv, self.council_dice),
                self.cfg.council,
            )
        else:
            res = NO_DRAFT
        K.remember_resolution(self.memory, res.adopted)
        # 5. World update
        d = Decisions(res.adopted, ce, re, *moves)
        nxt = np.empty(K.NS)
        K.transition(sa, res.adopted, ce, re, *new_ids.tolist(), self.phys[K.PHYS_WORLD], nxt)
        code = K.draw(nxt, self.dice())
        outcome = None if code == K.NONE else OUTCOMES[code]
        phw = self.phys[K.PHYS_WORLD]
        event = K.EV_NONE if outcome else K.negotiate(sa, nxt, self.q, phw, self.dice())
        # 6. Record
        x = state_tuple(nxt)
        self.state, self.last = x, d
        self.board.show(x, d, nxt, new_ids)
        self._record(x, d, res, outcome, K.recorded_escalation(nxt, code))
        self._talks(x.round, event)
        if outcome is not None:
            self.outcome, self.outcome_round = outcome, x.round
            self.war_cause = K.WAR_CAUSES[K.war_cause(nxt, *new_ids[[0, 3]].tolist(), code)]
            self.running = False
        else:
            # Were the run to end now: talks in force, or a standoff.
            self.outcome = OUTCOMES[K.final_outcome(nxt)]
            self.outcome_round = self._opened_last if self.outcome == "talks" else None

    def _talks(self, round_: int, event: int) -> None:
        """Count the round's talks event: an opening, a first agreement, a breakdown."""
        if event == K.EV_OPENED:
            self._opened_last = round_
            if self.talks_opened_round is None:
                self.talks_opened_round = round_
        elif event == K.EV_AGREED and self.agreement_round is None:
            self.agreement_round = round_
        elif event == K.EV_BROKE:
            self.talks_breakdowns += 1

    def _record(self, x: State, d: Decisions, res, outcome: str | None, escalation: float) -> None:
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
                escalation,
                outcome or "",
                K.TALKS_STATES[x.talks],
            )
        )

    def run(self, rounds: int) -> str:
        """Step until an absorbing outcome or the horizon; return the outcome."""
        for _ in range(rounds):
            self.step()
            if not self.running:
                break
        return self.outcome
