"""The batch driver's compiled loop: many replications of `kernels.step` in one call.

Imported where replications run (the command's process for a run on one
worker, else the worker processes), so that the process which only hands a run
to its workers does not load the compiler.
"""

from __future__ import annotations

import numpy as np

from sim.core import kernels as K
from sim.core.jit import njit
from sim.core.rng import POOL_SIZE, first_blocks_into, refill_entropy_into
from sim.runs.batch import (
    _OUT_STATE,
    _TRAJ_STATE,
    TF_ADOPTED,
    TF_DRAFTED,
    TF_ESCALATION,
    TI_CHINA,
    TI_CHINA_VOTE,
    TI_DPRK,
    TI_EXERCISES,
    TI_OUTCOME,
    TI_ROUND,
    TI_RUSSIA,
    TI_RUSSIA_VOTE,
    TI_SEED,
    TI_TALKS,
    TI_US,
)


@njit(cache=True, error_model="numpy")
def _entropy_into(seed_w, i, out):
    """The uint32 words of SeedSequence([run.seed, i]).entropy into out; returns how many.

    out holds seed_w and two more words (i is below 2**64).
    """
    n_s = seed_w.shape[0]
    out[:n_s] = seed_w
    n = n_s
    v = i
    while True:
        out[n] = v % 4294967296
        n += 1
        v //= 4294967296
        if v == 0:
            return n


@njit(cache=True, error_model="numpy")
def run_chunk(seed_w, start, stop, rounds, q, phys, record, of, oi, tf, ti):
    """Replications start..stop-1; fills of/oi (per replication) and tf/ti (per round).

    Returns the number of trajectory rows written (0 unless record).
    """
    phw = phys[K.PHYS_WORLD]
    dbuf = np.empty((K.NSTREAMS, 64))
    dpos = np.zeros(2 * K.NSTREAMS, dtype=np.int64)
    s = np.empty(K.NS)
    x = np.empty(K.SCRATCH_STATES)
    nxt = np.empty(K.NS)
    ag = np.empty(K.NA)
    last = np.empty(4, dtype=np.int64)
    rec = np.empty(K.NR)
    opts = np.empty(K.SCRATCH_OPTS, dtype=np.int64)
    util = np.empty(K.SCRATCH_UTIL)
    w = np.empty(8)
    rs = np.empty(12, dtype=np.uint64)
    # a replication's entropy and its refill entropy, in buffers of the longest
    ent_buf = np.empty(seed_w.shape[0] + 2, dtype=np.uint32)
    rent_buf = np.empty(max(seed_w.shape[0] + 2, POOL_SIZE) + 2, dtype=np.uint32)
    row = 0
    for j in range(stop - start):
        i = start + j
        n_e = _entropy_into(seed_w, i, ent_buf)
        ent = ent_buf[:n_e]
        first_blocks_into(ent, dbuf, rs)
        rent = rent_buf[: refill_entropy_into(ent, rent_buf)]
        dpos[:] = 0
        K.init_agents(q, ag)
        K.initial_state(q, phw, s)
        last[:] = K.OPENING
        peak = s[K.S_TENSION]
        resolutions = 0
        tests = 0
        outcome = K.NONE
        outcome_round = -1
        opened = -1
        # 0: talks in force before round 1 (world.talks0)
        opened_last = 0 if s[K.S_TALKS] != K.TALKS_NONE else -1
        agreed = -1
        breakdowns = 0
        cause = K.CAUSE_NONE
        for _ in range(rounds):
            o = K.step(s, last, ag, q, phys, dbuf, dpos, rent, rs, rec, opts, util, w, x, nxt)
            ev = rec[K.R_TALKS_EVENT]
            if ev == K.EV_OPENED:
                opened_last = int(s[K.S_ROUND])
                if opened < 0:
                    opened = opened_last
            elif ev == K.EV_AGREED:
                if agreed < 0:
                    agreed = int(s[K.S_ROUND])
            elif ev == K.EV_BROKE:
                breakdowns += 1
            if rec[K.R_ADOPTED] > 0.0:
                resolutions += 1
            if K.MOVE_IS_TEST[last[3]]:
                tests += 1
            peak = K.pymax(peak, s[K.S_TENSION])
            if record:
                for k in range(_TRAJ_STATE.shape[0]):
                    tf[row, k] = s[_TRAJ_STATE[k]]
                tf[row, TF_DRAFTED] = rec[K.R_DRAFTED] if rec[K.R_DRAFTED] > 0.0 else np.nan
                tf[row, TF_ADOPTED] = rec[K.R_ADOPTED] if rec[K.R_ADOPTED] > 0.0 else np.nan
                tf[row, TF_ESCALATION] = K.recorded_escalation(s, o)
                ti[row, TI_SEED] = i
                ti[row, TI_ROUND] = int(s[K.S_ROUND])
                ti[row, TI_EXERCISES] = 1 if s[K.S_EXERCISES] != 0.0 else 0
                ti[row, TI_US] = last[0]
                ti[row, TI_CHINA] = last[1]
                ti[row, TI_RUSSIA] = last[2]
                ti[row, TI_DPRK] = last[3]
                ti[row, TI_CHINA_VOTE] = int(rec[K.R_CHINA_VOTE])
                ti[row, TI_RUSSIA_VOTE] = int(rec[K.R_RUSSIA_VOTE])
                ti[row, TI_OUTCOME] = o
                ti[row, TI_TALKS] = int(s[K.S_TALKS])
                row += 1
            if o != K.NONE:
                outcome = o
                outcome_round = int(s[K.S_ROUND])
                cause = int(rec[K.R_WAR_CAUSE])
                break
        if outcome == K.NONE:
            outcome = K.final_outcome(s)
            if outcome == K.O_TALKS:
                outcome_round = opened_last
        of[j, 0] = peak
        for k in range(_OUT_STATE.shape[0]):
            of[j, 1 + k] = s[_OUT_STATE[k]]
        oi[j, 0] = i
        oi[j, 1] = outcome
        oi[j, 2] = outcome_round
        oi[j, 3] = int(s[K.S_ROUND])
        oi[j, 4] = resolutions
        oi[j, 5] = tests
        oi[j, 6] = 1 if s[K.S_EXERCISES] != 0.0 else 0
        oi[j, 7] = opened
        oi[j, 8] = breakdowns
        oi[j, 9] = agreed
        oi[j, 10] = cause
    return row
