"""Benchmark: build and solve time of the staffing MILP for a large hall.

A synthetic hall of 30 departments (45 items) in 9 zones, open 08:00-18:00 in
20 periods of 30 minutes, with every structure as a candidate (``auto``: 30
dedicated, 30 chain, 9 zone and 1 full type). Prints the model size and the
time to the first optimal plan (target: under 60 s on 2 cores).

    python bench/optimize_large.py [--solver cbc|highs] [--training-cost C]

``--training-cost`` above 0 couples the periods (people hold a type all day),
so the model is solved as one MILP instead of period by period.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import spec_from_dict
from sim.spec.scenario import scenario_from_dict


def large_hall(departments: int = 30, zones: int = 9, seed: int = 7):
    """The synthetic hall: 1-2 items per department, morning and afternoon peaks."""
    rng = np.random.default_rng(seed)
    shape = {"08:00": 0.6, "09:00": 1.4, "10:30": 1.1, "12:00": 0.7, "14:00": 1.2,
             "16:00": 0.8, "17:00": 0.5}
    cats = {}
    for d in range(departments):
        for k in range(1 + d % 2):
            rate = float(rng.uniform(0.5, 12.0))
            mean = float(rng.uniform(5.0, 30.0))
            cats[f"d{d:02d}_item{k}"] = {
                "department": f"dept{d:02d}", "zone": f"zone{d % zones}",
                "arrivals_per_hour": {t: round(rate * f, 3) for t, f in shape.items()},
                "service": {"dist": "lognormal", "mean": round(mean, 2), "cv": 0.6}}
    return scenario_from_dict({
        "name": "large-hall", "hall": {"open": ["08:00-18:00"], "days": 1},
        "categories": cats, "windows": [{"id": "ALL", "count": 1, "serves": ["*"]}]}, "bench")


def main() -> None:
    """Build and solve; print sizes and times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solver", choices=("cbc", "highs"), default="cbc")
    parser.add_argument("--training-cost", type=float, default=0.0)
    parser.add_argument("--time-limit", type=float, default=300.0)
    args = parser.parse_args()
    hall = large_hall()
    spec = spec_from_dict({"structure": "auto", "cross_speed": 1.1,
                           "training_cost": args.training_cost,
                           "solver": {"name": args.solver, "time_limit": args.time_limit}},
                          "bench")
    started = time.perf_counter()
    problem = build_problem(hall, spec)
    tables = time.perf_counter()
    solution = solve(problem)
    done = time.perf_counter()
    load = problem.load.sum(axis=0)
    print(f"hall: {len(problem.categories)} items, "
          f"{len({c.department for c in hall.categories.values()})} departments, "
          f"{len({c.zone for c in hall.categories.values()})} zones, {len(problem.periods)} "
          f"periods, {len(problem.types)} candidate types, offered load "
          f"{load.min():.1f}-{load.max():.1f} erlangs")
    print(f"model: {solution.stats.get('variables')} variables "
          f"({solution.stats.get('binaries')} binaries), {solution.stats.get('constraints')} "
          f"constraints; solver {solution.solver}, training cost {args.training_cost:g}")
    print(f"problem (loads, types): {tables - started:6.2f} s")
    print(f"model build:            {solution.build_seconds:6.2f} s (incl. staffing tables)")
    print(f"solve:                  {solution.solve_seconds:6.2f} s")
    print(f"total to first {solution.status} plan: {done - started:6.2f} s "
          f"(target < 60 s); cost {solution.cost:.2f}")
    used = {k: max(v) for k, v in solution.open.items() if max(v) > 0}
    more = " ..." if len(used) > 8 else ""
    print(f"types used: {len(used)} ({', '.join(sorted(used)[:8])}{more})")


if __name__ == "__main__":
    main()
