"""Solve the staffing MILP (CBC or HiGHS) and explain infeasibility.

:func:`solve` builds and solves the model and returns a :class:`Solution` with
windows per type and period, shift counts and the load allocation.
:func:`diagnose` explains an infeasible problem in terms a planner can act on:
the items no window type may serve, the periods whose load the desks cannot
carry (with the items that have load there), or periods no shift covers.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from optimize.model import Cut, Model, build_model, covers
from optimize.problem import Problem

SOLVERS = ("cbc", "highs")


@dataclass
class Solution:
    """A solved (or failed) MILP.

    ``open[type_id]`` lists windows open per period; ``needed`` the windows the
    queueing constraint relies on (equal to ``open`` without shifts);
    ``allocation[category][type_id]`` the erlangs routed per period.
    """

    status: str
    cost: float | None
    open: dict[str, list[int]] = field(default_factory=dict)
    needed: dict[str, list[int]] = field(default_factory=dict)
    shifts: dict[str, dict[str, int]] = field(default_factory=dict)
    allocation: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    solver: str = "cbc"
    stats: dict[str, int] = field(default_factory=dict)
    diagnosis: str = ""


def make_solver(name: str, time_limit: float | None, gap: float | None,
                warm_start: bool = False):
    """A PuLP solver object; ``highs`` needs the ``highspy`` package.

    ``warm_start`` passes the variables' initial values to the solver as a
    starting plan (CBC and HiGHS through PuLP both accept one).
    """
    import pulp

    if name == "highs":
        solver = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=gap, warmStart=warm_start)
        if not solver.available():
            raise ValueError("the HiGHS solver needs the highspy package (pip install highspy)")
        return solver
    if name == "cbc":
        with warnings.catch_warnings():  # PuLP 3 flags its bundled CBC for PuLP 4
            warnings.simplefilter("ignore", DeprecationWarning)
            return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=gap,
                                     warmStart=warm_start)
    raise ValueError(f"unknown solver '{name}' (choose one of {', '.join(SOLVERS)})")


def unserved_items(problem: Problem) -> list[str]:
    """Categories with load that no candidate type may serve."""
    served = {c for t in problem.types for c in t.serves}
    return [c for i, c in enumerate(problem.categories)
            if problem.load[i].sum() > 0 and c not in served]


def coupled(problem: Problem) -> bool:
    """Whether periods interact: shifts or training costs tie them; else each is separate."""
    spec = problem.spec
    return bool(spec.shifts) or (spec.training_cost > 0
                                 and any(t.extra_authorisations for t in problem.types))


def solve(problem: Problem, cuts: list[Cut] | None = None, solver: str | None = None,
          time_limit: float | None = None, gap: float | None = None,
          lp_path: str | Path | None = None) -> Solution:
    """Build and solve the MILP; ``status`` is ``optimal``, ``feasible`` or ``infeasible``.

    ``feasible`` means the time limit stopped the solver with a plan that is not
    proven optimal. Solver, time limit and gap default to the spec's. Without
    shifts or training costs the periods do not interact, and the model is solved
    period by period (the same optimum; branch-and-bound on independent blocks
    together scales badly); ``lp_path`` always receives the whole model.
    """
    import pulp

    spec = problem.spec
    name = solver or spec.solver.name
    limit = spec.solver.time_limit if time_limit is None else time_limit
    rel_gap = spec.solver.gap if gap is None else gap
    cuts = list(cuts or [])
    missing = unserved_items(problem)
    if missing:
        return Solution("infeasible", None, solver=name,
                        diagnosis=f"no window type may serve {', '.join(missing)}")
    n_periods = len(problem.periods)
    out = Solution("optimal", 0.0, solver=name)
    for t in problem.types:
        out.needed[t.id] = [0] * n_periods
        out.open[t.id] = [0] * n_periods
    out.allocation = {c: {} for c in problem.categories}
    blocks = [None] if coupled(problem) else [(p,) for p in range(n_periods)]
    if lp_path is not None:
        from sim.spec.files import atomic_path

        with atomic_path(lp_path) as tmp:
            build_model(problem, cuts).lp.writeLP(str(tmp))
    deadline = time.perf_counter() + limit
    warm = _period_plan(problem, cuts, name, limit / 4, rel_gap) \
        if blocks == [None] and not spec.shifts else None
    for block in blocks:
        started = time.perf_counter()
        model = build_model(problem, cuts, periods=block)
        if warm:
            _set_initial(model, warm)
        built = time.perf_counter()
        left = max(1.0, deadline - built)
        model.lp.solve(make_solver(name, left, rel_gap, warm_start=bool(warm)))
        out.build_seconds += built - started
        out.solve_seconds += time.perf_counter() - built
        for key, value in model.stats.items():
            out.stats[key] = out.stats.get(key, 0) + value
        status = model.lp.sol_status
        if status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            out.status, out.cost = "infeasible", None
            out.diagnosis = diagnose(problem, cuts, name)
            return out
        if status != pulp.LpSolutionOptimal:
            out.status = "feasible"
        out.cost += float(pulp.value(model.lp.objective) or 0.0)
        _read(problem, model, out)
    return out


def _period_plan(problem: Problem, cuts: list[Cut], name: str, limit: float,
                 gap: float) -> dict[str, float] | None:
    """A starting plan for a model whose periods are tied only by training costs.

    Solving each period on its own gives windows, pools and routing that are
    feasible for the whole day; people holding a type are then the most
    windows of it open in any period. The solver starts from this plan, so the
    coupled model never returns worse than period-by-period staffing, even when
    its time limit stops it before optimality.
    """
    import pulp

    values: dict[str, float] = {}
    per = max(0.5, limit / max(1, len(problem.periods)))
    for p in range(len(problem.periods)):
        model = build_model(problem, cuts, periods=(p,))
        model.lp.solve(make_solver(name, per, gap))
        if model.lp.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            return None
        for var in model.lp.variables():
            if var.varValue is not None and not var.name.startswith("h_"):
                values[var.name] = float(var.varValue)
    return values


def _set_initial(model: Model, values: dict[str, float]) -> None:
    """Give every variable of ``model`` its value in ``values`` (holders: the day's peak)."""
    peak: dict[str, float] = {}
    for var in model.n.values():  # named n_<type>_<period>; holders h_<type>
        tname = var.name[len("n_"):].rsplit("_", 1)[0]
        peak[f"h_{tname}"] = max(peak.get(f"h_{tname}", 0.0), values.get(var.name, 0.0))
    for var in model.lp.variables():
        if var.name in values:
            var.setInitialValue(round(values[var.name]) if var.cat == "Integer"
                                else values[var.name])
        elif var.name.startswith("h_"):
            var.setInitialValue(round(peak.get(var.name, 0.0)))
        elif var.cat == "Integer":
            var.setInitialValue(0)
        else:
            var.setInitialValue(0.0)


def _read(problem: Problem, model: Model, out: Solution) -> None:
    """Copy a solved model's values into ``out``."""
    import pulp

    n_periods = len(problem.periods)
    for k, t in enumerate(problem.types):
        for p in model.periods:
            out.needed[t.id][p] = int(round(model.n[k, p].value() or 0))
            out.open[t.id][p] = int(round(pulp.value(model.open[k, p]) or 0))
        if model.shifts:
            out.shifts[t.id] = {j: int(round(model.shifts[k, j].value() or 0))
                                for (kk, j) in model.shifts if kk == k}
    for (i, k, p), var in model.x.items():
        row = out.allocation[problem.categories[i]].setdefault(problem.types[k].id,
                                                                [0.0] * n_periods)
        row[p] = float(var.value() or 0.0)


def diagnose(problem: Problem, cuts: list[Cut], solver: str = "cbc") -> str:
    """Why the problem is infeasible: periods and items, in one sentence each."""
    missing = unserved_items(problem)
    if missing:
        return f"no window type may serve {', '.join(missing)}"
    spec = problem.spec
    reasons = []
    for p, per in enumerate(problem.periods):
        model = build_model(problem, cuts, periods=(p,), use_shifts=False)
        model.lp.solve(make_solver(solver, 30.0, None))
        if model.lp.sol_status not in (1, 2):
            items = problem.items_in(p)
            total = float(np.sum(problem.load[:, p]))
            desks = f"the {spec.desks} desks" if spec.desks is not None else "the window types"
            reasons.append(f"period {per.label}: {desks} cannot carry the load of "
                           f"{', '.join(items)} ({total:.2f} erlangs) at the service level")
    if reasons:
        return "; ".join(reasons[:6]) + (f"; and {len(reasons) - 6} more periods"
                                         if len(reasons) > 6 else "")
    if spec.shifts:
        bare = [(per.label, problem.items_in(p)) for p, per in enumerate(problem.periods)
                if problem.items_in(p)
                and not any(covers(s, per.start, per.end) for s in spec.shifts.values())]
        if bare:
            return "no shift template covers " + "; ".join(
                f"period {label} (items {', '.join(items)})" for label, items in bare[:6])
        return "the shift templates cannot staff every period within the desk limit"
    return "the solver found no feasible plan"
