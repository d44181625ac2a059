"""Customers of one replication: ticket times and the draws fixed at arrival.

Arrivals of each category form a Poisson process whose rate is piecewise
constant over the day (its time-of-day profile times the day factor), and zero
while the hall is closed. Sampling is exact: the number of tickets in each
constant-rate segment is Poisson and, given the count, their times are
independent uniforms on the segment. Each customer's service draw (in a
specialist's minutes) and patience are drawn at once, from streams of their
own, so compared scenarios see the same customers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.engine.appointments import book
from sim.engine.breaks import BreakPlan, draw_break_plan
from sim.engine.door import Door, DoorDraws, build_door, draw_door
from sim.engine.kiosks import KioskDraws, KioskPlan, build_kiosks, draw_kiosk
from sim.engine.streams import Purpose, stream
from sim.files.limits import MAX_TICKETS  # noqa: F401 - re-exported: one definition, in spec.limits
from sim.scenario.clock import MINUTES_PER_DAY, parse_hhmm
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class Customers:
    """All customers of one replication, sorted by ticket time (columns, not objects).

    ``arrival`` minutes from the start of day 0; ``category`` index into
    ``names``; ``work`` the service time a specialist needs (minutes);
    ``patience`` minutes the customer waits before leaving (``inf`` = never).
    ``level`` is each customer's priority level (``None``: all at level 0, or every
    category at its own level) and ``online`` whether the customer applies online
    (``None``: nobody does); both drawn at arrival from streams of their own.
    """

    names: tuple[str, ...]
    arrival: np.ndarray
    category: np.ndarray
    work: np.ndarray
    patience: np.ndarray
    level: np.ndarray | None = None
    online: np.ndarray | None = None
    breaks: BreakPlan | None = None  # the windows' random breaks (None: no group has any)
    door: Door | None = None  # guide desk and wrong tickets (None: neither)
    kiosk: KioskPlan | None = None  # self-service kiosk sessions (None: no kiosk users)
    booked: np.ndarray | None = None  # booked an appointment (None: nobody did)
    slot: np.ndarray | None = None  # the booked slot's time (NaN for walk-ins)

    @property
    def away(self) -> np.ndarray | None:
        """Customers who take no ticket for a staffed window: online applicants and kiosk
        users who finished there (``None``: everybody takes one)."""
        if self.kiosk is None:
            return self.online
        done = self.kiosk.done
        return done if self.online is None else done | self.online

    def in_hall(self) -> Customers:
        """The customers who take a ticket for a staffed window (all but the online
        applicants and the kiosk users who finished there); kiosk users who could not
        finish take it at the end of their kiosk session (the door's ticket time with
        a door, else their arrival; no longer in ticket order: the hall sorts them)."""
        away = self.away
        if away is None:
            return self
        keep = ~away
        door = self.door.select(keep) if self.door is not None else None
        arrival = self.arrival[keep]
        if self.kiosk is not None:
            end = self.kiosk.end[keep]
            failed = self.kiosk.group[keep] >= 0
            if door is not None:
                door = dataclasses.replace(door, ticket=np.where(failed, end, door.ticket))
            else:
                arrival = np.where(failed, end, arrival)
        return Customers(self.names, arrival, self.category[keep], self.work[keep],
                         self.patience[keep],
                         self.level[keep] if self.level is not None else None, None,
                         self.breaks, door,
                         booked=self.booked[keep] if self.booked is not None else None,
                         slot=self.slot[keep] if self.slot is not None else None)

    def __len__(self) -> int:
        return len(self.arrival)

    @property
    def day(self) -> np.ndarray:
        """Day index (0-based) of each ticket."""
        return (self.arrival // MINUTES_PER_DAY).astype(np.int32)


def rate_segments(scenario: Scenario, category: str) -> list[tuple[float, float, float]]:
    """``(start, end, rate per hour)`` segments of one day for a category.

    Each profile rate holds from its time until the next profile time, and only
    while the hall is open.
    """
    return segments_of_rate(scenario, scenario.categories[category].arrivals_per_hour)


def segments_of_rate(scenario: Scenario, rate: float | dict[str, float]
                     ) -> list[tuple[float, float, float]]:
    """``(start, end, rate per hour)`` segments of one day for a rate or a profile."""
    points = [(0.0, float(rate))] if not isinstance(rate, dict) else sorted(
        (parse_hhmm(k), float(v)) for k, v in rate.items()
    )
    segments: list[tuple[float, float, float]] = []
    for k, (t0, r) in enumerate(points):
        t1 = points[k + 1][0] if k + 1 < len(points) else MINUTES_PER_DAY
        for s, e in scenario.hall.periods:
            lo, hi = max(s, t0), min(e, t1)
            if hi > lo:
                segments.append((lo, hi, r))
    return segments


def expected_of_rate(scenario: Scenario, rate: float | dict[str, float], day: int = 0) -> float:
    """Expected arrivals on a given day of a process with this rate or profile."""
    factor = scenario.hall.day_factor(day)
    return sum((e - s) / 60.0 * r * factor for s, e, r in segments_of_rate(scenario, rate))


def expected_arrivals(scenario: Scenario, category: str, day: int = 0) -> float:
    """Expected number of first tickets of a category on a given day."""
    return expected_of_rate(scenario, scenario.categories[category].arrivals_per_hour, day)


def expected_tickets(scenario: Scenario, day: int | None = None) -> float:
    """Expected first tickets plus journey tickets on one day, or over all days (None)."""
    days = range(scenario.hall.days) if day is None else (day,)
    factor = sum(scenario.hall.day_factor(d) for d in days)
    rates = [(1, c.arrivals_per_hour) for c in scenario.categories.values()]
    rates += [(len(j.steps), j.arrivals_per_hour) for j in scenario.journeys.values()]
    return factor * sum(n * (e - s) / 60.0 * r for n, rate in rates
                        for s, e, r in segments_of_rate(scenario, rate))


def day_levels(scenario: Scenario, seed: int, replication: int) -> np.ndarray:
    """Each simulated day's random arrival level (mean 1, CV ``hall.day_level_cv``).

    Gamma distributed, from a stream of its own (so compared scenarios share it);
    all ones when the CV is 0. Every category's rates on day ``d`` are multiplied by
    ``levels[d]``: days then vary more than Poisson (index of dispersion of a day's
    count ``1 + mean * cv**2``).
    """
    cv = scenario.hall.day_level_cv
    if cv <= 0:
        return np.ones(scenario.hall.days)
    shape = 1.0 / cv**2
    rng = stream(seed, replication, Purpose.DAY_LEVEL, "day-level")
    return rng.gamma(shape, 1.0 / shape, scenario.hall.days)


def arrival_times(scenario: Scenario, rate: float | dict[str, float],
                  rng: np.random.Generator, levels: np.ndarray | None = None) -> np.ndarray:
    """Sorted times of a Poisson process with this rate or profile over all days.

    ``levels`` (one per day, see :func:`day_levels`) multiply the day factors.
    """
    segs = np.array(segments_of_rate(scenario, rate), dtype=float).reshape(-1, 3)
    days = scenario.hall.days
    factors = np.array([scenario.hall.day_factor(d) for d in range(days)])
    if levels is not None:
        factors = factors * levels
    starts = (segs[None, :, 0] + MINUTES_PER_DAY * np.arange(days)[:, None]).ravel()
    widths = np.broadcast_to(segs[None, :, 1] - segs[None, :, 0], (days, len(segs))).ravel()
    means = (factors[:, None] * segs[None, :, 2] * (segs[None, :, 1] - segs[None, :, 0]) / 60.0)
    counts = rng.poisson(means.ravel())
    total = int(counts.sum())
    u = rng.random(total)
    times = np.repeat(starts, counts) + u * np.repeat(widths, counts)
    times.sort()
    return times


def draw_customer_attributes(scenario: Scenario, name: str, times: np.ndarray, seed: int,
                             replication: int) -> tuple[np.ndarray, np.ndarray]:
    """The service draw (a specialist's minutes, times the item's time-of-day factor at
    each ticket time) and the patience (``inf``: never leaves) of the customers of
    category ``name`` who take tickets at ``times``, from the category's own service and
    patience streams (the k-th customer gets the k-th draw)."""
    cat = scenario.categories[name]
    n = len(times)
    work = cat.service.sample(stream(seed, replication, Purpose.SERVICE, name), n)
    if cat.service_by_time:
        work = work * cat.service_factor_at(times)
    if cat.patience is not None:
        patience = cat.patience.sample(stream(seed, replication, Purpose.PATIENCE, name), n)
    else:
        patience = np.full(n, np.inf)
    return work, patience


def draw_customers(scenario: Scenario, seed: int, replication: int) -> Customers:
    """Draw every customer of one replication (exact, reproducible, CRN by category name)."""
    names = tuple(scenario.categories)
    levels = day_levels(scenario, seed, replication)
    parts_t, parts_c, parts_w, parts_p = [], [], [], []
    parts_l: list[np.ndarray] = []
    parts_o: list[np.ndarray] = []
    parts_r: list[np.ndarray] = []
    door: dict[int, DoorDraws] = {}
    kiosk: dict[int, KioskDraws] = {}
    parts_b: list[np.ndarray] = []
    parts_s: list[np.ndarray] = []
    for index, name in enumerate(names):
        cat = scenario.categories[name]
        times = arrival_times(scenario, cat.arrivals_per_hour,
                              stream(seed, replication, Purpose.ARRIVALS, name), levels)
        n = len(times)
        work, patience = draw_customer_attributes(scenario, name, times, seed, replication)
        level = priority_levels(scenario, name, n, seed, replication)
        applies = online_applicants(scenario, name, n, seed, replication)
        row = np.arange(n)
        if scenario.has_appointments:  # booked customers come at their slots, or not at all
            booked, slot = np.zeros(n, dtype=bool), np.full(n, np.nan)
            if cat.appointments is not None:
                b = book(scenario, name, times, seed, replication)
                level = np.where(b.booked, cat.booked_level, level).astype(np.int8)
                keep, times, booked, slot = b.comes, b.ticket, b.booked, b.slot
                times, work, patience, level, applies, row, booked, slot = (
                    x[keep] for x in (times, work, patience, level, applies, row, booked,
                                      slot))
            parts_b.append(booked)
            parts_s.append(slot)
        parts_t.append(times)
        parts_c.append(np.full(len(times), index, dtype=np.int32))
        parts_w.append(work)
        parts_p.append(patience)
        parts_l.append(level)
        parts_o.append(applies)
        if scenario.has_door or scenario.has_kiosks:
            parts_r.append(row)
        if scenario.has_door:
            door[index] = draw_door(scenario, name, n, seed, replication)
        if cat.kiosk is not None and cat.kiosk.share > 0:
            kiosk[index] = draw_kiosk(scenario, name, n, seed, replication)
    arrival = np.concatenate(parts_t)
    order = np.argsort(arrival, kind="stable")
    category = np.concatenate(parts_c)[order]
    online = np.concatenate(parts_o)[order] if scenario.has_online else None
    rows = np.concatenate(parts_r)[order] if parts_r else None
    built = build_door(scenario, arrival[order], category, rows, door, online, seed,
                       replication) if scenario.has_door and rows is not None else None
    kiosks = None
    if kiosk and rows is not None:  # at the kiosks when they would take a ticket
        base = built.ticket if built is not None else arrival[order]
        kiosks = build_kiosks(scenario, base, category, rows, kiosk, online)
    return Customers(
        names=names,
        arrival=arrival[order],
        category=category,
        work=np.concatenate(parts_w)[order],
        patience=np.concatenate(parts_p)[order],
        level=np.concatenate(parts_l)[order] if scenario.has_priorities else None,
        online=online,
        breaks=draw_break_plan(scenario, seed, replication),
        door=built,
        kiosk=kiosks,
        booked=np.concatenate(parts_b)[order] if parts_b else None,
        slot=np.concatenate(parts_s)[order] if parts_s else None,
    )


def priority_levels(scenario: Scenario, name: str, n: int, seed: int, replication: int
                    ) -> np.ndarray:
    """The priority level of each of ``n`` customers of a category: the category's level,
    or with ``priority_share`` that share's level for a customer whose uniform (one per
    customer, from the category's own priority stream) falls below the share."""
    cat = scenario.categories[name]
    level = np.full(n, cat.level, dtype=np.int8)
    ps = cat.priority_share
    if ps is not None and ps.share > 0:
        u = stream(seed, replication, Purpose.PRIORITY, name).random(n)
        level[u < ps.share] = ps.priority
    return level


def online_applicants(scenario: Scenario, name: str, n: int, seed: int, replication: int
                      ) -> np.ndarray:
    """Which of ``n`` customers of a category apply online: one uniform per customer from
    the category's own online stream, below the share. Raising the share only moves
    more of the same customers online (an exact thinning, common random numbers)."""
    share = scenario.categories[name].online_share
    if share <= 0:
        return np.zeros(n, dtype=bool)
    return stream(seed, replication, Purpose.ONLINE, name).random(n) < share
