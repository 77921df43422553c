"""Why an actor chooses what it chooses: each option's predicted value and its probability.

`explain` is the one place that turns an actor's decision into numbers a person can
read. It asks the actor for the values it gives its options (the same kernels its
choice uses) and gives each option the probability of the actor's logit rule
(`sim.core.agents.logit_probabilities`). It never draws from an actor's dice, so
explaining a decision leaves a run unchanged.
"""

from __future__ import annotations

from typing import NamedTuple

from sim.core.agents import logit_probabilities
from sim.core.council import VOTES
from sim.core.ladder import MENUS

KINDS = ("draft", "vote", "enforcement", "move")


class Option(NamedTuple):
    key: object  # what the decision returns: a move name, a level, a vote, True/False (draft)
    label: str
    description: str
    value: float | None  # the actor's predicted value of the option (None: a rule, not a choice)
    probability: float


def probabilities(values: list[float], rationality: float) -> list[float]:
    """The logit rule's probabilities: softmax(rationality * value), as the actor draws."""
    return logit_probabilities(values, rationality)


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
        scored = actor.scores(ctx)
        opts = [MENUS[actor.role][name] for name, _ in scored]
        values = [v for _, v in scored]
        return _options(
            [m.name for m in opts],
            [m.name.replace("_", " ") for m in opts],
            [m.description for m in opts],
            values,
            actor.rationality,
        )
    if kind == "enforcement":
        state, adopted, last = args
        values = [v for _, v in actor.enforcement_scores(state, adopted, last)]
        return _options(
            list(actor.levels),
            [f"enforce {e:.2f}" for e in actor.levels],
            [f"declare {100 * e:.0f}% enforcement of the sanctions" for e in actor.levels],
            values,
            actor.rationality,
        )
    if kind == "vote":
        s, last, strength, softened = args
        values = [v for _, v in actor.vote_scores(s, last, strength, softened)]
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


def advice(options: list[Option]) -> Option:
    """The option the model's own actor most likely takes."""
    return max(options, key=lambda o: o.probability)
