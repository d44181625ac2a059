"""The fast engine's compiled loop alone, this checkout against another one.

Run:  python bench/fast_loop.py --against DIR [--customers 2000000] [--repeat 9]
            [--rounds 2]

For a change to ``sim/engine/fast/loop.py``: the engine only (``run_fast(layout,
customers, days)`` on customers drawn beforehand, after a warm-up call that compiles or
loads the numba cache), best of ``--repeat`` calls, on the three halls of
``bench/engine_vs_simpy.py`` (plain M/M/c, featured, mechanisms) sized to about
``--customers`` tickets. Each checkout runs in a fresh interpreter with its own
``sim`` first on the path, the two alternating for ``--rounds`` rounds, so that both
meet the same machine. Prints each round's seconds and, per hall, the best of each
checkout and the ratio (other / this: above 1.0, this checkout is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: run in the checkout measured: seconds per hall, as JSON on stdout
TIMER = """
import gc, json, sys, time
sys.path.insert(0, "bench")
import engine_vs_simpy as b
from sim.engine.fast import run_fast
days = b.days_for(int(sys.argv[1]))
out = {}
for name, make in (("M/M/c", b.mmc_scenario), ("featured", b.featured_scenario),
                   ("mechanisms", b.mechanisms_scenario)):
    sc = make(days)
    layout = b.HallLayout.from_scenario(sc)
    customers = b.draw_customers(sc, 1, 0)
    run_fast(layout, customers, sc.hall.days)
    best = float("inf")
    for _ in range(int(sys.argv[2])):
        gc.collect()
        t = time.perf_counter()
        run_fast(layout, customers, sc.hall.days)
        best = min(best, time.perf_counter() - t)
    out[name] = best
print(json.dumps(out))
"""


def seconds(checkout: Path, customers: int, repeat: int) -> dict[str, float]:
    """Best seconds per hall of ``checkout``'s fast engine, in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run([sys.executable, "-c", TIMER, str(customers), str(repeat)],
                         cwd=checkout, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Time both checkouts alternately and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True,
                        help="another checkout of hallsim (e.g. a git worktree of main)")
    parser.add_argument("--customers", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    best: dict[str, dict[str, float]] = {"this": {}, "other": {}}
    for r in range(args.rounds):
        for label, checkout in (("other", args.against.resolve()), ("this", ROOT)):
            got = seconds(checkout, args.customers, args.repeat)
            print(f"round {r + 1} {label:5s} " + "  ".join(f"{k} {v:.4f} s"
                                                           for k, v in got.items()))
            for k, v in got.items():
                best[label][k] = min(best[label].get(k, v), v)
    print("\nbest of the rounds (engine only; ratio = other / this, > 1: this is faster)")
    for k in best["this"]:
        print(f"  {k:11s} this {best['this'][k]:.4f} s  other {best['other'][k]:.4f} s  "
              f"ratio {best['other'][k] / best['this'][k]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
