"""Why an actor chooses what it chooses: each option's predicted value and its probability.

`explain` is the one place that turns an actor's decision into numbers a person can
read. It scores the options exactly as the actor does (its own perceived physics,
`sim.core.world.transition`, its utility) and gives each option the probability of the
logit rule of `sim.core.agents.logit_choice`: p_i = softmax(rationality * value)_i.
It never draws from an actor's dice, so explaining a decision leaves a run unchanged.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from sim.core.council import VOTES
from sim.core.world import Decisions

KINDS = ("draft", "vote", "enforcement", "move")


class Option(NamedTuple):
    key: object  # what the decision returns: a move name, a level, a vote, True/False (draft)
    label: str
    description: str
    value: float | None  # the actor's predicted value of the option (None: a rule, not a choice)
    probability: float


def probabilities(values: list[float], rationality: float) -> list[float]:
    """The logit rule's probabilities: softmax(rationality * value), as logit_choice draws."""
    top = max(values)
    weights = [math.exp(rationality * (v - top)) for v in values]
    total = sum(weights)
    return [w / total for w in weights]


def _options(keys, labels, descriptions, values, rationality) -> list[Option]:
    probs = probabilities(values, rationality)
    return [
        Option(k, lab, d, v, p)
        for k, lab, d, v, p in zip(keys, labels, descriptions, values, probs, strict=True)
    ]


def routine_draft(us, state, base: float) -> float:
    """Strength of a draft the US tables without a strategic test to answer (draft's rule)."""
    p = us.params
    distrust = p.appeasement_view * (1 - us.trust)
    return min(1.0, base + 0.05 * p.hawkishness + 0.05 * distrust)


def explain(actor, kind: str, *args) -> list[Option]:
    """The options of one decision of `actor` with predicted values and probabilities.

    kind and args, as the model calls the actor:
      "move": (ctx,)                              options(ctx), scored by utility
      "enforcement": (state, adopted, last)       China's levels, scored by policy_value
      "vote": (state, last, strength, softened)   China's yes/soften/veto
      "draft": (state, last, base)                the US: draft or not (a rule: p is 0 or 1)
    """
    if kind == "move":
        (ctx,) = args
        state, base = actor.perceived(ctx)
        opts = actor.options(ctx)
        values = []
        for move in opts:
            base[3 + actor.slot] = move
            x = _transition(state, Decisions(*base), actor.physics)
            values.append(actor.utility(ctx, x, move))
        return _options(
            [m.name for m in opts],
            [m.name.replace("_", " ") for m in opts],
            [m.description for m in opts],
            values,
            actor.rationality,
        )
    if kind == "enforcement":
        state, adopted, last = args
        values = [actor.policy_value(state, adopted, e, last) for e in actor.levels]
        return _options(
            list(actor.levels),
            [f"enforce {e:.2f}" for e in actor.levels],
            [f"declare {100 * e:.0f}% enforcement of the sanctions" for e in actor.levels],
            values,
            actor.rationality,
        )
    if kind == "vote":
        s, last, strength, softened = args
        level = actor.level
        values = [
            actor.policy_value(s, strength, level, last),
            actor.policy_value(s, softened, level, last) - 0.02,
            actor.policy_value(s, 0.0, level, last) - actor.params.veto_cost,
        ]
        return _options(
            list(VOTES),
            list(VOTES),
            [
                f"adopt the draft at strength {strength:.2f}",
                f"ask to water it down to {softened:.2f}",
                "kill the draft",
            ],
            values,
            actor.rationality,
        )
    if kind == "draft":
        state, last, base = args
        own = type(actor).draft(actor, state, last, base)
        strength = own if own > 0.0 else routine_draft(actor, state, base)
        return [
            Option(
                False, "no draft", "table nothing at the Security Council", None, float(own == 0)
            ),
            Option(
                True,
                "table a draft",
                f"a sanctions resolution of strength {strength:.2f}",
                None,
                float(own > 0),
            ),
        ]
    raise ValueError(f"unknown decision kind {kind!r}; allowed: {', '.join(KINDS)}")


def _transition(state, decisions, physics):
    from sim.core.world import transition

    return transition(state, decisions, physics)


def advice(options: list[Option]) -> Option:
    """The option the model's own actor most likely takes."""
    return max(options, key=lambda o: o.probability)
