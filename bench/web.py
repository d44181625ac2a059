"""Speed of the planner's web application (``hallsim serve``, docs/web.md).

Run from the repository root with the web extra and Debian's Chromium installed:

    python bench/web.py [--runs 3]

What is measured (wall clock, ``time.perf_counter``; the median of ``--runs`` rounds):

- **server start to first page**: from starting ``hallsim serve`` (a new process) until
  Chromium shows the page's title: target under 3 s;
- **a one-day quickstart run shown in the page**: from the click on "run" (quick: 3
  replications of 1 day, seed 1) until the results table is on the page, against the
  whole ``hallsim run scenarios/quickstart.yaml --days 1 -r 3 --seed 1 -q`` command
  (a new process, start-up included): target under the CLI's time + 2 s;
- **responsiveness during a 10-replication run**: while a standard run (10
  replications of 20 days, a few seconds of work) works in the worker, tabs are switched
  back and forth;
  each click is timed until the other tab's content is visible: target under 200 ms
  (the slowest click is reported, and how many clicks fell inside the run).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.browser import browser, server  # noqa: E402


def cli_seconds() -> float:
    """Wall time of the one-day quickstart run on the command line."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim.cli.main", "run", "scenarios/quickstart.yaml",
                    "--days", "1", "-r", "3", "--seed", "1", "-q"], cwd=ROOT, check=True)
    return time.perf_counter() - started


def one_round(workspace: Path) -> dict[str, float]:
    """Start a server, open the page, run the quickstart hall, click during a run."""
    started = time.perf_counter()
    with server(workspace) as (base, _), browser(base) as b:
        http_ready = time.perf_counter() - started
        b.page.goto(base + "/?tab=run&scenario=quickstart")
        b.by("app-title").wait_for()
        first_page = time.perf_counter() - started
        b.by("run-precision").get_by_text("快速").click()
        b.page.wait_for_timeout(300)
        clicked = time.perf_counter()
        b.by("run-start").click()
        b.by("table-overall").wait_for(timeout=60_000)
        shown = time.perf_counter() - clicked
        b.page.goto(base + "/?tab=run&scenario=quickstart")
        b.by("run-precision").get_by_text("标准").click()
        b.fill("run-days", "20")
        b.page.wait_for_timeout(300)
        b.by("run-start").click()
        b.by("run-state").get_by_text("运行中").wait_for()
        clicks, during, running = [], 0, True
        for k in range(40):
            tab = ("jobs", "workspace")[k % 2]
            t = time.perf_counter()
            b.by(f"tab-{tab}").click()
            (b.by("job-2") if tab == "jobs" else b.by("bundled-select")).wait_for(
                timeout=60_000)
            clicks.append(time.perf_counter() - t)
            if tab == "jobs":  # the jobs tab shows whether the run still works
                running = "运行中" in b.by("job-2").inner_text()  # job 1 was the quick run
            during += running
            if not running and k >= 10:
                break
        assert b.errors == [] and b.outside() == [], (b.errors, b.outside())
    return {"first_page": first_page, "http_ready": http_ready, "run_shown": shown,
            "click_max": max(clicks), "click_p90": sorted(clicks)[int(0.9 * len(clicks))],
            "click_median": statistics.median(clicks), "clicks_during_run": during}


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="rounds (median reported)")
    args = parser.parse_args()
    rounds, cli = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.runs):
            ws = Path(tmp) / f"ws{k}"
            (ws / "scenarios").mkdir(parents=True)
            shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml",
                            ws / "scenarios" / "quickstart.yaml")
            cli.append(cli_seconds())
            rounds.append(one_round(ws))
    med = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    cli_s = statistics.median(cli)
    print(f"server start to first page:        {med['first_page']:.2f} s (target < 3 s; "
          f"the server answered HTTP after {med['http_ready']:.2f} s)")
    print(f"one-day quickstart run in the page: {med['run_shown']:.2f} s after the click; "
          f"the CLI's whole command {cli_s:.2f} s; difference "
          f"{med['run_shown'] - cli_s:+.2f} s (target < +2 s)")
    print(f"clicks during a 10-replication run: slowest {1000 * med['click_max']:.0f} ms, "
          f"90th percentile {1000 * med['click_p90']:.0f} ms, "
          f"median {1000 * med['click_median']:.0f} ms "
          f"({med['clicks_during_run']:.0f} clicks while the run worked; target < 200 ms)")


if __name__ == "__main__":
    main()
