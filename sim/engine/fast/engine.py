"""The fast engine's entry point: :func:`run_fast` takes what the SimPy engine takes and
returns the same :class:`~sim.engine.records.Records`, bit for bit.

The customers are the ones :func:`~sim.engine.arrivals.draw_customers` drew (same streams,
same numpy code); online applicants and kiosk users who finished there take no ticket
(:meth:`~sim.engine.arrivals.Customers.in_hall`), as in the SimPy engine. The compiled loop
(:mod:`sim.engine.fast.loop`) fills the ticket columns and the duty intervals; the record
columns of the mechanisms it covers (``reached``, ``priority``, ``booked``, ``slot``,
walking's ``start`` and ``walking``) are assembled here as the SimPy engine assembles them.
"""

from __future__ import annotations

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.breaks import BreakPlan
from sim.engine.fast.tables import FastTables
from sim.engine.layout import HallLayout
from sim.engine.records import Records


def ticket_queues(layout: HallLayout, customers: Customers) -> np.ndarray:
    """The queue each ticket joins: its category's, or with priority classes the queue of
    its category and its level (a level the category lacks: the category's own)."""
    category = np.asarray(customers.category, dtype=np.int32)  # no copy: it is int32
    if layout.queue_of is None or layout.base_queue is None:
        return category
    base = np.array(layout.base_queue, dtype=np.int32)
    if customers.level is None:
        return base[category]
    top = max([int(customers.level.max(initial=0))] + [lv for m in layout.queue_of for lv in m])
    lookup = np.repeat(base[:, None], top + 1, axis=1)
    for c, levels in enumerate(layout.queue_of):
        for lv, q in levels.items():
            lookup[c, lv] = q
    return lookup[category, customers.level]


def _break_plan(plan: BreakPlan | None, n_windows: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """The windows' breaks as arrays: which windows take them, and per window its times on
    duty before each break (``up[ptr[w]:ptr[w + 1]]``) and the breaks' lengths."""
    ups = plan.up if plan is not None else (None,) * n_windows
    downs = plan.down if plan is not None else (None,) * n_windows
    has = np.array([u is not None for u in ups], dtype=np.int8)
    ptr = np.zeros(n_windows + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(u) if u is not None else 0 for u in ups])
    up = np.array([x for u in ups if u is not None for x in u], dtype=np.float64)
    down = np.array([x for d in downs if d is not None for x in d], dtype=np.float64)
    return has, ptr, up, down, float(plan.until) if plan is not None else 0.0


def _extra_columns(layout: HallLayout, hall: Customers, queue: np.ndarray,
                   reached: np.ndarray, impatient: bool, call: np.ndarray,
                   window: np.ndarray, walk: np.ndarray) -> dict[str, np.ndarray]:
    """The mechanisms' record columns, in the SimPy engine's order (walking's ``start``
    and ``walking`` last, as :class:`~sim.engine.walking.Walking` writes them: the call
    plus the walk, for every ticket called)."""
    out: dict[str, np.ndarray] = {}
    if impatient:
        out["reached"] = reached
    if layout.queue_of is not None:
        level_of = np.zeros(int(queue.max(initial=0)) + 1, dtype=np.int8)
        for levels in layout.queue_of:
            for lv, q in levels.items():
                if q < len(level_of):
                    level_of[q] = lv
        out["priority"] = level_of[queue]
    if hall.booked is not None:
        out["booked"] = hall.booked.astype(np.int8)
        out["slot"] = np.array(hall.slot, dtype=np.float64)
    if layout.walk is not None:
        called = window >= 0
        start = np.full(len(call), np.nan)
        start[called] = call[called] + walk[hall.category[called], window[called]]
        out["start"] = start
        out["walking"] = start - call
    return out


def preload(layout: HallLayout) -> None:
    """Load the compiled loop for ``layout``'s tables in this process (from the disk cache,
    or compile it): worker processes forked afterwards have it at once."""
    names = layout.category_names
    run_fast(layout, Customers(names, np.empty(0), np.empty(0, dtype=np.int32), np.empty(0),
                               np.empty(0)), 1)


def run_fast(layout: HallLayout, customers: Customers, days: int) -> Records:
    """Simulate one replication of the hall alone on the compiled loop (no door, cases or
    journeys: see :func:`sim.engine.fast.unsupported`)."""
    from sim.engine.fast.loop import run_loop

    if customers.door is not None:
        raise ValueError("the fast engine runs no guide desk or wrong tickets")
    kiosk = (customers.kiosk.sessions(customers.arrival, customers.category)
             if customers.kiosk is not None else None)
    hall = customers.in_hall()
    n = len(hall)
    arrival = np.ascontiguousarray(hall.arrival, dtype=np.float64)
    # kiosk users who could not finish take their tickets later: in ticket-time order
    order = (np.argsort(arrival, kind="stable").astype(np.int32) if kiosk is not None
             else np.arange(n, dtype=np.int32))
    queue = ticket_queues(layout, hall)
    impatient = not np.isinf(hall.patience).all()
    deadline = (np.ascontiguousarray(hall.arrival + hall.patience, dtype=np.float64)
                if impatient else np.full(n, np.inf))
    tables = FastTables.from_layout(layout, days)
    n_queues = len(layout.balk_at)
    q_off = np.zeros(n_queues + 1, dtype=np.int64)
    q_off[1:] = np.cumsum(np.bincount(queue, minlength=n_queues))
    has_break, up_ptr, up, down, until = _break_plan(customers.breaks, len(layout.window_names))
    walk = (np.array(layout.walk, dtype=np.float64).reshape(len(layout.category_names), -1)
            if layout.walk is not None else np.empty((0, 0)))
    call, end, window, outcome, reached, dw, ds, de = run_loop(
        arrival, np.ascontiguousarray(hall.category, dtype=np.int32),
        np.ascontiguousarray(hall.work, dtype=np.float64), deadline, queue, order,
        tables.window_group, tables.speed, tables.group_first, tables.group_count,
        tables.initial_staff, tables.tier_ptr, tables.tier_q_ptr, tables.tier_q,
        tables.elig_ptr, tables.elig, tables.balk_at, q_off, tables.static_time,
        tables.static_kind, tables.static_arg, tables.n_hours, tables.staff_group,
        tables.staff_target, tables.open_at_start, has_break, up_ptr, up, down, until,
        walk)
    rows = np.lexsort((de, ds, dw))
    duty = np.column_stack((dw[rows].astype(np.float64), ds[rows], de[rows])).reshape(-1, 3)
    return Records(
        category_names=layout.category_names,
        window_names=layout.window_names,
        group_names=layout.group_names,
        window_group=layout.window_group,
        # the customers' own columns where their type fits (no copy: nobody writes them)
        arrival=arrival,
        category=np.asarray(hall.category, dtype=np.int32),
        call=call, end=end, window=window, outcome=outcome, duty=duty,
        extra=_extra_columns(layout, hall, queue, reached, impatient, call, window, walk),
        kiosk=kiosk,
    )
