"""The door's part in the hall: tickets taken after the guide desk, and wrong tickets.

The door's draws (:class:`~sim.engine.door.Door`) are made with the customers; here a
customer takes their first ticket at their ticket time, for the wrong category if they
take wrong tickets; a window that serves a wrong ticket turns the customer away, and
they take the next ticket at once (wrong again while wrong tickets remain, else the
right one). Record columns: ``customer`` (the customer who came through the door, -1
for other tickets), ``wrong`` (1 for a wrong ticket), ``door`` (the customer's arrival
at the door) and ``guide_call`` (when a guide started with them).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.core import HallCore, Mechanism
from sim.engine.door import Door
from sim.engine.layout import HallLayout
from sim.engine.records import Records


def first_tickets(customers: Customers, door: Door) -> Customers:
    """Each customer's first ticket: taken at its ticket time (after the guide desk);
    a wrong one queues for its wrong category and takes its first turn-away time."""
    category = np.where(door.wrong > 0, door.wrong_to, customers.category).astype(np.int32)
    work = customers.work.copy()
    for i, times in door.turn_away.items():
        work[i] = times[0]
    return dataclasses.replace(customers, arrival=door.ticket, category=category, work=work)


class DoorTickets(Mechanism):
    """Wrong tickets turned away and taken again; the door's record columns."""

    __slots__ = ("_hall", "_door", "_first", "_wrong", "_customer_of", "_requeued_wrong")

    def __init__(self) -> None:
        self._wrong: dict[int, int] = {}  # wrong ticket -> how many the customer took so far
        self._customer_of: dict[int, int] = {}  # re-queued ticket -> its customer
        self._requeued_wrong: set[int] = set()  # re-queued tickets that are wrong again

    @classmethod
    def build(cls, layout: HallLayout, customers: Customers) -> DoorTickets | None:
        """The part, if the scenario has a guide desk or wrong tickets."""
        return cls() if customers.door is not None else None

    def tickets(self, first: Customers) -> Customers:
        """First tickets at the ticket times, wrong ones for their wrong category."""
        door = first.door
        assert door is not None
        self._door, self._first = door, first
        self._wrong = {i: 1 for i in np.flatnonzero(door.wrong > 0).tolist()}
        return first_tickets(first, door)

    def attach(self, hall: HallCore) -> None:
        """Keep the hall (tickets are added to it and admitted)."""
        self._hall = hall

    def served(self, i: int, w: int, now: float) -> bool:
        """A wrong ticket served: the customer is turned away and takes the next."""
        if self._wrong and i in self._wrong:
            self._turned_away(i, now)
            return True
        return False

    def _turned_away(self, i: int, now: float) -> None:
        """Wrong ticket ``i`` was turned away at ``now``: its customer takes the next
        ticket at once (wrong again while wrong tickets remain, else the right one)."""
        hall, door, first = self._hall, self._door, self._first
        taken = self._wrong.pop(i)
        cust = self._customer_of.get(i, i)
        patience = float(first.patience[cust])
        if taken < int(door.wrong[cust]):
            j = hall.tickets.add(now, int(door.wrong_to[cust]),
                                 door.turn_away[cust][taken], patience)
            self._wrong[j] = taken + 1
            self._requeued_wrong.add(j)
        else:
            j = hall.tickets.add(now, int(first.category[cust]), float(first.work[cust]),
                                 patience)
        self._customer_of[j] = cust
        if hall.log:
            hall.log((now, "turned_away", i, -1))
        flow = hall.flow
        if flow is not None and flow.owns(i):
            flow.moved(i, j)
        hall.admit(j, now)

    def finish(self, records: Records) -> Records:
        """The records with the door's columns."""
        n, n_first = len(records), len(self._first)
        customer = np.full(n, -1, dtype=np.int64)
        customer[:n_first] = np.arange(n_first)
        for j, c in self._customer_of.items():
            customer[j] = c
        wrong = np.zeros(n, dtype=np.int8)
        wrong[:n_first] = self._door.wrong > 0
        for j in self._customer_of:  # re-queued: wrong if another wrong one was due
            wrong[j] = j in self._requeued_wrong
        # other tickets (a journey's) read the NaN after the customers' times
        return records.with_columns({
            "wrong": wrong,
            "door": np.append(self._first.arrival, np.nan)[customer],
            "guide_call": np.append(self._door.guide_call, np.nan)[customer],
            "customer": customer,
        })
