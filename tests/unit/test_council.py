"""The Security Council: votes, vetoes and watering-down of a US draft."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.council import NO_DRAFT, VOTES, deliberate
from sim.core.model import ROUND_COLUMNS
from sim.core.params import CouncilParams
from sim.runs.replications import replicate

COL = {name: i for i, name in enumerate(ROUND_COLUMNS)}


def scripted(*answers: str):
    """A voter answering from a script (the last answer repeats) and logging its calls."""
    calls: list[tuple] = []

    def vote(*args):
        calls.append(args)
        return answers[min(len(calls) - 1, len(answers) - 1)]

    vote.calls = calls
    return vote


def russia_says(*answers: str):
    inner = scripted(*answers)

    def vote(strength, softened, china_vote):
        return inner(strength, softened, china_vote)

    vote.calls = inner.calls
    return vote


COUNCIL = CouncilParams(soften_factor=0.25, max_soften_rounds=3, min_strength=0.01)


def test_unanimous_yes_adopts_the_draft_as_tabled():
    res = deliberate(0.4, scripted("yes"), russia_says("yes"), COUNCIL)
    assert (res.drafted, res.adopted, res.china_vote, res.russia_vote) == (0.4, 0.4, "yes", "yes")
    assert res.softenings == 0


def test_each_softening_waters_the_draft_down_by_the_factor():
    china = scripted("soften", "soften", "yes")
    res = deliberate(0.4, china, russia_says("yes"), COUNCIL)
    assert res.drafted == 0.4
    assert res.adopted == pytest.approx(0.4 * 0.75**2)
    assert res.softenings == 2
    strengths = [call[0] for call in china.calls]
    assert strengths == pytest.approx([0.4, 0.3, 0.225])
    # every member is shown what a softening would leave of the current draft
    assert all(soft == pytest.approx(s * 0.75) for s, soft in china.calls)


@pytest.mark.parametrize(
    ("china", "russia"), [("veto", "yes"), ("yes", "veto"), ("soften", "veto"), ("veto", "veto")]
)
def test_a_veto_by_either_permanent_member_kills_the_draft(china, russia):
    res = deliberate(0.5, scripted(china), russia_says(russia), COUNCIL)
    assert res.adopted == 0.0
    assert (res.china_vote, res.russia_vote) == (china, russia)
    assert res.drafted == 0.5


def test_a_draft_fails_when_the_softenings_run_out():
    china = scripted("soften")
    res = deliberate(0.5, china, russia_says("yes"), COUNCIL)
    assert res.adopted == 0.0
    assert len(china.calls) == COUNCIL.max_soften_rounds + 1
    assert res.softenings == COUNCIL.max_soften_rounds


def test_no_softening_allowed_means_one_vote():
    china = scripted("soften", "yes")
    council = CouncilParams(soften_factor=0.25, max_soften_rounds=0, min_strength=0.0)
    res = deliberate(0.5, china, russia_says("yes"), council)
    assert res.adopted == 0.0 and len(china.calls) == 1


def test_a_draft_watered_below_the_minimum_is_abandoned():
    china = scripted("soften", "soften", "soften", "yes")
    council = CouncilParams(soften_factor=0.5, max_soften_rounds=10, min_strength=0.1)
    res = deliberate(0.3, china, russia_says("yes"), council)
    # 0.3 -> 0.15 -> 0.075 (< 0.1): abandoned before it is put to the vote
    assert res.adopted == 0.0
    assert [c[0] for c in china.calls] == pytest.approx([0.3, 0.15])


def test_russia_hears_china_answer_before_it_votes():
    russia = russia_says("yes")
    deliberate(0.5, scripted("soften", "yes"), russia, COUNCIL)
    assert [call[2] for call in russia.calls] == ["soften", "yes"]


@settings(max_examples=200, deadline=None)
@given(
    strength=st.floats(0.0, 1.0),
    china=st.lists(st.sampled_from(VOTES), min_size=1, max_size=12),
    russia=st.lists(st.sampled_from(VOTES), min_size=1, max_size=12),
    factor=st.floats(0.01, 0.99),
    rounds=st.integers(0, 10),
    minimum=st.floats(0.0, 1.0),
)
def test_adopted_strength_is_the_draft_softened_a_whole_number_of_times(
    strength, china, russia, factor, rounds, minimum
):
    council = CouncilParams(soften_factor=factor, max_soften_rounds=rounds, min_strength=minimum)
    res = deliberate(strength, scripted(*china), russia_says(*russia), council)
    assert res.drafted == strength
    assert res.china_vote in VOTES and res.russia_vote in VOTES
    assert 0 <= res.softenings <= rounds
    if res.adopted > 0.0:
        assert res.china_vote == res.russia_vote == "yes"
        assert res.adopted == pytest.approx(strength * (1 - factor) ** res.softenings)
        assert res.adopted <= strength
    if "veto" in (res.china_vote, res.russia_vote):
        assert res.adopted == 0.0


def test_no_draft_records_nothing():
    assert NO_DRAFT.adopted == NO_DRAFT.drafted == 0.0
    assert NO_DRAFT.china_vote == NO_DRAFT.russia_vote == ""


def test_a_russia_that_always_follows_china_votes_as_china_does(config):
    """follow_china=1 is Russia in the back seat: every recorded vote echoes China's."""
    cfg = config(
        {
            "actors.russia.follow_china": 1.0,
            "actors.us.hawkishness": 1.0,
            "actors.dprk.capability_drive": 1.0,
        }
    )
    votes = [
        (row[COL["china_vote"]], row[COL["russia_vote"]])
        for i in range(20)
        for row in replicate(cfg, i).rows
        if row[COL["resolution_drafted"]] is not None
    ]
    assert votes, "a hawkish US facing a testing DPRK drafts at least once in 20 runs"
    assert all(c == r for c, r in votes)
