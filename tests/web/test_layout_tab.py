"""Stories of the floor plan editor: a planner opens the quickstart hall (no layout yet:
the automatic one), gives the waiting area fewer seats, moves the entrance, turns
walking on and saves; the scenario file then holds that layout and runs with walking.
A window row pushed through the wall is refused with the field, and nothing is saved."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from nicegui.testing.user import User

from sim.files.errors import InputError
from sim.scenario.model import load_scenario
from sim.web.layout_tab import new_name, parse_points, points_text, renamed

ROOT = Path(__file__).resolve().parents[2]


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "大厅.yaml")
    return ws


def test_a_planner_draws_the_hall_and_saves_it(story, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=layout&scenario=大厅")
        await user.should_see("No layout yet")
        shown["before"] = user.find("layout-svg").elements.pop().content
        user.find("layout-area-0-seats").elements.pop().value = 12
        user.find("layout-entrances-0-x").elements.pop().value = 5
        user.find("layout-walking").elements.pop().value = True
        user.find("layout-walking-speed").elements.pop().value = 1.0
        shown["after"] = user.find("layout-svg").elements.pop().content
        user.find("layout-save").click()
        await user.should_see("Saved.")

    story(play)
    assert shown["after"] != shown["before"] and "<svg" in shown["after"]
    sc = load_scenario(ws / "大厅.yaml")
    assert sc.layout is not None and sc.layout.walking_on and sc.layout.walking.speed == 1.0
    area = next(iter(sc.layout.waiting_areas.values()))
    assert area.seats == 12
    assert next(iter(sc.layout.entrances.values())).at == (5.0, 0.0)


def test_a_window_row_through_the_wall_is_refused_and_not_saved(story,
                                                                 tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    before = (ws / "大厅.yaml").read_text(encoding="utf-8")
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=layout&scenario=大厅")
        await user.should_see("No layout yet")
        user.find("layout-windows-C-x").elements.pop().value = 33
        shown["error"] = user.find("layout-error").elements.pop().text
        shown["enabled"] = user.find("layout-save").elements.pop().enabled

    story(play)
    assert "layout.windows.C" in str(shown["error"]) and shown["enabled"] is False
    assert (ws / "大厅.yaml").read_text(encoding="utf-8") == before


def test_points_are_typed_as_x_comma_y_separated_by_semicolons() -> None:
    assert parse_points("0,0; 30,0；30，20\n0,20", "layout.outline") == [
        [0, 0], [30, 0], [30, 20], [0, 20]]
    assert points_text([[0.0, 0.0], [30.5, 20.0]]) == "0,0; 30.5,20"
    with pytest.raises(InputError) as err:
        parse_points("0,0; 30", "layout.outline")
    assert "layout.outline" in str(err.value) and "'30'" in str(err.value)


def test_names_stay_in_place_and_new_ones_do_not_collide() -> None:
    spots = {"正门": 1, "侧门": 2}
    assert list(renamed(spots, "正门", "南门")) == ["南门", "侧门"]
    with pytest.raises(InputError):
        renamed(spots, "正门", "侧门")
    assert new_name({"等候区": 0, "等候区2": 0}, "等候区") == "等候区3"


def test_the_editor_speaks_chinese(story, tmp_path: Path) -> None:
    _workspace(tmp_path)

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=大厅")
        await user.should_see("尚无平面布局")
        await user.should_see("等候区")
        await user.should_see("窗口位置")
        await user.should_see("保存平面布局")

    story(play)
