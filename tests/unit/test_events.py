"""events.parquet: its schema as docs/events.md states it, and codes that are the ladder's."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.core.ladder import MENUS, RESOLUTION, VOTE_MOVES
from sim.core.model import ROUND_COLUMNS
from sim.io import files
from sim.io.events import (
    EVENT_SCHEMA,
    EVENTS,
    TARGETS,
    events_table,
    goldstein_of,
    month_codes,
    quad_class,
)
from sim.runs import events
from sim.runs.replications import run as run_replications

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def documented_schema() -> list[tuple[str, str]]:
    rows = re.findall(r"^\| (\w+) \| (\w+) \| (?:yes|no) \|", DOC.read_text(), re.M)
    return rows


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, config):
    out = tmp_path_factory.mktemp("events")
    cfg = config(seeds=40, rounds=24)
    run_replications(cfg, out)
    events.write(cfg, out)
    return out


def test_parquet_matches_the_documented_schema(run_dir):
    schema = pq.read_schema(run_dir / EVENTS)
    doc = documented_schema()
    assert [name for name, _ in doc] == schema.names == EVENT_SCHEMA.names
    arrow = {"float64": "double"}  # the doc says float64, Arrow prints double
    assert [arrow.get(t, t) for _, t in doc] == [str(f.type) for f in schema]


def test_every_code_and_score_is_the_ladders(run_dir):
    ev = pq.read_table(run_dir / EVENTS).to_pandas()
    assert set(ev["kind"]) == {"move", "vote", "resolution"}
    for row in ev.itertuples():
        if row.kind == "move":
            move = MENUS[row.actor][row.move]
            assert row.Actor2Code == TARGETS[(row.actor, row.move)]
        elif row.kind == "vote":
            move = VOTE_MOVES[row.move]
            assert row.Actor2Code == "IGOUNO"
        else:
            move = RESOLUTION
            assert (row.Actor1Code, row.Actor2Code) == ("IGOUNO", "PRK")
        assert row.EventCode == move.cameo
        assert row.GoldsteinScale == move.goldstein
        assert row.EventRootCode == move.cameo[:2]
        assert row.EventBaseCode == move.cameo[:3]
        assert row.QuadClass == quad_class(move.cameo)


def test_one_row_per_move_vote_and_resolution(run_dir):
    traj = pq.read_table(run_dir / files.TRAJECTORIES).to_pandas()
    ev = pq.read_table(run_dir / EVENTS).to_pandas()
    kinds = ev["kind"].value_counts()
    assert kinds["move"] == 4 * len(traj)
    assert kinds["resolution"] == traj["resolution_adopted"].notna().sum()
    assert kinds["vote"] == traj["china_vote"].notna().sum() + traj["russia_vote"].notna().sum()
    assert ev["GLOBALEVENTID"].is_unique
    # rows keep the run's order: seed, round, then the phase order within a round
    assert ev[["seed", "round", "order"]].apply(tuple, axis=1).is_monotonic_increasing
    first = ev[ev["round"] == 1]
    assert set(first["SQLDATE"]) == {20170801} and set(first["MonthYear"]) == {201708}


def test_trajectories_unchanged_by_the_events(tmp_path, config):
    cfg = config(seeds=5, rounds=12)
    run_replications(cfg, tmp_path)
    before = (tmp_path / files.TRAJECTORIES).read_bytes()
    events.write(cfg, tmp_path)
    assert (tmp_path / files.TRAJECTORIES).read_bytes() == before
    assert len(ROUND_COLUMNS) + 1 == len(files.TRAJECTORY_SCHEMA)


@pytest.mark.parametrize(
    ("switch", "seeds", "written"),
    [("auto", 5, True), ("false", 5, False), ("true", 5, True), ("auto", 10_000, False)],
)
def test_the_switch(tmp_path, config, switch, seeds, written):
    cfg = config({"run.events": switch}, seeds=5, rounds=3)
    run_replications(cfg, tmp_path)
    cfg.run.seeds = seeds  # what auto decides from, without running 10,000 seeds
    assert (events.write(cfg, tmp_path) is not None) == written
    assert (tmp_path / EVENTS).is_file() == written


@pytest.mark.parametrize(
    ("code", "quad"),
    [("010", 1), ("0256", 1), ("051", 1), ("057", 1), ("087", 2), ("111", 3), ("129", 3),
     ("138", 3), ("150", 4), ("163", 4), ("195", 4), ("2042", 4)],
)  # fmt: skip
def test_quad_class_follows_the_cameo_root(code, quad):
    assert quad_class(code) == quad


def test_quad_class_rejects_a_code_without_root():
    with pytest.raises(ValueError, match="no root"):
        quad_class("250")


def test_month_codes_roll_over_the_year():
    sql, my, year = month_codes(np.array([1, 5, 6, 17]), "2017-08")
    assert sql.tolist() == [20170801, 20171201, 20180101, 20181201]
    assert my.tolist() == [201708, 201712, 201801, 201812]
    assert year.tolist() == [2017, 2017, 2018, 2018]


def test_a_failed_draft_has_votes_but_no_resolution():
    traj = pd.DataFrame(
        {
            "seed": [0],
            "round": [2],
            "us_move": ["hold"],
            "china_move": ["hold"],
            "russia_move": ["hold"],
            "dprk_move": ["hold"],
            "resolution_drafted": [0.2],
            "resolution_adopted": [None],
            "china_vote": ["veto"],
            "russia_vote": ["yes"],
        }
    )
    ev = events_table(traj).to_pandas()
    assert ev["kind"].tolist() == ["vote", "vote", "move", "move", "move", "move"]
    assert ev.loc[0, "EventCode"] == "129" and ev.loc[0, "GoldsteinScale"] == -5.0


def test_every_historical_code_has_a_goldstein_score():
    from sim.io.history import load_events

    codes = {c for c in load_events()["cameo"] if c}
    assert codes and all(goldstein_of(c) is not None for c in codes)
    assert goldstein_of("087") == MENUS["us"]["suspend_exercises"].goldstein
