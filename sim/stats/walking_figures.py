"""Figures of a hall whose layout turns walking on (issue 18; docs/layout.md).

Read from the records' ``walking`` column (:mod:`sim.engine.walking`) and the layout
(:mod:`sim.scenario.layout`), over the tickets taken in the statistics window:

- ``walking_mean``: minutes a called customer walks from the seats to the window;
- ``time_in_hall_mean`` (without a guide desk or wrong tickets, whose door figures
  keep theirs): door to leaving for served tickets, ``walk in + (end - ticket) + walk
  out``: the walk from the entrance to the ticket machine (before the ticket), the
  wait, the walk to the window and the service, and the walk from the window to the
  nearest entrance;
- ``standing_max`` and ``standing_share``: the most customers waiting in one waiting
  area beyond its seats at once, and the share of all waiting customer-minutes spent
  standing (a customer waits in the item's area from the ticket to the call, or to
  leaving).
"""

from __future__ import annotations

import math

import numpy as np

from sim.engine.records import SERVED, Records
from sim.scenario.layout import waiting_area_of, walk_in_minutes, walk_out_minutes
from sim.scenario.model import Scenario


def walking_figures(scenario: Scenario, rec: Records, w0: float, horizon: float
                    ) -> dict[str, float]:
    """The walking figures of one replication (module docstring)."""
    lay = scenario.layout
    assert lay is not None  # the records have a walking column only with a layout
    keep = (rec.arrival >= w0) & (rec.arrival < horizon)
    walking = rec.extra["walking"]
    called = keep & ~np.isnan(walking)
    out = {"walking_mean": float(walking[called].mean()) if called.any() else math.nan}
    if "customer" not in rec.extra:
        served = keep & (rec.outcome == SERVED)
        walk_out = np.asarray(walk_out_minutes(scenario))
        stay = rec.end[served] - rec.arrival[served] + walk_out[rec.window[served]]
        out["time_in_hall_mean"] = (float(walk_in_minutes(scenario) + stay.mean())
                                    if served.any() else math.nan)
    leave = np.where(np.isnan(rec.call), rec.end, rec.call)
    leave = np.where(np.isnan(leave), horizon, leave)
    area_of = waiting_area_of(lay, scenario)
    names = list(scenario.categories)
    most, standing, waiting = 0, 0.0, 0.0
    for name, area in lay.waiting_areas.items():
        mine = np.isin(rec.category, [k for k, c in enumerate(names) if area_of[c] == name])
        m, s, w = _over_seats(rec.arrival[mine], leave[mine], area.seats, w0, horizon)
        most, standing, waiting = max(most, m), standing + s, waiting + w
    out["standing_max"] = float(most)
    out["standing_share"] = standing / waiting if waiting > 0 else 0.0
    return out


def _over_seats(start: np.ndarray, stop: np.ndarray, seats: int, w0: float,
                horizon: float) -> tuple[int, float, float]:
    """``(most standing at once, standing customer-minutes, waiting customer-minutes)`` of
    customers waiting on ``[start, stop)`` in an area of ``seats`` seats, within
    ``[w0, horizon)``."""
    if len(start) == 0:
        return 0, 0.0, 0.0
    times = np.concatenate([start, stop])
    step = np.concatenate([np.ones(len(start)), -np.ones(len(stop))])
    order = np.lexsort((step, times))  # at a tie, leaving before arriving
    times, count = times[order], np.cumsum(step[order])
    span = np.clip(np.diff(times), 0, None)
    lo, hi = np.clip(times[:-1], w0, horizon), np.clip(times[1:], w0, horizon)
    inside = np.clip(hi - lo, 0, None) * (span > 0)
    over = np.clip(count[:-1] - seats, 0, None)
    seen = (times[:-1] >= w0) & (times[:-1] < horizon)
    return (int(over[seen].max()) if seen.any() else 0, float((over * inside).sum()),
            float((count[:-1] * inside).sum()))
