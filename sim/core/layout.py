"""The data layout of the kernels (sim.core.kernels), in plain Python and numpy.

Constants, move tables and the builders of the arrays the kernels take. It
imports no numba, so that a process which only prepares a run's arrays or reads
its codes (the command that hands a run to worker processes, the report) does
not load the compiler; the kernels import every name of it.
Data layout
-----------
* A state is a float64 array of NS entries indexed by the S_* constants (the
  fields of sim.core.world.State, booleans as 0.0/1.0).
* A move is an integer id into the move tables (MOVE_NAMES, MOVE_RUNG,
  MOVE_ESCALATION, MOVE_COERCION, ...), in the order of sim.core.ladder.all_moves().
* Physics is a float64 array of NP entries indexed by the P_* constants; the
  three perceptions (world, China, Russia) are the rows of a (3, NP) array
  built once per config by `perceptions_array(cfg)`.
* Every actor parameter, council and world constant a round needs is in one
  float64 array indexed by the Q_* constants, built by `params_array(cfg)`.
* The actors' beliefs and memories are a float64 array indexed by A_*.
* The random streams of a replication are `dbuf` (7, 64) float64 (the current
  block of each stream), `dpos` int64 (14,) (position in the block, then block
  number, per stream), `ent` uint32 (the replication's refill entropy, see
  sim.core.rng.refill_entropy) and `rs` uint64 (12,) scratch.
* Kernels are compiled without numba's reference counting (_nrt=False): they
  never allocate, so every scratch array is passed in.
"""

from __future__ import annotations

import math

import numpy as np

from sim.core.params import MAX_LOOKAHEAD, TALKS_STATES

from .ladder import ACTORS, NUCLEAR, OPENING_MOVES, TESTS, all_moves
from .outcomes import OUTCOMES
from .physics import physics

# ---------------------------------------------------------------- constants of the rules
# The enforcement levels China chooses among: from token compliance to the
# letter of the resolutions (1.0 would be a total blockade of its share).
LEVELS = (0.2, 0.4, 0.6, 0.8, 1.0)

# Russia's enforcement when it acts on its own account: the resolutions "do
# not do much harm to its commercial interests", so it complies fairly well.
RUSSIA_OWN_LEVEL = 0.7

# Defaults of the utility weights shared by all actors (world.war_weight,
# world.nuclear_weight, world.collapse_weight, world.belief0 set them; the
# kernels read them from the parameter array).
WAR_WEIGHT = 4.0
NUCLEAR_WEIGHT = 8.0
COLLAPSE_WEIGHT = 4.0
BELIEF0 = 0.1  # prior that the other side would accept talks

# How open to talks a move reads to the other side, by escalation class.
OPENNESS = {-2: 1.0, 0: 0.2, 4: 0.0, 12: 0.0, 28: 0.0, 60: 0.0}

# DPRK: how defiant each move reads (answering pressure with threats and tests).
DEFIANCE = {"threaten": 1.0, "missile_test": 0.7, "icbm_test": 0.7, "nuclear_test": 0.7}

# US: how much stronger than routine a draft is after each strategic test, in
# units of world.draft_severity (the defaults give 0.1 and 0.15).
DRAFT_SEVERITY = {"icbm_test": 1.0, "nuclear_test": 1.5}

# DPRK: what a test costs the regime (resources, China's displeasure), in units
# of world.test_cost (the defaults give 0.04, 0.08, 0.12).
TEST_COST = {"missile_test": 1.0, "icbm_test": 2.0, "nuclear_test": 3.0}

# The state of talks (S_TALKS); its names in trajectories.parquet are TALKS_STATES.
TALKS_NONE, TALKS_OPEN, TALKS_AGREED = 0, 1, 2

# How a war began (outcomes.csv war_cause): by a chosen strike or attack, or by accident.
WAR_CAUSES = ("", "decision:us", "decision:dprk", "accident")
CAUSE_NONE, CAUSE_US, CAUSE_DPRK, CAUSE_ACCIDENT = range(4)

# The random streams of a replication, in the order of their first blocks:
# each actor, the Security Council, the US's perception noise and the world's
# hazard draws have a stream of their own (common random numbers across
# scenarios). 64 draws per block: a 24-round run rarely needs a second.
STREAMS = ("world", "us", "china", "russia", "dprk", "noise", "council")
BLOCK = 64

# Council answers and outcomes (sim.core.outcomes): their codes are their positions.
VOTES = ("yes", "soften", "veto")

# ---------------------------------------------------------------- state layout
(
    S_ROUND,
    S_TENSION,
    S_SANCTIONS,
    S_CHINA_ENF,
    S_RUSSIA_ENF,
    S_PRESSURE,
    S_CAPABILITY,
    S_STABILITY,
    S_TRUST,
    S_EXERCISES,
    S_CHINA_COST,
    S_WAR,
    S_NUCLEAR,
    S_COLLAPSE,
    S_US_ACCEPTS,
    S_DPRK_ACCEPTS,
    S_ESCALATION,
    S_TALKS,
) = range(18)
NS = 18
# Scratch the scoring kernels need (see anticipate): states for this month, the reply's
# scoring and each further month of the longest lookahead; option ids for own options, the
# reply's, and two move rows.
SCRATCH_STATES, SCRATCH_OPTS, SCRATCH_UTIL = (1 + MAX_LOOKAHEAD) * NS, 24, 16

# ---------------------------------------------------------------- physics layout
(
    P_CHINA_SHARE,
    P_RUSSIA_SHARE,
    P_OTHER_ENF,
    P_LEAKAGE,
    P_SKIRTING,
    P_TENSION_DECAY,
    P_TENSION_GAIN,
    P_EXERCISE_TENSION,
    P_WEIGHT_US,
    P_WEIGHT_RUSSIA,
    P_WEIGHT_DPRK,
    P_CAP_GROWTH,
    P_GAIN_MISSILE,
    P_GAIN_ICBM,
    P_GAIN_NUCLEAR,
    P_STAB_EQ,
    P_STAB_RECOVERY,
    P_PRESSURE_IMPACT,
    P_COLLAPSE_FLOOR,
    P_COLLAPSE_BAND,
    P_ACCIDENT_WAR,
    P_MOVE_ACCIDENT,
    P_STRIKE_WAR,
    P_ATTACK_WAR,
    P_NUCLEAR_BASE,
    P_NUCLEAR_CAP,
    P_COLLAPSE_STEEPNESS,
) = range(27)
NP = 27
PHYS_WORLD, PHYS_CHINA, PHYS_RUSSIA = 0, 1, 2

# ---------------------------------------------------------------- parameter layout
(
    Q_US_HAWK,
    Q_US_TRUST0,
    Q_US_BIAS,
    Q_US_WAR_AVERSION,
    Q_US_EXERCISES,
    Q_US_APPEASEMENT,
    Q_US_MAX_RUNG,
    Q_US_NOISE,
    Q_US_RATIONALITY,
    Q_CH_COLLAPSE_FEAR,
    Q_CH_TRADE_SHARE,
    Q_CH_WAR_FEAR,
    Q_CH_THREAT,
    Q_CH_BLAME,
    Q_CH_COST_TOL,
    Q_CH_TALKS,
    Q_CH_VETO_COST,
    Q_CH_COMFORT,
    Q_CH_FLOOR,
    Q_CH_RATIONALITY,
    Q_CH_NLEVELS,
    Q_CH_LEVEL_1,
    Q_CH_LEVEL_2,
    Q_CH_LEVEL_3,
    Q_CH_LEVEL_4,
    Q_CH_LEVEL_5,
    Q_RU_ENGAGEMENT,
    Q_RU_FOLLOW,
    Q_RU_BLAME,
    Q_RU_SHIELD,
    Q_RU_VETO_COST,
    Q_RU_RATIONALITY,
    Q_DP_PRESSURE_RESPONSE,
    Q_DP_CAP_DRIVE,
    Q_DP_THRESHOLD,
    Q_DP_RISK_TOL,
    Q_DP_RATIONALITY,
    Q_RES_BASE,
    Q_LEARNING,
    Q_HORIZON,
    Q_ICBM_INTERVAL,
    Q_NUCLEAR_INTERVAL,
    Q_TENSION0,
    Q_SANCTIONS0,
    Q_CE0,
    Q_RE0,
    Q_CAP0,
    Q_STAB0,
    Q_SOFTEN,
    Q_MAX_SOFTEN,
    Q_MIN_STRENGTH,
    Q_WAR_WEIGHT,
    Q_NUCLEAR_WEIGHT,
    Q_COLLAPSE_WEIGHT,
    Q_BELIEF0,
    Q_TEST_COST,
    Q_DRAFT_SEVERITY,
    Q_TALKS_AGREEMENT,
    Q_TALKS_BREAKDOWN,
    Q_AGREEMENT_BREAKDOWN,
    Q_TALKS_RELIEF,
    Q_TALKS_VALUE,
    Q_CH_WAR_PRESSURE,
    Q_CH_THREAT_WEIGHT,
    Q_CH_RESOLVE,
    Q_RU_WEIGHT,
    Q_DP_PAIN,
    Q_DP_MORATORIUM,
    Q_US_PREVENTION,
    Q_US_RED_LINE,
    Q_LEVEL,
    Q_LOOKAHEAD,
    Q_DISCOUNT,
    Q_TALKS0,
) = range(74)
NQ = 74
Q_CH_LEVELS = Q_CH_LEVEL_1
assert len(LEVELS) == 5

# ---------------------------------------------------------------- agents' memory
(
    A_US_TRUST,
    A_US_BELIEF,
    A_CH_LEVEL,
    A_DP_BELIEF,
    A_DP_READY_ICBM,
    A_DP_READY_NUCLEAR,
    A_DP_PROVOKED,  # the strength of the resolution adopted last month (0: none)
) = range(7)
NA = 7

# ---------------------------------------------------------------- random streams
ST_WORLD, ST_US, ST_CHINA, ST_RUSSIA, ST_DPRK, ST_NOISE, ST_COUNCIL = range(7)
NSTREAMS = 7
assert STREAMS == ("world", "us", "china", "russia", "dprk", "noise", "council")
assert BLOCK == 64

# ---------------------------------------------------------------- move tables
_ALL = all_moves()
MOVES = tuple(_ALL)  # the Move of each id
MOVE_INDEX = {m: i for i, m in enumerate(_ALL)}  # and the id of each Move
MOVE_NAMES: tuple[str, ...] = tuple(m.name for m in _ALL)
MOVE_ACTORS: tuple[str, ...] = tuple(m.actor for m in _ALL)
MOVE_RUNG = np.array([m.rung for m in _ALL], dtype=np.int64)
MOVE_ESCALATION = np.array([float(m.escalation) for m in _ALL])
MOVE_COERCION = np.array([m.coercion for m in _ALL])
MOVE_OPENNESS = np.array([OPENNESS[m.escalation] for m in _ALL])
MOVE_DEFIANCE = np.array([DEFIANCE.get(m.name, 0.0) for m in _ALL])
MOVE_TEST_COST = np.array([TEST_COST.get(m.name, 0.0) for m in _ALL])
_SEV = [DRAFT_SEVERITY.get(m.name) for m in _ALL]
MOVE_DRAFT_SEVERITY = np.array([math.nan if v is None else v for v in _SEV])
_GAINS = ("missile_test", "icbm_test", "nuclear_test")  # order of P_GAIN_*
MOVE_GAIN = np.array([_GAINS.index(m.name) if m.name in _GAINS else -1 for m in _ALL])
MOVE_IS_TEST = np.array([m.name in TESTS for m in _ALL])


def move_id(actor: str, name: str) -> int:
    """The integer id of an actor's move."""
    return next(i for i, m in enumerate(_ALL) if m.actor == actor and m.name == name)


def _menu_ids(actor: str) -> np.ndarray:
    return np.array([i for i, m in enumerate(_ALL) if m.actor == actor], dtype=np.int64)


US_MENU, CHINA_MENU, RUSSIA_MENU, DPRK_MENU = (_menu_ids(a) for a in ACTORS)
assert ACTORS == ("us", "china", "russia", "dprk")

US_OFFER_TALKS = move_id("us", "offer_talks")
US_HOLD = move_id("us", "hold")
US_SUSPEND = move_id("us", "suspend_exercises")
US_EXERCISES = move_id("us", "exercises")
US_SHOW_OF_FORCE = move_id("us", "show_of_force")
US_STRIKE = move_id("us", "strike")
CH_FREEZE = move_id("china", "propose_freeze")
CH_BORDER = move_id("china", "border_alert")
CH_RESTRAINT = move_id("china", "urge_restraint")
RU_HOLD = move_id("russia", "hold")
RU_WARN_US = move_id("russia", "warn_us")
RU_BACK_CHINA = move_id("russia", "back_china")
RU_URGE_TALKS = move_id("russia", "urge_talks")
DP_OFFER_TALKS = move_id("dprk", "offer_talks")
DP_HOLD = move_id("dprk", "hold")
DP_ICBM = move_id("dprk", "icbm_test")
DP_NUCLEAR = move_id("dprk", "nuclear_test")
DP_ATTACK = move_id("dprk", "attack")

OPENING = np.array([move_id(m.actor, m.name) for m in OPENING_MOVES], dtype=np.int64)

VOTE_YES, VOTE_SOFTEN, VOTE_VETO = 0, 1, 2
assert VOTES == ("yes", "soften", "veto")
O_TALKS, O_WAR, O_NUCLEAR_WAR, O_COLLAPSE, O_STANDOFF = range(5)
assert OUTCOMES == ("talks", "war", "nuclear_war", "collapse", "standoff")
NONE = -1  # no vote, no outcome

NUCLEAR_ESCALATION = float(NUCLEAR)

# Round record written by `step`: the council's result and the outcome.
R_DRAFTED, R_ADOPTED, R_CHINA_VOTE, R_RUSSIA_VOTE, R_SOFTENINGS, R_OUTCOME = range(6)
R_TALKS_EVENT, R_WAR_CAUSE = 6, 7
NR = 8
# Talks events of a round (rec[R_TALKS_EVENT]).
EV_NONE, EV_OPENED, EV_AGREED, EV_BROKE = range(4)


# ================================================================ Python helpers
def physics_array(ph) -> np.ndarray:
    """A sim.core.physics.Physics as a float64 array indexed by P_*."""
    out = np.empty(NP)
    out[P_CHINA_SHARE] = ph.china_share
    out[P_RUSSIA_SHARE] = ph.russia_share
    out[P_OTHER_ENF] = ph.other_enforcement
    out[P_LEAKAGE] = ph.leakage
    out[P_SKIRTING] = ph.skirting
    out[P_TENSION_DECAY] = ph.tension_decay
    out[P_TENSION_GAIN] = ph.tension_gain
    out[P_EXERCISE_TENSION] = ph.exercise_tension
    out[P_WEIGHT_US] = ph.weight_us
    out[P_WEIGHT_RUSSIA] = ph.weight_russia
    out[P_WEIGHT_DPRK] = ph.weight_dprk
    out[P_CAP_GROWTH] = ph.capability_growth
    out[P_GAIN_MISSILE] = ph.test_gain["missile_test"]
    out[P_GAIN_ICBM] = ph.test_gain["icbm_test"]
    out[P_GAIN_NUCLEAR] = ph.test_gain["nuclear_test"]
    out[P_STAB_EQ] = ph.stability_equilibrium
    out[P_STAB_RECOVERY] = ph.stability_recovery
    out[P_PRESSURE_IMPACT] = ph.pressure_impact
    out[P_COLLAPSE_FLOOR] = ph.collapse_floor
    out[P_COLLAPSE_BAND] = ph.collapse_band
    out[P_ACCIDENT_WAR] = ph.accident_war
    out[P_MOVE_ACCIDENT] = ph.move_accident
    out[P_STRIKE_WAR] = ph.strike_war
    out[P_ATTACK_WAR] = ph.attack_war
    out[P_NUCLEAR_BASE] = ph.nuclear_base
    out[P_NUCLEAR_CAP] = ph.nuclear_capability
    out[P_COLLAPSE_STEEPNESS] = ph.collapse_steepness
    return out


def perceptions_array(cfg) -> np.ndarray:
    """(3, NP): the world's physics, then China's and Russia's perception of it."""
    a = cfg.actors
    return np.stack(
        [
            physics_array(physics(cfg)),
            physics_array(physics(cfg, a.china.blame_us)),
            physics_array(physics(cfg, a.russia.blame_us)),
        ]
    )


def params_array(cfg) -> np.ndarray:
    """Every actor, world and council constant a round needs, indexed by Q_*."""
    a, w, c = cfg.actors, cfg.world, cfg.council
    scale = w.rationality_scale
    q = np.zeros(NQ)
    q[Q_US_HAWK] = a.us.hawkishness
    q[Q_US_TRUST0] = a.us.trust_in_china
    q[Q_US_BIAS] = a.us.distrust_bias
    q[Q_US_WAR_AVERSION] = a.us.war_aversion
    q[Q_US_EXERCISES] = float(bool(a.us.exercises))
    q[Q_US_APPEASEMENT] = a.us.appeasement_view
    q[Q_US_MAX_RUNG] = a.us.max_rung
    q[Q_US_NOISE] = a.us.perception_noise
    q[Q_US_RATIONALITY] = a.us.rationality * scale
    q[Q_CH_COLLAPSE_FEAR] = a.china.collapse_fear
    q[Q_CH_TRADE_SHARE] = a.china.trade_share
    q[Q_CH_WAR_FEAR] = a.china.war_fear
    q[Q_CH_THREAT] = a.china.threat_sensitivity
    q[Q_CH_BLAME] = a.china.blame_us
    q[Q_CH_COST_TOL] = a.china.cost_tolerance
    q[Q_CH_TALKS] = a.china.talks_drive
    q[Q_CH_VETO_COST] = a.china.veto_cost
    q[Q_CH_COMFORT] = a.china.stability_comfort
    q[Q_CH_FLOOR] = a.china.enforcement_floor
    q[Q_CH_RATIONALITY] = a.china.rationality * scale
    levels = [e for e in LEVELS if e >= a.china.enforcement_floor]
    q[Q_CH_NLEVELS] = len(levels)
    q[Q_CH_LEVELS : Q_CH_LEVELS + len(levels)] = levels
    q[Q_RU_ENGAGEMENT] = a.russia.engagement
    q[Q_RU_FOLLOW] = a.russia.follow_china
    q[Q_RU_BLAME] = a.russia.blame_us
    q[Q_RU_SHIELD] = a.russia.shield
    q[Q_RU_VETO_COST] = a.russia.veto_cost
    q[Q_RU_RATIONALITY] = a.russia.rationality * scale
    q[Q_DP_PRESSURE_RESPONSE] = a.dprk.pressure_response
    q[Q_DP_CAP_DRIVE] = a.dprk.capability_drive
    q[Q_DP_THRESHOLD] = a.dprk.talks_threshold
    q[Q_DP_RISK_TOL] = a.dprk.risk_tolerance
    q[Q_DP_RATIONALITY] = a.dprk.rationality * scale
    q[Q_RES_BASE] = w.resolution_base
    q[Q_LEARNING] = w.trust_learning
    q[Q_HORIZON] = w.horizon
    q[Q_ICBM_INTERVAL] = w.icbm_interval
    q[Q_NUCLEAR_INTERVAL] = w.nuclear_interval
    q[Q_TENSION0] = w.tension0
    q[Q_SANCTIONS0] = w.sanctions0
    q[Q_CE0] = w.china_enforcement0
    q[Q_RE0] = w.russia_enforcement0
    q[Q_CAP0] = w.capability0
    q[Q_STAB0] = w.stability0
    q[Q_SOFTEN] = c.soften_factor
    q[Q_MAX_SOFTEN] = c.max_soften_rounds
    q[Q_MIN_STRENGTH] = c.min_strength
    q[Q_WAR_WEIGHT] = w.war_weight
    q[Q_NUCLEAR_WEIGHT] = w.nuclear_weight
    q[Q_COLLAPSE_WEIGHT] = w.collapse_weight
    q[Q_BELIEF0] = w.belief0
    q[Q_TEST_COST] = w.test_cost
    q[Q_DRAFT_SEVERITY] = w.draft_severity
    q[Q_TALKS_AGREEMENT] = w.talks_agreement
    q[Q_TALKS_BREAKDOWN] = w.talks_breakdown
    q[Q_AGREEMENT_BREAKDOWN] = w.agreement_breakdown
    q[Q_TALKS_RELIEF] = w.talks_relief
    q[Q_TALKS_VALUE] = w.talks_value
    q[Q_CH_WAR_PRESSURE] = w.china_war_pressure
    q[Q_CH_THREAT_WEIGHT] = w.china_threat_weight
    q[Q_CH_RESOLVE] = w.china_resolve
    q[Q_RU_WEIGHT] = w.russia_weight
    q[Q_DP_PAIN] = w.dprk_pain
    q[Q_DP_MORATORIUM] = w.dprk_moratorium
    q[Q_US_PREVENTION] = w.us_prevention
    q[Q_US_RED_LINE] = w.us_red_line
    q[Q_LEVEL] = w.reasoning_level
    q[Q_LOOKAHEAD] = w.lookahead
    q[Q_DISCOUNT] = w.discount
    q[Q_TALKS0] = TALKS_STATES.index(w.talks0)
    return q


def scratch() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fresh scratch for the scoring kernels: option ids, utilities, states."""
    return (
        np.empty(SCRATCH_OPTS, dtype=np.int64),
        np.empty(SCRATCH_UTIL),
        np.empty(SCRATCH_STATES),
    )


def state_array(s) -> np.ndarray:
    """A sim.core.world.State as a float64 array indexed by S_*."""
    return np.array([float(v) for v in s], dtype=np.float64)


# One row of trajectories.parquet per round, after `seed`.
ROUND_COLUMNS = (
    "round",
    "tension",
    "sanctions_level",
    "pressure",
    "china_enforcement",
    "russia_enforcement",
    "dprk_capability",
    "dprk_stability",
    "us_trust_in_china",
    "exercises",
    "china_cost",
    "war_hazard",
    "nuclear_hazard",
    "collapse_hazard",
    "us_move",
    "china_move",
    "russia_move",
    "dprk_move",
    "resolution_drafted",
    "resolution_adopted",
    "china_vote",
    "russia_vote",
    "escalation_score",
    "outcome",
    "talks",
)
