"""Cases and journeys: what follows a ticket once the window has served it.

A *case* starts with the first ticket of a category that has ``returns`` or
``backoffice``. At each window visit its materials may be incomplete (the
citizen is sent away and returns some working days later, unless accepted with
deficiency); once accepted, the case finishes at the window (即办件) or runs its
back-office route; the result is then posted or collected at an output window
on a later day (a real hall visit). A *journey* is a citizen's ordered list of
items, one ticket each, visited one after another.

Every random draw a case or journey may need is made when it is created, from
streams of its own (see :mod:`sim.engine.streams`), so two scenarios that differ only
in windows or stages see the same citizens (common random numbers).

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

import numpy as np
import simpy

from sim.engine.arrivals import Customers, arrival_times
from sim.engine.backoffice import BackOffice, Node, compile_route
from sim.engine.streams import Purpose, stream
from sim.spec.calendar import WorkingTime
from sim.spec.clock import MINUTES_PER_DAY, parse_period
from sim.spec.scenario import Scenario

COMPLETE, LOST, OPEN = 0, 1, 2
CASE_STATUS = ("complete", "lost", "open")
KIND_NAMES = ("first", "return", "collect", "journey")
KIND_FIRST, KIND_RETURN, KIND_COLLECT, KIND_JOURNEY = 0, 1, 2, 3
#: return visits drawn up front per case; later ones (rare) get streams of their own
PREDRAWN_VISITS = 4


@dataclass
class _CategoryDraws:
    """Draws for every case of one category, row = case (in ticket order)."""

    ret_u: np.ndarray | None = None
    ret_delay: np.ndarray | None = None
    ret_work: np.ndarray | None = None
    ret_patience: np.ndarray | None = None
    ret_tod: np.ndarray | None = None
    supplement: np.ndarray | None = None
    bo_u: np.ndarray | None = None
    stage_work: np.ndarray | None = None
    post_u: np.ndarray | None = None
    post_delay: np.ndarray | None = None
    collect_delay: np.ndarray | None = None
    collect_work: np.ndarray | None = None
    collect_patience: np.ndarray | None = None
    collect_tod: np.ndarray | None = None


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


def _patience_or_inf(dist, rng: np.random.Generator, shape) -> np.ndarray:
    if dist is None:
        return np.full(shape, np.inf)
    return dist.sample(rng, int(np.prod(shape))).reshape(shape)


class CaseFlow:
    """Runs cases and journeys alongside the hall engine of one replication."""

    def __init__(self, scenario: Scenario, customers: Customers, seed: int, replication: int,
                 days: int) -> None:
        self.sc = scenario
        self.days = days
        self.seed, self.replication = seed, replication
        self.names = customers.names
        self.hall_hours = WorkingTime(scenario.hall.periods)
        bo = scenario.backoffice
        bo_periods = (tuple(parse_period(p) for p in bo.hours) if bo and bo.hours
                      else scenario.hall.periods)
        self.bo_hours = WorkingTime(bo_periods)
        self.routes: dict[str, tuple[Node, list[int]]] = {}
        self.cat_index = {c: k for k, c in enumerate(self.names)}
        self.draws: dict[int, _CategoryDraws] = {}
        self.case_row: dict[int, int] = {}  # first ticket -> row within its category draws
        self.n_cases = 0
        cats = customers.category
        self.case_tickets = []  # first ticket index of each case
        for k, name in enumerate(self.names):
            cat = scenario.categories[name]
            if not cat.has_case_flow:
                continue
            firsts = np.flatnonzero(cats == k)
            self.draws[k] = self._draw(name, len(firsts), seed, replication)
            for row, i in enumerate(firsts.tolist()):
                self.case_row[i] = row
            self.case_tickets.extend(firsts.tolist())
        self.case_tickets.sort()
        self._first_arrival = customers.arrival[self.case_tickets] if self.case_tickets else \
            np.zeros(0)
        self._first_category = customers.category[self.case_tickets] if self.case_tickets else \
            np.zeros(0, dtype=np.int32)
        self.journey_names = tuple(scenario.journeys)
        self._journey_draws(seed, replication)

    # --- draws -----------------------------------------------------------------------

    def _draw(self, name: str, n: int, seed: int, rep: int) -> _CategoryDraws:
        cat = self.sc.categories[name]
        d = _CategoryDraws()
        if cat.returns is not None:
            r = cat.returns
            k = PREDRAWN_VISITS
            rng = stream(seed, rep, Purpose.RETURNS, name)
            d.ret_u = rng.random((n, k))
            d.ret_delay = r.delay_days.sample(rng, n * k).reshape(n, k)
            d.ret_work = cat.service.sample(rng, n * k).reshape(n, k)
            d.ret_patience = _patience_or_inf(cat.patience, rng, (n, k))
            d.ret_tod = rng.random((n, k))
            if r.accept_with_deficiency is not None:
                d.supplement = r.accept_with_deficiency.supplement_days.sample(rng, n)
        if cat.backoffice is not None:
            rng = stream(seed, rep, Purpose.BACKOFFICE, name)
            key = cat.backoffice.route if isinstance(cat.backoffice.route, str) else f"@{name}"
            if key not in self.routes:
                self.routes[key] = compile_route(self.sc.backoffice, cat.backoffice.route)
            occ = self.routes[key][1]
            d.bo_u = rng.random(n)
            stages = list(self.sc.backoffice.stages.values())
            d.stage_work = np.column_stack(
                [stages[s].service.sample(rng, n) for s in occ]) if occ else np.zeros((n, 0))
            dl = cat.delivery
            if dl is not None:
                rng = stream(seed, rep, Purpose.DELIVERY, name)
                d.post_u = rng.random(n)
                d.post_delay = (dl.post_delay_days.sample(rng, n) if dl.post_delay_days
                                else np.zeros(n))
                if dl.collect_at is not None:
                    out = self.sc.categories[dl.collect_at]
                    d.collect_delay = dl.collect_delay_days.sample(rng, n)
                    d.collect_work = out.service.sample(rng, n)
                    d.collect_patience = _patience_or_inf(out.patience, rng, (n,))
                    d.collect_tod = rng.random(n)
        return d

    def _journey_draws(self, seed: int, rep: int) -> None:
        times, jtype, works, pats = [], [], [], []
        for j, (name, journey) in enumerate(self.sc.journeys.items()):
            rng = stream(seed, rep, Purpose.JOURNEY, name)
            t = arrival_times(self.sc, journey.arrivals_per_hour, rng)
            n = len(t)
            steps = [self.sc.categories[s] for s in journey.steps]
            w = np.column_stack([c.service.sample(rng, n) for c in steps])
            p = np.column_stack([_patience_or_inf(c.patience, rng, (n,)) for c in steps])
            times.append(t)
            jtype.append(np.full(n, j))
            works.append(w)
            pats.append(p)
        self.j_times = np.concatenate(times) if times else np.zeros(0)
        self.j_type = np.concatenate(jtype) if jtype else np.zeros(0, dtype=int)
        self.j_works = works
        self.j_pats = pats
        self.j_local = np.concatenate([np.arange(len(t)) for t in times]) if times else \
            np.zeros(0, dtype=int)

    # --- run ---------------------------------------------------------------------------

    def attach(self, env: simpy.Environment,
               inject: Callable[[float, int, float, float], int]) -> None:
        """Start: register first tickets as cases and schedule journey arrivals."""
        self.env = env
        self.inject = inject
        self.backoffice = (BackOffice(env, self.sc.backoffice, self.bo_hours)
                           if self.sc.backoffice else None)
        n = len(self.case_tickets)
        self.c_first = np.full(n, np.nan)
        self.c_result = np.full(n, np.nan)
        self.c_received = np.full(n, np.nan)
        self.c_accepted = np.full(n, np.nan)
        self.c_bo_in = np.full(n, np.nan)
        self.c_bo_out = np.full(n, np.nan)
        self.c_visits = np.zeros(n, dtype=np.int32)
        self.c_tickets = np.zeros(n, dtype=np.int32)
        self.c_status = np.full(n, OPEN, dtype=np.int8)
        self.c_deficient = np.zeros(n, dtype=bool)
        self.c_cat = np.zeros(n, dtype=np.int32)
        self.c_row = np.zeros(n, dtype=np.int64)
        self.c_incomplete_before = np.zeros(n, dtype=bool)
        self.owner: dict[int, tuple[int, int, int]] = {}  # ticket -> (kind, case/journey, visit)
        for c, i in enumerate(self.case_tickets):
            self.owner[i] = (KIND_FIRST, c, 0)
            self.c_row[c] = self.case_row[i]
        self.c_first[:] = self._first_arrival
        self.c_cat[:] = self._first_category
        self.c_visits[:] = 1
        self.c_tickets[:] = 1
        nj = len(self.j_times)
        self.j_start = self.j_times.copy()
        self.j_end = np.full(nj, np.nan)
        self.j_step = np.zeros(nj, dtype=np.int32)
        self.j_tickets = np.zeros(nj, dtype=np.int32)
        self.j_days: list[dict[int, list[float]]] = [{} for _ in range(nj)]
        self.j_status = np.full(nj, OPEN, dtype=np.int8)
        for jj in np.argsort(self.j_times, kind="stable").tolist():
            self._journey_ticket(jj, 0, float(self.j_times[jj]))

    def is_owned(self, i: int) -> bool:
        """Whether ticket ``i`` belongs to a case or a journey."""
        return i in self.owner

    def served(self, i: int, arrival: float, now: float) -> None:
        """A window finished serving ticket ``i`` (taken at ``arrival``) at ``now``."""
        kind, c, v = self.owner[i]
        if kind == KIND_JOURNEY:
            self._journey_served(c, v, arrival, now)
        elif kind == KIND_COLLECT:
            self.c_status[c] = COMPLETE
            self.c_received[c] = now
        else:
            self._visit_done(c, v, now)

    def left(self, i: int) -> None:
        """Ticket ``i`` abandoned or balked: its case or journey is lost."""
        kind, c, _v = self.owner[i]
        if kind == KIND_JOURNEY:
            self.j_status[c] = LOST
        else:
            self.c_status[c] = LOST

    def _return_draws(self, k: int, row: int, v: int) -> tuple[float, float, float, float,
                                                                 float]:
        """(incomplete uniform, delay days, service, patience, time-of-day uniform) of the
        ``v``-th visit of a case: pre-drawn for the first visits, and from a stream of
        the case and visit beyond them (the same whatever happens to other cases)."""
        d = self.draws[k]
        if v < d.ret_u.shape[1]:
            return (float(d.ret_u[row, v]), float(d.ret_delay[row, v]),
                    float(d.ret_work[row, v]), float(d.ret_patience[row, v]),
                    float(d.ret_tod[row, v]))
        name = self.names[k]
        cat = self.sc.categories[name]
        rng = stream(self.seed, self.replication, Purpose.RETURNS, f"{name}#{row}#{v}")
        patience = cat.patience.sample(rng, 1)[0] if cat.patience is not None else math.inf
        return (float(rng.random()), float(cat.returns.delay_days.sample(rng, 1)[0]),
                float(cat.service.sample(rng, 1)[0]), float(patience), float(rng.random()))

    def _hall_time(self, day: int, u: float) -> float:
        wt = self.hall_hours
        return wt.clock_time(day * wt.per_day + max(u, 1e-9) * wt.per_day)

    def _visit_done(self, c: int, v: int, now: float) -> None:
        k = int(self.c_cat[c])
        cat = self.sc.categories[self.names[k]]
        d = self.draws[k]
        row = int(self.c_row[c])
        ready = now
        if cat.returns is not None:
            r = cat.returns
            p = r.incomplete
            if self.c_incomplete_before[c] and r.one_time_notice is not None:
                p = r.one_time_notice
            u, delay, work, patience, tod = self._return_draws(k, row, v)
            if u < p:
                self.c_incomplete_before[c] = True
                if r.accept_with_deficiency is None:
                    day = int(now // MINUTES_PER_DAY) + max(1, math.ceil(delay))
                    j = self.inject(self._hall_time(day, tod), k, work, patience)
                    self.owner[j] = (KIND_RETURN, c, v + 1)
                    self.c_visits[c] += 1
                    self.c_tickets[c] += 1
                    return
                self.c_deficient[c] = True
                ready = self.bo_hours.finish(now, float(d.supplement[row]) * self.bo_hours.per_day)
        self.c_accepted[c] = now
        if cat.backoffice is not None and d.bo_u[row] < cat.backoffice.share:
            key = cat.backoffice.route if isinstance(cat.backoffice.route, str) else \
                f"@{self.names[k]}"
            node = self.routes[key][0]
            works = d.stage_work[row]
            self._at(ready, lambda: self._enter_backoffice(c, node, works))
        else:
            self._at(ready, lambda: self._result(c, self.env.now, via_backoffice=False))

    def _at(self, t: float, action: Callable[[], None]) -> None:
        now = self.env.now
        if t <= now:
            action()
            return
        ev = simpy.Timeout(self.env, t - now)
        ev.callbacks.append(lambda _e: action())

    def _enter_backoffice(self, c: int, node: Node, works: np.ndarray) -> None:
        self.c_bo_in[c] = self.env.now
        self.backoffice.send(node, works, lambda t: self._result(c, t, via_backoffice=True))

    def _result(self, c: int, t: float, via_backoffice: bool) -> None:
        self.c_result[c] = t
        if via_backoffice:
            self.c_bo_out[c] = t
        k = int(self.c_cat[c])
        cat = self.sc.categories[self.names[k]]
        d = self.draws[k]
        row = int(self.c_row[c])
        dl = cat.delivery
        if via_backoffice and dl is not None and d.post_u[row] >= dl.post_share:
            day = int(t // MINUTES_PER_DAY) + max(1, math.ceil(d.collect_delay[row]))
            when = self._hall_time(day, float(d.collect_tod[row]))
            j = self.inject(when, self.cat_index[dl.collect_at], float(d.collect_work[row]),
                            float(d.collect_patience[row]))
            self.owner[j] = (KIND_COLLECT, c, int(self.c_visits[c]))
            self.c_visits[c] += 1
            self.c_tickets[c] += 1
        else:
            self.c_status[c] = COMPLETE
            posted = via_backoffice and dl is not None and d.post_delay is not None
            # post delay in working days; every clock day is a working day
            self.c_received[c] = t + (float(d.post_delay[row]) * MINUTES_PER_DAY if posted
                                      else 0.0)

    # --- journeys ----------------------------------------------------------------------

    def _journey_ticket(self, jj: int, step: int, t: float) -> None:
        jt = int(self.j_type[jj])
        local = int(self.j_local[jj])
        journey = self.sc.journeys[self.journey_names[jt]]
        k = self.cat_index[journey.steps[step]]
        i = self.inject(t, k, float(self.j_works[jt][local, step]),
                        float(self.j_pats[jt][local, step]))
        self.owner[i] = (KIND_JOURNEY, jj, step)
        self.j_tickets[jj] += 1

    def _journey_served(self, jj: int, step: int, arrival: float, now: float) -> None:
        day = int(arrival // MINUTES_PER_DAY)
        span = self.j_days[jj].setdefault(day, [arrival, now])
        span[0], span[1] = min(span[0], arrival), max(span[1], now)
        journey = self.sc.journeys[self.journey_names[int(self.j_type[jj])]]
        if step + 1 == len(journey.steps):
            self.j_end[jj] = now
            self.j_status[jj] = COMPLETE
            return
        t = now if self.sc.hall.is_open_at(now % MINUTES_PER_DAY) else \
            self.hall_hours.next_open(now)
        self._journey_ticket(jj, step + 1, t)

    # --- results -----------------------------------------------------------------------

    def table(self, w_from: float, w_to: float) -> CaseTable:
        """The case and journey table after the run; stage figures over ``[w_from, w_to)``."""
        stages = (self.backoffice.utilisation(self.bo_hours.minutes_before(w_from),
                                              self.bo_hours.minutes_before(w_to))
                  if self.backoffice else {})
        hall_minutes = np.array([sum(e - s for s, e in days.values()) for days in self.j_days])
        return CaseTable(
            category=self.c_cat, first=self.c_first, result=self.c_result,
            received=self.c_received,
            accepted=self.c_accepted, visits=self.c_visits, tickets=self.c_tickets,
            status=self.c_status, bo_in=self.c_bo_in, bo_out=self.c_bo_out,
            deficient=self.c_deficient, journey=self.j_type, j_start=self.j_start,
            j_end=self.j_end, j_tickets=self.j_tickets,
            j_visits=np.array([len(d) for d in self.j_days], dtype=np.int32),
            j_hall_minutes=hall_minutes, j_status=self.j_status,
            journey_names=self.journey_names, stages=stages,
        )

    def ticket_columns(self, n_tickets: int) -> dict[str, np.ndarray]:
        """Extension columns of the records: ``case`` (-1 if none), ``journey`` and ``kind``."""
        case = np.full(n_tickets, -1, dtype=np.int64)
        journey = np.full(n_tickets, -1, dtype=np.int64)
        kind = np.full(n_tickets, -1, dtype=np.int8)
        for i, (k, c, _v) in self.owner.items():
            kind[i] = k
            if k == KIND_JOURNEY:
                journey[i] = c
            else:
                case[i] = c
        return {"case": case, "journey": journey, "kind": kind}
