"""What walking costs the engine: the same hall with and without walking, same run.

    python bench/walking.py [--days 250] [--repeat 3] [--seed 1]

The Xinglongtai hall (scenarios/xinglongtai/after.yaml, 10 windows) on its automatic
layout, simulated with walking off and with ``layout.walking`` on (1.2 m/s), in
interleaved rounds, by the SimPy engine and, where numba is installed (the ``[fast]``
extra), by the fast engine; prints the best time of each, walking's cost on each engine
(target: at most 15 % more on the SimPy engine) and the fast engine's speed-up over the
SimPy engine with walking on (its compiled code loaded before timing).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--days", type=int, default=250)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)

    from sim.run.replications import simulate
    from sim.scenario.layout import automatic_layout
    from sim.scenario.model import load_scenario, scenario_from_dict

    plain = load_scenario(ROOT / "scenarios/xinglongtai/after.yaml").with_days(args.days)
    layout = automatic_layout(plain).model_dump(mode="json", exclude_none=True)
    walking = scenario_from_dict(plain.to_dict() | {"layout": layout | {"walking": {}}})
    from sim.engine.fast.support import available

    engines = ["simpy"] + (["fast"] if available() else [])
    if "fast" in engines:  # load (or compile) the fast engine's code outside the timing
        simulate(walking.with_days(1), seed=args.seed, replications=1, engine="fast")
    best = {(e, n): float("inf") for e in engines for n in ("plain", "walking")}
    tickets = 0
    for _ in range(args.repeat):
        for engine in engines:
            for name, sc in (("plain", plain), ("walking", walking)):
                t = time.perf_counter()
                doc = simulate(sc, seed=args.seed, replications=1, engine=engine).document()
                best[engine, name] = min(best[engine, name], time.perf_counter() - t)
                tickets = doc["overall"]["arrivals"]
    print(f"{args.days} days, {tickets:,.0f} tickets, best of {args.repeat}:")
    for engine in engines:
        ratio = best[engine, "walking"] / best[engine, "plain"]
        print(f"  {engine:5s} engine: without walking {best[engine, 'plain']:.3f} s, with "
              f"walking {best[engine, 'walking']:.3f} s; ratio {ratio:.3f}"
              + (" (target <= 1.15)" if engine == "simpy" else ""))
    if "fast" in engines:
        speedup = best["simpy", "walking"] / best["fast", "walking"]
        print(f"  with walking, fast engine {speedup:.1f}x the SimPy engine (the same records: "
              "tests/engine_fast)")
    return 0 if best["simpy", "walking"] / best["simpy", "plain"] <= 1.15 else 1

if __name__ == "__main__":
    sys.exit(main())
