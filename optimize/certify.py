"""Certification by simulation: the simulation-optimisation loop with cutting planes.

After Atlason, Epelman & Henderson (call-centre staffing with simulation and
cutting planes): the MILP's queueing approximation is not the truth, so the
plan is simulated with the engine; where a category's service level in a period
falls short, a cut raising the windows that may serve it there is added and the
MILP is re-solved. A plan that passes is checked once more on fresh seeds.

Service level in simulation, per category ``c`` and period ``p`` (by ticket time
of day, after warm-up, over every simulated day): in each replication the share
of tickets called within ``T``; abandoned, balked and still-open tickets count
as *not* meeting it (conservative: they did not get service within ``T``).
Over replications: the mean and its Student-t 95% half-width
(:func:`sim.stats.metrics.ci_halfwidth`). A cell *falls short* when the upper end of
its interval is below ``alpha`` (for a mean-wait cap: the lower end of the
served customers' mean wait is above the cap); with ``certify.criterion: mean``,
when the mean itself misses the target (stricter: the plan must meet the target
on average, not merely be not significantly short). Shortfall is ``alpha - mean``
(mean-wait caps: ``(mean - cap) / cap``).

Cut for a short cell: ``sum over types k serving c of open[k, p] >= current + 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optimize.model import Cut
from optimize.plan import headcount, staffed_scenario
from optimize.problem import Problem
from optimize.solve import Solution, solve
from sim.engine.records import SERVED
from sim.spec.clock import MINUTES_PER_DAY
from sim.stats.metrics import ci_halfwidth
from sim.stats.replications import RunResult, simulate

#: offset between the search seed and the seeds of final checks
FRESH_SEED_STEP = 1_000_003


@dataclass(frozen=True)
class CellLevel:
    """Simulated service level of one category in one period."""

    category: str
    period: int
    mean: float
    ci95: float
    tickets: float
    short: bool
    shortfall: float


def cell_levels(problem: Problem, result: RunResult,
                criterion: str = "ci") -> list[CellLevel]:
    """Per (category, period) simulated service level from a run's records.

    ``criterion`` ``"ci"``: a cell is short when its whole 95% interval misses the
    target; ``"mean"``: when its mean does (stricter).
    """
    starts = np.array([p.start for p in problem.periods])
    ends = np.array([p.end for p in problem.periods])
    n_cat, n_per = len(problem.categories), len(problem.periods)
    per_rep = np.full((len(result.replications), n_cat, n_per), np.nan)
    counts = np.zeros((n_cat, n_per))
    w0 = result.scenario.hall.warmup_days * MINUTES_PER_DAY
    index = {c: i for i, c in enumerate(problem.categories)}
    for r, rep in enumerate(result.replications):
        rec = rep.records
        if rec is None:
            raise ValueError("certification needs records (simulate with keep_records=True)")
        keep = rec.arrival >= w0
        tod = rec.arrival[keep] % MINUTES_PER_DAY
        pidx = np.searchsorted(starts, tod, side="right") - 1
        ok = (pidx >= 0) & (tod < ends[np.clip(pidx, 0, None)])
        lookup = np.array([index[name] for name in rec.category_names], dtype=int)
        cat = lookup[rec.category[keep]]
        wait = (rec.call - rec.arrival)[keep]
        served = rec.outcome[keep] == SERVED
        for i, c in enumerate(problem.categories):
            target = problem.targets[c]
            mc = ok & (cat == i)
            for p in np.unique(pidx[mc]):
                m = mc & (pidx == p)
                counts[i, p] += m.sum()
                if target.kind == "tail":
                    per_rep[r, i, p] = float(np.mean(served[m] & (wait[m] <= target.wait)))
                elif np.any(served[m]):
                    per_rep[r, i, p] = float(np.mean(wait[m & served]))
    out = []
    reps = max(1, len(result.replications))
    for i, c in enumerate(problem.categories):
        target = problem.targets[c]
        for p in range(n_per):
            values = per_rep[:, i, p]
            values = values[~np.isnan(values)]
            if len(values) == 0:
                continue
            mean, half = float(values.mean()), ci_halfwidth(values.tolist())
            margin = half if criterion == "ci" else 0.0
            if target.kind == "tail":
                short, gap = mean + margin < target.alpha, target.alpha - mean
            else:
                short, gap = mean - margin > target.wait, (mean - target.wait) / target.wait
            out.append(CellLevel(c, p, mean, half, counts[i, p] / reps, bool(short), gap))
    return out


def lowest_levels(problem: Problem, cells: list[CellLevel]) -> dict[str, dict[str, Any]]:
    """Item -> its worst period (largest shortfall) with the simulated value and CI."""
    out: dict[str, dict[str, Any]] = {}
    worst: dict[str, CellLevel] = {}
    for cell in cells:
        if cell.category not in worst or cell.shortfall > worst[cell.category].shortfall:
            worst[cell.category] = cell
    for c in problem.categories:
        if c not in worst:
            continue
        cell = worst[c]
        target = problem.targets[c]
        out[c] = {"period": problem.periods[cell.period].label,
                  "measure": "p_wait_within" if target.kind == "tail" else "wait_mean",
                  "value": round(cell.mean, 4), "ci95": round(cell.ci95, 4),
                  "target": target.describe(),
                  "tickets_per_replication": round(float(cell.tickets), 2),
                  "met": not cell.short}
    return out


@dataclass
class Certification:
    """Outcome of the loop: the final solution, status, per-iteration log and levels."""

    solution: Solution
    status: str
    iterations: list[dict[str, Any]] = field(default_factory=list)
    service_level: dict[str, Any] = field(default_factory=dict)
    cuts: list[Cut] = field(default_factory=list)


def _open_serving(problem: Problem, solution: Solution, category: str, p: int) -> int:
    return sum(solution.open[t.id][p] for t in problem.types if category in t.serves)


def certify(problem: Problem, replications: int | None = None,
            max_iterations: int | None = None, seed: int | None = None,
            workers: int = 1, solver: str | None = None, time_limit: float | None = None,
            gap: float | None = None,
            report: Callable[[dict[str, Any]], None] | None = None) -> Certification:
    """Solve, simulate, cut and re-solve until the plan meets every target in simulation.

    Each evaluation simulates the staffed hall (``replications`` replications;
    the same seed while searching, so successive plans see the same customers).
    A plan with no short cell is simulated again with fresh seeds; it is
    ``certified`` if it passes there too. ``max_iterations`` bounds the number of
    re-solves; the status is then ``not_certified``. ``report`` receives each
    iteration's record as it is made.
    """
    cfg = problem.spec.certify
    replications = replications or cfg.replications
    max_iterations = max_iterations or cfg.max_iterations
    seed = cfg.seed if seed is None else seed
    cuts: list[Cut] = []
    solution = solve(problem, cuts, solver, time_limit, gap)
    if solution.status == "infeasible":
        return Certification(solution, "infeasible")
    iterations: list[dict[str, Any]] = []
    final, fresh_used, solves = False, 0, 0
    eval_seed = seed
    while True:
        scenario = staffed_scenario(problem, solution)
        if cfg.days is not None:
            scenario = scenario.with_days(cfg.days)
        result = simulate(scenario, seed=eval_seed, replications=replications,
                          workers=workers, keep_records=True)
        cells = cell_levels(problem, result, cfg.criterion)
        short = [cell for cell in cells if cell.short]
        worst = max(cells, key=lambda cell: cell.shortfall, default=None)
        record: dict[str, Any] = {
            "iteration": len(iterations) + 1,
            "kind": "final check" if final else "search",
            "seed": eval_seed, "cost": round(float(solution.cost or 0.0), 6),
            "headcount": headcount(problem, solution),
            "worst_shortfall": round(float(worst.shortfall), 4) if worst else 0.0,
            "worst": ({"item": worst.category, "period": problem.periods[worst.period].label,
                       "value": round(worst.mean, 4), "ci95": round(worst.ci95, 4)}
                      if worst else None),
            "cells_short": len(short), "cuts_added": 0,
        }
        iterations.append(record)
        levels = lowest_levels(problem, cells)
        if not short and final:
            if report:
                report(record)
            return Certification(solution, "certified", iterations, levels, cuts)
        if not short:
            fresh_used += 1
            eval_seed = seed + FRESH_SEED_STEP * fresh_used
            final = True
            if report:
                report(record)
            continue
        if solves >= max_iterations:
            if report:
                report(record)
            return Certification(solution, "not_certified", iterations, levels, cuts)
        current = {(cut.category, cut.period): cut for cut in cuts}
        for cell in short:
            need = _open_serving(problem, solution, cell.category, cell.period) + 1
            old = current.get((cell.category, cell.period))
            if old is None or old.at_least < need:
                current[cell.category, cell.period] = Cut(cell.category, cell.period, need)
                record["cuts_added"] += 1
        cuts = list(current.values())
        if report:
            report(record)
        solution = solve(problem, cuts, solver, time_limit, gap)
        solves += 1
        if solution.status == "infeasible":
            return Certification(solution, "infeasible", iterations, levels, cuts)
        final, eval_seed = False, seed
