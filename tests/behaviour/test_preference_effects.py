"""Every actor preference acts: it moves the outcomes or the behaviour its sentence names.

The check of scripts/preference_effects.py at fewer seeds (the table in
docs/ODD.md is the same check at 1,000).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "preference_effects.py"


@pytest.fixture(scope="module")
def rows():
    spec = importlib.util.spec_from_file_location("preference_effects", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, mod.effects(seeds=300)


def test_every_actor_preference_is_measured(rows):
    mod, table = rows
    from sim.core.params import CrisisConfig

    assert {r["preference"] for r in table} == set(mod.ends(CrisisConfig()))
    assert set(mod.NAMED) == set(mod.ends(CrisisConfig()))


def test_every_preference_moves_the_outcomes_or_its_named_behaviour(rows):
    _, table = rows
    idle = [r["preference"] for r in table if not r["passes"]]
    assert idle == []


@pytest.mark.parametrize(
    "key, behaviour",
    [
        ("china.war_fear", "china_enforcement"),
        ("china.threat_sensitivity", "china_enforcement"),
        ("china.cost_tolerance", "china_enforcement"),
        ("russia.blame_us", "us_coercion"),
        ("russia.engagement", "talks_opened"),
    ],
)
def test_the_formerly_idle_preferences_act_in_their_sentence_direction(rows, key, behaviour):
    """The preferences measured as doing nothing before their channels now move their behaviour."""
    mod, table = rows
    r = next(r for r in table if r["preference"] == key)
    assert r["behaviour"] == behaviour
    assert r["shift"] * r["sign"] >= mod.MEASURES[behaviour][1]
