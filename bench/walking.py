"""What walking costs the engine: the same hall with and without walking, same run.

    python bench/walking.py [--days 250] [--repeat 3] [--seed 1]

The Xinglongtai hall (scenarios/xinglongtai/after.yaml, 10 windows) on its automatic
layout, simulated by the SimPy engine with walking off and with ``layout.walking`` on
(1.2 m/s), in interleaved rounds; prints the best time of each and their ratio
(target: walking costs at most 15 % more).
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
    best = {"plain": float("inf"), "walking": float("inf")}
    tickets = 0
    for _ in range(args.repeat):
        for name, sc in (("plain", plain), ("walking", walking)):
            t = time.perf_counter()
            doc = simulate(sc, seed=args.seed, replications=1, engine="simpy").document()
            best[name] = min(best[name], time.perf_counter() - t)
            tickets = doc["overall"]["arrivals"]
    ratio = best["walking"] / best["plain"]
    print(f"{args.days} days, {tickets:,.0f} tickets, best of {args.repeat}: without walking "
          f"{best['plain']:.3f} s, with walking {best['walking']:.3f} s; ratio {ratio:.3f} "
          f"(target <= 1.15)")
    return 0 if ratio <= 1.15 else 1


if __name__ == "__main__":
    sys.exit(main())
