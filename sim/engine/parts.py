"""The hall's mechanisms, registered: one line each in :data:`PARTS`.

A part is a :class:`~sim.engine.core.Mechanism` built by its factory from the compiled
layout and the replication's customers (``None``: the scenario does not use it). The
order of :data:`PARTS` is the order in which the parts' hooks run and in which their
record columns follow the contract's columns.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.engine.arrivals import Customers
from sim.engine.booked_tickets import BookedTickets
from sim.engine.break_duty import BreakDuty
from sim.engine.core import Mechanism
from sim.engine.door_tickets import DoorTickets
from sim.engine.kiosk_users import KioskUsers
from sim.engine.layout import HallLayout
from sim.engine.reached import ReachedTickets
from sim.engine.ticket_priority import TicketPriority
from sim.engine.walking import Walking

#: ``factory(layout, customers) -> part or None``
PartFactory = Callable[[HallLayout, Customers], Mechanism | None]

PARTS: tuple[PartFactory, ...] = (
    BreakDuty.build,
    ReachedTickets.build,
    TicketPriority.build,
    BookedTickets.build,
    DoorTickets.build,
    KioskUsers.build,
    Walking.build,
)


def build_parts(layout: HallLayout, customers: Customers
                ) -> tuple[tuple[Mechanism, ...], Customers]:
    """The parts a replication's customers call for, and the first tickets: the
    customers who take one (:meth:`~sim.engine.arrivals.Customers.in_hall`), as the
    parts shape them."""
    parts = tuple(p for build in PARTS if (p := build(layout, customers)) is not None)
    first = customers.in_hall()
    for part in parts:
        first = part.tickets(first)
    return parts, first
