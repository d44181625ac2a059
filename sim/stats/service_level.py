"""The service level: one definition, read by every output.

A ticket *misses* the target when it is not called within ``T =
targets.wait_minutes`` of taking its ticket:

- a served ticket misses when its wait (ticket to call) exceeds ``T``;
- an abandoned ticket was never called, so it misses, unless it left within
  ``targets.short_abandon_minutes`` (default 0): such *short abandonments* are
  left out of both numerator and denominator, the call-centre convention of
  not holding a service against callers who hang up at once (Koole, *Call
  Center Optimization*, 2013, section 2.3; the "short abandon" threshold of
  ACD reports);
- a balked ticket (left at once because the queue was too long) misses;
- an open ticket (still waiting when the run stopped) misses if it had already
  waited more than ``T`` at the horizon, and is left out otherwise (its outcome
  is not known).

``p_wait_over_target`` is the share of counted tickets that miss; the
service level is ``1 - p_wait_over_target``. The results document, tables,
``compare``, reports, batch metrics, the optimiser's targets and
certification all call :func:`target_misses`.
"""

from __future__ import annotations

import numpy as np

from sim.engine.records import ABANDONED, BALKED, OPEN, SERVED


def target_misses(arrival: np.ndarray, call: np.ndarray, end: np.ndarray, outcome: np.ndarray,
                  target: float, short_abandon: float = 0.0,
                  horizon: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    """Which tickets count toward the service level, and which of them miss it.

    Arguments are record columns (minutes; ``end`` of an abandoned ticket is
    when it left). Returns boolean arrays ``(counted, missed)``; ``missed``
    implies ``counted``.
    """
    served = outcome == SERVED
    abandoned = outcome == ABANDONED
    open_ = outcome == OPEN
    waited_long_open = open_ & (horizon - arrival > target)
    short = (abandoned & (end - arrival <= short_abandon) if short_abandon > 0
             else np.zeros(len(outcome), dtype=bool))
    counted = served | (abandoned & ~short) | (outcome == BALKED) | waited_long_open
    missed = np.zeros(len(outcome), dtype=bool)
    missed[served] = (call[served] - arrival[served]) > target
    missed |= (abandoned & ~short) | (outcome == BALKED) | waited_long_open
    return counted, missed


def miss_share(counted: np.ndarray, missed: np.ndarray) -> float:
    """Share of counted tickets that missed the target (NaN when none counted)."""
    n = int(np.count_nonzero(counted))
    return float(np.count_nonzero(missed & counted) / n) if n else float("nan")
