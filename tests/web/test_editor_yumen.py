"""Story: a planner edits the Yumen hall (15 window groups in one row along the back
wall, three 一件事 journeys). Demand +20 % is 20 % more tickets, journeys included; and
once the floor plan is saved, a group given more windows still makes a hall that saves:
the new windows stand beside the group's own, and a note says so."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import yaml
from nicegui.testing.user import User

from sim.scenario.layout import check_layout
from sim.scenario.loading import load_scenario
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
        await user.should_see(marker="editor-note")
        shown["note"] = user.find("editor-note").elements.pop().text
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
        await user.should_see(marker="editor-note")
        await asyncio.sleep(0.2)
        shown["note"] = user.find("editor-note").elements.pop().text
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
        await user.should_see(marker="editor-note")
        shown["note"] = user.find("editor-note").elements.pop().text
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
