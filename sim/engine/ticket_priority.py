"""Priority classes' part in the hall: the ``priority`` record column (each ticket's level).

The queues of the levels and the call order over them are the layout's
(:class:`~sim.engine.layout.HallLayout` ``queue_of``); this part only records the level
of the queue each ticket joined.
"""

from __future__ import annotations

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.core import HallCore, Mechanism
from sim.engine.layout import HallLayout
from sim.engine.records import Records
from sim.engine.tickets import Tickets


class TicketPriority(Mechanism):
    """The ``priority`` record column."""

    __slots__ = ("_level_of", "_tickets")

    def __init__(self, queue_of: tuple[dict[int, int], ...]) -> None:
        self._level_of = {q: lv for levels in queue_of for lv, q in levels.items()}

    @classmethod
    def build(cls, layout: HallLayout, customers: Customers) -> TicketPriority | None:
        """The part, if the scenario has priority classes."""
        return cls(layout.queue_of) if layout.queue_of is not None else None

    def attach(self, hall: HallCore) -> None:
        """Keep the ticket table (the queue each ticket joined)."""
        self._tickets: Tickets = hall.tickets

    def finish(self, records: Records) -> Records:
        """The records with the ``priority`` column."""
        level_of = self._level_of
        return records.with_columns({"priority": np.array(
            [level_of[q] for q in self._tickets.queue], dtype=np.int8)})
