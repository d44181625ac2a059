"""Certification by simulation: a search that adds heuristic cuts, then a final check.

The MILP's queueing approximation (SIPP: each period stationary, Erlang C) is not
the truth, so a plan is simulated with the engine and judged cell by cell.

**Cells.** One cell per item × staffing period × day type (tickets by the
time of day they were taken, after warm-up; the day type is the hall's day
factor on that day, so a plan sized on average days cannot hide short busy
days). In each replication a cell's service level is ``1 - miss share`` of its
tickets, with misses as :func:`sim.stats.service_level.target_misses` defines
them (the one definition: abandoned and balked tickets miss, short
abandonments are left out). A mean-wait cap is judged on the served tickets'
mean wait.

**Thin cells.** A cell with fewer than ``certify.min_tickets`` counted
tickets per replication cannot be judged on its own: it is pooled with the
following periods of the same item and day type until the pooled cell has
enough (a remainder that never reaches the minimum joins the pooled cell
before it; an item whose whole day is below it is judged as one cell). Pooled
cells are reported with the periods they cover.

**Criterion.** By default (``criterion: lcb``) a cell passes when the one-sided
95 % lower confidence bound of its service level (Student t over replications,
``scipy.stats.t``) is at or above ``alpha`` (for a mean-wait cap: the upper
bound at or below the cap). ``criterion: mean`` judges the point estimate.
``shortfall`` is what the judged figure misses by (``alpha - bound``); a cell
is short exactly when its shortfall is positive.

**Search.** While searching, every plan is simulated with the same seed
(successive plans see the same customers). For each short cell a cut is added
and the MILP re-solved. The cut is a *heuristic*: one more window, among the
types that may serve the item, in each period of the cell (``sum over types k
serving c of open[k, p] >= current + 1``); it is not a sub-gradient cut and
may over- or under-shoot.

**Final check.** A plan with no short cell is simulated on fresh seeds (never
used by the search). Where a cell's interval is too wide to decide (its lower
bound misses the target while its mean meets it), replications are added in
batches up to ``certify.max_replications``. The plan is ``certified`` when every
cell passes; otherwise the failures feed the search again. After
``max_iterations`` re-solves: ``not_certified``, with the short cells listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from optimize.model import Cut
from optimize.plan import headcount, staffed_scenario
from optimize.problem import Problem
from optimize.solve import Solution, solve
from sim.engine.records import SERVED
from sim.spec.clock import MINUTES_PER_DAY
from sim.stats.replications import RunResult, simulate
from sim.stats.service_level import target_misses

#: offset between the search seed and the seeds of final checks
FRESH_SEED_STEP = 1_000_003
#: one-sided confidence level of the lower bound
CONFIDENCE = 0.95


@dataclass(frozen=True)
class CellLevel:
    """Simulated service level of one item over one or more periods on one day type."""

    category: str
    periods: tuple[int, ...]
    day_factor: float
    mean: float
    bound: float
    tickets: float
    replications: int
    shortfall: float
    pooled: bool = False

    @property
    def period(self) -> int:
        """The first period of the cell."""
        return self.periods[0]

    @property
    def short(self) -> bool:
        """Whether the cell misses its target (positive shortfall)."""
        return self.shortfall > 1e-12


def _per_replication(problem: Problem, result: RunResult) -> tuple[dict, dict]:
    """Per (item, period, day factor): per-replication counted tickets and misses (or
    served waits for mean-wait caps)."""
    starts = np.array([p.start for p in problem.periods if p.day == 0])
    ends = np.array([p.end for p in problem.periods if p.day == 0])
    scenario = result.scenario
    w0 = scenario.hall.warmup_days * MINUTES_PER_DAY
    horizon = scenario.hall.days * MINUTES_PER_DAY
    short_abandon = float(scenario.targets.short_abandon_minutes or 0.0)
    factors = np.array(scenario.hall.day_factors, dtype=float)
    reps = len(result.replications)
    counted: dict[tuple[str, int, float], np.ndarray] = {}
    value: dict[tuple[str, int, float], np.ndarray] = {}
    index = {c: i for i, c in enumerate(problem.categories)}
    for r, rep in enumerate(result.replications):
        rec = rep.records
        if rec is None:
            raise ValueError("certification needs records (simulate with keep_records=True)")
        keep = (rec.arrival >= w0) & (rec.arrival < horizon)
        tod = rec.arrival[keep] % MINUTES_PER_DAY
        day_f = factors[(rec.arrival[keep] // MINUTES_PER_DAY).astype(int) % len(factors)]
        pidx = np.searchsorted(starts, tod, side="right") - 1
        ok = (pidx >= 0) & (tod < ends[np.clip(pidx, 0, None)])
        lookup = np.array([index[name] for name in rec.category_names], dtype=int)
        cat = lookup[rec.category[keep]]
        cols = (rec.arrival[keep], rec.call[keep], rec.end[keep], rec.outcome[keep])
        for i, c in enumerate(problem.categories):
            target = problem.targets[c]
            mc = ok & (cat == i)
            if not mc.any():
                continue
            if target.kind == "tail":
                cnt, miss = target_misses(*cols, target.wait, short_abandon, horizon)
            else:
                cnt = cols[3] == SERVED
                miss = np.where(cnt, cols[1] - cols[0], 0.0)
            for p in np.unique(pidx[mc]):
                for f in np.unique(day_f[mc & (pidx == p)]):
                    m = mc & (pidx == p) & (day_f == f) & cnt
                    key = (c, int(p), float(f))
                    counted.setdefault(key, np.zeros(reps))[r] = m.sum()
                    value.setdefault(key, np.zeros(reps))[r] = float(np.sum(miss[m]))
    return counted, value


def _groups(problem: Problem, counted: dict, min_tickets: float) -> list[list[tuple]]:
    """Cells as lists of (item, period, day factor) keys, thin ones pooled (see module)."""
    reps = max(len(v) for v in counted.values()) if counted else 1
    out: list[list[tuple]] = []
    series: dict[tuple[str, float], list[int]] = {}
    for c, p, f in counted:
        series.setdefault((c, f), []).append(p)
    for (c, f), periods in series.items():
        current: list[tuple] = []
        total = 0.0
        mine: list[list[tuple]] = []
        for p in sorted(periods):
            current.append((c, p, f))
            total += counted[c, p, f].sum() / reps
            if total >= min_tickets:
                mine.append(current)
                current, total = [], 0.0
        if current:
            if mine:
                mine[-1].extend(current)
            else:
                mine.append(current)
        out.extend(mine)
    return out


def judge(problem: Problem, counted: dict, value: dict, keys: list[tuple],
          criterion: str) -> CellLevel:
    """The service level of one (possibly pooled) cell and its shortfall."""
    c = keys[0][0]
    target = problem.targets[c]
    n = sum(counted[k] for k in keys)
    v = sum(value[k] for k in keys)
    have = n > 0
    per_rep = (v[have] / n[have]) if target.kind == "mean" else 1.0 - v[have] / n[have]
    reps = len(per_rep)
    mean = float(per_rep.mean()) if reps else float("nan")
    half = 0.0
    if reps > 1 and criterion == "lcb":
        half = float(stats.t.ppf(CONFIDENCE, reps - 1) * stats.sem(per_rep)) \
            if np.ptp(per_rep) > 0 else 0.0
    if target.kind == "tail":
        bound = mean - half
        shortfall = target.alpha - bound
    else:
        bound = mean + half
        shortfall = (bound - target.wait) / target.wait
    return CellLevel(c, tuple(sorted({k[1] for k in keys})), keys[0][2], mean, bound,
                     float(n.sum() / max(1, len(n))), reps, float(shortfall) if reps else 0.0,
                     pooled=len(keys) > 1)


def cell_levels(problem: Problem, result: RunResult, criterion: str = "lcb",
                min_tickets: float = 10.0) -> list[CellLevel]:
    """Every cell's simulated service level from a run's records (see module docstring)."""
    counted, value = _per_replication(problem, result)
    return [judge(problem, counted, value, keys, criterion)
            for keys in _groups(problem, counted, min_tickets)]


def _cell_text(problem: Problem, cell: CellLevel) -> dict[str, Any]:
    target = problem.targets[cell.category]
    labels = [problem.periods[p].label for p in cell.periods]
    return {"item": cell.category,
            "period": labels[0] if len(labels) == 1 else f"{labels[0]}-{labels[-1]}",
            "day_factor": cell.day_factor, "pooled": cell.pooled,
            "measure": "p_within_target" if target.kind == "tail" else "wait_mean",
            "value": round(cell.mean, 4), "bound": round(cell.bound, 4),
            "target": target.describe(), "replications": cell.replications,
            "tickets_per_replication": round(cell.tickets, 2), "met": not cell.short}


def lowest_levels(problem: Problem, cells: list[CellLevel]) -> dict[str, dict[str, Any]]:
    """Item -> its worst cell (largest shortfall) with the simulated value and bound."""
    worst: dict[str, CellLevel] = {}
    for cell in cells:
        if cell.category not in worst or cell.shortfall > worst[cell.category].shortfall:
            worst[cell.category] = cell
    return {c: _cell_text(problem, worst[c]) for c in problem.categories if c in worst}


@dataclass
class Certification:
    """Outcome of the loop: the final solution, status, per-iteration log and levels."""

    solution: Solution
    status: str
    iterations: list[dict[str, Any]] = field(default_factory=list)
    service_level: dict[str, Any] = field(default_factory=dict)
    cuts: list[Cut] = field(default_factory=list)
    short_cells: list[dict[str, Any]] = field(default_factory=list)


def _open_serving(problem: Problem, solution: Solution, category: str, p: int) -> int:
    return sum(solution.open[t.id][p] for t in problem.types if category in t.serves)


def _simulate(problem: Problem, solution: Solution, seed: int, replications: int,
              workers: int) -> RunResult:
    scenario = staffed_scenario(problem, solution)
    days = problem.spec.certify.days
    if days is not None:
        scenario = scenario.with_days(days)
    return simulate(scenario, seed=seed, replications=replications, workers=workers,
                    keep_records=True)


def final_check(problem: Problem, solution: Solution, seed: int, replications: int,
                workers: int = 1) -> list[CellLevel]:
    """Judge a plan on fresh seeds, adding replications where a cell is undecided.

    A cell is undecided when its mean meets the target but its lower bound does
    not: more replications narrow the interval. Batches of ``replications`` are
    added (each batch on its own fresh seed) up to ``certify.max_replications``.
    """
    cfg = problem.spec.certify
    results = [_simulate(problem, solution, seed, replications, workers)]
    while True:
        merged = results[0] if len(results) == 1 else _merge(results)
        cells = cell_levels(problem, merged, cfg.criterion, cfg.min_tickets)
        undecided = [c for c in cells if c.short and _mean_meets(problem, c)]
        total = len(merged.replications)
        if not undecided or total + replications > cfg.max_replications:
            return cells
        results.append(_simulate(problem, solution, seed + 7919 * len(results),
                                 replications, workers))


def _mean_meets(problem: Problem, cell: CellLevel) -> bool:
    target = problem.targets[cell.category]
    return cell.mean >= target.alpha if target.kind == "tail" else cell.mean <= target.wait


def _merge(results: list[RunResult]) -> RunResult:
    from dataclasses import replace

    reps = [rep for r in results for rep in r.replications]
    return replace(results[0], replications=reps)


def _record(problem: Problem, solution: Solution, cells: list[CellLevel], kind: str,
            seed: int, number: int) -> dict[str, Any]:
    short = [c for c in cells if c.short]
    worst = max(cells, key=lambda cell: cell.shortfall, default=None)
    return {"iteration": number, "kind": kind, "seed": seed,
            "cost": round(float(solution.cost or 0.0), 6),
            "headcount": headcount(problem, solution),
            "worst_shortfall": round(float(worst.shortfall), 4) if worst else 0.0,
            "worst": _cell_text(problem, worst) if worst else None,
            "cells_short": len(short), "cuts_added": 0,
            "replications": max((c.replications for c in cells), default=0)}


def _add_cuts(problem: Problem, solution: Solution, short: list[CellLevel],
              cuts: list[Cut]) -> tuple[list[Cut], int]:
    """The heuristic cut for each short cell: one more window that may serve the item
    in each of the cell's periods."""
    current = {(cut.category, cut.period): cut for cut in cuts}
    added = 0
    for cell in short:
        for p in cell.periods:
            need = _open_serving(problem, solution, cell.category, p) + 1
            old = current.get((cell.category, p))
            if old is None or old.at_least < need:
                current[cell.category, p] = Cut(cell.category, p, need)
                added += 1
    return list(current.values()), added


def certify(problem: Problem, replications: int | None = None,
            max_iterations: int | None = None, seed: int | None = None,
            workers: int = 1, solver: str | None = None, time_limit: float | None = None,
            gap: float | None = None,
            report: Callable[[dict[str, Any]], None] | None = None) -> Certification:
    """Search with heuristic cuts, then check on fresh seeds (see the module docstring).

    ``report`` receives each iteration's record as it is made.
    """
    cfg = problem.spec.certify
    replications = replications or cfg.replications
    max_iterations = max_iterations or cfg.max_iterations
    seed = cfg.seed if seed is None else seed
    cuts: list[Cut] = []
    solution = solve(problem, cuts, solver, time_limit, gap)
    if solution.cost is None:
        return Certification(solution, solution.status)
    iterations: list[dict[str, Any]] = []
    solves, checks = 0, 0
    while True:
        result = _simulate(problem, solution, seed, replications, workers)
        cells = cell_levels(problem, result, cfg.criterion, cfg.min_tickets)
        kind = "search"
        if not any(c.short for c in cells):
            checks += 1
            fresh = seed + FRESH_SEED_STEP * checks
            cells = final_check(problem, solution, fresh, replications, workers)
            kind = "final check"
        record = _record(problem, solution, cells, kind,
                         seed if kind == "search" else fresh, len(iterations) + 1)
        iterations.append(record)
        short = [c for c in cells if c.short]
        levels = lowest_levels(problem, cells)
        if not short:
            if report:
                report(record)
            return Certification(solution, "certified", iterations, levels, cuts)
        if solves >= max_iterations:
            if report:
                report(record)
            return Certification(solution, "not_certified", iterations, levels, cuts,
                                 [_cell_text(problem, c) for c in short])
        cuts, record["cuts_added"] = _add_cuts(problem, solution, short, cuts)
        if report:
            report(record)
        solution = solve(problem, cuts, solver, time_limit, gap)
        solves += 1
        if solution.cost is None:
            return Certification(solution, solution.status, iterations, levels, cuts)
