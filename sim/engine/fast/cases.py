"""The cases of a hall whose back office feeds nothing back into the front, after the fast
engine's front: :func:`run_fast_cases` returns what the SimPy engine's ``hall.run(days,
flow)`` leaves (the records, and the :class:`~sim.engine.cases.CaseFlow` with the case
table and the back office's stage figures), bit for bit.

Why a post-pass is exact: without returns, collection visits and journeys nothing the
case flow does reaches the hall (it injects no ticket; a case with a back office enters it
at the very service end that accepted it), and the back office shares no resource, random
stream or ticket number with the front (its draws are made up front,
:mod:`sim.engine.case_draws`). On the SimPy engine's one calendar its events only take
insertion numbers between the hall's, which changes no order among the hall's own events;
and every window is off duty once the hall's events are over (the last closing is on the
calendar), so the back office's later events change no duty interval either. So the front
runs alone on the compiled loop, then the cases are played after it: the SimPy engine's
own :class:`~sim.engine.cases.CaseFlow` keeps their books (tickets moved, lost, the case
and kind columns, the case table), and the back office runs compiled
(:mod:`sim.engine.fast.backoffice`, :class:`~sim.engine.backoffice.BackOffice` step for
step) from every service end of a case's ticket at its time, in the order the front took
them.

The one order a post-pass cannot know: a service end and a back-office event due at the
very same time (the hall's calendar orders them by when each was scheduled). Continuous
draws make that a measure-zero event; where it happens the replication is run again on
the SimPy engine (:func:`run_fast_cases` says so in :attr:`FastCases.simpy`), so the
result is the SimPy engine's in every case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from sim.engine.arrivals import Customers
from sim.engine.backoffice import BackOffice, stage_utilisation
from sim.engine.case_draws import CaseDraws, draw_cases, route_key
from sim.engine.cases import COMPLETE, CaseFlow
from sim.engine.core import Inject
from sim.engine.fast.routes import Routes
from sim.engine.fast.support import feedback
from sim.engine.layout import HallLayout
from sim.engine.records import ABANDONED, BALKED, KIND_JOURNEY, SERVED, Records
from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.model import Scenario


def _no_ticket(t: float, c: int, work: float, patience: float) -> int:
    raise AssertionError("a case flow without feedback took a ticket")


@dataclass(frozen=True)
class FastCases:
    """What :func:`run_fast_cases` returns: the records (without the flow's columns, as
    the SimPy engine's ``hall.run`` returns them), the flow, and whether a same-time tie
    between a service end and the back office sent the replication to the SimPy engine."""

    records: Records
    flow: CaseFlow
    simpy: bool = False


class _RanBackOffice(BackOffice):
    """The back office after :func:`~sim.engine.fast.backoffice.run_backoffice`: its jobs
    (rows ``stage, working-minute start, work``, in the order they started) for the
    stage figures."""

    def __init__(self, office: BackOffice, jobs: np.ndarray) -> None:
        self.names, self.counts, self.hours = office.names, office.counts, office.hours
        self.table = jobs

    def utilisation(self, w_from: float, w_to: float) -> dict[str, dict[str, float]]:
        return stage_utilisation(self.names, self.counts, self.table, w_from, w_to)


def _moves(records: Records, flow: CaseFlow) -> None:
    """The wrong tickets turned away: each case moves to its customer's next ticket, as
    the door tells the flow (before anything is served: the flow's bookkeeping only)."""
    customer = records.extra.get("customer")
    if customer is None:
        return
    n_first = int(np.count_nonzero(np.arange(len(customer)) == customer))
    last: dict[int, int] = {}
    for j, c in enumerate(customer[n_first:].tolist(), start=n_first):
        if c < 0:  # a journey's ticket: of no customer
            continue
        i = last.get(c, c)
        if flow.owns(i):
            flow.moved(i, j)
        last[c] = j


@dataclass(frozen=True)
class _Office:
    """The back office's inputs per case: whether it goes there, its route's root, its
    route's counters (``frame[c]:frame[c + 1]``) and its works (from ``work[c]``)."""

    goes: np.ndarray
    root: np.ndarray
    frame: np.ndarray
    work: np.ndarray
    works: np.ndarray
    routes: Routes
    per_stage: np.ndarray  # jobs each stage may get (room for its queue)

    @classmethod
    def of(cls, scenario: Scenario, draws: CaseDraws) -> _Office:
        n = len(draws.first_ticket)
        assert scenario.backoffice is not None
        goes = np.zeros(n, dtype=bool)
        root = np.full(n, -1, dtype=np.int64)
        size = np.zeros(n, dtype=np.int64)
        width = np.zeros(n, dtype=np.int64)
        rows_of: list[tuple[np.ndarray, np.ndarray]] = []  # (cases, their works)
        routes = Routes()
        n_stages = len(scenario.backoffice.stages)
        per_stage = np.zeros(n_stages, dtype=np.int64)
        online = draws.online if draws.online is not None else np.zeros(n, dtype=bool)
        known: dict[str, int] = {}
        for k, d in draws.by_category.items():
            name = draws.names[k]
            bo = scenario.categories[name].backoffice
            if bo is None or d.bo_u is None:
                continue
            mine = np.flatnonzero(draws.case_category == k)
            row = draws.case_row[mine]
            mine, row = mine[d.bo_u[row] < bo.share], row[d.bo_u[row] < bo.share]
            goes[mine] = True
            assert d.stage_work is not None
            own = (route_key(scenario, name), draws.route(name)[0], d.stage_work)
            choices = [own]
            online_node = draws.online_route(name)
            if online_node is not None and d.online_work is not None:
                choices.append(("online@" + name, online_node, d.online_work))
            for ci, (key, node, table) in enumerate(choices):
                if len(choices) == 1:
                    pick = np.ones(len(mine), dtype=bool)
                else:
                    pick = online[mine] if ci == 1 else ~online[mine]
                cases, rows = mine[pick], row[pick]
                if key not in known:
                    known[key] = routes.add(node)
                r = known[key]
                nodes = routes.size(r)
                root[cases], size[cases], width[cases] = r, nodes, table.shape[1]
                rows_of.append((cases, table[rows]))
                per_stage += len(cases) * np.bincount(routes.stages(r), minlength=n_stages)
        frame = np.zeros(n + 1, dtype=np.int64)
        frame[1:] = np.cumsum(size)
        work = np.zeros(n + 1, dtype=np.int64)
        work[1:] = np.cumsum(width)
        works = np.zeros(int(work[-1]))
        for cases, table in rows_of:
            if table.shape[1]:
                at = work[cases][:, None] + np.arange(table.shape[1])
                works[at.ravel()] = table.ravel()
        return cls(goes, root, frame, work, works, routes, per_stage)


def _play(records: Records, rank: np.ndarray, flow: CaseFlow, scenario: Scenario,
          draws: CaseDraws) -> bool:
    """Play the flow's tickets' fates: wrong tickets moved, tickets abandoned or balked
    lost, the served ones accepted at their service end in the front's order ``rank``
    (online applications at their time first, as the flow scheduled them), into the
    compiled back office or done at once; the results then posted or handed over as
    :meth:`~sim.engine.cases.CaseRunner.visit_done` does. False if a service end and an
    event of the back office fell due at the same time (the order is then unknown)."""
    _moves(records, flow)
    owners = flow.owners
    owned = np.array(sorted(i for i, (kind, _c, _v) in owners.items()
                            if kind != KIND_JOURNEY), dtype=np.int64)
    outcome = records.outcome[owned]
    for i in owned[(outcome == ABANDONED) | (outcome == BALKED)].tolist():
        flow.left(i)
    served = owned[outcome == SERVED]
    served = served[np.argsort(rank[served], kind="stable")]
    ends = records.end[served]
    cs = flow.cases
    online = np.flatnonzero(draws.first_ticket < 0)
    first = draws.first_arrival[online].astype(np.float64)
    case = np.concatenate((online, np.array([owners[i][1] for i in served.tolist()],
                                            dtype=np.int64)))
    when = np.concatenate((np.where(first > 0, first, 0.0), ends))
    cs.accepted[case] = when
    office = _Office.of(scenario, draws) if scenario.backoffice is not None else None
    via = office.goes[case] if office is not None else np.zeros(len(case), dtype=bool)
    done = case[~via]  # accepted, nothing behind the window: done at once
    cs.result[done] = when[~via]
    cs.status[done] = COMPLETE
    cs.received[done] = when[~via] + 0.0
    if office is None or not via.any():
        return True
    from sim.engine.fast.backoffice import run_backoffice

    cs.bo_in[case[via]] = when[via]
    hours = cs.bo_hours
    assert cs.backoffice is not None
    q_off = np.zeros(len(office.per_stage) + 1, dtype=np.int64)
    q_off[1:] = np.cumsum(office.per_stage)
    kind, stage, occ, parent, child_ptr, children = office.routes.arrays()
    out, j_stage, jobs, due = run_backoffice(
        when[via], case[via], int(np.count_nonzero(via[:len(online)] & (first <= 0))),
        kind, stage, occ, parent, child_ptr, children, office.root, office.frame,
        office.works, office.work, np.array(cs.backoffice.counts, dtype=np.int64), q_off,
        hours.starts.astype(np.float64), hours.ends.astype(np.float64),
        hours.cum.astype(np.float64), float(hours.per_day))
    entered = case[via]
    t = out[entered]
    cs.result[entered] = t
    cs.bo_out[entered] = t
    cs.status[entered] = COMPLETE
    cs.received[entered] = t + _post_delay(scenario, draws, entered)
    cs.backoffice = _RanBackOffice(cs.backoffice, np.column_stack(
        (j_stage.astype(np.float64), jobs)).reshape(-1, 3))
    return not np.isin(due, ends).any()


def _post_delay(scenario: Scenario, draws: CaseDraws, cases: np.ndarray) -> np.ndarray:
    """Minutes from a back-office result to its receipt: the post's delay in working days
    (every clock day a working day) where the category posts it, else none."""
    delay = np.zeros(len(cases))
    for k, d in draws.by_category.items():
        if scenario.categories[draws.names[k]].delivery is None or d.post_delay is None:
            continue
        mine = draws.case_category[cases] == k
        delay[mine] = d.post_delay[draws.case_row[cases[mine]]] * MINUTES_PER_DAY
    return delay


def _journeys(records: Records, rank: np.ndarray, tickets: np.ndarray, flow: CaseFlow
              ) -> None:
    """Play the journeys' books on the SimPy engine's own runner: the journey tickets
    (``tickets``) served, in the order the front took their service ends (each asks for
    the next step's ticket, which :class:`~sim.engine.fast.journeys.TicketReplay` hands
    it from the loop's, and owns it before it is served), then those abandoned or balked
    lost."""
    outcome = records.outcome[tickets]
    served = tickets[outcome == SERVED]
    for i in served[np.argsort(rank[served], kind="stable")].tolist():
        flow.served(i, float(records.arrival[i]), float(records.end[i]))
    for i in tickets[(outcome == ABANDONED) | (outcome == BALKED)].tolist():
        flow.left(i)


def run_fast_cases(scenario: Scenario, layout: HallLayout, customers: Customers, seed: int,
                   replication: int, draws: CaseDraws | None = None) -> FastCases:
    """Replication ``replication`` of ``scenario`` (``customers`` drawn from ``seed``):
    the front on the fast engine with its journeys, then its cases (back office, posted
    results, online applications) after it; what the SimPy engine's ``Hall`` with a
    ``CaseFlow`` gives. The scenario must not feed back into the front otherwise
    (:func:`~sim.engine.fast.support.feedback`). ``draws``: the cases' and journeys'
    draws (``None``: :func:`~sim.engine.case_draws.draw_cases` of the seed, as a run
    draws them)."""
    from sim.engine.fast.engine import run_front
    from sim.engine.fast.journeys import JourneySteps, TicketReplay

    field = feedback(scenario)
    if field is not None:
        raise ValueError(f"'{field}' feeds back into the front: the SimPy engine runs it")
    if draws is None:
        draws = draw_cases(scenario, customers, seed, replication)
    steps = JourneySteps.of(scenario, layout, draws.journeys) if scenario.journeys else None
    front = run_front(layout, customers, scenario.hall.days, steps)
    records, rank = front.records, front.rank
    # the flow's calendar is never run: what it would do there is played here; the
    # tickets its journeys take are the loop's
    inject: Inject = _no_ticket
    replay = tickets = None
    if front.journey is not None and front.work is not None:
        tickets = np.flatnonzero(front.journey >= 0)
        inject = replay = TicketReplay(tickets, records.arrival, records.category, front.work)
    flow = CaseFlow(scenario, draws, simpy.Environment(), inject)
    if replay is not None and tickets is not None:
        _journeys(records, rank, tickets, flow)
        if not replay.done():
            raise AssertionError("the fast loop took journey tickets the flow did not")
    if _play(records, rank, flow, scenario, draws):
        return FastCases(records, flow)
    from sim.engine.hall import Hall

    hall = Hall(layout, customers)
    flow = CaseFlow(scenario, draws, hall.env, hall.inject)
    return FastCases(hall.run(scenario.hall.days, flow), flow, simpy=True)
