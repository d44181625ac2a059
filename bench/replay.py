"""How fast the replay of a simulated day opens and plays in a real browser.

    python bench/replay.py [--tickets 1000] [--seconds 5] [--seed 1]

Simulates one day of a 30-window hall sized so that about ``--tickets`` tickets are
taken, writes its replay (``hallsim replay``) and opens it in headless Chromium
(Playwright, the system's /usr/bin/chromium). Prints

- open: from the start of navigation to the replay being ready (its first ``seek``
  drawn), read from the page's Performance timeline, and the wall time of Playwright's
  ``goto`` (targets: < 2 s);
- play: frames a second while playing, from the timestamps ``requestAnimationFrame``
  hands the replay's frame loop, with the longest gap between frames (target >= 30);
- seek: the mean cost of one ``seek(t)`` at random times, ms (what one frame costs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def _scenario(tickets: int) -> dict:
    """A 7-hour hall of four items and 30 windows taking about ``tickets`` tickets a day
    (offered load about 0.8 per window at 1,000 tickets)."""
    rate = tickets / 7.0 / 4
    mean = 0.8 * 30 * 60 / (tickets / 7.0)
    items = ("不动产登记", "社保", "医保", "税务")
    return {"name": "基准大厅", "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": 1},
            "categories": {c: {"zone": c, "arrivals_per_hour": round(rate, 3),
                               "service": {"dist": "exponential", "mean": round(mean, 3)},
                               "patience": {"dist": "exponential", "mean": 45}}
                           for c in items},
            "windows": [{"id": c, "count": 30 // len(items) + (k < 30 % len(items)),
                         "serves": [c]} for k, c in enumerate(items)]}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=5.0, help="how long to play")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from sim.report.replay import day_of_records, replay_html
    from sim.run.replications import simulate
    from sim.scenario.model import scenario_from_dict

    sc = scenario_from_dict(_scenario(args.tickets))
    frame = simulate(sc, seed=args.seed, replications=1, keep_records=True).records_frame()
    if len(frame) < args.tickets:  # a Poisson day below the size asked: draw a busier one
        sc = scenario_from_dict(_scenario(round(args.tickets ** 2 / len(frame))))
        frame = simulate(sc, seed=args.seed, replications=1, keep_records=True).records_frame()
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records.csv"
        frame.to_csv(records, index=False)
        t = time.perf_counter()
        day = day_of_records(records, 0)
        page_html = replay_html(sc, day)
        out = Path(tmp) / "day.html"
        out.write_text(page_html, encoding="utf-8")
        written = time.perf_counter() - t
        print(f"day: {len(day):,} tickets; replay page {len(page_html) / 1e3:,.0f} kB "
              f"written in {written:.2f} s")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            t = time.perf_counter()
            page.goto(out.as_uri(), wait_until="load")
            goto = time.perf_counter() - t
            ready = page.evaluate("""() => { window.replay.seek(window.replay.state.t);
                const nav = performance.getEntriesByType('navigation')[0];
                return {load: nav.loadEventEnd, dom: nav.domContentLoadedEventEnd}; }""")
            print(f"open: page loaded {ready['load'] / 1e3:.3f} s after navigation start "
                  f"(DOM ready {ready['dom'] / 1e3:.3f} s); Playwright goto {goto:.3f} s "
                  f"(target < 2 s)")
            page.evaluate("() => { window.replay.seek(540); window.replay.state.frameTimes = [];"
                          " window.replay.play(); }")
            page.wait_for_timeout(args.seconds * 1000)
            times = page.evaluate("() => { window.replay.pause();"
                                  " return window.replay.state.frameTimes; }")
            gaps = [b - a for a, b in zip(times, times[1:])]
            fps = (len(times) - 1) / ((times[-1] - times[0]) / 1000)
            print(f"play: {len(times):,} frames in {(times[-1] - times[0]) / 1000:.2f} s = "
                  f"{fps:.1f} frames/s; median gap {statistics.median(gaps):.1f} ms, longest "
                  f"{max(gaps):.1f} ms (target >= 30 frames/s)")
            cost = page.evaluate("""() => { const r = window.replay, s = r.state;
                const n = 2000, t0 = performance.now();
                for (let k = 0; k < n; k++) r.seek(510 + (k * 7919) % 520);
                return (performance.now() - t0) / n; }""")
            print(f"seek: {cost:.3f} ms per seek(t) over 2,000 random times")
            browser.close()
    return 0 if fps >= 30 and ready["load"] < 2000 else 1


if __name__ == "__main__":
    sys.exit(main())
