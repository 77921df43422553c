"""One replication that a person can step through, and play one actor of.

A `Game` keeps a `CrisisModel` at the start of the round in progress. The seated
actor's decisions are made by a person: its methods on the model's agent instances
are replaced (`model.us.choose_move = ...`), so the model asks instead of drawing.
To find what the person must decide next, the game replays the run from its seed
with the answers given so far, up to the first unanswered decision; the other actors,
the council and the world draw from their own streams exactly as in a normal run.

Every decision of every actor in the last round is kept with its explanation
(`sim.app.explain`), for the panel that says why an actor chose what it chose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from sim.app.explain import Option, advice, explain, routine_draft
from sim.core.ladder import MENUS
from sim.core.model import CrisisModel
from sim.core.params import PLAY_ACTORS, CrisisConfig

ACTORS = PLAY_ACTORS


class Decision(NamedTuple):
    round: int
    actor: str
    kind: str  # draft, vote, enforcement, move
    options: list[Option]

    @property
    def advice(self) -> Option:
        return advice(self.options)

    def question(self) -> str:
        return {
            "draft": "table a sanctions draft at the Security Council?",
            "vote": "your vote on the draft resolution",
            "enforcement": "how strictly to enforce the sanctions",
            "move": "your move",
        }[self.kind]


class Explained(NamedTuple):
    kind: str
    options: list[Option]
    chosen: object  # the key of the option taken
    by: str  # "model" or "player"


class _Ask(Exception):
    """Raised inside a replay at the first decision the person has not yet made."""

    def __init__(self, decision: Decision):
        super().__init__(decision.kind)
        self.decision = decision


class Game:
    """A replication of `cfg` (replication `index` of run.seed), optionally with a seat."""

    def __init__(self, cfg: CrisisConfig, index: int = 0, seat: str | None = None):
        if seat is not None and seat not in ACTORS:
            raise ValueError(f"seat={seat!r} is unknown; allowed: {', '.join(ACTORS)}")
        self.cfg, self.index, self.seat = cfg, index, seat
        self.answers: list[list] = []  # the person's answers, per completed round
        self.current: list = []  # answers given in the round in progress
        self.explained: dict[str, dict[str, Explained]] = {}
        self._pending: Decision | None = None
        self.model = self._build()
        self._probe()

    # --- public face ------------------------------------------------------------------------

    @property
    def round(self) -> int:
        return self.model.state.round

    @property
    def done(self) -> bool:
        return (not self.model.running) or self.model.state.round >= self.cfg.run.rounds

    def pending(self) -> Decision | None:
        """The person's next decision, or None (no seat, or the game is over)."""
        return None if self.done else self._pending

    def step(self) -> None:
        """Advance one round when nobody is seated (the model decides everything)."""
        if self.done:
            return
        if self.seat is not None:
            raise RuntimeError("a seated game advances by answers, not by step()")
        self._record = {}
        self.model.step()
        self.explained = self._record

    def answer(self, key) -> bool:
        """Give the pending decision's answer (an option key); True when a round completed.

        Raises ValueError for a key that is not one of the pending options.
        """
        d = self.pending()
        if d is None:
            raise ValueError("no decision is pending")
        keys = [o.key for o in d.options]
        if key not in keys:
            raise ValueError(f"{key!r} is not an option; allowed: {', '.join(map(str, keys))}")
        self.current.append(key)
        model = self._build()
        try:
            self._replay_round(model, list(self.current))
        except _Ask as ask:
            self._pending = ask.decision
            return False
        self.answers.append(self.current)
        self.current = []
        self.model = model
        self._probe()
        return True

    def seed(self) -> np.random.SeedSequence:
        return np.random.SeedSequence([self.cfg.run.seed, self.index])

    # --- replay -----------------------------------------------------------------------------

    def _build(self) -> CrisisModel:
        """A model of this game's seed, replayed through every completed round."""
        model = CrisisModel(self.cfg, self.seed())
        self._queue: list = []
        self._record: dict[str, Explained] = {}
        self._hook(model)
        for answers in self.answers:
            self._queue = list(answers)
            model.step()
        return model

    def _replay_round(self, model: CrisisModel, answers: list) -> None:
        self._queue = answers
        self._record = {}
        model.step()
        self.explained = self._record

    def _probe(self) -> None:
        """Find the person's first decision of the round in progress."""
        self._pending = None
        if self.seat is None or self.done:
            return
        probe = self._build()
        try:
            self._replay_round(probe, [])
        except _Ask as ask:
            self._pending = ask.decision
            return
        # A round without a decision for the person cannot happen (a move is asked every
        # round), but should it, the probe's round stands.
        self.answers.append([])
        self.model = probe
        self._probe()

    def _hook(self, model: CrisisModel) -> None:
        for name in ACTORS:
            actor = getattr(model, name)
            if name == self.seat:
                self._seat(name, actor)
            else:
                self._watch(name, actor)

    def _watch(self, name: str, actor) -> None:
        """Record the model's own choices with their explanation (no draw is added)."""
        choose_move = actor.choose_move

        def watched_move(ctx):
            move = choose_move(ctx)
            self._record[name] = Explained("move", explain(actor, "move", ctx), move.name, "model")
            return move

        actor.choose_move = watched_move
        if name == "china":
            choose_enforcement = actor.choose_enforcement

            def watched_enforcement(state, adopted, last):
                opts = explain(actor, "enforcement", state, adopted, last)
                level = choose_enforcement(state, adopted, last)
                self._record["china enforcement"] = Explained("enforcement", opts, level, "model")
                return level

            actor.choose_enforcement = watched_enforcement

    def _ask(self, name: str, kind: str, options: list[Option], model_round: int):
        if not self._queue:
            raise _Ask(Decision(model_round + 1, name, kind, options))
        key = self._queue.pop(0)
        label = name if kind == "move" else f"{name} {kind}"
        self._record[label] = Explained(kind, options, key, "player")
        return key

    def _seat(self, name: str, actor) -> None:
        menu = MENUS[name]

        def move(ctx):
            opts = explain(actor, "move", ctx)
            return menu[self._ask(name, "move", opts, ctx.state.round)]

        actor.choose_move = move
        if name == "china":

            def enforcement(state, adopted, last):
                opts = explain(actor, "enforcement", state, adopted, last)
                level = self._ask(name, "enforcement", opts, state.round)
                actor.level = level  # China judges its votes at its current level
                return level

            def vote(s, last, strength, softened, dice):
                opts = explain(actor, "vote", s, last, strength, softened)
                return self._ask(name, "vote", opts, s.round)

            actor.choose_enforcement = enforcement
            actor.vote = vote
        if name == "us":

            def draft(state, last, base):
                if state.sanctions_level >= 1.0:
                    return 0.0
                opts = explain(actor, "draft", state, last, base)
                if not self._ask(name, "draft", opts, state.round):
                    return 0.0
                own = type(actor).draft(actor, state, last, base)
                return own if own > 0.0 else routine_draft(actor, state, base)

            actor.draft = draft


def play_through(game: Game, choose: Callable[[Decision], object]) -> Game:
    """Answer every decision with `choose` until the game ends (tests, scripted play)."""
    while not game.done:
        d = game.pending()
        if d is None:
            game.step()
        else:
            game.answer(choose(d))
    return game
