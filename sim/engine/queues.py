"""The tickets of one queue waiting to be called (:class:`CategoryQueue`): lazy reneging
(过号) and balking."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.engine.tickets import Tickets


class CategoryQueue:
    """The tickets of one category waiting to be called, in ticket order.

    Tickets that abandoned stay in the line until a window reaches them, as a
    queue system calls a number whose holder has gone (过号): ``take`` settles
    them (at their deadline) on the way, through ``reach``. A category with a
    balking limit also keeps its waiting tickets' deadlines in a heap, so that
    the count it compares against the limit is exact at every arrival.
    """

    __slots__ = ("line", "waiting", "deadlines", "balk_at", "abandon", "reach", "_is_waiting",
                 "_deadline")

    def __init__(self, balk_at: int, tickets: Tickets, abandon: Callable[[int], None],
                 reach: Callable[[int], None] | None = None) -> None:
        self.line: deque[int] = deque()
        self.waiting = 0  # tickets in the line still waiting (the balking count)
        self.deadlines: list[tuple[float, int]] = []
        self.balk_at = balk_at
        self.abandon = abandon  # found gone by the balking count
        self.reach = reach or abandon  # found gone by a window that reached it
        self._is_waiting = tickets.waiting
        self._deadline = tickets.deadline

    def front(self) -> int:
        """The first ticket in the line not yet settled (-1 if none), gone or not: the
        number a queue system would call next from this queue."""
        line = self.line
        is_waiting = self._is_waiting
        while line:
            i = line[0]
            if is_waiting[i]:
                return i
            line.popleft()
        return -1

    def take(self, now: float) -> int:
        """Call the first ticket still waiting at ``now``: remove and return it (-1 if none).

        :meth:`front` and :meth:`pop_front` in one step (the hot path of a window
        that frees up).
        """
        line = self.line
        is_waiting = self._is_waiting
        deadline = self._deadline
        while line:
            i = line.popleft()
            if not is_waiting[i]:
                continue
            if deadline[i] < now:
                self.reach(i)
                continue
            self.waiting -= 1
            return i
        return -1

    def pop_front(self) -> None:
        """Remove the ticket :meth:`front` returned (it is being called)."""
        self.line.popleft()
        self.waiting -= 1

    def is_full(self, now: float) -> bool:
        """Whether an arrival at ``now`` balks (the limit's worth are still waiting)."""
        heap = self.deadlines
        is_waiting = self._is_waiting
        while heap and heap[0][0] < now:
            _, j = heapq.heappop(heap)
            if is_waiting[j]:
                self.abandon(j)
        return self.waiting >= self.balk_at

    def push(self, i: int) -> None:
        """Ticket ``i`` joins the queue (the hall appends directly to a queue
        without a balking limit; this keeps deadlines for ``is_full``)."""
        if self.balk_at:
            d = self._deadline[i]
            if d != float("inf"):
                heapq.heappush(self.deadlines, (d, i))
        self.line.append(i)
        self.waiting += 1
