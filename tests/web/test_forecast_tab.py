"""Stories of the forecast tab: a planner expecting a fifth more tickets at 10:00 next
month, with one more window then, makes next month's hall from the open one and
compares the two; a plan file with a bad cell is refused with its row and column."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from nicegui.testing.user import User

from sim.calibration.forecast import current_plan
from sim.calibration.journey_tickets import rate_at
from sim.files.errors import InputError
from sim.scenario.loading import load_scenario
from sim.web.forecast_tab import load_plan, write_plan
from tests.web.conftest import visible, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_next_months_hall_is_the_open_one_with_the_planned_hours_changed(story,
                                                                       tmp_path: Path) -> None:
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "本月.yaml")
    before = current_plan(ws / "本月.yaml").set_index("hour")
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=forecast&scenario=本月")
        await user.should_see("下一时期")
        tickets = user.find("forecast-tickets-10").elements.pop()
        assert tickets.value == pytest.approx(before.loc[10, "tickets"])
        tickets.value = round(before.loc[10, "tickets"] * 1.2, 2)
        user.find("forecast-windows-10").elements.pop().value = before.loc[10, "windows"] + 1
        user.find("forecast-name").elements.pop().value = "下月"
        user.find("forecast-start").click()
        await wait_for(user, "forecast-done", 30)
        shown["done"] = user.find("forecast-done").elements.pop().text
        user.find("forecast-compare-replications").elements.pop().value = 2
        user.find("forecast-compare-days").elements.pop().value = 1
        user.find("forecast-compare").click()
        await wait_for(user, "compare-table")
        shown["rows"] = user.find("compare-table").elements.pop().rows

    story(play)
    assert "已替换" in str(shown["done"]) and "沿用" in str(shown["done"])
    after = current_plan(ws / "下月.yaml").set_index("hour")
    assert after.loc[10, "tickets"] == pytest.approx(before.loc[10, "tickets"] * 1.2, rel=2e-3)
    assert after.loc[10, "windows"] == pytest.approx(before.loc[10, "windows"] + 1)
    others = after.index != 10
    assert np.allclose(after.loc[others, "tickets"], before.loc[others, "tickets"], rtol=2e-3)
    plan = (tmp_path / "workspace" / "plans" / "下月.csv").read_text(encoding="utf-8-sig")
    assert plan.splitlines()[0] == "小时,取号量,平均办理时间,窗口数"
    assert len(shown["rows"]) >= 5  # type: ignore[arg-type]


def test_letters_typed_in_a_cell_are_refused_and_nothing_is_made(story,
                                                                  tmp_path: Path) -> None:
    """The planner types 「abc」 into 10:00's windows on duty: Chromium keeps no letter in
    a number field, so the cell arrives empty. It is marked with the words every number
    field uses, and no plan or scenario is written."""
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "本月.yaml")
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=forecast&scenario=本月")
        await user.should_see("下一时期")
        cell = user.find("forecast-windows-10").elements.pop()
        cell.value = None  # what the browser sends for 「abc」
        user.find("forecast-name").elements.pop().value = "下月"
        user.find("forecast-start").click()
        await user.should_see("请先改正计划中标红的格子", retries=30)
        shown["cell"] = cell.error

    story(play)
    assert shown["cell"] == "在岗窗口数须为 0–5,000 之间的数"
    assert not (ws / "下月.yaml").exists()
    assert not (ws.parent / "plans" / "下月.csv").exists()


def test_a_plan_file_is_read_back_as_the_page_wrote_it(tmp_path: Path) -> None:
    rows = {9: {"tickets": 40.0, "mean_service": 8.5, "windows": 6.0},
            10: {"tickets": 55.5, "mean_service": None, "windows": 7.0}}
    write_plan(rows, tmp_path / "计划.csv", "zh")
    assert load_plan(tmp_path / "计划.csv") == {"file": None, "rows": rows, "staff": "windows"}
    seen = {9: {"tickets": 40.0, "mean_service": 8.5, "clerks_seen": 8.0}}
    write_plan(seen, tmp_path / "人员.csv", "zh", "clerks_seen")
    assert "办理人员数" in (tmp_path / "人员.csv").read_text(encoding="utf-8-sig")
    assert load_plan(tmp_path / "人员.csv") == {"file": None, "rows": seen,
                                                "staff": "clerks_seen"}


def test_a_plan_by_weekday_is_used_as_uploaded(tmp_path: Path) -> None:
    path = tmp_path / "按星期.csv"
    path.write_text("星期,小时,取号量\n周一,9,40\n周二,9,30\n", encoding="gbk")
    assert load_plan(path) == {"file": path, "rows": None, "staff": None}


def test_a_plan_with_a_negative_cell_is_refused_with_its_row_and_column(tmp_path: Path):
    path = tmp_path / "计划.csv"
    path.write_text("小时,取号量\n9,40\n10,-3\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_plan(path)
    assert "row 3" in str(err.value) and "取号量" in str(err.value)


@pytest.mark.parametrize("text, said", [
    ("小时,取号量\n9,40\n12,10\n", "第 3 行“小时”列：时段 12:00 不在开放时间内"),
    ("小时,取号量\n9,1e12\n", "第 2 行“取号量”列：1e+12 超出范围"),
])
def test_an_uploaded_plan_the_hall_cannot_take_is_refused_at_once_by_its_own_name(
        story, tmp_path: Path, text: str, said: str) -> None:
    """A row for the lunch hour, or a typo of 10^12 tickets: the upload is refused naming
    the file she uploaded and its cell, before the grid takes it; nothing is made."""
    from nicegui import ui
    from nicegui.elements.upload_files import SmallFileUpload

    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "本月.yaml")
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=forecast&scenario=本月")
        await user.should_see("下一时期")
        upload = user.find("forecast-upload").elements.pop()
        assert isinstance(upload, ui.upload)
        await upload.handle_uploads([SmallFileUpload("计划-午休.csv", "text/csv",
                                                     text.encode("utf-8"))])
        await user.should_see(said, retries=30)
        shown["error"] = user.find("forecast-error").elements.pop().text

    story(play)
    assert shown["error"].startswith("错误：计划-午休.csv，")


def test_a_calibrated_hall_can_be_planned_in_clerks_seen(story, tmp_path: Path) -> None:
    """The bank's calibrated January records windows = 0.7194 x clerks seen: the page
    offers staff as clerks seen, fills the column by that relation, and the forecast
    made from it has the hall's windows on duty again."""
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "calibrated" / "anonymous-bank-1999-01.yaml",
                    ws / "一月.yaml")
    before = current_plan(ws / "一月.yaml").set_index("hour")
    shown: dict[str, float] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=forecast&scenario=一月")
        await user.should_see("办理人员数")
        user.find("forecast-staff").elements.pop().value = "clerks_seen"
        shown["seen10"] = user.find("forecast-clerks_seen-10").elements.pop().value
        user.find("forecast-name").elements.pop().value = "二月"
        user.find("forecast-start").click()
        await wait_for(user, "forecast-done", 30)

    story(play)
    assert shown["seen10"] == pytest.approx(before.loc[10, "windows"] / 0.7194, abs=0.01)
    plan = (tmp_path / "workspace" / "plans" / "二月.csv").read_text(encoding="utf-8-sig")
    assert plan.splitlines()[0] == "小时,取号量,平均办理时间,办理人员数"
    after = current_plan(ws / "二月.yaml").set_index("hour")
    assert np.allclose(after["windows"], before["windows"], atol=0.02)
    # the clerks seen shown to cents and converted back are the hall's own windows: every
    # group keeps its schedule step by step
    assert _staffing(ws / "二月.yaml") == _staffing(ws / "一月.yaml")


def _staffing(path: Path) -> dict[str, tuple[int, list[int]]]:
    """Each window group's count and windows on duty at every open minute."""
    sc = load_scenario(path)
    minutes = [m for s, e in sc.hall.periods for m in range(int(s), int(e))]
    return {g.id: (g.count, [g.staffed_at(m) for m in minutes]) for g in sc.windows}


def test_fifteen_percent_more_tickets_leave_the_staffing_as_it_was(story, tmp_path: Path):
    """The reviewer's story: the planner changes every hour's tickets by +15 % and leaves
    the windows alone. The new hall has 15 % more arrivals and exactly the open hall's
    windows, group by group (group B no longer went from 4 to 5 windows and flipped every
    10 minutes at 09:00-10:00), so the comparison shows the demand change alone."""
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "本月.yaml")

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=forecast&scenario=本月")
        await user.should_see("下一时期")
        user.find("forecast-scale").elements.pop().value = 15
        user.find("forecast-scale-apply").click()
        said.append(user.find("forecast-change").elements.pop().text)
        user.find("forecast-scale").elements.pop().value = 10  # on the plan as it stands
        user.find("forecast-scale-apply").click()
        said.append(user.find("forecast-change").elements.pop().text)
        user.find("forecast-scale").elements.pop().value = -100 / 11  # back to +15 %
        user.find("forecast-scale-apply").click()
        user.find("forecast-name").elements.pop().value = "下月"
        user.find("forecast-start").click()
        await wait_for(user, "forecast-done", 30)

    said: list[str] = []
    story(play)
    # each apply changes the plan as it stands, the field back at 0: the change so far is
    # said beside it (+10 % after +15 % is +26.5 %, not +25 %)
    assert [s.split("，")[-1] for s in said] == ["较本期 +15.0 %", "较本期 +26.5 %"]
    assert _staffing(ws / "下月.yaml") == _staffing(ws / "本月.yaml")
    before, after = load_scenario(ws / "本月.yaml"), load_scenario(ws / "下月.yaml")
    for name, cat in before.categories.items():
        rates = after.categories[name].arrivals_per_hour
        assert all(rate_at(rates, m) == pytest.approx(1.15 * rate_at(cat.arrivals_per_hour, m),
                                                      rel=2e-3)
                   for s, e in before.hall.periods for m in range(int(s), int(e), 30))


def test_an_uploaded_plan_never_writes_over_the_optimisers_files_or_an_earlier_plan(
        story, tmp_path: Path) -> None:
    """plans/ holds the optimiser's plans too. A file uploaded as 本月-plan.json (the
    optimiser's name) replaced the optimiser's plan, even though the upload was then
    refused; and a second 计划.csv replaced the first. Now each upload gets a name of
    its own, and a refused one is not kept."""
    from nicegui import ui
    from nicegui.elements.upload_files import SmallFileUpload

    ws = tmp_path / "workspace"
    (ws / "scenarios").mkdir(parents=True)
    (ws / "plans").mkdir()
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "scenarios" / "本月.yaml")
    (ws / "plans" / "本月-plan.json").write_text('{"status": "certified"}', encoding="utf-8")
    (ws / "plans" / "计划.csv").write_text("小时,取号量\n9,40\n", encoding="utf-8")

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=forecast&scenario=本月")
        await user.should_see("下一时期")
        upload = user.find("forecast-upload").elements.pop()
        assert isinstance(upload, ui.upload)
        await upload.handle_uploads([SmallFileUpload("本月-plan.json", "text/csv",
                                                     "小时,取号量\n9,50\n".encode())])
        await user.should_see("错误", retries=30)
        await upload.handle_uploads([SmallFileUpload("计划.csv", "text/csv",
                                                     "小时,取号量\n10,55\n".encode())])
        for _ in range(50):
            if user.find("forecast-tickets-10").elements.pop().value == 55:
                break
            await asyncio.sleep(0.1)
        seen["tickets"] = user.find("forecast-tickets-10").elements.pop().value

    seen: dict[str, Any] = {}
    story(play)
    assert seen["tickets"] == 55
    plans = ws / "plans"
    assert (plans / "本月-plan.json").read_text(encoding="utf-8") == '{"status": "certified"}'
    assert (plans / "计划.csv").read_text(encoding="utf-8") == "小时,取号量\n9,40\n"
    assert sorted(p.name for p in plans.iterdir()) == ["本月-plan.json", "计划-2.csv", "计划.csv"]


def test_an_edited_plan_is_marked_unsaved_until_its_forecast_is_made(story,
                                                                     tmp_path: Path) -> None:
    """She raises the 10:00 tickets and reloads by mistake: the edit was gone with no
    mark and no question from the browser. The header now marks the plan unsaved (the
    browser then asks before a reload, the page before switching the language) until the
    forecast is made from it."""
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "本月.yaml")
    seen: dict[str, bool] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=forecast&scenario=本月")
        await user.should_see("下一时期")
        seen["opened"] = visible(user, "unsaved-badge")
        user.find("forecast-tickets-10").elements.pop().value = 99
        seen["edited"] = visible(user, "unsaved-badge")
        user.find("lang-switch").click()  # the page asks before the edit goes
        await user.should_see("下期预测的计划中有尚未保存的修改", retries=20)
        user.find("lang-switch-keep").click()
        user.find("forecast-name").elements.pop().value = "下月"
        user.find("forecast-start").click()
        await wait_for(user, "forecast-done", 30)
        seen["made"] = visible(user, "unsaved-badge")

    story(play)
    assert seen == {"opened": False, "edited": True, "made": False}
