"""The report's figures, checked on what they draw: axis limits, labels, at-risk counts,
line styles, cell borders, label placement; and the time labels and findings they share."""

from __future__ import annotations

import itertools

import matplotlib
import pandas as pd
import pytest

from sim import stats
from sim.core.outcomes import OUTCOMES
from sim.io.run import load_run
from sim.report import document, figures, findings, style
from sim.report import sweep as sweep_report
from sim.runs import replications
from tests.conftest import make_config

PAGE_PX = 1070  # the report's content width (1100 px less padding)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A small baseline run, loaded as the report loads it."""
    out = tmp_path_factory.mktemp("run")
    replications.run(make_config(seeds=80), out)
    return load_run(out)


def page_px(fig, points: float) -> float:
    """How tall text of `points` is once the PNG is scaled into the report's page width."""
    width = fig.get_figwidth() * style.DPI
    return points * style.DPI / 72 * min(1.0, PAGE_PX / width)


# --- Time labels ------------------------------------------------------------------------------


def test_a_time_is_a_calendar_month_with_its_round():
    assert style.when(9, "2017-08") == "Apr 2018 (round 9)"
    assert style.when(1, "2017-08") == "Aug 2017 (round 1)"


def test_a_median_between_two_months_names_both():
    assert style.when(14.5, "2017-08") == "Sep–Oct 2018 (round 14.5)"
    assert style.when(5.5, "2017-08") == "Dec 2017–Jan 2018 (round 5.5)"
    assert style.when(None, "2017-08") == ""
    assert style.when(3, None) == "round 3"


# --- Outcome odds -----------------------------------------------------------------------------


def test_outcome_bars_stop_at_100_percent_and_every_label_stays_inside(run):
    with style.context():
        fig = figures.draw_outcome_odds([run])
    ax = fig.axes[0]
    assert ax.get_xlim() == (0.0, 100.0)
    assert max(ax.get_xticks()) <= 100
    assert all(0 <= t.get_position()[0] <= 100 for t in ax.texts)


def test_a_value_label_that_would_pass_100_percent_goes_inside_its_bar():
    fig = matplotlib.figure.Figure()
    ax = fig.subplots()
    ax.set_xlim(0, 100)
    figures._value_label(ax, 0, 95.0, 91.0, 98.0, style.OUTCOME_COLORS["nuclear_war"])
    (label,) = ax.texts
    assert label.get_position()[0] < 91.0 and label.get_ha() == "right"
    assert label.get_color() == "white"  # readable on the black nuclear-war bar


def test_whiskers_have_a_white_halo_so_they_show_on_the_black_bar(run):
    with style.context():
        fig = figures.draw_outcome_odds([run])
    whiskers = [c for c in fig.axes[0].collections if c.get_path_effects()]
    assert whiskers, "the interval whiskers carry no halo"
    strokes = [e for e in whiskers[0].get_path_effects() if hasattr(e, "_gc")]
    assert any(matplotlib.colors.same_color(e._gc["foreground"], "white") for e in strokes)


# --- Fan charts: runs at risk -----------------------------------------------------------------


def _expected_counts(ax, frame) -> dict[float, int]:
    n = frame["n"]
    return {float(t): int(n.loc[int(t)]) for t in ax.get_xticks() if int(t) in n.index}


def test_the_escalation_fan_counts_the_runs_in_crisis_under_each_scenario(run):
    with style.context():
        fig, _ = figures.draw_escalation([run, run])
    bands = stats.bands(run.trajectories, ["tension"], run.rounds)["tension"]
    bottom = fig.axes[2:]  # the escalation-score row, one panel per scenario
    for ax in bottom:
        counts = figures.at_risk_counts(ax)
        assert counts == _expected_counts(ax, bands)
        assert counts[1.0] == run.seeds  # everyone is in crisis in round 1
        assert list(counts.values()) == sorted(counts.values(), reverse=True)


def test_sanctions_and_dprk_fans_count_the_runs_in_crisis_under_every_panel(run):
    with style.context():
        sanctions, b = figures.draw_sanctions(run)
        dprk, d = figures.draw_dprk(run)
    for ax in sanctions.axes:
        assert figures.at_risk_counts(ax) == _expected_counts(ax, b["pressure"])
    for ax, col in zip(dprk.axes, ("dprk_capability", "dprk_stability"), strict=True):
        assert figures.at_risk_counts(ax) == _expected_counts(ax, d[col])


# --- Security Council and sanctions -----------------------------------------------------------


def test_council_and_sanctions_text_stays_legible_at_page_width(run):
    with style.context():
        council = figures.draw_council(run)
        sanctions, _ = figures.draw_sanctions(run)
    for fig in (council, sanctions):
        assert page_px(fig, style.RC["xtick.labelsize"]) >= 11
        assert len(fig.axes) <= 4


def test_vote_panels_say_what_they_count_and_tell_china_from_russia_without_colour(run):
    with style.context():
        fig = figures.draw_council(run)
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert "Drafts tabled (%)" not in labels
    assert "Drafts softened (% of drafts tabled)" in labels
    assert "Drafts vetoed (% of drafts tabled)" in labels
    for ax in fig.axes[2:]:
        series = {c.get_label(): c.lines[0] for c in ax.containers}  # one errorbar per actor
        styles = {k: (ln.get_linestyle(), ln.get_marker()) for k, ln in series.items()}
        assert styles["China"][0] != styles["Russia"][0]
        assert styles["China"][1] != styles["Russia"][1]


def test_vote_shares_are_pooled_over_enough_drafts_and_carry_wilson_intervals(run):
    for actor in ("china", "russia"):
        v = figures.vote_shares(run, actor, "soften")
        assert not v.empty
        assert (v["drafts"] >= stats.MIN_AT_RISK).all()
        assert ((v["low"] <= v["share"]) & (v["share"] <= v["high"])).all()
        for _, r in v.iterrows():
            k = round(r["share"] * r["drafts"])
            assert (r["low"], r["high"]) == pytest.approx(stats.wilson(k, int(r["drafts"])))


def test_enforcement_medians_of_china_and_russia_differ_in_line_style(run):
    with style.context():
        fig, _ = figures.draw_sanctions(run)
    legend = fig.axes[1].get_legend()
    pairs = zip(legend.texts, legend.legend_handles, strict=True)
    styles = {t.get_text(): h.get_linestyle() for t, h in pairs}
    assert styles["China (median)"] != styles["Russia (median)"]


# --- Sweeps -----------------------------------------------------------------------------------


def sweep_frame(grid: dict[str, list], p: dict[str, list[float]], seeds: int = 100):
    """A sweep table as sweep.parquet holds it, with Wilson intervals from stats.wilson."""
    rows = []
    combos = [dict(zip(grid, v, strict=True)) for v in itertools.product(*grid.values())]
    for j, values in enumerate(combos):
        row = {"job": j, **values, "seeds": seeds, "mean_peak_tension": 0.5, "run_dir": str(j)}
        for o in OUTCOMES:
            k = round(p[o][j] * seeds)
            row[f"p_{o}"], row[f"n_{o}"] = k / seeds, k
            row[f"p_{o}_low"], row[f"p_{o}_high"] = stats.wilson(k, seeds)
        row["most_likely"] = max(OUTCOMES, key=lambda o, r=row: r[f"p_{o}"])
        rows.append(row)
    return pd.DataFrame(rows)


def test_the_tipping_figure_shows_every_outcome_and_names_the_likeliest_at_the_crossing(tmp_path):
    x = [0.2, 0.5, 0.8]
    p = {
        "talks": [0.8, 0.3, 0.1],
        "war": [0.05, 0.15, 0.2],
        "nuclear_war": [0.0, 0.05, 0.1],
        "collapse": [0.0, 0.0, 0.0],
        "standoff": [0.15, 0.5, 0.6],
    }
    df = sweep_frame({"actors.us.hawkishness": x}, p)
    tip = {
        "parameter": "actors.us.hawkishness",
        "status": "crossing",
        "estimate": 0.65,
        "interval": [0.55, 0.75],
        "grid": x,
    }
    with style.context():
        fig = sweep_report.draw_tipping(df, tip)
        saved = sweep_report.tipping_figure(df, tip, tmp_path, ["png"])
    names = {t.get_text() for t in fig.legends[0].texts}
    assert {"Freeze talks", "War or nuclear war", "Standoff", "Regime collapse"} <= names
    assert "likeliest outcome is standoff" in saved.caption


def test_the_most_likely_map_borders_every_cell_and_labels_on_a_plain_chip(tmp_path):
    p = {
        "talks": [0.45, 0.44, 0.2, 0.1],
        "war": [0.05, 0.06, 0.1, 0.1],
        "nuclear_war": [0.0, 0.0, 0.0, 0.0],
        "collapse": [0.0, 0.0, 0.0, 0.0],
        "standoff": [0.5, 0.5, 0.7, 0.8],
    }
    df = sweep_frame({"a.b.x": [0.1, 0.9], "a.b.y": [0.1, 0.9]}, p)
    with style.context():
        fig = sweep_report.draw_most_likely(df, "a.b.x", "a.b.y")
    ax = fig.axes[0]
    borders = [r for r in ax.patches if r.get_gid() == sweep_report.CELL]
    assert len(borders) == len(df)
    assert all(b.get_linewidth() >= 1 for b in borders)
    assert any(r.get_hatch() for r in ax.patches)  # the near-ties are hatched...
    for t in ax.texts:  # ...and every label sits on an opaque white chip, black on white
        chip = t.get_bbox_patch()
        assert matplotlib.colors.same_color(chip.get_facecolor()[:3], (1, 1, 1))
        assert matplotlib.colors.same_color(t.get_color(), "black")


# --- Labels that do not overlap ---------------------------------------------------------------


def test_labels_of_crowded_and_coincident_points_do_not_overlap():
    points = [(2, 2), (2, 2), (3, 1), (5, 4), (1, 6), (6, 1), (4, 4), (0, 0), (8, 3), (2, 9)]
    texts = [str(i) for i in range(1, len(points) + 1)]
    offsets = style.place_labels(points, texts)
    boxes = style.label_boxes(points, texts, offsets)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not style._overlap(a, b), (a, b)


# --- Documents --------------------------------------------------------------------------------


def test_the_key_finding_and_contents_come_before_the_first_section(tmp_path):
    doc = document.Document(
        "T",
        lead="Lead.",
        finding="The answer.",
        sections=[document.Section("Outcome odds"), document.Section("How much, and why?")],
        provenance={"x": 1},
    )
    html_path, md_path = document.write(doc, tmp_path)
    html = html_path.read_text()
    assert html.index("Key finding") < html.index("<h2")
    for h in doc.headings():
        assert f'href="#{document.anchor(h)}"' in html
        assert f'id="{document.anchor(h)}"' in html
    md = md_path.read_text()
    assert md.index("**Key finding.** The answer.") < md.index("## ")
    assert "[How much, and why?](#how-much-and-why)" in md


def test_the_run_finding_quotes_the_summary_numbers(run):
    text = findings.run(run.summary)
    o = run.summary["outcomes"]
    top = findings.most_likely(o)
    assert style.outcome_label(top).lower() in text
    assert findings.interval(o[top]["ci_low"], o[top]["ci_high"]) in text
    p, lo, hi = findings.war_odds(o, run.seeds)
    k = int(o["war"]["count"]) + int(o["nuclear_war"]["count"])
    assert (lo, hi) == stats.wilson(k, run.seeds)
    assert f"{findings.pct(p)} ({findings.interval(lo, hi)})" in text
