"""Stories of what the floor plan editor tells the planner while she edits, and of two
pages saving one floor plan.

She works far down the form, on the window rows, with the plan held at the top of the
window. What is wrong is said in that strip, beside 保存平面布局, not at the tab's top
(scrolled away under the strip), and while the fields are not valid the plan is greyed
and said to be the last valid one. A switch of 布置方式 refused goes back to the real
choice. A floor plan saved elsewhere since the page read it is asked about before it
is written over, as the hall editor asks about its hall."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import yaml
from nicegui import ElementFilter
from nicegui.testing.user import User

from sim.scenario.model import load_scenario
from tests.web.conftest import quickstart_workspace


def _inside(element: Any, marker: str) -> bool:
    """Whether ``element`` stands inside the element tested as ``marker``."""
    parent = element.parent_slot.parent if element.parent_slot else None
    while parent is not None:
        if parent.props.get("data-testid") == marker:
            return True
        parent = parent.parent_slot.parent if parent.parent_slot else None
    return False


def _element(user: User, marker: str) -> Any:
    """The element tested as ``marker``, shown or hidden (``user.find`` sees the shown)."""
    with user._client:
        found = list(ElementFilter(marker=marker, local_scope=False))
    assert found, f"no element {marker} on the page"
    return found[0]


def _state(user: User) -> dict[str, object]:
    """What the strip shows: the message, whether it stands in the strip, whether the
    plan is marked as the last valid one, and whether 保存 can be pressed."""
    said = _element(user, "layout-error")
    return {"said": said.text if said.visible else "",
            "in the strip": _inside(said, "layout-strip"),
            "stale": _element(user, "layout-stale").visible,
            "greyed": "hs-stale" in user.find("layout-view").elements.pop().classes,
            "save": user.find("layout-save").elements.pop().enabled}


def test_a_window_in_the_waiting_area_is_said_beside_save_and_the_plan_is_marked_old(
        story, tmp_path: Path) -> None:
    """She moves group C's row to y = 12, into the waiting area: beside 保存 (greyed)
    the page says so, and that the plan is the last valid one (it still shows C at 19).
    She types 100000 for B's x: the field's limit is said there too. Both corrected,
    the marks go."""
    quickstart_workspace(tmp_path)
    seen: list[dict[str, object]] = []

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=quickstart")
        await user.should_see(marker="layout-save", retries=50)
        seen.append(_state(user))
        user.find("layout-windows-C-0-y").elements.pop().value = 12
        seen.append(_state(user))
        user.find("layout-windows-C-0-y").elements.pop().value = 19
        user.find("layout-windows-B-0-x").elements.pop().value = 100000
        seen.append(_state(user))
        user.find("layout-windows-B-0-x").elements.pop().value = 12
        seen.append(_state(user))

    story(play)
    opened, window_in_area, bad_number, corrected = seen
    assert opened == {"said": "", "in the strip": True, "stale": False, "greyed": False,
                      "save": True}
    assert "layout.windows.C" in str(window_in_area["said"]), window_in_area
    assert "等候区" in str(window_in_area["said"])
    assert window_in_area | {"said": ""} == {"said": "", "in the strip": True, "stale": True,
                                             "greyed": True, "save": False}
    assert str(bad_number["said"]).startswith("x（米）须为"), bad_number
    assert str(bad_number["said"]).endswith("（见下方标红的栏）"), bad_number
    assert bad_number["stale"] is True and bad_number["save"] is False
    assert corrected == opened


def test_the_plan_is_said_to_be_the_last_valid_one_in_chinese(story, tmp_path: Path) -> None:
    quickstart_workspace(tmp_path)
    said: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=quickstart")
        await user.should_see(marker="layout-save", retries=50)
        user.find("layout-windows-C-0-y").elements.pop().value = 12
        said["stale"] = user.find("layout-stale").elements.pop().text
        said["size"] = str(user.find("layout-plan-size").elements.pop().options)

    story(play)
    assert said["stale"] == ("图中为上一次有效的平面布局，并非当前所填的内容；"
                             "改正问题后才能保存。")
    assert "'小'" in said["size"] and "'中'" in said["size"] and "'大'" in said["size"]


def test_a_refused_switch_to_points_goes_back_to_rows_and_can_be_made_once_corrected(
        story, tmp_path: Path) -> None:
    """With C in the waiting area she sets A to 逐个窗口定位: refused (the positions come
    from the last valid plan). The choice goes back to 成排布置, and the error about C
    stays said under the refusal. C corrected, the same choice switches A to points
    (it did nothing: the select still showed it, so choosing it again was no change)."""
    ws = quickstart_workspace(tmp_path)
    seen: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=quickstart")
        await user.should_see(marker="layout-save", retries=50)
        user.find("layout-windows-C-0-y").elements.pop().value = 12
        user.find("layout-windows-A-placed").elements.pop().value = "points"
        seen["choice"] = user.find("layout-windows-A-placed").elements.pop().value
        seen["said"] = user.find("layout-error").elements.pop().text
        seen["rows kept"] = len(user.find("layout-windows-A-0-x").elements) == 1
        user.find("layout-windows-C-0-y").elements.pop().value = 19
        seen["said once corrected"] = _element(user, "layout-error").visible
        user.find("layout-windows-A-placed").elements.pop().value = "points"
        seen["points"] = user.find("layout-windows-A-points").elements.pop().value
        user.find("layout-save").click()
        await user.should_see("已保存", retries=50)

    story(play)
    assert seen["choice"] == "rows" and seen["rows kept"] is True
    refusal, *problem = str(seen["said"]).splitlines()
    assert refusal == "请先改正平面布局：窗口位置取自上一次有效的布局"
    assert "layout.windows.C" in " ".join(problem), seen["said"]
    assert seen["said once corrected"] is False
    assert str(seen["points"]).count(";") == 2  # A's three windows, one point each
    sc = load_scenario(ws / "scenarios" / "quickstart.yaml")
    assert sc.layout is not None and sc.layout.windows["A"].points is not None


def _saved_elsewhere(path: Path, entrance_x: float) -> None:
    """Another page (or program) saves the floor plan with the entrance at ``x``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    from sim.web.layout_tab import automatic

    layout = data.get("layout") or automatic(load_scenario(path), lambda s: s)
    layout["entrances"][next(iter(layout["entrances"]))]["at"][0] = entrance_x
    data["layout"] = layout
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")


def test_a_floor_plan_saved_elsewhere_is_asked_about_before_it_is_written_over(
        story, tmp_path: Path) -> None:
    """She moves the ticket machine (not saved yet); meanwhile another tab saves the
    floor plan with the entrance at x = 5. Her 保存 asks first, and Cancel writes
    nothing. Asked again, 覆盖 writes her plan (the other tab's entrance goes, as she
    chose); a later save asks nothing, the file being as she wrote it."""
    path = quickstart_workspace(tmp_path) / "scenarios" / "quickstart.yaml"
    seen: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=quickstart")
        await user.should_see(marker="layout-save", retries=50)
        user.find("layout-ticket_machines-0-x").elements.pop().value = 10
        _saved_elsewhere(path, 5.0)
        user.find("layout-save").click()
        await asyncio.sleep(0.2)
        seen["asked"] = user.find("layout-conflict-question").elements.pop().text
        user.find("layout-conflict-cancel").click()
        seen["after cancel"] = load_scenario(path).layout
        user.find("layout-save").click()
        await asyncio.sleep(0.2)
        user.find("layout-conflict-replace").click()
        await user.should_see("已保存", retries=50)
        user.find("layout-ticket_machines-0-y").elements.pop().value = 3
        user.find("layout-save").click()
        await asyncio.sleep(0.2)
        seen["asked again"] = _element(user, "layout-conflict").value

    story(play)
    assert str(seen["asked"]).startswith("此方案文件中的平面布局在本页读取后已被改动")
    kept = seen["after cancel"]
    assert kept is not None and next(iter(kept.entrances.values())).at[0] == 5.0
    sc = load_scenario(path)
    assert sc.layout is not None
    assert next(iter(sc.layout.ticket_machines.values())).at == (10.0, 3.0)
    assert next(iter(sc.layout.entrances.values())).at[0] == 17.0  # hers, as she chose
    assert seen["asked again"] is False


def test_a_hall_saved_elsewhere_is_no_floor_plan_conflict(story, tmp_path: Path) -> None:
    """Another tab's hall editor saves a new waiting target while she edits the floor
    plan: her save asks nothing, and both are kept (each tab writes its own part)."""
    path = quickstart_workspace(tmp_path) / "scenarios" / "quickstart.yaml"

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=quickstart")
        await user.should_see(marker="layout-save", retries=50)
        user.find("layout-entrances-0-x").elements.pop().value = 5
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.setdefault("targets", {})["wait_minutes"] = 25
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        user.find("layout-save").click()
        await user.should_see("已保存", retries=50)

    story(play)
    sc = load_scenario(path)
    assert sc.layout is not None and next(iter(sc.layout.entrances.values())).at[0] == 5.0
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["targets"]["wait_minutes"] == 25


def test_the_plan_size_is_chosen_beside_the_buttons(story, tmp_path: Path) -> None:
    """The plan opens at the medium size; 大 shows it as drawn, leaving the buttons and
    what is wrong at the top of the window; 小 gives the forms more room."""
    quickstart_workspace(tmp_path)
    seen: list[list[str]] = []

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=quickstart")
        await user.should_see(marker="layout-save", retries=50)
        strip = user.find("layout-strip").elements.pop()
        toggle = user.find("layout-plan-size").elements.pop()
        for size in (None, "large", "small"):
            if size:
                toggle.value = size
            seen.append(sorted(c for c in strip.classes if c.startswith("hs-plan-")))

    story(play)
    assert seen == [["hs-plan-medium"], ["hs-plan-large"], ["hs-plan-small"]]
