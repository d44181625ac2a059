"""The staffing problem read off a scenario: periods, offered loads, types and targets.

Periods are consecutive stretches of ``period_minutes`` over each opening period
(the last one of an opening period may be shorter). A category's offered load in
a period is its mean arrival rate over the period (times the day factor: by
default the busiest day's) times its mean service time, in erlangs of
specialist work. Load routed to a type is multiplied by the type's speed factor
for the category.

Mixed service times in a pool (the approximation): a type's staffing table is
computed for an M/M/n queue whose mean service time is the arrival-weighted mean,
over the day, of the speed-adjusted mean service times of the categories the type
may serve, and whose target is the strictest of theirs (the elementwise minimum
of their ``Lmax`` tables). Service-time variability, abandonment, time-varying
demand and overflow between pools are left to certification by simulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optimize.rosters import Roster, make_rosters
from optimize.spec import OptimizeSpec
from optimize.structures import WindowType, window_types
from sim.scenario.clock import format_hhmm
from sim.scenario.model import Scenario
from sim.stats.load import ticket_segments
from sim.stats.sizing import Target, pool_table, windows_needed


@dataclass(frozen=True)
class Period:
    """A staffing period: ``[start, end)`` minutes after midnight of day ``day`` of the
    week model (0 without one), labelled ``"HH:MM"`` (``"Mon 09:00"`` in a week)."""

    start: float
    end: float
    day: int = 0
    day_name: str | None = None

    @property
    def label(self) -> str:
        """The period's start as ``"HH:MM"``, after the day's name in a week model."""
        hhmm = format_hhmm(self.start)
        return f"{self.day_name} {hhmm}" if self.day_name is not None else hhmm

    @property
    def key(self) -> str:
        """A compact unique name for LP files, e.g. ``0930`` or ``d2_0930``."""
        hhmm = format_hhmm(self.start).replace(":", "")
        return f"d{self.day}_{hhmm}" if self.day_name is not None else hhmm

    @property
    def hours(self) -> float:
        """Length in hours."""
        return (self.end - self.start) / 60.0


def make_periods(scenario: Scenario, minutes: int,
                 days: tuple[str, ...] | None = None) -> tuple[Period, ...]:
    """Periods of ``minutes`` over the opening hours (cut at every closing), on every
    day of the week model if ``days`` names them."""
    out = []
    for d, name in enumerate(days or (None,)):
        for s, e in scenario.hall.periods:
            t = s
            while t < e - 1e-9:
                out.append(Period(t, min(e, t + minutes), d, name))
                t += minutes
    return tuple(out)


def day_factor(scenario: Scenario, spec: OptimizeSpec, day: int = 0) -> float:
    """The arrival multiplier the plan is sized for: the week day's factor in a week
    model, else ``max``, ``mean`` (of the hall's day factors) or a number."""
    if spec.week is not None:
        return float(list(spec.week.days.values())[day].factor)
    factors = scenario.hall.day_factors
    if spec.day_factor == "max":
        return float(max(factors))
    if spec.day_factor == "mean":
        return float(np.mean(factors))
    return float(spec.day_factor)


def category_target(scenario: Scenario, spec: OptimizeSpec, category: str) -> Target:
    """The service-level target of one category."""
    level = spec.level(category)
    if level.mean_wait_minutes is not None:
        return Target("mean", float(level.mean_wait_minutes))
    wait = level.wait_minutes if level.wait_minutes is not None else scenario.targets.wait_minutes
    return Target("tail", float(wait), float(level.alpha))


@dataclass
class Problem:
    """Everything the MILP needs, as plain numbers.

    ``load[i, p]`` is the offered load (erlangs, specialist time) of
    ``categories[i]`` in ``periods[p]``.
    """

    scenario: Scenario
    spec: OptimizeSpec
    periods: tuple[Period, ...]
    types: tuple[WindowType, ...]
    categories: tuple[str, ...]
    load: np.ndarray
    targets: dict[str, Target]
    pool_service: dict[str, float]
    pool_targets: dict[str, list[Target]]
    desks: int | None = None
    desks_source: str = "none"
    rosters: tuple[Roster, ...] = ()
    _tables: dict[tuple[str, int], np.ndarray] = field(default_factory=dict, repr=False)

    def type_load(self, t: WindowType, p: int) -> float:
        """Speed-adjusted load in period ``p`` of all categories type ``t`` may serve."""
        return float(sum(t.factor(c) * self.load[self.categories.index(c), p]
                         for c in t.serves))

    def pool_target(self, t: WindowType) -> list[Target]:
        """Every target type ``t``'s pool must meet (its table is their elementwise minimum)."""
        return self.pool_targets[t.id]

    def windows_to_carry_all(self, t: WindowType) -> int:
        """Windows type ``t`` needs to carry, alone, every load it may serve at its peak,
        meeting all its items' targets at once."""
        peak = max((self.type_load(t, p) for p in range(len(self.periods))), default=0.0)
        return windows_needed(peak, self.pool_service[t.id], self.pool_targets[t.id])

    def min_windows(self, p: int) -> int:
        """Windows that must be open in period ``p`` whatever the load (spec and week day)."""
        floor = self.spec.min_windows
        if self.spec.week is not None:
            day = list(self.spec.week.days.values())[self.periods[p].day]
            floor = max(floor, day.min_windows)
        return floor

    def table(self, t: WindowType, n_max: int) -> np.ndarray:
        """``Lmax(n)`` of type ``t`` for ``n = 0..n_max`` (erlangs of speed-adjusted load)."""
        key = (t.id, n_max)
        if key not in self._tables:
            self._tables[key] = pool_table(n_max, self.pool_service[t.id],
                                           self.pool_targets[t.id])
        return self._tables[key]

    def items_in(self, p: int) -> list[str]:
        """Categories with load in period ``p``."""
        return [c for i, c in enumerate(self.categories) if self.load[i, p] > 0]


def build_problem(scenario: Scenario, spec: OptimizeSpec,
                  structures: tuple[str, ...] | None = None,
                  types: list[WindowType] | None = None) -> Problem:
    """Read the staffing problem off a scenario and a spec.

    ``structures`` replaces the spec's choice of generated types; ``types`` gives
    the candidate types directly (both used by the consolidation study).
    """
    week_days = tuple(spec.week.days) if spec.week is not None else None
    periods = make_periods(scenario, spec.period_minutes, week_days)
    cats = tuple(scenario.categories)
    load = np.zeros((len(cats), len(periods)))
    per_day = {}
    all_segs = ticket_segments(scenario)  # first, journey, return and collection tickets
    for i, c in enumerate(cats):
        segs = all_segs[c]
        mean = scenario.categories[c].service.mean
        per_day[c] = sum((e - s) / 60.0 * r for s, e, r in segs)
        for p, per in enumerate(periods):
            arrivals = sum(max(0.0, min(e, per.end) - max(s, per.start)) / 60.0 * r
                           for s, e, r in segs)
            load[i, p] = arrivals / per.hours * day_factor(scenario, spec, per.day) \
                * mean / 60.0
    targets = {c: category_target(scenario, spec, c) for c in cats}
    chosen = types if types is not None else window_types(scenario, spec, structures)
    service, pool_targets = {}, {}
    for t in chosen:
        weights = np.array([per_day[c] for c in t.serves])
        times = np.array([t.factor(c) * scenario.categories[c].service.mean for c in t.serves])
        if weights.sum() <= 0:
            weights = np.ones_like(weights)
        service[t.id] = float(weights @ times / weights.sum())
        pool_targets[t.id] = [targets[c] for c in t.serves]
    desks, source = hall_desks(scenario, spec)
    return Problem(scenario, spec, periods, tuple(chosen), cats, load, targets, service,
                   pool_targets, desks, source, make_rosters(scenario, spec))


def hall_desks(scenario: Scenario, spec: OptimizeSpec) -> tuple[int | None, str]:
    """The most windows open at once: the spec's ``desks``, else (``hall``, the default)
    the hall's windows (the sum of its window groups' counts); ``none`` lifts the limit."""
    if spec.desks == "none":
        return None, "none"
    if spec.desks == "hall":
        return scenario.staffed_window_count, "hall"
    return int(spec.desks), "spec"

