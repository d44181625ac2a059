"""The hall: the core (:class:`~sim.engine.core.HallCore`) with the mechanisms the
customers call for (:data:`sim.engine.parts.PARTS`).

:class:`Hall` is what a run builds: ``Hall(layout, customers)``, optionally joined by a
flow (cases and journeys) through ``hall.env`` and :meth:`~HallCore.inject`, then
``hall.run(days, flow)`` returns the :class:`~sim.engine.records.Records`.
:func:`run_hall` does it for a hall alone. The layout (:class:`HallLayout`) is compiled
from the scenario in :mod:`sim.engine.layout`.
"""

from __future__ import annotations

from sim.engine.arrivals import Customers
from sim.engine.core import HallCore, Inject, TicketFlow, TraceRow
from sim.engine.layout import HallLayout
from sim.engine.parts import build_parts
from sim.engine.records import Records

__all__ = ["Hall", "HallLayout", "Inject", "TicketFlow", "TraceRow", "run_hall"]


class Hall(HallCore):
    """One replication of the hall with its mechanisms: built, optionally joined by a
    flow, run once (see :class:`~sim.engine.core.HallCore`)."""

    __slots__ = ()

    def __init__(self, layout: HallLayout, customers: Customers,
                 trace: list[TraceRow] | None = None) -> None:
        parts, first = build_parts(layout, customers)
        super().__init__(layout, first, parts, trace)


def run_hall(layout: HallLayout, customers: Customers, days: int,
             trace: list[TraceRow] | None = None) -> Records:
    """Simulate one replication of the hall alone (no cases or journeys).

    ``trace``, if a list is given, receives the event log as tuples
    ``(time, event, ticket, window)`` with events ``arrive``, ``call``, ``end``,
    ``abandon``, ``balk``, ``staff`` (ticket = -1, window = group's staffed count),
    in time order (an abandonment at its deadline, though found later).
    """
    return Hall(layout, customers, trace).run(days)
