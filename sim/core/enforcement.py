"""Sanctions enforcement: how strictly each trading partner applies the regime.

Effective pressure on the DPRK economy is the sanctions level times the
trade-share-weighted enforcement, less leakage. China holds about 90% of the
DPRK's trade, so its choice dominates. The rules are the kernels'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core import kernels as K
from sim.core.kernels import LEVELS, RUSSIA_OWN_LEVEL  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from sim.core.physics import Physics


def pressure(level: float, china_enf: float, russia_enf: float, ph: Physics) -> float:
    """Effective pressure: sanctions level x trade-weighted enforcement, less leakage."""
    return K.pressure(level, china_enf, russia_enf, K.physics_array(ph))


def projected_stability(stability: float, press: float, ph: Physics, horizon: int) -> float:
    """Stability `horizon` rounds on if this pressure held, by China's linear reckoning."""
    return K.projected_stability(stability, press, K.physics_array(ph), float(horizon))


def russia_enforcement(china_level: float, follow_china: float, shield: float) -> float:
    """Russia takes "a back seat and lets China lead": it mirrors China as it follows it."""
    return K.russia_enforcement(china_level, follow_china, shield)
