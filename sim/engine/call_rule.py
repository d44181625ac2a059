"""The call rule: which waiting ticket a window of a group calls next.

Tier by tier (``own_first``: the group's primary categories first, then the rest;
``oldest_first``: one tier of everything the group serves; with priority classes, level
by level from the highest), the oldest ticket at the fronts of the tier's queues. A
front whose holder has gone is reached (called, nobody comes: 过号) and the choice made
again.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.engine.queues import CategoryQueue
from sim.engine.tickets import Tickets


class CallRule:
    """The call rule over the hall's queues (see the module's text)."""

    __slots__ = ("_queues", "_tiers", "_arrival", "_deadline", "_reach")

    def __init__(self, queues: list[CategoryQueue], tiers: tuple[tuple[tuple[int, ...], ...],
                 ...], tickets: Tickets, reach: Callable[[int], None]) -> None:
        self._queues = queues
        self._tiers = tiers
        self._arrival = tickets.arrival
        self._deadline = tickets.deadline
        self._reach = reach

    def next_for(self, gi: int, now: float) -> int:
        """The ticket a window of group ``gi`` calls at ``now`` (-1 if none), taken off
        its queue."""
        queues = self._queues
        for tier in self._tiers[gi]:
            if len(tier) == 1:
                i = queues[tier[0]].take(now)
                if i >= 0:
                    return i
                continue
            arrival, deadline = self._arrival, self._deadline
            while True:
                best, best_q, best_t = -1, queues[tier[0]], 0.0
                for c in tier:
                    q = queues[c]
                    i = q.front()
                    if i >= 0 and (best < 0 or arrival[i] < best_t):
                        best, best_q, best_t = i, q, arrival[i]
                if best < 0:
                    break
                if deadline[best] < now:
                    best_q.line.popleft()
                    self._reach(best)
                    continue
                best_q.pop_front()
                return best
        return -1
