"""The hall's end of run: tickets still queued are settled and the records assembled.

:class:`HallRecording` is mixed into :class:`~sim.engine.hall.Hall`; it turns the
ticket table, the duty log and the mechanisms' bookkeeping into
:class:`~sim.engine.records.Records`, with the extra columns of the mechanisms present.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.door import Door
from sim.engine.records import Records

if TYPE_CHECKING:
    from sim.engine.hall import CategoryQueue, DutyLog, HallLayout, Tickets
    from sim.engine.kiosks import KioskSessions


def _column(values: array[float] | array[int], dtype: type) -> np.ndarray:
    """A ticket column (a typed array) as a numpy array: a copy of its buffer."""
    return np.array(values, dtype=dtype)


class HallRecording:
    """The hall's part that closes a run and assembles its :class:`Records`.

    Mixed into :class:`~sim.engine.hall.Hall`, which owns the state read here (declared
    below for the type checker).
    """

    __slots__ = ()

    layout: HallLayout
    tickets: Tickets
    queues: list[CategoryQueue]
    _duty: DutyLog
    _kiosk: KioskSessions | None
    _reached: dict[int, float]
    _booked: tuple[np.ndarray, np.ndarray | None] | None
    _n_first: int
    _door: Door | None
    _first: Customers
    _customer_of: dict[int, int]
    _requeued_wrong: set[int]

    if TYPE_CHECKING:
        def _abandon(self, i: int) -> None: ...

    def _close_run(self) -> None:
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

    def _records(self) -> Records:
        layout, t = self.layout, self.tickets
        return Records(
            category_names=layout.category_names,
            window_names=layout.window_names,
            group_names=layout.group_names,
            window_group=layout.window_group,
            arrival=_column(t.arrival, np.float64),
            category=_column(t.category, np.int32),
            call=_column(t.call, np.float64),
            end=_column(t.end, np.float64),
            window=_column(t.window, np.int32),
            outcome=_column(t.outcome, np.int8),
            duty=self._duty.table(),
            extra=self._extra_columns(),
            kiosk=self._kiosk,
        )

    def _extra_columns(self) -> dict[str, np.ndarray]:
        """Record columns of the mechanisms present: ``priority`` (each ticket's level);
        with a door, ``customer`` (the customer who came through the door, -1 for
        other tickets), ``wrong`` (1 for a wrong ticket), ``door`` (the customer's
        arrival at the door) and ``guide_call`` (when a guide started with them); with
        appointments, ``booked`` (1 for a booked customer's first ticket) and ``slot``; with
        patience, ``reached`` (when a window reached an abandoned ticket, NaN otherwise)."""
        out = {}
        if self._reached or self.tickets.impatient:
            reached = np.full(len(self.tickets), np.nan)
            reached[list(self._reached)] = list(self._reached.values())
            out["reached"] = reached
        queue_of = self.layout.queue_of
        if queue_of is not None:
            level_of = {q: lv for levels in queue_of for lv, q in levels.items()}
            out["priority"] = np.array([level_of[q] for q in self.tickets.queue], dtype=np.int8)
        if self._booked is not None:  # appointments: first tickets of booked customers
            booked = np.zeros(len(self.tickets), dtype=np.int8)
            slot = np.full(len(self.tickets), np.nan)
            booked[:self._n_first], slot[:self._n_first] = self._booked
            out["booked"], out["slot"] = booked, slot
        door = self._door
        if door is not None:
            n = len(self.tickets)
            customer = np.full(n, -1, dtype=np.int64)
            customer[:self._n_first] = np.arange(self._n_first)
            for j, c in self._customer_of.items():
                customer[j] = c
            wrong = np.zeros(n, dtype=np.int8)
            wrong[:self._n_first] = door.wrong > 0
            for j in self._customer_of:  # re-queued: wrong if another wrong one was due
                wrong[j] = j in self._requeued_wrong
            with_door = customer >= 0
            out["wrong"] = wrong
            out["door"] = np.where(with_door, self._first.arrival[np.maximum(customer, 0)],
                                   np.nan)
            out["guide_call"] = np.where(with_door, door.guide_call[np.maximum(customer, 0)],
                                         np.nan)
            out["customer"] = customer
        return out
