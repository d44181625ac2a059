"""Story: a planner edits the quickstart hall in the page. An invalid count is marked in
place with the words ``hallsim validate`` prints, and cannot be saved; taking social
insurance away from the tax windows (C) and saving writes a scenario the command line
loads, with explicit item lists."""

from __future__ import annotations

import asyncio
import copy
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from nicegui import ui
from nicegui.testing.user import User

from sim.files.errors import InputError
from sim.scenario.loading import load_scenario
from sim.scenario.model import scenario_from_dict
from sim.web.editor import grid_times, recounted, scaled, validate, value_at, with_serves
from tests.web.conftest import quickstart_workspace, visible

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"


def _workspace_with_quickstart(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(QUICKSTART, ws / "快速上手.yaml")
    return ws / "快速上手.yaml"


def test_grid_columns_are_whole_open_hours_and_every_existing_key() -> None:
    data = {"hall": {"open": ["08:30-12:00", "13:30-17:00"]}}
    times = grid_times(data, [{"08:30": 2, "09:30": 3, "13:30": 2}])
    assert times == ["08:30", "09:00", "09:30", "10:00", "11:00", "13:30", "14:00", "15:00",
                     "16:00"]
    assert value_at({"08:30": 2, "09:30": 3, "13:30": 2}, "11:00") == 3
    assert value_at(27, "14:00") == 27


def test_scaling_demand_by_ten_percent_scales_every_rate() -> None:
    assert scaled(20, 1.1) == 22.0
    assert scaled({"08:30": 10, "10:00": 20}, 1.1) == {"08:30": 11.0, "10:00": 22.0}


def test_unticking_an_item_keeps_the_primary_first() -> None:
    s = load_scenario(QUICKSTART)
    assert with_serves(s, "C", "social_insurance", False) == ["tax"]
    assert with_serves(s, "A", "tax", True) == ["business_registration", "tax"]


def test_validation_gives_the_command_lines_field_path() -> None:
    import yaml

    data = yaml.safe_load(QUICKSTART.read_text(encoding="utf-8"))
    data["windows"][0]["count"] = 0
    with pytest.raises(InputError) as err:
        validate(data, "hall.yaml")
    assert str(err.value).startswith("hall.yaml: field 'windows")


def test_an_invalid_count_is_marked_and_not_saved(story, tmp_path: Path) -> None:
    path = _workspace_with_quickstart(tmp_path)
    before = path.read_text(encoding="utf-8")

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=editor&scenario=快速上手")
        count = user.find("field-windows.A.count").elements.pop()
        count.value = 0
        await user.should_see(marker="editor-error", retries=50)
        assert "field 'windows" in user.find("editor-error").elements.pop().text
        assert count.props.get("error") is True  # marked, and still marked after the change
        # the field says what it accepts, the line above what hallsim validate prints
        assert count.props["error-message"] == "Windows must be a whole number from 1 to 1,000"
        assert "greater than or equal to 1" in user.find("editor-error").elements.pop().text
        user.find("editor-save").click()

    story(play)
    assert path.read_text(encoding="utf-8") == before


def test_taking_an_authorisation_away_is_saved_as_a_runnable_scenario(story,
                                                                       tmp_path: Path) -> None:
    path = _workspace_with_quickstart(tmp_path)

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=editor&scenario=快速上手")
        user.find("auth-social_insurance-C").elements.pop().value = False
        user.find("editor-save").click()
        await user.should_see("Saved", retries=50)

    story(play)
    s = load_scenario(path)
    assert s.serves("C") == ("tax",)
    assert s.serves("B") == ("social_insurance", "certificate_pickup")


def test_the_chinese_editor_names_distributions_and_parameters_in_chinese(
        story, tmp_path: Path) -> None:
    _workspace_with_quickstart(tmp_path)

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=editor&scenario=快速上手")
        await user.should_see("办理时间：伽马分布", retries=50)
        await user.should_see("耐心时间：指数分布")
        mean = user.find("field-categories.social_insurance.service.cv").elements.pop()
        assert mean.props["label"] == "变异系数"
        assert user.find("field-categories.tax.service.mean").elements.pop().props[
            "label"] == "均值"

    story(play)


@pytest.mark.browser
def test_a_time_of_day_cell_shows_a_calibrated_rate_whole(tmp_path: Path) -> None:
    """In Chromium, a demand cell holding 118.75 tickets an hour shows every digit (a 4rem
    cell showed 15.6 as "15.")."""
    from tests.web.browser import browser, server

    path = _workspace_with_quickstart(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(
        '"09:30": 18,', '"09:30": 118.75,'), encoding="utf-8")
    with server(tmp_path / "workspace") as (base, _), browser(base) as b:
        b.page.goto(base + "/?tab=editor&scenario=快速上手")
        cell = b.by("field-categories.tax.arrivals_per_hour.09:30")
        cell.wait_for()
        box = cell if cell.evaluate("e => e.tagName") == "INPUT" else cell.locator("input")
        assert box.input_value() == "118.75"
        cut = b.page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid^="field-categories."][data-testid*=".arrivals_per_hour."]')]
            .map(e => e.tagName === 'INPUT' ? e : e.querySelector('input'))
            .filter(i => i.scrollWidth > i.clientWidth).map(i => i.value)""")
        assert cut == []
        # an invalid count shows red in the browser (NiceGUI's validation cleared the mark)
        count = b.by("field-windows.A.count")
        box = count if count.evaluate("e => e.tagName") == "INPUT" else count.locator("input")
        box.fill("0")
        b.by("editor-error").wait_for()
        b.page.locator(".q-field--error").first.wait_for(timeout=5000)
        assert "字段“windows.A.count”：应不小于 1" in b.by("editor-error").inner_text()
        assert b.errors == []


def _play(path: Path, story: Any, steps: Any, lang: str = "en") -> dict[str, Any]:
    """Open the editor on ``path``'s scenario and play ``steps(user, shown)``."""
    shown: dict[str, Any] = {}

    async def play(user: User) -> None:
        await user.open(f"/?lang={lang}&tab=editor&scenario={path.stem}")
        await steps(user, shown)

    story(play)
    return shown


def test_more_windows_for_a_scheduled_group_staff_its_full_periods(story,
                                                                    tmp_path: Path) -> None:
    """Business registration (A) has 3 windows, all on duty 09:30-13:30 and 2 otherwise.
    The planner types 4 (passing through 1): the full period gets 4, the others keep 2,
    and the page says so."""
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        count = user.find("field-windows.A.count").elements.pop()
        count.value = 1
        count.value = 4
        await user.should_see(marker="group-note-A")
        shown["note"] = user.find("group-note-A").elements.pop().text
        for _ in range(100):  # the grid is redrawn in the background
            shown["cell"] = user.find("field-windows.A.schedule.10:00").elements.pop().value
            if shown["cell"] == 4:
                break
            await asyncio.sleep(0.05)
        user.find("editor-save").click()

    shown = _play(path, story, steps)
    assert "now staff 4" in shown["note"] and shown["cell"] == 4
    a = load_scenario(path).windows[0]
    assert a.count == 4 and dict(a.schedule or {}) == {"08:30": 2, "09:30": 4, "13:30": 2}


def test_a_count_typed_past_the_limit_leaves_the_schedule_as_it_was(story,
                                                                    tmp_path: Path) -> None:
    """She types 99999999 into A's windows: on the way, 999 was a count the schedule
    followed; the full number is refused, and the schedule is A's own again (3 at 10:00),
    not 999."""
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        count = user.find("field-windows.A.count").elements.pop()
        for typed in ("9", "99", "999"):
            count.value = int(typed)
        shown["on the way"] = await _cell(user, "windows.A.schedule.10:00", 999)
        for typed in ("9999", "99999999"):
            count.value = int(typed)
        shown["cell"] = await _cell(user, "windows.A.schedule.10:00", 3)

    shown = _play(path, story, steps)
    assert shown["on the way"] == 999 and shown["cell"] == 3


async def _cell(user: User, path: str, wanted: Any) -> Any:
    """The value of the grid cell ``path`` once the grid, redrawn in the background,
    shows ``wanted`` (or what it shows after 5 s)."""
    for _ in range(100):
        value = user.find(f"field-{path}").elements.pop().value
        if value == wanted:
            break
        await asyncio.sleep(0.05)
    return value


def test_more_windows_for_a_group_without_schedule_show_in_its_grid(story,
                                                                    tmp_path: Path) -> None:
    """The social windows (B) have no schedule: all 4 on duty all day. The planner types
    6: the grid shows 6 at every hour (it showed 4 until saved), then takes 08:30 down
    to 5; the saved hall has 6 windows on duty after 08:30, not the old 4."""
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("field-windows.B.count").elements.pop().value = 6
        await user.should_see(marker="group-note-B")
        shown["note"] = user.find("group-note-B").elements.pop().text
        shown["cell"] = await _cell(user, "windows.B.schedule.10:00", 6)
        user.find("field-windows.B.schedule.08:30").elements.pop().value = 5
        user.find("editor-save").click()

    shown = _play(path, story, steps)
    assert "all 6 windows on duty all day" in shown["note"] and shown["cell"] == 6
    b = load_scenario(path).windows[1]
    assert b.count == 6 and b.schedule is not None
    assert b.schedule["08:30"] == 5 and set(b.schedule.values()) == {5, 6}
    # written as whole windows (the grid's untouched cells were saved as 6.0)
    written = yaml.safe_load(path.read_text(encoding="utf-8"))["windows"][1]["schedule"]
    assert all(type(v) is int for v in written.values())


def test_a_run_with_unsaved_edits_says_it_uses_the_saved_hall(story, tmp_path: Path) -> None:
    """The planner types 6 social windows, does not save, and runs: the header has marked
    the unsaved changes since the edit, and the run says it uses the hall as saved (4
    windows). After saving, the mark goes."""
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        shown["before"] = visible(user, "unsaved-badge")
        user.find("field-windows.B.count").elements.pop().value = 6
        await user.should_see(marker="unsaved-badge")
        user.find("tab-run").click()
        await user.should_see(marker="run-start", retries=50)
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        await user.should_see("本次任务使用上次保存的方案", retries=50)
        shown["warning"] = user.find("run-error").elements.pop().text
        user.find("tab-editor").click()
        user.find("editor-save").click()
        shown["after"] = visible(user, "unsaved-badge")

    shown = _play(path, story, steps, lang="zh")
    assert shown["before"] is False and shown["after"] is False
    assert shown["warning"].startswith("注意：大厅编辑中有未保存的修改")
    assert load_scenario(path).windows[1].count == 6


def test_recounting_keeps_part_staffed_periods_within_the_windows() -> None:
    schedule = {"08:30": 2, "09:30": 3, "13:30": 2}
    assert recounted(schedule, 3, 5) == {"08:30": 2, "09:30": 5, "13:30": 2}
    assert recounted(schedule, 3, 1) == {"08:30": 1, "09:30": 1, "13:30": 1}
    assert recounted(None, 3, 5) is None


def test_saving_as_an_existing_scenario_asks_first_and_names_the_copy(story,
                                                                      tmp_path: Path) -> None:
    path = _workspace_with_quickstart(tmp_path)
    other = path.with_name("下月.yaml")
    shutil.copyfile(path, other)
    before = other.read_text(encoding="utf-8")

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("editor-save-as").click()
        await user.should_see("Give the new scenario's name")
        user.find("editor-save-as-name").elements.pop().value = "下月"
        user.find("editor-save-as").click()
        await user.should_see("A scenario named 下月 exists already: replace it?")
        shown["untouched"] = other.read_text(encoding="utf-8") == before
        user.find("editor-overwrite-no").click()
        user.find("editor-save-as").click()
        await user.should_see("replace it?")
        user.find("editor-overwrite-yes").click()

    shown = _play(path, story, steps)
    assert shown["untouched"] is True
    assert load_scenario(other).name == "下月"  # the copy is told apart from its source
    assert load_scenario(path).name == "quickstart"


def test_a_planner_adds_an_item_and_removes_another(story, tmp_path: Path) -> None:
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("item-add-name").elements.pop().value = "不动产登记"
        user.find("item-add").click()
        await user.should_see("Item 不动产登记 added")
        await user.should_see(marker="auth-不动产登记-A")
        user.find("item-add-name").elements.pop().value = "tax"
        user.find("item-add").click()
        await user.should_see("an item named 'tax' already exists")
        user.find("item-remove-business_registration").click()
        await user.should_see("Item business_registration removed")
        user.find("editor-save").click()

    _play(path, story, steps)
    sc = load_scenario(path)
    assert list(sc.categories) == ["tax", "social_insurance", "certificate_pickup",
                                  "不动产登记"]
    assert sc.serves("A") == ("不动产登记",)  # the first group: now its only item
    assert sc.categories["不动产登记"].service.mean == 10


def test_the_chinese_editor_says_what_is_wrong_in_chinese(story, tmp_path: Path) -> None:
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        count = user.find("field-windows.B.count").elements.pop()
        count.value = 0
        await user.should_see(marker="editor-error", retries=50)
        shown["error"] = user.find("editor-error").elements.pop().text
        shown["mark"] = count.props["error-message"]
        count.value = 4
        user.find("field-windows.A.schedule.10:00").elements.pop().value = 5
        shown["schedule"] = user.find("editor-error").elements.pop().text

    shown = _play(path, story, steps, lang="zh")
    # the file by its name in the workspace, not its path on the server
    assert shown["error"] == "错误：快速上手.yaml，字段“windows.B.count”：应不小于 1"
    assert shown["mark"] == "窗口数须为 1–1,000 的整数"
    assert "在岗 5 个窗口，但该窗口组只有 3 个窗口" in shown["schedule"]


def test_saving_names_the_workspace_file_not_the_servers_path(story, tmp_path: Path) -> None:
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("editor-save").click()
        await user.should_see(marker="editor-note")
        shown["note"] = user.find("editor-note").elements.pop().text

    shown = _play(path, story, steps)
    assert shown["note"] == "Saved 快速上手.yaml" and str(tmp_path) not in shown["note"]


def test_a_refused_name_changes_nothing(story, tmp_path: Path) -> None:
    """The planner types ../y to save as: it is refused in Chinese, and nothing of it
    stays behind: saved as 下月 next, the copy is named 下月, not ../y."""
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("editor-save-as-name").elements.pop().value = "../y"
        user.find("editor-save-as").click()
        await user.should_see(marker="editor-error", retries=50)
        shown["error"] = user.find("editor-error").elements.pop().text
        shown["badge"] = visible(user, "unsaved-badge")
        user.find("editor-save-as-name").elements.pop().value = "下月"
        user.find("editor-save-as").click()
        await user.should_see("当前方案：下月", retries=50)

    shown = _play(path, story, steps, lang="zh")
    assert shown["error"].startswith("错误：“../y”不是有效的文件名") and not shown["badge"]
    assert load_scenario(path.with_name("下月.yaml")).name == "下月"
    assert load_scenario(path).name == "quickstart"
    assert not list(tmp_path.rglob("y.yaml"))


def test_a_hall_saved_in_another_tab_is_not_overwritten_unasked(story, tmp_path: Path) -> None:
    """Tab B has the hall open when tab A saves a target wait of 12 minutes. B's planner
    changes the days and saves: the page asks first; 取消 leaves A's save alone, 覆盖
    writes B's hall."""
    import yaml

    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        other = yaml.safe_load(path.read_text(encoding="utf-8"))
        other["targets"]["wait_minutes"] = 12  # tab A's save
        path.write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
        user.find("field-hall.days").elements.pop().value = 3
        user.find("editor-save").click()
        await user.should_see(marker="editor-conflict-question", retries=50)
        user.find("editor-conflict-cancel").click()
        shown["kept"] = load_scenario(path).targets.wait_minutes
        user.find("editor-save").click()
        await user.should_see(marker="editor-conflict-replace", retries=50)
        user.find("editor-conflict-replace").click()

    shown = _play(path, story, steps, lang="zh")
    assert shown["kept"] == 12
    sc = load_scenario(path)
    assert sc.hall.days == 3 and sc.targets.wait_minutes == 20


def test_a_group_named_in_the_editor_is_saved_with_its_label_and_shown_by_it(
        story, tmp_path: Path) -> None:
    """The tax windows C get the display name 税务窗口: the file keeps the id C (its
    schedule and the authorisations refer to it) and adds the label; reopened, the
    authorisation table and the schedule grid name the group 税务窗口. Clearing the name
    takes the label out of the file again."""
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("field-windows.C.label").elements.pop().value = "  税务窗口 "
        user.find("editor-save").click()
        await user.should_see("快速上手.yaml", retries=50)
        shown["saved"] = load_scenario(path).group("C")
        await user.open("/?lang=zh&tab=editor&scenario=快速上手")
        await user.should_see("税务窗口")
        shown["texts"] = [e.text for e in user.find(ui.label).elements]
        user.find("field-windows.C.label").elements.pop().value = ""
        user.find("editor-save").click()
        await asyncio.sleep(0.5)

    shown = _play(path, story, steps, lang="zh")
    assert (shown["saved"].id, shown["saved"].label) == ("C", "税务窗口")
    assert shown["texts"].count("税务窗口") == 2  # the authorisation table and the grid
    assert "label" not in path.read_text(encoding="utf-8")


def test_a_display_name_typed_shows_at_once_in_the_grids_below(story, tmp_path: Path) -> None:
    """She types 税务窗口 as the display name of group C and scrolls to tick its items:
    the authorisation table and the schedule grid still said C until she saved and
    reopened the hall. They now follow what she types, and say C again when she clears
    it."""
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("field-windows.C.label").elements.pop().value = "税务窗口"
        await asyncio.sleep(0.3)  # the schedule grid is drawn again
        shown["head"] = user.find("auth-head-C").elements.pop().text
        shown["texts"] = [e.text for e in user.find(ui.label).elements]
        user.find("field-windows.C.label").elements.pop().value = ""
        await asyncio.sleep(0.3)
        shown["cleared"] = user.find("auth-head-C").elements.pop().text

    shown = _play(path, story, steps, lang="zh")
    assert shown["head"] == "税务窗口"
    assert shown["texts"].count("税务窗口") == 2  # the authorisation table and the grid
    assert shown["cleared"] == "C"


def test_a_note_about_a_change_goes_when_the_next_change_is_made(story,
                                                                  tmp_path: Path) -> None:
    """The page said 全天 6 个窗口全部在岗 after B went to 6 windows, and still said it after
    the planner took 08:30 down to 5: a note says what the last change did, and goes
    with the next one."""
    path = _workspace_with_quickstart(tmp_path)

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("field-windows.B.count").elements.pop().value = 6
        await user.should_see(marker="group-note-B")
        shown["note"] = user.find("group-note-B").elements.pop().text
        await _cell(user, "windows.B.schedule.08:30", 6)
        user.find("field-windows.B.schedule.08:30").elements.pop().value = 5
        shown["after"] = visible(user, "group-note-B")

    shown = _play(path, story, steps, lang="zh")
    assert shown["note"] == "窗口组 B：全天 6 个窗口全部在岗" and shown["after"] is False


def test_an_added_item_is_said_to_go_to_the_group_by_its_display_name(story,
                                                                       tmp_path: Path) -> None:
    path = _workspace_with_quickstart(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["windows"][0]["label"] = "企业开办窗口"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("item-add-name").elements.pop().value = "婚姻登记"
        user.find("item-add").click()
        await user.should_see(marker="item-add-note")
        shown["note"] = user.find("item-add-note").elements.pop().text

    shown = _play(path, story, steps, lang="zh")
    assert "由窗口组 企业开办窗口 办理" in shown["note"]


LAYOUT = {"outline": [[0, 0], [30, 0], [30, 20], [0, 20]],
          "entrances": {"正门": {"at": [15, 0]}},
          "ticket_machines": {"取号机": {"at": [15, 2]}},
          "waiting_areas": {"等候区": {"at": [10, 8], "size": [10, 4], "seats": 40}},
          "windows": {"A": {"points": [[2, 18], [4.5, 18], [7, 18]]},
                      "B": {"rows": [{"start": [12, 19], "direction": "+x", "spacing": 2.5}]},
                      "C": {"rows": [{"start": [28, 6], "direction": "+y", "spacing": 2.5,
                                      "count": 2},
                                     {"start": [26, 6], "direction": "+y", "spacing": 2.5,
                                      "count": 1}]}}}


def test_the_floor_plan_follows_a_groups_new_count_and_name() -> None:
    from sim.web.editor import fitted_layout

    windows = [{"id": "商事窗口", "count": 4}, {"id": "B", "count": 6}, {"id": "C", "count": 2}]
    lay = fitted_layout(LAYOUT, windows, {"A": "商事窗口"})
    assert "A" not in lay["windows"]
    assert lay["windows"]["商事窗口"]["points"][-1] == [9.5, 18]  # a step past the last
    assert [r["count"] for r in lay["windows"]["C"]["rows"]] == [2]  # its last row gone
    assert lay["windows"]["B"] == LAYOUT["windows"]["B"]  # a row without counts takes any
    assert LAYOUT["windows"]["A"]["points"][-1] == [7, 18]  # the saved plan untouched


def test_a_window_added_where_the_row_is_full_goes_where_there_is_room() -> None:
    """The staffed hall's plan fills A's row up to B's first window: a fourth window a
    step past A's last would stand on B's (the editor refused the hall, its save greyed
    out, with nothing on the page to move). It now goes where a plan's added desk would:
    in front of A's row, clear of every window, and the hall validates."""
    from sim.scenario.layout import WINDOW_FOOTPRINT, check_layout
    from sim.web.editor import fitted_layout

    lay = copy.deepcopy(LAYOUT)
    lay["windows"]["B"] = {"points": [[9.5, 18], [12, 18]]}
    windows = [{"id": "A", "count": 4}, {"id": "B", "count": 2}, {"id": "C", "count": 3}]
    points = fitted_layout(lay, windows, {})["windows"]["A"]["points"]
    assert points[:3] == [[2, 18], [4.5, 18], [7, 18]]
    x, y = points[3]
    assert y < 18 and 2 <= x <= 7  # in front of A's own windows
    w, d = WINDOW_FOOTPRINT
    assert all(abs(x - ox) >= w or abs(y - oy) >= d for ox, oy in [[9.5, 18], [12, 18]])
    data = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text(encoding="utf-8"))
    data["windows"][0]["count"], data["windows"][1]["count"] = 4, 2
    data["windows"][0].pop("schedule", None)
    data["layout"] = fitted_layout(lay, windows, {})
    check_layout(scenario_from_dict(data, "满排.yaml"))


def test_a_hall_with_a_saved_floor_plan_takes_a_new_count_and_name(story,
                                                                   tmp_path: Path) -> None:
    """Her floor plan places A's three windows one by one. In the hall editor she gives A
    a fourth window and calls it 商事窗口: the hall saves, the plan placing the fourth
    window beside the others under the new name (it used to refuse to save: the plan
    placed 3 windows of a group of 4, under a name the hall no longer had)."""
    import yaml

    path = _workspace_with_quickstart(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["layout"] = LAYOUT
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    async def steps(user: User, shown: dict[str, Any]) -> None:
        user.find("field-windows.A.count").elements.pop().value = 4
        field = user.find("field-windows.A.id").elements.pop()
        for typed in ("商", "商事", "商事窗口"):
            field.value = typed
        await asyncio.sleep(0.2)
        shown["save enabled"] = user.find("editor-save").elements.pop().enabled
        user.find("editor-save").click()
        await asyncio.sleep(0.3)

    shown = _play(path, story, steps)
    assert shown["save enabled"]
    saved = load_scenario(path)
    assert [g.id for g in saved.windows][0] == "商事窗口" and saved.windows[0].count == 4
    placed = yaml.safe_load(path.read_text(encoding="utf-8"))["layout"]["windows"]
    assert placed["商事窗口"]["points"] == [[2, 18], [4.5, 18], [7, 18], [9.5, 18]]


def test_switching_the_language_asks_before_dropping_unsaved_edits(story,
                                                                    tmp_path: Path) -> None:
    """She changes the target and clicks ENGLISH before saving: the page asks; keeping the
    edits leaves them in the field and the file as it was."""
    path = _workspace_with_quickstart(tmp_path)
    before = path.read_text(encoding="utf-8")

    async def steps(user: User, shown: dict[str, Any]) -> None:
        from tests.web.conftest import visible

        user.find("field-targets.wait_minutes").elements.pop().value = 25
        user.find("lang-switch").click()
        await user.should_see(marker="lang-switch-drop", retries=20)
        user.find("lang-switch-keep").click()
        shown["kept"] = user.find("field-targets.wait_minutes").elements.pop().value
        shown["badge"] = visible(user, "unsaved-badge")

    shown = _play(path, story, steps, lang="zh")
    assert shown == {"kept": 25, "badge": True}
    assert path.read_text(encoding="utf-8") == before


def test_a_file_with_a_word_where_a_number_goes_opens_with_the_field_empty(
        story, tmp_path: Path) -> None:
    """A hall file saved elsewhere says 'days: abc'. The editor tab failed (500: the day
    field was handed the word); it now opens, says what is wrong, and leaves the field
    empty for her to fill."""
    ws = quickstart_workspace(tmp_path)
    path = ws / "scenarios" / "quickstart.yaml"
    path.write_text(re.sub(r"(?m)^  days: .*$", "  days: abc", path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    seen: dict[str, Any] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=editor&scenario=quickstart")
        await user.should_see(marker="editor-error", retries=50)
        seen["error"] = user.find("editor-error").elements.pop().text
        seen["days"] = user.find("field-hall.days").elements.pop().value

    story(play)
    assert "hall.days" in seen["error"] and seen["days"] is None
