"""Sanctions enforcement: how strictly each trading partner applies the regime.

Effective pressure on the DPRK economy is the sanctions level times the
trade-share-weighted enforcement, less leakage. China holds about 90% of the
DPRK's trade, so its choice dominates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.core.world import Physics

# The enforcement levels China chooses among: from token compliance to the
# letter of the resolutions (1.0 would be a total blockade of its share).
LEVELS = (0.2, 0.4, 0.6, 0.8, 1.0)

# Russia's enforcement when it acts on its own account: the resolutions "do
# not do much harm to its commercial interests", so it complies fairly well.
RUSSIA_OWN_LEVEL = 0.7


def pressure(level: float, china_enf: float, russia_enf: float, ph: Physics) -> float:
    """Effective pressure: sanctions level x trade-weighted enforcement, less leakage."""
    other = 1.0 - ph.china_share - ph.russia_share
    weighted = ph.china_share * china_enf + ph.russia_share * russia_enf
    return level * (weighted + other * ph.other_enforcement) * (1.0 - ph.leakage)


def projected_stability(stability: float, press: float, ph: Physics, horizon: int) -> float:
    """Stability `horizon` rounds on if this pressure held, by China's linear reckoning."""
    drift = (
        ph.stability_recovery * (ph.stability_equilibrium - stability) - ph.pressure_impact * press
    )
    return stability + horizon * drift


def russia_enforcement(china_level: float, follow_china: float, shield: float) -> float:
    """Russia takes "a back seat and lets China lead": it mirrors China as it follows it."""
    own = follow_china * china_level + (1.0 - follow_china) * RUSSIA_OWN_LEVEL
    return own * (1.0 - shield)
