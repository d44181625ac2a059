"""Story: a planner edits the Yumen hall (15 window groups in one row along the back
wall, three 一件事 journeys). Demand +20 % is 20 % more tickets, journeys included; and
once the floor plan is saved, a group given more windows still makes a hall that saves:
the new windows stand beside the group's own, and a note says so."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from nicegui.testing.user import User

from sim.scenario.layout import check_layout
from sim.scenario.loading import load_scenario
from sim.web.editor import validate, without_item
from sim.web.layout_tab import automatic
from tests.web.conftest import visible
from tests.web.test_editor import _play

ROOT = Path(__file__).resolve().parents[2]
YUMEN = ROOT / "scenarios" / "yumen" / "before.yaml"


def _yumen(tmp_path: Path, layout: bool = False) -> Path:
    """The workspace's copy of Yumen (``layout``: with the automatic floor plan saved, as
    平面布局's 保存平面布局 writes it)."""
    folder = tmp_path / "workspace" / "scenarios"
    folder.mkdir(parents=True)
    path = folder / "玉门-布局测试.yaml"
    shutil.copyfile(YUMEN, path)
    if layout:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["layout"] = automatic(load_scenario(YUMEN), lambda s: s)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    return path


def test_twenty_percent_more_demand_is_twenty_percent_more_journeys_too(story,
                                                                        tmp_path: Path) -> None:
    """需求增减 +20 % multiplied the items' tickets only; the 一件事 kept theirs, so the
    hall had about 16 % more tickets. The journeys now grow by as much, and the note
    says so."""
    path = _yumen(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("demand-scale").elements.pop().value = 20
        user.find("demand-scale-apply").click()
        await user.should_see(marker="demand-scale-note")  # beside the button, in view
        shown["note"] = user.find("demand-scale-note").elements.pop().text
        user.find("editor-save").click()
        await asyncio.sleep(0.3)

    shown = _play(path, story, steps, "zh")
    before, after = load_scenario(YUMEN), load_scenario(path)
    for name, journey in before.journeys.items():
        assert after.journeys[name].arrivals_per_hour == round(
            journey.arrivals_per_hour * 1.2, 4)
    assert after.categories["企业开办"].arrivals_per_hour == round(
        before.categories["企业开办"].arrivals_per_hour * 1.2, 4)
    assert shown["note"] == "各事项和各一件事（含其各环节）每小时取号量已乘以 1.2"


def _raise_windows(group: str, count: int) -> Any:
    """Steps: the planner gives ``group`` ``count`` windows and saves."""
    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find(f"field-windows.{group}.count").elements.pop().value = count
        await user.should_see(marker=f"group-note-{group}")
        await asyncio.sleep(0.2)
        shown["note"] = user.find(f"group-note-{group}").elements.pop().text
        shown["error"] = visible(user, "editor-error")
        shown["save enabled"] = user.find("editor-save").elements.pop().enabled
        user.find("editor-save").click()
        await asyncio.sleep(0.3)

    return steps


def test_more_windows_after_the_floor_plan_is_saved_stand_beside_the_groups_own(
        story, tmp_path: Path) -> None:
    """She saved Yumen's floor plan, then gave 市场监管窗口 6 windows instead of 4. The
    row ran on into 税务窗口's first window: 窗口位置重合, 保存 greyed out, and the
    floor plan tab still drew 4 windows. The two new windows now stand beside the
    group's own, the hall saves, and the note says where they went."""
    path = _yumen(tmp_path, layout=True)
    shown = _play(path, story, _raise_windows("MKT", 6), "zh")
    assert shown["error"] is False and shown["save enabled"] is True
    assert shown["note"].splitlines() == [
        "窗口组 市场监管窗口：全天 6 个窗口全部在岗",
        "平面布局：新增的 2 个窗口放在本组窗口旁（保存后可在“平面布局”中查看或移动）"]
    saved = load_scenario(path)
    check_layout(saved)
    assert saved.windows[0].count == 6
    points = saved.layout.windows["MKT"].points
    assert points[:4] == ((3.0, 19.0), (5.5, 19.0), (8.0, 19.0), (10.5, 19.0))  # as before
    assert all(3 <= x <= 10.5 and y < 19 for x, y in points[4:])  # in front of its row


def test_windows_the_floor_plan_has_no_room_for_are_said_not_placed(story,
                                                                    tmp_path: Path) -> None:
    """500 windows for 市场监管窗口: the hall has no room for them. The note said they
    stood beside the group's own while the floor plan refused the hall; it now says they
    do not all fit, why, and what to do, and 保存 stays off."""
    path = _yumen(tmp_path, layout=True)
    before = path.read_text(encoding="utf-8")
    shown = _play(path, story, _raise_windows("MKT", 500), "zh")
    assert shown["save enabled"] is False and shown["error"] is True
    last = shown["note"].splitlines()[-1]
    assert last.startswith("平面布局：新增的 496 个窗口无法全部放在本组窗口旁（"), last
    assert last.endswith("方案因此无法保存：请减少窗口数，或先在“平面布局”中腾出位置")
    assert path.read_text(encoding="utf-8") == before


def test_windows_placed_far_from_their_group_are_said_to_be(story, tmp_path: Path) -> None:
    """40 windows for 市场监管窗口: the hall has room for them, but not beside the group's
    own four; the note said they stood beside them. It now says how many stand apart."""
    path = _yumen(tmp_path, layout=True)
    shown = _play(path, story, _raise_windows("MKT", 40), "zh")
    assert shown["error"] is False and shown["save enabled"] is True
    last = shown["note"].splitlines()[-1]
    assert last.startswith("平面布局：新增的 36 个窗口放在平面图上尚有空位之处，其中 "), last
    assert "个距本组原有窗口超过 7.5 米" in last


def test_the_last_group_of_the_row_grows_inside_the_hall(story, tmp_path: Path) -> None:
    """水务窗口 stands last in the row, by the wall of a hall 70.5 m wide: given 4 windows,
    its row ran out of the hall (位于大厅轮廓之外); now they stand beside it, inside."""
    path = _yumen(tmp_path, layout=True)
    shown = _play(path, story, _raise_windows("WAT", 4), "zh")  # the row's fourth: at 72.5 m
    assert shown["error"] is False and shown["save enabled"] is True
    check_layout(load_scenario(path))


def test_a_group_added_or_removed_keeps_the_saved_floor_plan_valid(story,
                                                                   tmp_path: Path) -> None:
    """A group added gets windows beside the group serving its item; a group removed
    (卫生许可, its item, ticked for the new group first) leaves the plan with it (it once
    named a group the hall no longer had)."""
    path = _yumen(tmp_path, layout=True)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("group-add").click()
        await user.should_see(marker="group-add-note")
        shown["note"] = user.find("group-add-note").elements.pop().text
        await user.should_see(marker="auth-卫生许可-G16")
        user.find("auth-卫生许可-G16").elements.pop().value = True  # HEA's work, to G16
        user.find("group-remove-HEA").click()
        await asyncio.sleep(0.2)
        shown["error"] = visible(user, "editor-error") and \
            user.find("editor-error").elements.pop().text
        user.find("editor-save").click()
        await asyncio.sleep(0.3)

    shown = _play(path, story, steps, "zh")
    assert shown["error"] is False
    assert shown["note"].splitlines()[-1].startswith(
        "平面布局：新窗口组的窗口放在办理相同事项的窗口组旁")
    saved = load_scenario(path)
    check_layout(saved)
    assert "G16" in saved.layout.windows and "HEA" not in saved.layout.windows


def _remove_item(item: str, then: str | None = None) -> Any:
    """Steps: the planner clicks the bin beside ``item``; ``then``: she removes that
    window group (left serving nothing) and saves."""
    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find(f"item-remove-{item}").click()
        await user.should_see(marker="item-remove-note")
        shown["note"] = user.find("item-remove-note").elements.pop().text
        shown["error"] = visible(user, "editor-error") and \
            user.find("editor-error").elements.pop().text
        shown["save enabled"] = user.find("editor-save").elements.pop().enabled
        shown["badge"] = visible(user, "unsaved-badge")
        if then is not None:
            user.find(f"group-remove-{then}").click()
            await asyncio.sleep(0.2)
            shown["error after"] = visible(user, "editor-error")
            user.find("editor-save").click()
            await asyncio.sleep(0.3)

    return steps


def test_removing_an_item_takes_it_out_of_its_journeys_and_says_what_its_group_needs(
        story, tmp_path: Path) -> None:
    """She removed 户籍 from Yumen: the page said, in English, that 公安窗口's
    department:public_security was unknown; once she removed that group, that the
    journey 出生一件事 named an unknown item, and the page has no place to edit journeys.
    保存 stayed greyed out. Now the journey loses its 户籍 step, and a note beside the
    bin says so and that 公安窗口 (it served 户籍 only) now serves nothing: tick its
    items or remove it, as the line above says in Chinese. She removes it; the hall
    saves."""
    path = _yumen(tmp_path)
    shown = _play(path, story, _remove_item("户籍", then="PSB"), "zh")
    assert shown["note"].splitlines() == [
        "已删除事项“户籍”",
        "一件事“出生一件事”：已去掉“户籍”环节，现为 医保 → 社保",
        "窗口组 公安窗口（1 个窗口）现在不办理任何事项：请在授权表中为它勾选事项，"
        "或在上方窗口组中将其删除"]
    assert shown["error"] == ("错误：玉门-布局测试.yaml，字段“windows.PSB.serves”：窗口组 公安窗口 "
                              "现在不办理任何事项：请在授权表中为它勾选至少一个事项，或删除该窗口组")
    assert shown["save enabled"] is False and shown["error after"] is False
    saved = load_scenario(path)
    assert "户籍" not in saved.categories and "PSB" not in saved.group_names()
    assert saved.journeys["出生一件事"].steps == ("医保", "社保")
    assert len(saved.windows) == 14 and len(saved.journeys) == 3


def test_an_item_another_item_sends_its_wrong_tickets_to_is_kept(story,
                                                                 tmp_path: Path) -> None:
    """税务's customers who take a wrong ticket queue for 户籍 (the hall's own data, which
    the page does not edit): removing 户籍 is refused, beside the bin, in Chinese, with
    the field that uses it; the hall stays as it was and saveable."""
    path = _yumen(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["categories"]["税务"]["wrong_ticket"] = {
        "share": 0.1, "turn_away": {"dist": "exponential", "mean": 2}, "to": "户籍"}
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")

    shown = _play(path, story, _remove_item("户籍"), "zh")
    assert shown["note"] == ("事项“户籍”未删除：“税务”取错号的群众会排到它的队列"
                             "（其 wrong_ticket.to，本页不能编辑）"
                             "\n（字段“categories.税务.wrong_ticket.to”）")
    assert shown["error"] is False and shown["save enabled"] is True
    assert shown["badge"] is False  # nothing changed


def test_a_group_added_is_said_beside_its_button(story, tmp_path: Path) -> None:
    """添加窗口组 stands a screen and more down Yumen's page: the note saying that the new
    group serves 企业开办 for now was written at the top, out of view, and a planner
    could leave it taking company-setup tickets. It is now said beside the button."""
    path = _yumen(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("group-add").click()
        await user.should_see(marker="group-add-note")
        shown["note"] = user.find("group-add-note").elements.pop().text
        shown["top"] = visible(user, "editor-note")

    shown = _play(path, story, steps, "zh")
    assert shown["note"] == ("已添加窗口组 G16（1 个窗口），暂时办理“企业开办”："
                             "请在授权表中勾选它办理的事项")
    assert shown["top"] is False


def test_a_department_still_named_by_other_items_keeps_its_windows() -> None:
    """Removing 企业开办 leaves 市场监管窗口 its department:market_regulation (变更登记 and
    食品经营许可 are still of it) and a 一件事 two steps; a group naming 企业开办 first
    loses it with its primary mark and speed factor."""
    data = yaml.safe_load(YUMEN.read_text(encoding="utf-8"))
    data["windows"][1].update(serves=["企业开办", "税务"], primary=["企业开办"],
                              speed={"企业开办": 1.2, "税务": 0.9})
    removal = without_item(data, "企业开办")
    assert data["windows"][0]["serves"] == ["department:market_regulation"]
    assert data["windows"][1] == {"id": "TAX", "label": "税务窗口", "count": 3,
                                  "serves": ["税务"], "speed": {"税务": 0.9}}
    assert removal.shortened == {"企业开办一件事": ["税务", "社保"]}
    assert removal.journeys == [] and removal.groups == []
    validate(data, "玉门.yaml")


def test_a_journey_of_one_step_goes_and_a_group_of_one_item_is_left_empty() -> None:
    """出生一件事 made only of 户籍 goes with it; 公安窗口 stays, serving nothing, for the
    planner to tick its items or remove it (its windows are hers)."""
    data = yaml.safe_load(YUMEN.read_text(encoding="utf-8"))
    data["journeys"]["出生一件事"]["steps"] = ["户籍"]
    removal = without_item(data, "户籍")
    assert removal.journeys == ["出生一件事"] and "出生一件事" not in data["journeys"]
    assert removal.groups == [("公安窗口", 1)]
    assert data["windows"][4] == {"id": "PSB", "label": "公安窗口", "count": 1, "serves": []}


def _in_view(b: Any, test_id: str) -> bool:
    """Whether the element ``test_id`` shows, whole, in the browser's 1366x768 view."""
    element = b.by(test_id)
    element.wait_for()  # shown (with a note: the body drawn again after the click)
    for _ in range(20):  # then brought into view
        box = element.bounding_box()
        if box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 768:
            return True
        b.page.wait_for_timeout(100)
    return False


@pytest.mark.browser
def test_the_notes_of_a_group_added_and_an_item_removed_are_in_view(tmp_path: Path) -> None:
    """In Chromium at 1366x768: the note of 添加窗口组 shows beside the button, where the
    planner is, and so does the note of the bin beside 户籍 (the rows the item had in
    the grids above are gone: the page moved under it); removing 公安窗口, as that note
    says, makes the hall saveable."""
    from tests.web.browser import browser, server

    _yumen(tmp_path)
    with server(tmp_path / "workspace") as (base, _), browser(base) as b:
        b.page.goto(base + "/?lang=zh&tab=editor&scenario=玉门-布局测试")
        for button, note in (("group-add", "group-add-note"),
                             ("item-remove-户籍", "item-remove-note")):
            b.by(button).scroll_into_view_if_needed()
            b.by(button).click()
            assert _in_view(b, note), note
        assert "公安窗口" in b.by("item-remove-note").inner_text()
        b.by("group-remove-PSB").click()  # as the note says
        b.by("editor-error").wait_for(state="hidden")
        assert b.by("editor-save").is_enabled()
        assert b.errors == []
