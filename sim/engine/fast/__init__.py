"""A compiled fast path for the hall engine: the same records as the SimPy engine.

:func:`run_fast` (numba, cached on disk) runs the scenarios :func:`unsupported` accepts;
:func:`available` tells whether numba is installed. The same-time event order both
engines follow is in ``docs/engine-order.md``.
"""

from sim.engine.fast.engine import preload, run_fast
from sim.engine.fast.support import (
    ENGINES,
    EngineChoice,
    available,
    choose_engine,
    unsupported,
)

__all__ = ["ENGINES", "EngineChoice", "available", "choose_engine", "preload", "run_fast",
           "unsupported"]
