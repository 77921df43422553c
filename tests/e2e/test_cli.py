"""End to end through the installed `crisis-sim` command, as a user runs it."""

from __future__ import annotations

import csv
import json
import re
import statistics
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim.core.outcomes import OUTCOMES, STANDOFF

SEEDS = 6
QUICK = (f"run.seeds={SEEDS}", "run.rounds=12", "report.enabled=false")

OUTCOME_COLUMNS = ["seed", "outcome", "outcome_round", "peak_tension", "resolutions_adopted",
                   "dprk_tests", "china_cost"]  # fmt: skip
STATE_COLUMNS = ["tension", "sanctions_level", "pressure", "china_enforcement",
                 "russia_enforcement", "dprk_capability", "dprk_stability", "us_trust_in_china",
                 "exercises"]  # fmt: skip
TRAJECTORY_COLUMNS = ["seed", "round", *STATE_COLUMNS, "us_move", "china_move", "russia_move",
                      "dprk_move", "resolution_drafted", "resolution_adopted", "china_vote",
                      "russia_vote", "escalation_score"]  # fmt: skip
RESULT_FILES = ("outcomes.csv", "trajectories.parquet", "summary.json", "provenance.json")


def in_parallel(jobs: dict, work) -> dict:
    """Each process start costs about a second: run the independent ones side by side."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {key: pool.submit(work, *job) for key, job in jobs.items()}
        return {key: f.result() for key, f in futures.items()}


def read_outcomes(out: Path) -> list[dict]:
    with open(out / "outcomes.csv", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def runs(tmp_path_factory, cli) -> dict[str, Path]:
    """A few small runs shared by the tests below."""
    base = tmp_path_factory.mktemp("cli")
    jobs = {
        "baseline": (),
        "again": (),
        "renamed": ("scenario.name=renamed",),
        "longer": (f"run.seeds={SEEDS + 3}",),
        "other_seed": ("run.seed=7",),
        "no_exercises": ("scenario=no_exercises",),
        "short": ("run.rounds=1", "run.seeds=20"),
    }

    def work(name, *args):
        proc = cli(*QUICK, *args, f"hydra.run.dir={base / name}", cwd=base)
        return proc, base / name

    done = in_parallel({name: (name, *args) for name, args in jobs.items()}, work)
    for name, (proc, _) in done.items():
        assert proc.returncode == 0, f"{name}: {proc.stderr}"
        assert "Traceback" not in proc.stderr
    return {name: out for name, (_, out) in done.items()}


# --- outputs and their schema -----------------------------------------------------------------


def test_a_run_writes_every_output_and_no_partial_file(runs):
    out = runs["baseline"]
    for name in RESULT_FILES:
        assert (out / name).is_file(), name
    assert (out / ".hydra" / "config.yaml").is_file()
    assert not list(out.rglob("*.partial"))


def test_outcomes_csv_has_one_row_per_seed_with_the_documented_columns(runs):
    with open(runs["baseline"] / "outcomes.csv", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:3] == OUTCOME_COLUMNS[:3] and set(OUTCOME_COLUMNS) <= set(header)
    assert {f"final_{c}" for c in STATE_COLUMNS} <= set(header)
    rows = read_outcomes(runs["baseline"])
    assert [int(r["seed"]) for r in rows] == list(range(SEEDS))
    for r in rows:
        assert r["outcome"] in OUTCOMES
        # the round is empty exactly when the run reached the horizon in a standoff
        assert (r["outcome_round"] == "") == (r["outcome"] == STANDOFF)
        if r["outcome"] != STANDOFF:
            assert 1 <= int(r["outcome_round"]) <= 12
        assert int(r["dprk_tests"]) >= 0 and int(r["resolutions_adopted"]) >= 0
        assert 0.0 <= float(r["peak_tension"]) <= 1.0 and float(r["china_cost"]) >= 0.0


def test_a_short_horizon_leaves_standoffs_without_a_round(runs):
    rows = read_outcomes(runs["short"])
    standoffs = [r for r in rows if r["outcome"] == STANDOFF]
    assert standoffs, "one round cannot end every one of 20 seeds"
    assert all(r["outcome_round"] == "" for r in standoffs)


def test_trajectories_have_one_row_per_seed_and_round_played(runs):
    table = pq.read_table(runs["baseline"] / "trajectories.parquet")
    assert set(TRAJECTORY_COLUMNS) <= set(table.column_names)
    assert str(table.schema.field("exercises").type) == "bool"
    for name in ("us_move", "china_move", "china_vote", "russia_vote"):
        assert str(table.schema.field(name).type) == "string"
    df = table.to_pandas()
    outcomes = {int(r["seed"]): r for r in read_outcomes(runs["baseline"])}
    for seed, rounds in df.groupby("seed")["round"]:
        played = outcomes[seed]["rounds_played"]  # talks in force do not end a run
        assert list(rounds) == list(range(1, int(played) + 1))
    assert df["china_vote"].dropna().isin(["yes", "soften", "veto"]).all()
    drafted = df["resolution_drafted"].notna()
    assert (df.loc[~drafted, ["china_vote", "resolution_adopted"]].isna()).all().all()


def test_summary_reports_each_outcome_with_its_wilson_interval(runs):
    summary = json.loads((runs["baseline"] / "summary.json").read_text())
    assert summary["scenario"] == "baseline"
    assert summary["seeds"] == SEEDS and summary["rounds"] == 12
    assert set(summary["outcomes"]) == set(OUTCOMES)
    rows = read_outcomes(runs["baseline"])
    for name, entry in summary["outcomes"].items():
        hits = [
            int(r["outcome_round"]) for r in rows if r["outcome"] == name and r["outcome_round"]
        ]
        count = sum(r["outcome"] == name for r in rows)
        assert entry["count"] == count
        assert entry["probability"] == pytest.approx(count / SEEDS, abs=1e-6)
        assert entry["ci_low"] <= entry["probability"] <= entry["ci_high"]
        assert entry["median_round"] == (statistics.median(hits) if hits else None)


def test_summary_carries_no_timestamp_so_reruns_can_be_diffed(runs):
    text = (runs["baseline"] / "summary.json").read_text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text)

    def keys(obj):
        if isinstance(obj, dict):
            for k, v in obj.items():
                yield k
                yield from keys(v)

    assert not [k for k in keys(json.loads(text)) if re.search("time|date|created", k)]


def test_provenance_records_what_produced_the_run(runs):
    prov = json.loads((runs["other_seed"] / "provenance.json").read_text())
    assert prov["package"] == "crisis-sim" and prov["version"]
    assert "git_commit" in prov and prov["created"]
    assert prov["seeds"]["base_seed"] == 7 and prov["seeds"]["replications"] == SEEDS
    assert prov["config"]["run"]["seed"] == 7 and prov["config"]["run"]["rounds"] == 12


# --- determinism and common random numbers ----------------------------------------------------


def test_the_same_config_and_seed_give_byte_identical_results(runs):
    for name in ("outcomes.csv", "summary.json"):
        assert (runs["baseline"] / name).read_bytes() == (runs["again"] / name).read_bytes()
    first = pq.read_table(runs["baseline"] / "trajectories.parquet")
    second = pq.read_table(runs["again"] / "trajectories.parquet")
    assert first.equals(second)


def test_scenarios_share_random_streams_replication_by_replication(runs):
    """A scenario that differs from baseline only in name draws the very same numbers."""
    assert (runs["renamed"] / "outcomes.csv").read_bytes() == (
        runs["baseline"] / "outcomes.csv"
    ).read_bytes()
    summary = json.loads((runs["renamed"] / "summary.json").read_text())
    baseline = json.loads((runs["baseline"] / "summary.json").read_text())
    assert summary.pop("scenario") == "renamed"
    baseline.pop("scenario")
    assert summary == baseline


def test_adding_seeds_keeps_the_earlier_replications(runs):
    """Replication i depends on run.seed and i alone, so a longer run extends a shorter one."""
    short, longer = read_outcomes(runs["baseline"]), read_outcomes(runs["longer"])
    assert longer[:SEEDS] == short and len(longer) == SEEDS + 3


def test_the_base_seed_changes_the_streams(runs):
    assert read_outcomes(runs["other_seed"]) != read_outcomes(runs["baseline"])


def test_a_scenario_file_applies_its_overrides(runs):
    summary = json.loads((runs["no_exercises"] / "summary.json").read_text())
    assert summary["scenario"] == "no_exercises"
    df = pq.read_table(runs["no_exercises"] / "trajectories.parquet").to_pandas()
    assert not df["exercises"].any() and not (df["us_move"] == "exercises").any()


# --- bad input --------------------------------------------------------------------------------

BAD = {
    "unknown key": (["actors.us.hawkishnes=0.5"], ["actors.us.hawkishnes", "0.5", "hawkishness"]),
    "unknown key, forced in": (["+actors.china.fear=1"], ["actors.china.fear", "collapse_fear"]),
    "unknown top-level key": (["rounds=3"], ["rounds=3", "run"]),
    "wrong type, number": (["actors.us.hawkishness=high"], ["actors.us.hawkishness=high",
                                                            "number", "[0.0, 1.0]"]),
    "wrong type, bool": (["actors.us.exercises=maybe"], ["actors.us.exercises=maybe", "true"]),
    "wrong type, integer": (["run.seeds=2.5"], ["run.seeds=2.5", "integer"]),
    "probability above 1": (["actors.china.collapse_fear=1.5"], ["actors.china.collapse_fear=1.5",
                                                                 "[0.0, 1.0]"]),
    "probability below 0": (["world.leakage=-0.1"], ["world.leakage=-0.1", "[0.0, 1.0]"]),
    "not a number": (["actors.dprk.risk_tolerance=nan"], ["actors.dprk.risk_tolerance=nan",
                                                         "[0.0, 1.0]"]),
    "rounds below 1": (["run.rounds=0"], ["run.rounds=0", "[1,"]),
    "zero seeds": (["run.seeds=0"], ["run.seeds=0", "[1,"]),
    "unknown scenario": (["scenario=peace"], ["scenario=peace", "baseline", "no_exercises"]),
    "unknown actor preset": (["actors/us=dove"], ["actors/us=dove", "hawk", "restraint"]),
    "trade shares over 1": (["actors.russia.trade_share=0.2"], ["trade_share", "1"]),
}  # fmt: skip


@pytest.fixture(scope="module")
def refused(tmp_path_factory, cli) -> dict:
    """Every bad input of BAD, each run from its own empty directory."""

    def work(name, args):
        cwd = tmp_path_factory.mktemp("bad")
        return cli(*QUICK, *args, f"hydra.run.dir={cwd / 'run'}", cwd=cwd), cwd

    return in_parallel({name: (name, args) for name, (args, _) in BAD.items()}, work)


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_stops_before_any_work_with_one_clear_line(refused, case):
    proc, cwd = refused[case]
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "HYDRA_FULL_ERROR" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crisis-sim: error: ")
    for text in BAD[case][1]:
        assert text in lines[0]
    assert proc.stdout == ""
    assert not any(cwd.iterdir())  # no run directory, not even Hydra's .hydra/ of the config


def test_a_bad_value_in_a_sweep_stops_it_before_the_first_job(cli, tmp_path):
    sweep = tmp_path / "sweep"
    sweep_args = ("-m", "actors.us.hawkishness=0.2,1.5", f"hydra.sweep.dir={sweep}")
    proc = cli(*sweep_args, *QUICK, cwd=tmp_path)
    assert proc.returncode == 2
    assert "actors.us.hawkishness=1.5" in proc.stderr and "Traceback" not in proc.stderr
    assert not sweep.exists()
