"""Customers walking from the seats to the window that called them (issue 18).

When the scenario's ``layout`` turns walking on (``layout.walking``), a called customer
takes the walking time from the middle of the item's waiting area to the window
(:func:`sim.scenario.layout.walk_to_window_minutes`) before the service starts; the
window is occupied meanwhile. The records gain ``start`` (service start) and
``walking`` (``start - call``) columns. Without walking the part is not built, so the
hall runs exactly as before.
"""

from __future__ import annotations

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.core import HallCore, Mechanism
from sim.engine.layout import HallLayout
from sim.engine.records import Records


class Walking(Mechanism):
    """The walk between the call and the start of service, per item and window."""

    __slots__ = ("_walk", "_start", "_category")

    def __init__(self, walk: tuple[tuple[float, ...], ...]) -> None:
        self._walk = walk
        self._start: dict[int, float] = {}

    @classmethod
    def build(cls, layout: HallLayout, customers: Customers) -> Walking | None:
        """The part, or None when nobody walks (no layout, or walking off)."""
        return cls(layout.walk) if layout.walk is not None else None

    def attach(self, hall: HallCore) -> None:
        """Keep the tickets' categories (a growable column: tickets added later too)."""
        self._category = hall.tickets.category

    def lead(self, w: int, i: int, now: float) -> float:
        """Ticket ``i``'s walk to window ``w``, minutes; its service starts after it."""
        minutes = self._walk[self._category[i]][w]
        self._start[i] = now + minutes
        return minutes

    def finish(self, records: Records) -> Records:
        """The records with ``start`` and ``walking`` (NaN for tickets never called)."""
        start = np.full(len(records), np.nan)
        if self._start:
            start[list(self._start)] = list(self._start.values())
        return records.with_columns({"start": start, "walking": start - records.call})
