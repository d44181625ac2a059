"""Story: a planner exports a run of the quickstart hall: the tables as XLSX with Chinese
headings (read back with openpyxl: no mojibake), the HTML report in Chinese, and the
scenario's YAML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from nicegui.testing.user import User
from openpyxl import load_workbook

from sim.report.i18n import set_language
from sim.run.replications import simulate
from sim.scenario.loading import load_scenario
from sim.web.tasks import export_results
from sim.web.xlsx import numeric_tables
from tests.web.conftest import quickstart_workspace, visible, wait_for

ROOT = Path(__file__).resolve().parents[2]


def _result(tmp_path: Path) -> Path:
    doc = simulate(load_scenario(ROOT / "scenarios" / "quickstart.yaml").with_days(1), seed=1,
                   replications=2).document()
    path = tmp_path / "workspace" / "results" / "quickstart-1.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _workspace(tmp_path: Path) -> None:
    """A workspace holding the quickstart scenario and a run of it."""
    _result(tmp_path)
    quickstart_workspace(tmp_path)


def _export_in_page(story, tmp_path: Path) -> None:
    """The planner opens the export tab on the quickstart's run and makes the report and
    tables: the YAML, XLSX, CSV, ZIP and report link are offered."""
    _workspace(tmp_path)

    async def play(user: User) -> None:
        await user.open("/?tab=export&scenario=quickstart")
        await user.should_see(marker="export-yaml", retries=50)
        user.find("export-start").click()
        await wait_for(user, "export-xlsx")
        for marker in ("export-csv", "export-zip", "export-report-link"):
            await user.should_see(marker=marker, retries=50)

    story(play)


def test_the_xlsx_has_the_chinese_tables_of_the_command_line(tmp_path: Path) -> None:
    result = _result(tmp_path)
    out = export_results(str(result), "zh", str(tmp_path / "report"), str(tmp_path / "t.xlsx"))
    book = load_workbook(out["xlsx"])
    set_language("zh")
    doc = json.loads(result.read_text(encoding="utf-8"))
    tables = numeric_tables(doc)
    assert len(book.sheetnames) == len(tables)
    first = book[book.sheetnames[0]]
    assert [c.value for c in first[2]] == tables[0][1]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(tables[0][1]))
    assert [c.value for c in first[3]] == tables[0][2][0]
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "<html" in html and Path(out["zip"]).is_file()
    set_language("en")


def test_the_export_tab_offers_the_scenario_and_makes_the_report(story, tmp_path: Path) -> None:
    _export_in_page(story, tmp_path)
    assert (tmp_path / "workspace" / "reports" / "quickstart-1-zh" / "index.html").is_file()
    assert (tmp_path / "workspace" / "reports" / "quickstart-1-zh.xlsx").is_file()


def test_the_report_made_on_the_page_names_the_result_not_the_server_folder(
        story, tmp_path: Path) -> None:
    """The report a planner downloads and passes on gives its source as the workspace
    names it (results/quickstart-1.json), never the folders of the server it was made on."""
    _export_in_page(story, tmp_path)
    html = (tmp_path / "workspace" / "reports" / "quickstart-1-zh" / "index.html"
            ).read_text(encoding="utf-8")
    assert "results/quickstart-1.json" in html
    assert str(tmp_path) not in html


def test_the_planner_sums_the_exported_figures_in_a_spreadsheet(story, tmp_path: Path) -> None:
    """A planner downloads the tables to add up the mean waits by hour in WPS: every
    figure is a number in its cell, its 95 % half-width a number in the next column,
    headed in Chinese; the CSV of the same tables opens in Excel (UTF-8 with BOM)."""
    import csv

    _export_in_page(story, tmp_path)
    out = tmp_path / "workspace" / "reports" / "quickstart-1-zh"
    book = load_workbook(out.with_suffix(".xlsx"))
    hours = book[book.sheetnames[-1]]
    heads = [c.value for c in hours[2]]
    assert heads[:2] == ["小时", "日均取号（号）"]
    wait = heads.index("平均等待（分钟）")
    assert heads[wait + 1] == "平均等待（分钟）：95% 置信区间半宽（±）"
    rows = list(hours.iter_rows(min_row=3, values_only=True))
    figures = [r for r in rows if r[wait] is not None]  # an hour with no ticket is empty
    assert len(figures) >= 5 and all(isinstance(x, (int, float)) for r in figures
                                     for x in (r[wait], r[wait + 1]))
    assert sum(r[wait] for r in figures) > 0
    assert all(isinstance(r[0], str) for r in rows)  # the hour stays a label
    overall = book[book.sheetnames[0]]
    assert [c.value for c in overall[2]][1:] == ["数值", "数值：95% 置信区间半宽（±）"]
    tickets = next(r for r in overall.iter_rows(min_row=3, values_only=True)
                   if r[0] == "取号数")
    assert isinstance(tickets[1], (int, float)) and tickets[2] is None  # a count has no interval
    raw = out.with_suffix(".csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert lines[0][0].startswith("总体（每次重复 1 天")
    assert heads == next(line for line in lines if line and line[0] == "小时")
    assert float(lines[2][1]) == tickets[1]


def test_the_spreadsheet_keeps_the_results_documents_own_digits(tmp_path: Path) -> None:
    """The page rounds a mean wait to 0.1 minute; the spreadsheet holds the document's
    figure itself (and a share in percent), so sums in WPS match the JSON to the digit."""
    from sim.stats import registry

    doc = json.loads(_result(tmp_path).read_text(encoding="utf-8"))
    set_language("zh")
    try:
        tables = numeric_tables(doc)
    finally:
        set_language("en")
    overall = {row[0]: row[1:] for row in tables[0][2]}
    wait = next(v for k, v in overall.items() if k.startswith("平均等待"))
    assert wait[0] == doc["overall"]["wait_mean"] != round(doc["overall"]["wait_mean"], 1)
    assert wait[1] == doc["ci95"]["wait_mean"]
    title, heads, rows = tables[-1]
    col = heads.index(next(h for h in heads if h.startswith("未在")))
    hour, figures = next(iter(doc["by_hour"].items())), rows[0]
    assert hour[0] == "08" and figures[0] == "08:30-09:00"  # the hall opens at 08:30
    share = registry.display("p_wait_over_target", hour[1]["p_wait_over_target"])
    assert figures[col] == pytest.approx(share, rel=1e-12)
    # in percent without the binary noise of x 100 (4.7536000000000005 in WPS)
    assert all(len(repr(x)) <= 17 for r in rows for x in r if isinstance(x, float))


PLAN = {"status": "certified", "scenario": "quickstart", "cost": 53.0, "bound": 52.5,
        "gap": 0.0095, "headcount": 6, "window_hours": 53.0, "periods": ["08:30", "09:30"],
        "targets": {"tax": "P(W<=20)>=0.8", "social_insurance": "P(W<=20)>=0.8"},
        "windows": {"FULL": {"per_period": {"08:30": 2, "09:30": 3}, "max": 3,
                             "serves": ["tax", "social_insurance"]}},
        "service_level": {"tax": {"period": "09:30", "value": 0.91, "bound": 0.853,
                                  "target": "P(W<=20)>=0.8", "target_value": 0.8,
                                  "replications": 4, "met": True}}}


def _plan(tmp_path: Path) -> None:
    """The optimiser's plan for the quickstart hall, saved as the optimise tab saves it."""
    path = tmp_path / "workspace" / "plans" / "quickstart-plan.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(PLAN), encoding="utf-8")


def test_saved_results_read_as_scenario_kind_and_time_keeping_the_id(tmp_path: Path) -> None:
    from sim.web.common import Context
    from sim.web.export import result_label
    from sim.web.workspace import Workspace

    run = _result(tmp_path).rename(tmp_path / "workspace" / "results"
                                   / "yumen-before-20261207-030417.json")
    run.write_text(run.read_text(encoding="utf-8").replace('"quickstart"', '"yumen-before"'),
                   encoding="utf-8")
    _plan(tmp_path)
    shown = {s.key: result_label(Context("zh", None, None), s)
             for s in Workspace(tmp_path / "workspace").saved_results()}
    # the run of 2 replications of 1 day, seed 1 (_result), told apart from another of
    # the same minute by how it was run
    assert shown["results/yumen-before-20261207-030417"] == (
        "yumen-before · 运行 · 2 次 × 1 天，种子 1 · 2026-12-07 03:04"
        "（yumen-before-20261207-030417）")
    assert shown["plans/quickstart-plan"].startswith("quickstart · 优化 · ")
    set_language("en")


def test_the_planner_exports_the_optimisers_staffing_plan_with_figures_as_numbers(
        story, tmp_path: Path) -> None:
    _workspace(tmp_path)
    _plan(tmp_path)

    async def play(user: User) -> None:
        await user.open("/?tab=export&scenario=quickstart")
        pick = user.find("export-select").elements.pop()
        assert "quickstart · 优化 · " in pick.options["plans/quickstart-plan"]
        pick.value = "plans/quickstart-plan"
        user.find("export-start").click()
        await wait_for(user, "export-xlsx")
        await user.should_not_see(marker="export-zip")
        # another result chosen: the plan's files are no longer offered as its
        pick.value = next(k for k in pick.options if k.startswith("results/"))
        await user.should_not_see(marker="export-xlsx", retries=50)

    story(play)
    book = load_workbook(tmp_path / "workspace" / "reports" / "quickstart-plan-zh.xlsx")
    types = book[book.sheetnames[1]]  # what the plan assumes of its clerks
    assert [c.value for c in types[3]] == ["全事项综合窗口（FULL）", "全部 2 个事项", "与专窗相同"]
    plan = book[book.sheetnames[2]]
    assert plan["A1"].value == "各时段开放窗口数（列：时段起点）"
    assert [c.value for c in plan[3]] == ["全事项综合窗口（FULL）", 2, 3, 3]
    levels = list(book[book.sheetnames[3]].iter_rows(min_row=3, values_only=True))
    # mean and bound each with its unit column (a plan may mix % and minutes)
    assert levels[0][2:6] == (pytest.approx(9.0), "%", pytest.approx(14.7), "%")


DECOMPOSITION = {
    "base": "scenarios/yumen/before.yaml", "replications": 5, "seed": 1,
    "changes": [{"name": "集中办理", "patch": "concentration.yaml"},
                {"name": "交叉授权", "patch": "cross_authorisation.yaml"}],
    "metrics": {"overall.wait_mean": {
        "label": "mean wait", "unit": "min",
        "base": {"mean": 3.648, "ci": 0.577}, "all_changes": {"mean": 1.026, "ci": 0.265},
        "total_effect": {"mean": -2.622, "ci": 0.616},
        "shapley": {"集中办理": {"mean": -2.876, "ci": 0.700},
                    "交叉授权": {"mean": 0.254, "ci": 0.380}},
        "shapley_share": {"集中办理": 1.0969, "交叉授权": -0.0969}}}}


def test_a_decomposition_exports_its_effects_with_shares_as_numbers(tmp_path: Path) -> None:
    """The researcher's Yumen decomposition is offered for export as 效果分解 and gives
    its table, each change's Shapley effect and share as numbers (no HTML report)."""
    from sim.web.common import Context
    from sim.web.export import result_label
    from sim.web.workspace import Workspace

    results = tmp_path / "workspace" / "results"
    results.mkdir(parents=True)
    path = results / "decompose-yumen.json"
    path.write_text(json.dumps(DECOMPOSITION, ensure_ascii=False), encoding="utf-8")
    try:
        found = Workspace(tmp_path / "workspace").saved_results()
        assert result_label(Context("zh", None, None), found[0]).startswith(
            "玉门（甘肃）：集中办理、交叉授权、一件事一次办 · 效果分解 · ")  # by its place
        out = export_results(str(path), "zh", str(tmp_path / "rep"), str(tmp_path / "d.xlsx"))
    finally:
        set_language("en")
    assert out["report"] is None and out["zip"] is None
    sheet = load_workbook(out["xlsx"]).active
    assert sheet["A1"].value == "平均等待（分钟）"
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["Shapley 值 集中办理"][:2] == (-2.876, 0.7)  # effect, its 95 % half-width
    assert rows["Shapley 值 集中办理"][2:] == (pytest.approx(109.69), "%")  # its share
    assert rows["基准"][2:] == (None, None)


def test_sheets_are_named_by_what_tells_them_apart() -> None:
    """Excel allows 31 characters: a comparison's per-item sheets keep the item (the end
    of their title), a summary its name without the remark in brackets."""
    from sim.web.xlsx import _sheet_title

    taken: set[str] = set()
    names = [_sheet_title(t, taken) for t in (
        "yumen-before-staffed 对比 yumen-before，事项 户籍（按重复配对）",
        "yumen-before-staffed 对比 yumen-before，事项 税务（按重复配对）",
        "yumen-before-staffed 总体（每次重复 5 天的均值 ± 95% 置信区间）",
        "Overall (mean over replications of 5 day(s) ± 95% CI)")]
    assert names[0].endswith("事项 户籍") and names[1].endswith("事项 税务")
    assert names[2:] == ["yumen-before-staffed 总体", "Overall"]
    assert all(len(n) <= 31 for n in names)


def test_two_comparisons_of_long_names_keep_which_candidate_and_which_item() -> None:
    """Three scenarios of one long name each (兴隆台区审批大厅-…): the per-item sheets of the
    two comparisons were cut to their last characters and told apart only by a trailing
    " 2". Each now starts with its candidate's short name and ends with its item."""
    from sim.web.xlsx import _sheet_title

    base = "兴隆台区审批大厅-改革前"
    cands = ["兴隆台区审批大厅-改革后", "兴隆台区审批大厅-全部综合31窗"]
    short = {base: "…厅-改革前", cands[0]: "…厅-改革后", cands[1]: "…厅-全部综合31窗"}
    taken: set[str] = set()
    names = {(c, item): _sheet_title(f"{c} 对比 {base}，事项 {item}（各次重复配对）", taken,
                                     short)
             for c in cands for item in ("company_setup", "registration_change")}
    assert len(set(names.values())) == 4 and not any(n.endswith(" 2") for n in names.values())
    for (c, item), name in names.items():
        assert name.startswith(short[c][:10]) and name.endswith(item[-8:]), name
        assert len(name) <= 31


def test_a_saved_backtest_exports_its_report_and_tables(tmp_path: Path) -> None:
    """The export tab lists backtests: exporting one gives its page and its tables (the
    errors, by item with the wait's error in minutes too, and observed beside predicted
    by hour), not a Python error."""
    errors = {"wait_mape": 16.8, "wait_mae_minutes": 0.21, "abandon_mae_points": 1.5,
              "hours": 2, "noise_floor": {"wait_mape": 26.2, "abandon_mae_points": 0.9},
              "by_item": {"企业开办": {"wait_mape": 365.4, "wait_mae_minutes": 0.17,
                                       "abandon_mae_points": 0.9, "hours": 2}}}
    by_hour = {h: {m: {"observed": 1.0, "predicted": 1.1, "low": 0.9, "high": 1.3}
                   for m in ("wait_mean", "left_share", "p_wait_over_target")}
               for h in ("9", "10")}
    doc = {"scenario": "校准-大厅", "days": 10, "arrivals": "log", "staffing": "scenario",
           "replications": 5, "errors": errors, "baseline_erlang_a": {"errors": errors},
           "by_hour": by_hour, "overall": {}, "by_item": {}}
    path = tmp_path / "backtest-校准-大厅.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    try:
        out = export_results(str(path), "zh", str(tmp_path / "rep"), str(tmp_path / "t.xlsx"))
    finally:
        set_language("en")
    assert Path(out["report"]).is_file() and Path(out["zip"]).is_file()
    sheets = load_workbook(out["xlsx"]).sheetnames
    assert sheets == ["误差", "分事项误差", "各时段实测与预测"]
    csv = Path(out["csv"]).read_text(encoding="utf-8-sig")
    assert "企业开办,365.4,0.17,0.9,2" in csv and "10:00,1.0,1.1,0.90–1.30" in csv


def test_two_plans_of_a_hall_and_a_study_read_apart_in_the_list(tmp_path: Path) -> None:
    """The export list showed two optimisations of one hall alike ("兴隆台-分行 · 优化 ·
    …") and a decomposition by its folder ("yumen · 效果分解"). A plan now says its
    structure, desk limit and certification, a decomposition the study's place."""
    from types import SimpleNamespace

    from sim.web.export import result_label
    from sim.web.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    plans = tmp_path / "ws" / "plans"
    results = tmp_path / "ws" / "results"
    plans.mkdir(parents=True, exist_ok=True)
    results.mkdir(parents=True, exist_ok=True)
    (plans / "大厅-plan.json").write_text(json.dumps({
        "status": "certified", "windows": {"DED-a": {"structure": "dedicated"}},
        "desks": {"limit": None, "source": "none"},
        # asked for 10 a round; the sequential check took this round to 47: the list
        # says the 10 the page and the jobs list say (it said 47)
        "iterations": [{"kind": "final check", "replications": 47,
                        "pilot_replications": 10}]}), encoding="utf-8")
    (plans / "大厅-plan-2.json").write_text(json.dumps({
        "status": "optimal", "windows": {"FULL": {"structure": "full"}},
        "desks": {"limit": 10, "source": "hall"}, "iterations": []}), encoding="utf-8")
    (results / "decompose-yumen.json").write_text(json.dumps({"changes": ["x"]}),
                                                   encoding="utf-8")
    ctx = SimpleNamespace(lang="zh")
    labels = {s.name: result_label(ctx, s) for s in ws.saved_results()}  # type: ignore[arg-type]
    assert "专窗 · 窗口上限：不限 · 验证 10 次重复" in labels["大厅-plan"]
    assert "全事项综合 · 窗口上限：现有窗口 · 未验证" in labels["大厅-plan-2"]
    assert labels["decompose-yumen"].startswith("玉门")


def test_the_jobs_list_says_how_each_optimisation_was_asked_for() -> None:
    """Two optimisations of one hall in the jobs tab read "优化 兴隆台-分行" both; each now
    says its structure, desk limit and certification, as the export list does."""
    from types import SimpleNamespace

    from sim.report.i18n import set_language, tr
    from sim.web.jobs_panel import job_details

    set_language("zh")
    try:
        ctx = SimpleNamespace(t=tr)
        asked = {"out_plan": "p.json", "structure": "chain", "desks": "none",
                 "certify_plan": True, "replications": 5}
        assert job_details(ctx, asked) == "链式 · 窗口上限：不限 · 验证 5 次重复"  # type: ignore
        assert job_details(ctx, asked | {"structure": "auto", "desks": None,  # type: ignore
                                         "certify_plan": False}) == \
            "自动 · 窗口上限：现有窗口 · 未验证"
    finally:
        set_language("en")


def test_show_on_a_finished_export_offers_that_exports_files(story, tmp_path: Path) -> None:
    """She exported the optimiser's plan, then pressed 查看 on that export in the jobs
    list: the export tab opened on another result, with no download button. It now
    opens with the plan chosen and its tables offered."""
    _workspace(tmp_path)
    _plan(tmp_path)
    seen: dict[str, Any] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=export&scenario=quickstart")
        pick = user.find("export-select").elements.pop()
        pick.value = "plans/quickstart-plan"
        user.find("export-start").click()
        await wait_for(user, "export-xlsx")
        await user.open("/?lang=zh&tab=jobs&scenario=quickstart")
        await wait_for(user, "job-1-show")
        user.find("job-1-show").click()
        await wait_for(user, "export-xlsx", 20)
        seen["chosen"] = user.find("export-select").elements.pop().value
        seen["zip"] = visible(user, "export-zip")  # a plan has tables only

    story(play)
    assert seen == {"chosen": "plans/quickstart-plan", "zip": False}


def test_a_difference_with_its_interval_is_headed_as_the_difference_alone() -> None:
    """The comparison's column 差值 ± 95% 置信区间 becomes two in the spreadsheet: the
    difference, and its half-width. The first kept the heading with ± 95% 置信区间 though
    it holds the difference alone, beside a column headed 差值 ± 95% 置信区间：95% 置信区间半宽."""
    from sim.report.i18n import set_language
    from sim.report.tables import Figure
    from sim.web.xlsx import numeric_table

    set_language("zh")
    try:
        _, heads, rows = numeric_table("对比", ["指标", "差值 ± 95% 置信区间"],
                                       [["平均等待", Figure("-0.26 ±0.25", -0.26, 0.25)]])
    finally:
        set_language("en")
    assert heads == ["指标", "差值", "差值：95% 置信区间半宽（±）"]
    assert rows == [["平均等待", -0.26, 0.25]]
