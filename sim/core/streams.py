"""The random streams of one replication, for the steppable model.

Each actor, the Security Council, the US's perception noise and the world's
hazard draws have a stream of their own, so a scenario that changes one
actor's choices leaves every other stream where it was (common random
numbers across scenarios). All first blocks come from one generator call;
a stream that runs past its block continues from a generator keyed by the
replication's seed, the stream and the block number. The draws themselves
are the kernels' (`kernels.dice`), so the steppable model and the batch
driver read the same numbers.
"""

from __future__ import annotations

import numpy as np

from sim.core import kernels as K
from sim.core import rng
from sim.core.kernels import BLOCK, STREAMS  # noqa: F401 (re-exported)


class Streams:
    """The seven streams of one replication as the kernels hold them."""

    __slots__ = ("dbuf", "dpos", "ent", "rs")

    def __init__(self, seed: np.random.SeedSequence):
        if seed.spawn_key:
            # Refill keys are built from the entropy alone; a spawned sequence
            # would silently get another sequence's numbers.
            raise ValueError("a replication's SeedSequence must have no spawn key")
        if seed.pool_size != rng.POOL_SIZE:
            raise ValueError(f"a replication's SeedSequence must have pool_size {rng.POOL_SIZE}")
        words = rng.seed_words(seed.entropy)
        self.rs = np.empty(12, dtype=np.uint64)
        self.dbuf = np.empty((len(STREAMS), BLOCK))
        rng.first_blocks_into(words, self.dbuf, self.rs)
        self.dpos = np.zeros(2 * len(STREAMS), dtype=np.int64)
        self.ent = rng.refill_entropy(words)

    def dice(self, name: str) -> Dice:
        return Dice(self, STREAMS.index(name))


class Dice:
    """Uniform draws in [0, 1) from one stream."""

    __slots__ = ("_s", "_k")

    def __init__(self, streams: Streams, k: int):
        self._s, self._k = streams, k

    def __call__(self) -> float:
        s = self._s
        return K.dice(self._k, s.dbuf, s.dpos, s.ent, s.rs)


def streams(seed: np.random.SeedSequence) -> tuple[np.random.Generator, dict[str, Dice]]:
    """The replication's generator (for Mesa) and one Dice per stream."""
    s = Streams(seed)
    return np.random.default_rng(seed), {name: s.dice(name) for name in STREAMS}
