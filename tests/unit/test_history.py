"""The historical record: file validation, the panel on disk, and known facts."""

from pathlib import Path

import pandas as pd
import pytest

from sim.io import history as h

DATA = Path(__file__).resolve().parents[2] / "data" / "history"


@pytest.fixture(scope="module")
def events():
    return h.load_events()


@pytest.fixture(scope="module")
def panel(events):
    return h.monthly_panel(events)


def test_default_and_explicit_paths_agree(events):
    assert h.DATA_DIR == DATA
    pd.testing.assert_frame_equal(events, h.load_events(DATA))
    pd.testing.assert_frame_equal(events, h.load_events(DATA / "events.csv"))


def test_panel_on_disk_equals_derived_panel(panel):
    assert (DATA / "panel.csv").read_text() == h.panel_to_csv(panel)
    pd.testing.assert_frame_equal(h.read_panel(), panel)


def test_panel_shape(panel):
    assert list(panel.index.astype(str))[0] == "2016-01"
    assert list(panel.index.astype(str))[-1] == "2019-12"
    assert len(panel) == 48
    assert list(panel.columns) == h.PANEL_COLUMNS


def _write(tmp_path, rows, name="events.csv"):
    header = ",".join(h.COLUMNS)
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


GOOD = "2017-09-03,PRK,,nuclear_test,Sixth nuclear test,150,S/RES/2375 (2017)"


@pytest.mark.parametrize(
    ("bad", "column"),
    [
        ("2017-13-03,PRK,,nuclear_test,x,150,S/RES/2375 (2017)", "date"),
        ("3 Sep 2017,PRK,,nuclear_test,x,150,S/RES/2375 (2017)", "date"),
        ("2015-12-31,PRK,,nuclear_test,x,150,S/RES/2375 (2017)", "date"),
        ("2020-01-01,PRK,,nuclear_test,x,150,S/RES/2375 (2017)", "date"),
        ("2017-09-03,DPRK,,nuclear_test,x,150,S/RES/2375 (2017)", "actor"),
        ("2017-09-03,PRK,JPN,nuclear_test,x,150,S/RES/2375 (2017)", "target"),
        ("2017-09-03,PRK,,nuke,x,150,S/RES/2375 (2017)", "event_type"),
        ("2017-09-03,PRK,,nuclear_test,x,150,", "source"),
        ("2017-09-03,PRK,,nuclear_test,x,15a,S/RES/2375 (2017)", "cameo"),
        ("2017-09-03,PRK,,nuclear_test,,150,S/RES/2375 (2017)", "detail"),
        ("2017-08-31,USA,PRK,exercise_end,UFG 2017: ends,,DoD", "detail"),
    ],
)
def test_validation_names_row_and_column(tmp_path, bad, column):
    path = _write(tmp_path, [GOOD, bad])
    with pytest.raises(ValueError) as err:
        h.load_events(path)
    msg = str(err.value)
    assert "row 2 (line 3)" in msg
    assert f"column '{column}'" in msg


def test_validation_rejects_wrong_columns(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("date,actor,event_type\n2017-09-03,PRK,nuclear_test\n")
    with pytest.raises(ValueError, match="columns"):
        h.load_events(path)


def test_every_event_has_a_source(events):
    assert (events["source"].str.strip() != "").all()
    assert set(events["event_type"]) <= h.EVENT_TYPES


def _months_where(series):
    return sorted(str(m) for m, v in series.items() if pd.notna(v) and v)


def test_nuclear_tests(panel):
    assert _months_where(panel["nuclear_tests"] > 0) == ["2016-01", "2016-09", "2017-09"]
    assert panel["nuclear_tests"].sum() == 3


def test_strategic_tests(panel):
    assert _months_where(panel["strategic_test"]) == [
        "2016-01",
        "2016-02",
        "2016-09",
        "2017-07",
        "2017-09",
        "2017-11",
    ]
    assert panel.loc["2017-07", "icbm_or_satellite_launches"] == 2


def test_resolutions(panel):
    by_year = panel["resolutions_adopted"].groupby(panel.index.year).sum()
    assert by_year[2016] + by_year[2017] == 6
    assert by_year[2018] == 0 and by_year[2019] == 0
    assert panel["drafts_failed"].sum() == 0


def test_missile_tests(panel):
    assert pd.isna(panel.loc["2016-03", "missile_tests"])
    by_year = panel["missile_tests"].groupby(panel.index.year).sum()
    assert by_year[2018] == 0
    assert by_year[2019] == 13
    assert panel.loc["2017-02", "missile_tests"] >= 1  # Pukguksong-2
    assert panel.loc["2017-08", "missile_tests"] >= 1  # Hwasong-12 over Japan
    assert panel.loc["2017-09", "missile_tests"] >= 1


def test_talks_and_summits(panel):
    assert panel.loc["2018-06", "talks_open"]
    assert not panel.loc["2017-12", "talks_open"]
    assert panel.loc["2019-02", "breakdowns"] >= 1
    assert not panel.loc["2019-04", "talks_open"]  # between Hanoi and Panmunjom
    assert panel.loc["2019-07", "talks_open"]
    assert not panel.loc["2019-11", "talks_open"]  # after Stockholm
    assert panel.loc["2018-06", "summits"] == 2  # Singapore, Beijing
    assert panel.loc["2016-01":"2017-12", "summits"].sum() == 0


def test_exercises(panel):
    for m in ["2016-03", "2016-04", "2016-08", "2016-09", "2017-03", "2017-04", "2017-08"]:
        assert panel.loc[m, "exercises_running"], m
    assert not panel.loc["2018-08", "exercises_running"]  # UFG 2018 suspended
    assert panel.loc["2018-06", "exercises_suspended"] >= 1
    assert pd.isna(panel.loc["2018-05", "exercises_running"])
    assert panel.loc["2019-03", "exercises_running"] and panel.loc["2019-03", "exercises_downsized"]
    assert not panel.loc["2017-03", "exercises_downsized"]


def test_moratorium(panel):
    assert _months_where(panel["moratorium_in_force"])[0] == "2018-04"
    assert panel.loc["2019-12", "moratorium_in_force"]


def test_coverage_gives_nan_not_zero(tmp_path, events):
    cov = h.load_coverage()
    cov = cov[cov["indicator"] != "summits"]
    panel = h.monthly_panel(events, cov)
    assert panel["summits"].isna().all()


def test_state_at(events):
    s = h.state_at("2017-12", events)
    assert s["sanctions_resolutions_in_force"] == 6
    assert s["strategic_tests_so_far"] == 7  # 3 nuclear, 3 ICBM, 1 satellite
    assert s["nuclear_tests_so_far"] == 3 and s["icbm_tests_so_far"] == 3
    assert s["talks_open"] is False
    assert s["last_strategic_test"] == "2017-11-29"
    s = h.state_at(pd.Period("2018-06", "M"), events)
    assert s["talks_open"] is True and s["moratorium_in_force"] is True
    assert h.state_at("2018-05", events)["exercises_running"] is None
    with pytest.raises(ValueError):
        h.state_at("2020-01", events)
