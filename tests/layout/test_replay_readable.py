"""Stories of a replay of a long hall that a planner can read.

Yumen's hall is 70 m long. On a 1920x1080 screen its replay used to be 1100 px wide
whatever the room, its window names 6-8 px high; now the replay takes the page's width
and draws the plan at least at the size it is drawn in (labels 10-13 px).

Tianjin's centre has about 90 windows in one 230 m row. Fitted to a 1366 px window the
plan is a strip with 3 px labels; so pressing 放大 now shows it at 100 % instead, to be
scrolled (or dragged) along; 缩放 offers 适应窗口, 100 %, 150 % and 200 %, and 还原
(or Escape) brings back the fitted strip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.cli.main import main
from sim.report.i18n import set_language

ROOT = Path(__file__).resolve().parents[2]
YUMEN = ROOT / "scenarios" / "yumen" / "before.yaml"
TIANJIN = ROOT / "scenarios" / "tianjin_centre" / "before.yaml"

#: the plan's drawn size and its size on the screen, and the tallest window number
MEASURE = """() => {
    const plan = document.querySelector('.hs-plan'), box = document.querySelector('.hs-plan-box');
    const r = plan.getBoundingClientRect(), vb = plan.viewBox.baseVal;
    const nums = [...document.querySelectorAll('.hs-plan .num')].map(
        (t) => t.getBoundingClientRect().height);
    const d = document.documentElement;
    return {drawn: vb.width, shown: r.width, number: Math.max(...nums),
            box: [box.scrollWidth, box.clientWidth, box.scrollLeft],
            page: [d.scrollWidth, innerWidth], scale: window.replay.state.scale}; }"""


def _replay(scenario: Path, tmp: Path) -> Path:
    """The Chinese replay page of day 1 of ``scenario`` (``hallsim run --records --duty``,
    then ``hallsim replay``)."""
    records, duty, page = tmp / "day.csv", tmp / "duty.csv", tmp / "day.html"
    assert main(["run", str(scenario), "--days", "1", "-r", "1", "-q", "--records",
                 str(records), "--duty", str(duty)]) == 0
    assert main(["--lang", "zh", "replay", str(scenario), "--records", str(records),
                 "--duty", str(duty), "--out", str(page)]) == 0
    set_language("en")
    return page


@pytest.mark.browser
def test_a_long_halls_replay_takes_the_width_of_a_large_screen(
        chromium: Any, tmp_path: Path) -> None:
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(_replay(YUMEN, tmp_path).as_uri())
    seen = page.evaluate(MEASURE)
    assert seen["shown"] >= seen["drawn"] > 1700, seen  # was 1100 px: labels 6-8 px
    assert seen["number"] >= 9, seen  # window numbers (10 px) at least their own size
    assert seen["page"][0] <= seen["page"][1], seen  # and nothing wider than the screen
    page.close()


@pytest.mark.browser
def test_enlarged_a_very_long_hall_is_read_at_full_size_and_scrolled(
        chromium: Any, tmp_path: Path) -> None:
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(_replay(TIANJIN, tmp_path).as_uri())
    page.evaluate("window.replay.seek(600)")
    strip = page.evaluate(MEASURE)
    assert strip["shown"] < 0.3 * strip["drawn"]  # in the page: the whole row, tiny
    page.click(".hs-zoom")
    page.wait_for_timeout(200)
    big = page.evaluate(MEASURE)
    assert big["scale"] == "1" and page.input_value(".hs-scale") == "1", big
    assert big["shown"] == pytest.approx(big["drawn"], abs=1), big  # its own size
    assert big["number"] >= 9, big  # numbers readable (fitted: about 2 px)
    assert big["box"][0] > big["box"][1] and big["page"][0] <= big["page"][1], big
    # dragging the plan to the left shows more of the row
    box = page.locator(".hs-plan-box").bounding_box()
    page.mouse.move(box["x"] + 800, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(box["x"] + 300, box["y"] + 200, steps=5)
    page.mouse.up()
    assert page.evaluate(MEASURE)["box"][2] == pytest.approx(500, abs=5)
    page.select_option(".hs-scale", "2")
    assert page.evaluate(MEASURE)["shown"] == pytest.approx(2 * big["drawn"], abs=1)
    page.screenshot(path=str(tmp_path / "enlarged.png"))
    page.keyboard.press("Escape")  # back to the page: the fitted strip again
    page.wait_for_timeout(200)
    back = page.evaluate(MEASURE)
    assert back["scale"] == "fit" and back["shown"] == pytest.approx(strip["shown"], abs=1)
    assert errors == []
    page.close()
