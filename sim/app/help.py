"""`crisis-sim --help`, generated from the config schema: every key with its meaning, default and
range, grouped by actor and section, and where the article sentence behind it is.

The schema (sim/core/params.py) holds each key's default, range and source; the source of
an actor preference is a sentence of the article, which says why the key exists but not what
it does, so MEANINGS gives those keys a one-line meaning. Hydra prints the template stored
here under `hydra/help` (selected in configs/config.yaml).
"""

from __future__ import annotations

from hydra.core.config_store import ConfigStore

from sim.core.params import ACTOR_NAMES, CrisisConfig, walk

HELP_NAME = "crisis_sim"

# One-line meanings of the keys whose `source` is an article sentence or is missing.
MEANINGS = {
    "task": "run: one scenario over run.seeds; sensitivity: sensitivity analysis "
    "(uses sensitivity.seeds, not run.seeds)",
    "run.seeds": "replications of a run or of each sweep job (task=sensitivity uses "
    "sensitivity.seeds instead)",
    "sensitivity.seeds": "replications per sample point; the sensitivity task uses this, "
    "not run.seeds",
    "scenario.name": "the scenario's name, in titles and output paths (pick one: scenario=...)",
    "scenario.description": "one sentence on the scenario, shown in its report",
    "world.tension0": "tension at round 1 (0 calm, 1 the brink)",
    "world.sanctions0": "sanctions level at round 1, after the August 2017 resolution",
    "actors.us.hawkishness": "how much the US values coercion: threats, shows of force, strikes",
    "actors.us.trust_in_china": "the US's starting belief that China enforces the sanctions",
    "actors.us.distrust_bias": "how far the US reads China's enforcement as lower than it is",
    "actors.us.war_aversion": "how heavily the US weighs the risk of war",
    "actors.us.exercises": "whether the US runs joint military exercises with South Korea",
    "actors.us.appeasement_view": "how hard the US presses China to enforce (tougher drafts)",
    "actors.us.max_rung": "highest escalation rung the US climbs (8 strike, 4 no threats, 2 hold)",
    "actors.us.perception_noise": "noise in the US's reading of China's enforcement",
    "actors.us.rationality": "precision of US choices (0 random; higher: nearer the best move)",
    "actors.china.collapse_fear": "how much China fears the collapse of the DPRK regime",
    "actors.china.trade_share": "China's share of DPRK trade: how much its enforcement bites",
    "actors.china.war_fear": "how much China fears a war on the peninsula",
    "actors.china.threat_sensitivity": "how far US threats move China towards enforcing",
    "actors.china.blame_us": "how far China blames the US, not the DPRK, for the crisis",
    "actors.china.cost_tolerance": "how much economic cost of enforcement China accepts",
    "actors.china.talks_drive": "how strongly China pushes for freeze talks",
    "actors.china.skirting": "how far China's real enforcement falls short of its declared one",
    "actors.china.enforcement_floor": "the least China enforces (china_strict sets 1)",
    "actors.china.veto_cost": "what vetoing a Security Council draft costs China",
    "actors.china.stability_comfort": "margin above the collapse floor China keeps the DPRK at",
    "actors.china.rationality": "precision of China's choices (0 random)",
    "actors.russia.engagement": "how much Russia engages in the crisis at all",
    "actors.russia.trade_share": "Russia's share of DPRK trade",
    "actors.russia.follow_china": "how closely Russia votes and acts as China does",
    "actors.russia.blame_us": "how far Russia blames the US for the crisis",
    "actors.russia.shield": "how far Russia shields the DPRK, by vetoes and leakage",
    "actors.russia.veto_cost": "what vetoing a Security Council draft costs Russia",
    "actors.russia.rationality": "precision of Russia's choices (0 random)",
    "actors.dprk.pressure_response": "how strongly the DPRK answers pressure with tests",
    "actors.dprk.capability_drive": "how much the DPRK values growing its weapons capability",
    "actors.dprk.talks_threshold": "the capability at which the DPRK will talk about a freeze",
    "actors.dprk.risk_tolerance": "how much risk of war the DPRK accepts",
    "actors.dprk.rationality": "precision of the DPRK's choices (0 random)",
    "report.enabled": "build report.html and report.md when the run ends",
    "report.formats": "figure files besides the PNG embedded in the report: png, svg, pdf",
    "sensitivity.parameters": "keys to vary (empty: every actor preference but rationality "
    "and trade shares)",
}
CHOICES = {
    "task": "run | sensitivity",
    "sensitivity.method": "sobol | morris",
    "report.formats": "list of png, svg, pdf",
    "run.start": "YYYY-MM",
    "compare.reference": "a compared scenario",
}
SECTIONS = {
    "task": "What to do",
    "scenario": "Scenario (choose with scenario=<name>; listed above)",
    "run": "Run",
    "world": "World: dynamics the article does not quantify (calibrated; see docs/ODD.md)",
    "council": "UN Security Council",
    "report": "Report",
    "sensitivity": "Sensitivity analysis (task=sensitivity, or experiment=sensitivity)",
    "compare": "Scenario comparison (crisis-sim -m scenario=a,b,c)",
}


def meaning(key: str, f) -> str:
    """A key's one-line meaning: MEANINGS, else the schema's stated reason for it."""
    return MEANINGS.get(key) or f.metadata.get("source", "")


def _value(v) -> str:
    if isinstance(v, str) and len(v) > 12:  # a sentence, such as a scenario's description
        return "(text)"
    if isinstance(v, int) and not isinstance(v, bool) and v >= 2**62:
        return "2^63-1"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, list):
        return "[" + ",".join(map(str, v)) + "]"
    return f"{v:g}" if isinstance(v, float) else str(v)


def allowed(key: str, f, value) -> str:
    """'[0, 1]', 'true | false', 'sobol | morris' or ''."""
    if key in CHOICES:
        return CHOICES[key]
    if isinstance(value, bool):
        return "true | false"
    lo, hi = f.metadata.get("range", (None, None))
    if lo is None and hi is None:
        return ""
    return f"[{_value(lo)}, {_value(hi)}]"


def section(key: str) -> str:
    """The heading a key is listed under: the actor for actor keys, else its config section."""
    parts = key.split(".")
    if parts[0] == "actors":
        return f"{ACTOR_NAMES[parts[1]]} (actors.{parts[1]}.*)"
    return SECTIONS.get(parts[0], parts[0])


def keys_text(cfg: CrisisConfig | None = None) -> str:
    """Every key of the schema, grouped, one line each: key, default, allowed, meaning."""
    rows: dict[str, list[tuple[str, str, str, str]]] = {}
    for key, value, f in walk(cfg or CrisisConfig()):
        rows.setdefault(section(key), []).append(
            (key, _value(value), allowed(key, f, value), meaning(key, f))
        )
    width = max(len(k) for group in rows.values() for k, *_ in group)
    dw = max(len(d) for group in rows.values() for _, d, *_ in group)
    aw = max(len(a) for group in rows.values() for _, _, a, _ in group)
    out = []
    for heading, group in rows.items():
        out.append(heading)
        out += [f"  {k:<{width}}  {d:<{dw}}  {a:<{aw}}  {m}".rstrip() for k, d, a, m in group]
        out.append("")
    return "\n".join(out).rstrip()


HEADER = """\
crisis-sim: a scenario simulator of the 2017 Korean Peninsula crisis (US, China, Russia, DPRK).
With no arguments it runs the baseline scenario. Set any key below as key=value.

  crisis-sim scenario=china_strict run.seeds=1000      one scenario
  crisis-sim -m scenario=baseline,no_exercises          scenarios against compare.reference
  crisis-sim experiment=tipping_point                   where the odds of war overtake talks
  crisis-sim --cfg job                                  the resolved config, nothing run"""

FOOTER = """\
Where each key comes from: the article sentence (or, for world, council and run keys, the
reason) behind every key is in docs/ODD.md, section 8 "Parameters", and in the `source` of
its field in sim/core/params.py. More examples: README.md. Sweeps: docs/sweeps.md.
Powered by Hydra (https://hydra.cc); --hydra-help shows Hydra's own options."""


def template() -> str:
    """Hydra's help template: the header, the config groups, every key, the footer."""
    keys = keys_text()
    if "$" in keys:  # Hydra substitutes $NAMES in the template
        raise ValueError("a help line holds '$', which Hydra's template would substitute")
    return (
        f"{HEADER}\n\n== Choices (group=option) ==\n$APP_CONFIG_GROUPS\n\n"
        f"== Keys ==  key, default (baseline), allowed values, meaning\n\n{keys}\n\n{FOOTER}\n"
    )


def register() -> None:
    """Store the generated help as `hydra/help=crisis_sim` (configs/config.yaml selects it)."""
    ConfigStore.instance().store(
        group="hydra/help",
        name=HELP_NAME,
        node={"app_name": "crisis-sim", "header": HEADER, "footer": FOOTER, "template": template()},
        provider="crisis-sim",
    )


def documented_keys() -> list[str]:
    """Every key of the schema (for checks that the help and README cover them)."""
    return [k for k, _, _ in walk(CrisisConfig())]
