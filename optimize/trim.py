"""Trimming a certified plan: remove windows whose removal still certifies.

Certification only ever adds windows (its cuts), so noise in a search run, or a
queueing model that understates what a structure carries (chains sized as
separate pools, when in the hall a busy chain window's item overflows to the
neighbouring types that share it), leaves windows the plan does not need.
Trimming takes them back out, judged by simulation alone, like the iterative
staffing algorithm of Feldman, Mandelbaum, Massey and Whitt (2008, "Staffing of
time-varying queues to achieve time-stable performance", Management Science
54(2)), which moves staffing down as well as up until the simulated service
level just meets the target.

Each **round** proposes one window fewer in every period not yet known to need
its windows (from the type with the most windows open there, keeping every
item with load served and ``min_windows`` met) and screens the trial plan on
the search seed (:func:`optimize.certify.search_cells`, with its extension of
undecided cells). A short cell puts its window back in its period (or, when no
window was removed there, in the nearest earlier period that lost one: the
queue carries over), and that period is not proposed again; the screen repeats
until no cell is short or nothing is left removed. The surviving trial plan
then faces a final check on fresh seeds (pilot and pre-sized verdict, as in
certification); it replaces the certified plan only when every cell of that
verdict passes, otherwise trimming stops with the last certified plan. Each
verdict run is new and sized before it is simulated, so the plan returned
keeps a verdict with 95 % coverage per cell.

Plans staffed by rosters (shifts or a week model) are not trimmed: their cost
is in whole shifts, which one window fewer in a period does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from optimize.certify import (
    FRESH_SEED_STEP,
    CellLevel,
    Certification,
    final_check,
    iteration_record,
    lowest_levels,
    search_cells,
)
from optimize.problem import Problem
from optimize.solve import Solution

#: most trimming rounds (each removes at most one window per period)
MAX_ROUNDS = 4
#: most screening runs within one round
MAX_SCREENS = 4


def plan_cost(problem: Problem, open_: dict[str, list[int]]) -> float:
    """Cost of windows paid by the hour: window-hours times each type's cost per hour,
    plus the training cost of the people holding each type (its peak windows)."""
    cost = 0.0
    for t in problem.types:
        counts = open_.get(t.id, [])
        cost += sum(n * t.cost_per_hour * per.hours for n, per in zip(counts, problem.periods))
        if problem.spec.training_cost > 0 and t.extra_authorisations:
            cost += (problem.spec.training_cost * t.extra_authorisations
                     * max(counts, default=0))
    return cost


def _with_open(problem: Problem, solution: Solution, open_: dict[str, list[int]]) -> Solution:
    """``solution`` with windows ``open_`` (its MILP bounds no longer apply)."""
    counts = {k: list(v) for k, v in open_.items()}
    return replace(solution, open=counts, needed={k: list(v) for k, v in counts.items()},
                   cost=plan_cost(problem, counts), bound=None, lp_bound=None)


def _removal(problem: Problem, open_: dict[str, list[int]], p: int) -> str | None:
    """The type to open one window fewer in period ``p``, or None when every window
    there is needed to serve each item with load and meet ``min_windows``."""
    if sum(v[p] for v in open_.values()) <= problem.min_windows(p):
        return None
    items = problem.items_in(p)
    for t in sorted(problem.types, key=lambda t: -open_[t.id][p]):
        if open_[t.id][p] == 0:
            return None
        if open_[t.id][p] > 1:
            return t.id
        served_else = {c for u in problem.types if u.id != t.id and open_[u.id][p] > 0
                       for c in u.serves}
        if all(c in served_else for c in items if c in t.serves):
            return t.id
    return None


def _restore(problem: Problem, trial: dict[str, list[int]], removed: dict[int, str],
             short: list[CellLevel], fixed: set[int]) -> None:
    """Put back the windows that short cells need (see module docstring)."""
    for cell in short:
        here = [p for p in cell.periods if p in removed]
        if not here:
            earlier = [p for p in removed if p < cell.periods[0]
                       and problem.periods[p].day == problem.periods[cell.periods[0]].day]
            here = [max(earlier)] if earlier else []
        for p in here:
            trial[removed.pop(p)][p] += 1
            fixed.add(p)


def trim(problem: Problem, cert: Certification, seed: int, replications: int, workers: int = 1,
         report: Callable[[dict[str, Any]], None] | None = None) -> Certification:
    """Remove windows from a certified plan while a fresh verdict still certifies it
    (see the module docstring); returns the cheapest plan certified."""
    if problem.rosters or cert.status != "certified":
        return cert
    checks = sum(1 for it in cert.iterations if it["kind"] == "final check")
    fixed: set[int] = set()
    best = cert
    for _ in range(MAX_ROUNDS):
        trial = {k: list(v) for k, v in best.solution.open.items()}
        removed: dict[int, str] = {}
        for p in range(len(problem.periods)):
            tid = None if p in fixed else _removal(problem, trial, p)
            if tid is None:
                fixed.add(p)
                continue
            trial[tid][p] -= 1
            removed[p] = tid
        for _screen in range(MAX_SCREENS):
            if not removed:
                break
            screened, _ = search_cells(problem, _with_open(problem, best.solution, trial),
                                       seed, replications, workers)
            short = [c for c in screened if c.short]
            if not short:
                break
            _restore(problem, trial, removed, short, fixed)
        else:
            removed = {}
        if not removed:
            break
        candidate = _with_open(problem, best.solution, trial)
        checks += 1
        used = seed + FRESH_SEED_STEP * checks
        check = final_check(problem, candidate, used, replications, workers)
        record = iteration_record(problem, candidate, check.cells, "trim check", used,
                         len(best.iterations) + 1)
        record["windows_removed"] = len(removed)
        if check.pilot:
            record["pilot_replications"] = check.pilot
        if report:
            report(record)
        iterations = [*best.iterations, record]
        if any(c.short for c in check.cells):
            fixed.update(removed)
            best = replace(best, iterations=iterations)
            continue
        best = Certification(candidate, "certified", iterations,
                             lowest_levels(problem, check.cells), best.cuts)
    return best
