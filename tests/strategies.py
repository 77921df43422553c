"""Shared hypothesis strategies: any valid configuration, drawn from the schema's ranges.

A new parameter is covered as soon as it declares its range in sim/core/params.py.
"""

from __future__ import annotations

from hypothesis import strategies as st

from sim.core.params import CrisisConfig, validate, walk

RANDOMISED = ("actors.", "world.", "council.")


def leaf_strategy(value, lo, hi):
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(int(lo), int(hi))
    return st.floats(lo, hi, allow_nan=False)


@st.composite
def configs(draw) -> CrisisConfig:
    """Any valid config: every actor, world and council parameter drawn within its range."""
    cfg = CrisisConfig()
    cfg.run.rounds = draw(st.integers(1, 24))
    cfg.run.seed = draw(st.integers(0, 2**63 - 1))
    cfg.run.progress = False
    for key, value, f in walk(cfg):
        if not key.startswith(RANDOMISED):
            continue
        lo, hi = f.metadata.get("range", (None, None))
        if not isinstance(value, bool) and (lo is None or hi is None):
            continue
        *path, leaf = key.split(".")
        node = cfg
        for part in path:
            node = getattr(node, part)
        setattr(node, leaf, draw(leaf_strategy(value, lo, hi), label=key))
    a = cfg.actors
    a.russia.trade_share = min(a.russia.trade_share, 1.0 - a.china.trade_share)
    validate(cfg)
    return cfg
