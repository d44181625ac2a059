"""Staffing plans: the plan document (PLAN.json / PLAN.yaml) and the staffed scenario.

A plan says how many windows of each type are open in each period. Applied to
the hall it becomes a runnable scenario: one window group per staffed type, with
``count`` = the most windows it opens at once and a ``schedule`` of windows per
period start, its staff's ``speed`` factors and its authorisation set. The
terminal table of a plan document is :func:`sim.report.staffing_plan.plan_table`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from optimize.problem import Problem
from optimize.solve import Solution
from sim.scenario.clock import format_hhmm
from sim.scenario.model import Scenario, scenario_from_dict
from sim.scenario.regroup import set_window_groups


def headcount(problem: Problem, solution: Solution) -> int:
    """Staff needed: shifts worked, or (without shifts) each type's peak windows, summed."""
    if solution.shifts:
        return int(sum(sum(v.values()) for v in solution.shifts.values()))
    return int(sum(max(v, default=0) for v in solution.open.values()))


def window_hours(problem: Problem, solution: Solution) -> float:
    """Staffed window-hours per day."""
    return float(sum(n * per.hours for v in solution.open.values()
                     for n, per in zip(v, problem.periods)))


def _schedule(problem: Problem, counts: list[int], day: int = 0) -> dict[str, int]:
    out: dict[str, int] = {}
    last = None
    for n, per in zip(counts, problem.periods):
        if per.day != day:
            continue
        if n != last:
            out[format_hhmm(per.start)] = int(n)
            last = n
    return out


def busiest_day(problem: Problem, solution: Solution) -> int:
    """The week day with the most window-hours (0 without a week model)."""
    hours: dict[int, float] = {}
    for counts in solution.open.values():
        for n, per in zip(counts, problem.periods):
            hours[per.day] = hours.get(per.day, 0.0) + n * per.hours
    return max(hours, key=lambda d: (hours[d], -d)) if hours else 0


def staffed_scenario(problem: Problem, solution: Solution, name: str | None = None,
                     day: int | None = None,
                     labels: Mapping[str, str] | None = None) -> Scenario:
    """The hall staffed by the plan, as a validated scenario ``hallsim run`` accepts.

    A window group is labelled with the hall's own name for its work
    (:func:`type_label`), else with its entry of ``labels`` (the reader's name for a
    structure's type, "全事项综合窗口" for ``FULL``, which the caller words), else not.

    With a week model the simulator's hall has one schedule for every day: the
    schedule of week day ``day`` is written (by default the plan's busiest day,
    the one with the most window-hours). A hall with a floor plan keeps it, the plan's
    window groups standing at the hall's windows that did their work
    (:func:`sim.scenario.regroup.regrouped_windows`), so walking is certified too.
    """
    data = problem.scenario.to_dict()
    windows: list[dict[str, Any]] = []
    covered: set[str] = set()
    day = busiest_day(problem, solution) if day is None else day
    for t in problem.types:
        counts = [n for n, per in zip(solution.open.get(t.id, []), problem.periods)
                  if per.day == day]
        if not counts or max(counts) == 0:
            continue
        windows.append(_group(problem, t.id, max(counts),
                              _schedule(problem, solution.open[t.id], day), labels))
        covered.update(t.serves)
    for c in problem.categories:  # items with no load in any period: keep the file valid
        if c not in covered:
            t = next(t for t in problem.types if c in t.serves)
            zero = {format_hhmm(problem.periods[0].start): 0}
            windows.append(_group(problem, t.id, 1, zero, labels))
            covered.update(t.serves)
    set_window_groups(data, problem.scenario, windows)
    data["name"] = name or f"{problem.scenario.name}-staffed"
    return scenario_from_dict(data, "<staffed plan>")


def type_label(problem: Problem, type_id: str) -> str | None:
    """The hall's own name for a window type's work: the display name (``label``, else
    the id) of the one window group of the scenario that serves exactly the type's
    items (DED-market_regulation of a hall whose 市场监管窗口 serves the department's items
    reads 市场监管窗口); None when no group, or more than one, does."""
    t = next(t for t in problem.types if t.id == type_id)
    sc = problem.scenario
    same = [g for g in sc.windows if set(sc.authorisation.serves(g.id)) == set(t.serves)]
    if len(same) != 1:
        return None
    name = same[0].label or same[0].id
    return name if name != t.id else None


def _group(problem: Problem, type_id: str, count: int, schedule: dict[str, int],
           labels: Mapping[str, str] | None = None) -> dict:
    t = next(t for t in problem.types if t.id == type_id)
    group: dict[str, Any] = {"id": t.id, "count": int(count), "serves": list(t.serves)}
    label = type_label(problem, t.id) or (labels or {}).get(t.id)
    if label is not None:
        group["label"] = label
    if list(t.primary) != list(t.serves[:1]):
        group["primary"] = list(t.primary)
    if any(n != count for n in schedule.values()) or len(schedule) > 1:
        group["schedule"] = schedule
    if t.speed:
        group["speed"] = dict(t.speed)
    return group


def plan_document(problem: Problem, solution: Solution, status: str | None = None,
                  service_level: dict[str, Any] | None = None,
                  iterations: list[dict[str, Any]] | None = None,
                  short_cells: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The plan as plain data (the PLAN.json contract; PLAN.yaml holds the same)."""
    labels = [p.label for p in problem.periods]
    doc: dict[str, Any] = {
        "status": status or solution.status,
        "scenario": problem.scenario.name,
        "cost": None if solution.cost is None else round(solution.cost, 6),
        "headcount": headcount(problem, solution) if solution.cost is not None else None,
        "window_hours": round(window_hours(problem, solution), 4)
        if solution.cost is not None else None,
        "period_minutes": problem.spec.period_minutes,
        "periods": labels,
        "targets": {c: t.describe() for c, t in problem.targets.items()},
        "windows": {},
    }
    doc["lp_bound"] = _round(solution.lp_bound)
    doc["bound"] = _round(solution.bound)
    doc["gap"] = _round(solution.gap)
    doc["desks"] = desks_report(problem, solution)
    if solution.diagnosis:
        doc["diagnosis"] = solution.diagnosis
    for t in problem.types:
        counts = solution.open.get(t.id)
        if not counts or max(counts) == 0:
            continue
        entry: dict[str, Any] = {
            "structure": t.structure,
            "serves": list(t.serves),
            **({"label": label} if (label := type_label(problem, t.id)) else {}),
            "cost_per_hour": t.cost_per_hour,
            "extra_authorisations": t.extra_authorisations,
            "max": max(counts),
            "per_period": dict(zip(labels, counts)),
        }
        if t.speed:
            entry["speed"] = dict(t.speed)
        doc["windows"][t.id] = entry
    if problem.rosters:  # shifts, or a week model's rosters (who starts on which day)
        doc["shifts"] = {k: {j: n for j, n in v.items() if n}
                         for k, v in solution.shifts.items() if any(v.values())}
    doc["offered_load"] = {c: {lab: round(float(problem.load[i, p]), 4)
                               for p, lab in enumerate(labels)}
                           for i, c in enumerate(problem.categories)}
    doc["allocation"] = {c: {k: {lab: round(v, 4) for lab, v in zip(labels, row) if v > 1e-9}
                             for k, row in rows.items() if max(row) > 1e-9}
                         for c, rows in solution.allocation.items()}
    if service_level is not None:
        doc["service_level"] = service_level
    if short_cells:
        doc["short_cells"] = short_cells
    doc["iterations"] = iterations or []
    doc["solver"] = {"name": solution.solver, "build_seconds": round(solution.build_seconds, 3),
                     "solve_seconds": round(solution.solve_seconds, 3), **solution.stats}
    return doc


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def desks_report(problem: Problem, solution: Solution) -> dict[str, Any]:
    """The desk limit, where it came from, and the periods in which it binds (all
    desks open)."""
    limit = problem.desks
    binding: list[str] = []
    if limit is not None and solution.cost is not None:
        for p, per in enumerate(problem.periods):
            if sum(v[p] for v in solution.open.values()) >= limit:
                binding.append(per.label)
    return {"limit": limit, "source": problem.desks_source, "binding": binding}


#: the first line of a staffed scenario (``hallsim optimize --scenario-out``): where it
#: came from, the plan's status and cost, and, for a plan simulated in certification,
#: the day factors of the days simulated
HEADER = re.compile(r"^# Staffed by hallsim optimize from (?P<source>.*) \(status "
                    r"(?P<status>\w+), cost [^;)]*(?:; simulated on day factors "
                    r"(?P<factors>[0-9.eE+-]+(?:, [0-9.eE+-]+)*))?\)\.$", re.MULTILINE)


def certified_day_factors(problem: Problem) -> tuple[float, ...]:
    """The arrival factors of the days certification simulates the plan on
    (:func:`optimize.certify.simulate_plan`): each week day's own with a week model,
    else the hall's factors over ``certify.days`` (default: the hall's days); sorted."""
    from optimize.problem import day_factor

    spec = problem.spec
    if spec.week is not None:
        found = {day_factor(problem.scenario, spec, d) for d in range(len(spec.week.days))}
    else:
        hall = problem.scenario.hall
        found = {hall.day_factor(d) for d in range(spec.certify.days or hall.days)}
    return tuple(sorted(float(f) for f in found))


def staffed_header(source: str, problem: Problem, doc: dict[str, Any]) -> str:
    """The first line of a staffed scenario file (:data:`HEADER`); a plan that was
    simulated in certification names the day factors it was simulated on."""
    simulated = ""
    if doc["status"] in ("certified", "not_certified"):
        simulated = "; simulated on day factors " + ", ".join(
            f"{f:g}" for f in certified_day_factors(problem))
    return (f"# Staffed by hallsim optimize from {source} (status {doc['status']}, cost "
            f"{doc['cost']:.2f}{simulated}).\n")


def staffed_origin(text: str) -> dict[str, Any] | None:
    """What a staffed scenario's first line (:func:`staffed_header`) says: ``source``,
    ``status`` and the ``factors`` it was simulated on (empty when not simulated);
    None for a scenario the optimiser did not write."""
    m = HEADER.search(text.split("\n", 1)[0])
    if m is None:
        return None
    factors = tuple(float(f) for f in m["factors"].split(", ")) if m["factors"] else ()
    return {"source": m["source"], "status": m["status"], "factors": factors}
