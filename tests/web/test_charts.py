"""The page's charts: a chart's title and its y axis's name (the same metric, in
Chinese a long one) are drawn on two lines, so on a chart half of a 1024 px page they do
not overlap (they did with the plot 40 px down)."""

from __future__ import annotations

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
