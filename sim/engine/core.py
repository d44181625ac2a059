"""The hall core: tickets, queues and windows on a SimPy event calendar, and the
interface through which the hall's mechanisms plug in.

The core is built from a compiled :class:`~sim.engine.layout.HallLayout`, the first
tickets (a table of :class:`~sim.engine.arrivals.Customers`) and a list of
:class:`Mechanism` parts; it returns :class:`~sim.engine.records.Records` and does no
I/O. Customers are not SimPy processes: each ticket costs one arrival event and, if
served, one service-end event, both plain callbacks on the SimPy environment. Those
events are not made anew: the arrival event and each window's service-end event are
scheduled again (``Environment.schedule``, with the priority and delay a new
``Timeout`` would get, so the calendar's order is the same) once they have been
processed. Reneging is settled lazily and exactly: a window that calls at time ``t``
skips (and records as abandoned, at their deadline) the tickets whose patience ran
out before ``t``, which is when they would have left.

Its parts: the ticket table (:class:`~sim.engine.tickets.Tickets`), the ticket machine
(:class:`~sim.engine.dispenser.TicketDispenser`), one
:class:`~sim.engine.rosters.Roster` per window group, one
:class:`~sim.engine.queues.CategoryQueue` per queue, the call rule
(:class:`~sim.engine.call_rule.CallRule`), the opening hours and staff changes
(:class:`~sim.engine.timetable.Timetable`), the :class:`~sim.engine.rosters.DutyLog`,
and, when the scenario follows cases and journeys,
a :class:`TicketFlow` that is told what happens to its tickets and may add new ones
through :meth:`HallCore.inject`. Breaks, the door, kiosks, appointments and the extra
record columns are :class:`Mechanism` parts (see :mod:`sim.engine.parts`); the core
knows none of them, only the hooks.

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

from collections.abc import Callable, Sequence
from functools import partial
from operator import itemgetter
from typing import Any, Protocol, cast

import simpy
from simpy.events import NORMAL

from sim.engine.arrivals import Customers
from sim.engine.call_rule import CallRule
from sim.engine.dispenser import TicketDispenser
from sim.engine.layout import HallLayout
from sim.engine.queues import CategoryQueue
from sim.engine.recording import assemble_records
from sim.engine.records import ABANDONED, BALKED, SERVED, Records
from sim.engine.rosters import DutyLog, Roster
from sim.engine.tickets import Tickets
from sim.engine.timetable import Timetable

Timeout = simpy.Timeout
#: the ``callbacks`` list of an event the hall schedules again and again
Callbacks = list[Callable[[simpy.Event], None]]

#: ``trace`` rows: (time, event, ticket, window)
TraceRow = tuple[float, str, int, int]

#: ``inject(time, category, work, patience) -> ticket index``: a ticket added during the run
Inject = Callable[[float, int, float, float], int]


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


class Mechanism:
    """A part of the hall that acts at a few points of a run (breaks, the door, ...).

    A part overrides only the hooks it needs; the hall calls a hook only if some part
    overrides it, so a hook nobody uses costs nothing. Hooks run in the order the parts
    are registered (:data:`sim.engine.parts.PARTS`). ``docs/architecture.md`` ("The
    engine's mechanisms") shows how to add one.
    """

    __slots__ = ()

    def tickets(self, first: Customers) -> Customers:
        """The first tickets the hall takes (the customers who take one); a part may
        change them (e.g. a wrong category). Called before the hall is built."""
        return first

    def attach(self, hall: HallCore) -> None:
        """The hall is built (its tickets, queues and rosters exist): keep what is used."""

    def begin(self) -> None:
        """The run begins: the hall's openings and closings are on the calendar, its
        staff changes come next. A part schedules its own events here."""

    def lead(self, w: int, i: int, now: float) -> float:
        """Minutes from window ``w``'s call of ticket ``i`` at ``now`` to the start of the
        service (the window is occupied meanwhile); the service ends that much later."""
        return 0.0

    def served(self, i: int, w: int, now: float) -> bool:
        """Window ``w`` finished serving ticket ``i`` at ``now``. True if the part takes
        the customer on (the ticket's flow is then not told it was served)."""
        return False

    def freed(self, w: int, now: float) -> bool:
        """Window ``w`` is free after a service at ``now``. True if the part holds the
        window (it then neither leaves by the schedule nor calls nor idles)."""
        return False

    def reached(self, i: int, now: float) -> None:
        """A window reached ticket ``i`` at ``now`` whose holder had gone (过号)."""

    def finish(self, records: Records) -> Records:
        """The run is over: the records, with whatever the part adds to them."""
        return records


def _hooks(parts: Sequence[Mechanism], name: str) -> list[Callable[..., Any]]:
    """The bound ``name`` hooks of the parts that override it, in order."""
    default = getattr(Mechanism, name)
    return [getattr(p, name) for p in parts if getattr(type(p), name) is not default]


def _first_true(hooks: list[Callable[..., bool]]) -> Callable[..., bool] | None:
    """One callable for ``hooks`` that calls them in order until one returns True (and
    says whether one did); the hook itself if there is one, ``None`` if there is none."""
    if len(hooks) <= 1:
        return hooks[0] if hooks else None
    return lambda *args: any(hook(*args) for hook in hooks)


def _all(hooks: list[Callable[..., Any]]) -> Callable[..., None] | None:
    """One callable for ``hooks`` that calls every one in order (``None``: none)."""
    if len(hooks) <= 1:
        return hooks[0] if hooks else None

    def every(*args: Any) -> None:
        for hook in hooks:
            hook(*args)
    return every


def _total(hooks: list[Callable[..., float]]) -> Callable[..., float] | None:
    """One callable for ``hooks`` that sums what they return (``None``: none)."""
    if len(hooks) <= 1:
        return hooks[0] if hooks else None
    return lambda *args: sum(hook(*args) for hook in hooks)


class HallCore:
    """One replication of the hall: built, optionally joined by a flow, run once.

    The first arrival is scheduled at construction, so that a flow created next
    (which may inject tickets through :meth:`inject` on ``env``) finds the event
    calendar in the same order whatever it injects. The event handlers read the
    ticket columns through attributes of their own (``_arrival``, ``_call``, ...):
    they run once or twice per ticket and are the engine's hot path.

    What parts may use: ``env``, ``layout``, ``tickets``, ``rosters``, ``roster_of``
    (per window), ``serving`` (per window: the ticket at it, -1 if none), ``duty``,
    ``log`` (append a trace row, ``None`` without a trace), ``flow`` (during the run),
    :meth:`admit`, :meth:`come_on_duty` and :meth:`inject`.
    """

    __slots__ = ("layout", "env", "tickets", "queues", "rosters", "roster_of", "serving",
                 "duty", "log", "flow", "_parts", "_trace",
                 "_window_speed", "_window_group", "_end_callbacks", "_end_events",
                 "_schedule", "_idle_of", "_single",
                 "_followed", "_on_duty_since", "_timetable",
                 "_arrival", "_category", "_work", "_call", "_end", "_window", "_outcome",
                 "_waiting", "_queue", "_call_rule", "_served", "_freed", "_reached",
                 "_lead")

    def __init__(self, layout: HallLayout, first: Customers, parts: Sequence[Mechanism] = (),
                 trace: list[TraceRow] | None = None) -> None:
        self.layout = layout
        self.env = simpy.Environment()
        t = self.tickets = Tickets(first, layout)
        self._arrival, self._category, self._work = t.arrival, t.category, t.work
        self._queue = t.queue
        self._call, self._end, self._window = t.call, t.end, t.window
        self._outcome, self._waiting = t.outcome, t.waiting
        self._trace = trace
        self.log = trace.append if trace is not None else None
        self.flow: TicketFlow | None = None
        self._window_group: list[int] = layout.window_group.tolist()
        speed: list[list[float]] = layout.speed.tolist()
        # per window: its group's service-time factors by category
        self._window_speed = [speed[g] for g in self._window_group]
        self.serving = [-1] * len(self._window_group)
        # one service-end callback per window, so the event needs no value; each window's
        # service-end event is made once and scheduled again for every service
        self._end_callbacks: list[Callbacks] = [[partial(self._on_end, w)]
                                                for w in range(len(self.serving))]
        self._end_events: list[simpy.Event | None] = [None] * len(self.serving)
        self._schedule = self.env.schedule
        self.duty = DutyLog(len(self.serving))
        self._on_duty_since = self.duty.since
        self.queues = [CategoryQueue(b, t, self._abandon, self._reach) for b in layout.balk_at]
        self._call_rule = CallRule(self.queues, layout.tiers, t, self._reach)
        self.rosters: list[Roster] = []
        first_window = 0
        for gi, count in enumerate(layout.group_counts):
            windows = list(range(first_window, first_window + count))
            self.rosters.append(Roster(windows, layout.initial_staff[gi]))
            first_window += count
        # per queue: the idle windows of its eligible groups, in routing order
        self._idle_of = tuple(tuple(self.rosters[gi].idle for gi in groups)
                              for groups in layout.eligible)
        # per window: the one queue its group calls from, if it has a single one
        # (a window that frees up takes its next ticket straight from there)
        single = [self.queues[tiers[0][0]] if len(tiers) == 1 and len(tiers[0]) == 1
                  else None for tiers in layout.tiers]
        self._single = [single[g] for g in self._window_group]
        self.roster_of = [self.rosters[g] for g in self._window_group]
        self._timetable = Timetable(self.env, layout, self.rosters, self.duty, self.log,
                                    self.come_on_duty)
        self._parts = tuple(parts)
        # each hook point: one callable for the parts' hooks, None where no part has one
        self._served = _first_true(_hooks(parts, "served"))
        self._freed = _first_true(_hooks(parts, "freed"))
        self._reached = _all(_hooks(parts, "reached"))
        self._lead = _total(_hooks(parts, "lead"))
        self._followed = True  # until run() knows better
        for part in parts:
            part.attach(self)
        # the first arrival is scheduled last (see the class's text)
        TicketDispenser(self.env, t.arrival, first.arrival, self)

    # --- run --------------------------------------------------------------------------

    def run(self, days: int, flow: TicketFlow | None = None) -> Records:
        """Run to the end of the event calendar (past ``days`` until the hall empties)."""
        self.flow = flow
        logged = len(self._trace) if self._trace is not None else 0
        self._timetable.schedule_hours(days)
        for part in self._parts:
            part.begin()
        self._timetable.schedule_staff(days)
        # a service end needs more than the next call only with a trace, a flow or a part
        # that acts on it
        self._followed = self.log is not None or flow is not None \
            or self._served is not None or self._freed is not None
        self.env.run()
        for w in range(len(self.serving)):  # nothing left to do: every window goes home
            self.duty.end(w, self.env.now)
        self._settle_queued()
        if self._trace is not None:
            # abandonments are logged when found, at their (earlier) deadline: put
            # every row in time order (stable: same-time rows keep the event order)
            self._trace[logged:] = sorted(self._trace[logged:], key=itemgetter(0))
        records = assemble_records(self.layout, self.tickets, self.duty.table())
        for part in self._parts:
            records = part.finish(records)
        return records

    def inject(self, t: float, c: int, work: float, patience: float) -> int:
        """Add a ticket of category ``c`` taken at time ``t`` (>= now); return its index."""
        i = self.tickets.add(t, c, work, patience)
        ev = Timeout(self.env, t - self.env.now, i)
        ev.callbacks.append(self._on_injected)
        return i

    def _settle_queued(self) -> None:
        """Settle tickets still queued when the calendar ran out: abandoned if they were
        impatient (their deadline has passed), otherwise open."""
        t = self.tickets
        for q in self.queues:
            for i in q.line:
                if t.waiting[i]:
                    if t.deadline[i] != float("inf"):
                        self._abandon(i)
                    else:
                        t.waiting[i] = False  # still waiting when the run stopped: "open"

    # --- events -----------------------------------------------------------------------

    def _on_injected(self, ev: simpy.Event) -> None:
        i = cast(int, ev.value)
        self.admit(i, self._arrival[i])

    def _on_end(self, w: int, _ev: simpy.Event) -> None:
        now = self.env.now
        i = self.serving[w]
        self._end[i] = now
        self._outcome[i] = SERVED
        self.serving[w] = -1
        if self._followed:  # a trace, a flow or a part acts on a service end
            if self.log:
                self.log((now, "end", i, w))
            served = self._served  # a part may take the customer on
            if served is None or not served(i, w, now):
                flow = self.flow
                if flow is not None and flow.owns(i):
                    flow.served(i, self._arrival[i], now)
            freed = self._freed  # a part may hold the window
            if freed is not None and freed(w, now):
                return
        roster = self.roster_of[w]
        if roster.leaving and roster.leaves_after_service(w):
            self.duty.end(w, now)
            return
        queue = self._single[w]
        nxt = queue.take(now) if queue is not None \
            else self._call_rule.next_for(self._window_group[w], now)
        if nxt >= 0:
            self._start(w, nxt, now)
        else:
            roster.idle.append(w)
            if not self._timetable.open:
                self.duty.end(w, now)

    def come_on_duty(self, w: int, now: float) -> None:
        """Window ``w`` (off duty, or back from a break) comes on at ``now``: it calls the
        next ticket, or waits idle (on duty while the hall is open)."""
        i = self._call_rule.next_for(self._window_group[w], now)
        if i >= 0:
            self._start(w, i, now)
        else:
            self.roster_of[w].idle.append(w)
            if self._timetable.open:
                self.duty.begin(w, now)

    def admit(self, i: int, now: float) -> None:
        """Ticket ``i`` arrives: to an idle window, or into its queue, or it balks."""
        q = self._queue[i]
        if self.log:
            self.log((now, "arrive", i, -1))
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
        """Window ``w`` calls ticket ``i`` at ``now``; the service starts when the parts'
        lead time (none without a part that adds it) has passed."""
        self._waiting[i] = False
        self._call[i] = now
        self._window[i] = w
        self.serving[w] = i
        if self._on_duty_since[w] < 0:  # serving while the hall is closed
            self.duty.begin(w, now)
        delay = self._work[i] * self._window_speed[w][self._category[i]]
        if self._lead is not None:
            delay += self._lead(w, i, now)
        ev = self._end_events[w]
        if ev is None:  # the window's first service: its event is made
            ev = self._end_events[w] = Timeout(self.env, delay)
        else:  # the window's event is done with (its service ended): scheduled again
            self._schedule(ev, NORMAL, delay)
        ev.callbacks = self._end_callbacks[w]
        if self.log:
            self.log((now, "call", i, w))

    def _reach(self, i: int) -> None:
        """A window reached ticket ``i``, whose holder had gone: the queue system's
        called-but-gone (过号) moment; the parts are told, the ticket abandoned."""
        if self._reached is not None:
            self._reached(i, self.env.now)
        self._abandon(i)

    def _abandon(self, i: int) -> None:
        """Ticket ``i`` left at its deadline (found when a window or an arrival looked)."""
        t = self.tickets
        t.waiting[i] = False
        t.outcome[i] = ABANDONED
        t.end[i] = t.deadline[i]
        self.queues[t.queue[i]].waiting -= 1
        if self.log:
            self.log((t.deadline[i], "abandon", i, -1))
        if self.flow is not None and self.flow.owns(i):
            self.flow.left(i)

    def _balk(self, i: int, now: float) -> None:
        t = self.tickets
        t.waiting[i] = False
        t.outcome[i] = BALKED
        t.end[i] = now
        if self.log:
            self.log((now, "balk", i, -1))
        if self.flow is not None and self.flow.owns(i):
            self.flow.left(i)
