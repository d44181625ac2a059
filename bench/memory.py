"""Peak memory of one hallsim replication with about a million customers.

Run:  python bench/memory.py [--customers 1000000] [--seed 1] [--limit-mb 1024]

A child process (``python -c``, a fresh interpreter, so nothing the parent has
imported or allocated counts) runs one replication of the continuous M/M/10
hall at utilisation 0.9 (54 arrivals an hour, exponential service of mean 10
minutes; 1,296 expected tickets a day, so 772 days for a million), exactly as
``hallsim run -r 1`` does: ``sim.run.replications.simulate(scenario, seed, replications=1)``
(draw customers, run the engine, summarise; records are not kept).

Reported:

- peak RSS of the child, from ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``
  in the parent after the child has exited (kilobytes on Linux). This is the
  high-water mark of the whole process: interpreter, imported libraries
  (numpy, scipy, pandas, pydantic, simpy) and the simulation;
- the child's own RSS high-water mark right after its imports, so the part
  that the simulation adds can be told apart from the fixed cost of imports;
- wall time of the replication (inside the child) and of the whole child
  process (including interpreter start-up and imports).

Target: peak RSS below 1 GB (1024 MB) for one million customers. Exit status is
0 when the target is met, 1 when it is not, 2 if the child failed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

PER_DAY = 54 * 24  # expected tickets a day of the M/M/10 hall at rho = 0.9

CHILD = r"""
import json, resource, sys, time
from sim.run.replications import simulate
from sim.scenario.model import scenario_from_dict
after_imports_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
days, seed = int(sys.argv[1]), int(sys.argv[2])
scenario = scenario_from_dict({
    "name": "mmc10-memory",
    "hall": {"open": ["00:00-24:00"], "days": days},
    "categories": {"a": {"arrivals_per_hour": 54,
                         "service": {"dist": "exponential", "mean": 10}}},
    "windows": [{"id": "A", "count": 10, "serves": ["a"]}],
})
t0 = time.perf_counter()
result = simulate(scenario, seed=seed, replications=1, workers=1)
seconds = time.perf_counter() - t0
overall = result.replications[0].summary["overall"]
print(json.dumps({"after_imports_kb": after_imports_kb, "seconds": seconds,
                  "customers": overall["arrivals"], "served": overall["served"],
                  "wait_mean": overall["wait_mean"]}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000,
                        help="target number of customers (default 1000000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit-mb", type=float, default=1024.0,
                        help="peak RSS target in MB (default 1024 = 1 GB)")
    args = parser.parse_args(argv)
    if args.customers < 1:
        parser.error("--customers must be at least 1")
    days = max(1, round(args.customers / PER_DAY))

    print(f"hallsim memory: M/M/10, rho = 0.9, continuous hall, {days} days "
          f"(~{days * PER_DAY:,} expected customers), one replication in a child process")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(days), str(args.seed)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        print(f"child failed with exit status {proc.returncode}:", file=sys.stderr)
        print(proc.stderr, file=sys.stderr)
        return 2
    child = json.loads(proc.stdout.strip().splitlines()[-1])

    peak_mb = peak_kb / 1024.0
    base_mb = child["after_imports_kb"] / 1024.0
    n = child["customers"]
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
    ok = peak_mb < args.limit_mb
    verdict = "under" if ok else "NOT under"
    print(f"peak RSS {peak_mb:.1f} MB is {verdict} the {args.limit_mb:.0f} MB "
          f"({args.limit_mb / 1024:g} GB) target: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
