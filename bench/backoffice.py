"""A hall with a back office, end to end: the SimPy engine against the fast engine.

    python bench/backoffice.py [--tickets 100000] [--rounds 3] [--seed 1]

The bundled company-setup halls (``scenarios/reforms/company_setup_parallel.yaml``: five
departments in parallel, fork-join; ``company_setup_serial.yaml``: the same five one after
another), scaled up 20-fold (arrivals, windows and reviewers alike, so the loads stay
the same) and run for as many days as give about ``--tickets`` expected tickets. One
replication end to end each way, in interleaved rounds (SimPy, fast, SimPy, fast, ...):

- SimPy: ``run_replication(scenario, seed, 0, engine="simpy")``, what ``hallsim run
  --engine simpy`` does for one replication (layout, draws, the hall and its case flow on
  one calendar, the summary with the back office's figures);
- fast: the same steps with the front on the compiled loop and the cases after it
  (:func:`sim.engine.fast.cases.run_fast_cases`), assembled as ``run_replication``
  assembles them; its compiled code (front and back office) is loaded before the clock
  starts.

Prints each round's seconds, the best of each engine, the ratio (SimPy / fast: how many
times faster the fast engine is), where the fast engine's time goes (customers' draws,
front and cases, summary; within the second, the front and the cases' draws) and whether
both gave the same results document figures.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCALE = 20


def scaled(name: str, tickets: int) -> Any:
    """The bundled hall ``name`` scaled :data:`SCALE`-fold, run for about ``tickets``."""
    from sim.engine.arrivals import expected_tickets
    from sim.scenario.model import load_scenario, scenario_from_dict

    spec = load_scenario(ROOT / f"scenarios/reforms/{name}.yaml").to_dict()
    for cat in spec["categories"].values():
        cat["arrivals_per_hour"] *= SCALE
    for group in spec["windows"]:
        group["count"] *= SCALE
    for stage in spec["backoffice"]["stages"].values():
        stage["count"] *= SCALE
    scenario = scenario_from_dict(spec)
    per_day = expected_tickets(scenario) / scenario.hall.days
    return scenario.with_days(max(2, math.ceil(tickets / per_day)))


def fast_replication(scenario: Any, seed: int) -> tuple[dict[str, Any], dict[str, float]]:
    """One replication with the front on the fast engine and the cases after it: the
    summary and the seconds of each step."""
    from sim.engine.arrivals import draw_customers
    from sim.engine.fast.cases import run_fast_cases
    from sim.engine.layout import HallLayout
    from sim.scenario.clock import MINUTES_PER_DAY
    from sim.stats.metrics import summarise

    t0 = time.perf_counter()
    layout = HallLayout.from_scenario(scenario)
    customers = draw_customers(scenario, seed, 0)
    t1 = time.perf_counter()
    out = run_fast_cases(scenario, layout, customers, seed, 0)
    assert not out.simpy, "a tie sent the replication to the SimPy engine"
    t2 = time.perf_counter()
    records = out.records.with_columns(out.flow.ticket_columns(len(out.records)))
    cases = out.flow.table(scenario.hall.warmup_days * MINUTES_PER_DAY,
                           scenario.hall.days * MINUTES_PER_DAY)
    summary = summarise(scenario, layout, records, cases)
    t3 = time.perf_counter()
    return summary, {"layout and draws": t1 - t0, "front and cases": t2 - t1,
                     "summary": t3 - t2}


def inside_seconds(scenario: Any, seed: int) -> tuple[float, float]:
    """Seconds of two parts of ``front and cases``: the fast engine's front alone and the
    cases' draws (made up front, the same for both engines); the rest is the case flow's
    books and the compiled back office."""
    from sim.engine.arrivals import draw_customers
    from sim.engine.case_draws import draw_cases
    from sim.engine.fast import run_fast
    from sim.engine.layout import HallLayout

    layout = HallLayout.from_scenario(scenario)
    customers = draw_customers(scenario, seed, 0)
    t0 = time.perf_counter()
    run_fast(layout, customers, scenario.hall.days)
    t1 = time.perf_counter()
    draw_cases(scenario, customers, seed, 0)
    return t1 - t0, time.perf_counter() - t1


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)

    from sim.engine.fast import available, preload
    from sim.engine.layout import HallLayout
    from sim.run.replications import run_replication

    if not available():
        print("the fast engine needs numba (the [fast] extra)")
        return 1
    for name in ("company_setup_parallel", "company_setup_serial"):
        scenario = scaled(name, args.tickets)
        preload(HallLayout.from_scenario(scenario))
        fast_replication(scaled(name, 500), args.seed)  # the compiled back office loaded
        times: dict[str, list[float]] = {"simpy": [], "fast": []}
        same = True
        parts: dict[str, float] = {}
        tickets = 0
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            slow = run_replication(scenario, args.seed, 0, engine="simpy")
            times["simpy"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            summary, steps = fast_replication(scenario, args.seed)
            times["fast"].append(time.perf_counter() - t0)
            if not parts or sum(steps.values()) < sum(parts.values()):
                parts = steps
            same &= json.dumps(summary, sort_keys=True) == json.dumps(slow.summary,
                                                                      sort_keys=True)
            tickets = int(slow.summary["overall"]["arrivals"])
        front, case_draws = (min(x) for x in zip(
            *(inside_seconds(scenario, args.seed) for _ in range(args.rounds)), strict=True))
        best = {engine: min(t) for engine, t in times.items()}
        print(f"{name} x{SCALE}: {scenario.hall.days} days, {tickets:,} tickets "
              f"(in the days after warm-up), {args.rounds} interleaved rounds")
        for engine in ("simpy", "fast"):
            rounds = "  ".join(f"{t:6.2f}" for t in times[engine])
            print(f"  {engine:6} end to end  best {best[engine]:6.2f} s   rounds {rounds}")
        print(f"  ratio SimPy / fast (best): {best['simpy'] / best['fast']:.2f}x")
        print("  fast, where the time goes: " + ", ".join(
            f"{k} {v:.2f} s" for k, v in parts.items())
              + f" (in front and cases: the front {front:.2f} s, the case draws "
                f"{case_draws:.2f} s)")
        print(f"  same results document figures: {'yes' if same else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
