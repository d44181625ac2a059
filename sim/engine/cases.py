"""Cases and journeys: what follows a ticket once the window has served it.

A *case* starts with the first ticket of a category that has ``returns`` or
``backoffice``. At each window visit its materials may be incomplete (the
citizen is sent away and returns some working days later, unless accepted with
deficiency); once accepted, the case finishes at the window (即办件) or runs its
back-office route; the result is then posted or collected at an output window
on a later day (a real hall visit). A *journey* is a citizen's ordered list of
items, one ticket each, visited one after another.

The parts: :mod:`sim.engine.case_draws` makes every random draw a case or
journey may need, up front and from streams of their own, so two scenarios
that differ only in windows or stages see the same citizens (common random
numbers); :class:`CaseRunner` and :class:`JourneyRunner` play them out on the
hall's event calendar; :class:`CaseFlow` is the hall's view of both (a
:class:`~sim.engine.core.TicketFlow`) and hands back the :class:`CaseTable`.

Simplifications (documented in ``docs/scenario-format.md``): a citizen who
abandons or balks at any visit ends the case (``lost``); return and collection
visits arrive at a time drawn uniformly over the opening hours of their day;
after the last simulated day no new cases start, but the hall (with its last
staffing) and the back office keep going until every case has ended.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import simpy

from sim.engine.backoffice import BackOffice, Node
from sim.engine.case_draws import CaseDraws, JourneyDraws, route_key
from sim.engine.core import Inject
from sim.engine.records import KIND_COLLECT, KIND_FIRST, KIND_JOURNEY, KIND_NAMES, KIND_RETURN
from sim.scenario.calendar import WorkingTime
from sim.scenario.clock import MINUTES_PER_DAY, parse_period
from sim.scenario.model import Scenario

__all__ = ["CASE_STATUS", "COMPLETE", "KIND_NAMES", "LOST", "OPEN", "CaseFlow", "CaseRunner",
           "CaseTable", "JourneyRunner"]

COMPLETE, LOST, OPEN = 0, 1, 2
CASE_STATUS = ("complete", "lost", "open")

#: who owns a ticket: ticket -> (kind, case or journey index, visit or step)
Owners = dict[int, tuple[int, int, int]]


@dataclass(frozen=True)
class CaseTable:
    """One row per case (columns) and per journey, plus back-office stage figures."""

    category: np.ndarray
    first: np.ndarray
    result: np.ndarray
    received: np.ndarray
    accepted: np.ndarray
    visits: np.ndarray
    tickets: np.ndarray
    status: np.ndarray
    bo_in: np.ndarray
    bo_out: np.ndarray
    deficient: np.ndarray
    journey: np.ndarray
    j_start: np.ndarray
    j_end: np.ndarray
    j_tickets: np.ndarray
    j_visits: np.ndarray
    j_hall_minutes: np.ndarray
    j_status: np.ndarray
    journey_names: tuple[str, ...]
    stages: dict[str, dict[str, float]]
    online: np.ndarray | None = None  # per case: applied online (None: nobody did)


def hall_time(hours: WorkingTime, day: int, u: float) -> float:
    """The clock time a fraction ``u`` into the opening hours of ``day``."""
    return hours.clock_time(day * hours.per_day + max(u, 1e-9) * hours.per_day)


class CaseRunner:
    """Plays out the cases of one replication: visits, returns, back office, delivery."""

    def __init__(self, scenario: Scenario, draws: CaseDraws, env: simpy.Environment,
                 inject: Inject, owners: Owners, hall_hours: WorkingTime,
                 bo_hours: WorkingTime) -> None:
        self.sc, self.draws, self.env, self.inject = scenario, draws, env, inject
        self.owners = owners
        self.hall_hours, self.bo_hours = hall_hours, bo_hours
        self.names = draws.names
        self.cat_index = {c: k for k, c in enumerate(self.names)}
        self.backoffice = (BackOffice(env, scenario.backoffice, bo_hours)
                           if scenario.backoffice else None)
        self.routes: dict[str, Node] = {}
        n = len(draws.first_ticket)
        self.category = draws.case_category
        self.first = draws.first_arrival
        self.result = np.full(n, np.nan)
        self.received = np.full(n, np.nan)
        self.accepted = np.full(n, np.nan)
        self.bo_in = np.full(n, np.nan)
        self.bo_out = np.full(n, np.nan)
        self.visits = np.ones(n, dtype=np.int32)
        self.tickets = np.ones(n, dtype=np.int32)
        self.status = np.full(n, OPEN, dtype=np.int8)
        self.deficient = np.zeros(n, dtype=bool)
        self.incomplete_before = np.zeros(n, dtype=bool)
        self.incomplete_p = [scenario.incomplete_probabilities(c) for c in self.names]
        self.online = draws.online if draws.online is not None else np.zeros(n, dtype=bool)
        for c, i in enumerate(draws.first_ticket.tolist()):
            if i >= 0:
                owners[i] = (KIND_FIRST, c, 0)
            else:  # applied online: no visit, straight to the back office at arrival
                self.visits[c] = self.tickets[c] = 0
                self._at(float(self.first[c]), partial(self._applied_online, c))

    def visit_done(self, c: int, v: int, now: float) -> None:
        """Visit ``v`` of case ``c`` was served at ``now``: sent away, or accepted."""
        k = int(self.category[c])
        cat = self.sc.categories[self.names[k]]
        row = int(self.draws.case_row[c])
        ready = now
        r = cat.returns
        if r is not None:
            first, again = self.incomplete_p[k]  # after a guide desk's pre-check
            p = again if self.incomplete_before[c] else first
            visit = self.draws.return_visit(k, row, v)
            if visit.u < p:
                self.incomplete_before[c] = True
                if r.accept_with_deficiency is None:
                    day = int(now // MINUTES_PER_DAY) + max(1, math.ceil(visit.delay_days))
                    j = self.inject(hall_time(self.hall_hours, day, visit.tod), k, visit.work,
                                    visit.patience)
                    self._add_visit(j, KIND_RETURN, c, v + 1)
                    return
                self.deficient[c] = True
                ready = self.bo_hours.finish(now, self.draws.supplement_days(k, row)
                                             * self.bo_hours.per_day)
        self.accepted[c] = now
        bo = cat.backoffice
        draws = self.draws.by_category[k]
        if bo is not None and draws.bo_u is not None and draws.bo_u[row] < bo.share:
            assert draws.stage_work is not None
            node = self._route(k)
            works = draws.stage_work[row]
            self._at(ready, lambda: self._enter_backoffice(c, node, works))
        else:
            self._at(ready, lambda: self._result(c, self.env.now, via_backoffice=False))

    def _applied_online(self, c: int) -> None:
        """Case ``c`` was applied for online now: accepted, and into the back office
        (its online route if the category has one) or, for an item done at once, done."""
        now = self.env.now
        k = int(self.category[c])
        self.accepted[c] = now
        bo = self.sc.categories[self.names[k]].backoffice
        draws = self.draws.by_category[k]
        row = int(self.draws.case_row[c])
        if bo is not None and draws.bo_u is not None and draws.bo_u[row] < bo.share:
            node = self._online_route(k)
            if node is not None and draws.online_work is not None:
                self._enter_backoffice(c, node, draws.online_work[row])
            else:
                assert draws.stage_work is not None
                self._enter_backoffice(c, self._route(k), draws.stage_work[row])
        else:
            self._result(c, now, via_backoffice=False)

    def _online_route(self, k: int) -> Node | None:
        name = self.names[k]
        key = "online@" + name
        if key not in self.routes:
            node = self.draws.online_route(name)
            if node is None:
                return None
            self.routes[key] = node
        return self.routes[key]

    def collected(self, c: int, now: float) -> None:
        """The citizen of case ``c`` collected the result at ``now``."""
        self.status[c] = COMPLETE
        self.received[c] = now

    def lost(self, c: int) -> None:
        """The citizen of case ``c`` abandoned or balked at a visit."""
        self.status[c] = LOST

    def _add_visit(self, ticket: int, kind: int, c: int, visit: int) -> None:
        self.owners[ticket] = (kind, c, visit)
        self.visits[c] += 1
        self.tickets[c] += 1

    def _route(self, k: int) -> Node:
        name = self.names[k]
        key = route_key(self.sc, name)
        if key not in self.routes:
            self.routes[key] = self.draws.route(name)[0]
        return self.routes[key]

    def _at(self, t: float, action: Callable[[], None]) -> None:
        now = self.env.now
        if t <= now:
            action()
            return
        ev = simpy.Timeout(self.env, t - now)
        ev.callbacks.append(lambda _e: action())

    def _enter_backoffice(self, c: int, node: Node, works: np.ndarray) -> None:
        assert self.backoffice is not None
        self.bo_in[c] = self.env.now
        self.backoffice.send(node, works, lambda t: self._result(c, t, via_backoffice=True))

    def _result(self, c: int, t: float, via_backoffice: bool) -> None:
        """The result of case ``c`` is ready at ``t``: posted, collected later, or handed over."""
        self.result[c] = t
        if via_backoffice:
            self.bo_out[c] = t
        k = int(self.category[c])
        dl = self.sc.categories[self.names[k]].delivery
        d = self.draws.by_category[k]
        row = int(self.draws.case_row[c])
        if via_backoffice and dl is not None and d.post_u is not None \
                and d.post_u[row] >= dl.post_share:
            assert dl.collect_at is not None and d.collect_delay is not None
            assert d.collect_tod is not None and d.collect_work is not None
            assert d.collect_patience is not None
            day = int(t // MINUTES_PER_DAY) + max(1, math.ceil(d.collect_delay[row]))
            when = hall_time(self.hall_hours, day, float(d.collect_tod[row]))
            j = self.inject(when, self.cat_index[dl.collect_at], float(d.collect_work[row]),
                            float(d.collect_patience[row]))
            self._add_visit(j, KIND_COLLECT, c, int(self.visits[c]))
            return
        self.status[c] = COMPLETE
        posted = via_backoffice and dl is not None and d.post_delay is not None
        # post delay in working days; every clock day is a working day
        delay = float(d.post_delay[row]) * MINUTES_PER_DAY \
            if posted and d.post_delay is not None else 0.0
        self.received[c] = t + delay


class JourneyRunner:
    """Plays out the journeys of one replication: each step a ticket, one after another."""

    def __init__(self, scenario: Scenario, draws: JourneyDraws, inject: Inject, owners: Owners,
                 hall_hours: WorkingTime) -> None:
        self.sc, self.draws, self.inject, self.owners = scenario, draws, inject, owners
        self.hall_hours = hall_hours
        self.cat_index = {c: k for k, c in enumerate(scenario.categories)}
        nj = len(draws.times)
        self.start = draws.times.copy()
        self.end = np.full(nj, np.nan)
        self.tickets = np.zeros(nj, dtype=np.int32)
        self.days: list[dict[int, list[float]]] = [{} for _ in range(nj)]
        self.status = np.full(nj, OPEN, dtype=np.int8)
        for jj in np.argsort(draws.times, kind="stable").tolist():
            self._ticket(jj, 0, float(draws.times[jj]))

    def served(self, jj: int, step: int, arrival: float, now: float) -> None:
        """Step ``step`` of journey ``jj`` (ticket taken at ``arrival``) was served at ``now``."""
        day = int(arrival // MINUTES_PER_DAY)
        span = self.days[jj].setdefault(day, [arrival, now])
        span[0], span[1] = min(span[0], arrival), max(span[1], now)
        journey = self.sc.journeys[self.draws.names[int(self.draws.kind[jj])]]
        if step + 1 == len(journey.steps):
            self.end[jj] = now
            self.status[jj] = COMPLETE
            return
        t = now if self.sc.hall.is_open_at(now % MINUTES_PER_DAY) else \
            self.hall_hours.next_open(now)
        self._ticket(jj, step + 1, t)

    def lost(self, jj: int) -> None:
        """The citizen of journey ``jj`` abandoned or balked at a step."""
        self.status[jj] = LOST

    def hall_minutes(self) -> np.ndarray:
        """Per journey: minutes in the hall, summed over the days it visited."""
        return np.array([sum(e - s for s, e in days.values()) for days in self.days])

    def _ticket(self, jj: int, step: int, t: float) -> None:
        d = self.draws
        jt, local = int(d.kind[jj]), int(d.local[jj])
        journey = self.sc.journeys[d.names[jt]]
        k = self.cat_index[journey.steps[step]]
        i = self.inject(t, k, float(d.work[jt][local, step]), float(d.patience[jt][local, step]))
        self.owners[i] = (KIND_JOURNEY, jj, step)
        self.tickets[jj] += 1


class CaseFlow:
    """Cases and journeys alongside the hall engine of one replication (a ``TicketFlow``).

    Built once the hall exists (it needs the hall's event calendar and its
    ``inject``): first tickets become cases and journeys' first steps are
    scheduled at construction.
    """

    def __init__(self, scenario: Scenario, draws: CaseDraws, env: simpy.Environment,
                 inject: Inject) -> None:
        hall_hours = WorkingTime(scenario.hall.periods)
        bo = scenario.backoffice
        bo_hours = WorkingTime(tuple(parse_period(p) for p in bo.hours) if bo and bo.hours
                               else scenario.hall.periods)
        self.owners: Owners = {}
        self.turned: dict[int, int] = {}  # wrong tickets turned away -> their case
        self.cases = CaseRunner(scenario, draws, env, inject, self.owners, hall_hours, bo_hours)
        self.journeys = JourneyRunner(scenario, draws.journeys, inject, self.owners, hall_hours)

    def owns(self, i: int) -> bool:
        """Whether ticket ``i`` belongs to a case or a journey."""
        return i in self.owners

    def served(self, i: int, arrival: float, now: float) -> None:
        """A window finished serving ticket ``i`` (taken at ``arrival``) at ``now``."""
        kind, c, v = self.owners[i]
        if kind == KIND_JOURNEY:
            self.journeys.served(c, v, arrival, now)
        elif kind == KIND_COLLECT:
            self.cases.collected(c, now)
        else:
            self.cases.visit_done(c, v, now)

    def moved(self, i: int, j: int) -> None:
        """Ticket ``i`` was a wrong ticket (turned away): the customer's next ticket ``j``
        takes its place in the case (one more ticket, not one more visit)."""
        kind, c, v = self.owners.pop(i)
        self.owners[j] = (kind, c, v)
        self.turned[i] = c
        if kind != KIND_JOURNEY:
            self.cases.tickets[c] += 1

    def left(self, i: int) -> None:
        """Ticket ``i`` abandoned or balked: its case or journey is lost."""
        kind, c, _v = self.owners[i]
        if kind == KIND_JOURNEY:
            self.journeys.lost(c)
        else:
            self.cases.lost(c)

    def table(self, w_from: float, w_to: float) -> CaseTable:
        """The case and journey table after the run; stage figures over ``[w_from, w_to)``."""
        cs, js = self.cases, self.journeys
        bo_hours = cs.bo_hours
        stages = (cs.backoffice.utilisation(bo_hours.minutes_before(w_from),
                                            bo_hours.minutes_before(w_to))
                  if cs.backoffice else {})
        return CaseTable(
            category=cs.category, first=cs.first, result=cs.result, received=cs.received,
            accepted=cs.accepted, visits=cs.visits, tickets=cs.tickets, status=cs.status,
            bo_in=cs.bo_in, bo_out=cs.bo_out, deficient=cs.deficient,
            journey=js.draws.kind, j_start=js.start, j_end=js.end, j_tickets=js.tickets,
            j_visits=np.array([len(d) for d in js.days], dtype=np.int32),
            j_hall_minutes=js.hall_minutes(), j_status=js.status,
            journey_names=js.draws.names, stages=stages,
            online=cs.online if cs.draws.online is not None else None,
        )

    def ticket_columns(self, n_tickets: int) -> dict[str, np.ndarray]:
        """Extension columns of the records: ``case`` (-1 if none), ``journey`` and ``kind``."""
        case = np.full(n_tickets, -1, dtype=np.int64)
        journey = np.full(n_tickets, -1, dtype=np.int64)
        kind = np.full(n_tickets, -1, dtype=np.int8)
        for i, (k, c, _v) in self.owners.items():
            kind[i] = k
            if k == KIND_JOURNEY:
                journey[i] = c
            else:
                case[i] = c
        for i, c in self.turned.items():  # wrong tickets: the case's, of no kind
            case[i] = c
        return {"case": case, "journey": journey, "kind": kind}
