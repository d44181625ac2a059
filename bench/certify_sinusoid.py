"""Acceptance bench: certification on the time-varying sinusoid case.

lambda(t) = 100 + 40 sin(2 pi t / 24) per hour (piecewise constant over 10-minute
steps, at each step's mid-point), exponential service of mean 30 minutes, target
P(wait > 0) <= 0.2, hourly staffing periods, a hall open around the clock.
SIPP (period-by-period Erlang C) staffing costs about 1,398 window-hours and
misses the target in about 9 of 24 hours. The certified plan is then checked on
an independent 20-replication run (seeds the certification never used): it
must meet P(wait > 0) <= 0.2 in all 24 hours (point estimates, with the
one-sided 95 % lower bound printed).

    python bench/certify_sinusoid.py [--replications 10] [--days 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import math
import time

from optimize.certify import cell_levels, certify
from optimize.plan import staffed_scenario, window_hours
from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import spec_from_dict
from sim.spec.scenario import scenario_from_dict
from sim.stats.replications import simulate


def sinusoid_hall(days: int):
    """The continuous hall with the sinusoidal arrival profile."""
    profile = {}
    for k in range(24 * 6):
        t = (k + 0.5) / 6.0
        profile[f"{k // 6:02d}:{10 * (k % 6):02d}"] = round(
            100 + 40 * math.sin(2 * math.pi * t / 24), 4)
    return scenario_from_dict({
        "name": "sinusoid", "hall": {"open": ["00:00-24:00"], "days": days, "warmup_days": 1},
        "categories": {"item": {"arrivals_per_hour": profile,
                                "service": {"dist": "exponential", "mean": 30}}},
        "windows": [{"id": "W", "count": 200, "serves": ["*"]}],
        "targets": {"wait_minutes": 0.0001}}, "bench")


def hours_short(problem, solution, seed: int, replications: int, workers: int) -> list:
    """Independent run: hours whose simulated P(wait > 0) exceeds 0.2."""
    run = simulate(staffed_scenario(problem, solution), seed=seed, replications=replications,
                   workers=workers, keep_records=True)
    cells = cell_levels(problem, run, "mean")
    bounds = {c.period: c for c in cell_levels(problem, run, "lcb")}
    out = []
    for c in cells:
        if c.short:
            out.append((problem.periods[c.period].label, round(1 - c.mean, 3),
                        round(1 - bounds[c.period].bound, 3)))
    return out


def main() -> None:
    """SIPP, certification and the independent check; prints costs and short hours."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--criterion", choices=("lcb", "mean"), default="lcb")
    args = parser.parse_args()
    hall = sinusoid_hall(args.days)
    spec = spec_from_dict({"structure": "dedicated", "period_minutes": 60,
                           "service_level": {"wait_minutes": 0.0001, "alpha": 0.8},
                           "certify": {"criterion": args.criterion, "max_iterations": 12,
                                       "min_tickets": 10}}, "bench")
    problem = build_problem(hall, spec)
    started = time.perf_counter()
    sipp = solve(problem)
    print(f"SIPP: {window_hours(problem, sipp):,.0f} window-hours; hours short on an "
          f"independent run: {hours_short(problem, sipp, 777, 20, args.workers)}")
    cert = certify(problem, replications=args.replications, seed=1, workers=args.workers,
                   report=lambda r: print(f"  iteration {r['iteration']} ({r['kind']}): "
                                          f"cost {r['cost']:.0f}, {r['cells_short']} short"))
    cost = window_hours(problem, cert.solution)
    short = hours_short(problem, cert.solution, 987_654, 20, args.workers)
    print(f"certified plan: status {cert.status}, {cost:,.0f} window-hours "
          f"({cost - window_hours(problem, sipp):+,.0f} against SIPP, "
          f"{100 * (cost / window_hours(problem, sipp) - 1):+.1f} %); hours with "
          f"P(wait > 0) > 0.2 on an independent 20-replication run: {short or 'none'}; "
          f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
