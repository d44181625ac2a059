"""Solve the staffing MILP (CBC or HiGHS), honestly: status, bound and gap.

:func:`solve` builds and solves the model and returns a :class:`Solution` with
windows per type and period, roster counts, the load allocation, and the
quality of the answer:

- ``status``: ``optimal`` (proven within the requested gap), ``feasible`` (the
  time limit stopped the solver with a plan not proven within the gap),
  ``time_limit`` (the time limit stopped the solver before any plan was found:
  nothing is known about feasibility), ``infeasible`` (the solver proved that no
  plan exists; :func:`diagnose` says why);
- ``lp_bound``: the optimum of the LP relaxation (a lower bound on the cost);
- ``bound``: the best lower bound proven (the solver's dual bound, at least the
  LP bound); ``gap = (cost - bound) / cost``.

Without rosters or training costs the periods do not interact: each period is a
block solved on its own (the same optimum), and periods whose MILPs are identical
(same loads, length, floor and cuts) are solved once. The time limit is the solve's total
wall time (model building included) and is shared fairly: each block gets its
share of what remains (``remaining / blocks left``), so time a quick block does
not use passes to the later ones. Periods without an Erlang-sized starting plan
that fits (where the desks bind) go first and count :data:`NO_START_WEIGHT`
times in that division: the solver must find their plan itself, while every
other period already has one. A block whose share ends before the solver
finds any plan is retried, after the first pass, with an equal share of all the
time then left; only a block still without a plan then makes the status
``time_limit``, and the message says what each attempt had. A block left less
than :data:`MIN_SOLVER_SECONDS` (after the longest model build so far) keeps its
Erlang-sized starting plan
(:func:`optimize.start.erlang_plan`) without a solver call, so the limit holds
even when it is shorter than the model takes to solve (status ``feasible``, no
bound; the message names those periods).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from optimize.milp import Cut, Model, build_model
from optimize.problem import Problem
from optimize.rosters import covers
from optimize.start import ErlangPlan, erlang_plan, period_start

SOLVERS = ("cbc", "highs")
#: a block left less solver time than this keeps its Erlang-sized starting plan
MIN_SOLVER_SECONDS = 0.05
#: a period without an Erlang-sized starting plan that fits (the desks bind) counts as
#: this many periods when the time is shared: the solver must find its plan itself
NO_START_WEIGHT = 3.0


@dataclass
class Solution:
    """A solved (or failed) MILP.

    ``open[type_id]`` lists windows open per period; ``needed`` the windows the
    queueing constraint relies on (equal to ``open`` without rosters);
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
    lp_bound: float | None = None
    bound: float | None = None
    time_limit: float | None = None

    @property
    def gap(self) -> float | None:
        """Relative gap ``(cost - bound) / cost`` (0 for a zero-cost plan)."""
        if self.cost is None or self.bound is None:
            return None
        if self.cost <= 1e-9:
            return 0.0
        return max(0.0, (self.cost - self.bound) / self.cost)


_BANNER_SILENCED = False


@contextlib.contextmanager
def _stdout_fd_silenced():
    """Send file descriptor 1 to the null device (C libraries print there directly)."""
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _silence_highs_banner() -> None:
    """HiGHS prints its banner to stdout when its first instance is made in a process,
    before any option can turn output off: make that first instance with stdout closed."""
    global _BANNER_SILENCED
    if _BANNER_SILENCED:
        return
    import highspy

    try:
        with _stdout_fd_silenced():
            highspy.Highs()
    except OSError:  # no file descriptor 1 to redirect: nothing to protect
        pass
    _BANNER_SILENCED = True


def _highs_class():
    """PuLP's HiGHS interface with output off, a starting plan and the dual bound."""
    import pulp

    class QuietHighs(pulp.HiGHS):  # type: ignore[misc, valid-type]
        """HiGHS without banner or log; passes variables' initial values as a start."""

        def __init__(self, *args, start: bool = False, **kwargs):
            super().__init__(*args, **kwargs)
            self.start = start
            self.dual_bound: float | None = None

        def callSolver(self, lp):  # noqa: N802 (PuLP's name)
            import highspy

            if self.start:
                values = [float(v.varValue) if v.varValue is not None else 0.0
                          for v in lp.variables()]
                sol = highspy.HighsSolution()
                sol.col_value = values
                sol.value_valid = True
                lp.solverModel.setSolution(sol)
            lp.solverModel.run()
            info = lp.solverModel.getInfo()
            bound = float(info.mip_dual_bound)
            self.dual_bound = bound if np.isfinite(bound) else None

    return QuietHighs


def make_solver(name: str, time_limit: float | None, gap: float | None,
                warm_start: bool = False, mip: bool = True):
    """A PuLP solver object with its log off stdout; ``highs`` needs ``highspy``.

    ``warm_start`` passes the variables' current values to the solver as a
    starting plan (CBC through a MIP start file, HiGHS through ``setSolution``).
    A CBC solver writes its log to a temporary file (``solver.log_file``), read
    back for its lower bound.
    """
    import pulp

    if name == "highs":
        if not pulp.HiGHS(msg=False).available():
            raise ValueError("the HiGHS solver needs the highspy package (pip install highspy)")
        _silence_highs_banner()
        return _highs_class()(mip=mip, msg=False, timeLimit=time_limit, gapRel=gap,
                              start=warm_start)
    if name == "cbc":
        fd, log_file = tempfile.mkstemp(prefix="hallsim-cbc-", suffix=".log")
        os.close(fd)
        with warnings.catch_warnings():  # PuLP 3 flags its bundled CBC for PuLP 4
            warnings.simplefilter("ignore", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(mip=mip, msg=False, timeLimit=time_limit, gapRel=gap,
                                       warmStart=warm_start, logPath=log_file)
        solver.log_file = log_file
        return solver
    raise ValueError(f"unknown solver '{name}' (choose one of {', '.join(SOLVERS)})")


def _cbc_bound(log_file: str) -> float | None:
    """The lower bound CBC proved, from its log (``Lower bound:``, or the objective of a
    plan it proved optimal)."""
    try:
        text = Path(log_file).read_text(errors="replace")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(log_file)
    found = re.findall(r"Lower bound:\s*([-0-9.eE+]+)", text)
    if found:
        return float(found[-1])
    if re.search(r"Result - Optimal solution found\s*\n", text):
        obj = re.findall(r"Objective value:\s*([-0-9.eE+]+)", text)
        return float(obj[-1]) if obj else None
    return None


def _run(model: Model, name: str, limit: float | None, gap: float | None,
         warm_start: bool = False, mip: bool = True) -> float | None:
    """Solve ``model`` in place; return the solver's proven lower bound, if it gave one."""
    solver = make_solver(name, limit, gap, warm_start=warm_start, mip=mip)
    model.lp.solve(solver)
    if name == "cbc":
        return _cbc_bound(solver.log_file)
    return solver.dual_bound


def unserved_items(problem: Problem) -> list[str]:
    """Categories with load that no candidate type may serve."""
    served = {c for t in problem.types for c in t.serves}
    return [c for i, c in enumerate(problem.categories)
            if problem.load[i].sum() > 0 and c not in served]


def coupled(problem: Problem) -> bool:
    """Whether periods interact: rosters or training costs tie them; else each is separate."""
    return bool(problem.rosters) or (problem.spec.training_cost > 0
                                     and any(t.extra_authorisations for t in problem.types))


@dataclass
class _Block:
    status: str
    objective: float | None
    bound: float | None
    lp_bound: float | None


def _solve_block(model: Model, name: str, limit: float, gap: float,
                 start: dict[str, float] | None) -> _Block:
    """LP relaxation, then the MILP (from ``start`` if given) within ``limit`` seconds."""
    import pulp

    began = time.perf_counter()
    _run(model, name, limit / 4, None, mip=False)
    lp_bound = (float(pulp.value(model.lp.objective) or 0.0)
                if model.lp.status == pulp.LpStatusOptimal else None)
    if model.lp.status == pulp.LpStatusInfeasible:
        return _Block("infeasible", None, None, None)
    if start:
        _set_initial(model, start)
    left = max(0.05 * limit, limit - (time.perf_counter() - began))
    bound = _run(model, name, left, gap, warm_start=bool(start))
    status = model.lp.sol_status
    if status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        objective = float(pulp.value(model.lp.objective) or 0.0)
        best = max(b for b in (bound, lp_bound, 0.0) if b is not None)
        best = min(best, objective)
        proven = status == pulp.LpSolutionOptimal or (
            objective <= 1e-9 or (objective - best) / objective <= gap + 1e-9)
        return _Block("optimal" if proven else "feasible", objective, best, lp_bound)
    if model.lp.status == pulp.LpStatusInfeasible:
        return _Block("infeasible", None, None, lp_bound)
    return _Block("time_limit", None, None, lp_bound)


def solve(problem: Problem, cuts: list[Cut] | None = None, solver: str | None = None,
          time_limit: float | None = None, gap: float | None = None,
          lp_path: str | Path | None = None) -> Solution:
    """Build and solve the MILP; see the module docstring for statuses, bound and gap.

    Solver, time limit (total wall time of this call) and gap default to the
    spec's. ``lp_path`` always receives the whole model.
    """
    _start_up()
    began = time.perf_counter()
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
    out = Solution("optimal", 0.0, solver=name, lp_bound=0.0, bound=0.0, time_limit=limit)
    for t in problem.types:
        out.needed[t.id] = [0] * n_periods
        out.open[t.id] = [0] * n_periods
    out.allocation = {c: {} for c in problem.categories}
    if lp_path is not None:
        from sim.files.atomic import atomic_path

        with atomic_path(lp_path) as tmp:
            build_model(problem, cuts).lp.writeLP(str(tmp))
    deadline = began + limit
    if coupled(problem):
        return _solve_whole_day(problem, cuts, name, limit, deadline, rel_gap, out)
    return _solve_by_period(problem, cuts, name, limit, deadline, rel_gap, out)


def _start_up() -> None:
    """Import what a solve needs (PuLP, and SciPy's distributions for Erlang C: seconds
    on a busy machine) before its time limit starts: start-up, not solving."""
    import pulp  # noqa: F401
    import scipy.stats  # noqa: F401


def _add_block(problem: Problem, model: Model, result: _Block, out: Solution,
               twins: tuple[int, ...] = ()) -> None:
    """Add a solved block's cost, bounds and values to ``out``, and the same again for
    each period in ``twins`` (periods whose MILP is identical to the block's one)."""
    for _ in range(1 + len(twins)):
        out.cost = (out.cost or 0.0) + (result.objective or 0.0)
        out.bound = None if out.bound is None or result.bound is None \
            else out.bound + result.bound
        out.lp_bound = (None if out.lp_bound is None or result.lp_bound is None
                        else out.lp_bound + result.lp_bound)
    _read(problem, model, out)
    p = model.periods[0]
    for q in twins:
        for tid in out.open:
            out.open[tid][q] = out.open[tid][p]
            out.needed[tid][q] = out.needed[tid][p]
        for rows in out.allocation.values():
            for row in rows.values():
                row[q] = row[p]


def identical_periods(problem: Problem, cuts: list[Cut]) -> dict[int, tuple[int, ...]]:
    """Periods whose single-period MILPs are identical (same load of every item, same
    length, floor and cuts): first period -> the later ones. Each group is solved once."""
    groups: dict[tuple, list[int]] = {}
    for p, per in enumerate(problem.periods):
        key = (problem.load[:, p].tobytes(), round(per.hours, 9), problem.min_windows(p),
               tuple(sorted((c.category, c.at_least) for c in cuts if c.period == p)))
        groups.setdefault(key, []).append(p)
    return {ps[0]: tuple(ps[1:]) for ps in groups.values()}


def _solve_whole_day(problem: Problem, cuts: list[Cut], name: str, limit: float,
                     deadline: float, rel_gap: float, out: Solution) -> Solution:
    """Periods tied by rosters or training costs: one model for the whole day."""
    start = None
    if not problem.rosters:
        start = _period_plan(problem, cuts, name, (deadline - time.perf_counter()) / 4,
                             rel_gap)
    began = time.perf_counter()
    model = build_model(problem, cuts)
    built = time.perf_counter()
    share = max(MIN_SOLVER_SECONDS, deadline - built)
    result = _solve_block(model, name, share, rel_gap, start)
    out.build_seconds += built - began
    out.solve_seconds += time.perf_counter() - built
    out.stats.update(model.stats)
    if result.status == "infeasible":
        return _infeasible(problem, cuts, name, deadline, out)
    if result.status == "time_limit":
        out.status, out.cost, out.bound, out.lp_bound = "time_limit", None, None, None
        out.diagnosis = (f"the time limit ({limit:g} s) ran out before the solver found "
                         f"any plan for the whole day (it had {share:.1f} s after building "
                         "the model); feasibility is not known: raise --time-limit, allow "
                         "a --gap, or try --solver highs")
        return out
    _add_block(problem, model, result, out)
    out.status = result.status
    return out


def _infeasible(problem: Problem, cuts: list[Cut], name: str, deadline: float,
                out: Solution) -> Solution:
    """``out`` marked infeasible, with the reason (diagnosed within what is left, at
    least one second)."""
    out.status, out.cost, out.bound, out.lp_bound = "infeasible", None, None, None
    out.diagnosis = diagnose(problem, cuts, name,
                             max(1.0, deadline - time.perf_counter()))
    return out


def _solve_by_period(problem: Problem, cuts: list[Cut], name: str, limit: float,
                     deadline: float, rel_gap: float, out: Solution) -> Solution:
    """Each period its own block: shares of what remains, a retry for blocks that
    found no plan in their share, Erlang plans for blocks left no time."""
    n_periods = len(problem.periods)
    tried: dict[int, list[float]] = {}      # period -> solver seconds of each attempt
    models: dict[int, Model] = {}
    kept: list[int] = []                    # periods left with their Erlang plan
    twins = identical_periods(problem, cuts)
    plans = {p: erlang_plan(problem, p, cuts) for p in twins}
    weight = {p: 1.0 if plans[p] is not None else NO_START_WEIGHT for p in twins}
    order = sorted(twins, key=lambda p: -weight[p])  # periods without a start first
    building = 0.0                          # the longest model build so far
    for j, p in enumerate(order):
        left = sum(weight[q] for q in order[j:])
        share = (deadline - time.perf_counter()) * weight[p] / left
        if share < MIN_SOLVER_SECONDS + building:
            _keep_or_miss(problem, (p, *twins[p]), plans[p], out, kept, tried)
            continue
        began = time.perf_counter()
        model = build_model(problem, cuts, periods=(p,))
        found = period_start(problem, model, p, cuts)
        built = time.perf_counter()
        building = max(building, built - began)
        out.build_seconds += built - began
        for key, value in model.stats.items():
            out.stats[key] = out.stats.get(key, 0) + value
        share = (deadline - built) * weight[p] / left
        if share < MIN_SOLVER_SECONDS and plans[p] is not None:
            _keep_or_miss(problem, (p, *twins[p]), plans[p], out, kept, tried)
            continue
        share = max(MIN_SOLVER_SECONDS, share)
        result = _solve_block(model, name, share, rel_gap, found[0] if found else None)
        out.solve_seconds += time.perf_counter() - built
        if result.status == "infeasible":
            return _infeasible(problem, cuts, name, deadline, out)
        if result.status == "time_limit":
            tried[p] = [share]
            models[p] = model
            continue
        _add_block(problem, model, result, out, twins[p])
    retry = [p for p in tried if p in models]
    for j, p in enumerate(retry):
        share = (deadline - time.perf_counter()) / (len(retry) - j)
        if share < MIN_SOLVER_SECONDS:
            break
        began = time.perf_counter()
        result = _solve_block(models[p], name, share, rel_gap, None)
        out.solve_seconds += time.perf_counter() - began
        tried[p].append(share)
        if result.status == "infeasible":
            return _infeasible(problem, cuts, name, deadline, out)
        if result.status != "time_limit":
            _add_block(problem, models[p], result, out, twins[p])
            del tried[p]
    if tried:
        out.status, out.cost, out.bound, out.lp_bound = "time_limit", None, None, None
        missing = len(tried) + sum(len(twins.get(p, ())) for p in tried)
        out.diagnosis = _time_limit_message(problem, limit, tried, n_periods - missing)
        return out
    if kept:
        out.bound, out.lp_bound = None, None
        out.diagnosis = (f"the time limit ({limit:g} s) left no solver time for "
                         f"{_periods_text(problem, kept)}: they keep their Erlang-sized "
                         "starting plans (not improved by the solver; no bound); raise "
                         "--time-limit for a proven plan")
    proven = out.gap is not None and out.gap <= rel_gap + 1e-9
    out.status = "optimal" if proven else "feasible"
    return out


def _keep_or_miss(problem: Problem, periods: tuple[int, ...], plan: ErlangPlan | None,
                  out: Solution, kept: list[int], tried: dict[int, list[float]]) -> None:
    """Periods left no solver time: their Erlang-sized ``plan`` if there is one (listed
    in ``kept``), else no plan (listed in ``tried`` without an attempt)."""
    for q in periods:
        if plan is None:
            tried.setdefault(q, [])
        else:
            _keep_erlang_plan(problem, q, plan, out)
            kept.append(q)


def _keep_erlang_plan(problem: Problem, p: int, plan: ErlangPlan, out: Solution) -> None:
    """Give period ``p`` the Erlang-sized ``plan`` in ``out`` (no solver)."""
    for k, m in plan.size.items():
        tid = problem.types[k].id
        out.open[tid][p] = out.needed[tid][p] = m
    for i, k in plan.route.items():
        row = out.allocation[problem.categories[i]].setdefault(
            problem.types[k].id, [0.0] * len(problem.periods))
        row[p] = float(problem.load[i, p])
    out.cost = (out.cost or 0.0) + plan.cost


def _periods_text(problem: Problem, periods: list[int]) -> str:
    labels = [problem.periods[p].label for p in periods]
    more = f" and {len(labels) - 6} more" if len(labels) > 6 else ""
    return ("period " if len(labels) == 1 else "periods ") + ", ".join(labels[:6]) + more


def _time_limit_message(problem: Problem, limit: float, tried: dict[int, list[float]],
                        solved: int) -> str:
    """What happened to the periods that ended without a plan."""
    parts = []
    for p, shares in list(tried.items())[:6]:
        label = problem.periods[p].label
        if not shares:
            parts.append(f"{label} (no time left, and its Erlang-sized plan does not fit "
                         "the desks)")
        elif len(shares) == 1:
            parts.append(f"{label} ({shares[0]:.1f} s; no time left to retry)")
        else:
            parts.append(f"{label} ({shares[0]:.1f} s, then {shares[1]:.1f} s on retry)")
    more = f" and {len(tried) - 6} more" if len(tried) > 6 else ""
    n_periods = len(problem.periods)
    return (f"the time limit ({limit:g} s, all of it used) ran out before the solver found "
            f"any plan for period {'; '.join(parts)}{more}; {solved} of {n_periods} "
            "periods have a plan; feasibility is not known: raise --time-limit, allow a "
            "--gap, or try --solver highs")


def _block_label(problem: Problem, block: tuple[int, ...] | None) -> str:
    if block is None:
        return "the whole day"
    return "period " + ", ".join(problem.periods[p].label for p in block)


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
    deadline = time.perf_counter() + limit
    n = len(problem.periods)
    for p in range(n):
        model = build_model(problem, cuts, periods=(p,))
        per = (deadline - time.perf_counter()) / (n - p)
        if per < MIN_SOLVER_SECONDS:
            found = period_start(problem, model, p, cuts)
            if found is None:
                return None
            values.update(found[0])
            continue
        _run(model, name, per, gap)
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


def _windows_without_desks(problem: Problem, cuts: list[Cut], p: int, solver: str,
                           budget: float) -> tuple[int, list[tuple[str, int]]] | None:
    """The fewest windows period ``p`` needs at the service level with the window types
    the spec allows, when the hall's desks do not limit them, and how many of each type,
    the most first, by the hall's own names where it has them (None: not found in
    ``budget`` seconds): why the desks fall short where the load alone would fit (each
    department's windows serving only its own items need their own margins)."""
    import dataclasses

    import pulp

    from optimize.plan import type_label

    model = build_model(dataclasses.replace(problem, desks=None), cuts, periods=(p,),
                        use_shifts=False)
    _run(model, solver, budget, None)
    if model.lp.status != pulp.LpStatusOptimal:
        return None
    by_type = [(type_label(problem, problem.types[k].id) or problem.types[k].id,
                round(float(v.value() or 0.0))) for (k, q), v in model.n.items() if q == p]
    by_type = sorted(((t, n) for t, n in by_type if n > 0), key=lambda tn: -tn[1])
    return sum(n for _, n in by_type), by_type


def diagnose(problem: Problem, cuts: list[Cut], solver: str = "cbc",
             budget: float = 30.0) -> str:
    """Why the problem is infeasible: periods and items, in one sentence each.

    Each period is re-solved on its own, all of them within ``budget`` seconds
    in total (shared fairly); a period whose check runs out of time is not
    called infeasible.
    """
    import pulp

    missing = unserved_items(problem)
    if missing:
        return f"no window type may serve {', '.join(missing)}"
    reasons = []
    last_items: list[str] | None = None
    deadline = time.perf_counter() + budget
    n = len(problem.periods)
    for p, per in enumerate(problem.periods):
        model = build_model(problem, cuts, periods=(p,), use_shifts=False)
        share = max(0.2, (deadline - time.perf_counter()) / (n - p))
        _run(model, solver, share, None)
        if model.lp.status == pulp.LpStatusInfeasible:
            items = problem.items_in(p)
            total = float(np.sum(problem.load[:, p]))
            desks = (f"the {problem.desks} desks" if problem.desks is not None
                     else "the window types")
            sized = _windows_without_desks(problem, cuts, p, solver, share) \
                if problem.desks is not None else None
            need = sized[0] if sized is not None else None
            if items == last_items:  # the items were named in the period before
                reason = f"period {per.label}: likewise ({total:.2f} erlangs" + (
                    f", about {need} windows)" if need is not None else ")")
            else:
                reason = (f"period {per.label}: {desks} cannot carry the load of "
                          f"{', '.join(items)} ({total:.2f} erlangs) at the service level")
                if sized is not None:  # which types need the windows, the most first
                    reason += (f": by the model's sizing these window types need about {need} "
                               "windows then (the simulation may certify a few fewer): "
                               + ", ".join(f"{t} {n}" for t, n in sized[1][:8])
                               + (", ..." if len(sized[1]) > 8 else ""))
            last_items = items
            reasons.append(reason)
    if reasons:
        return "; ".join(reasons[:6]) + (f"; and {len(reasons) - 6} more periods"
                                         if len(reasons) > 6 else "")
    if problem.rosters:
        bare = [(per.label, problem.items_in(p)) for p, per in enumerate(problem.periods)
                if problem.items_in(p)
                and not any(covers(r, per) for r in problem.rosters)]
        if bare:
            return "no shift template covers " + "; ".join(
                f"period {label} (items {', '.join(items)})" for label, items in bare[:6])
        return "the shift templates cannot staff every period within the desk limit"
    return "the solver found no feasible plan"
