"""Random breaks of windows (``windows[].breaks``): each window's plan, drawn up front.

A window's plan is a sequence of (time on duty until the next break, length of the
break) pairs. The lengths already account for the AB backup: a break covered by a
backup clerk (probability ``backup.probability``) ends after ``min(duration,
delay)``. Each quantity comes from a stream of its own keyed by the window's name,
so compared scenarios that share a window share its breaks (common random numbers);
the plan holds enough breaks to cover the simulated days, and no break starts
after them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.engine.streams import Purpose, stream
from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.mechanisms import Breaks
from sim.scenario.model import Scenario

if TYPE_CHECKING:
    from sim.engine.hall import DutyLog, Roster, TraceRow

Timeout = simpy.Timeout


@dataclass(frozen=True)
class BreakPlan:
    """Per window (``None`` for windows of groups without breaks): ``up[k]`` minutes on
    duty before break ``k`` and its length ``down[k]``; no break starts at ``until`` or
    later."""

    up: tuple[list[float] | None, ...]
    down: tuple[list[float] | None, ...]
    until: float


def _window_plan(b: Breaks, name: str, until: float, seed: int, replication: int
                 ) -> tuple[list[float], list[float]]:
    def rng(part: str) -> np.random.Generator:
        return stream(seed, replication, Purpose.BREAKS, f"{name}\x00{part}")

    streams = {p: rng(p) for p in ("up", "down", "cover", "delay")}
    n = int(until / (b.every.mean + b.duration.mean)) + 16
    up = b.every.sample(streams["up"], n)
    while up.sum() < until:  # rare: draw on from the same streams (prefixes stay equal)
        up = np.concatenate([up, b.every.sample(streams["up"], n)])
    n = len(up)
    down = np.concatenate([b.duration.sample(streams["down"], n)])
    if b.backup is not None:
        covered = streams["cover"].random(n) < b.backup.probability
        delay = b.backup.delay.sample(streams["delay"], n)
        down = np.where(covered, np.minimum(down, delay), down)
    return up.tolist(), down.tolist()


def draw_break_plan(scenario: Scenario, seed: int, replication: int) -> BreakPlan | None:
    """Every window's breaks in one replication (``None`` when no group has breaks)."""
    if not scenario.has_breaks:
        return None
    until = scenario.hall.days * MINUTES_PER_DAY
    ups: list[list[float] | None] = []
    downs: list[list[float] | None] = []
    for g in scenario.windows:
        for k in range(g.count):
            if g.breaks is None:
                ups.append(None)
                downs.append(None)
                continue
            up, down = _window_plan(g.breaks, f"{g.id}-{k + 1}", until, seed, replication)
            ups.append(up)
            downs.append(down)
    return BreakPlan(tuple(ups), tuple(downs), until)


class BreakDuty:
    """The hall's part that sends windows on their planned breaks and brings them back.

    Mixed into :class:`~sim.engine.hall.Hall`, which owns the state read here (declared
    below for the type checker): a window due for a break while serving finishes its
    customer first; an idle one goes at once; one off duty by the schedule skips it.
    Its own state, per window: away on a break, a break pending, the next break's index.
    """

    __slots__ = ("_away", "_pending", "_break_k")

    env: simpy.Environment
    rosters: list[Roster]
    _breaks: BreakPlan | None
    _current: list[int]
    _away: list[bool]
    _pending: list[bool]
    _break_k: list[int]
    _end_callbacks: list[list[Callable[[simpy.Event], None]]]
    _window_group: list[int]
    _duty: DutyLog
    _log: Callable[[TraceRow], None] | None
    _open: bool

    if TYPE_CHECKING:
        def _on_end(self, w: int, _ev: simpy.Event) -> None: ...
        def _next_for(self, gi: int, now: float) -> int: ...
        def _start(self, w: int, i: int, now: float) -> None: ...

    def _schedule_breaks(self) -> None:
        """Each window with breaks: its first break due after its first time on duty.
        Service ends of those windows go through :meth:`_on_end_break` (a window due
        for a break finishes its customer first)."""
        plan = self._breaks
        assert plan is not None
        n = len(self._current)
        self._away, self._pending, self._break_k = [False] * n, [False] * n, [0] * n
        for w in range(n):
            if plan.up[w] is not None:
                self._end_callbacks[w] = [partial(self._on_end_break, w)]
                self._due_after(w, 0.0)

    def _due_after(self, w: int, now: float) -> None:
        """Schedule window ``w``'s next break (none beyond the plan's end)."""
        plan = self._breaks
        assert plan is not None
        up = plan.up[w]
        k = self._break_k[w]
        assert up is not None
        if k < len(up) and now + up[k] < plan.until:
            Timeout(self.env, up[k]).callbacks.append(partial(self._on_break_due, w))

    def _on_break_due(self, w: int, _ev: simpy.Event) -> None:
        now = self.env.now
        roster = self.rosters[self._window_group[w]]
        if self._current[w] >= 0:  # busy: go when this customer is done
            self._pending[w] = True
        elif w in roster.idle:
            roster.idle.remove(w)
            self._duty.end(w, now)
            self._go_away(w, now)
        else:  # off duty by the schedule: no break to take, the next one later
            self._break_k[w] += 1
            self._due_after(w, now)

    def _go_away(self, w: int, now: float) -> None:
        plan = self._breaks
        assert plan is not None and plan.down[w] is not None
        self._away[w] = True
        if self._log:
            self._log((now, "break", -1, w))
        down = plan.down[w][self._break_k[w]]  # type: ignore[index]
        Timeout(self.env, down).callbacks.append(partial(self._on_break_over, w))

    def _on_end_break(self, w: int, ev: simpy.Event) -> None:
        """A service end at a window with breaks: as :meth:`_on_end`, but a window due
        for a break goes on it instead of calling the next ticket."""
        if not self._pending[w]:
            self._on_end(w, ev)
            return
        self._pending[w] = False
        roster = self.rosters[self._window_group[w]]
        roster.leaving += 1  # leave after this service: _on_end records and ends duty
        self._on_end(w, ev)
        assert roster.off and roster.off[-1] == w
        roster.off.pop()  # away on a break, not off by the schedule
        self._go_away(w, self.env.now)

    def _on_break_over(self, w: int, _ev: simpy.Event) -> None:
        """Window ``w`` is back (its clerk, or the backup): leaves if the schedule has
        dropped a window meanwhile, else calls the next ticket or waits idle."""
        now = self.env.now
        self._away[w] = False
        self._break_k[w] += 1
        if self._log:
            self._log((now, "back", -1, w))
        gi = self._window_group[w]
        roster = self.rosters[gi]
        if roster.leaving:
            roster.leaving -= 1
            roster.off.append(w)
        else:
            nxt = self._next_for(gi, now)
            if nxt >= 0:
                self._start(w, nxt, now)
            else:
                roster.idle.append(w)
                if self._open:
                    self._duty.begin(w, now)
        self._due_after(w, now)
