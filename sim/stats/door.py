"""Figures of customers followed from the door (a guide desk or wrong tickets).

Without a guide desk or wrong tickets a customer is one ticket; with either, the
records hold ``customer``, ``wrong``, ``door`` and ``guide_call``
(:mod:`sim.engine.records`), and a customer's time in the hall runs from the door
to the end of the service of the right ticket (:func:`right_served`).
"""

from __future__ import annotations

import math

import numpy as np

from sim.engine.records import SERVED, Records
from sim.scenario.model import Scenario
from sim.stats.pools import pool_time


def came_in(rec: Records, w0: float, horizon: float) -> np.ndarray:
    """Tickets (wrong ones included) of the customers who came through the door in
    ``[w0, horizon)``: the customers every door figure counts."""
    x = rec.extra
    return (x["customer"] >= 0) & (x["door"] >= w0) & (x["door"] < horizon)


def right_served(rec: Records, w0: float, horizon: float,
                 mine: np.ndarray | None = None) -> np.ndarray:
    """Tickets that ended a door customer's visit with a service: the right ticket,
    served, of a customer who came through the door in ``[w0, horizon)`` (``mine``:
    :func:`came_in`, when the caller has it)."""
    if mine is None:
        mine = came_in(rec, w0, horizon)
    return mine & (rec.extra["wrong"] == 0) & (rec.outcome == SERVED)


def door_figures(scenario: Scenario, rec: Records, w0: float, horizon: float
                 ) -> dict[str, float]:
    """Figures of the customers who came through the door in ``[w0, horizon)`` (first
    visits, followed over their wrong tickets): ``customers``, ``tickets_per_customer``
    (wrong ones included), ``wrong_ticket_share`` (took at least one wrong ticket),
    ``time_in_hall_mean`` (door to the end of the right ticket's service, served ones;
    with walking, :mod:`sim.stats.walking_figures` adds the walks in and out),
    and with a guide desk ``guide_wait_mean`` and ``guide_utilisation`` (the guides'
    busy over staffed time in the window, overtime included: :func:`pool_time`)."""
    x = rec.extra
    customer, wrong, door, guide_call = x["customer"], x["wrong"], x["door"], x["guide_call"]
    mine = came_in(rec, w0, horizon)
    first = mine & (customer == np.arange(len(rec)))
    n = int(first.sum())
    done = right_served(rec, w0, horizon, mine)
    had_wrong = np.zeros(len(rec), dtype=bool)
    had_wrong[customer[mine & (wrong == 1)]] = True
    nan = math.nan
    out = {"customers": n,
           "tickets_per_customer": float(mine.sum() / n) if n else nan,
           "wrong_ticket_share": float(had_wrong[first].mean()) if n else nan,
           "time_in_hall_mean": float(np.mean((rec.end - door)[done])) if done.any() else nan}
    guide = scenario.guide
    if guide is not None:
        every = (customer >= 0) & (customer == np.arange(len(rec)))
        usage = pool_time(scenario, guide_call[every], rec.arrival[every], guide.count, w0,
                          horizon)
        out["guide_wait_mean"] = float(np.mean((guide_call - door)[first])) if n else nan
        out["guide_utilisation"] = usage.utilisation
    return out
