"""The four actors: their preferences, perceptions and choices.

Every actor scores each option by its own utility of the predicted next
state, computed with the world's transition through the actor's own
perceptions, and picks by a logit (quantal response) rule: the higher its
rationality, the more surely it takes the best-scoring option. Other actors
are assumed to repeat last round's moves.

The rules (utilities, options, observation, choice, votes, drafts) are the
kernels' in sim.core.kernels, the same code the batch driver runs; an actor
here holds its preferences and its dice, keeps its beliefs in the model's
memory array, and turns kernel codes back into moves and votes.
"""

from __future__ import annotations

from typing import NamedTuple

import mesa
import numpy as np

from sim.core import kernels as K
from sim.core.kernels import (  # noqa: F401 (re-exported: the actors' constants)
    BELIEF0,
    COLLAPSE_WEIGHT,
    DEFIANCE,
    DRAFT_SEVERITY,
    NUCLEAR_WEIGHT,
    OPENNESS,
    TEST_COST,
    WAR_WEIGHT,
)
from sim.core.ladder import MENUS, Move
from sim.core.params import CrisisConfig, WorldParams
from sim.core.physics import Physics
from sim.core.streams import Dice
from sim.core.world import Decisions, State, move_ids

MOVES = K.MOVES
VOTES = K.VOTES


class Context(NamedTuple):
    """What every actor knows when it picks its move in phase 3."""

    state: State
    adopted: float
    china_enforcement: float
    russia_enforcement: float
    last: Decisions


def logit_choice(utilities: list[float], rationality: float, u: float) -> int:
    """Index drawn with probability proportional to exp(rationality * utility)."""
    n = len(utilities)
    return K.logit_choice(np.array(utilities, dtype=float), n, rationality, u, np.empty(n))


def logit_probabilities(utilities: list[float], rationality: float) -> list[float]:
    """The probability `logit_choice` picks each option with."""
    n = len(utilities)
    out = np.empty(n)
    K.logit_probabilities(np.array(utilities, dtype=float), n, rationality, out)
    return out.tolist()


class Board:
    """The kernel arrays the actors share: parameters, perceived physics, beliefs, a state.

    A CrisisModel makes one and hands it to its actors; a test can make one
    from a config alone and put the actors on a bare mesa.Model.
    """

    def __init__(self, cfg: CrisisConfig, perceived: np.ndarray):
        self.q = K.params_array(cfg)  # every constant a round needs (K.Q_*)
        self.phys = perceived  # rows K.PHYS_WORLD, K.PHYS_CHINA, K.PHYS_RUSSIA
        self.memory = np.empty(K.NA)  # the actors' beliefs (K.A_*), kept by the kernels
        K.init_agents(self.q, self.memory)
        self._view: tuple | None = None

    def arrays_of(self, state: State, last: Decisions) -> tuple[np.ndarray, np.ndarray]:
        """The kernel arrays of a state and last round's moves (cached for the one in view)."""
        view = self._view
        if view is not None and state is view[0] and last is view[1]:
            return view[2], view[3]
        return K.state_array(state), move_ids(last)

    def show(self, state: State, last: Decisions, s: np.ndarray, ids: np.ndarray) -> None:
        """Put a state in view: the actors' next calls with it need no conversion."""
        self._view = (state, last, s, ids)


class Actor(mesa.Agent):
    """Shared machinery: a menu, perceived physics, its own dice, the kernels' scratch."""

    role = ""
    phys_row = K.PHYS_WORLD

    def __init__(
        self,
        model: mesa.Model,
        params,
        world: WorldParams,
        physics: Physics,
        dice: Dice,
        board: Board,
    ):
        super().__init__(model)
        self.board = board
        self.params = params
        self.physics = physics
        self.menu: list[Move] = list(MENUS[self.role].values())
        self.rationality = params.rationality * world.rationality_scale
        self.learning = world.trust_learning  # weight of the newest observation
        self.dice = dice
        self.ph = board.phys[self.phys_row]
        self._opts = np.empty(K.SCRATCH_OPTS, dtype=np.int64)
        self._util = np.empty(K.SCRATCH_UTIL)
        self._w = np.empty(8)
        self._x = np.empty(K.SCRATCH_STATES)

    # The kernels read the model's state array and move ids; the model keeps
    # them beside the State and Decisions it hands out, so a call with those
    # objects costs no conversion.
    def _arrays(self, state: State, last: Decisions) -> tuple[np.ndarray, np.ndarray]:
        return self.board.arrays_of(state, last)

    def _scored(self, ctx: Context) -> tuple[list[int], list[float]]:
        s, ids = self._arrays(ctx.state, ctx.last)
        n = self._score(ctx, s, ids)
        return self._opts[:n].tolist(), self._util[:n].tolist()

    def _score(self, ctx: Context, s: np.ndarray, ids: np.ndarray) -> int:
        raise NotImplementedError

    def options(self, ctx: Context) -> list[Move]:
        """The moves open to this actor now."""
        return [MOVES[i] for i in self._scored(ctx)[0]]

    def scores(self, ctx: Context) -> list[tuple[str, float]]:
        """(move name, utility) for every option, as the actor weighs them now."""
        ids, util = self._scored(ctx)
        return [(MOVES[i].name, u) for i, u in zip(ids, util, strict=True)]

    def probabilities(self, ctx: Context) -> list[tuple[str, float]]:
        """(move name, probability) of the actor's logit choice among its options."""
        names, util = zip(*self.scores(ctx), strict=True)
        return list(zip(names, logit_probabilities(list(util), self.rationality), strict=True))

    def choose_move(self, ctx: Context) -> Move:
        s, ids = self._arrays(ctx.state, ctx.last)
        n = self._score(ctx, s, ids)
        k = K.logit_choice(self._util, n, self.rationality, self.dice(), self._w)
        return MOVES[self._opts[k]]

    def observe(self, state: State, last: Decisions) -> None:
        """Update beliefs from last round's public events (phase 1)."""


class US(Actor):
    """Wants the programme halted; drafts sanctions; distrusts China; rattles sabres."""

    role = "us"

    def __init__(self, model, params, world, physics, dice, board: Board, noise: Dice):
        super().__init__(model, params, world, physics, dice, board)
        self.noise = noise

    @property
    def trust(self) -> float:
        """Its belief of how strictly China enforces."""
        return float(self.board.memory[K.A_US_TRUST])

    @property
    def belief_dprk_open(self) -> float:
        return float(self.board.memory[K.A_US_BELIEF])

    def observe(self, state: State, last: Decisions) -> None:
        K.us_observe(
            self.board.memory,
            self.board.q,
            state.china_enforcement,
            K.MOVE_INDEX[last.dprk],
            self.noise(),
        )

    def _score(self, ctx, s, ids):
        m = self.board
        return K.us_scores(
            s,
            ctx.adopted,
            ctx.russia_enforcement,
            ids,
            m.memory,
            m.q,
            self.ph,
            self._opts,
            self._util,
            self._x,
        )

    def draft(self, state: State, moves: Decisions, base: float) -> float:
        """Strength of the draft resolution tabled this round, 0.0 for none.

        The US drafts within the month of a DPRK strategic test (`moves` are this
        month's), as in 2017 (Resolution 2371 after the July ICBMs, 2375 eight days
        after the September nuclear test, 2397 after the November ICBM);
        hawkishness and distrust of China stiffen the draft.
        """
        m = self.board
        return K.us_draft(state.sanctions_level, K.MOVE_INDEX[moves.dprk], base, m.memory, m.q)


class China(Actor):
    """Fears collapse more than ICBMs; enforces just enough for talks, no more."""

    role, phys_row = "china", K.PHYS_CHINA

    def __init__(self, model, params, world, physics, dice, board):
        super().__init__(model, params, world, physics, dice, board)
        q = board.q  # the levels at or above China's floor, as the kernels read them
        self.levels = q[K.Q_CH_LEVELS : K.Q_CH_LEVELS + int(q[K.Q_CH_NLEVELS])].tolist()
        self.horizon = world.horizon

    @property
    def level(self) -> float:
        """The enforcement level China last chose (its declared level)."""
        return float(self.board.memory[K.A_CH_LEVEL])

    def _score(self, ctx, s, ids):
        return K.china_scores(
            s,
            ctx.adopted,
            ctx.china_enforcement,
            ctx.russia_enforcement,
            ids,
            self.board.memory,
            self.board.q,
            self.ph,
            self._opts,
            self._util,
            self._x,
        )

    def enforcement_scores(
        self, state: State, adopted: float, last: Decisions
    ) -> list[tuple[float, float]]:
        """(level, value) for every enforcement level China allows itself."""
        s, ids = self._arrays(state, last)
        n = K.china_enforcement_scores(s, adopted, ids, self.board.q, self.ph, self._util, self._x)
        return list(zip(self.levels, self._util[:n].tolist(), strict=True))

    def vote_scores(
        self, s: State, last: Decisions, strength: float, softened: float
    ) -> list[tuple[str, float]]:
        """(vote, value) of yes, soften and veto, as `vote` weighs them."""
        sa, ids = self._arrays(s, last)
        m = self.board
        K.china_vote_scores(
            sa, ids, strength, softened, m.memory, m.q, self.ph, self._util, self._x
        )
        return list(zip(VOTES, self._util[:3].tolist(), strict=True))

    @level.setter
    def level(self, value: float) -> None:
        """Set the declared level (a person in China's seat chooses it)."""
        self.board.memory[K.A_CH_LEVEL] = value

    def choose_enforcement(self, state: State, adopted: float, last: Decisions) -> float:
        s, ids = self._arrays(state, last)
        m = self.board
        return K.china_choose_enforcement(
            s, adopted, ids, m.memory, m.q, self.ph, self.dice(), self._util, self._w, self._x
        )

    def vote(self, s: State, last: Decisions, strength: float, softened: float, dice: Dice) -> str:
        """Yes, soften or veto, judged at China's current enforcement level."""
        sa, ids = self._arrays(s, last)
        m = self.board
        code = K.china_vote(
            sa,
            ids,
            strength,
            softened,
            m.memory,
            m.q,
            self.ph,
            dice(),
            self._util,
            self._w,
            self._x,
        )
        return VOTES[code]


class Russia(Actor):
    """Back seat: few tools, follows China, urges direct talks, blames the US."""

    role, phys_row = "russia", K.PHYS_RUSSIA

    def _score(self, ctx, s, ids):
        return K.russia_scores(
            s,
            ctx.adopted,
            ctx.china_enforcement,
            ctx.russia_enforcement,
            ids,
            self.board.memory,
            self.board.q,
            self.ph,
            self._opts,
            self._util,
            self._x,
        )

    def enforce(self, china_level: float) -> float:
        return K.russia_enforce(china_level, self.board.q)

    def vote(self, strength: float, softened: float, china_vote: str, dice: Dice) -> str:
        """China's vote as often as Russia follows it; otherwise its own."""
        u_follow = dice()
        u_choice = dice()
        code = K.russia_vote(
            strength,
            softened,
            VOTES.index(china_vote),
            self.board.q,
            u_follow,
            u_choice,
            self._util,
            self._w,
        )
        return VOTES[code]


class DPRK(Actor):
    """Regime survival first; answers pressure with threats and tests; talks of a freeze."""

    role = "dprk"

    def __init__(self, model, params, world, physics, dice, board):
        super().__init__(model, params, world, physics, dice, board)
        # Rounds a test needs after the last of its kind (tunnels, airframes, launchers).
        self.intervals = {"icbm_test": world.icbm_interval, "nuclear_test": world.nuclear_interval}

    @property
    def belief_us_open(self) -> float:
        return float(self.board.memory[K.A_DP_BELIEF])

    @property
    def ready_at(self) -> dict[str, int]:
        """The next round each test is possible in."""
        mem = self.board.memory
        return {
            "icbm_test": int(mem[K.A_DP_READY_ICBM]),
            "nuclear_test": int(mem[K.A_DP_READY_NUCLEAR]),
        }

    def observe(self, state: State, last: Decisions) -> None:
        K.dprk_observe(
            self.board.memory,
            self.board.q,
            float(state.round),
            K.MOVE_INDEX[last.us],
            K.MOVE_INDEX[last.russia],
            K.MOVE_INDEX[last.dprk],
        )

    def _score(self, ctx, s, ids):
        m = self.board
        return K.dprk_scores(
            s,
            ctx.adopted,
            ctx.china_enforcement,
            ctx.russia_enforcement,
            ids,
            m.memory,
            m.q,
            self.ph,
            self._opts,
            self._util,
            self._x,
        )


__all__ = ["DPRK", "US", "Board", "China", "Context", "Russia", "logit_choice", "move_ids"]
