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
runs alone on the compiled loop, then the case flow (the SimPy engine's own
:class:`~sim.engine.cases.CaseFlow` and :class:`~sim.engine.backoffice.BackOffice`) is
played on a calendar of its own: every service end of a case's ticket at its time, in
the order the front took them.

The one order a post-pass cannot know: a service end and a back-office event due at the
very same time (the hall's calendar orders them by when each was scheduled). Continuous
draws make that a measure-zero event; where it happens the replication is run again on
the SimPy engine (:func:`run_fast_cases` says so in :attr:`FastCases.simpy`), so the
result is the SimPy engine's in every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import simpy
from simpy.events import NORMAL, EventPriority

from sim.engine.arrivals import Customers
from sim.engine.case_draws import draw_cases
from sim.engine.cases import CaseFlow
from sim.engine.fast.support import feedback
from sim.engine.layout import HallLayout
from sim.engine.records import ABANDONED, BALKED, SERVED, Records
from sim.scenario.model import Scenario


class _Calendar(simpy.Environment):
    """A SimPy calendar that keeps the due time of every event scheduled once ``due`` is
    a list (the back office's, after the service ends are on it)."""

    def __init__(self) -> None:
        super().__init__()
        self.due: list[float] | None = None

    def schedule(self, event: simpy.Event, priority: EventPriority = NORMAL,
                 delay: float = 0) -> None:
        if self.due is not None:
            self.due.append(self._now + delay)
        super().schedule(event, priority, delay)


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


def _served(flow: CaseFlow, i: int, arrival: float, end: float, _ev: simpy.Event) -> None:
    flow.served(i, arrival, end)


def _moves(records: Records, flow: CaseFlow) -> None:
    """The wrong tickets turned away: each case moves to its customer's next ticket, as
    the door tells the flow (before anything is served: the flow's bookkeeping only)."""
    customer = records.extra.get("customer")
    if customer is None:
        return
    n_first = int(np.count_nonzero(np.arange(len(customer)) == customer))
    added = np.arange(n_first, len(customer))
    if not len(added):
        return
    last: dict[int, int] = {}
    for j, c in zip(added.tolist(), customer[n_first:].tolist(), strict=True):
        i = last.get(c, c)
        if flow.owns(i):
            flow.moved(i, j)
        last[c] = j


def replay(records: Records, rank: np.ndarray, flow: CaseFlow, env: _Calendar) -> bool:
    """Play the flow's tickets' fates on its own calendar ``env``: wrong tickets moved,
    tickets abandoned or balked lost, the served ones told at their service end in the
    front's order ``rank``; run the calendar. False if a service end and an event of
    the back office fell due at the same time (the order is then unknown)."""
    _moves(records, flow)
    owned = np.array(sorted(flow.owners), dtype=np.int64)
    outcome = records.outcome[owned]
    for i in owned[(outcome == ABANDONED) | (outcome == BALKED)].tolist():
        flow.left(i)
    served = owned[outcome == SERVED]
    served = served[np.argsort(rank[served], kind="stable")]
    ends = records.end[served]
    for i, arrival, end in zip(served.tolist(), records.arrival[served].tolist(),
                               ends.tolist(), strict=True):
        ev = simpy.Timeout(env, end)  # due at 0.0 + end: the service end's own double
        ev.callbacks.append(partial(_served, flow, i, arrival, end))
    env.due = []
    env.run()
    return not np.isin(np.asarray(env.due), ends).any()


def run_fast_cases(scenario: Scenario, layout: HallLayout, customers: Customers, seed: int,
                   replication: int) -> FastCases:
    """Replication ``replication`` of ``scenario`` (``customers`` drawn from ``seed``):
    the front on the fast engine, then its cases (back office, posted results, online
    applications) after it; what the SimPy engine's ``Hall`` with a ``CaseFlow`` gives.
    The scenario must not feed back into the front (:func:`~sim.engine.fast.support.
    feedback`)."""
    from sim.engine.fast.engine import run_front

    field = feedback(scenario)
    if field is not None:
        raise ValueError(f"'{field}' feeds back into the front: the SimPy engine runs it")
    draws = draw_cases(scenario, customers, seed, replication)
    records, rank = run_front(layout, customers, scenario.hall.days)
    env = _Calendar()
    flow = CaseFlow(scenario, draws, env, _no_ticket)
    if replay(records, rank, flow, env):
        return FastCases(records, flow)
    from sim.engine.hall import Hall

    hall = Hall(layout, customers)
    flow = CaseFlow(scenario, draws, hall.env, hall.inject)
    return FastCases(hall.run(scenario.hall.days, flow), flow, simpy=True)
