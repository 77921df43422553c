"""Outputs that cannot lie, unit tier: report.md escaping, experiment files checked one by one."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandas.testing as pd_testing
import pytest

from sim.app import checks, experiments
from sim.report.document import Code, Document, Section, Table, Text, to_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "calm\n# Injected heading",
    "calm\n```\nfenced\n```",
    "[click](javascript:alert(1))",
    "a | b",
    "# heading at the start",
    "`code` and ``` a fence",
]


def _markdown(text: str) -> str:
    doc = Document(
        title=f"Crisis scenario {text}",
        lead=text,
        sections=[
            Section(
                text,
                [
                    Text(text),
                    Table(["scenario", "description"], [[text, text]], caption=text),
                    Code(f"name: {text}\n```\n", summary=text),
                ],
            )
        ],
        provenance={"scenario": text},
    )
    return to_markdown(doc, Path("."))


@pytest.mark.parametrize("text", HOSTILE)
def test_report_md_escapes_hostile_scenario_strings(text):
    md = _markdown(text)
    outside_code = re.sub(r"(`{4,})\n.*?\n\1", "", md, flags=re.S)  # the config block is inert
    assert "<script" not in outside_code and "<img" not in outside_code
    assert not re.search(r"(?<!\\)\]\(javascript:", outside_code)
    headings = [x for x in outside_code.splitlines() if x.startswith("#")]
    assert all(x.startswith(("# Crisis scenario", "## ")) for x in headings), headings
    assert sum(x.startswith("## ") for x in headings) == 2  # the section and Provenance
    assert not any(x.startswith("```") for x in outside_code.splitlines())
    table_rows = [x for x in md.splitlines() if x.startswith("| ") and "scenario" not in x[:12]]
    assert all(x.count(" | ") == 1 for x in table_rows if not x.startswith("| ---")), table_rows


def test_the_config_block_fence_outlasts_backticks_in_it():
    md = _markdown("x")
    fence = re.search(r"^(`{3,})$", md, flags=re.M).group(1)
    assert len(fence) >= 4  # the block holds a line of three backticks


def test_a_broken_experiment_breaks_only_itself(tmp_path):
    (tmp_path / "good.yaml").write_text("# @package _global_\nrun:\n  seeds: 7\n")
    (tmp_path / "yaml_error.yaml").write_text("run:\n  seeds: [7\n")
    (tmp_path / "evil.yaml").write_text(
        "hydra:\n  callbacks:\n    x:\n      _target_: os.system\n      command: id\n"
    )
    (tmp_path / "env.yaml").write_text("hydra:\n  job:\n    env_set:\n      X: '1'\n")
    experiments.register(tmp_path)  # must not raise
    assert "good" not in experiments.BROKEN
    assert "not valid YAML: line" in experiments.BROKEN["yaml_error"]
    assert "_target_" in experiments.BROKEN["evil"]
    assert "hydra.job" in experiments.BROKEN["env"]
    from hydra.errors import MissingConfigException

    from sim.app.errors import explain

    ex = MissingConfigException("missing", missing_cfg_file="experiment/evil", options=["good"])
    assert explain(ex) == experiments.BROKEN["evil"]


def test_shipped_experiments_pass_the_checks():
    for path in sorted(experiments.EXPERIMENTS.glob("*.yaml")):
        checks.check_text(path.read_text(), path, "experiment")


@pytest.mark.parametrize("launcher", checks.LAUNCHERS)
def test_experiments_may_choose_a_shipped_launcher(launcher):
    text = f"defaults:\n  - override /hydra/launcher: {launcher}\nhydra:\n  mode: MULTIRUN\n"
    checks.check_text(text, "x.yaml", "experiment")


def test_experiments_may_not_choose_another_launcher():
    text = "defaults:\n  - override /hydra/launcher: my_cluster\n"
    with pytest.raises(checks.ConfigFileError, match="allowed in experiment files"):
        checks.check_text(text, "x.yaml", "experiment")


# --- 12. Report figures from streamed trajectories --------------------------------------------


@pytest.fixture(scope="module")
def streamed_run(tmp_path_factory):
    """A run of 300 seeds over 24 months, with a batch size that splits its rows."""
    from sim.io.run import load_run
    from sim.runs import replications
    from tests.conftest import make_config

    out = tmp_path_factory.mktemp("streamed") / "run"
    cfg = make_config(seeds=300, rounds=24)
    cfg.run.batch = 37
    replications.run(cfg, out)
    return load_run(out)


def test_streamed_bands_equal_the_in_memory_quantiles(streamed_run):
    from sim import stats

    run = streamed_run
    full = run.trajectories
    columns = list(stats.BAND_COLUMNS)
    expected = stats.bands(full, columns, run.rounds)
    got = stats.bands(run.by_round, columns, run.rounds)
    for c in columns:
        pd_testing.assert_frame_equal(got[c], expected[c], check_dtype=False, rtol=1e-12)


def test_streamed_shares_and_means_equal_the_in_memory_ones(streamed_run):
    from sim import stats

    run, R = streamed_run, streamed_run.rounds
    t, s = run.trajectories, streamed_run.by_round
    drafted = t["resolution_drafted"].notna()
    pd_testing.assert_series_equal(
        s.share(s.drafted), stats.share(t, drafted, R), check_names=False, check_dtype=False
    )
    tabled = t[drafted]
    for actor in ("china", "russia"):
        for vote in stats.VOTE_CHOICES:
            pd_testing.assert_series_equal(
                s.share(s.votes[(actor, vote)], of=s.drafted),
                stats.share(tabled, tabled[f"{actor}_vote"] == vote, R),
                check_names=False,
                check_dtype=False,
            )
    mean = t.groupby("round")["resolution_drafted"].mean().reindex(range(1, R + 1))
    n = t.groupby("round")["resolution_drafted"].count().reindex(range(1, R + 1), fill_value=0)
    pd_testing.assert_series_equal(
        s.mean(s.drafted_sum, s.drafted),
        mean.where(n >= stats.MIN_AT_RISK),
        check_names=False,
        check_dtype=False,
        check_index_type=False,
        rtol=1e-12,
    )


def test_report_memory_does_not_grow_with_seeds(streamed_run):
    """RoundStats holds per-round arrays only: its size is fixed by rounds and bins."""
    import sys as _sys

    from sim import stats

    s = streamed_run.by_round
    arrays = [s.n, s.drafted, s.adopted, *s.votes.values(), *s.quantiles.values()]
    assert all(a.shape[0] == streamed_run.rounds + 1 for a in arrays)
    assert sum(_sys.getsizeof(a) for a in arrays) < 64 * 1024
    assert isinstance(stats.bands(s, ["tension"], streamed_run.rounds)["tension"], pd.DataFrame)


def test_the_month_by_month_states_add_up_and_end_at_the_outcomes(streamed_run):
    """Each month's shares sum to one; at the horizon they are the outcome shares."""
    from sim import stats

    run = streamed_run
    share = stats.state_by_month(
        run.outcomes, run.by_round.talks, run.rounds, run.seeds, run.outcome_names
    )
    assert (share.sum(axis=1) - 1.0).abs().max() < 1e-12
    assert (share >= -1e-12).all().all()
    final = share.iloc[-1]
    observed = run.outcomes["outcome"].value_counts(normalize=True)
    talks = final["negotiating"] + final["agreement"]
    assert talks == pytest.approx(observed.get("talks", 0.0), abs=1e-12)
    for name in ("war", "nuclear_war", "collapse", "standoff"):
        assert final[name] == pytest.approx(observed.get(name, 0.0), abs=1e-12)
    # talks show as a state during the run, not only at the horizon
    in_talks = share["negotiating"] + share["agreement"]
    assert in_talks.max() > 0.0


def test_a_talks_run_timeline_shows_talks_in_force_not_an_ended_run(
    streamed_run, tmp_path, monkeypatch
):
    """Talks do not end a run: its timeline goes on after the opening, with no 'run ended'."""
    from sim import stats
    from sim.report import timeline

    run = streamed_run
    seed = stats.representative_seed(run.outcomes)
    assert run.outcomes.loc[run.outcomes["seed"] == seed, "outcome"].iloc[0] == "talks"
    drawn = []
    monkeypatch.setattr(timeline, "_figure", lambda fig, *args: drawn.append(fig))
    timeline.timeline(run, tmp_path, ["png"])
    (fig,) = drawn
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "run ended" not in texts
    assert "in force from" in fig._suptitle.get_text()
