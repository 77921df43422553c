"""The ODD's generated tables (escalation ladder; parameters and fixed constants), from the code.

python docs/param_tables.py            # print them as Markdown
python docs/param_tables.py --write    # replace the two generated blocks of docs/ODD.md
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.core import agents, enforcement, ladder, params, streams  # noqa: E402

GROUPS = [
    ("US", "actors.us", params.USParams),
    ("China", "actors.china", params.ChinaParams),
    ("Russia", "actors.russia", params.RussiaParams),
    ("DPRK", "actors.dprk", params.DPRKParams),
    ("World", "world", params.WorldParams),
    ("Security Council", "council", params.CouncilParams),
    ("Run", "run", params.RunParams),
]
CONSTANTS = [  # fixed in code, not configurable
    (agents, ["OPENNESS"]),
    (agents, ["DEFIANCE", "DRAFT_SEVERITY", "TEST_COST"]),
    (enforcement, ["LEVELS", "RUSSIA_OWN_LEVEL"]),
    (ladder, ["COERCION"]),
    (streams, ["STREAMS", "BLOCK"]),
]


SOURCE = "Source: article sentence or stated reason (`source`)"


def cell(x) -> str:
    return str(x).replace("|", "\\|")


def ladder_table() -> str:
    head = "| Actor | Move | Rung | Rung name | Coercion | CAMEO | Goldstein | Escalation (class) |"
    out = [head]
    out += ["|---|---|---:|---|---:|---|---:|---|"]
    for m in [*ladder.all_moves(), ladder.NUCLEAR_USE]:
        cls = ladder.ESCALATION_CLASSES[m.escalation]
        rung = ladder.RUNGS[m.rung] if m.rung < len(ladder.RUNGS) else "(outcome only)"
        out.append(
            f"| {m.actor} | `{m.name}` ({m.description}) | {m.rung} | {rung} "
            f"| {m.coercion:g} | {m.cameo} | {m.goldstein:+.1f} | {m.escalation} ({cls}) |"
        )
    return "\n".join(out) + "\n"


def parameter_tables() -> str:
    out = []
    for title, prefix, cls in GROUPS:
        out += [f"**{title}** (`{prefix}.*`)", "", f"| Key | Default | Range | {SOURCE} |"]
        out += ["|---|---|---|---|"]
        for f in params.fields(cls):
            lo, hi = f.metadata.get("range", (None, None))
            rng = "" if lo is None and hi is None else f"[{lo}, {hi}]"
            src = cell(f.metadata.get("source", ""))
            out.append(f"| `{prefix}.{f.name}` | {f.default!r} | {rng} | {src} |")
        out.append("")
    out += ["**Fixed constants in code** (not configurable)", "", "| Module | Name | Value |"]
    out += ["|---|---|---|"]
    for mod, names in CONSTANTS:
        for n in names:
            out.append(f"| `{mod.__name__}` | `{n}` | `{cell(getattr(mod, n))}` |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    blocks = {"ladder": ladder_table(), "parameters": parameter_tables()}
    if "--write" in sys.argv:
        doc = Path(__file__).with_name("ODD.md")
        text = doc.read_text()
        for name, body in blocks.items():
            begin, end = f"<!-- BEGIN GENERATED: {name} -->", f"<!-- END GENERATED: {name} -->"
            head, rest = text.split(begin, 1)
            text = f"{head}{begin}\n\n{body}\n{end}{rest.split(end, 1)[1]}"
        doc.write_text(text)
    else:
        print("\n".join(blocks.values()), end="")
