"""Kiosks' part in the hall: the kiosk sessions of the replication, in its records.

Kiosk users are settled with the customers (:mod:`sim.engine.kiosks`): those who finish
at a kiosk take no ticket, those who cannot take one at the end of their session
(:meth:`~sim.engine.arrivals.Customers.in_hall`). The hall only hands the sessions on,
as :attr:`Records.kiosk <sim.engine.records.Records.kiosk>`.
"""

from __future__ import annotations

import dataclasses

from sim.engine.arrivals import Customers
from sim.engine.core import Mechanism
from sim.engine.kiosks import KioskSessions
from sim.engine.layout import HallLayout
from sim.engine.records import Records


class KioskUsers(Mechanism):
    """The kiosk sessions, put in the records."""

    __slots__ = ("_sessions",)

    def __init__(self, sessions: KioskSessions) -> None:
        self._sessions = sessions

    @classmethod
    def build(cls, layout: HallLayout, customers: Customers) -> KioskUsers | None:
        """The part, if some customer uses a kiosk."""
        kiosk = customers.kiosk
        return cls(kiosk.sessions(customers.arrival, customers.category)) \
            if kiosk is not None else None

    def finish(self, records: Records) -> Records:
        """The records with the kiosk sessions."""
        return dataclasses.replace(records, kiosk=self._sessions)
