"""The hall's timetable: its openings and closings, and each group's staff changes.

Windows staffed while the hall is open are on duty (the duty log); at a closing, idle
windows go off duty and busy ones stay until they idle. A group's staff change takes
idle windows off at once (busy ones leave after their service) or brings windows on,
each calling the next ticket or waiting idle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import simpy

from sim.engine.layout import HallLayout, open_intervals
from sim.engine.rosters import DutyLog, Roster
from sim.scenario.clock import MINUTES_PER_DAY

Timeout = simpy.Timeout

#: ``log(row)``: append a trace row ``(time, event, ticket, window)``
Log = Callable[[tuple[float, str, int, int]], None]


class Timetable:
    """Openings, closings and staff changes on the hall's calendar; ``open`` tells
    whether the hall is open now."""

    __slots__ = ("open", "_env", "_layout", "_rosters", "_duty", "_log", "_come_on_duty")

    def __init__(self, env: simpy.Environment, layout: HallLayout, rosters: list[Roster],
                 duty: DutyLog, log: Log | None,
                 come_on_duty: Callable[[int, float], None]) -> None:
        self._env, self._layout, self._rosters, self._duty = env, layout, rosters, duty
        self._log, self._come_on_duty = log, come_on_duty
        self.open = any(s <= 0.0 for s, _e in layout.open_periods)

    def schedule_hours(self, days: int) -> None:
        """Openings and closings of the hall over ``days`` (windows on duty at the start)."""
        if self.open:
            for roster in self._rosters:
                for w in roster.idle:
                    self._duty.begin(w, 0.0)
        for start, end in open_intervals(self._layout.open_periods, days):
            if start > 0:
                Timeout(self._env, start).callbacks.append(self._on_opening)
            Timeout(self._env, end).callbacks.append(self._on_closing)

    def schedule_staff(self, days: int) -> None:
        """Each group's staff changes over ``days`` (those after the start)."""
        for d in range(days):
            for t, gi, target in self._layout.staff_changes:
                at = d * MINUTES_PER_DAY + t
                if at > 0:
                    ev = Timeout(self._env, at, (gi, target))
                    ev.callbacks.append(self._on_staff)

    def _on_staff(self, ev: simpy.Event) -> None:
        gi, target = cast(tuple[int, int], ev.value)
        now = self._env.now
        if self._log:
            self._log((now, "staff", -1, target))
        roster = self._rosters[gi]
        gone, coming = roster.restaff(target)
        for w in gone:
            self._duty.end(w, now)
        for _ in range(coming):
            self._come_on_duty(roster.bring_on(), now)

    def _on_opening(self, _ev: simpy.Event) -> None:
        """The hall opens: its idle staffed windows come on duty."""
        self._all_idle(self._duty.begin, opening=True)

    def _on_closing(self, _ev: simpy.Event) -> None:
        """The hall closes: idle windows go off duty; busy ones stay until they idle."""
        self._all_idle(self._duty.end, opening=False)

    def _all_idle(self, change: Callable[[int, float], None], opening: bool) -> None:
        """The hall opens or closes now: every idle window's duty begins or ends."""
        now = self._env.now
        self.open = opening
        for roster in self._rosters:
            for w in roster.idle:
                change(w, now)
