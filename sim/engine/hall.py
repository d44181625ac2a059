"""The hall engine: tickets, queues and windows on a SimPy event calendar.

The engine is built from a compiled :class:`HallLayout` and a table of
:class:`~sim.engine.arrivals.Customers`; it returns :class:`~sim.engine.records.Records`
and does no I/O. Customers are not SimPy processes: each ticket costs one
arrival event and, if served, one service-end event, both plain callbacks on
the SimPy environment. Those events are not made anew: the arrival event and each
window's service-end event are scheduled again (``Environment.schedule``, with the
priority and delay a new ``Timeout`` would get, so the calendar's order is the same)
once they have been processed. Reneging is settled lazily and exactly: a window that
calls at time ``t`` skips (and records as abandoned, at their deadline) the
tickets whose patience ran out before ``t``, which is when they would have left.

Its parts: the ticket table (:class:`Tickets`), one :class:`Roster` per window
group (idle, off duty, leaving at the end of the current service), one
:class:`CategoryQueue` per category (lazy reneging and balking), and, when the
scenario follows cases and journeys, a :class:`TicketFlow` that is told what
happens to its tickets and may add new ones through :meth:`Hall.inject`. The hall
takes windows on breaks through :class:`~sim.engine.breaks.BreakDuty` and assembles
its records at the end of a run through :class:`~sim.engine.recording.HallRecording`.

Rules (see ``docs/scenario-format.md``):

- an arriving ticket goes to an idle eligible window if there is one: the first
  eligible group in order (groups for which the category is primary first, then
  file order) with an idle window, and there the window idle longest;
- otherwise it joins its category's queue (or balks, if ``balk_at_queue`` of its
  category are already waiting);
- a window that frees up calls by its call rule: ``oldest_first`` takes the
  longest-waiting ticket among all categories it serves; ``own_first`` looks at
  its primary categories first and at the rest only when those are empty;
- service time = the customer's draw x the group's speed factor for the category;
- staffing follows each group's ``schedule``; a window taken off duty finishes
  its customer first; windows on duty at a closing serve the tickets still held.
"""

from __future__ import annotations

import dataclasses
import heapq
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Protocol, cast

import numpy as np
import simpy
from simpy.events import NORMAL

from sim.engine.arrivals import Customers
from sim.engine.breaks import BreakDuty
from sim.engine.door import Door
from sim.engine.recording import HallRecording
from sim.engine.records import ABANDONED, BALKED, OPEN, SERVED, Records
from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.mechanisms import Breaks
from sim.scenario.model import Scenario

Timeout = simpy.Timeout
#: the ``callbacks`` list of an event the hall schedules again and again
Callbacks = list[Callable[[simpy.Event], None]]

#: ``trace`` rows: (time, event, ticket, window)
TraceRow = tuple[float, str, int, int]


@dataclass(frozen=True)
class HallLayout:
    """The scenario compiled into index tables the engine works with."""

    category_names: tuple[str, ...]
    group_names: tuple[str, ...]
    group_counts: tuple[int, ...]
    window_names: tuple[str, ...]
    window_group: np.ndarray
    # per queue (per category without priority classes): group indices in routing order
    eligible: tuple[tuple[int, ...], ...]
    tiers: tuple[tuple[tuple[int, ...], ...], ...]  # per group: call tiers of categories
    speed: np.ndarray  # (groups, categories) service-time factor
    staff_changes: tuple[tuple[float, int, int], ...]  # (minute of day, group, staffed)
    initial_staff: tuple[int, ...]
    balk_at: tuple[int, ...]  # per queue, 0 = never balks
    open_periods: tuple[tuple[float, float], ...] = ((0.0, MINUTES_PER_DAY),)  # of a day
    # priority classes (None without them: one queue per category, tiers of categories)
    queue_of: tuple[dict[int, int], ...] | None = None  # per category: level -> queue
    base_queue: tuple[int, ...] | None = None  # per category: the queue of its own level
    breaks: tuple[Breaks | None, ...] | None = None  # per group (None: no group has any)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> HallLayout:
        """Compile a scenario."""
        cats = tuple(scenario.categories)
        groups = scenario.windows
        speed, tiers = _speeds_and_tiers(scenario, cats)
        auth = scenario.authorisation
        eligible = tuple(  # kiosk groups are no windows: sessions drawn up front
            tuple(gi for gi, g in enumerate(groups) if c in auth.primary(g.id) and not g.kiosk)
            + tuple(gi for gi, g in enumerate(groups)
                    if c in auth.serves(g.id) and c not in auth.primary(g.id) and not g.kiosk)
            for c in cats)
        changes: list[tuple[float, int, int]] = []
        initial = []
        for gi, g in enumerate(groups):
            steps = g.staffing()
            initial.append(0 if g.kiosk else steps[0][1])
            if g.schedule:
                changes.extend((t, gi, n) for t, n in steps)
        window_names = tuple(f"{g.id}-{k + 1}" for g in groups for k in range(g.count))
        window_group = np.array([gi for gi, g in enumerate(groups) for _ in range(g.count)],
                                dtype=np.int32)
        balk = tuple(scenario.categories[c].balk_at_queue or 0 for c in cats)
        queue_of = base = None
        if scenario.has_priorities:
            queue_of, base, tiers, balk = _priority_queues(scenario, cats, tiers, balk)
            eligible, tiers = _reserved_for_booked(scenario, eligible, tiers, queue_of)
        breaks = tuple(g.breaks for g in groups) if scenario.has_breaks else None
        return cls(cats, tuple(g.id for g in groups), tuple(g.count for g in groups),
                   window_names, window_group, eligible, tiers, speed,
                   tuple(sorted(changes)), tuple(initial), balk, scenario.hall.periods,
                   queue_of, base, breaks)


def _priority_queues(scenario: Scenario, cats: tuple[str, ...],
                     tiers: tuple[tuple[tuple[int, ...], ...], ...], balk: tuple[int, ...]
                     ) -> tuple[tuple[dict[int, int], ...], tuple[int, ...],
                                tuple[tuple[tuple[int, ...], ...], ...], tuple[int, ...]]:
    """One queue per (category, priority level), and each group's call tiers over them:
    level by level from the highest, and within a level the call rule's tiers."""
    queue_of: list[dict[int, int]] = []
    queue_balk: list[int] = []
    for k, c in enumerate(cats):
        mine = {}
        for lv in scenario.categories[c].levels:
            mine[lv] = len(queue_balk)
            queue_balk.append(balk[k])
        queue_of.append(mine)
    base = tuple(queue_of[k][scenario.categories[c].level] for k, c in enumerate(cats))
    out = []
    for group_tiers in tiers:
        served = {c for tier in group_tiers for c in tier}
        levels = sorted({lv for c in served for lv in queue_of[c]}, reverse=True)
        out.append(tuple(sub for lv in levels for tier in group_tiers
                         if (sub := tuple(queue_of[c][lv] for c in tier if lv in queue_of[c]))))
    return tuple(queue_of), base, tuple(out), tuple(queue_balk)


def _reserved_for_booked(scenario: Scenario, eligible: tuple[tuple[int, ...], ...],
                         tiers: tuple[tuple[tuple[int, ...], ...], ...],
                         queue_of: tuple[dict[int, int], ...]
                         ) -> tuple[tuple[tuple[int, ...], ...],
                                    tuple[tuple[tuple[int, ...], ...], ...]]:
    """Per queue, the groups a ticket may go to (a category's, less the groups
    ``reserved_for_booked`` unless the queue holds booked tickets), and the reserved
    groups' call tiers cut down to the booked queues."""
    cats = list(scenario.categories.values())
    booked = {queue_of[k][c.booked_level] for k, c in enumerate(cats)
              if c.appointments is not None}
    reserved = {gi for gi, g in enumerate(scenario.windows) if g.reserved_for_booked}
    per_queue: list[tuple[int, ...]] = [()] * sum(len(m) for m in queue_of)
    for k, levels in enumerate(queue_of):
        for q in levels.values():
            per_queue[q] = tuple(gi for gi in eligible[k] if gi not in reserved or q in booked)
    cut = tuple(tuple(sub for tier in group_tiers
                      if (sub := tuple(q for q in tier if q in booked)))
                if gi in reserved else group_tiers for gi, group_tiers in enumerate(tiers))
    return tuple(per_queue), cut


def _speeds_and_tiers(scenario: Scenario, cats: tuple[str, ...]
                      ) -> tuple[np.ndarray, tuple[tuple[tuple[int, ...], ...], ...]]:
    """Per group: the service-time factor of each category and the call tiers."""
    cidx = {c: k for k, c in enumerate(cats)}
    groups = scenario.windows
    speed = np.ones((len(groups), len(cats)))
    tiers: list[tuple[tuple[int, ...], ...]] = []
    for gi, g in enumerate(groups):
        served = [cidx[c] for c in scenario.authorisation.serves(g.id)]
        primary = [cidx[c] for c in scenario.authorisation.primary(g.id)]
        for c in served:
            speed[gi, c] = scenario.authorisation.speed_factor(g.id, cats[c])
        if scenario.call_rule(g.id) == "own_first":
            rest = [c for c in served if c not in primary]
            tiers.append((tuple(primary), tuple(rest)) if rest else (tuple(primary),))
        else:
            tiers.append((tuple(served),))
    return speed, tuple(tiers)


def _open_intervals(periods: tuple[tuple[float, float], ...], days: int
                    ) -> list[tuple[float, float]]:
    """The hall's opening intervals over ``days`` days, touching ones merged (a hall open
    00:00-24:00 is one interval)."""
    out: list[tuple[float, float]] = []
    for d in range(days):
        for s, e in sorted(periods):
            start, end = d * MINUTES_PER_DAY + s, d * MINUTES_PER_DAY + e
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
    return out


def _first_tickets(customers: Customers, door: Door) -> Customers:
    """Each customer's first ticket: taken at its ticket time (after the guide desk);
    a wrong one queues for its wrong category and takes its first turn-away time."""
    category = np.where(door.wrong > 0, door.wrong_to, customers.category).astype(np.int32)
    work = customers.work.copy()
    for i, times in door.turn_away.items():
        work[i] = times[0]
    return dataclasses.replace(customers, arrival=door.ticket, category=category, work=work)


class TicketFlow(Protocol):
    """What follows tickets beyond the window (cases, journeys), as the hall sees it."""

    def owns(self, i: int) -> bool:
        """Whether ticket ``i`` belongs to the flow."""
        ...

    def served(self, i: int, arrival: float, now: float) -> None:
        """A window finished serving ticket ``i`` (taken at ``arrival``) at ``now``."""
        ...

    def left(self, i: int) -> None:
        """Ticket ``i`` abandoned or balked."""
        ...

    def moved(self, i: int, j: int) -> None:
        """Wrong ticket ``i`` was turned away; the customer's next ticket is ``j``."""
        ...


#: ``inject(time, category, work, patience) -> ticket index``: a ticket added during the run
Inject = Callable[[float, int, float, float], int]


def _floats(x: np.ndarray) -> array[float]:
    return array("d", np.ascontiguousarray(x, dtype=np.float64).tobytes())


def _ints(x: np.ndarray) -> array[int]:
    return array("i", np.ascontiguousarray(x, dtype=np.intc).tobytes())


class Tickets:
    """The ticket table of one run: growable parallel columns (not objects).

    The columns are typed arrays (:mod:`array`): they hold machine numbers, not Python
    objects, so the garbage collector never walks them and the records are copies of
    their buffers. ``waiting`` is 1 (true) until the ticket is called, abandons, balks
    or the run ends, then 0 (``False`` is stored as 0); ``deadline`` is ticket time
    plus patience; ``impatient`` tells whether any ticket has a finite one.
    """

    __slots__ = ("arrival", "category", "work", "deadline", "call", "end", "window",
                 "outcome", "waiting", "queue", "_base_queue", "impatient")

    def __init__(self, customers: Customers, layout: HallLayout | None = None) -> None:
        n = len(customers)
        self.arrival = _floats(customers.arrival)
        self.category = _ints(customers.category)
        # the queue each ticket joins: its category's, or with priority classes the
        # queue of its category and level (added tickets: the category's own level)
        self.queue = self.category
        self._base_queue: tuple[int, ...] | None = None
        if layout is not None and layout.queue_of is not None \
                and layout.base_queue is not None:
            queue_of, base = layout.queue_of, layout.base_queue
            self._base_queue = base
            self.queue = array("i", [queue_of[c].get(lv, base[c]) for c, lv in
                                     zip(self.category, customers.level.tolist())]
                               if customers.level is not None
                               else [base[c] for c in self.category])
        self.work = _floats(customers.work)
        self.impatient = not np.isinf(customers.patience).all()
        self.deadline = (_floats(customers.arrival + customers.patience) if self.impatient
                         else array("d", [float("inf")]) * n)
        self.call = array("d", [float("nan")]) * n
        self.end = array("d", [float("nan")]) * n
        self.window = array("i", [-1]) * n
        self.outcome = array("b", [OPEN]) * n
        self.waiting = array("b", [1]) * n

    def __len__(self) -> int:
        return len(self.arrival)

    def add(self, t: float, c: int, work: float, patience: float) -> int:
        """Append a ticket of category ``c`` taken at ``t``; return its index."""
        i = len(self.arrival)
        self.arrival.append(t)
        self.category.append(c)
        if self._base_queue is not None:
            self.queue.append(self._base_queue[c])
        self.work.append(work)
        self.deadline.append(t + patience)
        self.impatient = self.impatient or t + patience != float("inf")
        self.call.append(float("nan"))
        self.end.append(float("nan"))
        self.window.append(-1)
        self.outcome.append(OPEN)
        self.waiting.append(1)
        return i


class Roster:
    """The windows of one group: idle ones (longest idle first), off-duty ones, and how
    many busy windows leave at the end of their current service.

    Which busy window leaves is not fixed in advance: the first to finish goes.
    """

    __slots__ = ("idle", "off", "leaving", "staffed")

    def __init__(self, windows: list[int], on: int) -> None:
        self.idle: deque[int] = deque(windows[:on])
        self.off: list[int] = list(reversed(windows[on:]))
        self.leaving = 0  # busy windows to go off duty when their service ends
        self.staffed = on

    def leaves_after_service(self, w: int) -> bool:
        """Window ``w`` finished a service: True if it now goes off duty."""
        if not self.leaving:
            return False
        self.leaving -= 1
        self.off.append(w)
        return True

    def restaff(self, target: int) -> tuple[list[int], int]:
        """Staff ``target`` windows from now on: the idle windows that go off duty at once,
        and how many off-duty windows come on (the caller puts them to work with
        :meth:`bring_on`).

        Fewer: idle windows go off duty at once (the most recently idle first),
        then busy ones are marked to leave after their service. More: windows
        marked to leave stay, then off-duty ones come back.
        """
        have, self.staffed = self.staffed, target
        if target < have:
            drop = have - target
            gone = []
            while drop and self.idle:
                w = self.idle.pop()
                self.off.append(w)
                gone.append(w)
                drop -= 1
            self.leaving += drop
            return gone, 0
        add = target - have
        kept = min(add, self.leaving)
        self.leaving -= kept
        return [], add - kept

    def bring_on(self) -> int:
        """An off-duty window coming on duty."""
        return self.off.pop()


class DutyLog:
    """When each window is on duty: while its roster staffs it and the hall is open, and
    while it serves a customer (after closing, or after its schedule took it off).

    ``since[w]`` is the start of the current on-duty interval (-1 when off duty);
    finished intervals are kept as ``(window, start, end)`` rows.
    """

    __slots__ = ("since", "rows")

    def __init__(self, n_windows: int) -> None:
        self.since = [-1.0] * n_windows
        self.rows: list[tuple[int, float, float]] = []

    def begin(self, w: int, now: float) -> None:
        """Window ``w`` is on duty from ``now`` (no change if it already is)."""
        if self.since[w] < 0:
            self.since[w] = now

    def end(self, w: int, now: float) -> None:
        """Window ``w`` is off duty from ``now`` (no change if it already is)."""
        start = self.since[w]
        if start >= 0:
            if now > start:
                self.rows.append((w, start, now))
            self.since[w] = -1.0

    def table(self) -> np.ndarray:
        """The on-duty intervals as an (n, 3) float array ``window, start, end``."""
        return np.array(sorted(self.rows), dtype=float).reshape(-1, 3)


class CategoryQueue:
    """The tickets of one category waiting to be called, in ticket order.

    Tickets that abandoned stay in the line until a window reaches them, as a
    queue system calls a number whose holder has gone (过号): ``take`` settles
    them (at their deadline) on the way, through ``reach``. A category with a
    balking limit also keeps its waiting tickets' deadlines in a heap, so that
    the count it compares against the limit is exact at every arrival.
    """

    __slots__ = ("line", "waiting", "deadlines", "balk_at", "abandon", "reach", "_is_waiting",
                 "_deadline")

    def __init__(self, balk_at: int, tickets: Tickets, abandon: Callable[[int], None],
                 reach: Callable[[int], None] | None = None) -> None:
        self.line: deque[int] = deque()
        self.waiting = 0  # tickets in the line still waiting (the balking count)
        self.deadlines: list[tuple[float, int]] = []
        self.balk_at = balk_at
        self.abandon = abandon  # found gone by the balking count
        self.reach = reach or abandon  # found gone by a window that reached it
        self._is_waiting = tickets.waiting
        self._deadline = tickets.deadline

    def front(self) -> int:
        """The first ticket in the line not yet settled (-1 if none), gone or not: the
        number a queue system would call next from this queue."""
        line = self.line
        is_waiting = self._is_waiting
        while line:
            i = line[0]
            if is_waiting[i]:
                return i
            line.popleft()
        return -1

    def take(self, now: float) -> int:
        """Call the first ticket still waiting at ``now``: remove and return it (-1 if none).

        :meth:`front` and :meth:`pop_front` in one step (the hot path of a window
        that frees up).
        """
        line = self.line
        is_waiting = self._is_waiting
        deadline = self._deadline
        while line:
            i = line.popleft()
            if not is_waiting[i]:
                continue
            if deadline[i] < now:
                self.reach(i)
                continue
            self.waiting -= 1
            return i
        return -1

    def pop_front(self) -> None:
        """Remove the ticket :meth:`front` returned (it is being called)."""
        self.line.popleft()
        self.waiting -= 1

    def is_full(self, now: float) -> bool:
        """Whether an arrival at ``now`` balks (the limit's worth are still waiting)."""
        heap = self.deadlines
        is_waiting = self._is_waiting
        while heap and heap[0][0] < now:
            _, j = heapq.heappop(heap)
            if is_waiting[j]:
                self.abandon(j)
        return self.waiting >= self.balk_at

    def push(self, i: int) -> None:
        """Ticket ``i`` joins the queue (the hall's ``_admit`` appends directly to a queue
        without a balking limit; this keeps deadlines for ``is_full``)."""
        if self.balk_at:
            d = self._deadline[i]
            if d != float("inf"):
                heapq.heappush(self.deadlines, (d, i))
        self.line.append(i)
        self.waiting += 1


class Hall(BreakDuty, HallRecording):
    """One replication of the hall: built, optionally joined by a flow, run once.

    The first arrival is scheduled at construction, so that a flow created next
    (which may inject tickets through :meth:`inject` on ``env``) finds the event
    calendar in the same order whatever it injects. The event handlers read the
    ticket columns through attributes of their own (``_arrival``, ``_call``, ...):
    they run once or twice per ticket and are the engine's hot path.
    """

    __slots__ = ("layout", "env", "tickets", "queues", "rosters", "_n_first", "_trace", "_log",
                 "_flow",
                 "_window_speed", "_window_group", "_end_callbacks", "_end_events",
                 "_next_arrival", "_arrival_callbacks", "_schedule", "_idle_of", "_single",
                 "_roster_of", "_followed", "_arrival_clock",
                 "_tiers", "_current", "_duty", "_on_duty_since", "_open",
                 "_arrival", "_category", "_work", "_call", "_end", "_window", "_outcome",
                 "_waiting", "_queue", "_breaks",
                 "_door", "_wrong", "_customer_of", "_order", "_first",
                 "_requeued_wrong", "_reached", "_kiosk", "_booked")

    def __init__(self, layout: HallLayout, customers: Customers,
                 trace: list[TraceRow] | None = None) -> None:
        self.layout = layout
        self.env = simpy.Environment()
        self._kiosk = (customers.kiosk.sessions(customers.arrival, customers.category)
                       if customers.kiosk is not None else None)
        customers = customers.in_hall()  # online applicants (kiosk users done) take no ticket
        self._first = customers
        self._door = door = customers.door
        self._wrong: dict[int, int] = {}  # wrong ticket -> how many the customer took so far
        self._customer_of: dict[int, int] = {}  # re-queued ticket -> its customer
        self._requeued_wrong: set[int] = set()  # re-queued tickets that are wrong again
        self._order: list[int] = []
        if door is not None:  # tickets taken after the guide desk, maybe a wrong one
            customers = _first_tickets(customers, door)
            self._wrong = {i: 1 for i in np.flatnonzero(door.wrong > 0).tolist()}
            self._order = np.argsort(customers.arrival, kind="stable").tolist()
        elif self._kiosk is not None:  # kiosk users who failed take tickets later
            self._order = np.argsort(customers.arrival, kind="stable").tolist()
        self._booked = (customers.booked, customers.slot) if customers.booked is not None \
            else None
        t = self.tickets = Tickets(customers, layout)
        self._arrival, self._category, self._work = t.arrival, t.category, t.work
        self._queue = t.queue
        self._breaks = customers.breaks
        self._away: list[bool] = []
        self._pending: list[bool] = []
        self._break_k: list[int] = []
        self._call, self._end, self._window = t.call, t.end, t.window
        self._outcome, self._waiting = t.outcome, t.waiting
        self._n_first = len(customers)
        self._trace = trace
        self._log = trace.append if trace is not None else None
        self._flow: TicketFlow | None = None
        self._window_group: list[int] = layout.window_group.tolist()
        speed: list[list[float]] = layout.speed.tolist()
        # per window: its group's service-time factors by category
        self._window_speed = [speed[g] for g in self._window_group]
        self._tiers = layout.tiers
        self._current = [-1] * len(self._window_group)
        # one service-end callback per window, so the event needs no value; each window's
        # service-end event is made once and scheduled again for every service
        self._end_callbacks: list[Callbacks] = [[partial(self._on_end, w)]
                                                for w in range(len(self._current))]
        self._end_events: list[simpy.Event | None] = [None] * len(self._current)
        self._schedule = self.env.schedule
        self._next_arrival = 0
        self._arrival_callbacks: Callbacks = [self._on_arrival]
        self._duty = DutyLog(len(self._current))
        self._on_duty_since = self._duty.since
        self._open = any(s <= 0.0 for s, _e in layout.open_periods)
        self._reached: dict[int, float] = {}
        self.queues = [CategoryQueue(b, t, self._abandon, self._reach) for b in layout.balk_at]
        self.rosters: list[Roster] = []
        first = 0
        for gi, count in enumerate(layout.group_counts):
            windows = list(range(first, first + count))
            self.rosters.append(Roster(windows, layout.initial_staff[gi]))
            first += count
        # per queue: the idle windows of its eligible groups, in routing order
        self._idle_of = tuple(tuple(self.rosters[gi].idle for gi in groups)
                              for groups in layout.eligible)
        # per window: the one queue its group calls from, if it has a single one
        # (a window that frees up takes its next ticket straight from there)
        single = [self.queues[tiers[0][0]] if len(tiers) == 1 and len(tiers[0]) == 1
                  else None for tiers in layout.tiers]
        self._single = [single[g] for g in self._window_group]
        self._roster_of = [self.rosters[g] for g in self._window_group]
        self._followed = True  # until run() knows better
        # one arrival event, scheduled again for the next; ``_arrival_clock`` is the time
        # it is due, computed as the calendar does (now + delay), so that the arrival
        # handlers need not ask the environment for it
        first_arrival = t.arrival[self._order[0] if self._order else 0] if self._n_first else 0.0
        self._arrival_clock = self.env.now + first_arrival
        if self._n_first and self._order:
            self._arrival_callbacks = [self._on_arrival_door]
            Timeout(self.env, first_arrival).callbacks = self._arrival_callbacks
        elif self._n_first:
            Timeout(self.env, first_arrival).callbacks = self._arrival_callbacks

    # --- run --------------------------------------------------------------------------

    def run(self, days: int, flow: TicketFlow | None = None) -> Records:
        """Run to the end of the event calendar (past ``days`` until the hall empties)."""
        self._flow = flow
        logged = len(self._trace) if self._trace is not None else 0
        self._schedule_hours(days)
        if self._breaks is not None:
            self._schedule_breaks()
        for d in range(days):
            for t, gi, target in self.layout.staff_changes:
                at = d * MINUTES_PER_DAY + t
                if at > 0:
                    ev = Timeout(self.env, at, (gi, target))
                    ev.callbacks.append(self._on_staff)
        # a service end needs more than the next call only with a trace, a door or a flow
        self._followed = self._log is not None or self._door is not None or flow is not None
        self.env.run()
        for w in range(len(self._current)):  # nothing left to do: every window goes home
            self._duty.end(w, self.env.now)
        self._close_run()
        if self._trace is not None:
            # abandonments are logged when found, at their (earlier) deadline: put
            # every row in time order (stable: same-time rows keep the event order)
            self._trace[logged:] = sorted(self._trace[logged:], key=itemgetter(0))
        return self._records()

    def inject(self, t: float, c: int, work: float, patience: float) -> int:
        """Add a ticket of category ``c`` taken at time ``t`` (>= now); return its index."""
        i = self.tickets.add(t, c, work, patience)
        ev = Timeout(self.env, t - self.env.now, i)
        ev.callbacks.append(self._on_injected)
        return i

    def _schedule_hours(self, days: int) -> None:
        """Openings and closings of the hall over ``days`` (windows on duty at the start)."""
        if self._open:
            for roster in self.rosters:
                for w in roster.idle:
                    self._duty.begin(w, 0.0)
        for start, end in _open_intervals(self.layout.open_periods, days):
            if start > 0:
                Timeout(self.env, start).callbacks.append(self._on_opening)
            Timeout(self.env, end).callbacks.append(self._on_closing)

    # --- events -----------------------------------------------------------------------

    def _on_arrival(self, ev: simpy.Event) -> None:
        # drawn customers arrive in ticket order, each scheduling the next (on the same
        # event: it is done with, and scheduled again exactly as a new Timeout would be)
        i = self._next_arrival
        self._next_arrival = i + 1
        arrival = self._arrival
        if i + 1 < self._n_first:
            ev.callbacks = self._arrival_callbacks
            clock = self._arrival_clock  # now: the time this event was scheduled for
            # (at least 0: the clock may lie a rounding step past a tied ticket time)
            delay = max(arrival[i + 1] - clock, 0.0)
            self._arrival_clock = clock + delay  # as the calendar computes it
            self._schedule(ev, NORMAL, delay)
        self._admit(i, arrival[i])  # the clock may differ from it by a rounding step

    def _on_arrival_door(self, ev: simpy.Event) -> None:
        # with a door, customers take their tickets in ticket-time order
        k = self._next_arrival
        self._next_arrival = k + 1
        order, arrival = self._order, self._arrival
        if k + 1 < self._n_first:
            ev.callbacks = self._arrival_callbacks
            clock = self._arrival_clock
            delay = max(arrival[order[k + 1]] - clock, 0.0)
            self._arrival_clock = clock + delay
            self._schedule(ev, NORMAL, delay)
        i = order[k]
        self._admit(i, arrival[i])

    def _on_injected(self, ev: simpy.Event) -> None:
        i = cast(int, ev.value)
        self._admit(i, self._arrival[i])

    def _on_end(self, w: int, _ev: simpy.Event) -> None:
        now = self.env.now
        i = self._current[w]
        self._end[i] = now
        self._outcome[i] = SERVED
        self._current[w] = -1
        if self._followed:
            self._after_service(i, w, now)
        roster = self._roster_of[w]
        if roster.leaving and roster.leaves_after_service(w):
            self._duty.end(w, now)
            return
        queue = self._single[w]
        nxt = queue.take(now) if queue is not None \
            else self._next_for(self._window_group[w], now)
        if nxt >= 0:
            self._start(w, nxt, now)
        else:
            roster.idle.append(w)
            if not self._open:
                self._duty.end(w, now)

    def _after_service(self, i: int, w: int, now: float) -> None:
        """What follows ticket ``i``'s service at window ``w``: the trace row, a wrong
        ticket turned away, the flow told."""
        if self._log:
            self._log((now, "end", i, w))
        flow = self._flow
        if self._wrong and i in self._wrong:
            self._turned_away(i, now)
        elif flow is not None and flow.owns(i):
            flow.served(i, self._arrival[i], now)

    def _on_staff(self, ev: simpy.Event) -> None:
        gi, target = cast(tuple[int, int], ev.value)
        now = self.env.now
        if self._log:
            self._log((now, "staff", -1, target))
        roster = self.rosters[gi]
        gone, coming = roster.restaff(target)
        for w in gone:
            self._duty.end(w, now)
        for _ in range(coming):
            w = roster.bring_on()
            i = self._next_for(gi, now)
            if i >= 0:
                self._start(w, i, now)
            else:
                roster.idle.append(w)
                if self._open:
                    self._duty.begin(w, now)

    def _on_opening(self, _ev: simpy.Event) -> None:
        """The hall opens: its idle staffed windows come on duty."""
        now = self.env.now
        self._open = True
        for roster in self.rosters:
            for w in roster.idle:
                self._duty.begin(w, now)

    def _on_closing(self, _ev: simpy.Event) -> None:
        """The hall closes: idle windows go off duty; busy ones stay until they idle."""
        now = self.env.now
        self._open = False
        for roster in self.rosters:
            for w in roster.idle:
                self._duty.end(w, now)

    # --- wrong tickets (categories.X.wrong_ticket) --------------------------------------

    def _turned_away(self, i: int, now: float) -> None:
        """Wrong ticket ``i`` was turned away at ``now``: its customer takes the next
        ticket at once (wrong again while wrong tickets remain, else the right one)."""
        door = self._door
        assert door is not None
        taken = self._wrong.pop(i)
        cust = self._customer_of.get(i, i)
        first = self._first
        patience = float(first.patience[cust])
        if taken < int(door.wrong[cust]):
            j = self.tickets.add(now, int(door.wrong_to[cust]),
                                 door.turn_away[cust][taken], patience)
            self._wrong[j] = taken + 1
            self._requeued_wrong.add(j)
        else:
            j = self.tickets.add(now, int(first.category[cust]), float(first.work[cust]),
                                 patience)
        self._customer_of[j] = cust
        if self._log:
            self._log((now, "turned_away", i, -1))
        flow = self._flow
        if flow is not None and flow.owns(i):
            flow.moved(i, j)
        self._admit(j, now)

    # --- steps ------------------------------------------------------------------------

    def _admit(self, i: int, now: float) -> None:
        """Ticket ``i`` arrives: to an idle window, or into its queue, or it balks."""
        q = self._queue[i]
        if self._log:
            self._log((now, "arrive", i, -1))
        for idle in self._idle_of[q]:
            if idle:
                self._start(idle.popleft(), i, now)
                return
        queue = self.queues[q]
        if not queue.balk_at:  # no balking limit: the line and its count are all there is
            queue.line.append(i)
            queue.waiting += 1
        elif queue.is_full(now):
            self._balk(i, now)
        else:
            queue.push(i)

    def _start(self, w: int, i: int, now: float) -> None:
        """Window ``w`` calls ticket ``i`` at ``now``."""
        self._waiting[i] = False
        self._call[i] = now
        self._window[i] = w
        self._current[w] = i
        if self._on_duty_since[w] < 0:  # serving while the hall is closed
            self._duty.begin(w, now)
        delay = self._work[i] * self._window_speed[w][self._category[i]]
        ev = self._end_events[w]
        if ev is None:  # the window's first service: its event is made
            ev = self._end_events[w] = Timeout(self.env, delay)
        else:  # the window's event is done with (its service ended): scheduled again
            self._schedule(ev, NORMAL, delay)
        ev.callbacks = self._end_callbacks[w]
        if self._log:
            self._log((now, "call", i, w))

    def _next_for(self, gi: int, now: float) -> int:
        """The ticket a window of group ``gi`` calls at ``now`` (-1 if none), taken off its
        queue: tier by tier, the oldest ticket at the fronts of the tier's queues. A front
        whose holder has gone is reached (called, nobody comes) and the choice made again."""
        queues = self.queues
        for tier in self._tiers[gi]:
            if len(tier) == 1:
                i = queues[tier[0]].take(now)
                if i >= 0:
                    return i
                continue
            arrival, deadline = self._arrival, self.tickets.deadline
            while True:
                best, best_q, best_t = -1, queues[tier[0]], 0.0
                for c in tier:
                    q = queues[c]
                    i = q.front()
                    if i >= 0 and (best < 0 or arrival[i] < best_t):
                        best, best_q, best_t = i, q, arrival[i]
                if best < 0:
                    break
                if deadline[best] < now:
                    best_q.line.popleft()
                    self._reach(best)
                    continue
                best_q.pop_front()
                return best
        return -1

    def _reach(self, i: int) -> None:
        """A window reached ticket ``i``, whose holder had gone: the queue system's
        called-but-gone (过号) moment, kept as the ``reached`` record column."""
        self._reached[i] = self.env.now
        self._abandon(i)

    def _abandon(self, i: int) -> None:
        """Ticket ``i`` left at its deadline (found when a window or an arrival looked)."""
        t = self.tickets
        t.waiting[i] = False
        t.outcome[i] = ABANDONED
        t.end[i] = t.deadline[i]
        self.queues[t.queue[i]].waiting -= 1
        if self._log:
            self._log((t.deadline[i], "abandon", i, -1))
        if self._flow is not None and self._flow.owns(i):
            self._flow.left(i)

    def _balk(self, i: int, now: float) -> None:
        t = self.tickets
        t.waiting[i] = False
        t.outcome[i] = BALKED
        t.end[i] = now
        if self._log:
            self._log((now, "balk", i, -1))
        if self._flow is not None and self._flow.owns(i):
            self._flow.left(i)


def run_hall(layout: HallLayout, customers: Customers, days: int,
             trace: list[TraceRow] | None = None) -> Records:
    """Simulate one replication of the hall alone (no cases or journeys).

    ``trace``, if a list is given, receives the event log as tuples
    ``(time, event, ticket, window)`` with events ``arrive``, ``call``, ``end``,
    ``abandon``, ``balk``, ``staff`` (ticket = -1, window = group's staffed count),
    in time order (an abandonment at its deadline, though found later).
    """
    return Hall(layout, customers, trace).run(days)
