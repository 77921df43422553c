"""What the browser explorer shows, without the browser: settings, the stepped model, ensembles.

`sim/app/app.py` draws these with SolaraViz; everything here is plain Python, so it is
tested without a browser. `ExplorerModel` is the Mesa model the explorer steps: one
replication of the chosen scenario (a `Game`, so a person can take one actor's seat),
with a DataCollector of the series the live plots draw.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache

import mesa
import numpy as np

from sim.app.game import Game
from sim.app.resources import CONFIGS
from sim.core.ladder import MENUS
from sim.core.outcomes import OUTCOMES
from sim.core.params import CrisisConfig, label, validate, walk
from sim.report.style import month_label

SEATS = ("none", "us", "china", "russia", "dprk")
DEFAULT_SEED = 20170809
SERIES = {
    "tension": "tension",
    "sanctions level": "sanctions_level",
    "China enforcement": "china_enforcement",
    "Russia enforcement": "russia_enforcement",
    "DPRK capability": "dprk_capability",
    "DPRK stability": "dprk_stability",
}


def scenarios() -> list[str]:
    """The shipped scenarios (configs/scenario/*.yaml), baseline first."""
    names = sorted(p.stem for p in (CONFIGS / "scenario").glob("*.yaml"))
    return sorted(names, key=lambda n: n != "baseline")


@cache
def _scenario(name: str) -> CrisisConfig:
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from sim.app.config import register

    if name not in scenarios():
        raise ValueError(f"scenario {name!r} is unknown; allowed: {', '.join(scenarios())}")
    register()
    with initialize_config_dir(str(CONFIGS), version_base="1.3"):
        cfg = compose("config", overrides=[f"scenario={name}"])
    return OmegaConf.to_object(cfg)


def scenario_config(name: str) -> CrisisConfig:
    """The config of a shipped scenario, as `crisis-sim scenario=<name>` composes it."""
    return copy.deepcopy(_scenario(name))


@dataclass(frozen=True)
class Preference:
    """One actor preference as a slider: key, label, range, step, default, source."""

    key: str  # actors.us.hawkishness
    name: str  # us_hawkishness (the model's keyword)
    label: str
    lo: float
    hi: float
    step: float
    default: object
    source: str
    kind: str  # float, int, bool


def preferences() -> list[Preference]:
    """Every actor preference of the schema, with its range and its source sentence."""
    out = []
    for key, value, f in walk(CrisisConfig().actors, "actors."):
        lo, hi = f.metadata.get("range", (None, None))
        kind = "bool" if isinstance(value, bool) else "int" if isinstance(value, int) else "float"
        step = 1 if kind == "int" else (0.5 if (hi or 1) > 1 else 0.01)
        out.append(
            Preference(
                key,
                key.removeprefix("actors.").replace(".", "_"),
                label(key),
                lo if lo is not None else 0,
                hi if hi is not None else 1,
                step,
                value,
                f.metadata.get("source", ""),
                kind,
            )
        )
    return out


def build_config(
    scenario: str = "baseline",
    seed: int = DEFAULT_SEED,
    rounds: int = 24,
    values: dict | None = None,
) -> tuple[CrisisConfig, list[tuple[str, object, object]]]:
    """The scenario's config with the sliders applied, and the list of changes.

    A slider left at the schema's default keeps the scenario's value; one moved away
    from it sets the value. Returns (config, [(key, scenario value, new value)]).
    """
    cfg = scenario_config(scenario)
    cfg.run.seed, cfg.run.rounds, cfg.run.seeds, cfg.run.progress = int(seed), int(rounds), 1, False
    changes = []
    prefs = {p.name: p for p in preferences()}
    for name, value in (values or {}).items():
        p = prefs[name]
        if value == p.default:
            continue
        _, actor, leaf = p.key.split(".")
        node = getattr(cfg.actors, actor)
        value = bool(value) if p.kind == "bool" else int(value) if p.kind == "int" else value
        if getattr(node, leaf) != value:
            changes.append((p.key, getattr(node, leaf), value))
            setattr(node, leaf, value)
    validate(cfg)
    return cfg, changes


class ExplorerModel(mesa.Model):
    """One replication of the chosen settings, stepped round by round in the browser."""

    def __init__(
        self,
        scenario_name: str = "baseline",
        seat: str = "none",
        seed: int | str = DEFAULT_SEED,
        rounds: int = 24,
        scenario=None,  # Mesa's own Scenario object, handed back on reset; not ours
        **values,
    ):
        self.notes: list[str] = []
        text = str(seed).strip()
        if not text.isdigit():
            self.notes.append(f"seed {text!r} is not a whole number >= 0; using {DEFAULT_SEED}")
            text = str(DEFAULT_SEED)
        seed = int(text)
        super().__init__(rng=seed)
        self.seed = seed
        self.scenario_name = scenario_name
        self.cfg, self.changes = build_config(scenario_name, seed, rounds, values)
        self.seat = None if seat in (None, "none") else seat
        self.game = Game(self.cfg, 0, self.seat)
        self.history: list[dict] = []  # the explanations of each round, by actor
        self.datacollector = mesa.DataCollector(
            model_reporters={
                name: (lambda m, col=col: getattr(m.game.model.state, col))
                for name, col in SERIES.items()
            }
        )
        self.datacollector.collect(self)
        self.running = not self.game.done

    @property
    def crisis(self):
        return self.game.model

    def step(self) -> None:
        """One round when no one is seated; with a seat, rounds advance by the person's answers."""
        if self.game.done:
            self.running = False
            return
        if self.seat is not None:
            # The person's answers advance a seated game; stepping pauses the controls
            # (Mesa's Step and play buttons follow `running`) instead of spinning.
            self.running = False
            return
        self.game.step()
        self._after_round()

    def answer(self, key) -> bool:
        """The seated person's answer to the pending decision; True when a round completed."""
        finished = self.game.answer(key)
        if finished:
            self._after_round()
        return finished

    def _after_round(self) -> None:
        self.history.append(dict(self.game.explained))
        self.datacollector.collect(self)
        self.running = not self.game.done

    # --- what the panels show ---------------------------------------------------------------

    def status(self) -> str:
        m = self.crisis
        r = m.state.round
        when = month_label(r, self.cfg.run.start) if r else "before round 1"
        if self.game.done:
            end = m.outcome if m.outcome_round else f"{m.outcome} at the horizon"
            return f"Round {r} ({when}): game over, outcome {end.replace('_', ' ')}"
        return f"Round {r} ({when}) of {self.cfg.run.rounds}: in crisis"

    def lanes(self) -> list[tuple[str, list[str]]]:
        """The swim lanes of the timeline: one row of cells per actor, the council, talks."""
        rows = self.crisis.rows
        lanes = {"US": [], "China": [], "Russia": [], "DPRK": [], "UN Security Council": []}
        lanes["Talks / outcome"] = []
        for row in rows:
            lanes["US"].append(row[14])
            lanes["China"].append(row[15])
            lanes["Russia"].append(row[16])
            lanes["DPRK"].append(row[17])
            drafted, adopted, cv, rv = row[18], row[19], row[20], row[21]
            if drafted is None:
                lanes["UN Security Council"].append("")
            elif adopted is not None:
                lanes["UN Security Council"].append(f"adopted {adopted:.2f}")
            else:
                lanes["UN Security Council"].append(f"failed: CN {cv}, RU {rv}")
            outcome, talks = row[23], row[24]
            if outcome:
                lanes["Talks / outcome"].append(outcome.replace("_", " "))
            else:
                lanes["Talks / outcome"].append("" if talks == "none" else talks)
        return list(lanes.items())


def goldstein(actor_lane: str, move: str) -> float | None:
    key = {"US": "us", "China": "china", "Russia": "russia", "DPRK": "dprk"}.get(actor_lane)
    if key is None or move not in MENUS[key]:
        return None
    return MENUS[key][move].goldstein


def ensemble(cfg: CrisisConfig, seeds: int) -> dict:
    """Outcome odds (95% Wilson) and where the runs stand month by month, over `seeds` runs.

    The one entry point of the ensemble tab: replications 0..seeds-1 in the batch
    driver, the same streams as `crisis-sim run.seeds=<seeds>` with the same settings.
    `states` is `sim.stats.state_by_month`: ended outcomes cumulated, the runs still in
    crisis split by talks state.
    """
    import pandas as pd

    from sim import stats
    from sim.core import kernels as K
    from sim.runs import batch
    from sim.runs.replications import Tally

    cfg = copy.deepcopy(cfg)
    cfg.run.seeds = seeds
    block = batch.simulate(cfg, 0, seeds)
    tally = Tally(cfg.run.rounds)
    tally.add_block(block)
    o, t = block.outcomes, block.trajectories
    ended = o["outcome_round"] >= 0
    outcomes = pd.DataFrame(
        {
            "outcome": [OUTCOMES[k] for k in o["outcome"]],
            "outcome_round": np.where(ended, o["outcome_round"], np.nan),
        }
    )
    talks = stats.talks_counts(
        t["round"], [K.TALKS_STATES[k] for k in t["talks"]], t["outcome"] < 0, cfg.run.rounds
    )
    states = stats.state_by_month(outcomes, talks, cfg.run.rounds, seeds, list(OUTCOMES))
    return {"summary": tally.summary(cfg), "states": states}
