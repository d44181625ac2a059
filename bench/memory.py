"""Peak memory of one hallsim replication with about a million customers.

Run:  python bench/memory.py [--customers 1000000] [--seed 1] [--limit-mb 1024]
                             [--engines simpy,fast]

A child process (``python -c``, a fresh interpreter, so nothing the parent has
imported or allocated counts) runs one replication of the continuous M/M/10
hall at utilisation 0.9 (54 arrivals an hour, exponential service of mean 10
minutes; 1,296 expected tickets a day, so 772 days for a million), exactly as
``hallsim run -r 1`` does: ``sim.run.replications.simulate(scenario, seed, replications=1)``
(draw customers, run the engine, summarise; records are not kept), once per engine
of ``--engines`` (default: the SimPy engine, then the fast engine if numba is installed),
each in a child of its own.

Reported:

- peak RSS of the child, from ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read by
  the child as it ends (kilobytes on Linux; for the first child it equals the parent's
  ``RUSAGE_CHILDREN`` figure). This is the high-water mark of the whole process:
  interpreter, imported libraries (numpy, scipy, pandas, pydantic, simpy, and numba for
  the fast engine) and the simulation;
- the child's own RSS high-water mark right after its imports, so the part
  that the simulation adds can be told apart from the fixed cost of imports;
- wall time of the replication (inside the child) and of the whole child
  process (including interpreter start-up and imports).

Target: peak RSS below 1 GB (1024 MB) for one million customers, and the memory the
fast engine's run adds no higher than the SimPy engine's run adds (numba and the
compiled code cost a fixed amount at start-up, reported apart). Before issue 21 the
SimPy engine's whole peak here was 316 MB (323,432 KB). Exit status is 0 when the targets are
met, 1 when one is not, 2 if a child failed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

PER_DAY = 54 * 24  # expected tickets a day of the M/M/10 hall at rho = 0.9

CHILD = r"""
import json, resource, sys, time
from sim.run.replications import simulate
from sim.scenario.model import scenario_from_dict
after_imports_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
days, seed, engine = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
if engine == "fast":  # the compiled loop loaded (from numba's cache) before the clock starts
    from sim.engine.fast import loop  # noqa: F401
    after_imports_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
scenario = scenario_from_dict({
    "name": "mmc10-memory",
    "hall": {"open": ["00:00-24:00"], "days": days},
    "categories": {"a": {"arrivals_per_hour": 54,
                         "service": {"dist": "exponential", "mean": 10}}},
    "windows": [{"id": "A", "count": 10, "serves": ["a"]}],
})
t0 = time.perf_counter()
result = simulate(scenario, seed=seed, replications=1, workers=1, engine=engine)
seconds = time.perf_counter() - t0
overall = result.replications[0].summary["overall"]
print(json.dumps({"after_imports_kb": after_imports_kb, "seconds": seconds,
                  "customers": overall["arrivals"], "served": overall["served"],
                  "wait_mean": overall["wait_mean"],
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run_child(days: int, seed: int, engine: str) -> tuple[dict, float] | None:
    """One replication in a fresh interpreter: its report and the child's wall time."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(days), str(seed), engine],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        print(f"child ({engine}) failed with exit status {proc.returncode}:", file=sys.stderr)
        print(proc.stderr, file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


def report(engine: str, child: dict, wall: float) -> None:
    """The figures of one child."""
    peak_kb = child["peak_kb"]
    peak_mb = peak_kb / 1024.0
    base_mb = child["after_imports_kb"] / 1024.0
    n = child["customers"]
    print(f"engine {engine}")
    print(f"customers                 {n:>12,}  (served {child['served']:,}, "
          f"mean wait {child['wait_mean']:.3f} min)")
    print(f"peak RSS (ru_maxrss)      {peak_kb:>12,} KB  = {peak_mb:8.1f} MB")
    print(f"  of which after imports  {child['after_imports_kb']:>12,} KB  = {base_mb:8.1f} MB")
    print(f"  added by the run        {peak_kb - child['after_imports_kb']:>12,} KB  "
          f"= {peak_mb - base_mb:8.1f} MB  ({(peak_kb - child['after_imports_kb']) * 1024 / n:,.0f}"
          f" bytes per customer)")
    print(f"replication wall time     {child['seconds']:>12.2f} s  "
          f"({n / child['seconds']:,.0f} customers/s)")
    print(f"child process wall time   {wall:>12.2f} s  (with interpreter start-up and imports)")


def main(argv: list[str] | None = None) -> int:
    from sim.engine.fast import available

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000,
                        help="target number of customers (default 1000000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit-mb", type=float, default=1024.0,
                        help="peak RSS target in MB (default 1024 = 1 GB)")
    parser.add_argument("--engines", default="simpy,fast" if available() else "simpy",
                        help="engines to measure, comma-separated (default simpy,fast; "
                             "simpy alone without numba)")
    args = parser.parse_args(argv)
    if args.customers < 1:
        parser.error("--customers must be at least 1")
    days = max(1, round(args.customers / PER_DAY))
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]

    print(f"hallsim memory: M/M/10, rho = 0.9, continuous hall, {days} days "
          f"(~{days * PER_DAY:,} expected customers), one replication in a child process "
          f"per engine")
    peaks: dict[str, float] = {}
    added: dict[str, float] = {}
    base: dict[str, float] = {}
    for engine in engines:
        got = run_child(days, args.seed, engine)
        if got is None:
            return 2
        child, wall = got
        report(engine, child, wall)
        peaks[engine] = child["peak_kb"] / 1024.0
        base[engine] = child["after_imports_kb"] / 1024.0
        added[engine] = peaks[engine] - base[engine]
    ok = True
    for engine, peak_mb in peaks.items():
        under = peak_mb < args.limit_mb
        ok = ok and under
        print(f"{engine}: peak RSS {peak_mb:.1f} MB is {'under' if under else 'NOT under'} the "
              f"{args.limit_mb:.0f} MB ({args.limit_mb / 1024:g} GB) target: "
              f"{'PASS' if under else 'FAIL'}")
    if "simpy" in peaks and "fast" in peaks:
        lower = added["fast"] <= added["simpy"]
        ok = ok and lower
        print(f"memory the run adds: fast engine {added['fast']:.1f} MB vs SimPy engine "
              f"{added['simpy']:.1f} MB: {'no higher: PASS' if lower else 'HIGHER: FAIL'}")
        print(f"fixed cost of numba and the compiled engine (loaded before the clock starts): "
              f"{base['fast'] - base['simpy']:.1f} MB; whole peaks: fast {peaks['fast']:.1f} MB, "
              f"SimPy {peaks['simpy']:.1f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
