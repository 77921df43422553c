"""The terminal game: `crisis-sim task=play play.actor=us` (or china, russia, dprk).

Each round the person picks the actor's decisions from numbered menus, with the
model's own explanation of each option as advice; the other actors decide by the
model's rules. At the end the outcome stands beside what the model's own actor did
on the same seed and over other seeds, and the game's files are written like a run's.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.app.game import Decision, Game
from sim.core.params import ACTOR_NAMES, CrisisConfig
from sim.report.style import month_label

QUIT = ("q", "quit", "exit")


class Stop(Exception):
    """The person left the game (end of input, Ctrl-C or q)."""


def fmt_value(v: float | None) -> str:
    return "" if v is None else f"{v:+.3f}"


def menu(d: Decision) -> str:
    """The numbered menu of a decision, with the model's values and probabilities."""
    who = ACTOR_NAMES[d.actor]
    lines = [f"{who}, {d.question()}:"]
    for i, o in enumerate(d.options, 1):
        value = fmt_value(o.value)
        lines.append(
            f"  {i}. {o.label:<22} {o.description:<48} {value:>7}  model p = {o.probability:5.1%}"
        )
    best = d.advice
    lines.append(f"  advice: the model's {who} would most likely choose '{best.label}'.")
    return "\n".join(lines)


def situation(game: Game, start: str) -> str:
    s = game.model.state
    last = game.model.last
    r = s.round + 1
    lines = [
        "",
        f"=== Round {r}: {month_label(r, start)} ===",
        f"tension {s.tension:.2f}  sanctions {s.sanctions_level:.2f}  "
        f"China enforcement {s.china_enforcement:.2f}  DPRK capability {s.dprk_capability:.2f}  "
        f"DPRK stability {s.dprk_stability:.2f}",
    ]
    if s.round > 0:
        lines.append(
            f"last month: US {last.us.name}, China {last.china.name}, "
            f"Russia {last.russia.name}, DPRK {last.dprk.name}"
            + (f"; resolution adopted ({last.adopted:.2f})" if last.adopted > 0 else "")
        )
    return "\n".join(lines)


def ask(d: Decision, read=input, write=print) -> object:
    """The key of the option the person picks; asks again until the answer is valid."""
    n = len(d.options)
    write(menu(d))
    while True:
        try:
            raw = read(f"choice [1-{n}, q to quit]: ")
        except EOFError:
            raise Stop("end of input") from None
        except KeyboardInterrupt:
            raise Stop("interrupted") from None
        text = raw.strip().lower()
        if text in QUIT:
            raise Stop("you left the game")
        if text.isdigit() and 1 <= int(text) <= n:
            return d.options[int(text) - 1].key
        write(f"'{raw.strip()}' is not a choice: type a number from 1 to {n}, or q to quit.")


def outcome_text(outcome: str, round_: int | None, start: str) -> str:
    if round_ is None:
        return f"{outcome} (no outcome by the horizon)"
    return f"{outcome} in round {round_} ({month_label(round_, start)})"


def comparison(played: str, summary: dict, same: dict, start: str) -> str:
    lines = [
        f"your game:                       {played}",
        "the model's own actor, same seed: "
        + outcome_text(same["outcome"], same["outcome_round"], start),
    ]
    if summary["seeds"]:
        lines.append(f"the model's own actor over {summary['seeds']} other seeds:")
        for name, row in summary["outcomes"].items():
            lines.append(
                f"  {name:<12} {row['probability']:6.1%}  "
                f"[{row['ci_low']:.1%}, {row['ci_high']:.1%}] (95% Wilson)"
            )
    return "\n".join(lines)


def main(conf: CrisisConfig, outdir: Path, read=input, write=print) -> dict:
    """Play one game in the terminal; write its files into `outdir`; return its summary."""
    from sim.runs import play as files

    actor = conf.play.actor
    start = conf.run.start
    game = Game(conf, conf.play.replication, actor)
    write(
        f"You are {ACTOR_NAMES[actor]} in {conf.scenario.name}, from "
        f"{month_label(1, start)}, for up to {conf.run.rounds} months "
        f"(seed {conf.run.seed}, replication {conf.play.replication})."
    )
    shown = -1
    try:
        while not game.done:
            d = game.pending()
            if game.round != shown:
                write(situation(game, start))
                shown = game.round
            game.answer(ask(d, read, write))
    except (Stop, KeyboardInterrupt) as why:
        reason = why if isinstance(why, Stop) else "interrupted"
        write(f"\ngame stopped in round {game.round + 1} ({reason}); nothing written.")
        sys.exit(1)
    m = game.model
    played = outcome_text(m.outcome, m.outcome_round, start)
    write("")
    write(f"=== Outcome: {played} ===")
    model = files.model_play(conf, conf.play.replication, conf.play.compare)
    write(comparison(played, model["others"], model["same_seed"], start))
    extra = {
        "actor": actor,
        "replication": conf.play.replication,
        "outcome": m.outcome,
        "outcome_round": m.outcome_round,
        "answers": [[_plain(a) for a in r] for r in game.answers],
        "model_same_seed": model["same_seed"],
        "model_other_seeds": model["others"],
    }
    summary = files.write(conf, m, conf.play.replication, outdir, extra)
    if conf.report.enabled:
        from sim.report import build

        build.report(outdir)
    write(f"outputs: {outdir}")
    return summary


def _plain(a):
    return a if isinstance(a, (str, bool, int, float)) else str(a)
