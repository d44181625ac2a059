"""The page's charts: a chart's title and its y axis's name (the same metric, in
Chinese a long one) are drawn on two lines, so on a chart half of a 1024 px page they do
not overlap (they did with the plot 40 px down)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from sim.report.i18n import set_language
from sim.web import charts

DOC = {"by_hour": {"9": {"wait_mean": 1.0, "p_wait_over_target": 0.1,
                         "ci95": {"wait_mean": 0.5, "p_wait_over_target": 0.05}}},
       "by_category": {"税务登记": {"wait_mean": 2.0}},
       "by_window": {"G1": {"utilisation": 0.7}}}
BACKTEST = {"by_hour": {"9": {k: {"observed": 1.0, "predicted": 1.2, "low": 0.8, "high": 1.6}
                              for k in ("wait_mean", "p_wait_over_target")}}}


@pytest.fixture(autouse=True)
def chinese():
    set_language("zh")
    yield
    set_language("en")


def _all() -> list[dict[str, Any]]:
    return [charts.by_hour_chart({"示例大厅": DOC}, "p_wait_over_target"),
            charts.category_chart({"示例大厅": DOC}, "wait_mean"),
            charts.window_chart({"示例大厅": DOC}),
            charts.waterfall_chart("分解", [("基线", 5.0), ("授权", -1.0), ("改革后", 4.0)],
                                   "分钟"),
            charts.backtest_chart(BACKTEST, "p_wait_over_target")]


def test_the_title_and_the_y_axis_name_are_on_separate_lines() -> None:
    for option in _all():
        title = option["title"]
        assert title.get("top", 0) in (0, "top")
        # title (14 px type, 5 px padding each side) then the axis name (12 px type,
        # 15 px above the plot): the plot must start below both
        assert option["grid"]["top"] >= 5 + 14 + 5 + 12 + 15 + 4, option["title"]["text"]
        assert option["yAxis"]["name"]


YUMEN_ITEMS = ["企业开办", "变更登记", "食品经营许可", "税务", "社保", "医保", "户籍",
               "不动产登记", "公积金", "项目备案", "规划许可", "施工许可", "文旅许可",
               "卫生许可", "农业审批", "水务审批", "民政"]
#: the plot of a chart half of a 1024 px page is about this wide, pixels
HALF_PAGE_PLOT = 400
#: a 12 px label needs this much room across its run not to touch its neighbour
LINE = 14


def _doc_of(items: list[str]) -> dict[str, Any]:
    return {"by_category": {n: {"wait_mean": 1.0 + k % 3, "abandon_share": 0.01}
                            for k, n in enumerate(items)}}


def _clear_of_each_other(names: list[str], label: dict[str, Any]) -> bool:
    """Whether ``names`` drawn with ``label`` on a half-page plot stay apart."""
    slot = HALF_PAGE_PLOT / len(names)
    if label["rotate"] == 0:
        return all(charts.text_width(n) < slot for n in names)
    return slot * math.sin(math.radians(label["rotate"])) >= LINE


def test_seventeen_yumen_items_are_all_named_and_none_overlaps() -> None:
    # the reviewer's run: 17 Chinese item names under one chart half of a 1024 px page
    for doc in ({"玉门": _doc_of(YUMEN_ITEMS)},
                {"改革前": _doc_of(YUMEN_ITEMS), "改革后": _doc_of(YUMEN_ITEMS)}):
        for key in ("wait_mean", "abandon_share"):
            option = charts.category_chart(doc, key)
            axis = option["xAxis"]
            assert axis["data"] == YUMEN_ITEMS
            assert axis["axisLabel"]["interval"] == 0  # ECharts thins labels otherwise
            assert axis["axisLabel"]["rotate"] in (45, 90)
            assert _clear_of_each_other(YUMEN_ITEMS, axis["axisLabel"])
            assert option["grid"]["containLabel"] is True  # room below for turned names


def test_a_few_short_names_stay_flat() -> None:
    option = charts.category_chart({"示例大厅": _doc_of(["税务", "社保", "医保"])}, "wait_mean")
    assert option["xAxis"]["axisLabel"]["rotate"] == 0
    assert option["xAxis"]["axisLabel"]["interval"] == 0


def test_fifteen_window_groups_are_all_named() -> None:
    groups = ["MKT", "TAX", "SI", "MED", "PSB", "RE", "HPF", "DRC", "NRS", "HUC", "CUL",
              "HEA", "AGR", "WAT", "CIV"]
    doc = {"by_window": {g: {"utilisation": 0.5} for g in groups}}
    axis = charts.window_chart({"玉门": doc})["xAxis"]
    assert axis["data"] == groups and axis["axisLabel"]["interval"] == 0
    assert _clear_of_each_other(groups, axis["axisLabel"])


def test_long_group_labels_are_cut_short_under_the_chart_and_whole_in_the_tooltip() -> None:
    """Her groups carry labels such as 市场监督管理局企业登记注册与食品经营许可综合受理窗口:
    drawn whole and turned, three of them took the whole height of the utilisation
    chart, its bars hung upside down from the title and the first name ran off the
    left edge. A name now ends in "…" after eight characters' width under the chart; the
    tooltip, which names the bar hovered, keeps it whole."""
    labels = {"A": "市场监督管理局企业登记注册与食品经营许可综合受理窗口",
              "B": "人力资源和社会保障局社会保险经办综合服务窗口", "C": "税务窗口"}
    doc = {"by_window": {g: {"utilisation": 0.7} for g in labels}, "window_labels": labels}
    option = charts.window_chart({"长标签": doc})
    label = option["xAxis"]["axisLabel"]
    assert option["xAxis"]["data"] == list(labels.values())  # whole, for the tooltip
    assert option["tooltip"]["trigger"] == "axis"
    assert (label["width"], label["overflow"]) == (charts.LABEL_WIDTH, "truncate")
    drawn = charts.LABEL_WIDTH * math.sin(math.radians(label["rotate"] or 90))
    assert drawn < 100  # pixels of the chart's height the names take at most
    short = charts.window_chart({"玉门": {"by_window": {"MKT": {"utilisation": 0.5}},
                                         "window_labels": {"MKT": "市场监管窗口"}}})
    assert "overflow" not in short["xAxis"]["axisLabel"]  # short names drawn whole


def test_two_long_names_that_differ_at_the_end_read_apart_in_the_legend() -> None:
    """某某市政务服务中心综合窗口改革方案第二版修订稿 and …第三版征求意见稿: the legend used to
    cut both to their common start; now each keeps what tells it apart."""
    from sim.web.charts import by_hour_chart

    a = "某某市政务服务中心综合窗口改革方案第二版修订稿（二〇二七年一月）"
    b = "某某市政务服务中心综合窗口改革方案第三版征求意见稿（二〇二七年一月）"
    doc = {"by_hour": {"09": {"wait_mean": 1.0, "ci95": {"wait_mean": 0.1}}}}
    legend = by_hour_chart({a: doc, b: doc}, "wait_mean")["legend"]["data"]
    assert len(set(legend)) == 2 and all(len(n) <= 24 for n in legend)
    assert "第二版" in legend[0] and "第三版" in legend[1]
