"""Appointments' part in the hall: which first tickets are booked ones, and their slots.

Booked customers come at their slots (:mod:`sim.engine.appointments` draws it with the
customers); their tickets join the queues of their booked priority level like any other.
Record columns: ``booked`` (1 for a booked customer's first ticket) and ``slot`` (the
booked slot's time, NaN for other tickets).
"""

from __future__ import annotations

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.core import Mechanism
from sim.engine.layout import HallLayout
from sim.engine.records import Records


class BookedTickets(Mechanism):
    """The ``booked`` and ``slot`` record columns."""

    __slots__ = ("_booked", "_slot")

    @classmethod
    def build(cls, layout: HallLayout, customers: Customers) -> BookedTickets | None:
        """The part, if some customer booked an appointment."""
        return cls() if customers.booked is not None else None

    def tickets(self, first: Customers) -> Customers:
        """Keep who of the customers taking tickets booked, and their slots."""
        assert first.booked is not None and first.slot is not None
        self._booked, self._slot = first.booked, first.slot
        return first

    def finish(self, records: Records) -> Records:
        """The records with the ``booked`` and ``slot`` columns (first tickets only)."""
        n, n_first = len(records), len(self._booked)
        booked = np.zeros(n, dtype=np.int8)
        slot = np.full(n, np.nan)
        booked[:n_first], slot[:n_first] = self._booked, self._slot
        return records.with_columns({"booked": booked, "slot": slot})
