"""A starting plan from per-period Erlang sizes, so the solver always has a plan to improve.

For one period, two simple plans are sized with the staffing tables: every item
in its most specialised type (fewest items served), and every item in its most
pooled type (most items served). Each pool gets the fewest windows whose
``Lmax`` carries its speed-adjusted load; certification cuts and window floors
are met by widening pools. The cheaper plan is handed to the solver as a MIP
start: the solver can only improve on it, so a time limit never leaves a
feasible hall without a plan, and the branch-and-bound prunes against a good
incumbent from its first node. A period the time limit leaves no solver time
for keeps this plan as it is (:func:`erlang_plan`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optimize.milp import Cut, Model
from optimize.problem import Problem
from sim.stats.sizing import windows_needed


@dataclass(frozen=True)
class ErlangPlan:
    """One period's Erlang-sized plan: windows per type index, the type each item
    with load is routed to (item index -> type index), and its cost."""

    size: dict[int, int]
    route: dict[int, int]
    cost: float


def _plan(problem: Problem, p: int, pick: Any) -> dict[int, list[int]]:
    """Types chosen for each item with load in ``p``: type index -> item indices."""
    chosen: dict[int, list[int]] = {}
    for i, c in enumerate(problem.categories):
        if problem.load[i, p] <= 0:
            continue
        serving = [k for k, t in enumerate(problem.types) if c in t.serves]
        if not serving:
            return {}
        chosen.setdefault(pick(serving), []).append(i)
    return chosen


def erlang_plan(problem: Problem, p: int, cuts: list[Cut],
                limits: dict[tuple[int, int], int] | None = None) -> ErlangPlan | None:
    """The cheaper Erlang-sized plan for period ``p``; ``None`` when neither fits the
    desks, or the pool limits ``limits`` (a model's, when given)."""
    types = problem.types
    sizes = [len(t.serves) for t in types]
    best: ErlangPlan | None = None

    def specialised(ks: list[int]) -> int:
        return min(ks, key=lambda j: (sizes[j], types[j].cost_per_hour))

    def pooled(ks: list[int]) -> int:
        return max(ks, key=lambda j: (sizes[j], -types[j].cost_per_hour))

    for pick in (specialised, pooled):
        chosen = _plan(problem, p, pick)
        if not chosen:
            continue
        size: dict[int, int] = {}
        for k, items in chosen.items():
            t = types[k]
            load = sum(t.factor(problem.categories[i]) * problem.load[i, p] for i in items)
            size[k] = windows_needed(load, problem.pool_service[t.id], problem.pool_target(t))
        for cut in cuts:
            if cut.period != p:
                continue
            have = sum(size.get(k, 0) for k, t in enumerate(types) if cut.category in t.serves)
            if have < cut.at_least:
                k = next((k for k in size if cut.category in types[k].serves), None)
                if k is None:
                    k = next(k for k, t in enumerate(types) if cut.category in t.serves)
                size[k] = size.get(k, 0) + cut.at_least - have
        floor = problem.min_windows(p)
        if sum(size.values()) < floor and size:
            k = next(iter(size))
            size[k] += floor - sum(size.values())
        if limits is not None and any(m > limits.get((k, p), 0) for k, m in size.items()):
            continue
        if problem.desks is not None and sum(size.values()) > problem.desks:
            continue
        cost = sum(m * types[k].cost_per_hour * problem.periods[p].hours
                   for k, m in size.items())
        if best is None or cost < best.cost:
            route = {i: k for k, items in chosen.items() for i in items}
            best = ErlangPlan({k: m for k, m in size.items() if m > 0}, route, cost)
    return best


def period_start(problem: Problem, model: Model, p: int,
                 cuts: list[Cut]) -> tuple[dict[str, float], float] | None:
    """Variable values (by name) of the cheaper Erlang-sized plan for period ``p``, and
    its cost; ``None`` when neither fits the model's pool limits and desks."""
    plan = erlang_plan(problem, p, cuts, model.n_max)
    if plan is None:
        return None
    values: dict[str, float] = {}
    for i, k in plan.route.items():
        values[model.x[i, k, p].name] = float(problem.load[i, p])
    for k, m in plan.size.items():
        values[model.n[k, p].name] = float(m)
        values[model.y[k, p][m].name] = 1.0
    return values, plan.cost
