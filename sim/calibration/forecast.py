"""A calibrated hall carried to a coming period: ``hallsim forecast``.

``forecast(CALIBRATED, plan)`` writes the calibrated scenario with what the plan
(:mod:`sim.calibration.plan`) gives replaced, and everything else carried:

- **tickets** per hour replace ``arrivals_per_hour``: a hall's tickets are first
  tickets and journey steps (一件事), each step counted in the hour it is taken
  (:mod:`sim.calibration.journey_tickets`, as ``by_hour.arrivals_per_day`` counts
  it). A total scales the hour's first tickets of every item and the journeys
  starting in the hour by one factor, solved over the planned hours together so
  that each takes its total (the calibrated mix; within the hour the calibrated
  shape of the bins); an item's own figure less its journey steps taken in the
  hour is its first tickets (journeys are scaled by totals only); a plan by weekday
  sets ``day_factors`` from the weekdays' totals and the profile from their mean;
- **mean service** per hour (as a log shows it) scales the hour's
  ``service_by_time`` factors of the items concerned, so that the hour's
  ticket-weighted mean occupancy is the plan's mean plus the calibrated window
  turnaround (the scenario's services hold it); families and CVs are carried;
- **staff** per hour (windows as given, or clerks seen converted by the relation the
  calibration recorded, :mod:`sim.calibration.staffing_relation`) changes the groups'
  ``schedule`` only in the hours whose windows it changes, by steps of
  :data:`SCHEDULE_MINUTES`: an hour whose planned window-steps round to its own keeps
  its steps, group by group; another hour moves each of its steps by the difference
  (its shape kept, the rounding remainder carried from step to step), and a total's
  difference at a step is added to or taken from the groups by their windows on duty
  then, none moved between groups (:func:`_hour_steps`, :func:`_share_out`).

Hours, items and fields the plan does not give are carried, and so are figures that are
the hall's own as :func:`current_plan` writes them (:data:`PLAN_DECIMALS`): the hall's
own plan gives the hall back, rates, service and schedules. Bad plans
(hours outside the opening, unknown items or groups, weekdays off the calendar,
staff that differs within one hour) raise :class:`InputError` with row and column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.calibration.journey_tickets import journey_rates, rate_at, spread
from sim.calibration.plan import Plan
from sim.calibration.staffing_relation import PREFIX as RELATION_PREFIX
from sim.calibration.staffing_relation import StaffingRelation, parse
from sim.files.errors import InputError
from sim.files.yaml_reader import read_text
from sim.scenario.calendar import WEEKDAYS
from sim.scenario.clock import format_hhmm, format_period, parse_hhmm
from sim.scenario.loading import load_scenario, scenario_from_dict
from sim.scenario.model import Scenario

_TURNAROUND = re.compile(r"window turnaround ([0-9.]+) s added")
#: schedule steps (minutes) that keep a fractional hour's windows: 6.2 windows an hour
#: are 6 or 7 windows by 10 minutes, 6.17 on average (by half hours, 6 or 6.5)
SCHEDULE_MINUTES = 10
_CARRIED_COMMENTS = ("# Data source:", "# window turnaround", f"# {RELATION_PREFIX}")
#: the decimals :func:`current_plan` writes: a planned figure within half a unit of its
#: last place of the hall's own is the hall's own (an unchanged plan gives the hall back)
PLAN_DECIMALS = {"tickets": 2, "mean_service": 3, "windows": 3}


def _same(planned: float, own: float, name: str) -> bool:
    """Whether a planned figure is the hall's own as :func:`current_plan` writes it."""
    return abs(planned - own) <= 0.5 * 10.0 ** -PLAN_DECIMALS[name] + 1e-9


@dataclass
class Forecast:
    """The forecast scenario's text and what it carried and replaced."""

    text: str
    replaced: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    #: what was replaced, as keys (``tickets``, or ``tickets_journeys`` in a hall with
    #: journeys, ``day_factors``, ``service``, ``staff``),
    #: and the plan's hours (for pages that say it in their own language)
    keys: list[str] = field(default_factory=list)
    hours: list[int] = field(default_factory=list)
    #: the hall's opening periods, minutes from midnight (the plan's hours are clock
    #: hours: a page says them as the hall is open, 08:30-12:00, not 08:00-12:00)
    opening: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class _Hall:
    """The calibrated scenario on a grid of bins (minutes) over its opening."""

    scenario: Scenario
    data: dict
    starts: np.ndarray  # open bin starts, minutes
    step: int
    #: journey tickets per item, bin taken and bin started (:func:`spread`)
    journeys: np.ndarray

    @property
    def hours(self) -> np.ndarray:
        """Each open bin's hour of day."""
        return self.starts // 60

    def counts(self) -> np.ndarray:
        """Calibrated expected tickets per item and bin on an average day (items x bins)."""
        return np.array([[rate_at(cat.arrivals_per_hour, t) * self.step / 60.0
                          for t in self.starts] for cat in self.scenario.categories.values()])

    def journey_tickets(self, factor: np.ndarray | None = None) -> np.ndarray:
        """Expected journey tickets per item and bin taken on an average day (items x
        bins), the journeys' rates times ``factor`` per start bin (1 without)."""
        g = np.ones(len(self.starts)) if factor is None else factor
        return self.journeys @ g


def _grid(scenario: Scenario) -> _Hall:
    """Open bins on the coarsest grid that holds every key and opening bound (and hours)."""
    points = [60]
    for s, e in scenario.hall.periods:
        points += [int(s), int(e)]
    rates = [r for cat in scenario.categories.values()
             for r in (cat.arrivals_per_hour, cat.service_by_time)]
    for d in rates + [j.arrivals_per_hour for j in scenario.journeys.values()]:
        if isinstance(d, dict):
            points += [int(parse_hhmm(k)) for k in d]
    for g in scenario.windows:
        points += [int(t) for t, _ in g.staffing()]
    step = reduce(math.gcd, [p for p in points if p > 0], 60)
    starts = np.array(sorted(t for s, e in scenario.hall.periods
                             for t in range(int(s), int(e), step)), dtype=int)
    return _Hall(scenario, scenario.to_dict(), starts, step, spread(scenario, starts, step))


def _turnaround_minutes(text: str) -> float:
    m = _TURNAROUND.search(text)
    return float(m.group(1)) / 60.0 if m else 0.0


def _check(plan: Plan, hall: _Hall) -> None:
    """The plan's cells against the scenario (hours, items, weekdays, groups)."""
    sc = hall.scenario
    open_hours = set(int(h) for h in hall.hours)
    col = plan.columns
    opening = ", ".join(format_period(s, e) for s, e in sc.hall.periods)
    weekends = sc.calendar.weekends if sc.calendar else ("sat", "sun")
    for r in plan.rows.itertuples():
        if r.hour not in open_hours:
            raise InputError(plan.path, f"row {r.row}, column {col['hour']}",
                             f"hour {r.hour:02d}:00 is outside the opening hours ({opening})")
        if r.item and r.item not in sc.categories:
            raise InputError(plan.path, f"row {r.row}, column {col['item']}",
                             f"unknown item {r.item!r} (the scenario's items: "
                             f"{', '.join(sc.categories)})")
        if r.weekday >= 0 and WEEKDAYS[r.weekday] in weekends:
            raise InputError(plan.path, f"row {r.row}, column {col['weekday']}",
                             f"{WEEKDAYS[r.weekday]} is not a working day of the scenario "
                             f"(weekends: {', '.join(weekends)})")
    ids = [g.id for g in sc.windows]
    for g in plan.groups:
        if g not in ids:
            raise InputError(plan.path, f"column {col['group:' + g]}",
                             f"staff for window group {g!r}, but the scenario has no such "
                             f"group (groups: {', '.join(ids)})")
    if "weekday" in col:
        working = [w for w in range(7) if WEEKDAYS[w] not in weekends]
        missing = [WEEKDAYS[w] for w in working if w not in set(plan.rows["weekday"])]
        if missing:
            raise InputError(plan.path, f"column {col['weekday']}",
                             f"no row for the working day(s) {', '.join(missing)}: a plan by "
                             "weekday gives every working day")


def _one_per_hour(plan: Plan, name: str) -> pd.Series:
    """A per-hour figure (staff) given on item and weekday rows: the same on each."""
    rows = plan.rows[plan.rows[name].notna()]
    for _, part in rows.groupby("hour"):
        values = part[name].to_numpy()
        if np.ptp(values) > 0:
            bad = part.iloc[int(np.argmax(values != values[0]))]
            raise InputError(plan.path, f"row {int(bad['row'])}, column {plan.columns[name]}",
                             f"staff at {int(bad['hour']):02d}:00 differs from another row of "
                             "that hour (a scenario has one schedule for every day and item: "
                             "write one plan per day type)")
    return rows.groupby("hour")[name].first()


def _weekday_factors(plan: Plan, sc: Scenario) -> list[float] | None:
    """Day factors from the plan's weekday totals, in the scenario's calendar order."""
    if "weekday" not in plan.columns:
        return None
    totals = plan.rows.groupby("weekday")["tickets"].sum()
    weekends = sc.calendar.weekends if sc.calendar else ("sat", "sun")
    working = [w for w in range(7) if WEEKDAYS[w] not in weekends]
    start = sc.calendar.start.weekday() if sc.calendar and sc.calendar.start else working[0]
    first = working.index(start) if start in working else 0
    order = working[first:] + working[:first]
    mean = float(totals.reindex(order).mean())
    return [round(float(totals[w]) / mean, 4) for w in order]


def _shape(counts: np.ndarray, idx: list[int], in_hour: np.ndarray) -> np.ndarray:
    """How an hour's tickets of items ``idx`` fall on the items and the hour's bins (sums
    to 1): the calibrated counts, or the day's mix evenly when the hour has none."""
    block = counts[np.ix_(idx, in_hour)]
    if block.sum() <= 0:
        mix = counts[idx].sum(axis=1)
        mix = mix / mix.sum() if mix.sum() > 0 else np.full(len(idx), 1 / len(idx))
        block = np.outer(mix, np.full(int(in_hour.sum()), 1.0))
    return block / block.sum()


def _hour_factors(hall: _Hall, counts: np.ndarray, totals: dict[int, float]) -> np.ndarray:
    """The factor per bin that scales the planned hours' first tickets and the journeys
    starting in them so that each planned hour takes its total, journey steps counted
    in the hour they are taken (1 in the hours not planned; never below 0)."""
    hours = sorted(totals)
    if not hours:
        return np.ones(len(hall.starts))
    pick = np.array([hall.hours == h for h in hours], dtype=float)  # hours x bins
    taken = hall.journeys.sum(axis=0)  # bin taken x bin started
    own = pick @ counts.sum(axis=0)
    system = np.diag(own) + pick @ taken @ pick.T
    rest = 1.0 - pick.sum(axis=0)
    rhs = np.array([totals[h] for h in hours]) - pick @ taken @ rest
    factor = np.ones(len(hours))
    live = system.any(axis=0)
    if live.any():
        factor[live] = np.linalg.lstsq(system[:, live], rhs, rcond=None)[0]
    return pick.T @ np.maximum(factor, 0.0) + rest


def _tickets(plan: Plan, hall: _Hall, counts: np.ndarray,
             mean_factor: float) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """New expected first tickets per item and bin (items x bins, day factor 1), the
    journeys' factor per start bin, and the items replaced.

    A plan's tickets count journey steps in the hour they are taken. A total scales the
    hour's first tickets and the journeys starting in it by one factor (:func:`_hour_factors`);
    an item's figure less its journey steps taken in the hour is its first tickets."""
    rows = plan.rows
    n_weekdays = max(1, rows["weekday"].nunique())
    per = rows.groupby(["item", "hour"])["tickets"].sum() / n_weekdays / mean_factor
    totals = {int(h): float(v) for (item, h), v in per.items() if item == ""}
    own = counts + hall.journey_tickets()
    for h, v in totals.items():  # the hall's own total (as current_plan writes it): kept
        hall_own = float(own[:, hall.hours == h].sum())
        if _same(v * mean_factor, hall_own * mean_factor, "tickets"):
            totals[h] = hall_own
    factor = _hour_factors(hall, counts, totals)
    factor[np.abs(factor - 1.0) < 1e-9] = 1.0
    journeys = hall.journey_tickets(factor)
    new = counts * factor
    names = list(hall.scenario.categories)
    touched: set[str] = set(names) if totals and (factor != 1.0).any() else set()
    for (item, h), total in per.items():
        in_hour = hall.hours == h
        idx = list(range(len(names))) if item == "" else [names.index(item)]
        if item == "" and counts[:, in_hour].sum() > 0:
            continue  # scaled by the hour's factor
        rest = max(total - float(journeys[np.ix_(idx, in_hour)].sum()), 0.0)
        new[np.ix_(idx, in_hour)] = rest * _shape(counts, idx, in_hour)
        touched.update(names[i] for i in idx)
    return new, factor, [n for n in names if n in touched]


def _service(plan: Plan, hall: _Hall, counts: np.ndarray, turnaround: float) -> list[str]:
    """Scale ``service_by_time`` so each planned hour's mean occupancy is the plan's
    mean service plus the turnaround; return the items changed."""
    if not plan.has("mean_service"):
        return []
    rows = plan.rows[plan.rows["mean_service"].notna()]
    per = rows.groupby(["item", "hour"]).apply(
        lambda p: float(np.average(p["mean_service"], weights=p["tickets"] + 1e-12)),
        include_groups=False)
    cats = list(hall.scenario.categories.values())
    names = list(hall.scenario.categories)
    factor = np.array([c.service_factor_at(hall.starts.astype(float)) for c in cats])
    mean = np.array([c.service.mean for c in cats])
    changed: set[str] = set()
    for (item, h), m in per.items():
        in_hour = hall.hours == h
        idx = list(range(len(names))) if item == "" else [names.index(item)]
        w = counts[np.ix_(idx, in_hour)]
        occ = mean[idx, None] * factor[np.ix_(idx, in_hour)]
        model = float((w * occ).sum() / w.sum()) if w.sum() > 0 else float(occ.mean())
        if _same(m, max(model - turnaround, 0.0), "mean_service"):
            continue  # the hall's own mean service (as current_plan writes it): kept
        factor[np.ix_(idx, in_hour)] *= (m + turnaround) / model
        changed.update(names[i] for i in idx)
    for i, name in enumerate(names):
        if name in changed:
            hall.data["categories"][name]["service_by_time"] = {
                format_hhmm(t): round(float(f), 4) for t, f in zip(hall.starts, factor[i])}
    return [n for n in names if n in changed]


def _carry(x: np.ndarray) -> np.ndarray:
    """Whole windows per step from ``x`` (at least 0 each), each step's rounding remainder
    carried to the next: the running total stays within half a window of ``x``'s."""
    cum = np.floor(np.cumsum(x) + 0.5 + 1e-9)
    return np.diff(np.r_[0.0, cum]).astype(int)


def _level(steps: np.ndarray, total: float) -> np.ndarray:
    """``steps`` moved by one amount so that they sum to ``total``; a cut that would take
    a step below 0 leaves it at 0 and takes the rest from the others."""
    if total >= steps.sum():
        return steps + (total - steps.sum()) / len(steps)
    top = np.sort(steps)[::-1]
    for k in range(1, len(top) + 1):
        d = (total - top[:k].sum()) / k
        if k == len(top) or top[k] + d <= 0:
            return np.maximum(steps + d, 0.0)
    return np.zeros(len(steps))  # not reached


def _hour_steps(steps: np.ndarray, planned: float) -> np.ndarray:
    """An hour's whole windows per step for its planned mean windows: the hour's own
    ``steps`` when the planned window-steps round to theirs (the hour is unchanged),
    else each step plus the difference per step, the rounding remainder carried from
    step to step (the hour's shape kept; its window-steps the planned ones, rounded)."""
    target = math.floor(planned * len(steps) + 0.5 + 1e-9)
    if target == int(steps.sum()):
        return steps.copy()
    return _carry(_level(steps.astype(float), float(target)))


def _share_out(current: np.ndarray, totals: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The groups' whole windows (groups x steps) with step totals ``totals``: where a
    total differs from the current one, the windows added (or removed) are shared among
    the groups by their windows on duty at that step (by their counts when none is),
    largest remainders first; no window moves from one group to another and no group
    goes below 0."""
    new = current.copy()
    for j in np.flatnonzero(totals != current.sum(axis=0)):
        now = current[:, j]
        diff = int(totals[j] - now.sum())
        weight = (now if now.sum() > 0 else counts).astype(float)
        x = abs(diff) * weight / weight.sum()
        whole = np.floor(x + 1e-9).astype(int)
        room = whole < now if diff < 0 else np.ones(len(now), dtype=bool)
        order = sorted(np.flatnonzero(room), key=lambda g: (-(x[g] - whole[g]), -weight[g], g))
        for g in order[: abs(diff) - int(whole.sum())]:
            whole[g] += 1
        new[:, j] = now + np.sign(diff) * whole
    return new


def _schedule(starts: np.ndarray, row: np.ndarray) -> dict[str, int]:
    """A group's windows per step as a schedule: a key where the windows change."""
    out: dict[str, int] = {}
    last = None
    for t, v in zip(starts, row):
        if int(v) != last:
            out[format_hhmm(t)] = last = int(v)
    return out


def _staff(plan: Plan, hall: _Hall, relation: StaffingRelation | None) -> str:
    """Replace the groups' schedules in the planned hours whose windows differ from the
    hall's own (:func:`_hour_steps`, :func:`_share_out`); a description, or ``""`` when
    the plan gives no staff or keeps every schedule."""
    sc = hall.scenario
    groups = list(sc.windows)
    fine = math.gcd(hall.step, SCHEDULE_MINUTES)
    starts = np.array([t + k for t in hall.starts for k in range(0, hall.step, fine)])
    hours = starts // 60
    current = np.array([[g.staffed_at(float(t)) for t in starts] for g in groups], dtype=int)
    new = current.copy()
    if plan.groups:
        for gid in plan.groups:
            gi = [g.id for g in groups].index(gid)
            for h, v in _one_per_hour(plan, f"group:{gid}").items():
                at = hours == h
                new[gi, at] = _hour_steps(current[gi, at], float(v))
        how = "per group as given"
    else:
        name = "windows" if plan.has("windows") else "clerks_seen" if plan.has("clerks_seen") \
            else ""
        if not name:
            return ""
        per = _one_per_hour(plan, name)
        if name == "clerks_seen":
            if relation is None:
                raise InputError(plan.path, f"column {plan.columns[name]}",
                                 "clerks seen need the clerks-to-windows relation a calibration "
                                 "records in the scenario's comments (hallsim calibrate writes "
                                 "it); give windows instead")
            per = pd.Series(relation.windows(per.to_numpy()), index=per.index)
            how = (f"from clerks seen by windows = {relation.factor:.4f} x clerks seen "
                   "(the calibration's relation)")
        else:
            how = "as given"
        counts = np.array([g.count for g in groups])
        for h, v in per.items():
            at = hours == h
            totals = _hour_steps(current[:, at].sum(axis=0), float(v))
            new[:, at] = _share_out(current[:, at], totals, counts)
        how += ("; the difference shared among the groups by their windows on duty, none "
                "moved from one group to another")
    moved = (new != current).any(axis=1)
    if not moved.any():
        return ""
    for gi, g in enumerate(groups):
        if moved[gi]:
            entry = next(x for x in hall.data["windows"] if x["id"] == g.id)
            entry["schedule"] = _schedule(starts, new[gi])
            entry["count"] = max(int(g.count), int(new[gi].max()))
    changed = sorted(set(int(h) for h in hours[(new != current).any(axis=0)]))
    return (f"windows[].schedule at {hours_text(changed)} of "
            f"{', '.join(g.id for g, m in zip(groups, moved) if m)} ({how}; by {fine} min, "
            "each step of an hour moved by the planned difference, the rounding remainder "
            "carried from step to step; the planned hours whose windows are the hall's own "
            "kept step by step)")


def _write_journeys(hall: _Hall, factor: np.ndarray) -> list[str]:
    """Write the journeys whose rates ``factor`` (per start bin) changes; their names."""
    if np.allclose(factor[hall.journeys.sum(axis=(0, 1)) > 0], 1.0):
        return []
    rates = journey_rates(hall.scenario, hall.starts, factor)
    for name, rate in rates.items():
        hall.data["journeys"][name]["arrivals_per_hour"] = {
            format_hhmm(t): round(r, 4) for t, r in rate.items()}
    return list(rates)


def hour_runs(hours: list[int]) -> list[tuple[int, int]]:
    """Hours of day as runs of consecutive hours, each ``(first, last + 1)``."""
    runs: list[tuple[int, int]] = []
    for h in hours:
        if runs and runs[-1][1] == h:
            runs[-1] = (runs[-1][0], h + 1)
        else:
            runs.append((h, h + 1))
    return runs


def hours_text(hours: list[int]) -> str:
    """Hours of day as runs: ``09-12h, 14-17h`` (``no hour`` for none)."""
    if not hours:
        return "no hour"
    return ", ".join(f"{a:02d}-{b:02d}h" if b > a + 1 else f"{a:02d}h"
                     for a, b in hour_runs(hours))


def current_plan(calibrated: str | Path) -> pd.DataFrame:
    """The scenario's own hall written as a plan, to edit into next period's.

    One row per open hour: ``tickets``, the expected tickets of an average day (the
    arrival rates times the mean day factor), journey steps included in the hour they
    are taken (:mod:`sim.calibration.journey_tickets`), as the results document's
    ``by_hour.arrivals_per_day`` counts them; ``mean_service``, as a log shows it (the
    hour's ticket-weighted mean occupancy less the calibrated turnaround); ``windows``,
    the windows on duty over all groups, averaged over the hour's
    :data:`SCHEDULE_MINUTES` steps. Forecasting with it gives back the scenario's own
    arrival rates, service factors and every group's schedule and count; changing a
    figure changes that hour alone.
    """
    calibrated = Path(calibrated)
    hall = _grid(load_scenario(calibrated))
    sc = hall.scenario
    turnaround = _turnaround_minutes(read_text(calibrated))
    counts = hall.counts() + hall.journey_tickets()
    cats = list(sc.categories.values())
    occupancy = np.array([c.service.mean * c.service_factor_at(hall.starts.astype(float))
                          for c in cats])
    fine = math.gcd(hall.step, SCHEDULE_MINUTES)
    rows = []
    for h in sorted(set(int(x) for x in hall.hours)):
        in_hour = hall.hours == h
        n = counts[:, in_hour]
        mean = (float((n * occupancy[:, in_hour]).sum() / n.sum()) if n.sum() > 0
                else float(occupancy[:, in_hour].mean()))
        steps = [t + k for t in hall.starts[in_hour] for k in range(0, hall.step, fine)]
        windows = float(np.mean([sum(g.staffed_at(float(t)) for g in sc.windows)
                                 for t in steps]))
        rows.append({"hour": h,
                     "tickets": float(n.sum()) * float(np.mean(sc.hall.day_factors)),
                     "mean_service": max(mean - turnaround, 0.0), "windows": windows})
    return pd.DataFrame(rows).round(PLAN_DECIMALS)


def check_plan(calibrated: str | Path, plan: Plan) -> None:
    """The plan's cells against the calibrated scenario (hours within its opening, its
    items, working weekdays, window groups): InputError naming the row and column, as
    :func:`forecast` would raise it (the web page checks an uploaded plan at once)."""
    _check(plan, _grid(load_scenario(calibrated)))


def forecast(calibrated: str | Path, plan: Plan, name: str | None = None) -> Forecast:
    """The calibrated scenario carried to the plan's period (see the module doc)."""
    calibrated = Path(calibrated)
    hall = _grid(load_scenario(calibrated))  # a missing or bad file: InputError
    text = read_text(calibrated)
    sc = hall.scenario
    _check(plan, hall)
    counts = hall.counts()
    factors = _weekday_factors(plan, sc)
    mean_factor = float(np.mean(factors if factors else sc.hall.day_factors))
    new, factor, items = _tickets(plan, hall, counts, mean_factor)
    out = Forecast("")
    hours = sorted(set(int(h) for h in plan.rows["hour"]))
    for i, cname in enumerate(sc.categories):
        if cname in items:
            hall.data["categories"][cname]["arrivals_per_hour"] = {
                format_hhmm(t): round(float(c) * 60.0 / hall.step, 4)
                for t, c in zip(hall.starts, new[i])}
    journeys = _write_journeys(hall, factor)
    out.hours = hours
    out.opening = [(float(a), float(b)) for a, b in sc.hall.periods]
    if items:
        out.keys.append("tickets_journeys" if sc.journeys else "tickets")
        out.replaced.append(f"arrivals_per_hour of {', '.join(items)} at {hours_text(hours)} "
                            "(the plan's tickets, journey steps counted in the hour they are "
                            "taken; a total carried to items and journeys by the calibrated "
                            "mix and to the hour's bins by the calibrated shape)")
    if journeys:
        out.replaced.append(f"journeys.arrivals_per_hour of {', '.join(journeys)} (scaled "
                            "as the first tickets of the hour they start in)")
    if factors:
        out.keys.append("day_factors")
        hall.data["hall"]["day_factors"] = factors
        out.replaced.append("hall.day_factors (the plan's weekday totals over their mean)")
    turnaround = _turnaround_minutes(text)
    changed = _service(plan, hall, new + hall.journey_tickets(factor), turnaround)
    if changed:
        out.keys.append("service")
        out.replaced.append(f"service_by_time of {', '.join(changed)} (the hour's mean "
                            f"occupancy = the plan's mean service + the turnaround "
                            f"{60 * turnaround:.3g} s)")
    staff = _staff(plan, hall, parse(text))
    if staff:
        out.keys.append("staff")
        out.replaced.append(staff)
    out.carried = [
        *([] if items else ["arrival rates"]),
        "service families and CVs" + ("" if changed else ", means and time-of-day factors"),
        "patience", "window groups, authorisation sets and speed factors", "opening hours",
        "calendar, days and day_level_cv", "targets",
        *([] if factors else ["day_factors"]),
        *([] if staff else ["schedules"]),
        *([] if journeys else ["journeys"] if sc.journeys else []),
        "every hour and item the plan does not give",
    ]
    hall.data["name"] = name or f"{sc.name} - forecast for {Path(plan.path).name}"
    scenario_from_dict(hall.data, str(plan.path))  # the plan is the bad input if this fails
    header = [f"# Forecast by `hallsim forecast` from {calibrated.name} and the plan "
              f"{Path(plan.path).name}."]
    header += [f"# replaced: {r}" for r in out.replaced]
    header += [f"# carried from the calibration: {'; '.join(out.carried)}."]
    header += [line for line in text.splitlines() if line.startswith(_CARRIED_COMMENTS)]
    body = yaml.safe_dump(hall.data, allow_unicode=True, sort_keys=False, width=100)
    out.text = "\n".join(header) + "\n" + body
    return out
