"""Stories about the windows of a replay, and the replay seen large.

The quickstart hall staffs its business-registration windows (group A) two from 08:30
and three from 09:30, and nobody over lunch (12:00-13:30). A planner runs a day with
the windows' duty (``hallsim run --records --duty``) and replays it in Chinese: the page
says 第 1 天, not day 0; before 09:30 window A-3 is drawn hatched, off duty, and so is
every window not finishing a customer over lunch; a legend says what 空闲, 忙碌 and 未在岗
mean. Without the duty the page says that it cannot tell. Pressing 放大 on a 1366x768
screen and on a 1024 px one, the whole replay (bar, counters, plan, chart, legends, note)
fits the screen: there is nothing to scroll, for a square hall and for Yumen's long one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.cli.main import main
from sim.report.i18n import set_language
from sim.report.replay import counts_at, day_of_duty, day_of_records, on_duty, replay_html
from sim.scenario.model import load_scenario

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"
YUMEN = ROOT / "scenarios" / "yumen" / "before.yaml"


def _day(scenario: Path, tmp: Path, duty: bool = True) -> tuple[Path, Path, Path]:
    """One simulated day of ``scenario``: its records, its windows' duty, and the Chinese
    replay page (made with the duty, or without it)."""
    records, shifts, page = tmp / "day.csv", tmp / "duty.csv", tmp / "day.html"
    assert main(["run", str(scenario), "--days", "1", "-r", "1", "-q", "--records",
                 str(records), "--duty", str(shifts)]) == 0
    given = ["--duty", str(shifts)] if duty else []
    assert main(["--lang", "zh", "replay", str(scenario), "--records", str(records), *given,
                 "--out", str(page)]) == 0
    set_language("en")
    return records, shifts, page


def _windows(scenario: Path) -> tuple[str, ...]:
    return tuple(f"{g.id}-{k}" for g in load_scenario(scenario).windows
                 for k in range(1, g.count + 1))


@pytest.mark.browser
def test_off_duty_windows_are_drawn_hatched_and_the_legend_says_why(
        chromium: Any, tmp_path: Path) -> None:
    records, shifts, html = _day(QUICKSTART, tmp_path)
    frame, duty = day_of_records(records, 0), day_of_duty(shifts, 0)
    windows = _windows(QUICKSTART)
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(html.as_uri())
    assert page.title().startswith("回放（第 1 天）")
    assert page.text_content(".hs-day") == "第 1 天"
    legend = page.text_content(".hs-states")
    for words in ("空闲：在岗，暂无办理", "忙碌：已叫号或正在办理",
                  "未在岗：此时段未排班，或在休息"):
        assert words in legend
    off_at: dict[float, set[str]] = {}
    busy_at: dict[float, set[str]] = {}
    for t in (540.0, 600.0, 765.0, 900.0):
        counts = page.evaluate(f"window.replay.seek({t})")
        drawn_off = set(page.evaluate(
            "[...document.querySelectorAll('g.off[id^=\"window-\"]')].map(e => e.id)"))
        busy = set(page.evaluate(
            "[...document.querySelectorAll('g.busy[id^=\"window-\"]')].map(e => e.id)"))
        want = {f"window-{w}" for w in windows
                if f"window-{w}" not in busy and not on_duty(duty, w, t)}
        assert drawn_off == want, t
        assert counts["off"] == len(want) == counts_at(frame, t, duty, windows)["off"], t
        assert page.text_content(".hs-n-off") == str(len(want))
        off_at[t], busy_at[t] = drawn_off, busy
    # 09:00: A has two of its three windows on duty; A-3 comes at 09:30
    assert "window-A-3" in off_at[540.0] and "window-A-3" not in off_at[600.0]
    # 12:45, lunch: every window not finishing a customer is off duty, none idle
    assert len(off_at[765.0]) + len(busy_at[765.0]) == len(windows)
    assert len(off_at[765.0]) > len(off_at[900.0])
    # drawn hatched and dashed, unlike an idle window
    fill = page.evaluate("getComputedStyle(document.querySelector("
                         "'g.off[id^=\"window-\"] rect.window')).fill")
    page.evaluate("window.replay.seek(600)")
    idle = page.evaluate("getComputedStyle(document.querySelector("
                         "'g[id^=\"window-\"]:not(.busy):not(.off) rect.window')).fill")
    assert "hs-off-hatch" in fill and "hs-off-hatch" not in idle
    assert errors == []
    page.close()


def test_without_the_duty_the_page_says_it_cannot_tell(tmp_path: Path) -> None:
    records, _, _ = _day(QUICKSTART, tmp_path, duty=False)
    set_language("zh")
    try:
        page = replay_html(load_scenario(QUICKSTART), day_of_records(records, 0))
    finally:
        set_language("en")
    assert "<title>回放（第 1 天）" in page and '"duty":null' in page
    assert "忙碌：已叫号或正在办理" in page and "未在岗：" not in page
    assert "未提供窗口在岗记录" in page and "hs-n-off" not in page


@pytest.mark.browser
@pytest.mark.parametrize("hall", [QUICKSTART, YUMEN], ids=["square", "long"])
def test_the_enlarged_replay_fits_the_screen_without_scrolling(
        chromium: Any, tmp_path: Path, hall: Path) -> None:
    _, _, html = _day(hall, tmp_path)
    for width in (1366, 1024):
        page = chromium.new_page(viewport={"width": width, "height": 768})
        page.goto(html.as_uri())
        page.evaluate("window.replay.seek(600)")
        page.click(".hs-zoom")
        assert page.text_content(".hs-zoom") == "还原"
        page.wait_for_timeout(200)
        fit = page.evaluate("""() => {
            const root = document.querySelector('.hs-replay'), d = document.documentElement;
            const parts = ['.hs-bar', '.hs-counters', '.hs-plan', '.hs-chart', '.hs-states',
                           '.hs-legend', '.hs-note'].map(s => {
                const b = document.querySelector(s).getBoundingClientRect();
                return [s, b.top, b.bottom, b.left, b.right]; });
            return {page: [d.scrollWidth, d.scrollHeight, innerWidth, innerHeight],
                    root: [root.scrollHeight, root.clientHeight, root.scrollWidth,
                           root.clientWidth], parts}; }""")
        sw, sh, iw, ih = fit["page"]
        assert sw <= iw and sh <= ih, (width, fit)
        assert fit["root"][0] <= fit["root"][1] and fit["root"][2] <= fit["root"][3], fit
        for name, top, bottom, left, right in fit["parts"]:
            assert top >= 0 and bottom <= 768, (width, name)
            assert left >= 0 and right <= width, (width, name)
        # the plan takes the room there is: at least half the screen's height or width
        plan = next(p for p in fit["parts"] if p[0] == ".hs-plan")
        assert plan[2] - plan[1] >= 768 / 2 or plan[4] - plan[3] >= width / 2, plan
        page.screenshot(path=str(tmp_path / f"enlarged-{width}.png"))
        page.close()
