"""The run report's figures placed by fixed margins (style.place) keep every text in view.

These figures skip matplotlib's constrained layout, which measures every text
to find the margins; the margins are fixed instead. So for every scenario, and
for a longer horizon, no text may leave the figure, run into another panel, or
run into the figure's title, x label or legend.
"""

from __future__ import annotations

import pytest
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from sim.app.api import load_config
from sim.app.resources import CONFIGS
from sim.core.params import validate
from sim.io.run import load_run
from sim.report import events, figures, style, timeline
from sim.runs import events as run_events
from sim.runs import replications

SCENARIOS = sorted(p.stem for p in (CONFIGS / "scenario").glob("*.yaml"))
PLACED = {  # the figures laid out by style.place, drawn the way the report draws them
    "council": figures.council,
    "sanctions": figures.sanctions,
    "dprk": figures.dprk,
    "timeline": timeline.timeline,
    "goldstein_dyads": events.goldstein_figure,
}
SLACK = 1.0  # pixels: antialiasing at an edge is not a text out of place


def scenario_run(name: str, out, seeds: int = 120, rounds: int | None = None):
    conf = load_config(name)
    conf.run.seeds, conf.run.progress, conf.report.enabled = seeds, False, False
    if rounds is not None:
        conf.run.rounds = rounds
    validate(conf)
    replications.run(conf, out)
    run_events.write(conf, out)
    return load_run(out)


def drawn(run, monkeypatch, tmp_path) -> dict:
    """{name: figure} as saved by the report's own figure functions."""
    saved = {}
    save = style.save

    def keep(fig, outdir, name, formats=("png",)):
        saved[name] = fig
        return save(fig, outdir, name, formats)

    monkeypatch.setattr(style, "save", keep)
    with style.context():
        for draw in PLACED.values():
            draw(run, tmp_path / "figures", ["png"])
    return saved


def _hidden_ticks(fig) -> set[int]:
    """ids of the tick labels a draw leaves out: those of ticks outside the axis's view."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            eps = (hi - lo) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - eps <= tick.get_loc() <= hi + eps:
                    hidden.update((id(tick.label1), id(tick.label2)))
    return hidden


def _texts(fig):
    """(owner, text) for each text drawn: owner is its axes, or None for the figure's own."""
    hidden = _hidden_ticks(fig)
    return [
        (t.axes, t)
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


def problems(fig) -> list[str]:
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    page = Bbox.from_bounds(-SLACK, -SLACK, fig.bbox.width + 2 * SLACK, fig.bbox.height + 2 * SLACK)
    panels = [(ax, ax.get_window_extent(r).expanded(1, 1)) for ax in fig.axes]
    texts = [(owner, t, t.get_window_extent(r).shrunk(0.98, 0.9)) for owner, t in _texts(fig)]
    found = []
    for owner, t, box in texts:
        what = repr(t.get_text()[:40])
        if not page.containsx(box.x0) or not page.containsx(box.x1):
            found.append(f"{what} leaves the figure sideways")
        if not page.containsy(box.y0) or not page.containsy(box.y1):
            found.append(f"{what} leaves the figure at the top or bottom")
        for ax, panel in panels:
            if ax is not owner and box.overlaps(panel):
                found.append(f"{what} runs into another panel")
        if owner is None:  # the figure's title, x label and legend
            for other_owner, other, other_box in texts:
                if other is t or other_owner is None and _same_legend(t, other):
                    continue
                if box.overlaps(other_box):
                    found.append(f"{what} runs into {other.get_text()[:40]!r}")
    return found


def _same_legend(a: Text, b: Text) -> bool:
    for legend in a.figure.legends:
        inside = legend.get_texts()
        if any(a is x for x in inside) and any(b is x for x in inside):
            return True
    return False


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_text_of_a_placed_figure_leaves_it_or_runs_into_another(scenario, tmp_path, monkeypatch):
    run = scenario_run(scenario, tmp_path / "run")
    figs = drawn(run, monkeypatch, tmp_path)
    assert set(figs) == set(PLACED)
    found = {name: problems(fig) for name, fig in figs.items()}
    assert not any(found.values()), found


def test_a_longer_horizon_keeps_the_texts_in_place(tmp_path, monkeypatch):
    run = scenario_run("baseline", tmp_path / "run", seeds=60, rounds=40)
    found = {name: problems(fig) for name, fig in drawn(run, monkeypatch, tmp_path).items()}
    assert not any(found.values()), found


def test_the_check_sees_a_text_pushed_out_of_place(tmp_path, monkeypatch):
    """The check above can fail: margins too small put labels off the figure and over panels."""
    run = scenario_run("baseline", tmp_path / "run", seeds=60)
    fig = figures.draw_council(run)
    fig.subplots_adjust(left=0.0, right=1.0, wspace=0.0)
    found = problems(fig)
    assert any("leaves the figure sideways" in p for p in found)
    assert any("runs into another panel" in p for p in found)
