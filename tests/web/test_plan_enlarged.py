"""Stories of a long hall's floor plan seen large: Yumen's hall is 70 m long and 20 m
deep, so in a column of the page its labels are a few pixels high. The planner presses
放大 on the layout tab or on the floor plan tab: a dialog opens with the same plan, at
least at the size it is drawn (its labels 10-13 px), larger at 200 %, or fitted to the
window. Editing the layout redraws the enlarged plan too. The floor plan tab gives a long
hall the page's whole width, and the replay has its own 放大 (the whole replay over the
window, fitted to it: tests/layout/test_replay_duty.py looks at it in a browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from nicegui.testing.user import User

from sim.report.i18n import set_language
from sim.report.replay import replay_fragment
from sim.scenario.model import load_scenario
from sim.web.floorplan_tab import wide
from sim.web.planview import drawn_width, zoom_style
from tests.web.browser import browser, server

ROOT = Path(__file__).resolve().parents[2]
YUMEN = ROOT / "scenarios" / "yumen" / "before.yaml"


def _workspace(tmp_path: Path) -> None:
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(YUMEN, ws / "玉门.yaml")


async def _enlarge(user: User, tab: str, plan: str) -> dict[str, object]:
    """Open Yumen's hall on ``tab`` and press 放大 under the ``plan``: whether the dialog
    is open, and the preview's and the dialog's SVG."""
    await user.open(f"/?tab={tab}&scenario=玉门")
    await user.should_see("放大")
    user.find(f"{plan}-enlarge").click()
    return {"open": user.find(f"{plan}-dialog").elements.pop().value,
            "preview": user.find(plan).elements.pop().content,
            "large": user.find(f"{plan}-large").elements.pop().content}


def test_on_the_layout_tab_the_planner_enlarges_the_plan_and_keeps_editing(
        story, tmp_path: Path) -> None:
    _workspace(tmp_path)
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        shown.update(await _enlarge(user, "layout", "layout-svg"))
        dialog = user.find("layout-svg-dialog").elements.pop()
        large = user.find("layout-svg-large").elements.pop()
        shown["style"] = large._style.get("min-width")
        user.find("layout-svg-zoom").elements.pop().value = "2"
        shown["style 200"] = large._style.get("min-width")
        user.find("layout-svg-zoom").elements.pop().value = "fit"
        shown["fit"] = "hs-fit" in large.classes
        user.find("layout-area-0-seats").elements.pop().value = 99
        shown["edited"] = large.content
        user.find("layout-svg-close").click()
        shown["closed again"] = dialog.value

    story(play)
    assert shown["open"] is True
    svg = str(shown["large"])
    assert svg.startswith("<svg") and svg == shown["preview"]
    width = drawn_width(svg)
    assert width > 1500  # the hall is drawn long: the preview shrinks it, the dialog not
    assert shown["style"] == f"{round(width)}px"
    assert shown["style 200"] == f"{round(2 * width)}px"
    assert shown["fit"] is True
    assert "99" in str(shown["edited"]) and shown["edited"] != svg
    assert shown["closed again"] is False


def test_on_the_floor_plan_tab_the_planner_enlarges_the_coloured_plan(
        story, tmp_path: Path) -> None:
    _workspace(tmp_path)
    seen: dict[str, object] = {}

    async def play(user: User) -> None:
        seen.update(await _enlarge(user, "floorplan", "floorplan-svg"))

    story(play)
    assert seen["open"] is True
    assert str(seen["large"]).startswith("<svg") and seen["large"] == seen["preview"]


def test_a_long_hall_takes_the_whole_width_a_squarer_one_shares_it() -> None:
    assert wide(load_scenario(YUMEN))
    assert not wide(load_scenario(ROOT / "scenarios" / "quickstart.yaml"))


def test_the_zoom_never_draws_the_plan_below_its_own_size() -> None:
    assert zoom_style("1", 1764.0) == "min-width: 1764px"
    assert zoom_style("1.5", 1000.0) == "min-width: 1500px"
    assert zoom_style("fit", 1764.0) == "min-width: 0"


@pytest.fixture
def chinese():
    set_language("zh")
    yield
    set_language("en")


def test_the_replay_has_its_own_enlarge_button(chinese) -> None:
    sc = load_scenario(YUMEN)
    data = {"items": list(sc.categories), "colours": ["#000000"] * len(sc.categories),
            "t0": 480.0, "t1": 1080.0,
            "chart": {"x0": 34.0, "width": 320.0, "height": 110.0, "hours": [8],
                      "queue": [1.0]}}
    html = replay_fragment(sc, data)
    assert '<button class="hs-zoom">放大</button>' in html
    # a long hall: enlarged, its plan spans the width and the chart and legends go below
    assert '<div class="hs-replay hs-wide"' in html


@pytest.mark.browser
def test_on_a_large_screen_the_replay_is_as_wide_as_the_plan_above_it(tmp_path: Path) -> None:
    """At 1920x1080 the floor plan of Yumen's hall is drawn 1764 px wide; its replay was
    1100 px wide whatever the screen (names 6-8 px). It now takes its column too."""
    _workspace(tmp_path)
    with server(tmp_path / "workspace") as (base, _), browser(base) as b:
        b.page.set_viewport_size({"width": 1920, "height": 1080})
        b.page.goto(f"{base}/?lang=zh&tab=floorplan&scenario=玉门")
        b.by("floorplan-svg").locator("svg").first.wait_for()
        b.by("replay-start").click()
        b.page.locator("#hs-web-replay[data-ready='1']").wait_for(timeout=60_000)
        plan, replay = b.page.evaluate("""() => [
            document.querySelector('[data-testid=floorplan-svg] svg'),
            document.querySelector('#hs-web-replay .hs-plan')].map(
                (e) => e.getBoundingClientRect().width)""")
        assert plan >= 1700 and replay >= plan - 1, (plan, replay)
        assert b.page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        assert b.outside() == [] and b.errors == []
