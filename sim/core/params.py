"""Every number of the model, as typed config dataclasses.

Each actor preference is a named field whose metadata records its allowed
range and the sentence of the source article it comes from (Jonah Shepp,
"Don't count on China or Russia to resolve the North Korea crisis", NY Mag,
9 August 2017). World constants that the article does not fix carry the
reason for their value instead. Hydra registers these dataclasses as the
config schema, so an unknown key or a wrong type fails at composition;
`validate` then checks the ranges before any work starts.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any

UNIT = (0.0, 1.0)
#: Months an actor may look ahead (world.lookahead); the kernels hold scratch for this many.
MAX_LOOKAHEAD = 6


def p(default: Any, lo: float | None = None, hi: float | None = None, source: str = "") -> Any:
    """A parameter with its allowed range and the sentence behind it."""
    return field(default=default, metadata={"range": (lo, hi), "source": source})


def unit(default: float, source: str) -> Any:
    """A parameter in [0, 1]."""
    return p(default, *UNIT, source=source)


@dataclass
class USParams:
    hawkishness: float = unit(
        0.6,
        "Trump's cryptic threat of a U.S. military assault or maybe nuclear war.",
    )
    trust_in_china: float = unit(
        0.35,
        "The Trump administration does not necessarily trust China to live up to its "
        "promise of strict sanctions enforcement, as it has been known to skirt such "
        "obligations in the past.",
    )
    distrust_bias: float = unit(
        0.1,
        "The administration has also repeatedly accused the Chinese government of "
        "enabling North Korean dictator Kim Jong-un's bad behavior.",
    )
    war_aversion: float = unit(
        0.75,
        "If we try to shoot down a North Korean ICBM, it probably won't trigger Russia's "
        "early-warning system and snowball into a civilization-ending global nuclear war.",
    )
    exercises: bool = p(
        True,
        source="China has implicitly accused the U.S. and South Korea of hindering "
        "[negotiations] with their insistence on pursuing joint military exercises.",
    )
    appeasement_view: float = unit(
        0.5,
        "The U.S. seems to think the solution to the crisis is for China to take a "
        "tougher stance and views its preference for a softer approach as appeasement.",
    )
    max_rung: int = p(
        8,
        2,
        8,
        "China ... sees Washington's saber-rattling as an obstacle (the highest rung the US "
        "climbs: 8 allows a strike, 4 stops short of threats, 2 holds; hold stays open).",
    )
    perception_noise: float = p(
        0.1, 0.0, 0.5, "The US cannot see China's enforcement directly (trust is inferred)."
    )
    rationality: float = p(20.0, 0.0, 100.0, "Quantal-response precision; 0 is random choice.")


@dataclass
class ChinaParams:
    collapse_fear: float = unit(
        0.8,
        "For China, the main security risk posed by North Korea is the potential "
        "collapse of the Kim regime, not the development of ICBMs.",
    )
    trade_share: float = unit(0.9, "Controlling 90 percent of North Korea's trade.")
    war_fear: float = unit(
        0.7,
        "Beijing surely does not relish the thought of a massive, destabilizing war on "
        "the Korean peninsula, much less a nuclear exchange in its backyard.",
    )
    threat_sensitivity: float = unit(
        0.1,
        "Beijing has been studiously unimpressed with escalations and ultimatums thus far.",
    )
    blame_us: float = unit(
        0.8,
        "China sees the U.S. and South Korea as the main instigators of the conflict, "
        "not the North.",
    )
    cost_tolerance: float = unit(
        0.6,
        "China would pay the greatest economic price for tougher sanctions ... "
        "He said his country was willing to take the hit.",
    )
    talks_drive: float = unit(
        0.7,
        "The aim of economic pressure must be to bring North Korea to the negotiating table.",
    )
    skirting: float = unit(
        0.1,
        "It has been known to skirt such obligations in the past.",
    )
    enforcement_floor: float = unit(
        0.0,
        "While China could theoretically strangle the North Korean economy with a total "
        "blockade, it has no desire to do so (0: no floor; china_strict sets 1).",
    )
    veto_cost: float = unit(
        0.6,
        "Russia and China joined the rest of the United Nations Security Council on "
        "Saturday in approving a U.S.-drafted sanctions resolution.",
    )
    stability_comfort: float = unit(
        0.5,
        "It has no desire to [strangle the economy], as it fears this would precipitate "
        "that collapse (China keeps a margin above the collapse floor).",
    )
    rationality: float = p(20.0, 0.0, 100.0, "Quantal-response precision; 0 is random choice.")


@dataclass
class RussiaParams:
    engagement: float = unit(
        0.2,
        "Moscow doesn't have that much skin in the game and has not that many tools to "
        "influence the situation.",
    )
    trade_share: float = unit(
        0.02,
        "The sanctions resolution does not do much harm to its commercial interests.",
    )
    follow_china: float = unit(
        0.8,
        "They are happy to take a back seat and let China lead the way.",
    )
    blame_us: float = unit(
        0.7,
        "It appears to share China's view that the U.S. is more likely to instigate "
        "that conflict than North Korea.",
    )
    shield: float = unit(
        0.0,
        "Russia is sending signals that it is not a key player in this crisis (0: it "
        "does not shield the DPRK; the russia_spoiler scenario raises it).",
    )
    veto_cost: float = unit(
        0.5,
        "It makes the U.S. and its East Asian allies less likely to take escalatory measures.",
    )
    rationality: float = p(20.0, 0.0, 100.0, "Quantal-response precision; 0 is random choice.")


@dataclass
class DPRKParams:
    pressure_response: float = unit(
        0.75,
        "This is how North Korea always responds to international pressure.",
    )
    capability_drive: float = unit(
        0.6,
        "North Korea growing exponentially more dangerous.",
    )
    talks_threshold: float = unit(
        0.55,
        "Negotiations over a freeze (not a shutdown) of its nuclear program (the capability "
        "at which the DPRK has a deterrent worth freezing and will talk).",
    )
    risk_tolerance: float = unit(
        0.3,
        "Lavrov downplayed Pyongyang's threats ..., noting that this is how North Korea "
        "always responds to international pressure (threats, not attacks: war risk is shunned).",
    )
    rationality: float = p(20.0, 0.0, 100.0, "Quantal-response precision; 0 is random choice.")


@dataclass
class ActorsConfig:
    us: USParams = field(default_factory=USParams)
    china: ChinaParams = field(default_factory=ChinaParams)
    russia: RussiaParams = field(default_factory=RussiaParams)
    dprk: DPRKParams = field(default_factory=DPRKParams)


@dataclass
class WorldParams:
    """Dynamics the article does not quantify; values are calibrated, see docs/ODD.md."""

    tension0: float = unit(
        0.55, "The mounting tensions of the past two days, including Trump's cryptic threat."
    )
    sanctions0: float = unit(
        0.3, "Russia and China joined ... in approving a U.S.-drafted sanctions resolution."
    )
    china_enforcement0: float = unit(
        0.45, "China's declared enforcement before round 1 (it has skirted such obligations)."
    )
    russia_enforcement0: float = unit(0.4, "Russia's enforcement before round 1.")
    capability0: float = unit(0.4, "After the two Hwasong-14 ICBM tests of July 2017.")
    stability0: float = unit(0.7, "A strained but stable regime.")
    talks0: str = p(
        "none",
        source="Talks before round 1: none, negotiating or agreement (a freeze in force). "
        "None in August 2017; run.start sets it from the record (docs/calibration.md).",
    )
    tension_decay: float = unit(0.15, "Tension halves in about four quiet months.")
    tension_gain: float = p(0.5, 0.0, 5.0, "Tension added by 60 points of escalation score.")
    exercise_tension: float = unit(0.04, "Standing tension from running joint exercises.")
    capability_growth: float = unit(0.02, "Background programme growth per round.")
    missile_gain: float = unit(0.05, "Logistic growth rate added by a missile test.")
    icbm_gain: float = unit(0.12, "Logistic growth rate added by an ICBM test.")
    nuclear_gain: float = unit(0.2, "Logistic growth rate added by a nuclear test.")
    stability_equilibrium: float = unit(0.75, "Where the regime settles without pressure.")
    stability_recovery: float = unit(0.05, "Share of the gap to equilibrium recovered per round.")
    pressure_impact: float = unit(0.12, "Stability lost per round at full pressure.")
    collapse_floor: float = unit(0.15, "Stability below which the regime falls.")
    collapse_band: float = p(0.3, 0.01, 1.0, "Width above the floor where collapse risk rises.")
    leakage: float = unit(0.1, "Smuggling and ship-to-ship transfers past any enforcement.")
    other_enforcement: float = unit(0.9, "Enforcement by the rest of the DPRK's partners.")
    accident_war: float = unit(0.012, "War hazard per round at full tension (accidents).")
    move_accident: float = unit(0.004, "Extra war hazard from each test or show of force.")
    strike_war: float = unit(0.7, "Chance a US strike is answered and becomes war.")
    attack_war: float = unit(0.95, "Chance a DPRK attack becomes war.")
    nuclear_base: float = unit(0.05, "Chance a war turns nuclear at zero capability.")
    nuclear_capability: float = unit(0.3, "Extra chance of nuclear use at full capability.")
    shield_leakage: float = unit(0.25, "Extra leakage at full Russian shielding.")
    icbm_interval: int = p(
        2, 1, 24, "Rounds from one ICBM test to the next possible (2017: July, November)."
    )
    nuclear_interval: int = p(
        6, 1, 60, "Rounds from one nuclear test to the next possible (2016: Jan, Sep; 2017: Sep)."
    )
    resolution_base: float = unit(0.05, "Strength of a routine draft resolution.")
    rationality_scale: float = p(1.0, 0.0, 10.0, "Multiplies every actor's rationality.")
    trust_learning: float = unit(0.3, "Weight of the newest observation in beliefs.")
    horizon: int = p(12, 1, 120, "Rounds ahead China projects stability under pressure.")
    # Utility weights shared by every actor (were constants of the kernels).
    war_weight: float = p(4.0, 0.0, 20.0, "Cost of a unit of war hazard, in utility (assumption).")
    nuclear_weight: float = p(
        8.0, 0.0, 40.0, "Cost of a unit of nuclear-war hazard, in utility (assumption)."
    )
    collapse_weight: float = p(
        4.0, 0.0, 20.0, "China's cost of a unit of stability below its comfort (assumption)."
    )
    belief0: float = unit(0.1, "Prior that the other side would accept talks (assumption).")
    test_cost: float = p(
        0.04,
        0.0,
        0.5,
        "What a missile test costs the regime in utility; an ICBM test twice, a nuclear "
        "test three times as much (assumption).",
    )
    draft_severity: float = p(
        0.1,
        0.0,
        1.0,
        "How much stronger than routine a draft is after an ICBM test; 1.5 times after a "
        "nuclear test (resolution 2375 after the September 2017 test; assumption).",
    )
    # Talks as a process: they open, run for rounds, and end in a freeze or break down.
    talks_agreement: float = unit(
        0.2,
        "Per-round chance open negotiations reach a freeze agreement: exercises suspended, "
        'tests stopped, some relief ("negotiations over a freeze (not a shutdown)"; '
        "Singapore came three months after the 2018 opening; assumption).",
    )
    talks_breakdown: float = unit(
        0.1,
        "Per-round chance open negotiations break down without a test or a show of force "
        "(Hanoi, February 2019; assumption).",
    )
    agreement_breakdown: float = unit(
        0.03, "Per-round chance a freeze agreement unravels (assumption)."
    )
    talks_relief: float = unit(
        0.2, "Share of the sanctions level lifted when a freeze is agreed (assumption)."
    )
    talks_value: float = p(
        0.05,
        0.0,
        2.0,
        "What talks in force are worth to the US (scaled by 1 - hawkishness), the DPRK and "
        'China (by talks_drive): "the aim of economic pressure must be to bring North Korea '
        'to the negotiating table" (assumption for the size: with level-1 anticipation, '
        "0.05 puts the first opening near March 2018 as in the record; see docs/ODD.md 7.11).",
    )
    collapse_steepness: float = p(
        4.0,
        0.5,
        20.0,
        "Collapse hazard falls by e^-steepness per collapse_band of stability above the "
        "floor: a gradient, never exactly zero (assumption).",
    )
    # Channels: how each preference reaches a choice (sizes are assumptions).
    china_war_pressure: float = p(
        1.0,
        0.0,
        5.0,
        "China's value of pressure per unit of war fear times (DPRK capability + predicted US "
        'coercion): its support followed "North Korea growing exponentially more dangerous" '
        'and it fears "a massive, destabilizing war" (size: assumption).',
    )
    china_threat_weight: float = p(
        2.0,
        0.0,
        5.0,
        "China's extra enforcement value per unit of threat_sensitivity and US coercion "
        '("studiously unimpressed with escalations"; size: assumption).',
    )
    china_resolve: float = p(
        4.0,
        0.5,
        20.0,
        "Scale of China's enforcement values relative to its logit noise: enforcement is "
        "decided by values, not noise (assumption).",
    )
    russia_weight: float = p(
        1.0,
        0.0,
        5.0,
        "How much Russia's moves weigh with their consumers per unit of engagement: backing "
        "China cheapens its soften and veto, warning the US raises the cost of coercion, "
        "urging talks raises the DPRK's belief that talks are open (size: assumption).",
    )
    dprk_pain: float = p(
        1.0,
        0.0,
        5.0,
        "What sanctions pressure on a weakened economy makes talks worth to the DPRK, "
        "scaled by 1 - pressure_response (size: assumption).",
    )
    dprk_moratorium: float = p(
        0.15,
        0.0,
        1.0,
        "Cost of a test once the deterrent is complete by the DPRK's measure (the November "
        "2017 declaration and the 2018 moratorium; assumption).",
    )
    us_prevention: float = p(
        3.5,
        0.0,
        10.0,
        "A hawkish US's value of a strike when it predicts pressure failing and DPRK "
        'capability near its red line ("a U.S. military assault"; size: assumption).',
    )
    us_red_line: float = unit(
        0.55,
        "DPRK capability at which a hawkish US weighs prevention: the deterrent the DPRK "
        "itself would call complete (talks_threshold; assumption).",
    )
    # Anticipation: how far ahead, and how deeply, the actors reason about each other.
    reasoning_level: int = p(
        1,
        0,
        1,
        "0: each actor assumes the others repeat last month's moves; 1: it predicts its "
        "counterpart's move this month as a level-0 actor would choose it (the US the "
        "DPRK's, the DPRK and China the US's: \"will Trump's threats convince China?\"; "
        "level-k reasoning, assumption).",
    )
    lookahead: int = p(
        2,
        1,
        MAX_LOOKAHEAD,
        "Months over which an actor values a move: the coming month, then further months "
        "with every move held (assumption).",
    )
    discount: float = unit(
        0.8, "Weight of each further month in that valuation, per month (assumption)."
    )


@dataclass
class CouncilParams:
    soften_factor: float = p(0.3, 0.01, 0.99, "Share of a draft's strength removed per softening.")
    max_soften_rounds: int = p(3, 0, 10, "Softenings before a draft is abandoned.")
    min_strength: float = unit(0.02, "A draft weaker than this is not worth adopting.")


@dataclass
class RunParams:
    seeds: int = p(500, 1, 10_000_000, "Number of replications.")
    seed: int = p(20170809, 0, 2**63 - 1, "Base seed; with the index it fixes each stream.")
    rounds: int = p(24, 1, 10_000, "Rounds (months) per replication.")
    start: str = p("2017-08", source="Calendar month of round 1 (YYYY-MM).")
    progress: bool = p(True, source="Show a progress bar on long runs.")
    batch: int = p(1000, 1, 1_000_000, "Replications per write to trajectories.parquet.")
    workers: int = p(
        0,
        0,
        4096,
        "Worker processes for the replications, 0 for every core this process may use; "
        "the results do not depend on it.",
    )
    events: str = p(
        "auto",
        source="Write events.parquet (CAMEO-coded events, docs/events.md): auto (when "
        "run.seeds is under 10,000), true or false.",
    )


@dataclass
class ScenarioInfo:
    name: str = "baseline"
    description: str = "The article's reading of August 2017."


@dataclass
class ReportParams:
    enabled: bool = True
    formats: list[str] = field(default_factory=lambda: ["png"])  # SVG, PDF when asked


@dataclass
class SensitivityParams:
    """Global sensitivity analysis over actor preferences (task=sensitivity)."""

    method: str = p("sobol", source="sobol (S1, ST with intervals) or morris (screening).")
    samples: int = p(64, 1, 1_000_000, "Base sample size N (Sobol runs N x (D + 2) points).")
    seeds: int = p(50, 1, 1_000_000, "Replications per sample point.")
    levels: int = p(4, 2, 20, "Grid levels of Morris trajectories.")
    parameters: list[str] = field(default_factory=list)  # empty: every sampled constant
    # Groups whose constants are sampled: actors (the preferences), world, council.
    include: list[str] = field(default_factory=lambda: ["actors"])


PLAY_ACTORS = ("us", "china", "russia", "dprk")


@dataclass
class PlayParams:
    """A person plays one actor (task=play); the others follow the model's rules."""

    actor: str = p("us", source="The actor the person plays: us, china, russia or dprk.")
    replication: int = p(
        0, 0, 2**31 - 1, "Replication index of the game's random streams (with run.seed)."
    )
    compare: int = p(
        200, 0, 100_000, "Seeds the model's own actor plays, for the distribution beside a game."
    )


@dataclass
class CompareParams:
    """How a multirun over scenarios is compared (crisis-sim -m scenario=a,b,c)."""

    reference: str = p(
        "baseline",
        source="The scenario every other is compared with, run by run; when the default "
        "baseline is not among them, the first scenario (with a note).",
    )


@dataclass
class CrisisConfig:
    task: str = p(
        "run", source="run (one scenario over run.seeds), sensitivity, or play (a person plays)."
    )
    scenario: ScenarioInfo = field(default_factory=ScenarioInfo)
    run: RunParams = field(default_factory=RunParams)
    actors: ActorsConfig = field(default_factory=ActorsConfig)
    world: WorldParams = field(default_factory=WorldParams)
    council: CouncilParams = field(default_factory=CouncilParams)
    report: ReportParams = field(default_factory=ReportParams)
    sensitivity: SensitivityParams = field(default_factory=SensitivityParams)
    play: PlayParams = field(default_factory=PlayParams)
    compare: CompareParams = field(default_factory=CompareParams)
    calibrate: CalibrateParams = field(default_factory=lambda: CalibrateParams())
    hindcast: HindcastParams = field(default_factory=lambda: HindcastParams())
    calibration: CalibrationRef = field(default_factory=lambda: CalibrationRef())
    uncertainty: UncertaintyParams = field(default_factory=lambda: UncertaintyParams())


#: The model's talks states (sim.core.kernels.TALKS_STATES), the values of world.talks0.
TALKS_STATES = ("none", "negotiating", "agreement")
EVENTS_SWITCH = ("auto", "true", "false")
EVENTS_AUTO_LIMIT = 10_000  # run.events=auto writes events.parquet below this many seeds


def events_enabled(cfg: CrisisConfig) -> bool:
    """Whether a run of `cfg` writes events.parquet (run.events: auto, true or false)."""
    switch = str(cfg.run.events).lower()
    return switch == "true" or (switch == "auto" and cfg.run.seeds < EVENTS_AUTO_LIMIT)


class ConfigError(ValueError):
    """A config value outside what the model allows."""


def walk(obj: Any, prefix: str = ""):
    """Yield (dotted key, value, field) for every leaf of a config dataclass."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        if is_dataclass(value):
            yield from walk(value, key + ".")
        else:
            yield key, value, f


def validate(cfg: CrisisConfig) -> None:
    """Raise ConfigError naming the first bad key, its value and what is allowed.

    Hydra rejects unknown keys and wrong types at composition, except keys forced in
    with `+key=value`; configs built in Python get the same checks here.
    """
    nodes = [("", cfg)]
    while nodes:
        prefix, node = nodes.pop()
        names = [f.name for f in fields(node)]
        extra = [k for k in vars(node) if k not in names]
        if extra:
            where = f"keys of {prefix[:-1]}" if prefix else "top-level keys"
            raise ConfigError(
                f"{prefix}{extra[0]}={getattr(node, extra[0])} is not a known key; "
                f"allowed {where}: {', '.join(names)}"
            )
        nodes += [(f"{prefix}{n}.", v) for n in names if is_dataclass(v := getattr(node, n))]
    kinds = {
        "bool": ((bool,), "true or false"),
        "int": ((int,), "an integer"),
        "float": ((int, float), "a number"),
        "str": ((str,), "a string"),
    }
    for key, value, f in walk(cfg):
        lo, hi = f.metadata.get("range", (None, None))
        types, kind = kinds.get(getattr(f.type, "__name__", f.type), ((object,), ""))
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            within = "" if lo is None and hi is None else f" in [{lo}, {hi}]"
            raise ConfigError(f"{key}={value!r} has the wrong type; allowed: {kind}{within}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if value != value:  # NaN
            raise ConfigError(f"{key}={value} is not a number; allowed: [{lo}, {hi}]")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ConfigError(f"{key}={value} is out of range; allowed: [{lo}, {hi}]")
    if cfg.world.talks0 not in TALKS_STATES:
        raise ConfigError(
            f"world.talks0={cfg.world.talks0!r} is unknown; allowed: {', '.join(TALKS_STATES)}"
        )
    start = cfg.run.start
    parts = start.split("-")
    if len(parts) != 2 or not all(x.isdigit() for x in parts) or not 1 <= int(parts[1]) <= 12:
        raise ConfigError(f"run.start={start!r} is not a month; allowed: YYYY-MM, e.g. 2017-08")
    a = cfg.actors
    if a.china.trade_share + a.russia.trade_share > 1:
        raise ConfigError(
            f"actors.china.trade_share + actors.russia.trade_share = "
            f"{a.china.trade_share + a.russia.trade_share:g} exceeds 1; allowed: a sum <= 1"
        )
    if cfg.task not in TASKS:
        raise ConfigError(f"task={cfg.task!r} is unknown; allowed: {', '.join(TASKS)}")
    if cfg.play.actor not in PLAY_ACTORS:
        raise ConfigError(
            f"play.actor={cfg.play.actor!r} is unknown; allowed: {', '.join(PLAY_ACTORS)}"
        )
    if str(cfg.run.events).lower() not in EVENTS_SWITCH:
        raise ConfigError(
            f"run.events={cfg.run.events!r} is unknown; allowed: {', '.join(EVENTS_SWITCH)}"
        )
    if cfg.sensitivity.method not in ("sobol", "morris"):
        raise ConfigError(
            f"sensitivity.method={cfg.sensitivity.method!r} is unknown; allowed: sobol, morris"
        )
    wrong = [x for x in cfg.sensitivity.include if x not in ("actors", "world", "council")]
    if wrong:
        raise ConfigError(f"sensitivity.include has {wrong}; allowed: actors, world, council")
    bad = [x for x in cfg.report.formats if x not in ("png", "svg", "pdf")]
    if bad:
        raise ConfigError(f"report.formats has {bad}; allowed: png, svg, pdf")


ACTOR_NAMES = {"us": "United States", "china": "China", "russia": "Russia", "dprk": "DPRK"}
_PROPER = {"china": "China", "us": "US", "dprk": "DPRK", "russia": "Russia"}


def label(key: str) -> str:
    """A parameter as people read it: 'actors.us.trust_in_china' -> 'United States: trust in China'.

    One labeller for every figure, table and terminal line.
    """
    parts = key.split(".")
    words = " ".join(_PROPER.get(w, w) for w in parts[-1].split("_"))
    if len(parts) == 3 and parts[0] == "actors":
        return f"{ACTOR_NAMES.get(parts[1], parts[1])}: {words}"
    return f"{parts[0]}: {words}" if len(parts) == 2 else key.replace("_", " ")


def from_dict(data: dict, cls: type = CrisisConfig):
    """The config dataclass of a dict such as provenance.json stores (unknown keys are errors)."""
    known = {f.name: f for f in fields(cls)}
    unknown = [k for k in data if k not in known]
    if unknown:
        raise ConfigError(f"{unknown[0]} is not a known key of {cls.__name__}")
    kwargs = {}
    for name, value in data.items():
        default = (
            known[name].default_factory if known[name].default_factory is not MISSING else None
        )
        sub = type(default()) if default is not None else None
        kwargs[name] = from_dict(value, sub) if sub is not None and is_dataclass(sub) else value
    return cls(**kwargs)


def sources(cfg: CrisisConfig) -> dict[str, str]:
    """Dotted key -> the sentence or reason behind it."""
    return {k: f.metadata.get("source", "") for k, _, f in walk(cfg)}


def ranges(cfg: CrisisConfig) -> dict[str, tuple]:
    return {k: f.metadata.get("range", (None, None)) for k, _, f in walk(cfg)}


# --- Calibration and hindcast (task=calibrate, task=hindcast); see docs/calibration.md ---

TASKS = ("run", "sensitivity", "play", "calibrate", "hindcast")


@dataclass
class Prior:
    """A uniform prior over [low, high] for one dotted config key."""

    key: str = ""
    low: float = 0.0
    high: float = 1.0
    source: str = ""


@dataclass
class CalibrateParams:
    """ABC-SMC on the training window (task=calibrate); priors from configs/priors/."""

    population: int = p(100, 2, 1_000_000, "Particles per ABC-SMC generation.")
    generations: int = p(4, 1, 100, "ABC-SMC generations (populations) to run.")
    seeds: int = p(8, 1, 10_000, "Replications per particle (common random numbers).")
    seed: int = p(20160101, 0, 2**32 - 1, "Seed of the sampler and of every particle's runs.")
    priors: list[Prior] = field(default_factory=list)


@dataclass
class HindcastParams:
    """Scored forecasts of the validation window (task=hindcast)."""

    seeds: int = p(400, 1, 1_000_000, "Replications per origin and parameter set.")
    every: int = p(3, 1, 24, "Months between forecast origins.")
    horizon: int = p(12, 1, 24, "Longest horizon in months.")


@dataclass
class CalibrationRef:
    """A finished calibration to use (task=hindcast calibration.path=...)."""

    path: str = p("", source="A calibration directory (posterior.parquet); empty: defaults only.")


@dataclass
class UncertaintyParams:
    """Parameter uncertainty for a run (uncertainty=posterior|prior; docs/calibration.md)."""

    mode: str = p(
        "none",
        source="none; posterior: draw parameters from a calibration (uncertainty.path); "
        "prior: draw them from the priors (calibrate.priors, configs/priors/).",
    )
    path: str = p("", source="A calibration directory (posterior.parquet).")
    draws: int = p(20, 2, 100_000, "Parameter draws; run.seeds are split evenly among them.")
