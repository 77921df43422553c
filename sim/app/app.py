"""The browser explorer: SolaraViz over one replication, a seat to play, an ensemble tab.

Start it with `crisis-sim-explore` (or `solara run sim.app.app`). The only module of the
package that imports the visualisation; what it shows comes from `sim.app.explorer`.
"""

from __future__ import annotations

import html

import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import force_update, update_counter

from sim.app.explorer import (
    DEFAULT_SEED,
    SEATS,
    ExplorerModel,
    ensemble,
    goldstein,
    preferences,
    scenarios,
)
from sim.core.params import ACTOR_NAMES
from sim.report.style import month_label, outcome_label, state_color, state_label

EXPLAINED = ("us", "china", "china enforcement", "russia", "dprk")
CSS = """
<style>
.cs-lanes {border-collapse: collapse; font-size: 12px; font-family: sans-serif;}
.cs-lanes th, .cs-lanes td {border: 1px solid #ddd; padding: 2px 4px; white-space: nowrap;}
.cs-lanes th.lane {text-align: left; background: #f4f4f4; position: sticky; left: 0; z-index: 1;}
.cs-table {border-collapse: collapse; font-size: 13px; font-family: sans-serif;}
.cs-table th, .cs-table td {border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left;}
.cs-table td.num {text-align: right; font-variant-numeric: tabular-nums;}
.cs-chosen {font-weight: bold; background: #fff3c4;}
</style>
"""


def _shade(score: float | None) -> str:
    """A cell colour from a Goldstein score: green for cooperation, red for conflict."""
    if score is None:
        return "#ffffff"
    t = min(1.0, abs(score) / 10.0)
    if score > 0:
        return f"rgba(26, 152, 80, {0.15 + 0.6 * t:.2f})"
    if score < 0:
        return f"rgba(215, 48, 39, {0.15 + 0.6 * t:.2f})"
    return "#eeeeee"


def _dark(colour: str) -> bool:
    """Whether white text reads better than dark on a #rrggbb background."""
    if not (colour.startswith("#") and len(colour) == 7):
        return False
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b < 140


def lanes_html(model: ExplorerModel, last: int = 60) -> str:
    lanes = model.lanes()
    n = len(lanes[0][1])
    first = max(0, n - last)
    start = model.cfg.run.start
    head = "".join(
        f"<th title='round {r}'>{html.escape(month_label(r, start))}</th>"
        for r in range(first + 1, n + 1)
    )
    rows = []
    for name, cells in lanes:
        tds = []
        for cell in cells[first:]:
            colour = _shade(goldstein(name, cell))
            if name == "Talks / outcome" and cell:
                colour = state_color(cell.replace(" ", "_"))
            elif name == "UN Security Council" and cell.startswith("adopted"):
                colour = _shade(-8.0)
            ink = "#ffffff" if _dark(colour) else "#222222"
            text = html.escape(cell.replace("_", " "))
            tds.append(f"<td style='background:{colour}; color:{ink}'>{text}</td>")
        rows.append(f"<tr><th class='lane'>{html.escape(name)}</th>{''.join(tds)}</tr>")
    return (
        # right-to-left scrolling starts the view at the newest round; the table reads left to right
        CSS + "<div style='overflow-x:auto; direction:rtl'>"
        "<table class='cs-lanes' id='swimlanes' style='direction:ltr'>"
        f"<tr><th class='lane'>lane</th>{head}</tr>{''.join(rows)}</table></div>"
    )


@solara.component
def Timeline(model: ExplorerModel):
    update_counter.get()
    with solara.Card("Timeline"):
        solara.Markdown(f"**{model.status()}** (scenario {model.scenario_name}, seed {model.seed})")
        for note in model.notes:
            solara.Warning(note)
        if model.changes:
            changed = "; ".join(
                f"{k.removeprefix('actors.')}: {old} \u2192 {new}" for k, old, new in model.changes
            )
            solara.Markdown(f"Changed from the scenario: {changed}")
        if not model.crisis.rows:
            solara.Markdown("No round played yet: press **Step** (or take a seat and decide).")
        solara.HTML(tag="div", unsafe_innerHTML=lanes_html(model))


def options_html(options, chosen=None) -> str:
    rows = []
    for o in options:
        mark = " class='cs-chosen'" if chosen is not None and o.key == chosen else ""
        value = "" if o.value is None else f"{o.value:+.4f}"
        rows.append(
            f"<tr{mark}><td>{html.escape(o.label)}</td><td>{html.escape(o.description)}</td>"
            f"<td class='num'>{value}</td><td class='num'>{100 * o.probability:.1f}%</td></tr>"
        )
    return (
        CSS + "<table class='cs-table'><tr><th>option</th><th>what it is</th>"
        "<th>predicted value</th><th>probability</th></tr>" + "".join(rows) + "</table>"
    )


@solara.component
def Explanation(model: ExplorerModel):
    update_counter.get()
    who, set_who = solara.use_state("us")
    with solara.Card("Why the last choice"):
        solara.Select("Actor", values=list(EXPLAINED), value=who, on_value=set_who)
        if not model.history:
            solara.Markdown("Step the model once to see the options of each actor's last choice.")
            return
        e = model.history[-1].get(who)
        if e is None:
            solara.Markdown(f"No decision of {who} in the last round.")
            return
        by = "the person in the seat" if e.by == "player" else "the model"
        solara.Markdown(
            f"Round {model.crisis.state.round}: {who} chose **{e.chosen}** ({by}). "
            "Each option's value is the actor's own valuation of the coming months, against "
            "its prediction of its counterpart's move; the probability is the model's logit "
            "rule, softmax(rationality \u00d7 value)."
        )
        solara.HTML(tag="div", unsafe_innerHTML=options_html(e.options, e.chosen))


@solara.component
def Seat(model: ExplorerModel):
    update_counter.get()
    with solara.Card("Your seat"):
        if model.seat is None:
            solara.Markdown(
                "No seat taken. Pick an actor under **Take a seat**, press **Reset**, and "
                "decide its moves here; the other actors follow the model's rules."
            )
            return
        name = ACTOR_NAMES[model.seat]
        if model.game.done:
            GameOver(model)
            return
        d = model.game.pending()
        solara.Markdown(f"### {name}, round {d.round}: {d.question()}")
        for i, o in enumerate(d.options, 1):

            def choose(key=o.key):
                model.answer(key)
                force_update()

            value = "" if o.value is None else f", value {o.value:+.3f}"
            with solara.Row():
                solara.Button(f"{i}. {o.label}", on_click=choose, color="primary", outlined=True)
                solara.Text(f"{o.description} (model p = {100 * o.probability:.1f}%{value})")
        solara.Markdown(
            f"Advice: the model's {name} would most likely choose **{d.advice.label}**."
        )


@solara.component
def GameOver(model: ExplorerModel):
    from sim.runs.play import model_play

    m = model.crisis
    others = 100
    result = solara.use_memo(lambda: model_play(model.cfg, 0, others), [id(model)])
    when = (
        f"in round {m.outcome_round} ({month_label(m.outcome_round, model.cfg.run.start)})"
        if m.outcome_round
        else "at the horizon"
    )
    same = result["same_seed"]
    solara.Markdown(
        f"### Game over: {outcome_label(m.outcome)} {when}\n\n"
        f"The model's own {ACTOR_NAMES[model.seat]} on the same seed: "
        f"**{outcome_label(same['outcome'])}**"
        + (f" in round {same['outcome_round']}" if same["outcome_round"] else "")
        + f". Over {others} other seeds:"
    )
    solara.HTML(tag="div", unsafe_innerHTML=odds_html(result["others"]))


def odds_html(summary: dict) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(outcome_label(k))}</td><td class='num'>{100 * r['probability']:.1f}%"
        f"</td><td class='num'>[{100 * r['ci_low']:.1f}, {100 * r['ci_high']:.1f}]</td>"
        f"<td class='num'>{r['count']}</td></tr>"
        for k, r in summary["outcomes"].items()
    )
    return (
        CSS + "<table class='cs-table' id='odds'><tr><th>outcome</th><th>probability</th>"
        "<th>95% Wilson interval (%)</th><th>runs</th></tr>" + rows + "</table>"
    )


def incidence_figure(result: dict, start: str) -> Figure:
    """Where the runs stand month by month: ended outcomes stacked, then talks states."""
    states = result["states"]
    fig = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = fig.subplots()
    colors = {c: state_color(c) for c in states.columns}
    labels = {c: state_label(c) for c in states.columns}
    x = np.arange(0.5, len(states) + 1.5)
    ys = [100 * np.append(states[c].to_numpy(), states[c].iloc[-1]) for c in states.columns]
    ax.stackplot(x, ys, colors=[colors[c] for c in states.columns], step="post",
                 labels=[labels[c] for c in states.columns])  # fmt: skip
    ax.set_xlim(0.5, len(states) + 0.5)
    ax.set_ylim(0, 100)
    ax.set_xlabel(f"round (1 = {month_label(1, start)})")
    ax.set_ylabel("share of runs (%)")
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names[::-1], fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig


@solara.component
def Ensemble(model: ExplorerModel):
    update_counter.get()
    seeds, set_seeds = solara.use_state(200)
    result, set_result = solara.use_state(None)
    with solara.Card("Ensemble"):
        solara.Markdown(
            "Run many seeds of the current settings (the sidebar's, as last reset): the odds "
            "of each outcome with 95% Wilson intervals, and when they happen."
        )
        solara.SliderInt("Seeds", value=seeds, min=10, max=2000, step=10, on_value=set_seeds)
        solara.Button(
            "Run ensemble", color="primary", on_click=lambda: set_result(ensemble(model.cfg, seeds))
        )
        if result is not None:
            n = result["summary"]["seeds"]
            solara.Markdown(f"**{model.scenario_name}, N = {n} seeds**")
            solara.HTML(tag="div", unsafe_innerHTML=odds_html(result["summary"]))
            solara.FigureMatplotlib(incidence_figure(result, model.cfg.run.start))


@solara.component
def Sources(model: ExplorerModel):
    with solara.Card("Where each preference comes from"):
        rows = "".join(
            f"<tr><td>{html.escape(p.label)}</td><td>{p.lo:g}-{p.hi:g}</td>"
            f"<td>{html.escape(p.source)}</td></tr>"
            for p in preferences()
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=CSS + "<table class='cs-table'><tr><th>slider</th><th>range</th>"
            "<th>source</th></tr>" + rows + "</table>",
        )


def model_params() -> dict:
    params = {
        "scenario_name": {
            "type": "Select",
            "value": "baseline",
            "values": scenarios(),
            "label": "Scenario",
        },
        "seat": {"type": "Select", "value": "none", "values": list(SEATS), "label": "Take a seat"},
        "seed": {"type": "InputText", "value": str(DEFAULT_SEED), "label": "Seed"},
        "rounds": {
            "type": "SliderInt",
            "value": 24,
            "min": 1,
            "max": 60,
            "step": 1,
            "label": "Rounds (months)",
        },
    }
    for p in preferences():
        if p.kind == "bool":
            params[p.name] = {"type": "Checkbox", "value": p.default, "label": p.label}
        else:
            params[p.name] = {
                "type": "SliderInt" if p.kind == "int" else "SliderFloat",
                "value": p.default,
                "min": p.lo,
                "max": p.hi,
                "step": p.step,
                "label": p.label,
            }
    return params


PLOTS = [
    make_plot_component(
        {
            "tension": "#d73027",
            "sanctions level": "#444444",
            "China enforcement": "#e6ab02",
            "Russia enforcement": "#7570b3",
        },
        backend="matplotlib",
    ),
    make_plot_component(
        {"DPRK capability": "#1b9e77", "DPRK stability": "#66a61e"}, backend="matplotlib"
    ),
]


@solara.component
def Page():
    model = solara.use_memo(ExplorerModel, [])
    with solara.Sidebar(), solara.Details("What the sliders mean"):
        for p in preferences():
            solara.Markdown(f"**{p.label}**: {p.source}")
    SolaraViz(
        model,
        components=[
            (Timeline, 0),
            (Seat, 0),
            (Explanation, 0),
            *PLOTS,
            (Ensemble, 1),
            (Sources, 2),
        ],
        model_params=model_params(),
        name="crisis-sim explorer",
    )


page = Page
