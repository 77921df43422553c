"""Every rule of the model, written once, as numba kernels over plain floats, ints and arrays.

The steppable Mesa model (sim.core.model, sim.core.agents) calls these
kernels one rule at a time; the batch driver (sim.runs.batch) runs whole
replications of `step` inside compiled code. Python's `sum`, `min`, `max`
and `NormalDist.inv_cdf` are reproduced exactly (`pysum`, `pymin`, `pymax`,
`inv_cdf`), so results do not depend on which side calls. Each kernel can be
called from Python on its own.

The data layout (state, physics, parameter and record indices, the move tables)
is sim.core.layout's; every name of it is a name of this module too.
"""

from __future__ import annotations

import math

import numpy as np

from sim.core.jit import njit
from sim.core.layout import *  # noqa: F403 (the layout's names are the kernels' globals)

from .rng import refill_block_into


# ================================================================ Python's builtins
@njit(cache=True, _nrt=False, error_model="numpy", inline="always")
def pymax(a, b):
    """Python's max(a, b): the first unless the second is greater."""
    return b if b > a else a


@njit(cache=True, _nrt=False, error_model="numpy", inline="always")
def pymin(a, b):
    """Python's min(a, b): the first unless the second is smaller."""
    return b if b < a else a


@njit(cache=True, _nrt=False, error_model="numpy")
def pysum(w, n):
    """Python's sum(w[:n]) of floats (start 0): CPython's Neumaier-compensated sum."""
    f = w[0]
    c = 0.0
    for i in range(1, n):
        x = w[i]
        t = f + x
        if abs(f) >= abs(x):
            c += (f - t) + x
        else:
            c += (x - t) + f
        f = t
    if c != 0.0 and math.isfinite(c):
        f += c
    return f


@njit(cache=True, _nrt=False, error_model="numpy")
def inv_cdf(p):
    """statistics.NormalDist().inv_cdf(p) (Wichura AS241, as CPython computes it)."""
    mu = 0.0
    sigma = 1.0
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (
            (
                (
                    (
                        (
                            (
                                (2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r
                                + 6.7265770927008700853e4
                            )
                            * r
                            + 4.5921953931549871457e4
                        )
                        * r
                        + 1.3731693765509461125e4
                    )
                    * r
                    + 1.9715909503065514427e3
                )
                * r
                + 1.3314166789178437745e2
            )
            * r
            + 3.3871328727963666080e0
        ) * q
        den = (
            (
                (
                    (
                        (
                            (5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r
                            + 3.9307895800092710610e4
                        )
                        * r
                        + 2.1213794301586595867e4
                    )
                    * r
                    + 5.3941960214247511077e3
                )
                * r
                + 6.8718700749205790830e2
            )
            * r
            + 4.2313330701600911252e1
        ) * r + 1.0
        x = num / den
        return mu + (x * sigma)
    r = p if q <= 0.0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r = r - 1.6
        num = (
            (
                (
                    (
                        (
                            (7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r
                            + 2.41780725177450611770e-1
                        )
                        * r
                        + 1.27045825245236838258e0
                    )
                    * r
                    + 3.64784832476320460504e0
                )
                * r
                + 5.76949722146069140550e0
            )
            * r
            + 4.63033784615654529590e0
        ) * r + 1.42343711074968357734e0
        den = (
            (
                (
                    (
                        (
                            (1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r
                            + 1.51986665636164571966e-2
                        )
                        * r
                        + 1.48103976427480074590e-1
                    )
                    * r
                    + 6.89767334985100004550e-1
                )
                * r
                + 1.67638483018380384940e0
            )
            * r
            + 2.05319162663775882187e0
        ) * r + 1.0
    else:
        r = r - 5.0
        num = (
            (
                (
                    (
                        (
                            (2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                            + 1.24266094738807843860e-3
                        )
                        * r
                        + 2.65321895265761230930e-2
                    )
                    * r
                    + 2.96560571828504891230e-1
                )
                * r
                + 1.78482653991729133580e0
            )
            * r
            + 5.46378491116411436990e0
        ) * r + 6.65790464350110377720e0
        den = (
            (
                (
                    (
                        (
                            (2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r
                            + 1.84631831751005468180e-5
                        )
                        * r
                        + 7.86869131145613259100e-4
                    )
                    * r
                    + 1.48753612908506148525e-2
                )
                * r
                + 1.36929880922735805310e-1
            )
            * r
            + 5.99832206555887937690e-1
        ) * r + 1.0
    x = num / den
    if q < 0.0:
        x = -x
    return mu + (x * sigma)


# ================================================================ random streams
@njit(cache=True, _nrt=False, error_model="numpy")
def dice(k, dbuf, dpos, ent, rs):
    """The next uniform of stream k, continuing into the next keyed block past its end.

    ent is the refill entropy (sim.core.rng.refill_entropy), rs uint64 scratch of 12.
    """
    i = dpos[k]
    if i >= dbuf.shape[1]:
        dpos[NSTREAMS + k] += 1
        refill_block_into(ent, k, dpos[NSTREAMS + k], dbuf[k], rs)
        i = 0
    dpos[k] = i + 1
    return dbuf[k, i]


# ================================================================ enforcement
@njit(cache=True, _nrt=False, error_model="numpy")
def pressure(level, china_enf, russia_enf, ph):
    other = 1.0 - ph[P_CHINA_SHARE] - ph[P_RUSSIA_SHARE]
    weighted = ph[P_CHINA_SHARE] * china_enf + ph[P_RUSSIA_SHARE] * russia_enf
    return level * (weighted + other * ph[P_OTHER_ENF]) * (1.0 - ph[P_LEAKAGE])


@njit(cache=True, _nrt=False, error_model="numpy")
def projected_stability(stability, press, ph, horizon):
    drift = ph[P_STAB_RECOVERY] * (ph[P_STAB_EQ] - stability) - ph[P_PRESSURE_IMPACT] * press
    return stability + horizon * drift


@njit(cache=True, _nrt=False, error_model="numpy")
def russia_enforcement(china_level, follow_china, shield):
    own = follow_china * china_level + (1.0 - follow_china) * RUSSIA_OWN_LEVEL
    return own * (1.0 - shield)


# ================================================================ world
@njit(cache=True, _nrt=False, error_model="numpy")
def collapse_hazard(stability, ph):
    """1 at or below the floor, falling by e^-steepness per band of stability above it.

    A gradient: every loss of stability raises the hazard, and no stability
    within reach is entirely safe.
    """
    x = (stability - ph[P_COLLAPSE_FLOOR]) / ph[P_COLLAPSE_BAND]
    return 1.0 if x <= 0.0 else math.exp(-ph[P_COLLAPSE_STEEPNESS] * x)


@njit(cache=True, _nrt=False, error_model="numpy")
def initial_state(q, ph, out):
    """The world before round 1 (August 2017), into out."""
    exercises = q[Q_US_EXERCISES]
    declared = pymax(q[Q_CE0], q[Q_CH_FLOOR])
    ce = declared * (1.0 - ph[P_SKIRTING])
    re = q[Q_RE0]
    out[S_ROUND] = 0.0
    out[S_TENSION] = q[Q_TENSION0]
    out[S_SANCTIONS] = q[Q_SANCTIONS0]
    out[S_CHINA_ENF] = ce
    out[S_RUSSIA_ENF] = re
    out[S_PRESSURE] = pressure(q[Q_SANCTIONS0], ce, re, ph)
    out[S_CAPABILITY] = q[Q_CAP0]
    out[S_STABILITY] = q[Q_STAB0]
    out[S_TRUST] = q[Q_US_TRUST0]
    out[S_EXERCISES] = exercises
    out[S_CHINA_COST] = 0.0
    out[S_WAR] = 0.0
    out[S_NUCLEAR] = 0.0
    out[S_COLLAPSE] = 0.0
    out[S_US_ACCEPTS] = 0.0
    out[S_DPRK_ACCEPTS] = 0.0
    out[S_ESCALATION] = 0.0
    out[S_TALKS] = q[Q_TALKS0]  # talks in force before round 1 (run.start in the record)
    return None


@njit(cache=True, _nrt=False, error_model="numpy")
def transition(s, adopted, china_enf, russia_enf, us, china, russia, dprk, ph, out):
    """The state one round on, given the round's decisions, into out (out is not s). Pure.

    The month's `economy`, which no move changes, then what the `moves` do.
    """
    economy(s, adopted, china_enf, russia_enf, ph, out, True)
    moves(s, us, china, russia, dprk, ph, out)


@njit(cache=True, _nrt=False, error_model="numpy")
def economy(s, adopted, china_enf, russia_enf, ph, out, collapse):
    """The part of a month no move changes, into out: the sanctions in force, the enforcement
    delivered, pressure, stability (and its collapse hazard if `collapse`), China's trade cost.

    An actor weighing its options shares it between them (`anticipate`). An
    actor's forecast leaves out the hazard unless it weighs it (only China
    does): its exponential in every forecast was about a sixth of the batch
    driver's time. It is left NaN there, so that any value read from it would show.
    """
    level = s[S_SANCTIONS] + adopted * (1.0 - s[S_SANCTIONS])
    china_actual = china_enf * (1.0 - ph[P_SKIRTING])
    press = pressure(level, china_actual, russia_enf, ph)
    stab = (
        s[S_STABILITY]
        + ph[P_STAB_RECOVERY] * (ph[P_STAB_EQ] - s[S_STABILITY])
        - ph[P_PRESSURE_IMPACT] * press
    )
    stab = 0.0 if stab < 0.0 else (1.0 if stab > 1.0 else stab)
    out[S_ROUND] = s[S_ROUND] + 1.0
    out[S_SANCTIONS] = level
    out[S_CHINA_ENF] = china_actual
    out[S_RUSSIA_ENF] = russia_enf
    out[S_PRESSURE] = press
    out[S_STABILITY] = stab
    out[S_TRUST] = s[S_TRUST]
    out[S_CHINA_COST] = s[S_CHINA_COST] + ph[P_CHINA_SHARE] * china_actual * level
    out[S_COLLAPSE] = collapse_hazard(stab, ph) if collapse else math.nan
    return None


@njit(cache=True, _nrt=False, error_model="numpy", inline="always")
def moves(s, us, china, russia, dprk, ph, out):
    """The part of a month the moves decide, into out (its `economy` entries are left as they are).

    Compiled into each caller (inline): it runs for every option an actor
    weighs, and the anticipating actors ran 9% faster with it inlined.

    Talks in force (negotiations or a freeze agreement) break down at once on a
    DPRK test or attack, or a US show of force or strike (and an agreement on
    resumed exercises); talks open when both the US and the DPRK accept. Under
    a freeze agreement exercises are suspended and the programme does not grow.
    The chance steps of talks (agreement, breakdown without a spoiler) are
    `negotiate`'s.
    """
    exercises = s[S_EXERCISES] != 0.0
    if us == US_SUSPEND:
        exercises = False
    elif us == US_EXERCISES:
        exercises = True

    talks = s[S_TALKS]
    g = MOVE_GAIN[dprk]
    spoiled = g >= 0 or dprk == DP_ATTACK or us == US_SHOW_OF_FORCE or us == US_STRIKE  # noqa: SIM109
    if talks == TALKS_AGREED and us == US_EXERCISES:
        spoiled = True
    if talks != TALKS_NONE and spoiled:
        talks = TALKS_NONE
    if talks == TALKS_AGREED:
        exercises = False

    signal = (
        ph[P_WEIGHT_US] * MOVE_ESCALATION[us]
        + MOVE_ESCALATION[china]
        + ph[P_WEIGHT_RUSSIA] * MOVE_ESCALATION[russia]
        + ph[P_WEIGHT_DPRK] * MOVE_ESCALATION[dprk]
    )
    tension = s[S_TENSION] * (1.0 - ph[P_TENSION_DECAY]) + ph[P_TENSION_GAIN] * signal
    if exercises:
        tension += ph[P_EXERCISE_TENSION]
    tension = 0.0 if tension < 0.0 else (1.0 if tension > 1.0 else tension)

    cap = s[S_CAPABILITY]
    rate = ph[P_CAP_GROWTH] if g < 0 else ph[P_CAP_GROWTH] + ph[P_GAIN_MISSILE + g]
    if talks == TALKS_AGREED:
        rate = 0.0
    if rate > 1.0:
        rate = 1.0
    cap += rate * cap * (1.0 - cap)

    war = ph[P_ACCIDENT_WAR] * tension * tension
    if g >= 0:
        war += ph[P_MOVE_ACCIDENT]
    if us == US_SHOW_OF_FORCE:
        war += ph[P_MOVE_ACCIDENT]
    elif us == US_STRIKE:
        war += ph[P_STRIKE_WAR]
    if dprk == DP_ATTACK:
        war += ph[P_ATTACK_WAR]
    if war > 1.0:
        war = 1.0
    nuclear_share = ph[P_NUCLEAR_BASE] + ph[P_NUCLEAR_CAP] * cap
    if nuclear_share > 1.0:
        nuclear_share = 1.0

    freeze = china == CH_FREEZE and not exercises
    us_accepts = us == US_OFFER_TALKS or (freeze and (us == US_HOLD or us == US_SUSPEND))  # noqa: SIM109
    dprk_accepts = dprk == DP_OFFER_TALKS or (freeze and dprk == DP_HOLD)
    if talks == TALKS_NONE and us_accepts and dprk_accepts and not spoiled:
        talks = TALKS_OPEN

    out[S_TENSION] = tension
    out[S_CAPABILITY] = cap
    out[S_EXERCISES] = 1.0 if exercises else 0.0
    out[S_WAR] = war * (1.0 - nuclear_share)
    out[S_NUCLEAR] = war * nuclear_share
    out[S_US_ACCEPTS] = 1.0 if us_accepts else 0.0
    out[S_DPRK_ACCEPTS] = 1.0 if dprk_accepts else 0.0
    out[S_ESCALATION] = (
        MOVE_ESCALATION[us]
        + MOVE_ESCALATION[china]
        + MOVE_ESCALATION[russia]
        + MOVE_ESCALATION[dprk]
    )
    out[S_TALKS] = talks
    return None


@njit(cache=True, _nrt=False, error_model="numpy")
def negotiate(before, x, q, ph, u):
    """The chance steps of talks this round, on the state x after `transition`; one draw u.

    Negotiations open before this round reach a freeze agreement (some of the
    sanctions lifted) or break down; an agreement may unravel. Returns the
    round's talks event (EV_*), counting the opening and spoiling `transition` did.
    """
    t0 = before[S_TALKS]
    t = x[S_TALKS]
    if t0 != TALKS_NONE and t == TALKS_NONE:
        return EV_BROKE
    if t0 == TALKS_NONE and t == TALKS_OPEN:
        return EV_OPENED
    if t == TALKS_OPEN:
        if u < q[Q_TALKS_AGREEMENT]:
            x[S_TALKS] = TALKS_AGREED
            x[S_SANCTIONS] = x[S_SANCTIONS] * (1.0 - q[Q_TALKS_RELIEF])
            x[S_PRESSURE] = pressure(x[S_SANCTIONS], x[S_CHINA_ENF], x[S_RUSSIA_ENF], ph)
            x[S_EXERCISES] = 0.0
            return EV_AGREED
        if u < q[Q_TALKS_AGREEMENT] + q[Q_TALKS_BREAKDOWN]:
            x[S_TALKS] = TALKS_NONE
            return EV_BROKE
    elif t == TALKS_AGREED and u < q[Q_AGREEMENT_BREAKDOWN]:
        x[S_TALKS] = TALKS_NONE
        return EV_BROKE
    return EV_NONE


@njit(cache=True, _nrt=False, error_model="numpy")
def war_cause(x, us, dprk, outcome):
    """How a war this round began: a chosen strike or attack (decision) or an accident."""
    if outcome != O_WAR and outcome != O_NUCLEAR_WAR:  # noqa: PLR1714
        return CAUSE_NONE
    if us == US_STRIKE:
        return CAUSE_US
    if dprk == DP_ATTACK:
        return CAUSE_DPRK
    return CAUSE_ACCIDENT


# ================================================================ outcomes
@njit(cache=True, _nrt=False, error_model="numpy")
def draw(x, u):
    """The outcome this round ends in, or NONE (-1) if the crisis goes on.

    Nuclear war, war and collapse compete for the same draw in proportion to
    their hazards (scaled down together if they sum past 1). Talks never end a
    run: at the horizon it is `talks` if talks are in force (`final_outcome`).
    """
    total = x[S_NUCLEAR] + x[S_WAR] + x[S_COLLAPSE]
    scale = 1.0 if total <= 1.0 else 1.0 / total
    edge = x[S_NUCLEAR] * scale
    if u < edge:
        return O_NUCLEAR_WAR
    edge += x[S_WAR] * scale
    if u < edge:
        return O_WAR
    edge += x[S_COLLAPSE] * scale
    if u < edge:
        return O_COLLAPSE
    return NONE


@njit(cache=True, _nrt=False, error_model="numpy")
def final_outcome(x):
    """The outcome of a run that reached its horizon: talks in force, or a standoff."""
    return O_TALKS if x[S_TALKS] != TALKS_NONE else O_STANDOFF


# ================================================================ choice
@njit(cache=True, _nrt=False, error_model="numpy")
def logit_weights(utilities, n, rationality, w):
    """exp(rationality * (utility - best)) of each of utilities[:n], into w."""
    top = utilities[0]
    for i in range(1, n):
        if utilities[i] > top:
            top = utilities[i]
    for i in range(n):
        d = utilities[i] - top
        # exp(0) is exactly 1: the best option's weight needs no exp
        w[i] = 1.0 if d == 0.0 else math.exp(rationality * d)
    return None


@njit(cache=True, _nrt=False, error_model="numpy")
def logit_choice(utilities, n, rationality, u, w):
    """Index of utilities[:n] drawn with probability proportional to exp(rationality * utility).

    w is scratch of length >= n.
    """
    logit_weights(utilities, n, rationality, w)
    r = u * pysum(w, n)
    acc = 0.0
    for i in range(n):
        acc += w[i]
        if r < acc:
            return i
    return n - 1


@njit(cache=True, _nrt=False, error_model="numpy")
def logit_probabilities(utilities, n, rationality, out):
    """The probabilities logit_choice picks each of utilities[:n] with, into out."""
    logit_weights(utilities, n, rationality, out)
    total = pysum(out, n)
    for i in range(n):
        out[i] = out[i] / total
    return None


@njit(cache=True, _nrt=False, error_model="numpy", inline="always")
def hazard_cost(x, q):
    return q[Q_WAR_WEIGHT] * x[S_WAR] + q[Q_NUCLEAR_WEIGHT] * x[S_NUCLEAR]


@njit(cache=True, _nrt=False, error_model="numpy", inline="always")
def in_talks(x):
    return 1.0 if x[S_TALKS] != TALKS_NONE else 0.0


@njit(cache=True, _nrt=False, error_model="numpy")
def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# ================================================================ US
@njit(cache=True, _nrt=False, error_model="numpy")
def us_observe(ag, q, china_enf, last_dprk, u):
    """US.observe, given the state's china_enforcement and one draw u of the noise stream."""
    lr = q[Q_LEARNING]
    u = pymin(pymax(u, 1e-12), 1.0 - 1e-12)
    seen = china_enf + q[Q_US_NOISE] * inv_cdf(u)
    seen = pymin(1.0, pymax(0.0, seen - q[Q_US_BIAS]))
    ag[A_US_TRUST] += lr * (seen - ag[A_US_TRUST])
    ag[A_US_BELIEF] += lr * (MOVE_OPENNESS[last_dprk] - ag[A_US_BELIEF])


@njit(cache=True, _nrt=False, error_model="numpy")
def us_options(exercises, q, out):
    """US.options into out; returns how many."""
    n = 0
    for m in US_MENU:
        if MOVE_RUNG[m] > q[Q_US_MAX_RUNG]:
            continue
        if m == US_SUSPEND and not exercises:
            continue
        if m == US_EXERCISES and q[Q_US_EXERCISES] == 0.0:
            continue
        out[n] = m
        n += 1
    return n


@njit(cache=True, _nrt=False, error_model="numpy")
def us_draft(sanctions_level, last_dprk, base, ag, q):
    """US.draft: the strength of the draft tabled this round, 0.0 for none."""
    severity = MOVE_DRAFT_SEVERITY[last_dprk]
    if math.isnan(severity) or sanctions_level >= 1.0:
        return 0.0
    distrust = q[Q_US_APPEASEMENT] * (1 - ag[A_US_TRUST])
    severity *= q[Q_DRAFT_SEVERITY]
    return pymin(1.0, base + severity + 0.05 * q[Q_US_HAWK] + 0.05 * distrust)


@njit(cache=True, _nrt=False, error_model="numpy")
def us_utility(x, move, last, ag, q):
    """The US's value of a predicted state.

    Resolve (coercion, stiffer the less it trusts China), talks (opening and in
    force, for a dovish US), exercises, tension, war hazard; Russia's warning
    last round raises the cost of coercion; a hawkish US that sees pressure
    failing and DPRK capability near its red line values a preventive strike.
    """
    h = q[Q_US_HAWK]
    coercion = MOVE_COERCION[move]
    resolve = 0.4 * h * coercion * (0.5 + q[Q_US_APPEASEMENT] * (1.0 - ag[A_US_TRUST]))
    talks = 0.6 * (1.0 - h) * x[S_US_ACCEPTS] * ag[A_US_BELIEF]
    talks += (1.0 - h) * q[Q_TALKS_VALUE] * in_talks(x)
    value = (
        resolve
        + talks
        + 0.1 * h * x[S_EXERCISES]
        - 0.5 * (1.0 - h) * x[S_TENSION]
        - q[Q_US_WAR_AVERSION] * hazard_cost(x, q)
    )
    if last[2] == RU_WARN_US:
        value -= q[Q_RU_WEIGHT] * q[Q_RU_ENGAGEMENT] * coercion
    if move == US_STRIKE:
        near = sigmoid(20.0 * (x[S_CAPABILITY] - q[Q_US_RED_LINE]))
        value += q[Q_US_PREVENTION] * h * near * (1.0 - x[S_PRESSURE])
    return value


@njit(cache=True, _nrt=False, error_model="numpy")
def us_scores(s, adopted, russia_enf, last, ag, q, ph, opts, util, x):
    """The US's options into opts and their utilities into util; returns how many.

    The US sees China's enforcement only through its belief, which is of what
    China delivers, not of the level China declares.
    """
    n = us_options(s[S_EXERCISES] != 0.0, q, opts)
    ce = us_seen_enforcement(ag, ph)
    return anticipate(ACT_US, s, adopted, ce, russia_enf, last, ag, q, ph, opts, n, util, x)


@njit(cache=True, _nrt=False, error_model="numpy")
def us_seen_enforcement(ag, ph):
    """The enforcement the US expects of China: its belief of what China delivers."""
    return pymin(1.0, ag[A_US_TRUST] / pymax(1e-9, 1.0 - ph[P_SKIRTING]))


@njit(cache=True, _nrt=False, error_model="numpy")
def us_myopic(s, adopted, russia_enf, last, ag, q, ph, opts, util, x):
    """The US's options valued on next month alone, the others repeating last month's moves."""
    n = us_options(s[S_EXERCISES] != 0.0, q, opts)
    ce = us_seen_enforcement(ag, ph)
    economy(s, adopted, ce, russia_enf, ph, x, False)
    for i in range(n):
        moves(s, opts[i], last[1], last[2], last[3], ph, x)
        util[i] = us_utility(x, opts[i], last, ag, q)
    return n


@njit(cache=True, _nrt=False, error_model="numpy")
def us_choose(s, adopted, russia_enf, last, ag, q, ph, u, opts, util, w, x):
    """US.choose_move given one draw u of the US stream; returns the move id."""
    n = us_scores(s, adopted, russia_enf, last, ag, q, ph, opts, util, x)
    return opts[logit_choice(util, n, q[Q_US_RATIONALITY], u, w)]


# ================================================================ China
@njit(cache=True, _nrt=False, error_model="numpy")
def china_policy_value(s, adopted, level, last, q, ph, x):
    """China.policy_value (x receives the month's `economy`, all it looks at).

    Pressure is worth talks (less while the US keeps exercising, as China
    blames it) and, by its war fear, more as the DPRK grows more capable and
    the US more coercive; enforcement costs trade; a projected stability below
    China's comfort costs by its collapse fear; US threats add by its threat
    sensitivity.
    """
    economy(s, adopted, level, s[S_RUSSIA_ENF], ph, x, False)
    proj = projected_stability(x[S_STABILITY], x[S_PRESSURE], ph, q[Q_HORIZON])
    cf = q[Q_CH_COLLAPSE_FEAR]
    comfort = ph[P_COLLAPSE_FLOOR] + cf * (q[Q_CH_COMFORT] - ph[P_COLLAPSE_FLOOR])
    gap = pymax(0.0, comfort - proj)
    danger = s[S_CAPABILITY] + MOVE_COERCION[last[0]]
    return (
        q[Q_CH_TALKS] * x[S_PRESSURE] * (1.0 - 0.75 * q[Q_CH_BLAME] * s[S_EXERCISES])
        + q[Q_CH_WAR_FEAR] * q[Q_CH_WAR_PRESSURE] * danger * x[S_PRESSURE]
        - (1.0 - q[Q_CH_COST_TOL]) * q[Q_CH_TRADE_SHARE] * level * x[S_SANCTIONS]
        - cf * q[Q_COLLAPSE_WEIGHT] * gap
        + q[Q_CH_THREAT] * q[Q_CH_THREAT_WEIGHT] * MOVE_COERCION[last[0]] * level
    )


@njit(cache=True, _nrt=False, error_model="numpy")
def china_enforcement_scores(s, adopted, last, q, ph, util, x):
    """China's value of each enforcement level it allows itself, into util; returns how many."""
    n = int(q[Q_CH_NLEVELS])
    for i in range(n):
        value = china_policy_value(s, adopted, q[Q_CH_LEVELS + i], last, q, ph, x)
        util[i] = q[Q_CH_RESOLVE] * value
    return n


@njit(cache=True, _nrt=False, error_model="numpy")
def china_choose_enforcement(s, adopted, last, ag, q, ph, u, util, w, x):
    """China.choose_enforcement given one draw u of China's stream; sets and returns the level."""
    n = china_enforcement_scores(s, adopted, last, q, ph, util, x)
    level = q[Q_CH_LEVELS + logit_choice(util, n, q[Q_CH_RATIONALITY], u, w)]
    ag[A_CH_LEVEL] = level
    return level


@njit(cache=True, _nrt=False, error_model="numpy")
def china_vote_scores(s, last, strength, softened, ag, q, ph, util, x):
    """China's value of yes, soften and veto (util[0:3]), judged at its current level.

    Russia's backing last round makes softening and vetoing cheaper.
    """
    level = ag[A_CH_LEVEL]
    backed = 0.0
    if last[2] == RU_BACK_CHINA:
        backed = pymin(1.0, q[Q_RU_WEIGHT] * q[Q_RU_ENGAGEMENT])
    util[0] = china_policy_value(s, strength, level, last, q, ph, x)
    util[1] = china_policy_value(s, softened, level, last, q, ph, x) - 0.02 * (1.0 - backed)
    util[2] = china_policy_value(s, 0.0, level, last, q, ph, x) - q[Q_CH_VETO_COST] * (1.0 - backed)
    return 3


@njit(cache=True, _nrt=False, error_model="numpy")
def china_vote(s, last, strength, softened, ag, q, ph, u, util, w, x):
    """China.vote given one draw u of the council stream: VOTE_YES, VOTE_SOFTEN or VOTE_VETO."""
    china_vote_scores(s, last, strength, softened, ag, q, ph, util, x)
    return logit_choice(util, 3, q[Q_CH_RATIONALITY], u, w)


@njit(cache=True, _nrt=False, error_model="numpy")
def china_utility(s, x, move, q):
    """China's value of a move: war hazard by its war fear, tension, talks; a China that
    fears war and sees tension high proposes the freeze or urges restraint."""
    wf = q[Q_CH_WAR_FEAR]
    value = -wf * hazard_cost(x, q) - 0.5 * x[S_TENSION] + q[Q_CH_TALKS] * in_talks(x)
    if move == CH_FREEZE:
        value += 0.06 * q[Q_CH_TALKS] * (0.5 + q[Q_CH_BLAME] * s[S_EXERCISES])
        value += 0.2 * wf * s[S_TENSION]
    elif move == CH_RESTRAINT:
        value += 0.1 * wf * s[S_TENSION]
    elif move == CH_BORDER:
        value += q[Q_CH_COLLAPSE_FEAR] * q[Q_COLLAPSE_WEIGHT] * x[S_COLLAPSE] - 0.05
    return value


@njit(cache=True, _nrt=False, error_model="numpy")
def china_scores(s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, util, x):
    """China's options into opts and their utilities into util; returns how many.

    Reasoning at level 1, China predicts the US's move (a strike coming, or not):
    "will Trump's threats convince China?".
    """
    return menu_scores(
        ACT_CHINA, CHINA_MENU, s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, util, x
    )


@njit(cache=True, _nrt=False, error_model="numpy")
def china_choose(s, adopted, china_enf, russia_enf, last, ag, q, ph, u, opts, util, w, x):
    """China.choose_move given one draw u of China's stream."""
    n = china_scores(s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, util, x)
    return CHINA_MENU[logit_choice(util, n, q[Q_CH_RATIONALITY], u, w)]


# ================================================================ Russia
@njit(cache=True, _nrt=False, error_model="numpy")
def russia_enforce(china_level, q):
    return russia_enforcement(china_level, q[Q_RU_FOLLOW], q[Q_RU_SHIELD])


@njit(cache=True, _nrt=False, error_model="numpy")
def russia_vote_scores(strength, softened, q, util):
    """Russia's own value of yes, soften and veto (util[0:3]), when it does not follow China."""
    shield = q[Q_RU_SHIELD]
    util[0] = -2.0 * shield * strength
    util[1] = -2.0 * shield * softened - 0.02
    util[2] = -q[Q_RU_VETO_COST] * (1.0 - shield)
    return 3


@njit(cache=True, _nrt=False, error_model="numpy")
def russia_vote(strength, softened, china_vote_code, q, u_follow, u_choice, util, w):
    """Russia.vote given its two council draws (follow, then its own choice)."""
    follow = u_follow < q[Q_RU_FOLLOW]
    russia_vote_scores(strength, softened, q, util)
    own = logit_choice(util, 3, q[Q_RU_RATIONALITY], u_choice, w)
    return china_vote_code if follow else own


@njit(cache=True, _nrt=False, error_model="numpy")
def russia_utility(x, move, last, q):
    eng = q[Q_RU_ENGAGEMENT]
    value = eng * (-hazard_cost(x, q) - 0.5 * x[S_TENSION])
    if move != RU_HOLD:
        value -= 0.1 * (1.0 - eng)
    if move == RU_WARN_US:
        value += eng * q[Q_RU_BLAME] * MOVE_COERCION[last[0]]
    elif move == RU_BACK_CHINA:
        value += 0.1 * q[Q_RU_FOLLOW] * (1.0 if last[1] == CH_FREEZE else 0.0)
    elif move == RU_URGE_TALKS:
        value += 0.1 * eng
    return value


@njit(cache=True, _nrt=False, error_model="numpy")
def russia_scores(s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, util, x):
    """Russia's options into opts and their utilities into util; returns how many.

    Russia takes a back seat: it looks ahead with the others repeating their
    moves, predicting no one's.
    """
    return menu_scores(
        ACT_RUSSIA, RUSSIA_MENU, s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, util, x
    )


@njit(cache=True, _nrt=False, error_model="numpy")
def russia_choose(s, adopted, china_enf, russia_enf, last, ag, q, ph, u, opts, util, w, x):
    """Russia.choose_move given one draw u of Russia's stream."""
    n = russia_scores(s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, util, x)
    return RUSSIA_MENU[logit_choice(util, n, q[Q_RU_RATIONALITY], u, w)]


# ================================================================ DPRK
@njit(cache=True, _nrt=False, error_model="numpy")
def dprk_observe(ag, q, round_, last_us, last_russia, last_dprk):
    """DPRK.observe: belief in US openness and the round each test is next possible.

    Russia urging talks raises the DPRK's belief that talks are open, by its engagement.
    """
    lr = q[Q_LEARNING]
    ag[A_DP_BELIEF] += lr * (MOVE_OPENNESS[last_us] - ag[A_DP_BELIEF])
    if last_russia == RU_URGE_TALKS:
        urged = pymin(1.0, q[Q_RU_WEIGHT] * q[Q_RU_ENGAGEMENT])
        ag[A_DP_BELIEF] += lr * urged * (1.0 - ag[A_DP_BELIEF])
    if last_dprk == DP_ICBM:
        ag[A_DP_READY_ICBM] = round_ + q[Q_ICBM_INTERVAL]
    elif last_dprk == DP_NUCLEAR:
        ag[A_DP_READY_NUCLEAR] = round_ + q[Q_NUCLEAR_INTERVAL]


@njit(cache=True, _nrt=False, error_model="numpy")
def dprk_options(round_, ag, out):
    """DPRK.options into out; returns how many."""
    upcoming = round_ + 1.0
    n = 0
    for m in DPRK_MENU:
        if m == DP_ICBM:
            ready = ag[A_DP_READY_ICBM]
        elif m == DP_NUCLEAR:
            ready = ag[A_DP_READY_NUCLEAR]
        else:
            ready = 0.0
        if ready <= upcoming:
            out[n] = m
            n += 1
    return n


@njit(cache=True, _nrt=False, error_model="numpy")
def deterrent_complete(s, q):
    """How complete the DPRK judges its deterrent at the start of a month (0 to 1).

    Apart from dprk_utility so that the options of one month share it.
    """
    return sigmoid(30.0 * (s[S_CAPABILITY] - q[Q_DP_THRESHOLD]))


@njit(cache=True, _nrt=False, error_model="numpy")
def dprk_utility(s, x, move, last, ag, q, complete):
    """The DPRK's value of a move; `complete` is `deterrent_complete(s, q)`.

    Capability growth until the deterrent is complete by its own measure (then
    tests cost it a moratorium's worth), defiance answering pressure (by
    pressure_response), talks (more once the deterrent is complete), the pain
    of pressure on a weakened economy that talks would ease (by
    1 - pressure_response), war hazard (by 1 - risk_tolerance).
    """
    pr = q[Q_DP_PRESSURE_RESPONSE]
    provocation = 1.0 if ag[A_DP_PROVOKED] > 0.0 else 0.4 * MOVE_COERCION[last[0]]
    growth = x[S_CAPABILITY] - s[S_CAPABILITY]
    talks = 0.5 * x[S_DPRK_ACCEPTS] * ag[A_DP_BELIEF] * (0.2 + 0.8 * complete)
    engaged = pymax(x[S_DPRK_ACCEPTS], in_talks(x))
    pain = q[Q_DP_PAIN] * (1.0 - pr) * s[S_PRESSURE] * (1.0 - s[S_STABILITY])
    value = (
        6.0 * q[Q_DP_CAP_DRIVE] * growth * (1.0 - complete)
        - MOVE_TEST_COST[move] * q[Q_TEST_COST]
        + 0.5 * pr * provocation * MOVE_DEFIANCE[move]
        + talks * (0.5 + s[S_PRESSURE]) * (1.0 - s[S_TENSION])
        + q[Q_TALKS_VALUE] * in_talks(x) * (0.2 + 0.8 * complete)
        + pain * engaged
        - (1.0 - q[Q_DP_RISK_TOL]) * hazard_cost(x, q)
    )
    if MOVE_IS_TEST[move]:
        value -= q[Q_DP_MORATORIUM] * complete
    return value


@njit(cache=True, _nrt=False, error_model="numpy")
def dprk_scores(s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, util, x):
    """The DPRK's options into opts and their utilities into util; returns how many.

    Reasoning at level 1, the DPRK predicts the US's move.
    """
    n = dprk_options(s[S_ROUND], ag, opts)
    return anticipate(
        ACT_DPRK, s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, n, util, x
    )


@njit(cache=True, _nrt=False, error_model="numpy")
def dprk_myopic(s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, util, x):
    """The DPRK's options valued on next month alone, the others repeating last month's moves."""
    n = dprk_options(s[S_ROUND], ag, opts)
    complete = deterrent_complete(s, q)
    economy(s, adopted, china_enf, russia_enf, ph, x, False)
    for i in range(n):
        moves(s, last[0], last[1], last[2], opts[i], ph, x)
        util[i] = dprk_utility(s, x, opts[i], last, ag, q, complete)
    return n


# ================================================================ anticipation
ACT_US, ACT_CHINA, ACT_RUSSIA, ACT_DPRK = 0, 1, 2, 3
# Whose move each actor predicts at reasoning level 1 (-1: no one's).
COUNTERPART = np.array([ACT_DPRK, ACT_US, -1, ACT_US], dtype=np.int64)


@njit(cache=True, _nrt=False, error_model="numpy")
def value_of(actor, before, after, move, last, ag, q, complete):
    """An actor's utility of a month from before to after, given its move and the last month's.

    complete: the DPRK's `deterrent_complete(before, q)` (unused for the others).
    """
    if actor == ACT_US:
        return us_utility(after, move, last, ag, q)
    if actor == ACT_CHINA:
        return china_utility(before, after, move, q)
    if actor == ACT_RUSSIA:
        return russia_utility(after, move, last, q)
    return dprk_utility(before, after, move, last, ag, q, complete)


@njit(cache=True, _nrt=False, error_model="numpy")
def argmax(util, n):
    """The first best of util[:n]."""
    best = 0
    for i in range(1, n):
        if util[i] > util[best]:
            best = i
    return best


@njit(cache=True, _nrt=False, error_model="numpy")
def menu_scores(actor, menu, s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, util, x):
    """A fixed menu's options (China's, Russia's) into opts, valued by `anticipate`."""
    n = menu.shape[0]
    for i in range(n):
        opts[i] = menu[i]
    return anticipate(actor, s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, n, util, x)


@njit(cache=True, _nrt=False, error_model="numpy")
def anticipate(actor, s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, n, util, x):
    """The values of an actor's options opts[:n] into util[:n]; returns n.

    Level-k reasoning over a short lookahead. The others' moves this month are
    predicted: at level 0 each repeats last month's move; at level 1 the
    actor's counterpart (COUNTERPART) is predicted as a level-0 actor, its best
    move by its own myopic values. Each option is then valued over `lookahead`
    months: the coming month, then further months with every move held and no
    new resolution, month t weighted by discount^(t-1). Level 0 with a
    lookahead of 1 is the myopic rule.

    No move changes a month's `economy`, so each month's is worked out once and
    shared by every option; each option then adds its `moves`. Scratch:
    opts[8:24], util[8:16], x: this month x[0:NS], the reply's x[NS:2NS], further
    month t x[(2+t)NS:(3+t)NS] (SCRATCH_STATES holds MAX_LOOKAHEAD months).
    """
    pred = opts[16:20]
    now = opts[20:24]
    for k in range(4):
        pred[k] = last[k]
    cp = COUNTERPART[actor]
    if q[Q_LEVEL] >= 1.0 and cp >= 0:
        ro, ru, rx = opts[8:16], util[8:16], x[NS : 2 * NS]
        if cp == ACT_US:
            k = us_myopic(s, adopted, russia_enf, last, ag, q, ph, ro, ru, rx)
        else:
            k = dprk_myopic(s, adopted, china_enf, russia_enf, last, ag, q, ph, ro, ru, rx)
        pred[cp] = ro[argmax(ru, k)]
    n_ahead = int(q[Q_LOOKAHEAD]) - 1
    hazard = actor == ACT_CHINA  # the only actor that weighs the collapse hazard
    economy(s, adopted, china_enf, russia_enf, ph, x[0:NS], hazard)
    before = x[0:NS]
    for t in range(n_ahead):
        after = x[(2 + t) * NS : (3 + t) * NS]
        economy(before, 0.0, china_enf, russia_enf, ph, after, hazard)
        before = after
    complete = deterrent_complete(s, q) if actor == ACT_DPRK else 0.0
    for i in range(n):
        m = opts[i]
        for k in range(4):
            now[k] = pred[k]
        now[actor] = m
        moves(s, now[0], now[1], now[2], now[3], ph, x[0:NS])
        v = value_of(actor, s, x[0:NS], m, last, ag, q, complete)
        weight = 1.0
        before = x[0:NS]
        for t in range(n_ahead):
            weight *= q[Q_DISCOUNT]
            after = x[(2 + t) * NS : (3 + t) * NS]
            moves(before, now[0], now[1], now[2], now[3], ph, after)
            c = deterrent_complete(before, q) if actor == ACT_DPRK else 0.0
            v += weight * value_of(actor, before, after, m, now, ag, q, c)
            before = after
        util[i] = v
    return n


@njit(cache=True, _nrt=False, error_model="numpy")
def dprk_choose(s, adopted, china_enf, russia_enf, last, ag, q, ph, u, opts, util, w, x):
    """DPRK.choose_move given one draw u of the DPRK stream."""
    n = dprk_scores(s, adopted, china_enf, russia_enf, last, ag, q, ph, opts, util, x)
    return opts[logit_choice(util, n, q[Q_DP_RATIONALITY], u, w)]


# ================================================================ council
ADOPT, FAIL, SOFTEN = 0, 1, 2


@njit(cache=True, _nrt=False, error_model="numpy")
def soften(strength, factor):
    """What a softening leaves of a draft."""
    return strength * (1.0 - factor)


@njit(cache=True, _nrt=False, error_model="numpy")
def council_verdict(china, russia, softenings, softened, max_soften, min_strength):
    """After one vote: ADOPT, FAIL or SOFTEN (put the softened draft to the vote again).

    A veto kills the draft; two yeses adopt it; otherwise it is softened,
    unless the softenings have run out or it would become too weak to matter.
    """
    if china == VOTE_VETO or russia == VOTE_VETO:
        return FAIL
    if china == VOTE_YES and russia == VOTE_YES:
        return ADOPT
    if softenings == max_soften or softened < min_strength:
        return FAIL
    return SOFTEN


@njit(cache=True, _nrt=False, error_model="numpy")
def deliberate(strength, s, last, ag, q, phc, dbuf, dpos, ent, rs, rec, util, w, x):
    """Put a draft to China's and Russia's vote; fills rec[R_DRAFTED..], returns what is adopted."""
    drafted = strength
    max_soften = int(q[Q_MAX_SOFTEN])
    c = NONE
    r = NONE
    adopted = 0.0
    softenings = 0
    while True:
        softened = soften(strength, q[Q_SOFTEN])
        u = dice(ST_COUNCIL, dbuf, dpos, ent, rs)
        c = china_vote(s, last, strength, softened, ag, q, phc, u, util, w, x)
        u_follow = dice(ST_COUNCIL, dbuf, dpos, ent, rs)
        u_choice = dice(ST_COUNCIL, dbuf, dpos, ent, rs)
        r = russia_vote(strength, softened, c, q, u_follow, u_choice, util, w)
        verdict = council_verdict(c, r, softenings, softened, max_soften, q[Q_MIN_STRENGTH])
        if verdict == ADOPT:
            adopted = strength
        if verdict != SOFTEN:
            break
        strength = softened
        softenings += 1
    rec[R_DRAFTED] = drafted
    rec[R_ADOPTED] = adopted
    rec[R_CHINA_VOTE] = c
    rec[R_RUSSIA_VOTE] = r
    rec[R_SOFTENINGS] = softenings
    return adopted


# ================================================================ one round
@njit(cache=True, _nrt=False, error_model="numpy")
def recorded_escalation(x, outcome):
    """The round's escalation score as recorded: a nuclear war adds the nuclear rung."""
    if outcome == O_NUCLEAR_WAR:
        return x[S_ESCALATION] + NUCLEAR_ESCALATION
    return x[S_ESCALATION]


@njit(cache=True, _nrt=False, error_model="numpy")
def remember_resolution(ag, adopted):
    """The DPRK answers next month the resolution adopted this month (0.0 for none)."""
    ag[A_DP_PROVOKED] = adopted


@njit(cache=True, _nrt=False, error_model="numpy")
def init_agents(q, ag):
    """The actors' beliefs and memories at the start of a replication."""
    ag[A_US_TRUST] = q[Q_US_TRUST0]
    ag[A_US_BELIEF] = q[Q_BELIEF0]
    ag[A_CH_LEVEL] = pymax(q[Q_CE0], q[Q_CH_FLOOR])
    ag[A_DP_BELIEF] = q[Q_BELIEF0]
    ag[A_DP_READY_ICBM] = q[Q_ICBM_INTERVAL]
    ag[A_DP_READY_NUCLEAR] = 1.0
    ag[A_DP_PROVOKED] = 0.0
    return None


@njit(cache=True, _nrt=False, error_model="numpy")
def step(s, last, ag, q, phys, dbuf, dpos, ent, rs, rec, opts, util, w, x, nxt):
    """One round of CrisisModel.step.

    s (the state) and last (the four move ids of last round) are updated in
    place; ent is the replication's refill entropy (sim.core.rng.refill_entropy)
    and rs uint64 scratch of 12; rec receives the council's result and the outcome code (NONE if
    the crisis goes on). x is scratch of length SCRATCH_STATES and nxt a scratch
    state; opts, util and w scratch of lengths SCRATCH_OPTS, SCRATCH_UTIL, 8.
    """
    phw = phys[PHYS_WORLD]
    phc = phys[PHYS_CHINA]
    phr = phys[PHYS_RUSSIA]
    # 1. Observe
    if s[S_ROUND] > 0.0:
        us_observe(ag, q, s[S_CHINA_ENF], last[3], dice(ST_NOISE, dbuf, dpos, ent, rs))
        dprk_observe(ag, q, s[S_ROUND], last[0], last[2], last[3])
    s[S_TRUST] = ag[A_US_TRUST]
    # 2. Enforcement, on the sanctions in force
    ce = china_choose_enforcement(
        s, 0.0, last, ag, q, phc, dice(ST_CHINA, dbuf, dpos, ent, rs), util, w, x
    )
    re = russia_enforce(ce, q)
    # 3. Moves (each actor draws from its own stream)
    m_us = us_choose(
        s, 0.0, re, last, ag, q, phw, dice(ST_US, dbuf, dpos, ent, rs), opts, util, w, x
    )
    m_china = china_choose(
        s, 0.0, ce, re, last, ag, q, phc, dice(ST_CHINA, dbuf, dpos, ent, rs), opts, util, w, x
    )
    m_russia = russia_choose(
        s, 0.0, ce, re, last, ag, q, phr, dice(ST_RUSSIA, dbuf, dpos, ent, rs), opts, util, w, x
    )
    m_dprk = dprk_choose(
        s, 0.0, ce, re, last, ag, q, phw, dice(ST_DPRK, dbuf, dpos, ent, rs), opts, util, w, x
    )
    # 4. Sanctions: the council answers a strategic test within the month
    now = opts[16:20]  # anticipate's scratch, free once the moves are chosen
    now[0], now[1], now[2], now[3] = m_us, m_china, m_russia, m_dprk
    strength = us_draft(s[S_SANCTIONS], m_dprk, q[Q_RES_BASE], ag, q)
    if strength > 0.0:
        adopted = deliberate(strength, s, now, ag, q, phc, dbuf, dpos, ent, rs, rec, util, w, x)
    else:
        adopted = 0.0
        rec[R_DRAFTED] = 0.0
        rec[R_ADOPTED] = 0.0
        rec[R_CHINA_VOTE] = NONE
        rec[R_RUSSIA_VOTE] = NONE
        rec[R_SOFTENINGS] = 0
    remember_resolution(ag, adopted)
    # 5. World update
    transition(s, adopted, ce, re, m_us, m_china, m_russia, m_dprk, phw, nxt)
    outcome = draw(nxt, dice(ST_WORLD, dbuf, dpos, ent, rs))
    rec[R_WAR_CAUSE] = war_cause(nxt, m_us, m_dprk, outcome)
    if outcome == NONE:
        rec[R_TALKS_EVENT] = negotiate(s, nxt, q, phw, dice(ST_WORLD, dbuf, dpos, ent, rs))
    else:
        rec[R_TALKS_EVENT] = EV_NONE
    # 6. Record
    for k in range(NS):
        s[k] = nxt[k]
    last[0] = m_us
    last[1] = m_china
    last[2] = m_russia
    last[3] = m_dprk
    rec[R_OUTCOME] = outcome
    return outcome
