"""Certification by simulation: a search that adds heuristic cuts, then a final check.

The MILP's queueing approximation (SIPP: each period stationary, Erlang C) is not
the truth, so a plan is simulated with the engine and judged cell by cell.

**Cells.** One cell per item × staffing period × day type (tickets by the
time of day they were taken, after warm-up; the day type is the hall's day
factor on that day, so a plan sized on average days cannot hide short busy
days). With a week model every day of the week is simulated with its own
schedule and its own arrival factor, and its periods are cells of their own
(``"Mon 09:00"``). In each replication a cell's service level is ``1 - miss
share`` of its tickets, with misses as
:func:`sim.stats.service_level.target_misses` defines them (the one
definition: abandoned and balked tickets miss, short abandonments are left
out). A mean-wait cap is judged on the served tickets' mean wait.

**Thin cells.** A cell with fewer than ``certify.min_tickets`` counted
tickets per replication cannot be judged on its own: it is pooled with the
following periods of the same item, day and day type until the pooled cell
has enough (a remainder that never reaches the minimum joins the pooled cell
before it; an item whose whole day is below it is judged as one cell). Pooled
cells are reported with the periods they cover.

**Criterion.** By default (``criterion: lcb``) a cell passes when the one-sided
95 % lower confidence bound of its service level (Student t over replications,
:func:`sim.stats.ci.lower_bound`) is at or above ``alpha`` (for a mean-wait
cap: the upper bound at or below the cap). ``criterion: mean`` judges the
point estimate. ``shortfall`` is what the judged figure misses by (``alpha -
bound``); a cell is short exactly when its shortfall is positive.

**Search.** While searching, every plan is simulated with the same seed
(successive plans see the same customers). For each short cell a cut is added
and the MILP re-solved. The cut is a *heuristic*: one more window, among the
types that may serve the item, in each period of the cell (``sum over types k
serving c of open[k, p] >= current + 1``); it is not a sub-gradient cut and
may over- or under-shoot.

**Final check (two stages).** A plan with no short cell in the search is
simulated on fresh seeds, never used by the search. The first, *pilot* run
(``replications``) only sizes the verdict: a cell whose mean meets the target
but whose bound does not is undecided, and the replications its bound needs
to reach the target are estimated from the pilot's spread (``n0 (h / d)^2``,
``h`` the pilot's one-sided half-width, ``d`` the distance of its mean from
the target), capped at ``certify.max_replications``. The *verdict* is then read
from a second fresh run of that many replications, on its own. Its size is
fixed before it is simulated, so its bounds keep their 95 % coverage; adding
replications to the data being judged until a bound happens to cross the
target would not (optional stopping: a cell whose true level is just short
then passes with a probability far above 5 %, and an independent run finds it
short). A pilot with a cell whose mean already misses the target is the
verdict (short, nothing to size). With ``criterion: mean`` the pilot is the
verdict. The plan is ``certified`` when every cell of the verdict passes;
otherwise the short cells feed the search again. After ``max_iterations``
re-solves: ``not_certified``, with the short cells listed.

The bound is per cell: with many cells whose true level lies just above the
target, an independent run's *point* estimates will show some of them below
it (each such estimate is the truth plus noise); the docs give the figures for
the 24-hour sinusoid case.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optimize.milp import Cut
from optimize.plan import headcount, staffed_scenario
from optimize.problem import Problem, day_factor
from optimize.solve import Solution, solve
from sim.engine.records import SERVED
from sim.run.replications import RunResult, simulate
from sim.scenario.clock import MINUTES_PER_DAY, format_hhmm
from sim.scenario.model import Scenario, scenario_from_dict
from sim.stats.ci import lower_bound
from sim.stats.service_level import target_misses

#: offset between the search seed and the seeds of final checks
FRESH_SEED_STEP = 1_000_003
#: offset between a final check's pilot seed and its verdict seed
VERDICT_SEED_STEP = 7_919
#: one-sided confidence level of the lower bound
CONFIDENCE = 0.95
#: chance that a run sized by :func:`_needed` clears the target, if the level is as estimated
POWER = 0.8
_Z_CONFIDENCE, _Z_POWER = 1.6449, 0.8416  # standard normal quantiles at 0.95 and 0.8
_POWER_FACTOR = ((_Z_CONFIDENCE + _Z_POWER) / _Z_CONFIDENCE) ** 2

#: simulated runs of one plan: week day -> run (day 0 alone without a week model)
Runs = Mapping[int, RunResult]


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
        """Whether the cell misses its target: exactly when its (unrounded) shortfall
        is positive."""
        return self.shortfall > 0.0


def _per_replication(problem: Problem, result: RunResult, day: int = 0,
                     counted: dict | None = None, value: dict | None = None
                     ) -> tuple[dict, dict]:
    """Per (item, period, day factor): per-replication counted tickets and misses (or
    served waits for mean-wait caps), for the periods of week day ``day``."""
    own = [p for p, per in enumerate(problem.periods) if per.day == day]
    starts = np.array([problem.periods[p].start for p in own])
    ends = np.array([problem.periods[p].end for p in own])
    scenario = result.scenario
    w0 = scenario.hall.warmup_days * MINUTES_PER_DAY
    horizon = scenario.hall.days * MINUTES_PER_DAY
    short_abandon = float(scenario.targets.short_abandon_minutes or 0.0)
    factors = np.array(scenario.hall.day_factors, dtype=float)
    reps = len(result.replications)
    counted = {} if counted is None else counted
    value = {} if value is None else value
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
                    key = (c, own[int(p)], float(f))
                    counted.setdefault(key, np.zeros(reps))[r] = m.sum()
                    value.setdefault(key, np.zeros(reps))[r] = float(np.sum(miss[m]))
    return counted, value


def _groups(problem: Problem, counted: dict, min_tickets: float) -> list[list[tuple]]:
    """Cells as lists of (item, period, day factor) keys, thin ones pooled (see module)."""
    reps = max(len(v) for v in counted.values()) if counted else 1
    out: list[list[tuple]] = []
    series: dict[tuple[str, int, float], list[int]] = {}
    for c, p, f in counted:
        series.setdefault((c, problem.periods[p].day, f), []).append(p)
    for (c, _, f), periods in series.items():
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
    if target.kind == "tail":
        bound = lower_bound(per_rep, CONFIDENCE) if criterion == "lcb" and reps else mean
        shortfall = target.alpha - bound
    else:
        bound = -lower_bound(-per_rep, CONFIDENCE) if criterion == "lcb" and reps else mean
        shortfall = (bound - target.wait) / target.wait
    return CellLevel(c, tuple(sorted({k[1] for k in keys})), keys[0][2], mean, bound,
                     float(n.sum() / max(1, len(n))), reps, float(shortfall) if reps else 0.0,
                     pooled=len(keys) > 1)


def cell_levels(problem: Problem, result: RunResult | Runs, criterion: str = "lcb",
                min_tickets: float = 10.0) -> list[CellLevel]:
    """Every cell's simulated service level from a run's records (see module docstring).

    ``result`` is one run (of the hall's day, or of week day 0), or a mapping
    week day -> run of that day's schedule.
    """
    runs = {0: result} if isinstance(result, RunResult) else result
    counted: dict = {}
    value: dict = {}
    for day, run in runs.items():
        _per_replication(problem, run, day, counted, value)
    return [judge(problem, counted, value, keys, criterion)
            for keys in _groups(problem, counted, min_tickets)]


def periods_text(problem: Problem, periods: tuple[int, ...]) -> str:
    """Where a cell's periods lie: one period by its label (its start, ``"10:00"``);
    several as stretches from the first's start to the last's end, a closure between
    them making two (``"10:00-12:00, 14:30-15:00"``), never ``"10:00-14:30"`` across
    the lunch break nor ``"17:00-17:30"`` for a cell that ends at 18:00."""
    ps = [problem.periods[p] for p in sorted(periods)]
    if len(ps) == 1:
        return ps[0].label
    runs: list[list[Any]] = []
    for per in ps:
        if runs and runs[-1][-1].day == per.day and runs[-1][-1].end == per.start:
            runs[-1].append(per)
        else:
            runs.append([per])
    return ", ".join(f"{run[0].label}-{format_hhmm(run[-1].end)}" for run in runs)


def _cell_text(problem: Problem, cell: CellLevel) -> dict[str, Any]:
    target = problem.targets[cell.category]
    return {"item": cell.category, "period": periods_text(problem, cell.periods),
            "day_factor": cell.day_factor, "pooled": cell.pooled,
            "measure": "p_within_target" if target.kind == "tail" else "wait_mean",
            "value": cell.mean, "bound": cell.bound, "target": target.describe(),
            "target_value": target.alpha if target.kind == "tail" else target.wait,
            "shortfall": cell.shortfall, "replications": cell.replications,
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


def _day_type(scenario: Scenario, factor: float) -> Scenario:
    """The scenario with every day at arrival factor ``factor`` (one week day simulated)."""
    data = scenario.to_dict()
    data["hall"]["day_factors"] = [factor]
    return scenario_from_dict(data, "<week day>")


def simulate_plan(problem: Problem, solution: Solution, seed: int, replications: int,
                  workers: int = 1) -> dict[int, RunResult]:
    """Simulate the plan with records: the hall's days under the plan's schedule, or,
    with a week model, each week day on its own (its schedule, its arrival factor,
    the same seed)."""
    days = problem.spec.certify.days
    week = problem.spec.week
    runs: dict[int, RunResult] = {}
    for day in range(len(week.days) if week is not None else 1):
        scenario = staffed_scenario(problem, solution, day=day if week is not None else None)
        if week is not None:
            scenario = _day_type(scenario, day_factor(problem.scenario, problem.spec, day))
        if days is not None:
            scenario = scenario.with_days(days)
        runs[day] = simulate(scenario, seed=seed, replications=replications,
                             workers=workers, keep_records=True)
    return runs


@dataclass(frozen=True)
class Check:
    """A final check: the cells of its verdict, the verdict's replications and the
    pilot's (0 when the pilot was the verdict)."""

    cells: list[CellLevel]
    pilot: int
    verdict: int


def _needed(problem: Problem, cell: CellLevel, n0: int) -> int:
    """Replications an undecided cell's bound needs to clear the target with power
    :data:`POWER` if its level is what the pilot of ``n0`` estimated: ``n0 (h / d)^2
    ((z_a + z_b) / z_a)^2``, ``h`` the pilot's half-width, ``d`` the distance of its
    mean from the target (the half-width shrinks as ``1 / sqrt(n)``; sized for the
    bound to land exactly on the target, a fresh run would pass only half the time)."""
    target = problem.targets[cell.category]
    half = abs(cell.mean - cell.bound)
    room = cell.mean - target.alpha if target.kind == "tail" else target.wait - cell.mean
    if room <= 0:  # the mean misses, but not clearly: as many as allowed
        return problem.spec.certify.max_replications
    return math.ceil(n0 * (half / room) ** 2 * _POWER_FACTOR)


def clearly_short(problem: Problem, cell: CellLevel) -> bool:
    """Whether a cell misses its target beyond doubt: even the other side of its
    confidence interval (the mean's distance to the bound, mirrored) misses it."""
    target = problem.targets[cell.category]
    other = 2 * cell.mean - cell.bound
    return other < target.alpha if target.kind == "tail" else other > target.wait


def undecided(problem: Problem, cells: list[CellLevel]) -> list[CellLevel]:
    """Cells short on their bound but not clearly short (:func:`clearly_short`): their
    point estimate meets the target, or misses it by less than its noise."""
    return [c for c in cells if c.short and not clearly_short(problem, c)]


def extended_size(problem: Problem, cells: list[CellLevel], replications: int) -> int:
    """Replications that decide the undecided cells of a run of ``replications``
    (:func:`_needed`, at most ``certify.max_replications``; ``replications`` when
    none is undecided or the criterion is the mean)."""
    cfg = problem.spec.certify
    if cfg.criterion != "lcb":
        return replications
    size = max([replications] + [_needed(problem, c, replications)
                                 for c in undecided(problem, cells)])
    return max(replications, min(size, cfg.max_replications))


def search_cells(problem: Problem, solution: Solution, seed: int, replications: int,
                 workers: int = 1) -> tuple[list[CellLevel], int]:
    """The search's judgement of a plan on ``seed``: ``replications``, then, when
    some cell is short on its bound but not on its point estimate, a run of the size
    that decides it (:func:`extended_size`) on the same seed, read instead (the
    search may stop optionally: its verdicts only steer the cuts; the final check
    never reuses its seeds). Returns the cells and the replications they rest on."""
    cfg = problem.spec.certify
    cells = cell_levels(problem, simulate_plan(problem, solution, seed, replications, workers),
                        cfg.criterion, cfg.min_tickets)
    size = extended_size(problem, cells, replications)
    if size > replications:
        cells = cell_levels(problem, simulate_plan(problem, solution, seed, size, workers),
                            cfg.criterion, cfg.min_tickets)
    return cells, size


def final_check(problem: Problem, solution: Solution, seed: int, replications: int,
                workers: int = 1) -> Check:
    """Judge a plan on fresh seeds in two stages (see the module docstring).

    The pilot (``replications`` on ``seed``) sizes the verdict run (on
    ``seed + VERDICT_SEED_STEP``), which is judged on its own.
    """
    cfg = problem.spec.certify
    pilot = cell_levels(problem, simulate_plan(problem, solution, seed, replications, workers),
                        cfg.criterion, cfg.min_tickets)
    if cfg.criterion != "lcb" or any(c.short and clearly_short(problem, c) for c in pilot):
        return Check(pilot, 0, replications)
    size = extended_size(problem, pilot, replications)
    runs = simulate_plan(problem, solution, seed + VERDICT_SEED_STEP, size, workers)
    return Check(cell_levels(problem, runs, cfg.criterion, cfg.min_tickets), replications, size)


def iteration_record(problem: Problem, solution: Solution, cells: list[CellLevel], kind: str,
                     seed: int, number: int) -> dict[str, Any]:
    """One iteration's line of the certification log: plan cost, short cells, worst cell."""
    short = [c for c in cells if c.short]
    worst = max(cells, key=lambda cell: cell.shortfall, default=None)
    return {"iteration": number, "kind": kind, "seed": seed,
            "cost": round(float(solution.cost or 0.0), 6),
            "headcount": headcount(problem, solution),
            "worst_shortfall": float(worst.shortfall) if worst else 0.0,
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
        cells, searched = search_cells(problem, solution, seed, replications, workers)
        kind, used, pilot = "search", seed, 0
        if not any(c.short for c in cells):
            checks += 1
            used = seed + FRESH_SEED_STEP * checks
            check = final_check(problem, solution, used, replications, workers)
            cells, pilot, kind = check.cells, check.pilot, "final check"
        record = iteration_record(problem, solution, cells, kind, used, len(iterations) + 1)
        if pilot:
            record["pilot_replications"] = pilot
        iterations.append(record)
        if kind == "search" and searched > replications:
            record["extended_from"] = replications
        short = [c for c in cells if c.short]
        levels = lowest_levels(problem, cells)
        if not short:
            if report:
                report(record)
            from optimize.trim import trim

            return trim(problem, Certification(solution, "certified", iterations, levels,
                                               cuts), seed, replications, workers, report)
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
