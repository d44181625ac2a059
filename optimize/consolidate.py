"""The consolidation study: how much do pooling and cross-authorisation save?

For each structure (``dedicated``, ``chain``, ``zone``, ``full``):

(a) *today's headcount*: the windows the hall has today (the sum of its groups'
    counts) are redistributed over the structure's window types in proportion to
    the work of their home items (largest remainders, at least one window per
    type), every window open all day; the hall is simulated with common random
    numbers and its waits compared, paired replication by replication, with
    ``dedicated`` (with the first structure that today's windows can staff, when
    there are fewer windows than departments);
(b) *least cost*: the staffing MILP restricted to the structure's types gives the
    least cost and headcount meeting the service level (certified by simulation
    on request).

The speed sweep repeats (a) and (b) for ``chain`` and ``full`` with the
cross-authorised staff slowed by each factor (``cross_speed``): ``full`` staff
are slower on every item, ``chain`` staff only on their neighbour's. The
crossover is the first factor at which ``full`` no longer has the lower mean
wait (paired difference ``full - chain >= 0``).

The study's table and figure are :mod:`sim.report.consolidation`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from optimize.certify import certify
from optimize.plan import headcount, window_hours
from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import OptimizeSpec
from optimize.structures import WindowType, generate
from sim.engine.arrivals import expected_arrivals
from sim.run.compare import compare_runs
from sim.run.replications import RunResult, simulate
from sim.scenario.model import Scenario, scenario_from_dict
from sim.scenario.regroup import set_window_groups

METRICS = ("wait_mean", "wait_p90", "p_wait_over_target")
DEFAULT_SLOWDOWNS = (1.0, 1.1, 1.2, 1.3, 1.4, 1.5)


def today_headcount(scenario: Scenario) -> int:
    """Windows the hall has today: the sum of its window groups' counts."""
    return scenario.window_count


def redistribute(scenario: Scenario, types: list[WindowType], total: int) -> dict[str, int]:
    """Split ``total`` windows over ``types`` in proportion to their home items' work.

    A type's home items are its primary ones (its department for dedicated and
    chain types, every item for zone and full types). Largest remainders, at least
    one window per type; raises ``ValueError`` if ``total`` is below the number of types.
    """
    if total < len(types):
        raise ValueError(f"{total} windows cannot staff {len(types)} window types")
    work = [sum(expected_arrivals(scenario, c) * scenario.categories[c].service.mean
                for c in t.primary) for t in types]
    if sum(work) <= 0:
        work = [1.0] * len(types)
    spare = total - len(types)
    shares = [spare * w / sum(work) for w in work]
    counts = [1 + math.floor(s) for s in shares]
    order = sorted(range(len(types)), key=lambda k: shares[k] - math.floor(shares[k]),
                   reverse=True)
    for k in order[: total - sum(counts)]:
        counts[k] += 1
    return {t.id: n for t, n in zip(types, counts)}


def structure_scenario(scenario: Scenario, types: list[WindowType],
                       counts: dict[str, int], name: str) -> Scenario:
    """The hall with one window group per type, ``counts`` windows each, open all day."""
    data = scenario.to_dict()
    windows = []
    for t in types:
        if counts.get(t.id, 0) <= 0:
            continue
        group: dict[str, Any] = {"id": t.id, "count": counts[t.id], "serves": list(t.serves),
                                 "primary": list(t.primary)}
        if t.speed:
            group["speed"] = dict(t.speed)
        windows.append(group)
    set_window_groups(data, scenario, windows)
    data["name"] = name
    return scenario_from_dict(data, f"<{name}>")


def _summary(result: RunResult) -> dict[str, Any]:
    doc = result.document()
    out = {k: doc["overall"][k] for k in METRICS}
    out["ci95"] = {k: doc["ci95"][k] for k in METRICS}
    out["utilisation"] = doc["overall"]["utilisation"]
    return out


def _paired(base: RunResult, other: RunResult) -> dict[str, Any]:
    diff = compare_runs(base, other)["overall"]
    return {k: {"diff": diff[k]["diff"], "ci95": diff[k]["ci95"],
                "significant": diff[k]["significant"]} for k in METRICS if k in diff}


def _optimise(scenario: Scenario, spec: OptimizeSpec, structure: str, do_certify: bool,
              replications: int, seed: int, workers: int) -> dict[str, Any]:
    if spec.desks == "hall":  # the least cost is asked for, not a fit into today's windows
        spec = spec.model_copy(update={"desks": "none"})
    problem = build_problem(scenario, spec, structures=(structure,))
    if do_certify:
        cert = certify(problem, replications=replications, seed=seed, workers=workers)
        solution, status = cert.solution, cert.status
    else:
        solution = solve(problem)
        status = solution.status
    if solution.cost is None:
        return {"status": status, "cost": None, "headcount": None, "window_hours": None,
                "diagnosis": solution.diagnosis}
    return {"status": status, "cost": round(solution.cost, 4),
            "headcount": headcount(problem, solution),
            "window_hours": round(window_hours(problem, solution), 3),
            "peak_windows": max(sum(v[p] for v in solution.open.values())
                                for p in range(len(problem.periods)))}


def stages(scenario: Scenario, spec: OptimizeSpec, structures: tuple[str, ...],
           slowdowns: tuple[float, ...]) -> int:
    """How many progress messages :func:`consolidate` sends (for a progress bar)."""
    total = today_headcount(scenario)
    wanted = tuple(dict.fromkeys(("dedicated", *structures)))
    return sum(2 if total >= len(generate(scenario, spec, s)) else 1 for s in wanted) \
        + len(slowdowns)


def consolidate(scenario: Scenario, spec: OptimizeSpec,
                structures: tuple[str, ...] = ("dedicated", "chain", "zone", "full"),
                replications: int = 20, seed: int = 1, do_certify: bool = False,
                slowdowns: tuple[float, ...] = DEFAULT_SLOWDOWNS, workers: int = 1,
                progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run the study; returns the document written by ``hallsim consolidate --json``."""
    total = today_headcount(scenario)
    say = progress or (lambda _msg: None)
    runs: dict[str, RunResult] = {}
    doc: dict[str, Any] = {"scenario": scenario.name, "headcount_today": total,
                           "replications": replications, "seed": seed,
                           "wait_minutes": scenario.targets.wait_minutes,
                           "baseline": None, "structures": {}}
    wanted = tuple(dict.fromkeys(("dedicated", *structures)))
    baseline = None
    for s in wanted:
        types = generate(scenario, spec, s)
        entry: dict[str, Any] = {"types": len(types)}
        if total >= len(types):
            say(f"{s}: simulating today's headcount")
            counts = redistribute(scenario, types, total)
            runs[s] = simulate(structure_scenario(scenario, types, counts,
                                                  f"{scenario.name}-{s}"),
                               seed=seed, replications=replications, workers=workers)
            entry |= {"windows": counts, "today": _summary(runs[s])}
            baseline = baseline or s
            if s != baseline:
                entry[f"vs_{baseline}"] = _paired(runs[baseline], runs[s])
        else:
            entry |= {"windows": None, "today": None,
                      "note": f"today's {total} windows cannot staff {len(types)} types"}
        say(f"{s}: optimising")
        entry["optimised"] = _optimise(scenario, spec, s, do_certify, replications, seed,
                                       workers)
        if s in structures:
            doc["structures"][s] = entry
    doc["baseline"] = baseline
    doc["speed_sweep"] = speed_sweep(scenario, spec, slowdowns, replications, seed, workers,
                                     say)
    return doc


def speed_sweep(scenario: Scenario, spec: OptimizeSpec, slowdowns: tuple[float, ...],
                replications: int, seed: int, workers: int = 1,
                say: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """``chain`` against ``full`` as cross-authorised staff slow down (see module doc)."""
    total = today_headcount(scenario)
    rows = []
    crossover = None
    cost_crossover = None
    for f in slowdowns:
        say(f"speed sweep: slowdown {f:g}")
        sped = spec.model_copy(update={"cross_speed": float(f)})
        res, opt = {}, {}
        for s in ("chain", "full"):
            types = generate(scenario, sped, s)
            if total >= len(types):
                counts = redistribute(scenario, types, total)
                res[s] = simulate(structure_scenario(scenario, types, counts,
                                                     f"{scenario.name}-{s}-x{f:g}"),
                                  seed=seed, replications=replications, workers=workers)
            opt[s] = _optimise(scenario, sped, s, False, replications, seed, workers)
        row: dict[str, Any] = {"slowdown": f,
                               "chain": _summary(res["chain"]) if "chain" in res else None,
                               "full": _summary(res["full"]),
                               "full_minus_chain": (_paired(res["chain"], res["full"])
                                                    if "chain" in res else {}),
                               "optimised_cost": {s: opt[s]["cost"] for s in opt},
                               "optimised_headcount": {s: opt[s]["headcount"] for s in opt}}
        rows.append(row)
        diff = row["full_minus_chain"]
        if crossover is None and diff.get("wait_mean", {}).get("diff", -1.0) >= 0:
            crossover = f
        costs = row["optimised_cost"]
        if cost_crossover is None and None not in costs.values() \
                and costs["full"] >= costs["chain"]:
            cost_crossover = f
    return {"slowdowns": list(slowdowns), "rows": rows,
            "full_stops_beating_chain_on_wait_at": crossover,
            "full_stops_beating_chain_on_cost_at": cost_crossover}
