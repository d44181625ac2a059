"""Story: a planner reading the Chinese page meets the service level under one name on
every tab, and an hour by the period it covers (13:30-14:00 where the hall reopens at
13:30) in tables, charts and the forecast alike: the overall table, the by-hour table
and chart ("未在 20 分钟内叫号（%）"), the comparison's differences and the optimiser's
targets, in percent ("未在 20 分钟内叫号 ≤ 20%"); calibration is 校准 and the time at
the window 办理时间 wherever they are named."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from nicegui.testing.user import User

from sim.report.i18n import LOCALE_DIR, set_language
from tests.web.conftest import quickstart_workspace, wait_for
from tests.web.test_optimise import PLAN

ROOT = Path(__file__).resolve().parents[2]
NAME = "未在 20 分钟内叫号（%）"


def test_the_run_tab_names_the_service_level_once(story, tmp_path: Path) -> None:
    quickstart_workspace(tmp_path)
    seen: dict[str, list[str]] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=run&scenario=quickstart")
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        await wait_for(user, "table-hours")
        seen["overall"] = [r["c0"] for r in user.find("table-overall").elements.pop().rows]
        seen["hours"] = [c["label"] for c in user.find("table-hours").elements.pop().columns]
        chart = user.find("chart-hour-p_wait_over_target").elements.pop().options
        seen["chart"] = [chart["yAxis"]["name"]]
        seen["ticks"] = chart["xAxis"]["data"]
        seen["rows"] = [r["c0"] for r in user.find("table-hours").elements.pop().rows]
        seen["note"] = [user.find("results-measures").elements.pop().text]
        seen["closed"] = [user.find("results-closed-hours").elements.pop().text]
        # the hours read alike on the forecast tab, where 13:30-14:00 is next month's row
        await user.open("/?lang=zh&tab=forecast&scenario=quickstart")
        await user.should_see("13:30-14:00", retries=50)

    story(play)
    assert NAME in seen["overall"] and NAME in seen["hours"] and seen["chart"] == [NAME]
    assert not any("目标时间" in h for h in seen["hours"])
    # a short mean wait beside many misses is explained: the two count different tickets
    assert seen["note"] == ["等待时间（平均、90% 分位）只计已办理的取号；“未在 20 分钟内叫号”"
                            "计入全部取号，放弃或当即离开的取号从未被叫号，无论等待多短都计为未叫号。"]
    # the hall reopens at 13:30: its 13 o'clock figures are the tickets of 13:30-14:00;
    # 12:00-13:00, the hour after the morning's closing, keeps its clock span
    assert seen["ticks"] == seen["rows"] and "13:30-14:00" in seen["rows"]
    assert "08:30-09:00" in seen["rows"] and "12:00-13:00" in seen["rows"]
    assert "13:00-14:00" not in seen["rows"] and "13:00" not in seen["rows"]
    # an hour the hall is closed throughout takes no ticket yet has a queue: said under
    # the table (a planner asked why people queue while the hall is shut)
    assert seen["closed"] == ["12:00-13:00、17:00-18:00：大厅未开放；"
                              "这些时段的排队人数是之前取号、仍在等候的号"]


def test_comparison_and_optimiser_say_it_in_the_same_words(tmp_path: Path) -> None:
    from sim.web.differences import difference_blocks
    from sim.web.optimise import level_rows
    from sim.web.tasks import compare_scenarios

    for name in ("a", "b"):
        shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", tmp_path / f"{name}.yaml")
    doc = compare_scenarios([str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")], 1, 2, 1,
                            str(tmp_path / "c.json"))
    try:
        set_language("zh")
        metrics = [row[0] for _, _, rows in difference_blocks(doc) for row in rows]
        assert NAME in metrics and not any("目标时间" in m for m in metrics)
        from sim.report.html import write_report  # the comparison's report says it alike

        page = write_report(tmp_path / "c.json", tmp_path / "report").read_text("utf-8")
        assert NAME in page and "目标时间" not in page
        rows = level_rows(PLAN)[1]
        assert [r[4] for r in rows] == ["未在 20 分钟内叫号 ≤ 20%", "平均等待 ≤ 10 分钟"]
        assert rows[0][2:4] == ["9.0 %", "15.0 %"]  # called within 20 min: 0.91 and 0.85
    finally:
        set_language("en")


def test_the_chinese_catalogue_says_calibration_and_service_time_one_way() -> None:
    po = (LOCALE_DIR / "zh" / "LC_MESSAGES" / "hallsim.po").read_text(encoding="utf-8")
    said = "\n".join(re.findall(r'^msgstr "(.*)"$', po, flags=re.M))
    assert "校准" in said and "标定" not in said
    assert "办理时间" in said and "办理时长" not in said


def test_the_optimiser_backtest_and_warnings_give_units_and_plain_words() -> None:
    """The plan's headline names its units (窗口·小时, gap in %); the backtest says what
    MAPE and MAE are; a capacity warning says what the day factor is."""
    from sim.report.i18n import tr
    from sim.stats.load import OVERLOAD_WARNING
    from sim.web.optimise import headline

    doc = {"status": "certified", "cost": 53.0, "bound": 52.5, "gap": 0.0095,
           "headcount": 6, "window_hours": 53.0,
           "windows": {"FULL": {"structure": "full"}}}
    try:
        set_language("zh")
        shown = dict(headline(doc))
        backtest = tr("In-sample backtest over {days} days: hourly mean-wait MAPE {mape} %, "
                      "abandonment MAE {mae} points")
        warning = tr(OVERLOAD_WARNING)
    finally:
        set_language("en")
    assert shown["窗口工时（窗口·小时）"] == "53.00" and shown["与下界的差距（%）"] == "0.95"
    assert "成本（窗口·小时 × 每窗口·小时成本）" in shown and shown["人数（人）"] == "6"
    # and what the staff are assumed to serve, before the headcount is read as a saving
    assert shown["窗口分工"] == "全事项综合"
    assert "平均绝对百分比误差（MAPE）" in backtest and "平均绝对误差（MAE）" in backtest
    assert "日客流系数" in warning


def test_an_hour_reads_as_the_part_the_hall_is_open() -> None:
    """A hall open 08:30-12:00 and 13:30-17:15: its hours read 08:30-09:00, 11:00-12:00,
    13:30-14:00 and 17:00-17:15; the hour after closing, and any hour of a document that
    does not say its opening (an older one, or two halls that differ), its clock span."""
    from sim.web.hours import hour_span, opening_of

    opening = ["08:30-12:00", "13:30-17:15"]
    assert [hour_span(h, opening) for h in (8, 11, 12, 13, 17, 18)] == [
        "08:30-09:00", "11:00-12:00", "12:00-13:00", "13:30-14:00", "17:00-17:15",
        "18:00-19:00"]
    assert hour_span("08") == "08:00-09:00"
    assert opening_of({"opening": opening}, {"opening": opening}) == opening
    assert opening_of({"opening": opening}, {"opening": ["09:00-17:00"]}) == []
    assert opening_of({}) == []
