"""Figures of the self-service kiosks (window groups with ``kiosk: true``).

A kiosk group appears in ``by_window`` with the figures of a staffed group, read
off the kiosk sessions of the records: ``served`` (sessions of customers who came
in the statistics days, finished there or not), ``busy_hours`` (session time
inside the statistics window), ``staffed_hours`` (the kiosks' opening hours over
the statistics days plus the overtime spent finishing a queue held at a closing:
:func:`~sim.stats.pools.pool_time`) and ``utilisation`` (busy over staffed, at
most 1; all three from :class:`~sim.stats.staffing.Usage`), plus ``done_share``
(share of sessions finished at the kiosk) and ``wait_mean_kiosk`` (minutes waiting
for a free kiosk).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.engine.records import Records
from sim.scenario.model import Scenario
from sim.stats.pools import pool_time


def kiosk_by_window(scenario: Scenario, rec: Records, w0: float, horizon: float
                    ) -> dict[str, dict[str, Any]]:
    """``by_window`` entries of the kiosk groups (empty without kiosk sessions)."""
    s = rec.kiosk
    if s is None:
        return {}
    out = {}
    for gi, g in enumerate(scenario.windows):
        if not g.kiosk:
            continue
        m = (s.group == gi) & (s.arrival >= w0) & (s.arrival < horizon)
        n = int(m.sum())
        mine = s.group == gi
        usage = pool_time(scenario, s.start[mine], s.end[mine], g.count, w0, horizon)
        out[g.id] = {"served": n, **usage.figures(),
                     "done_share": float(s.done[m].mean()) if n else math.nan,
                     "wait_mean_kiosk": float(np.mean((s.start - s.arrival)[m])) if n else math.nan}
    return out
