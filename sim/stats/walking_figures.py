"""Figures of a hall whose layout turns walking on (issue 18; docs/layout.md).

Read from the records' ``walking`` column (:mod:`sim.engine.walking`) and the layout
(:mod:`sim.scenario.layout`), over the tickets taken in the statistics window.
Overall:

- ``walking_mean``: minutes a called customer walks from the seats to the window;
- ``time_in_hall_mean``: door to leaving for served tickets, ``walk in + (end -
  ticket) + walk out``: the walk from the entrance to the ticket machine (before the
  ticket), the wait, the walk to the window and the service, and the walk from the
  window to the nearest entrance; with a guide desk or wrong tickets, customers are
  followed from the door (:func:`sim.stats.door.right_served`): ``walk in + (end of the
  right ticket's service - door) + walk out`` (the guide desk's queue and a wrong
  ticket's walk to the wrong window are inside the middle term; the walk from a
  wrong window back to the ticket machine is not modelled);
- ``standing_max`` and ``standing_share``: the most customers waiting in one waiting
  area beyond its seats at once, and the share of all waiting customer-minutes spent
  standing (a customer waits in the item's area from the ticket to the call, or to
  leaving).

And per waiting area (``by_area``): ``seats``, ``occupancy_mean`` (waiting
customer-minutes over the open minutes of the statistics window), ``occupancy_max``,
``standing_max``, ``standing_share``, and ``by_hour``: for each reported hour of the day
(:func:`sim.stats.hours.reported_hours`) the mean number waiting in the area
(``occupancy_mean``) and the mean number of them standing (``standing_mean``), over the
statistics days.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.engine.records import SERVED, Records
from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.layout import waiting_area_of, walk_in_minutes, walk_out_minutes
from sim.scenario.model import Scenario
from sim.stats.door import right_served
from sim.stats.hours import reported_hours


def walking_figures(scenario: Scenario, rec: Records, w0: float, horizon: float
                    ) -> tuple[dict[str, float], dict[str, dict[str, Any]]]:
    """``(overall figures, by_area)`` of one replication (module docstring)."""
    keep = (rec.arrival >= w0) & (rec.arrival < horizon)
    walking = rec.extra["walking"]
    called = keep & ~np.isnan(walking)
    out = {"walking_mean": float(walking[called].mean()) if called.any() else math.nan}
    if "customer" in rec.extra:  # followed from the door (a guide desk, wrong tickets)
        served, start = right_served(rec, w0, horizon), rec.extra["door"]
    else:
        served, start = keep & (rec.outcome == SERVED), rec.arrival
    walk_out = np.asarray(walk_out_minutes(scenario))
    stay = rec.end[served] - start[served] + walk_out[rec.window[served]]
    out["time_in_hall_mean"] = (float(walk_in_minutes(scenario) + stay.mean())
                                if served.any() else math.nan)
    by_area, standing, waiting = {}, 0.0, 0.0
    open_minutes = scenario.hall.open_minutes_per_day * (horizon - w0) / MINUTES_PER_DAY
    hours = reported_hours(scenario)
    for name, (seats, most, stood, waited, hourly) in _areas(scenario, rec, w0,
                                                               horizon).items():
        by_area[name] = {"seats": seats,
                         "occupancy_mean": waited / open_minutes if open_minutes else 0.0,
                         "occupancy_max": float(most),
                         "standing_max": float(max(0, most - seats)),
                         "standing_share": stood / waited if waited > 0 else 0.0,
                         "by_hour": {f"{h:02d}": {"occupancy_mean": float(hourly[0][h]),
                                                  "standing_mean": float(hourly[1][h])}
                                     for h in hours}}
        standing, waiting = standing + stood, waiting + waited
    out["standing_max"] = max(a["standing_max"] for a in by_area.values())
    out["standing_share"] = standing / waiting if waiting > 0 else 0.0
    return out, by_area


def _areas(scenario: Scenario, rec: Records, w0: float, horizon: float
           ) -> dict[str, tuple[int, int, float, float, tuple[np.ndarray, np.ndarray]]]:
    """Per waiting area: ``(seats, most waiting at once, standing customer-minutes,
    waiting customer-minutes, (mean waiting, mean standing) per hour of day)`` within
    ``[w0, horizon)``."""
    lay = scenario.layout
    assert lay is not None  # the records have a walking column only with a layout
    leave = np.where(np.isnan(rec.call), rec.end, rec.call)
    leave = np.where(np.isnan(leave), horizon, leave)
    area_of = waiting_area_of(lay, scenario)
    names = list(scenario.categories)
    out = {}
    for name, area in lay.waiting_areas.items():
        mine = np.isin(rec.category, [k for k, c in enumerate(names) if area_of[c] == name])
        start, stop = rec.arrival[mine], leave[mine]
        out[name] = (area.seats, *_over_seats(start, stop, area.seats, w0, horizon),
                     _by_hour(start, stop, area.seats, w0, horizon))
    return out


def _by_hour(start: np.ndarray, stop: np.ndarray, seats: int, w0: float, horizon: float
             ) -> tuple[np.ndarray, np.ndarray]:
    """Mean number waiting and mean number standing (beyond ``seats``) in each hour of the
    day, over the whole days of ``[w0, horizon)``: the integrals of the two step functions
    over hour bins (exact: each integral is piecewise linear between the steps, so it is
    read at the bin edges by linear interpolation), summed over days."""
    days = max(1, round((horizon - w0) / MINUTES_PER_DAY))
    if len(start) == 0:
        return np.zeros(24), np.zeros(24)
    times, count = _steps(start, stop)
    edges = w0 + 60.0 * np.arange(days * 24 + 1)
    span = np.diff(times)
    out = []
    for level in (count[:-1], np.clip(count[:-1] - seats, 0, None)):
        integral = np.concatenate(([0.0], np.cumsum(level * span)))
        area = np.diff(np.interp(edges, times, integral))
        out.append(area.reshape(days, 24).sum(axis=0) / (60.0 * days))
    return out[0], out[1]


def _steps(start: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The number waiting as a step function: the times it changes, in order (at a tie,
    leaving before arriving), and the count from each of them to the next."""
    times = np.concatenate([start, stop])
    step = np.concatenate([np.ones(len(start)), -np.ones(len(stop))])
    order = np.lexsort((step, times))
    return times[order], np.cumsum(step[order])


def _over_seats(start: np.ndarray, stop: np.ndarray, seats: int, w0: float,
                horizon: float) -> tuple[int, float, float]:
    """``(most waiting at once, standing customer-minutes, waiting customer-minutes)`` of
    customers waiting on ``[start, stop)`` in an area of ``seats`` seats, within
    ``[w0, horizon)``."""
    if len(start) == 0:
        return 0, 0.0, 0.0
    times, count = _steps(start, stop)
    lo, hi = np.clip(times[:-1], w0, horizon), np.clip(times[1:], w0, horizon)
    inside = np.clip(hi - lo, 0, None)
    over = np.clip(count[:-1] - seats, 0, None)
    seen = (times[:-1] >= w0) & (times[:-1] < horizon)
    return (int(count[:-1][seen].max()) if seen.any() else 0, float((over * inside).sum()),
            float((count[:-1] * inside).sum()))
