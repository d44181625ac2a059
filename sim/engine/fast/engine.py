"""The fast engine's entry point: :func:`run_fast` takes what the SimPy engine takes and
returns the same :class:`~sim.engine.records.Records`, bit for bit.

The customers are the ones :func:`~sim.engine.arrivals.draw_customers` drew (same streams,
same numpy code); online applicants and kiosk users who finished there take no ticket
(:meth:`~sim.engine.arrivals.Customers.in_hall`), as in the SimPy engine. The compiled loop
(:mod:`sim.engine.fast.loop`) fills the ticket columns and the duty intervals; the record
columns of the mechanisms it covers (``reached``, ``priority``, ``booked``, ``slot``, the
door's ``wrong``, ``door``, ``guide_call`` and ``customer``, walking's ``start`` and
``walking``) are assembled here as the SimPy engine assembles them.

The door (:mod:`sim.engine.door`) is drawn with the customers: the guide desk's ticket
times are in it already (a first-come-first-served pool nothing feeds back into), so the
first tickets are taken at those times, wrong ones for their wrong category
(:func:`~sim.engine.door_tickets.first_tickets`, as in the SimPy engine); a wrong ticket
served turns its customer away and the loop adds the next ticket at once, after the first
tickets (the SimPy engine's numbering).

Journeys (:mod:`sim.engine.fast.journeys`, given by
:func:`~sim.engine.fast.cases.run_fast_cases`): their first steps' tickets follow the
first tickets, injected at their times; a served step adds the next step's ticket in
the loop, numbered with the door's after the tickets taken so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.breaks import BreakPlan
from sim.engine.fast.tables import FastTables, base_queues
from sim.engine.layout import HallLayout
from sim.engine.records import Records

if TYPE_CHECKING:
    from sim.engine.fast.journeys import JourneySteps


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
                   category: np.ndarray, window: np.ndarray, walk: np.ndarray,
                   door: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The mechanisms' record columns, in the SimPy engine's order (the door's after the
    appointments', walking's ``start`` and ``walking`` last, as
    :class:`~sim.engine.walking.Walking` writes them: the call plus the walk, for every
    ticket called). Tickets added during the run (after wrong ones) follow the first."""
    n, n_first = len(call), len(hall)
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
        booked = np.zeros(n, dtype=np.int8)
        slot = np.full(n, np.nan)
        booked[:n_first] = hall.booked
        slot[:n_first] = np.asarray(hall.slot, dtype=np.float64)
        out["booked"], out["slot"] = booked, slot
    out.update(door)
    if layout.walk is not None:
        called = window >= 0
        start = np.full(n, np.nan)
        start[called] = call[called] + walk[category[called], window[called]]
        out["start"] = start
        out["walking"] = start - call
    return out


@dataclass(frozen=True)
class _DoorColumns:
    """The door's arrays for the loop (see :func:`~sim.engine.fast.loop.run_loop`): per
    ticket (room for every ticket the run may take) which wrong ticket of its customer it
    is (``taken``, 0: a right one) and the customer (``cust``); per customer the number
    of wrong tickets, the category they are for, the right category and work, the
    patience and the turn-away times (``ta[ta_ptr[c]:ta_ptr[c + 1]]``); per category
    the queue an added ticket joins (``base_q``); ``queues``: the queue of every ticket
    the run may take (for the queues' room)."""

    taken: np.ndarray
    cust: np.ndarray
    wrong: np.ndarray
    wrong_to: np.ndarray
    category: np.ndarray
    work: np.ndarray
    patience: np.ndarray
    ta_ptr: np.ndarray
    ta: np.ndarray
    base_q: np.ndarray
    queues: np.ndarray
    guide_call: np.ndarray

    @classmethod
    def of(cls, layout: HallLayout, hall: Customers, queue: np.ndarray, more: int
           ) -> _DoorColumns:
        """The door's arrays for the customers ``hall`` whose first tickets join the
        queues ``queue``, with room for ``more`` tickets besides the door's (the
        journeys', of no customer)."""
        door = hall.door
        assert door is not None
        n = len(hall)
        wrong = np.ascontiguousarray(door.wrong, dtype=np.int64)
        wrong_to = np.ascontiguousarray(door.wrong_to, dtype=np.int64)
        category = np.ascontiguousarray(hall.category, dtype=np.int64)
        base_q = base_queues(layout)
        extra = int(wrong.sum())
        room = n + extra + more
        taken = np.zeros(room, dtype=np.int64)
        taken[:n] = wrong > 0
        cust = np.full(room, -1, dtype=np.int64)
        cust[:n] = np.arange(n)
        ta_ptr = np.zeros(n + 1, dtype=np.int64)
        ta_ptr[1:] = np.cumsum(wrong)
        ta = np.zeros(extra)
        for i, times in door.turn_away.items():
            ta[ta_ptr[i]:ta_ptr[i + 1]] = times
        again = np.maximum(wrong - 1, 0)  # wrong tickets after the first, then the right one
        queues = np.concatenate((queue, np.repeat(base_q[wrong_to], again),
                                 base_q[category[wrong > 0]]))
        return cls(taken, cust, wrong, wrong_to, category,
                   np.ascontiguousarray(hall.work, dtype=np.float64),
                   np.ascontiguousarray(hall.patience, dtype=np.float64), ta_ptr, ta,
                   base_q, queues, door.guide_call)

    def records(self, hall: Customers, n: int) -> dict[str, np.ndarray]:
        """The door's record columns of the run's ``n`` tickets, as
        :class:`~sim.engine.door_tickets.DoorTickets` writes them (a ticket of no
        customer, a journey's: -1, not wrong, no door or guide times)."""
        customer = self.cust[:n].copy()
        # -1 reads the NaN after the customers' times
        return {"wrong": (self.taken[:n] > 0).astype(np.int8),
                "door": np.append(np.asarray(hall.arrival, dtype=np.float64), np.nan)[customer],
                "guide_call": np.append(np.asarray(self.guide_call, dtype=np.float64),
                                        np.nan)[customer],
                "customer": customer}


def _with_room(room: int, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """The first tickets' columns with room for ``room`` tickets (every one the run may
    take)."""
    out = []
    for x in columns:
        y = np.zeros(room, dtype=x.dtype)
        y[:len(x)] = x
        out.append(y)
    return tuple(out)


#: the loop's door arguments without a door (typed as with one: one compiled loop)
_NONE = np.empty(0, dtype=np.int64)
_NO_DOOR = _DoorColumns(
    taken=_NONE, cust=_NONE, wrong=_NONE, wrong_to=_NONE, category=_NONE, work=np.empty(0),
    patience=np.empty(0), ta_ptr=np.zeros(1, dtype=np.int64), ta=np.empty(0),
    base_q=np.empty(0, dtype=np.int32), queues=np.empty(0, dtype=np.int32),
    guide_call=np.empty(0))
#: the loop's journey arguments without journeys
_NO_PTR = np.zeros(1, dtype=np.int64)
_NO_CAT = np.empty(0, dtype=np.int32)
_NO_FLOAT = np.empty(0)


def preload(layout: HallLayout) -> None:
    """Load the compiled loop for ``layout``'s tables in this process (from the disk cache,
    or compile it): worker processes forked afterwards have it at once."""
    names = layout.category_names
    run_fast(layout, Customers(names, np.empty(0), np.empty(0, dtype=np.int32), np.empty(0),
                               np.empty(0)), 1)


def run_fast(layout: HallLayout, customers: Customers, days: int) -> Records:
    """Simulate one replication of the hall alone on the compiled loop (no cases or
    journeys, as the SimPy engine's ``run_hall``: see :func:`sim.engine.fast.unsupported`;
    :func:`~sim.engine.fast.cases.run_fast_cases` runs them)."""
    return run_front(layout, customers, days).records


@dataclass(frozen=True)
class Front:
    """What :func:`run_front` returns: the records; per ticket the order in which its
    service end was taken off the calendar (``rank``, -1: not served), for what follows
    the window (:mod:`sim.engine.fast.cases`); and with journeys, per ticket its journey
    (``journey``, -1: none) and its work (``work``), for the journeys' books
    (:mod:`sim.engine.fast.journeys`); ``None`` without journeys."""

    records: Records
    rank: np.ndarray
    journey: np.ndarray | None = None
    work: np.ndarray | None = None


def run_front(layout: HallLayout, customers: Customers, days: int,
              journeys: JourneySteps | None = None) -> Front:
    """The records of :func:`run_fast`, with the ``journeys`` (if any: their tickets taken
    during the run, see :mod:`sim.engine.fast.journeys`)."""
    from sim.engine.fast.loop import run_loop

    kiosk = (customers.kiosk.sessions(customers.arrival, customers.category)
             if customers.kiosk is not None else None)
    hall = customers.in_hall()
    first = hall
    if hall.door is not None:  # first tickets at the ticket times, wrong ones wrong
        from sim.engine.door_tickets import first_tickets

        first = first_tickets(hall, hall.door)
    n = len(hall)
    arrival = np.ascontiguousarray(first.arrival, dtype=np.float64)
    # kiosk users who could not finish take their tickets later, and several guides
    # finish out of arrival order: in ticket-time order (a stable sort)
    order = (np.argsort(arrival, kind="stable").astype(np.int32)
             if kiosk is not None or hall.door is not None else np.arange(n, dtype=np.int32))
    queue = ticket_queues(layout, first)
    impatient = not np.isinf(hall.patience).all()
    deadline = (np.ascontiguousarray(first.arrival + first.patience, dtype=np.float64)
                if impatient else np.full(n, np.inf))
    category = np.ascontiguousarray(first.category, dtype=np.int32)
    work = np.ascontiguousarray(first.work, dtype=np.float64)
    j = journeys if journeys is not None and len(journeys) else None
    steps = len(j.category) if j is not None else 0
    door = _DoorColumns.of(layout, hall, queue, steps) if hall.door is not None else None
    room = len(door.taken) if door is not None else n + steps
    queues = queue if door is None else door.queues  # the queue of every ticket the run may take
    if room > n:  # room for the tickets added during the run (wrong ones', journeys')
        arrival, category, work, deadline, queue = _with_room(
            room, arrival, category, work, deadline, queue)
    journey, step = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if j is not None:  # the first steps after the first tickets, as the flow injects them
        nj = len(j)
        journey = np.full(room, -1, dtype=np.int64)
        journey[n:n + nj] = j.order
        step = np.zeros(room, dtype=np.int64)
        (arrival[n:n + nj], category[n:n + nj], work[n:n + nj], deadline[n:n + nj],
         queue[n:n + nj]) = j.first_tickets()
        queues = np.concatenate((queues, j.queue))
    tables = FastTables.from_layout(layout, days)
    n_queues = len(layout.balk_at)
    q_off = np.zeros(n_queues + 1, dtype=np.int64)
    q_off[1:] = np.cumsum(np.bincount(queues, minlength=n_queues))
    has_break, up_ptr, up, down, until = _break_plan(customers.breaks, len(layout.window_names))
    walk = (np.array(layout.walk, dtype=np.float64).reshape(len(layout.category_names), -1)
            if layout.walk is not None else np.empty((0, 0)))
    d = door if door is not None else _NO_DOOR
    n_t, call, end, window, outcome, reached, dw, ds, de, rank = run_loop(
        arrival, category, work, deadline, queue, order,
        tables.window_group, tables.speed, tables.group_first, tables.group_count,
        tables.initial_staff, tables.tier_ptr, tables.tier_q_ptr, tables.tier_q,
        tables.elig_ptr, tables.elig, tables.balk_at, q_off, tables.static_time,
        tables.static_kind, tables.static_arg, tables.n_hours, tables.staff_group,
        tables.staff_target, tables.open_at_start, has_break, up_ptr, up, down, until,
        walk, n, door is not None, d.taken, d.cust, d.wrong, d.wrong_to, d.category, d.work,
        d.patience, d.ta_ptr, d.ta, d.base_q, len(j) if j is not None else 0, journey, step,
        j.ptr if j is not None else _NO_PTR, j.category if j is not None else _NO_CAT,
        j.work if j is not None else _NO_FLOAT, j.patience if j is not None else _NO_FLOAT,
        j.queue if j is not None else _NO_CAT, j.open_start if j is not None else _NO_FLOAT,
        j.open_end if j is not None else _NO_FLOAT)
    if room > n:
        arrival, category, queue = arrival[:n_t], category[:n_t], queue[:n_t]
        # an added ticket with a finite patience makes the run impatient (its reached)
        impatient = impatient or bool(np.isfinite(deadline[n:n_t]).any())
    extra = _extra_columns(layout, hall, queue, reached, impatient, call, category, window,
                           walk, door.records(hall, n_t) if door is not None else {})
    rows = np.lexsort((de, ds, dw))
    duty = np.column_stack((dw[rows].astype(np.float64), ds[rows], de[rows])).reshape(-1, 3)
    return Front(Records(
        category_names=layout.category_names,
        window_names=layout.window_names,
        group_names=layout.group_names,
        window_group=layout.window_group,
        # the customers' own columns where their type fits (no copy: nobody writes them)
        arrival=arrival,
        category=category,
        call=call, end=end, window=window, outcome=outcome, duty=duty,
        extra=extra,
        kiosk=kiosk,
    ), rank, journey[:n_t] if j is not None else None, work[:n_t] if j is not None else None)
