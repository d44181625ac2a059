"""The hall's part that sends windows on their planned breaks and brings them back.

The plan (:class:`~sim.engine.breaks.BreakPlan`) is drawn with the customers; here it is
played out: a window due for a break while serving finishes its customer first; an idle
one goes at once; one off duty by the schedule skips it. Back from a break, a window
leaves if the schedule dropped one meanwhile, else calls the next ticket or waits idle.
"""

from __future__ import annotations

from functools import partial

import simpy

from sim.engine.arrivals import Customers
from sim.engine.breaks import BreakPlan
from sim.engine.core import HallCore, Mechanism
from sim.engine.layout import HallLayout

Timeout = simpy.Timeout


class BreakDuty(Mechanism):
    """Windows on their random breaks (``windows[].breaks``). Its state, per window: a
    break pending (due while serving) and the next break's index."""

    __slots__ = ("_plan", "_hall", "_pending", "_break_k")

    def __init__(self, plan: BreakPlan) -> None:
        self._plan = plan

    @classmethod
    def build(cls, layout: HallLayout, customers: Customers) -> BreakDuty | None:
        """The part, if some window has breaks."""
        return cls(customers.breaks) if customers.breaks is not None else None

    def attach(self, hall: HallCore) -> None:
        """Keep the hall; no break pending."""
        self._hall = hall
        n = len(hall.serving)
        self._pending, self._break_k = [False] * n, [0] * n

    def begin(self) -> None:
        """Each window with breaks: its first break due after its first time on duty."""
        for w in range(len(self._pending)):
            if self._plan.up[w] is not None:
                self._due_after(w, 0.0)

    def freed(self, w: int, now: float) -> bool:
        """A window due for a break goes on it when its service ends."""
        if not self._pending[w]:
            return False
        self._pending[w] = False
        self._hall.duty.end(w, now)
        self._go_away(w, now)
        return True

    def _due_after(self, w: int, now: float) -> None:
        """Schedule window ``w``'s next break (none beyond the plan's end)."""
        plan = self._plan
        up = plan.up[w]
        k = self._break_k[w]
        assert up is not None
        if k < len(up) and now + up[k] < plan.until:
            Timeout(self._hall.env, up[k]).callbacks.append(partial(self._on_break_due, w))

    def _on_break_due(self, w: int, _ev: simpy.Event) -> None:
        hall = self._hall
        now = hall.env.now
        roster = hall.roster_of[w]
        if hall.serving[w] >= 0:  # busy: go when this customer is done
            self._pending[w] = True
        elif w in roster.idle:
            roster.idle.remove(w)
            hall.duty.end(w, now)
            self._go_away(w, now)
        else:  # off duty by the schedule: no break to take, the next one later
            self._break_k[w] += 1
            self._due_after(w, now)

    def _go_away(self, w: int, now: float) -> None:
        hall = self._hall
        down = self._plan.down[w]
        assert down is not None
        if hall.log:
            hall.log((now, "break", -1, w))
        Timeout(hall.env, down[self._break_k[w]]).callbacks.append(
            partial(self._on_break_over, w))

    def _on_break_over(self, w: int, _ev: simpy.Event) -> None:
        """Window ``w`` is back (its clerk, or the backup): leaves if the schedule has
        dropped a window meanwhile, else calls the next ticket or waits idle."""
        hall = self._hall
        now = hall.env.now
        self._break_k[w] += 1
        if hall.log:
            hall.log((now, "back", -1, w))
        roster = hall.roster_of[w]
        if roster.leaving:
            roster.leaving -= 1
            roster.off.append(w)
        else:
            hall.come_on_duty(w, now)
        self._due_after(w, now)
