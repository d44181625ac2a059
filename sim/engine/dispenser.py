"""The ticket machine (取号机): hands the first tickets out at their ticket times.

Drawn customers take their tickets in ticket-time order (a door or kiosks may leave the
table unsorted: then in the order of a stable sort). One arrival event does it all: each
arrival schedules the same event again for the next ticket (``Environment.schedule``,
with the priority and delay a new ``Timeout`` would get, so the calendar's order is the
same), and keeps the time it is due, computed as the calendar does (now + delay), so
that the handler need not ask the environment for it.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import Protocol

import numpy as np
import simpy
from simpy.events import NORMAL


class Admits(Protocol):
    """Where the tickets go: the hall, which admits them."""

    def admit(self, i: int, now: float) -> None:
        """Ticket ``i`` arrives at ``now``."""
        ...


class TicketDispenser:
    """Hands ticket ``i`` to ``hall.admit(i, arrival[i])`` at that time, for each of the first
    tickets (``times``: their ticket times as an array); the first arrival is scheduled
    when the dispenser is made."""

    __slots__ = ("_schedule", "_arrival", "_order", "_n", "_next", "_clock", "_callbacks",
                 "_hall")

    def __init__(self, env: simpy.Environment, arrival: array[float], times: np.ndarray,
                 hall: Admits) -> None:
        self._schedule = env.schedule
        self._arrival = arrival
        self._n = n = len(times)
        self._next = 0
        self._hall = hall
        self._order: list[int] = [] if bool(np.all(times[1:] >= times[:-1])) else \
            np.argsort(times, kind="stable").tolist()
        self._callbacks: list[Callable[[simpy.Event], None]] = [
            self._on_arrival_in_order if self._order else self._on_arrival]
        self._clock = env.now
        if n:
            first = arrival[self._order[0] if self._order else 0]
            self._clock = env.now + first
            simpy.Timeout(env, first).callbacks = self._callbacks

    def _on_arrival(self, ev: simpy.Event) -> None:
        # tickets in index order, each scheduling the next (on the same event: it is done
        # with, and scheduled again exactly as a new Timeout would be)
        i = self._next
        self._next = i + 1
        arrival = self._arrival
        if i + 1 < self._n:
            ev.callbacks = self._callbacks
            clock = self._clock  # now: the time this event was scheduled for
            # (at least 0: the clock may lie a rounding step past a tied ticket time)
            delay = max(arrival[i + 1] - clock, 0.0)
            self._clock = clock + delay  # as the calendar computes it
            self._schedule(ev, NORMAL, delay)
        self._hall.admit(i, arrival[i])  # the clock may differ from it by a rounding step

    def _on_arrival_in_order(self, ev: simpy.Event) -> None:
        # tickets not in index order (a door, kiosks): in ticket-time order
        k = self._next
        self._next = k + 1
        order, arrival = self._order, self._arrival
        if k + 1 < self._n:
            ev.callbacks = self._callbacks
            clock = self._clock
            delay = max(arrival[order[k + 1]] - clock, 0.0)
            self._clock = clock + delay
            self._schedule(ev, NORMAL, delay)
        i = order[k]
        self._hall.admit(i, arrival[i])
