"""The random streams of one replication.

Each actor, the Security Council, the US's perception noise and the world's
hazard draws have a stream of their own, so a scenario that changes one
actor's choices leaves every other stream where it was (common random
numbers across scenarios). All first blocks come from one generator call;
a stream that runs past its block continues from a generator keyed by the
replication's seed, the stream and the block number.
"""

from __future__ import annotations

import numpy as np

STREAMS = ("world", "us", "china", "russia", "dprk", "noise", "council")
BLOCK = 64  # draws per block: a 24-round run rarely needs a second


class Dice:
    """Uniform draws in [0, 1) from one stream."""

    __slots__ = ("_seed", "_stream", "_block", "_buf", "_i")

    def __init__(self, seed: np.random.SeedSequence, stream: int, first: list[float]):
        self._seed, self._stream = seed, stream
        self._block, self._buf, self._i = 0, first, 0

    def __call__(self) -> float:
        if self._i >= len(self._buf):
            self._block += 1
            key = np.random.SeedSequence(
                self._seed.entropy, spawn_key=(*self._seed.spawn_key, self._stream, self._block)
            )
            self._buf, self._i = np.random.default_rng(key).random(BLOCK).tolist(), 0
        self._i += 1
        return self._buf[self._i - 1]


def streams(seed: np.random.SeedSequence) -> tuple[np.random.Generator, dict[str, Dice]]:
    """The replication's generator (for Mesa) and one Dice per stream."""
    rng = np.random.default_rng(seed)
    first = rng.random((len(STREAMS), BLOCK)).tolist()
    return rng, {name: Dice(seed, k, first[k]) for k, name in enumerate(STREAMS)}
