"""Stories, in a real browser, of a planner with quick hands: what is typed counts even
when the next click comes at once, and a double click starts one job.

She types 「税务专窗」 as window group C's display name and clicks 保存 straight away: the
file holds the label. On the floor plan she clears the entrance's name, types 「北门」,
tabs away and clicks 添加 within half a second: the entrance is 北门 and a second one is
added. She double-clicks 运行: one run is started, one results file written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.web.browser import ROOT, browser, server

pytestmark = pytest.mark.browser


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "工作区"
    (ws / "scenarios").mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "scenarios" / "大厅.yaml")
    return ws


def test_a_label_typed_and_saved_at_once_is_in_the_file(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    with server(ws) as (base, _), browser(base) as b:
        b.page.goto(base + "/?tab=editor&scenario=大厅")
        b.by("field-windows.C.label").click()
        b.page.keyboard.type("税务专窗")
        # at once, the field still focused (a click that does not take the focus first,
        # as a touch screen's): what was typed must come before the click
        b.by("editor-save").dispatch_event("click")
        b.page.get_by_text("已保存").wait_for()
        assert b.by("auth-head-C").inner_text() == "税务专窗"
    groups = yaml.safe_load((ws / "scenarios" / "大厅.yaml").read_text("utf-8"))["windows"]
    assert {g["id"]: g.get("label") for g in groups}["C"] == "税务专窗"


def test_an_entrance_renamed_then_add_clicked_keeps_its_name(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    with server(ws) as (base, _), browser(base) as b:
        b.page.goto(base + "/?tab=layout&scenario=大厅")
        b.by("layout-svg").locator("svg").wait_for()
        b.fill("layout-entrances-0-name", "")
        b.fill("layout-entrances-0-name", "北门")
        b.page.keyboard.press("Tab")
        b.by("layout-entrances-add").click()  # at once, as quick hands do
        b.by("layout-entrances-1-name").wait_for()
        assert b.by("layout-entrances-0-name").input_value() == "北门"
        assert not b.by("layout-error").is_visible()
        b.by("layout-save").click()
        b.page.get_by_text("已保存。").wait_for()
    layout = yaml.safe_load((ws / "scenarios" / "大厅.yaml").read_text("utf-8"))["layout"]
    assert list(layout["entrances"])[0] == "北门" and len(layout["entrances"]) == 2


def test_a_double_click_on_run_starts_one_run(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    with server(ws) as (base, _), browser(base) as b:
        b.page.goto(base + "/?tab=run&scenario=大厅")
        b.by("run-precision").get_by_text("快速").click()
        b.by("run-start").dblclick()
        b.by("table-overall").wait_for(timeout=60_000)
        b.page.wait_for_timeout(1500)  # a second run, had it started, would be done too
        assert b.by("run-start").is_enabled()  # ready for the next run
        b.by("tab-jobs").click()
        b.by("job-1").wait_for()
        assert b.by("job-2").count() == 0  # one job in the list
    assert len(list((ws / "results").glob("*.json"))) == 1
