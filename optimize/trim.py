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

Each **round** proposes one window fewer in every period (from the type with the
most windows open there whose removal has not yet fallen short there, keeping
every item with load served and ``min_windows`` met) and screens the trial plan on
the search seed (:func:`optimize.certify.search_cells`, with its extension of
undecided cells). A short cell puts back the window removed in the period just before it, if
one was (the queue carries over: the earlier removal is blamed first), else
the windows removed in its own periods, else the nearest earlier removal; that
proposal is not made again in that period (the next round tries the next
one); the screen repeats
until no cell is short or nothing is left removed. The surviving trial plan
then faces a final check on fresh seeds (pilot and pre-sized verdict, as in
certification); it replaces the certified plan only when every cell of that
verdict passes; otherwise the proposals its short cells blame (as in a screen)
are not made again, and the next round starts from the last certified plan. Each
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
MAX_ROUNDS = 6
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


def _balanced(problem: Problem, open_: dict[str, list[int]], p: int) -> dict[str, int]:
    """One window fewer in period ``p``, split over the types open there in proportion
    to the load of their home items (largest remainders; each keeps at least one)."""
    open_types = [t for t in problem.types if open_[t.id][p] > 0]
    total = sum(open_[t.id][p] for t in open_types) - 1
    weight = {t.id: sum(problem.load[problem.categories.index(c), p] for c in t.primary)
              for t in open_types}
    whole = sum(weight.values())
    if total < len(open_types) or whole <= 0:
        return {}
    spare = total - len(open_types)
    share = {k: spare * w / whole for k, w in weight.items()}
    counts = {k: 1 + int(v) for k, v in share.items()}
    for k in sorted(share, key=lambda k: -(share[k] - int(share[k])))[:total - sum(
            counts.values())]:
        counts[k] += 1
    return counts


def _proposals(problem: Problem, open_: dict[str, list[int]], p: int
               ) -> list[tuple[str, dict[str, int]]]:
    """Ways to open one window fewer in period ``p``, in the order tried: from the type
    with the most windows, the same total rebalanced over the open types (a chain's
    windows carry each other's overflow: an even ring beats a lopsided one), then from
    each other type. Each keeps every item with load served and ``min_windows`` met."""
    if sum(v[p] for v in open_.values()) <= problem.min_windows(p):
        return []
    items = problem.items_in(p)
    out: list[tuple[str, dict[str, int]]] = []
    for t in sorted(problem.types, key=lambda t: -open_[t.id][p]):
        n = open_[t.id][p]
        if n == 0:
            break
        served_else = {c for u in problem.types if u.id != t.id and open_[u.id][p] > 0
                       for c in u.serves}
        if n > 1 or all(c in served_else for c in items if c in t.serves):
            out.append((f"minus {t.id}", {t.id: n - 1}))
    balanced = _balanced(problem, open_, p)
    first = {k: open_[k][p] for k in balanced}
    if out:
        first.update(out[0][1])
    if balanced and balanced != first:
        out.insert(min(1, len(out)), ("balanced", balanced))
    return out


def _restore(problem: Problem, trial: dict[str, list[int]],
             removed: dict[int, tuple[str, dict[str, int]]], short: list[CellLevel],
             failed: set[tuple[int, str]]) -> None:
    """Put back the windows that short cells need (see module docstring)."""
    for cell in short:
        first = cell.periods[0]
        earlier = [p for p in removed if p < first
                   and problem.periods[p].day == problem.periods[first].day]
        here = [p for p in cell.periods if p in removed]
        if earlier and (not here or max(earlier) == first - 1):
            here = [max(earlier)]  # the queue carries over: the earlier removal goes first
        for p in here:
            label, before = removed.pop(p)
            for tid, n in before.items():
                trial[tid][p] = n
            failed.add((p, label))


def trim(problem: Problem, cert: Certification, seed: int, replications: int, workers: int = 1,
         report: Callable[[dict[str, Any]], None] | None = None) -> Certification:
    """Remove windows from a certified plan while a fresh verdict still certifies it
    (see the module docstring); returns the cheapest plan certified."""
    if problem.rosters or cert.status != "certified":
        return cert
    checks = sum(1 for it in cert.iterations if it["kind"] == "final check")
    failed: set[tuple[int, str]] = set()    # (period, type) whose removal fell short
    best = cert
    for _ in range(MAX_ROUNDS):
        trial = {k: list(v) for k, v in best.solution.open.items()}
        removed: dict[int, tuple[str, dict[str, int]]] = {}
        for p in range(len(problem.periods)):
            choice = next(((label, counts) for label, counts in _proposals(problem, trial, p)
                           if (p, label) not in failed), None)
            if choice is not None:
                removed[p] = (choice[0], {k: trial[k][p] for k in trial})
                for tid, n in choice[1].items():
                    trial[tid][p] = n
        if not removed:
            break
        for _screen in range(MAX_SCREENS):
            screened, _ = search_cells(problem, _with_open(problem, best.solution, trial),
                                       seed, replications, workers)
            short = [c for c in screened if c.short]
            if not short:
                break
            _restore(problem, trial, removed, short, failed)
            if not removed:
                break
        else:
            failed.update((p, label) for p, (label, _) in removed.items())
            continue
        if not removed:
            continue
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
        if any(c.short for c in check.cells):  # blame as a screen does; others may retry
            _restore(problem, trial, removed, [c for c in check.cells if c.short], failed)
            best = replace(best, iterations=iterations)
            continue
        best = Certification(candidate, "certified", iterations,
                             lowest_levels(problem, check.cells), best.cuts)
    return best
