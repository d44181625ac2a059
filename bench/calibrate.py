"""Benchmark: calibrate a hall export of about 1,000,000 tickets; time and peak memory.

Simulates the known-truth hall of tests/calibration/truth.py over enough days (with its
rates scaled up), writes the log as a UTF-8 CSV export, then times
``hallsim calibrate`` on it in a fresh process and reports its peak RSS.

    python bench/calibrate.py [--tickets 1000000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    """Build the log, run the calibration, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    args = parser.parse_args()
    from sim.calibration.export import export_frame, write_export
    from sim.run.replications import simulate
    from sim.scenario.model import scenario_from_dict
    from tests.calibration.truth import truth

    base = truth().to_dict()
    scale = 4  # 4x the rates and windows: about 1,350 tickets a day
    for cat in base["categories"].values():
        cat["arrivals_per_hour"] *= scale
    for g in base["windows"]:
        g["count"] *= scale
        if "schedule" in g:
            g["schedule"] = {k: v * scale for k, v in g["schedule"].items()}
    days = max(1, round(args.tickets / 1350))
    base["hall"]["days"] = days
    scenario = scenario_from_dict(base)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.csv"
        t = time.perf_counter()
        records = simulate(scenario, seed=3, replications=1, keep_records=True).records_frame()
        write_export(export_frame(records, scenario), log, "utf-8")
        print(f"log: {len(records):,} tickets over {days} days, {log.stat().st_size / 1e6:.0f} MB "
              f"(built in {time.perf_counter() - t:.0f} s)")
        del records
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim.cli.main", "calibrate", str(log), "--out",
                        str(Path(tmp) / "out.yaml"), "-q"], check=True)
        wall = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"calibrate: {wall:.1f} s, peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
