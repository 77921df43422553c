"""numba for the kernels: `njit` and `uint64`, with the compiler's libraries loaded lean.

When numba first compiles or loads a cached kernel, it loads its libraries for
numpy, and one of them asks whether SciPy's BLAS is there (`scipy.linalg`,
about 0.25 s of imports), to pick `np.dot` inside `np.correlate` and
`np.convolve`. No kernel calls these, nor any linear algebra, and a 1,000-seed
run takes well under a second after those libraries load; so they are loaded
here, at import, with `scipy.linalg` out of reach for that moment only.

numba asks once per process, so in a process that has not imported
`scipy.linalg` by then, numba's own `np.correlate` and `np.convolve` use their
plain loop rather than BLAS. `np.dot` and `np.linalg` are not affected: they
import SciPy when first compiled. A process that imported `scipy.linalg` first
loads numba as usual. The kernels' results are the same either way
(tests/e2e/test_engines.py compares them with the Mesa face's).
"""

from __future__ import annotations

import sys

from numba import njit, uint64
from numba.core.registry import cpu_target

__all__ = ["njit", "uint64"]


class _NoScipyLinalg:
    """An import finder that refuses `scipy.linalg` and its modules."""

    def find_spec(self, name, path=None, target=None):
        if name == "scipy.linalg" or name.startswith("scipy.linalg."):
            raise ImportError(f"{name} is not loaded while numba loads its libraries")
        return None


def _load_libraries() -> None:
    if "scipy.linalg" in sys.modules:  # numba finds it at no cost
        cpu_target.target_context.refresh()
        return
    finder = _NoScipyLinalg()
    sys.meta_path.insert(0, finder)
    try:
        cpu_target.target_context.refresh()
    finally:
        sys.meta_path.remove(finder)


_load_libraries()
