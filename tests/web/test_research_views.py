"""Story: a researcher checks the calibrated sample hall against its own log (backtest:
observed and predicted waits by hour) and splits the Yumen reform's effect between its
three changes (decompose: a waterfall and the command line's table)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nicegui.testing.user import User

from sim.web import charts
from sim.web.decompose import studies, waterfall
from tests.web.conftest import wait_for


def test_the_bundled_studies_with_patches_are_offered() -> None:
    found = studies()
    assert {"yumen", "wuqing"} <= set(found)
    # each study's changes in the order its README gives them, not alphabetically
    assert [n for n, _ in found["yumen"][1]] == ["concentration", "cross_authorisation",
                                                 "bundling"]
    base, changes = found["yumen"]
    assert base.name == "before.yaml"


def test_every_bundled_study_decomposes_as_its_readme_does() -> None:
    """The page decomposed 兴隆台 by applying all five of its patch files to before.yaml
    (some are for after.yaml's windows): it failed with "windows.BIZ: no such window
    group". Each study now runs its README's decomposition: 兴隆台's guide desk and smart
    calling on the hall without guides; and every study's changes apply to its base."""
    from sim.batch.decompose import load_change, plan_decomposition

    found = studies()
    base, changes = found["xinglongtai"]
    assert base.name == "after_unguided.yaml"
    assert [n for n, _ in changes] == ["guide", "smart_calling"]
    for name, (base, changes) in found.items():  # every combination builds a valid hall
        plan = plan_decomposition(base, [load_change(n, p) for n, p in changes], 2, 1)
        assert len(plan.masks) == 2 ** len(changes), name


def test_a_waterfall_starts_at_the_base_and_ends_at_all_changes() -> None:
    ci = {"ci": 0.1, "low": 0, "high": 0, "n": 2}
    doc = {"metrics": {"overall.wait_mean": {
        "label": "mean wait", "base": {"mean": 4.0, **ci}, "all_changes": {"mean": 1.0, **ci},
        "shapley": {"集中": {"mean": -2.5, **ci}, "交叉授权": {"mean": -0.5, **ci}}}}}
    option = waterfall(doc, "overall.wait_mean")
    base, total, up, down = (s["data"] for s in option["series"])
    assert option["xAxis"]["data"][1:3] == ["集中", "交叉授权"]
    assert total[0] == 4.0 and total[-1] == 1.0 and up == [0.0] * 4
    assert down[1:3] == [2.5, 0.5] and base[1:3] == [1.5, 1.0]


def test_backtest_chart_shows_observed_predicted_and_the_band() -> None:
    doc = {"by_hour": {"9": {"wait_mean": {"observed": 2.0, "predicted": 2.5, "low": 2.0,
                                           "high": 3.0}}}}
    option = charts.backtest_chart(doc, "wait_mean")
    low, height, predicted, observed = (s["data"] for s in option["series"])
    assert option["xAxis"]["data"] == ["09:00-10:00"]
    assert (low, height, predicted, observed) == ([2.0], [1.0], [2.5], [2.0])


def test_the_yumen_reform_is_decomposed_in_the_page(story, tmp_path: Path) -> None:
    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=decompose")
        pick = user.find("decompose-study").elements.pop()
        assert pick.options["tianjin_centre"].startswith("Tianjin administrative licensing")
        pick.value = "yumen"
        user.find("decompose-replications").elements.pop().value = 2
        user.find("decompose-start").click()
        await wait_for(user, "decompose-chart", 120)
        rows = user.find("decompose-table").elements.pop().rows
        assert any(r["c0"] == "Shapley concentration" for r in rows)
        # switching to Chinese keeps the decomposition in view, its study chosen
        await user.open("/?lang=zh&tab=decompose")
        await wait_for(user, "decompose-chart", 30)
        assert user.find("decompose-study").elements.pop().value == "yumen"
        assert user.find("decompose-replications").elements.pop().value == 2
        again = user.find("decompose-table").elements.pop().rows
        assert [r["c1"] for r in again] == [r["c1"] for r in rows] and again[0]["c0"] == "基准"
        # the planner looks at another metric, then switches the language back: the
        # metric stays chosen, its waterfall and table shown
        metric = user.find("decompose-metric").elements.pop()
        other = list(metric.options)[1]
        before = user.find("decompose-table").elements.pop().rows[0]
        metric.value = other
        for _ in range(100):  # the table follows the choice
            title = user.find("decompose-table").elements.pop().rows[0]
            if title["c1"] != before["c1"]:
                break
            await asyncio.sleep(0.05)
        assert title["c1"] != before["c1"]
        user.find("lang-switch").click()
        await user.should_see("Decompose", retries=100)  # the English page
        await wait_for(user, "decompose-chart", 30)
        assert user.find("decompose-metric").elements.pop().value == other
        shown = user.find("decompose-table").elements.pop().rows[0]
        assert shown["c0"] == "base" and shown["c1"] == title["c1"]  # in English now

    story(play)


def test_the_metric_picker_names_each_metric_in_the_pages_language() -> None:
    from sim.report.i18n import set_language
    from sim.web.decompose import metric_title

    doc = {"metrics": {"overall.wait_mean": {"label": "mean wait"},
                       "overall.window_hours": {"label": "staffed, all window groups"}}}
    try:
        set_language("zh")
        assert metric_title(doc, "overall.wait_mean") == "平均等待"
        assert metric_title(doc, "overall.window_hours") == "在岗（全部窗口组）"
    finally:
        set_language("en")
    assert metric_title(doc, "overall.window_hours") == "staffed, all window groups"


def test_the_chinese_page_names_the_studies_and_their_changes_in_chinese(story) -> None:
    """The researcher picks 玉门 by its name and the reform's changes read as the study
    names them (集中办理, 交叉授权, 一件事一次办) in the waterfall and the table."""
    seen: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=decompose")
        pick = user.find("decompose-study").elements.pop()
        seen["studies"] = dict(pick.options)
        pick.value = "yumen"
        user.find("decompose-replications").elements.pop().value = 2
        user.find("decompose-start").click()
        await wait_for(user, "decompose-chart", 120)
        seen["steps"] = user.find("decompose-chart").elements.pop().options["xAxis"]["data"]
        seen["title"] = user.find("decompose-chart").elements.pop().options["title"]["text"]
        table = user.find("decompose-table").elements.pop()
        seen["table"] = " ".join(" ".join(map(str, r.values())) for r in table.rows)
        seen["table_title"] = table.props.get("title", "")

    story(play)
    assert seen["studies"]["yumen"] == "玉门（甘肃）：集中办理、交叉授权、一件事一次办"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in seen["studies"].values())
    assert {"集中办理", "交叉授权", "一件事一次办"} <= set(seen["steps"])
    assert "[" not in seen["title"] and "concentration" not in seen["table"]
    assert "Shapley 集中办理" in seen["table"] or "集中办理" in seen["table"]
    assert seen["table_title"] == "平均等待（分钟）" and "/" not in seen["table"]
