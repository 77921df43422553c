"""numpy's SeedSequence and PCG64 in numba, bit for bit.

`seed_words` turns entropy (a list of non-negative ints) into numpy's uint32
words; `generate_state64` is SeedSequence.generate_state(4, np.uint64);
`pcg64_seed` is PCG64's seeding from those words; `random_block` fills an
array with `Generator.random()` doubles. `first_blocks` and `refill_block`
give exactly the blocks of sim/core/streams.py.

PCG64 is the XSL-RR 128/64 generator; its 128-bit state and increment are kept
as (high, low) uint64 halves.
"""

from __future__ import annotations

import numpy as np

from sim.core.jit import njit, uint64

POOL_SIZE = 4
M32 = np.uint64(0xFFFFFFFF)
INIT_A = np.uint64(0x43B0D7E5)
MULT_A = np.uint64(0x931E8875)
INIT_B = np.uint64(0x8B51F9DD)
MULT_B = np.uint64(0x58F38DED)
MIX_MULT_L = np.uint64(0xCA01F9DD)
MIX_MULT_R = np.uint64(0x4973F715)
XSHIFT = np.uint64(16)

MULT_HI = np.uint64(0x2360ED051FC65DA4)
MULT_LO = np.uint64(0x4385DF649FCCF645)


def seed_words(entropy) -> np.ndarray:
    """numpy's _coerce_to_uint32_array of an int or a sequence of ints."""
    if isinstance(entropy, (int, np.integer)):
        n = int(entropy)
        if n < 0:
            raise ValueError("entropy must be non-negative")
        if n == 0:
            return np.zeros(1, dtype=np.uint32)
        words = []
        while n > 0:
            words.append(n & 0xFFFFFFFF)
            n >>= 32
        return np.array(words, dtype=np.uint32)
    parts = [seed_words(v) for v in entropy]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)


@njit(cache=True, error_model="numpy", inline="always")
def _hashmix(value, hc):
    """hashmix of numpy's SeedSequence: (mixed value, next hash constant)."""
    value = (value ^ hc) & M32
    hc = (hc * MULT_A) & M32
    value = (value * hc) & M32
    value ^= value >> XSHIFT
    return value, hc


@njit(cache=True, error_model="numpy", inline="always")
def _mix(x, y):
    result = ((MIX_MULT_L * x) - (MIX_MULT_R * y)) & M32
    result ^= result >> XSHIFT
    return result


@njit(cache=True, error_model="numpy", _nrt=False)
def pool_into(entropy, mixer):
    """SeedSequence's mixed pool (4 uint32 words, held in uint64) from assembled entropy."""
    n = entropy.shape[0]
    hc = INIT_A
    for i in range(POOL_SIZE):
        v = uint64(entropy[i]) if i < n else uint64(0)
        mixer[i], hc = _hashmix(v, hc)
    for i_src in range(POOL_SIZE):
        for i_dst in range(POOL_SIZE):
            if i_src != i_dst:
                h, hc = _hashmix(mixer[i_src], hc)
                mixer[i_dst] = _mix(mixer[i_dst], h)
    for i_src in range(POOL_SIZE, n):
        for i_dst in range(POOL_SIZE):
            h, hc = _hashmix(uint64(entropy[i_src]), hc)
            mixer[i_dst] = _mix(mixer[i_dst], h)
    return None


@njit(cache=True, error_model="numpy")
def pool_of(entropy):
    mixer = np.zeros(POOL_SIZE, dtype=np.uint64)
    pool_into(entropy, mixer)
    return mixer


@njit(cache=True, error_model="numpy", _nrt=False)
def generate_state64(pool, out):
    """SeedSequence.generate_state(len(out), np.uint64) into out (uint64 array)."""
    hc = INIT_B
    n32 = out.shape[0] * 2
    lo = uint64(0)
    for i_dst in range(n32):
        v = pool[i_dst % POOL_SIZE]
        v = (v ^ hc) & M32
        hc = (hc * MULT_B) & M32
        v = (v * hc) & M32
        v ^= v >> XSHIFT
        if i_dst % 2 == 0:
            lo = v
        else:
            out[i_dst // 2] = lo | (v << uint64(32))
    return None


@njit(cache=True, error_model="numpy", inline="always")
def _mulhi64(a, b):
    """High 64 bits of the 128-bit product a*b."""
    a_lo = a & M32
    a_hi = a >> uint64(32)
    b_lo = b & M32
    b_hi = b >> uint64(32)
    ll = a_lo * b_lo
    lh = a_lo * b_hi
    hl = a_hi * b_lo
    hh = a_hi * b_hi
    mid = (ll >> uint64(32)) + (lh & M32) + (hl & M32)
    return hh + (lh >> uint64(32)) + (hl >> uint64(32)) + (mid >> uint64(32))


@njit(cache=True, error_model="numpy", inline="always")
def _step(st):
    """state = state * MULT + inc, mod 2**128; st = [state_hi, state_lo, inc_hi, inc_lo]."""
    hi, lo = st[0], st[1]
    new_lo = lo * MULT_LO
    new_hi = _mulhi64(lo, MULT_LO) + hi * MULT_LO + lo * MULT_HI
    lo2 = new_lo + st[3]
    carry = uint64(1) if lo2 < new_lo else uint64(0)
    st[0] = new_hi + st[2] + carry
    st[1] = lo2


@njit(cache=True, error_model="numpy", _nrt=False)
def pcg64_seed(words, st):
    """PCG64 from generate_state(4, uint64) words: numpy's pcg64_set_seed (srandom_r)."""
    # initstate = words[0]:words[1] (high:low), initseq = words[2]:words[3]
    inc_hi = (words[2] << uint64(1)) | (words[3] >> uint64(63))
    inc_lo = (words[3] << uint64(1)) | uint64(1)
    st[0] = uint64(0)
    st[1] = uint64(0)
    st[2] = inc_hi
    st[3] = inc_lo
    _step(st)
    lo = st[1] + words[1]
    carry = uint64(1) if lo < st[1] else uint64(0)
    st[0] = st[0] + words[0] + carry
    st[1] = lo
    _step(st)
    return None


@njit(cache=True, error_model="numpy", inline="always")
def next_uint64(st):
    _step(st)
    hi, lo = st[0], st[1]
    value = hi ^ lo
    rot = hi >> uint64(58)
    return (value >> rot) | (value << ((uint64(64) - rot) & uint64(63)))


@njit(cache=True, error_model="numpy", inline="always")
def next_double(st):
    return np.float64(next_uint64(st) >> uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, error_model="numpy", _nrt=False)
def random_block(st, out):
    """Generator.random() doubles into out (a 1-d float64 array or a row)."""
    for i in range(out.shape[0]):
        out[i] = next_double(st)
    return None


@njit(cache=True, error_model="numpy", _nrt=False)
def seeded_into(entropy, rs):
    """PCG64 state from assembled SeedSequence entropy, in rs[8:12] (rs: uint64 scratch of 12)."""
    pool_into(entropy, rs[0:4])
    generate_state64(rs[0:4], rs[4:8])
    pcg64_seed(rs[4:8], rs[8:12])


@njit(cache=True, error_model="numpy", _nrt=False)
def first_blocks_into(run_entropy, out, rs):
    """rng.random(out.shape) of default_rng(SeedSequence(entropy)) (no spawn key)."""
    seeded_into(run_entropy, rs)
    st = rs[8:12]
    for k in range(out.shape[0]):
        random_block(st, out[k])
    return None


def refill_entropy(run_entropy: np.ndarray) -> np.ndarray:
    """The entropy of a refill key, its last two words (stream, block) left to fill."""
    ent = np.empty(max(run_entropy.shape[0], POOL_SIZE) + 2, dtype=np.uint32)
    return ent[: refill_entropy_into(run_entropy, ent)]


@njit(cache=True, error_model="numpy", _nrt=False)
def refill_entropy_into(run_entropy, out):
    """`refill_entropy` into the front of out (long enough); returns how many words it is.

    The run entropy, zeros up to SeedSequence's pool size, and two words for the key.
    """
    n = run_entropy.shape[0]
    m = (n if n >= POOL_SIZE else POOL_SIZE) + 2
    for k in range(m):
        out[k] = run_entropy[k] if k < n else 0
    return m


@njit(cache=True, error_model="numpy", _nrt=False)
def refill_block_into(rent, stream, block, out, rs):
    """Block `block` of stream `stream`; rent from refill_entropy (its last two words are set)."""
    m = rent.shape[0]
    rent[m - 2] = stream
    rent[m - 1] = block
    seeded_into(rent, rs)
    random_block(rs[8:12], out)
    return None


@njit(cache=True, error_model="numpy")
def seeded(entropy):
    rs = np.empty(12, dtype=np.uint64)
    seeded_into(entropy, rs)
    return rs[8:12].copy()


@njit(cache=True, error_model="numpy")
def first_blocks(run_entropy, out):
    first_blocks_into(run_entropy, out, np.empty(12, dtype=np.uint64))
    return out


@njit(cache=True, error_model="numpy")
def _refill(rent, stream, block, out):
    refill_block_into(rent, stream, block, out, np.empty(12, dtype=np.uint64))
    return out


def refill_block(run_entropy, stream, block, out):
    """Block `block` of stream `stream`: SeedSequence(entropy, spawn_key=(stream, block))."""
    return _refill(refill_entropy(run_entropy), stream, block, out)
