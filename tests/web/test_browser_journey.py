"""Story, in a real browser, in Chinese: a planner opens the bundled Chinese export sample,
calibrates it, gives a window group one more authorisation, runs the new hall, compares
it with the calibrated original, optimises its staffing, applies the plan as a new
scenario and exports it; then decomposes a bundled reform. The figures the page shows
equal what the command line prints for the same scenario and seed; no request leaves
this machine and the console logs no error. With ``HALLSIM_WEB_SCREENSHOTS=DIR`` each
step is saved as a 1366x768 screenshot (docs/img/web-*.png are made so)."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tests.web.browser import ROOT, browser, server, slow_link

pytestmark = pytest.mark.browser


def cli_overall(path: Path, *args: str) -> dict[str, str]:
    """The overall block of ``hallsim --lang zh run PATH ARGS``: label -> value text."""
    out = subprocess.run([sys.executable, "-m", "sim.cli.main", "--lang", "zh", "run", str(path),
                          *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    block = out.split("\n\n")[1].splitlines()[2:]
    return {line.rsplit("  ", 1)[0].strip(): line.rsplit("  ", 1)[1].strip() for line in block}


def table_rows(b, test_id: str) -> list[list[str]]:
    """The cells of a page table, row by row."""
    return [[c.strip() for c in row.locator("td").all_inner_texts()]
            for row in b.by(test_id).locator("tbody tr").all()]


def test_from_a_ticket_log_to_an_exported_staffing_plan(tmp_path: Path) -> None:
    ws = tmp_path / "工作区"
    with server(ws) as (base, _), browser(base) as b:
        page = b.page
        # 1. the bundled Chinese sample log, calibrated
        page.goto(base + "/")
        page.get_by_text("政务服务大厅规划").wait_for()
        b.shot("workspace")
        b.by("tab-import").click()
        b.by("import-sample-use").click()
        b.by("import-preview").wait_for()
        b.fill("import-name", "示例大厅")
        b.shot("import")
        b.by("import-calibrate").click()
        b.by("calibrate-summary").wait_for(timeout=120_000)
        b.by("calibrate-groups").scroll_into_view_if_needed()
        b.shot("calibrate")
        b.by("backtest-start").click()
        b.by("backtest-summary").wait_for(timeout=120_000)
        b.by("backtest-chart-wait_mean").scroll_into_view_if_needed()
        b.shot("backtest")
        b.by("calibrate-open").click()
        page.get_by_text("当前方案：示例大厅").wait_for()
        # 2. a copy of it with one more authorisation
        b.by("tab-workspace").click()
        b.fill("copy-name", "示例大厅-授权调整")
        b.by("copy-save").click()
        page.get_by_text("当前方案：示例大厅-授权调整").wait_for()
        b.by("tab-editor").click()
        box = page.locator('[data-testid^="auth-"][aria-checked="false"]').first
        item, group = box.get_attribute("data-testid").removeprefix("auth-").rsplit("-", 1)
        box.click()
        b.by("editor-save").click()
        page.get_by_text("已保存").wait_for()
        b.shot("editor")
        copy = ws / "scenarios" / "示例大厅-授权调整.yaml"
        serves = {g["id"]: g["serves"] for g in yaml.safe_load(copy.read_text("utf-8"))["windows"]}
        assert item in serves[group]
        # 3. run it: the page's figures are the command line's
        b.by("tab-run").click()
        b.by("run-precision").get_by_text("快速").click()
        b.by("run-start").click()
        b.by("table-overall").wait_for(timeout=60_000)
        b.shot("run")
        shown = {r[0]: r[1] for r in table_rows(b, "table-overall")}
        assert shown == cli_overall(copy, "--days", "1", "-r", "3", "--seed", "1")
        # 4. compare with the calibrated original
        b.by("tab-compare").click()
        b.by("compare-select").click()
        page.get_by_role("option", name="示例大厅", exact=True).click()
        page.keyboard.press("Escape")
        b.fill("compare-replications", "3")
        b.fill("compare-days", "1")
        b.by("compare-start").click()
        b.by("compare-table").wait_for(timeout=60_000)
        b.shot("compare")
        assert len(table_rows(b, "compare-table")) >= 5
        # 4b. next month: a tenth more tickets every hour, a forecast scenario from it
        b.by("tab-forecast").click()
        b.fill("forecast-scale", "10")
        b.by("forecast-scale-apply").click()
        b.fill("forecast-name", "示例大厅-下月")
        b.by("forecast-start").click()
        b.by("forecast-done").wait_for(timeout=30_000)
        b.shot("forecast")
        assert (ws / "scenarios" / "示例大厅-下月.yaml").is_file()
        # 4c. its floor plan: the automatic one with walking on, saved into the scenario
        b.by("tab-layout").click()
        b.by("layout-svg").locator("svg").wait_for()
        b.by("layout-walking").click()
        # the walking box is at the foot of the form: the plan is still in sight above it
        plan = b.by("layout-svg").bounding_box()
        assert plan is not None and 0 <= plan["y"] < 200, plan
        b.by("layout-save").click()
        page.get_by_text("已保存。").wait_for()
        page.evaluate("window.scrollTo(0, 0)")
        b.shot("layout")
        walked = yaml.safe_load(copy.read_text("utf-8"))["layout"]
        assert walked["walking"]["speed"] > 0
        # 5. optimise, certified, and apply the plan
        b.by("tab-optimise").click()
        b.by("optimise-desks").get_by_text("窗口上限：不限").click()
        b.fill("optimise-replications", "4")
        b.by("optimise-start").click()
        b.by("optimise-headline").wait_for(timeout=180_000)
        b.shot("optimise")
        assert table_rows(b, "optimise-headline")[0][0] in ("已验证", "未通过验证")
        b.by("optimise-apply").click()
        page.get_by_text("当前方案：示例大厅-授权调整-优化排班").wait_for()
        # 6. export: the scenario, the tables, the report
        b.by("tab-run").click()
        b.by("run-precision").get_by_text("快速").click()
        b.by("run-start").click()
        b.by("table-overall").wait_for(timeout=60_000)
        b.by("tab-export").click()
        with page.expect_download() as got:
            b.by("export-yaml").click()
        yaml_file = tmp_path / "staffed.yaml"
        got.value.save_as(yaml_file)
        assert yaml.safe_load(yaml_file.read_text("utf-8"))["windows"]
        b.by("export-start").click()
        b.by("export-xlsx").wait_for(timeout=120_000)
        b.shot("export")
        with page.expect_download() as got:
            b.by("export-xlsx").click()
        xlsx = tmp_path / "tables.xlsx"
        got.value.save_as(xlsx)
        first = load_workbook(xlsx).worksheets[0]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(first["A2"].value or ""))
        # 7. for the researcher: a bundled reform decomposed
        b.by("tab-decompose").click()
        b.by("decompose-study").click()
        yumen = "玉门（甘肃）：集中办理、交叉授权、一件事一次办"
        page.get_by_role("option", name=yumen, exact=True).click()
        b.fill("decompose-replications", "2")
        b.by("decompose-start").click()
        b.by("decompose-chart").wait_for(timeout=120_000)
        b.shot("decompose")
        assert b.outside() == [], b.outside()
        assert b.errors == []


def test_the_page_answers_while_a_long_run_works_and_the_run_can_be_cancelled(
        tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "scenarios").mkdir(parents=True)
    (ws / "scenarios" / "quickstart.yaml").write_bytes(
        (ROOT / "scenarios" / "quickstart.yaml").read_bytes())
    with server(ws) as (base, _), browser(base) as b:
        b.page.goto(base + "/?tab=run&scenario=quickstart")
        b.fill("run-replications", "2000")
        b.by("run-start").click()
        b.by("run-state").get_by_text("运行中").wait_for()
        b.by("tab-jobs").click()  # the page answers while the worker runs
        b.page.get_by_text("运行中").first.wait_for()
        with urllib.request.urlopen(base + "/?tab=jobs", timeout=30) as r:
            assert r.status == 200
        b.by("job-1-cancel").click()
        b.page.get_by_text("已取消").first.wait_for()
        assert b.errors == [] and b.outside() == []


def test_a_server_with_a_token_refuses_requests_without_it(tmp_path: Path) -> None:
    with server(tmp_path / "ws", "--token", "口令-s3cret".encode().hex()) as (base, _):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/", timeout=10)
        assert refused.value.code == 403
        token = "口令-s3cret".encode().hex()
        with urllib.request.urlopen(f"{base}/?token={token}", timeout=10) as r:
            assert r.status == 200 and "hallsim_token" in r.headers["set-cookie"]


def test_items_picked_quickly_for_a_waiting_area_are_all_kept(tmp_path: Path) -> None:
    """In the floor plan editor a planner ticks four items for the waiting area, a tenth
    of a second apart, over a slow link (400 ms each way, a hall reaching the city's
    server). Each pick was sent as the whole list computed from the server's last echo,
    so a pick made before that echo arrived dropped the ones before it (1 or 2 of 4
    kept); now each pick is sent alone, and all four are saved."""
    ws = tmp_path / "ws"
    (ws / "scenarios").mkdir(parents=True)
    (ws / "scenarios" / "quickstart.yaml").write_bytes(
        (ROOT / "scenarios" / "quickstart.yaml").read_bytes())
    items = ["business_registration", "social_insurance", "certificate_pickup", "tax"]
    with server(ws) as (base, _), browser(base) as b:
        b.page.goto(base + "/?tab=layout&scenario=quickstart")
        slow_link(b.page, latency_ms=400)
        b.by("layout-area-0-serves").click()
        for item in items:
            b.page.get_by_role("option", name=item, exact=True).click()
            b.page.wait_for_timeout(100)
        b.page.keyboard.press("Escape")
        b.page.wait_for_timeout(3000)
        b.by("layout-save").click()
        b.page.get_by_text("已保存").first.wait_for()
        assert b.errors == [] and b.outside() == []
    saved = yaml.safe_load((ws / "scenarios" / "quickstart.yaml").read_text(encoding="utf-8"))
    area = next(iter(saved["layout"]["waiting_areas"].values()))
    assert sorted(area["serves"]) == sorted(items)
