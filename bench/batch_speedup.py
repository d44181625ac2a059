"""Batch throughput: runs per second with 1 and 2 local workers, and coordinator overhead.

Run:  python bench/batch_speedup.py [--replications 30] [--scale 8]

The experiment: the Xinglongtai after-hall (``scenarios/xinglongtai/after.yaml``)
grown into a city-sized hall for one day: every arrival rate times ``--scale``
and every window group's count times ``--scale`` (about 140 x scale tickets on
its Monday, at the original load per window),
with a 2-level factor ``arrival_scale`` (x1.0, x1.1 on top) and
``--replications`` replications: 2 x R runs of one day each.

Measured (wall clock, ``time.perf_counter``), each on a fresh store:

- **inline**: every run in this process, one after the other (no pool, no
  inter-process traffic): the pure cost of a run plus the store;
- **local, 1 worker** and **local, 2 workers**: ``hallsim batch run --workers N``
  (a ``ProcessPoolExecutor``), including starting the pool;
- **speed-up** = runs/s with 2 workers / runs/s with 1 worker (target >= 1.8 on
  2 cores);
- **control**: the same 1-vs-2-process speed-up for a pure-Python CPU loop,
  which tells whether the machine has two free cores at all (on a shared or
  busy machine it does not, and no batch can reach 1.8x);
- **coordinator overhead per run**: time the coordinator spends per finished run
  outside waiting for workers (recording it in SQLite, in its own transaction,
  with its metric rows and profile), from the 2-worker batch.

The script always exits 0; it prints the numbers and does not judge them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import yaml

from sim.batch.executors import InlineExecutor, LocalExecutor
from sim.batch.experiment import load_experiment, run_experiment
from sim.batch.store import Store
from sim.engine.arrivals import expected_arrivals
from sim.scenario.model import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def build(tmp: Path, scale: int, replications: int) -> Path:
    """Write the scaled one-day hall and the experiment file; return the experiment's path."""
    base = load_scenario(ROOT / "scenarios/xinglongtai/after.yaml").with_days(1).to_dict()
    base["name"] = f"xinglongtai-after-x{scale}"
    for cat in base["categories"].values():
        rate = cat["arrivals_per_hour"]
        cat["arrivals_per_hour"] = {k: v * scale for k, v in rate.items()} \
            if isinstance(rate, dict) else rate * scale
    for g in base["windows"]:
        g["count"] *= scale
    (tmp / "hall.yaml").write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
    exp = {"name": "bench", "scenarios": ["hall.yaml"],
           "factors": {"arrival_scale": [1.0, 1.1]}, "replications": replications, "seed": 1}
    path = tmp / "bench.yaml"
    path.write_text(yaml.safe_dump(exp, sort_keys=False), encoding="utf-8")
    return path


def measure(exp_path: Path, store: Path, executor: object) -> tuple[float, float, int]:
    """(wall seconds, coordinator seconds, runs) of one batch on a fresh store."""
    exp = load_experiment(exp_path)
    started = time.perf_counter()
    with Store.for_experiment(store, exp) as s, executor as ex:  # type: ignore[attr-defined]
        report = run_experiment(exp, s, ex)
    wall = time.perf_counter() - started
    assert report.failed == 0 and report.ran == exp.runs
    return wall, report.coordinator_seconds, report.ran


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_speedup(tasks: int = 16, n: int = 1_000_000) -> float:
    """Speed-up of a pure-Python CPU loop with 2 processes over 1: what the machine allows."""
    from concurrent.futures import ProcessPoolExecutor

    times = []
    for w in (1, 2):
        t0 = time.perf_counter()
        with ProcessPoolExecutor(w) as pool:
            list(pool.map(_spin, [n] * tasks))
        times.append(time.perf_counter() - t0)
    return times[0] / times[1]


def main() -> None:
    """Run the measurements and print a table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--replications", type=int, default=30)
    ap.add_argument("--scale", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        exp = build(tmp, args.scale, args.replications)
        hall = load_experiment(exp).points[0].scenario
        tickets = sum(expected_arrivals(hall, c) for c in hall.categories)
        rows = []
        for name, make in (("inline", InlineExecutor), ("local, 1 worker",
                                                        lambda: LocalExecutor(1)),
                           ("local, 2 workers", lambda: LocalExecutor(2))):
            wall, coord, runs = measure(exp, tmp / f"{name[:7]}{len(rows)}.sqlite", make())
            rows.append((name, runs, wall, runs / wall, coord / runs))
        print(f"one-day hall x{args.scale} ({tickets:,.0f} expected tickets, "
              f"{hall.window_count} windows), {rows[0][1]} runs per batch, "
              f"{os.cpu_count()} CPUs")
        print(f"{'executor':<18}{'runs':>6}{'seconds':>10}{'runs/s':>10}{'coord ms/run':>14}")
        for name, runs, wall, rate, coord in rows:
            print(f"{name:<18}{runs:>6}{wall:>10.2f}{rate:>10.1f}{coord * 1e3:>14.2f}")
        speedup = rows[2][3] / rows[1][3]
        control = machine_speedup()
        print(f"speed-up, 2 workers vs 1: {speedup:.2f}x (target >= 1.8)")
        print(f"control: a pure CPU loop speeds up {control:.2f}x with 2 processes on this "
              f"machine now (load average {os.getloadavg()[0]:.2f}); batch efficiency "
              f"{speedup / control:.0%} of that")
        print(f"seconds per run inline: {1e3 * rows[0][2] / rows[0][1]:.1f} ms; coordinator "
              f"overhead per run (2 workers): {1e3 * rows[2][4]:.2f} ms "
              f"({100 * rows[2][4] / (rows[0][2] / rows[0][1]):.1f}% of a run)")


if __name__ == "__main__":
    main()
