"""Rosters: who is on duty when. A roster is a daily shift template worked on a set of
days (one day, or a pattern spanning days, e.g. five consecutive days on, two off).

Without a week model every roster is a shift template on the one representative
day. With a week model (``optimize.week``) each pattern gives one roster per
start day and shift template: ``days_on`` consecutive days, wrapping round the
week (the classic cyclic days-off covering model). A week without shift
templates uses one template covering the hall's whole day.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimize.spec import OptimizeSpec, ShiftSpec
from sim.scenario.clock import format_hhmm, parse_hhmm
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class Roster:
    """A shift template worked on ``days`` (indices into the week; ``(0,)`` without one)."""

    id: str
    template: str
    shift: ShiftSpec
    days: tuple[int, ...]
    cost: float | None = None

    def price(self, cost_per_hour: float) -> float:
        """Cost of one person on this roster: the pattern's cost if given, else the
        shift's cost (or its paid hours at ``cost_per_hour``) on every day worked."""
        if self.cost is not None:
            return self.cost
        daily = self.shift.cost if self.shift.cost is not None \
            else self.shift.paid_minutes / 60.0 * cost_per_hour
        return daily * len(self.days)


def covers(roster: Roster, period) -> bool:
    """Whether a roster has staff on duty for the whole of a period (its day and times)."""
    if period.day not in roster.days:
        return False
    shift = roster.shift
    s0 = parse_hhmm(shift.start)
    if not (s0 <= period.start and period.end <= s0 + shift.length):
        return False
    if shift.lunch is None:
        return True
    l0 = parse_hhmm(shift.lunch.start)
    return period.end <= l0 or period.start >= l0 + shift.lunch.minutes


def whole_day_shift(scenario: Scenario) -> ShiftSpec:
    """A template covering the hall's day, first opening to last closing."""
    first, last = scenario.hall.periods[0][0], scenario.hall.periods[-1][1]
    return ShiftSpec(start=format_hhmm(first), length=last - first)


def make_rosters(scenario: Scenario, spec: OptimizeSpec) -> tuple[Roster, ...]:
    """Every roster the optimiser may staff (empty: windows are paid by the hour)."""
    week = spec.week
    templates = dict(spec.shifts or {})
    if week is None:
        return tuple(Roster(j, j, sh, (0,)) for j, sh in templates.items())
    if not templates:
        templates = {"day": whole_day_shift(scenario)}
    n_days = len(week.days)
    names = list(week.days)
    out = []
    for j, sh in templates.items():
        if not week.patterns:
            out += [Roster(f"{j}@{names[d]}", j, sh, (d,)) for d in range(n_days)]
            continue
        for pid, pat in week.patterns.items():
            for d in range(n_days):
                days = tuple(sorted((d + i) % n_days for i in range(pat.days_on)))
                out.append(Roster(f"{j}@{pid}@{names[d]}", j, sh, days, pat.cost))
    return tuple(out)
