"""When a window reached a ticket whose holder had gone (过号): the ``reached`` column.

A ticket abandons at its deadline, but the queue system learns it only when a window
calls its number and nobody comes; that moment is kept for every ticket it happened to
(NaN for the others). The column is recorded whenever some ticket was impatient.
"""

from __future__ import annotations

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.core import HallCore, Mechanism
from sim.engine.layout import HallLayout
from sim.engine.records import Records
from sim.engine.tickets import Tickets


class ReachedTickets(Mechanism):
    """The ``reached`` record column."""

    __slots__ = ("_reached", "_tickets")

    def __init__(self) -> None:
        self._reached: dict[int, float] = {}

    @classmethod
    def build(cls, layout: HallLayout, customers: Customers) -> ReachedTickets:
        """The part (every hall has it: tickets added during a run may be impatient)."""
        return cls()

    def attach(self, hall: HallCore) -> None:
        """Keep the ticket table (whether any ticket was impatient is known at the end)."""
        self._tickets: Tickets = hall.tickets

    def reached(self, i: int, now: float) -> None:
        """Ticket ``i`` was reached at ``now``."""
        self._reached[i] = now

    def finish(self, records: Records) -> Records:
        """The records with the ``reached`` column, if some ticket was impatient."""
        if not (self._reached or self._tickets.impatient):
            return records
        reached = np.full(len(records), np.nan)
        reached[list(self._reached)] = list(self._reached.values())
        return records.with_columns({"reached": reached})
