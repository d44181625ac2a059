"""Start-up and whole-command speed of the ``hallsim`` command line.

Run:  python bench/startup.py [--runs 5] [--customers 200000] [--seed 1]

What is measured (wall clock of a whole child process, ``time.perf_counter``
around ``subprocess.run``; the median of ``--runs`` runs, the commands taken in
interleaved rounds so a burst of load hits them alike):

- the floor: ``python -c "import simpy, numpy"`` (an interpreter that loads the
  two libraries every simulation needs);
- ``hallsim --help``: target within 0.2 s of the floor;
- ``hallsim run scenarios/quickstart.yaml --days 1 -r 1``: target within 2x the floor;
- for reference, the dependency floor of that quickstart run: an interpreter that
  loads what its scenario cannot run without (simpy, numpy, ``scipy.special`` for
  the log-normal and gamma inverse CDFs, pydantic for the scenario model, PyYAML);
- ``hallsim run MMC.yaml -r 1 -q`` on the plain M/M/10 hall of
  ``bench/engine_vs_simpy.py`` (utilisation 0.9, days chosen for about
  ``--customers`` customers), in customers per second of the whole command
  (start-up, loading, capacity check, drawing, simulation, summary), against
  the customers per second of that script's raw SimPy M/M/c
  (:func:`engine_vs_simpy.raw_simpy_mmc`, imported, run in this process on as
  many customers, once in every round): target at least 2x.

Before timing, the ``sim`` and ``optimize`` packages are byte-compiled
(``compileall``, as ``pip install`` does for an installed package) and every command
is run once untimed: an editable install under ``PYTHONDONTWRITEBYTECODE`` would
otherwise recompile some 45 modules on every start, which no installed copy does.
"""

from __future__ import annotations

import argparse
import compileall
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_vs_simpy import (  # noqa: E402  (the bench directory is not a package)
    ARRIVALS_PER_HOUR,
    SERVICE_MEAN,
    WINDOWS,
    days_for,
    mmc_scenario,
    raw_simpy_mmc,
)

ROOT = Path(__file__).resolve().parents[1]


def wall(cmd: list[str]) -> float:
    """Seconds one child process takes from start to exit (it must exit 0)."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Print the start-up and whole-command figures against their targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (median)")
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    hallsim = [sys.executable, "-m", "sim.cli.main"]
    with tempfile.TemporaryDirectory() as tmp:
        mmc = Path(tmp) / "mmc10.yaml"
        days = days_for(args.customers)
        mmc.write_text(yaml.safe_dump(mmc_scenario(days).to_dict(), allow_unicode=True),
                       encoding="utf-8")
        doc = Path(tmp) / "mmc10.json"
        commands = {
            "floor": [sys.executable, "-c", "import simpy, numpy"],
            "deps": [sys.executable, "-c", "import simpy, numpy, scipy.special, yaml; "
                                           "from pydantic import BaseModel, Field"],
            "help": [*hallsim, "--help"],
            "quickstart": [*hallsim, "run", "scenarios/quickstart.yaml", "--days", "1", "-r", "1"],
            "mmc": [*hallsim, "run", str(mmc), "-r", "1", "-q", "--seed", str(args.seed),
                    "--json", str(doc)],
        }
        for package in ("sim", "optimize"):
            compileall.compile_dir(ROOT / package, quiet=1)
        for cmd in commands.values():  # untimed: file cache and bytecode warm for all alike
            wall(cmd)
        # raw SimPy gets as many customers as the command drew (its warm-up run wrote them)
        customers = int(round(json.loads(doc.read_text(encoding="utf-8"))["overall"]["arrivals"]))
        rng = np.random.default_rng(args.seed)
        inter = rng.exponential(60.0 / ARRIVALS_PER_HOUR, customers).tolist()
        service = rng.exponential(SERVICE_MEAN, customers).tolist()
        times: dict[str, list[float]] = {k: [] for k in commands}
        raw = []
        for _ in range(args.runs):  # a round: every command, then raw SimPy, so load hits all
            for name, cmd in commands.items():
                times[name].append(wall(cmd))
            start = time.perf_counter()
            raw_simpy_mmc(inter, service, WINDOWS)
            raw.append(time.perf_counter() - start)

    med = {k: statistics.median(v) for k, v in times.items()}
    raw_rate = customers / statistics.median(raw)
    cmd_rate = customers / med["mmc"]
    print(f"hallsim start-up, median of {args.runs} runs (python {sys.version.split()[0]})")
    print(f"  floor  python -c 'import simpy, numpy'        {med['floor']:6.2f} s")
    print(f"  hallsim --help                               {med['help']:6.2f} s   "
          f"floor + {med['help'] - med['floor']:.2f} s (target <= + 0.20 s)")
    print(f"  hallsim run quickstart --days 1 -r 1         {med['quickstart']:6.2f} s   "
          f"{med['quickstart'] / med['floor']:.2f} x floor (target <= 2 x)")
    print(f"    its dependency floor (+ scipy.special, pydantic, yaml) "
          f"{med['deps']:6.2f} s   {med['deps'] / med['floor']:.2f} x floor; hallsim's own "
          f"share {med['quickstart'] - med['deps']:+.2f} s")
    print(f"  hallsim run M/M/{WINDOWS} ({customers:,} customers) -r 1    {med['mmc']:6.2f} s   "
          f"{cmd_rate:,.0f} customers/s")
    print(f"  raw SimPy M/M/{WINDOWS} (same count, in process)       "
          f"{statistics.median(raw):6.2f} s   {raw_rate:,.0f} customers/s")
    print(f"  whole command / raw SimPy: {cmd_rate / raw_rate:.2f} x (target >= 2 x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
