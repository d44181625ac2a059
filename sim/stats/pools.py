"""Busy and staffed time of a first-come-first-served pool (the guide desk, a kiosk group).

Such a pool serves whenever the hall is open, and customers still waiting at a
closing are served (overtime), like tickets held at a closing. Its staffed time
is therefore its servers' opening minutes plus the overtime: the time outside
opening hours during which a server is busy. Both are counted inside the
statistics window ``[w0, horizon)`` (sessions clipped to it), so busy time never
exceeds staffed time and the utilisation is at most 1 by construction.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.calendar import WorkingTime
from sim.scenario.model import Scenario
from sim.stats.staffing import Usage


def pool_time(scenario: Scenario, start: np.ndarray, end: np.ndarray, servers: int,
              w0: float, horizon: float) -> Usage:
    """Busy and staffed minutes in ``[w0, horizon)`` of a pool of ``servers`` whose
    sessions run from ``start`` to ``end`` (NaN rows ignored): busy is the session
    time inside the window; staffed is ``servers`` times the opening minutes of the
    window plus the busy time outside opening hours (overtime)."""
    ok = ~(np.isnan(start) | np.isnan(end))
    s = np.clip(start[ok], w0, horizon)
    e = np.clip(end[ok], w0, horizon)
    hours = WorkingTime(scenario.hall.periods)
    busy = float(np.sum(e - s))
    busy_open = float(np.sum(hours.minutes_before_many(e) - hours.minutes_before_many(s)))
    opening = hours.minutes_before(horizon) - hours.minutes_before(w0)
    return Usage(busy, servers * opening + (busy - busy_open))
