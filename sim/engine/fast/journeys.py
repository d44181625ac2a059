"""Journeys on the fast engine: each step a ticket, the next one taken when the last is
served, in the compiled loop (:func:`~sim.engine.fast.loop.run_loop`), as the SimPy
engine's :class:`~sim.engine.cases.JourneyRunner` takes them.

:class:`JourneySteps` lays the journeys' draws (:func:`~sim.engine.case_draws.
draw_journeys`) out for the loop: one row per step of every journey, the first steps'
tickets numbered after the hall's first tickets in the order the runner injects them (by
start time, a stable sort). After the run the runner's own books (each journey's tickets,
days in the hall, end and status) are kept by the SimPy engine's code, replayed on the
tickets the loop took (:class:`TicketReplay`): every step the runner would inject is the
loop's next journey ticket, checked field by field.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.case_draws import JourneyDraws
from sim.engine.fast.tables import base_queues
from sim.engine.layout import HallLayout
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class JourneySteps:
    """The journeys of one replication for the loop: ``order`` (the journeys by start
    time: the ``k``-th first step is ticket ``n_first + k``), ``start`` (per journey),
    and per step row (journey ``j``: rows ``ptr[j]:ptr[j + 1]``) the category, work,
    patience and queue; the hall's opening periods (minutes after midnight)."""

    order: np.ndarray
    start: np.ndarray
    ptr: np.ndarray
    category: np.ndarray
    work: np.ndarray
    patience: np.ndarray
    queue: np.ndarray
    open_start: np.ndarray
    open_end: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario, layout: HallLayout, draws: JourneyDraws) -> JourneySteps:
        """The steps of the journeys ``draws`` drew for ``scenario`` on ``layout``."""
        index = {c: k for k, c in enumerate(layout.category_names)}
        steps = [[index[s] for s in scenario.journeys[name].steps] for name in draws.names]
        kind = np.asarray(draws.kind, dtype=np.int64)
        local = np.asarray(draws.local, dtype=np.int64)
        length = np.array([len(s) for s in steps], dtype=np.int64)[kind] if len(kind) \
            else np.zeros(0, dtype=np.int64)
        ptr = np.zeros(len(kind) + 1, dtype=np.int64)
        ptr[1:] = np.cumsum(length)
        rows = int(ptr[-1])
        category = np.zeros(rows, dtype=np.int32)
        work = np.zeros(rows)
        patience = np.zeros(rows)
        for jt, cats in enumerate(steps):
            mine = np.flatnonzero(kind == jt)
            if not len(mine):
                continue
            at = (ptr[mine][:, None] + np.arange(len(cats))).ravel()
            category[at] = np.tile(np.array(cats, dtype=np.int32), len(mine))
            work[at] = draws.work[jt][local[mine]].ravel()
            patience[at] = draws.patience[jt][local[mine]].ravel()
        periods = scenario.hall.periods
        return cls(order=np.argsort(draws.times, kind="stable").astype(np.int64),
                   start=np.asarray(draws.times, dtype=np.float64), ptr=ptr,
                   category=category, work=work, patience=patience,
                   queue=base_queues(layout)[category],
                   open_start=np.array([s for s, _ in periods], dtype=np.float64),
                   open_end=np.array([e for _, e in periods], dtype=np.float64))

    def __len__(self) -> int:
        return len(self.order)

    def first_tickets(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                     np.ndarray]:
        """The first steps' tickets in ticket order: time, category, work, deadline (time
        plus patience, as :meth:`~sim.engine.tickets.Tickets.add`) and queue."""
        row = self.ptr[:-1][self.order]
        t = self.start[self.order]
        return t, self.category[row], self.work[row], t + self.patience[row], self.queue[row]


class TicketReplay:
    """An ``inject`` for the SimPy engine's :class:`~sim.engine.cases.CaseFlow` after the
    fast loop: each ticket its journeys ask for is the loop's next journey ticket
    (``tickets``, in ticket order), which must have the time, category and work asked
    for (an :class:`AssertionError` otherwise: the two engines would differ)."""

    def __init__(self, tickets: np.ndarray, arrival: np.ndarray, category: np.ndarray,
                 work: np.ndarray) -> None:
        self._tickets = tickets.tolist()
        self._arrival, self._category, self._work = arrival, category, work
        self._next = 0

    def __call__(self, t: float, c: int, work: float, patience: float) -> int:
        """The ticket of category ``c`` taken at ``t`` the loop took."""
        k = self._next
        if k >= len(self._tickets):
            raise AssertionError(f"the flow took a ticket at {t} the fast loop did not")
        i = self._tickets[k]
        self._next = k + 1
        if (self._arrival[i] != t or self._category[i] != c or self._work[i] != work):
            raise AssertionError(f"ticket {i}: the flow took ({t}, {c}, {work}), the fast "
                                 f"loop ({self._arrival[i]}, {self._category[i]}, "
                                 f"{self._work[i]})")
        return int(i)

    def done(self) -> bool:
        """Whether every journey ticket of the loop was asked for."""
        return self._next == len(self._tickets)
