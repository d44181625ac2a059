"""Figures of the self-service kiosks (window groups with ``kiosk: true``).

A kiosk group appears in ``by_window`` with the figures of a staffed group, read
off the kiosk sessions of the records: ``served`` (sessions of customers who came
in the statistics days, finished there or not), ``busy_hours`` (their session
time), ``staffed_hours`` (the kiosks' opening hours over the statistics days:
kiosks are available whenever the hall is open) and ``utilisation`` (busy over
staffed), plus ``done_share`` (share of sessions finished at the kiosk) and
``wait_mean_kiosk`` (minutes waiting for a free kiosk).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.engine.records import Records
from sim.spec.scenario import Scenario


def kiosk_by_window(scenario: Scenario, rec: Records, w0: float, horizon: float
                    ) -> dict[str, dict[str, Any]]:
    """``by_window`` entries of the kiosk groups (empty without kiosk sessions)."""
    s = rec.kiosk
    if s is None:
        return {}
    days = scenario.hall.days - scenario.hall.warmup_days
    out = {}
    for gi, g in enumerate(scenario.windows):
        if not g.kiosk:
            continue
        m = (s.group == gi) & (s.arrival >= w0) & (s.arrival < horizon)
        n = int(m.sum())
        busy = float(np.sum((s.end - s.start)[m]))
        staffed = days * scenario.hall.open_minutes_per_day * g.count
        out[g.id] = {"served": n, "utilisation": busy / staffed if staffed else math.nan,
                     "busy_hours": busy / 60.0, "staffed_hours": staffed / 60.0,
                     "done_share": float(s.done[m].mean()) if n else math.nan,
                     "wait_mean_kiosk": float(np.mean((s.start - s.arrival)[m])) if n else math.nan}
    return out
