"""The ticket table of one run (:class:`Tickets`): growable typed columns, not objects."""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.records import OPEN

if TYPE_CHECKING:
    from sim.engine.layout import HallLayout


def _floats(x: np.ndarray) -> array[float]:
    return array("d", np.ascontiguousarray(x, dtype=np.float64).tobytes())


def _ints(x: np.ndarray) -> array[int]:
    return array("i", np.ascontiguousarray(x, dtype=np.intc).tobytes())


class Tickets:
    """The ticket table of one run: growable parallel columns (not objects).

    The columns are typed arrays (:mod:`array`): they hold machine numbers, not Python
    objects, so the garbage collector never walks them and the records are copies of
    their buffers. ``waiting`` is 1 (true) until the ticket is called, abandons, balks
    or the run ends, then 0 (``False`` is stored as 0); ``deadline`` is ticket time
    plus patience; ``impatient`` tells whether any ticket has a finite one.
    """

    __slots__ = ("arrival", "category", "work", "deadline", "call", "end", "window",
                 "outcome", "waiting", "queue", "_base_queue", "impatient")

    def __init__(self, customers: Customers, layout: HallLayout | None = None) -> None:
        n = len(customers)
        self.arrival = _floats(customers.arrival)
        self.category = _ints(customers.category)
        # the queue each ticket joins: its category's, or with priority classes the
        # queue of its category and level (added tickets: the category's own level)
        self.queue = self.category
        self._base_queue: tuple[int, ...] | None = None
        if layout is not None and layout.queue_of is not None \
                and layout.base_queue is not None:
            queue_of, base = layout.queue_of, layout.base_queue
            self._base_queue = base
            self.queue = array("i", [queue_of[c].get(lv, base[c]) for c, lv in
                                     zip(self.category, customers.level.tolist())]
                               if customers.level is not None
                               else [base[c] for c in self.category])
        self.work = _floats(customers.work)
        self.impatient = not np.isinf(customers.patience).all()
        self.deadline = (_floats(customers.arrival + customers.patience) if self.impatient
                         else array("d", [float("inf")]) * n)
        self.call = array("d", [float("nan")]) * n
        self.end = array("d", [float("nan")]) * n
        self.window = array("i", [-1]) * n
        self.outcome = array("b", [OPEN]) * n
        self.waiting = array("b", [1]) * n

    def __len__(self) -> int:
        return len(self.arrival)

    def add(self, t: float, c: int, work: float, patience: float) -> int:
        """Append a ticket of category ``c`` taken at ``t``; return its index."""
        i = len(self.arrival)
        self.arrival.append(t)
        self.category.append(c)
        if self._base_queue is not None:
            self.queue.append(self._base_queue[c])
        self.work.append(work)
        self.deadline.append(t + patience)
        self.impatient = self.impatient or t + patience != float("inf")
        self.call.append(float("nan"))
        self.end.append(float("nan"))
        self.window.append(-1)
        self.outcome.append(OPEN)
        self.waiting.append(1)
        return i
