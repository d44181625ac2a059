"""Stories of the floor plan editor: a planner opens the quickstart hall (no layout yet:
the automatic one), gives the waiting area fewer seats, moves the entrance, turns
walking on and saves; the scenario file then holds that layout and runs with walking.
A window row pushed through the wall is refused with the field, and nothing is saved."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from nicegui.testing.user import User

from sim.files.errors import InputError
from sim.scenario.layout import automatic_layout, window_positions
from sim.scenario.model import load_scenario
from sim.web.layout_tab import (
    SOON,
    new_name,
    parse_points,
    placement_switched,
    points_text,
    renamed,
    row_added,
    row_removed,
)

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
        user.find("layout-windows-C-0-x").elements.pop().value = 33
        shown["error"] = user.find("layout-error").elements.pop().text
        shown["enabled"] = user.find("layout-save").elements.pop().enabled

    story(play)
    assert "layout.windows.C" in str(shown["error"]) and shown["enabled"] is False
    assert (ws / "大厅.yaml").read_text(encoding="utf-8") == before


def test_a_hundred_thousand_seats_in_one_area_are_questioned_but_may_be_saved(
        story, tmp_path: Path) -> None:
    """The reviewer typed 100,000 seats into a 465 m² area (215 a square metre) and the
    page said nothing. Now it says how many fit; the planner may still save."""
    ws = _workspace(tmp_path)
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=大厅")
        await user.should_see("平面布局")
        user.find("layout-area-0-seats").elements.pop().value = 100_000
        await asyncio.sleep(SOON + 0.3)  # the form applies a typed number after a pause
        shown["said"] = user.find("layout-error").elements.pop().text
        shown["enabled"] = user.find("layout-save").elements.pop().enabled
        user.find("layout-save").click()
        await user.should_see("已保存")

    story(play)
    said = str(shown["said"])
    assert said.startswith("注意：") and "100,000" in said and "座位" in said, said
    assert shown["enabled"] is True
    sc = load_scenario(ws / "大厅.yaml")
    assert next(iter(sc.layout.waiting_areas.values())).seats == 100_000


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
        shown["x"] = user.find("layout-entrances-0-x").elements.pop().props["label"]

    shown: dict[str, str] = {}
    story(play)
    assert shown["x"] == "x（米）"  # as 宽（米） beside it


def test_a_group_set_in_two_rows_counts_each_row_and_saves(story, tmp_path: Path) -> None:
    """The four social windows (B) are put in two rows of two: the row added takes one
    window; until the counts add up to four the plan is refused with the field."""
    ws = _workspace(tmp_path)
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=layout&scenario=大厅")
        await user.should_see("No layout yet")
        user.find("layout-windows-B-add").click()
        await user.should_see("row 2")
        user.find("layout-windows-B-0-count").elements.pop().value = 2
        shown["error"] = user.find("layout-error").elements.pop().text
        shown["enabled"] = user.find("layout-save").elements.pop().enabled
        user.find("layout-windows-B-1-count").elements.pop().value = 2
        shown["fixed"] = user.find("layout-save").elements.pop().enabled
        user.find("layout-save").click()
        await user.should_see("Saved.")

    story(play)
    assert "layout.windows.B.rows" in str(shown["error"]) and "places 3 windows" in str(
        shown["error"]) and shown["enabled"] is False
    assert shown["fixed"] is True
    sc = load_scenario(ws / "大厅.yaml")
    assert sc.layout is not None
    rows = sc.layout.windows["B"].rows
    assert rows is not None and [r.count for r in rows] == [2, 2]
    b = [w for w in window_positions(sc.layout, sc) if w.group == "B"]
    assert len(b) == 4 and b[0].y - b[2].y == pytest.approx(3.0)  # the new row: 3 m in front


def test_a_group_switched_to_points_keeps_its_windows_where_they_stand(
        story, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=layout&scenario=大厅")
        await user.should_see("No layout yet")
        user.find("layout-windows-A-placed").elements.pop().value = "points"
        shown["points"] = user.find("layout-windows-A-points").elements.pop().value
        user.find("layout-save").click()
        await user.should_see("Saved.")

    story(play)
    sc = load_scenario(ws / "大厅.yaml")
    auto = automatic_layout(load_scenario(ROOT / "scenarios" / "quickstart.yaml"))
    assert sc.layout is not None and sc.layout.windows["A"].points is not None
    assert shown["points"].count(";") == 2  # three windows
    assert window_positions(sc.layout, sc) == window_positions(auto, sc)


def test_rows_are_added_beside_the_last_and_removed_into_the_one_before() -> None:
    square = [[0, 0], [30, 0], [30, 20], [0, 20]]
    place = {"rows": [{"start": [2.0, 18.0], "direction": "+x", "spacing": 2.5}]}
    row_added(place, 3, square)
    row_added(place, 3, square)
    assert [r["count"] for r in place["rows"]] == [1, 1, 1]
    assert [r["start"] for r in place["rows"]] == [[2.0, 18.0], [2.0, 15.0], [2.0, 12.0]]
    with pytest.raises(InputError, match="row of its own"):
        row_added(place, 3, square)
    row_removed(place, 0)
    row_removed(place, 1)
    assert place["rows"] == [{"start": [2.0, 15.0], "direction": "+x", "spacing": 2.5}]
    near_the_front = {"rows": [{"start": [2.0, 1.0], "direction": "+x", "count": 2}]}
    row_added(near_the_front, 2, square)
    assert near_the_front["rows"][1]["start"] == [2.0, 4.0]  # the front side is outside
    column = {"rows": [{"start": [1.0, 2.0], "direction": "+y", "spacing": 2.0}]}
    row_added(column, 2, square)
    assert column["rows"][1]["start"] == [4.0, 2.0]


def test_points_become_one_row_spaced_as_the_first_two() -> None:
    assert placement_switched({}, "rows", [[1.0, 2.0], [1.0, 5.0]]) == {
        "rows": [{"start": [1.0, 2.0], "direction": "+x", "spacing": 3.0}]}
    assert placement_switched({}, "points", [[1.0, 2.0]]) == {"points": [[1.0, 2.0]]}


def test_the_rows_speak_chinese(story, tmp_path: Path) -> None:
    _workspace(tmp_path)

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=大厅")
        await user.should_see("成排布置")
        user.find("layout-windows-B-add").click()
        await user.should_see("第 2 排")
        await user.should_see("增加一排")

    story(play)


def test_a_chinese_planner_sees_and_saves_the_automatic_spots_under_chinese_names(
        story, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=大厅")
        shown["entrance"] = user.find("layout-entrances-0-name").elements.pop().value
        user.find("layout-entrances-add").click()
        await user.should_see("入口2")
        user.find("layout-save").click()
        await user.should_see("已保存")

    story(play)
    sc = load_scenario(ws / "大厅.yaml")
    assert sc.layout is not None and shown["entrance"] == "入口"
    assert list(sc.layout.entrances) == ["入口", "入口2"]
    assert list(sc.layout.ticket_machines) == ["取号机"]
    assert list(sc.layout.waiting_areas) == ["等候区"]


def test_the_two_editors_keep_each_others_saved_changes(story, tmp_path: Path) -> None:
    """The planner opens the hall editor, then draws the floor plan and saves it, then
    gives the hall editor's group a window more and saves that; then moves the entrance
    and saves the plan again. The file has the window and the entrance: neither tab wrote
    back the hall as it was when the tab opened."""
    ws = _workspace(tmp_path)

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=editor&scenario=大厅")
        await user.should_see(marker="editor-save", retries=50)
        user.find("tab-layout").click()
        await user.should_see(marker="layout-save", retries=50)
        user.find("layout-area-0-seats").elements.pop().value = 12
        user.find("layout-save").click()
        await user.should_see("Saved.")
        user.find("tab-editor").click()
        count = user.find("field-windows.A.count").elements.pop()
        count.value = int(count.value) + 1
        user.find("editor-save").click()
        await user.should_see("Saved 大厅.yaml", retries=50)
        user.find("tab-layout").click()
        user.find("layout-entrances-0-x").elements.pop().value = 5
        user.find("layout-save").click()

    before = load_scenario(ws / "大厅.yaml").windows[0].count
    story(play)
    sc = load_scenario(ws / "大厅.yaml")
    assert sc.windows[0].count == before + 1
    assert sc.layout is not None
    assert next(iter(sc.layout.waiting_areas.values())).seats == 12
    assert next(iter(sc.layout.entrances.values())).at == (5.0, 0.0)


def test_the_floor_plan_tab_follows_a_group_renamed_and_saved_in_the_hall_editor(
        story, tmp_path: Path) -> None:
    """The planner draws the floor plan and saves it, renames group A to 商事窗口 in the
    hall editor and saves, and comes back to the floor plan: it shows 商事窗口 and saves
    (it used to show the old group until a reload, and its save was refused: unknown
    window group A)."""
    ws = _workspace(tmp_path)
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=layout&scenario=大厅")
        await user.should_see(marker="layout-save", retries=50)
        user.find("layout-area-0-seats").elements.pop().value = 12
        user.find("layout-save").click()
        await user.should_see("Saved.")
        user.find("tab-editor").click()
        await user.should_see(marker="editor-save", retries=50)
        user.find("field-windows.A.id").elements.pop().value = "商事窗口"
        user.find("editor-save").click()
        await user.should_see("Saved 大厅.yaml", retries=50)
        user.find("tab-layout").click()
        await user.should_see(marker="layout-save", retries=50)
        shown["plan"] = user.find("layout-svg").elements.pop().content
        user.find("layout-entrances-0-x").elements.pop().value = 5
        user.find("layout-save").click()
        await user.should_see("Saved.")

    story(play)
    assert 'data-group="商事窗口"' in shown["plan"] and 'data-group="A"' not in shown["plan"]
    sc = load_scenario(ws / "大厅.yaml")
    assert sc.layout is not None and "商事窗口" in sc.layout.windows
    assert next(iter(sc.layout.entrances.values())).at == (5.0, 0.0)


def test_an_item_picked_just_before_adding_an_area_stays_with_its_area(
        story, tmp_path: Path) -> None:
    """She picks 税务 for the waiting area and at once adds a second area: the pick was
    held for a moment, lost from the page when the forms were drawn again, and then
    saved unseen (or, after removing an area, saved to the wrong one or not at all).
    The pick now applies to its area before the forms are drawn again."""
    ws = _workspace(tmp_path)
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        import asyncio

        await user.open("/?lang=en&tab=layout&scenario=大厅")
        await user.should_see(marker="layout-save", retries=50)
        user.find("layout-area-0-serves").elements.pop().value = ["tax"]
        user.find("layout-area-add").click()
        await asyncio.sleep(1.5)
        shown["select"] = user.find("layout-area-0-serves").elements.pop().value
        user.find("layout-save").click()
        await user.should_see("Saved.")

    story(play)
    assert shown["select"] == ["tax"]
    sc = load_scenario(ws / "大厅.yaml")
    assert sc.layout is not None and len(sc.layout.waiting_areas) == 2
    first = next(iter(sc.layout.waiting_areas.values()))
    assert first.serves == ("tax",)


def test_a_waiting_area_for_a_zone_shows_the_zone_and_keeps_it(story, tmp_path: Path) -> None:
    """Her file's 商事等候区 serves zone:business. The area's list showed nothing picked
    (it offered items only), and picking one item saved serves: [that item], dropping
    the zone's other items. The zone now shows picked, as 分区: business, and stays."""
    import yaml

    ws = _workspace(tmp_path)
    path = ws / "大厅.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["layout"] = automatic_layout(load_scenario(path)).model_dump(mode="json",
                                                                      exclude_none=True)
    area = next(iter(data["layout"]["waiting_areas"]))
    data["layout"]["waiting_areas"][area]["serves"] = ["zone:social"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        import asyncio

        await user.open("/?lang=zh&tab=layout&scenario=大厅")
        await user.should_see(marker="layout-save", retries=50)
        select = user.find("layout-area-0-serves").elements.pop()
        shown["value"], shown["label"] = list(select.value), select.options.get("zone:social")
        select.value = ["zone:social", "tax"]
        await asyncio.sleep(1.0)
        user.find("layout-save").click()
        await user.should_see("已保存", retries=50)

    story(play)
    assert shown == {"value": ["zone:social"], "label": "分区: social"}
    saved = load_scenario(path)
    assert saved.layout is not None
    assert next(iter(saved.layout.waiting_areas.values())).serves == ("zone:social", "tax")
