"""F1-F9 of the design notes: what the default model must show.

Each is a statistical property over many seeded replications, checked with
fixed base seeds and a stated margin. Compared configurations share their
random numbers (same run.seed), so differences are the configuration's.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim.core.ladder import TESTS
from sim.core.model import ROUND_COLUMNS
from sim.core.params import CrisisConfig
from sim.runs.replications import replications

N = 400  # replications per configuration
SEED = 20170809
COL = {c: i for i, c in enumerate(ROUND_COLUMNS)}


def config(**overrides) -> CrisisConfig:
    """The default config with `actor__key=value` (or `world__key`) overrides."""
    cfg = CrisisConfig()
    cfg.run.seeds, cfg.run.seed = N, SEED
    for dotted, value in overrides.items():
        group, key = dotted.split("__", 1)
        if group in ("us", "china", "russia", "dprk"):
            actor = getattr(cfg.actors, group)
            setattr(cfg.actors, group, replace(actor, **{key: value}))
        else:
            setattr(cfg.world, key, value)
    return cfg


class Runs:
    """The outcomes and round rows of N replications of one configuration."""

    def __init__(self, cfg: CrisisConfig):
        models = list(replications(cfg))
        self.outcomes = np.array([m.outcome for m in models])
        self.rows = [r for m in models for r in m.rows]
        self.models = models

    def p(self, *outcomes: str) -> float:
        return float(np.isin(self.outcomes, outcomes).mean())

    def column(self, name: str) -> np.ndarray:
        return np.array([r[COL[name]] for r in self.rows])


_cache: dict = {}


def runs(**overrides) -> Runs:
    key = tuple(sorted(overrides.items()))
    if key not in _cache:
        _cache[key] = Runs(config(**overrides))
    return _cache[key]


def total_variation(a: Runs, b: Runs) -> float:
    outcomes = ("talks", "war", "nuclear_war", "collapse", "standoff")
    return 0.5 * sum(abs(a.p(o) - b.p(o)) for o in outcomes)


def test_f1_china_and_russia_do_not_veto_us_drafts():
    base = runs()
    china, russia = base.column("china_vote"), base.column("russia_vote")
    drafted = base.column("resolution_drafted")
    adopted = base.column("resolution_adopted")
    n_drafts = sum(x is not None for x in drafted)
    assert n_drafts > 200, "the baseline must table drafts for F1 to mean anything"
    for votes in (china, russia):
        cast = [v for v in votes if v is not None]
        assert sum(v == "veto" for v in cast) / len(cast) < 0.02
    # Most drafts pass (about three in four at the defaults), some only after softening;
    # the rest are watered down to nothing, more often when Russia backs China, and
    # nearly always while talks are under way.
    assert sum(x is not None for x in adopted) / n_drafts > 0.7


def test_f2_china_stops_short_of_a_total_blockade_even_under_threats():
    base = runs()
    enforcement = base.column("china_enforcement")
    # Rounds that follow a US threat or show of force within the same run.
    threatened = np.array(
        [
            i > 0 and m.rows[i - 1][COL["us_move"]] in ("threaten", "show_of_force")
            for m in base.models
            for i in range(len(m.rows))
        ]
    )
    assert enforcement.mean() < 0.5
    # A recorded 0.9 is a chosen 1.0 less China's usual skirting: a blockade.
    assert (enforcement[threatened] >= 0.9 - 1e-9).mean() < 0.05


def test_f3_less_collapse_fear_means_more_enforcement_and_more_collapse():
    fearful, bold = runs(), runs(china__collapse_fear=0.2)
    assert (
        bold.column("china_enforcement").mean() - fearful.column("china_enforcement").mean() > 0.1
    )
    assert bold.p("collapse") - fearful.p("collapse") > 0.05


def test_f4_china_enforcement_barely_moves_with_us_hawkishness():
    dove, hawk = runs(us__hawkishness=0.2), runs(us__hawkishness=0.9)
    hawk_effect = abs(
        hawk.column("china_enforcement").mean() - dove.column("china_enforcement").mean()
    )
    fear_effect = (
        runs(china__collapse_fear=0.2).column("china_enforcement").mean()
        - runs().column("china_enforcement").mean()
    )
    assert hawk_effect < 0.1
    assert hawk_effect < fear_effect / 2


def test_f5_russia_matters_far_less_than_china():
    base = runs()
    russia = max(
        total_variation(base, runs(**{f"russia__{key}": value}))
        for key, value in (("engagement", 1.0), ("follow_china", 0.0), ("blame_us", 0.0))
    )
    china = max(
        total_variation(base, runs(**{f"china__{key}": value}))
        for key, value in (("collapse_fear", 0.2), ("cost_tolerance", 0.0), ("trade_share", 0.5))
    )
    assert china > 0.1, "China's preferences must move the odds"
    assert russia < china / 2


def test_f6_dprk_answers_a_new_resolution_with_a_threat_or_a_test():
    """The council answers a test within the month; the DPRK answers the council the next."""
    base = runs()
    a, d = COL["resolution_adopted"], COL["dprk_move"]
    answer = [
        m.rows[i + 1][d]
        for m in base.models
        for i in range(len(m.rows) - 1)
        if m.rows[i][a] is not None
    ]
    assert len(answer) > 200
    assert np.isin(answer, ("threaten", *TESTS)).mean() > 0.6


def opened_by(r: Runs, round_: int) -> float:
    """Share of runs whose talks first opened by `round_` (11: June 2018)."""
    opened = [m.talks_opened_round for m in r.models]
    return float(np.mean([o is not None and o <= round_ for o in opened]))


def test_f7_suspending_exercises_raises_the_chance_of_talks():
    """Talks no longer end a run, so F7 is measured where talks begin: opened within a year."""
    assert opened_by(runs(us__exercises=False), 11) - opened_by(runs(), 11) > 0.06


def test_f8_dprk_capability_grows_while_no_freeze_is_agreed():
    base = runs()
    for m in base.models:
        caps = [r[COL["dprk_capability"]] for r in m.rows]
        assert all(b >= a for a, b in zip(caps, caps[1:], strict=False))
    # Runs still going after a year with no freeze agreed by then (in standoff, or in
    # talks not yet agreed): capability must have grown over that year.
    unfrozen = [
        m
        for m in base.models
        if len(m.rows) >= 12 and (m.agreement_round is None or m.agreement_round > 12)
    ]
    assert len(unfrozen) > 40
    growth = [m.rows[11][COL["dprk_capability"]] - m.cfg.world.capability0 for m in unfrozen]
    assert np.mean(growth) > 0.1


@pytest.mark.parametrize("low, high", [(0.3, 0.9)])
def test_f9_war_is_possible_not_typical_and_rises_with_hawkishness(low, high):
    base = runs()
    war = base.p("war", "nuclear_war")
    assert 0.02 < war < 0.3
    assert war < max(base.p("talks"), base.p("standoff"))
    assert (
        runs(us__hawkishness=high).p("war", "nuclear_war")
        - runs(us__hawkishness=low).p("war", "nuclear_war")
        > 0.04
    )


def test_the_council_answers_a_strategic_test_within_the_month():
    """Resolution 2375 came eight days after the 3 September 2017 test: same round here.

    A draft is tabled only in a round whose DPRK move is an ICBM or nuclear test (so none
    while talks run unless the DPRK tests, as a test ends them), and some are adopted then.
    """
    base = runs()
    drafted, moves = base.column("resolution_drafted"), base.column("dprk_move")
    with_draft = moves[[x is not None for x in drafted]]
    assert len(with_draft) > 200
    assert set(with_draft) <= {"icbm_test", "nuclear_test"}
    adopted = base.column("resolution_adopted")
    same_month = moves[[x is not None for x in adopted]]
    assert len(same_month) > 100 and set(same_month) <= {"icbm_test", "nuclear_test"}
    # and from round 1: the opening month can bring a test and its resolution
    assert any(m.rows[0][COL["resolution_adopted"]] is not None for m in base.models)
