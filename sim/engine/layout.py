"""The scenario compiled for the hall engine: index tables of categories, queues, window
groups and windows (:class:`HallLayout`).

Queues are one per category, or with priority classes one per (category, level); each
group calls from its queues tier by tier (``own_first``: its primary categories first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.layout import walk_to_window_minutes
from sim.scenario.mechanisms import Breaks
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class HallLayout:
    """The scenario compiled into index tables the engine works with."""

    category_names: tuple[str, ...]
    group_names: tuple[str, ...]
    group_counts: tuple[int, ...]
    window_names: tuple[str, ...]
    window_group: np.ndarray
    # per queue (per category without priority classes): group indices in routing order
    eligible: tuple[tuple[int, ...], ...]
    tiers: tuple[tuple[tuple[int, ...], ...], ...]  # per group: call tiers of categories
    speed: np.ndarray  # (groups, categories) service-time factor
    staff_changes: tuple[tuple[float, int, int], ...]  # (minute of day, group, staffed)
    initial_staff: tuple[int, ...]
    balk_at: tuple[int, ...]  # per queue, 0 = never balks
    open_periods: tuple[tuple[float, float], ...] = ((0.0, MINUTES_PER_DAY),)  # of a day
    # priority classes (None without them: one queue per category, tiers of categories)
    queue_of: tuple[dict[int, int], ...] | None = None  # per category: level -> queue
    base_queue: tuple[int, ...] | None = None  # per category: the queue of its own level
    breaks: tuple[Breaks | None, ...] | None = None  # per group (None: no group has any)
    # minutes a called customer walks to the window: per category, per window (None: no
    # walking; sim.scenario.layout.walk_to_window_minutes)
    walk: tuple[tuple[float, ...], ...] | None = None

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> HallLayout:
        """Compile a scenario."""
        cats = tuple(scenario.categories)
        groups = scenario.windows
        speed, tiers = _speeds_and_tiers(scenario, cats)
        auth = scenario.authorisation
        eligible = tuple(  # kiosk groups are no windows: sessions drawn up front
            tuple(gi for gi, g in enumerate(groups) if c in auth.primary(g.id) and not g.kiosk)
            + tuple(gi for gi, g in enumerate(groups)
                    if c in auth.serves(g.id) and c not in auth.primary(g.id) and not g.kiosk)
            for c in cats)
        changes: list[tuple[float, int, int]] = []
        initial = []
        for gi, g in enumerate(groups):
            steps = g.staffing()
            initial.append(0 if g.kiosk else steps[0][1])
            if g.schedule:
                changes.extend((t, gi, n) for t, n in steps)
        window_names = tuple(f"{g.id}-{k + 1}" for g in groups for k in range(g.count))
        window_group = np.array([gi for gi, g in enumerate(groups) for _ in range(g.count)],
                                dtype=np.int32)
        balk = tuple(scenario.categories[c].balk_at_queue or 0 for c in cats)
        queue_of = base = None
        if scenario.has_priorities:
            queue_of, base, tiers, balk = _priority_queues(scenario, cats, tiers, balk)
            eligible, tiers = _reserved_for_booked(scenario, eligible, tiers, queue_of)
        breaks = tuple(g.breaks for g in groups) if scenario.has_breaks else None
        return cls(cats, tuple(g.id for g in groups), tuple(g.count for g in groups),
                   window_names, window_group, eligible, tiers, speed,
                   tuple(sorted(changes)), tuple(initial), balk, scenario.hall.periods,
                   queue_of, base, breaks, walk_to_window_minutes(scenario))


def _priority_queues(scenario: Scenario, cats: tuple[str, ...],
                     tiers: tuple[tuple[tuple[int, ...], ...], ...], balk: tuple[int, ...]
                     ) -> tuple[tuple[dict[int, int], ...], tuple[int, ...],
                                tuple[tuple[tuple[int, ...], ...], ...], tuple[int, ...]]:
    """One queue per (category, priority level), and each group's call tiers over them:
    level by level from the highest, and within a level the call rule's tiers."""
    queue_of: list[dict[int, int]] = []
    queue_balk: list[int] = []
    for k, c in enumerate(cats):
        mine = {}
        for lv in scenario.categories[c].levels:
            mine[lv] = len(queue_balk)
            queue_balk.append(balk[k])
        queue_of.append(mine)
    base = tuple(queue_of[k][scenario.categories[c].level] for k, c in enumerate(cats))
    out = []
    for group_tiers in tiers:
        served = {c for tier in group_tiers for c in tier}
        levels = sorted({lv for c in served for lv in queue_of[c]}, reverse=True)
        out.append(tuple(sub for lv in levels for tier in group_tiers
                         if (sub := tuple(queue_of[c][lv] for c in tier if lv in queue_of[c]))))
    return tuple(queue_of), base, tuple(out), tuple(queue_balk)


def _reserved_for_booked(scenario: Scenario, eligible: tuple[tuple[int, ...], ...],
                         tiers: tuple[tuple[tuple[int, ...], ...], ...],
                         queue_of: tuple[dict[int, int], ...]
                         ) -> tuple[tuple[tuple[int, ...], ...],
                                    tuple[tuple[tuple[int, ...], ...], ...]]:
    """Per queue, the groups a ticket may go to (a category's, less the groups
    ``reserved_for_booked`` unless the queue holds booked tickets), and the reserved
    groups' call tiers cut down to the booked queues."""
    cats = list(scenario.categories.values())
    booked = {queue_of[k][c.booked_level] for k, c in enumerate(cats)
              if c.appointments is not None}
    reserved = {gi for gi, g in enumerate(scenario.windows) if g.reserved_for_booked}
    per_queue: list[tuple[int, ...]] = [()] * sum(len(m) for m in queue_of)
    for k, levels in enumerate(queue_of):
        for q in levels.values():
            per_queue[q] = tuple(gi for gi in eligible[k] if gi not in reserved or q in booked)
    cut = tuple(tuple(sub for tier in group_tiers
                      if (sub := tuple(q for q in tier if q in booked)))
                if gi in reserved else group_tiers for gi, group_tiers in enumerate(tiers))
    return tuple(per_queue), cut


def _speeds_and_tiers(scenario: Scenario, cats: tuple[str, ...]
                      ) -> tuple[np.ndarray, tuple[tuple[tuple[int, ...], ...], ...]]:
    """Per group: the service-time factor of each category and the call tiers."""
    cidx = {c: k for k, c in enumerate(cats)}
    groups = scenario.windows
    speed = np.ones((len(groups), len(cats)))
    tiers: list[tuple[tuple[int, ...], ...]] = []
    for gi, g in enumerate(groups):
        served = [cidx[c] for c in scenario.authorisation.serves(g.id)]
        primary = [cidx[c] for c in scenario.authorisation.primary(g.id)]
        for c in served:
            speed[gi, c] = scenario.authorisation.speed_factor(g.id, cats[c])
        if scenario.call_rule(g.id) == "own_first":
            rest = [c for c in served if c not in primary]
            tiers.append((tuple(primary), tuple(rest)) if rest else (tuple(primary),))
        else:
            tiers.append((tuple(served),))
    return speed, tuple(tiers)



def open_intervals(periods: tuple[tuple[float, float], ...], days: int
                    ) -> list[tuple[float, float]]:
    """The hall's opening intervals over ``days`` days, touching ones merged (a hall open
    00:00-24:00 is one interval)."""
    out: list[tuple[float, float]] = []
    for d in range(days):
        for s, e in sorted(periods):
            start, end = d * MINUTES_PER_DAY + s, d * MINUTES_PER_DAY + e
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
    return out
