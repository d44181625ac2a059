"""The windows of one group (:class:`Roster`) and when each window is on duty
(:class:`DutyLog`)."""

from __future__ import annotations

from collections import deque

import numpy as np


class Roster:
    """The windows of one group: idle ones (longest idle first), off-duty ones, and how
    many busy windows leave at the end of their current service.

    Which busy window leaves is not fixed in advance: the first to finish goes.
    """

    __slots__ = ("idle", "off", "leaving", "staffed")

    def __init__(self, windows: list[int], on: int) -> None:
        self.idle: deque[int] = deque(windows[:on])
        self.off: list[int] = list(reversed(windows[on:]))
        self.leaving = 0  # busy windows to go off duty when their service ends
        self.staffed = on

    def leaves_after_service(self, w: int) -> bool:
        """Window ``w`` finished a service: True if it now goes off duty."""
        if not self.leaving:
            return False
        self.leaving -= 1
        self.off.append(w)
        return True

    def restaff(self, target: int) -> tuple[list[int], int]:
        """Staff ``target`` windows from now on: the idle windows that go off duty at once,
        and how many off-duty windows come on (the caller puts them to work with
        :meth:`bring_on`).

        Fewer: idle windows go off duty at once (the most recently idle first),
        then busy ones are marked to leave after their service. More: windows
        marked to leave stay, then off-duty ones come back.
        """
        have, self.staffed = self.staffed, target
        if target < have:
            drop = have - target
            gone = []
            while drop and self.idle:
                w = self.idle.pop()
                self.off.append(w)
                gone.append(w)
                drop -= 1
            self.leaving += drop
            return gone, 0
        add = target - have
        kept = min(add, self.leaving)
        self.leaving -= kept
        return [], add - kept

    def bring_on(self) -> int:
        """An off-duty window coming on duty."""
        return self.off.pop()


class DutyLog:
    """When each window is on duty: while its roster staffs it and the hall is open, and
    while it serves a customer (after closing, or after its schedule took it off).

    ``since[w]`` is the start of the current on-duty interval (-1 when off duty);
    finished intervals are kept as ``(window, start, end)`` rows.
    """

    __slots__ = ("since", "rows")

    def __init__(self, n_windows: int) -> None:
        self.since = [-1.0] * n_windows
        self.rows: list[tuple[int, float, float]] = []

    def begin(self, w: int, now: float) -> None:
        """Window ``w`` is on duty from ``now`` (no change if it already is)."""
        if self.since[w] < 0:
            self.since[w] = now

    def end(self, w: int, now: float) -> None:
        """Window ``w`` is off duty from ``now`` (no change if it already is)."""
        start = self.since[w]
        if start >= 0:
            if now > start:
                self.rows.append((w, start, now))
            self.since[w] = -1.0

    def table(self) -> np.ndarray:
        """The on-duty intervals as an (n, 3) float array ``window, start, end``."""
        return np.array(sorted(self.rows), dtype=float).reshape(-1, 3)

