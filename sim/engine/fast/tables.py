"""The compiled hall layout as flat arrays for the fast engine's event loop.

:class:`FastTables` turns a :class:`~sim.engine.layout.HallLayout` (tuples of tuples) into
index arrays with offsets (CSR style: ``ptr[k]:ptr[k + 1]`` is row ``k``) and lists the
events the SimPy engine schedules before its run starts (openings, closings and staff
changes; each window's first break comes between them), in the order it schedules them
(``docs/engine-order.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.layout import HallLayout, open_intervals
from sim.scenario.clock import MINUTES_PER_DAY

#: kinds of the events scheduled up front (the loop's EV_STAFF, EV_OPEN, EV_CLOSE)
STAFF, OPENING, CLOSING = 2, 3, 4


def _csr(rows: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Offsets and values of a list of rows."""
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    values = np.array([v for r in rows for v in r], dtype=np.int64)
    return ptr, values


@dataclass(frozen=True)
class FastTables:
    """A layout's index tables and up-front events over a number of days, as arrays."""

    window_group: np.ndarray  # per window: its group (int32)
    speed: np.ndarray  # (groups, categories) service-time factor
    group_first: np.ndarray  # per group: its first window
    group_count: np.ndarray
    initial_staff: np.ndarray
    tier_ptr: np.ndarray  # per group: its call tiers, rows of tier_q_ptr
    tier_q_ptr: np.ndarray  # per tier: its queues, rows of tier_q
    tier_q: np.ndarray
    elig_ptr: np.ndarray  # per queue: the groups an arriving ticket may go to, in order
    elig: np.ndarray
    balk_at: np.ndarray  # per queue (0: never balks)
    static_time: np.ndarray  # events scheduled before the run, in scheduling order
    static_kind: np.ndarray
    static_arg: np.ndarray  # a staff change's row in staff_group / staff_target
    n_hours: int  # the first n_hours are openings and closings, the rest staff changes
    staff_group: np.ndarray
    staff_target: np.ndarray
    open_at_start: bool

    @classmethod
    def from_layout(cls, layout: HallLayout, days: int) -> FastTables:
        """The tables of ``layout`` for a run of ``days`` days."""
        counts = np.array(layout.group_counts, dtype=np.int64)
        first = np.zeros(len(counts), dtype=np.int64)
        first[1:] = np.cumsum(counts)[:-1]
        tier_ptr, _ = _csr([tuple(range(len(t))) for t in layout.tiers])
        tier_q_ptr, tier_q = _csr([tier for group in layout.tiers for tier in group])
        elig_ptr, elig = _csr(list(layout.eligible))
        times: list[float] = []
        kinds: list[int] = []
        for start, end in open_intervals(layout.open_periods, days):
            if start > 0:
                times.append(start)
                kinds.append(OPENING)
            times.append(end)
            kinds.append(CLOSING)
        n_hours = len(times)
        args = [0] * n_hours
        staff: list[tuple[int, int]] = []
        for d in range(days):
            for t, gi, target in layout.staff_changes:
                at = d * MINUTES_PER_DAY + t
                if at > 0:
                    times.append(at)
                    kinds.append(STAFF)
                    args.append(len(staff))
                    staff.append((gi, target))
        return cls(
            window_group=np.ascontiguousarray(layout.window_group, dtype=np.int32),
            speed=np.ascontiguousarray(layout.speed, dtype=np.float64),
            group_first=first, group_count=counts,
            initial_staff=np.array(layout.initial_staff, dtype=np.int64),
            tier_ptr=tier_ptr, tier_q_ptr=tier_q_ptr, tier_q=tier_q,
            elig_ptr=elig_ptr, elig=elig,
            balk_at=np.array(layout.balk_at, dtype=np.int64),
            static_time=np.array(times, dtype=np.float64),
            static_kind=np.array(kinds, dtype=np.int8),
            static_arg=np.array(args, dtype=np.int64), n_hours=n_hours,
            staff_group=np.array([g for g, _ in staff], dtype=np.int64),
            staff_target=np.array([n for _, n in staff], dtype=np.int64),
            open_at_start=any(s <= 0.0 for s, _e in layout.open_periods),
        )


def base_queues(layout: HallLayout) -> np.ndarray:
    """Per category, the queue a ticket added during the run joins: the category's own
    (with priority classes, its own level's), as :meth:`~sim.engine.tickets.Tickets.add`."""
    if layout.queue_of is not None and layout.base_queue is not None:
        return np.array(layout.base_queue, dtype=np.int32)
    return np.arange(len(layout.category_names), dtype=np.int32)
