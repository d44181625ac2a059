"""A compiled fast path for the hall engine: the same records as the SimPy engine.

:func:`run_fast` (numba, cached on disk) runs the scenarios :func:`unsupported` accepts;
:func:`sim.engine.fast.cases.run_fast_cases` runs journeys with the front and a back
office after it (exactly, where nothing else feeds back: :func:`feedback`);
:func:`available` tells whether numba is installed. The same-time event order both
engines follow is in ``docs/engine-order.md``.
"""

from sim.engine.fast.engine import preload, run_fast, run_front
from sim.engine.fast.support import (
    ENGINES,
    EngineChoice,
    available,
    choose_engine,
    feedback,
    unsupported,
)

__all__ = ["ENGINES", "EngineChoice", "available", "choose_engine", "feedback", "preload",
           "run_fast", "run_front", "unsupported"]
