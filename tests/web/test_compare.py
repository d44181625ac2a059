"""Story: a planner compares the quickstart hall with a variant whose tax windows no
longer serve social insurance. The page's paired differences are the ones ``hallsim
compare`` prints for the same files and seed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from nicegui.testing.user import User

from tests.web.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _workspace(tmp_path: Path, name: str, variant: dict[str, Any]) -> Path:
    """A workspace's scenario folder holding the quickstart hall as 原方案 and
    ``variant`` (a changed copy of it) as ``name``."""
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "原方案.yaml")
    (ws / f"{name}.yaml").write_text(yaml.safe_dump(variant | {"name": name},
                                                    allow_unicode=True), encoding="utf-8")
    return ws


async def _compare(user: User, page: str, variant: str, replications: int, shown: str
                   ) -> None:
    """On ``page``, compare 原方案 with ``variant`` over one day and wait for ``shown``."""
    await user.open(page)
    user.find("compare-select").elements.pop().value = ["原方案", variant]
    user.find("compare-replications").elements.pop().value = replications
    user.find("compare-days").elements.pop().value = 1
    user.find("compare-start").click()
    await wait_for(user, shown)


def test_the_pages_differences_are_the_command_lines(story, tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text(encoding="utf-8"))
    data["windows"][2]["serves"] = ["tax"]
    data["windows"][2].pop("speed")
    ws = _workspace(tmp_path, "税务窗口专办", data)
    shown: list[dict[str, str]] = []

    async def play(user: User) -> None:
        await _compare(user, "/?lang=en&tab=compare&scenario=原方案", "税务窗口专办", 3,
                       "compare-table")
        shown.extend(user.find("compare-table").elements.pop().rows)
        # a reload keeps the comparison in view, with the scenarios it compared chosen
        await user.open("/?lang=en&tab=compare&scenario=原方案")
        await wait_for(user, "compare-table")
        assert user.find("compare-table").elements.pop().rows == shown
        assert user.find("compare-select").elements.pop().value == ["原方案", "税务窗口专办"]

    story(play)
    printed = subprocess.run(
        [sys.executable, "-m", "sim.cli.main", "compare", str(ws / "原方案.yaml"),
         str(ws / "税务窗口专办.yaml"), "-r", "3", "--days", "1", "--seed", "1"], cwd=ROOT,
        capture_output=True, text=True, check=True).stdout
    assert len(shown) >= 5
    for row in shown:
        line = next(ln for ln in printed.splitlines() if ln.startswith(row["c0"] + "  "))
        assert row["c3"] in line and row["c1"] in line and row["c2"] in line


def test_a_difference_tables_title_reads_in_the_pages_language() -> None:
    from sim.report.i18n import set_language
    from sim.web.differences import difference_blocks

    d = {"baseline": 1.0, "candidate": 2.0, "diff": 1.0, "ci95": 0.5, "significant": True}
    doc = {"baseline": "原方案", "differences": {"税务窗口专办": {"overall": {"wait_mean": d}}}}
    assert difference_blocks(doc)[0][0] == (
        "税务窗口专办 vs 原方案, overall (paired over replications)")
    try:
        set_language("zh")
        title = difference_blocks(doc)[0][0]
    finally:
        set_language("en")
    assert title.startswith("税务窗口专办 对比 原方案，") and " vs " not in title, title
    assert title.endswith("）")


def test_each_candidates_tables_stay_together_in_a_comparison_of_three() -> None:
    """The second candidate adds 婚姻登记: its unpaired table follows its own overall
    differences, not the first candidate's (the reviewer found it 40 tables away)."""
    from sim.web.differences import comparison_blocks

    d = {"baseline": 1.0, "candidate": 2.0, "diff": 1.0, "ci95": 0.5, "significant": True}
    item = {"arrivals": 3.0, "wait_mean": 1.0, "abandon_share": 0.0}
    doc = {"baseline": "原方案",
           "scenarios": {"原方案": {"by_category": {"户籍": item}},
                         "需求增两成": {"by_category": {"户籍": item}},
                         "增设婚姻登记": {"by_category": {"户籍": item, "婚姻登记": item}}},
           "differences": {
               "需求增两成": {"overall": {"wait_mean": d},
                         "by_category": {"户籍": {"wait_mean": d}}},
               "增设婚姻登记": {"overall": {"wait_mean": d},
                          "by_category": {"户籍": {"wait_mean": d}}}}}
    order = [(kind, title.split(" vs ")[0], title.split(", ")[1].split(" (")[0])
             for kind, (title, _, _) in comparison_blocks(doc)]
    assert order == [("difference", "需求增两成", "overall"),
                     ("difference", "需求增两成", "category 户籍"),
                     ("difference", "增设婚姻登记", "overall"),
                     ("one-sided", "增设婚姻登记", "items in one scenario only"),
                     ("difference", "增设婚姻登记", "category 户籍")]


def test_two_halls_of_the_same_name_are_told_apart_by_their_workspace_names(
        tmp_path: Path) -> None:
    """A copy saved before it was renamed still says ``name: quickstart``: the comparison
    labels it by the planner's scenario name, not by a path on the server."""
    from sim.web.tasks import compare_scenarios

    a, b = tmp_path / "大厅.yaml", tmp_path / "大厅-下月.yaml"
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", a)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", b)
    doc = compare_scenarios([str(a), str(b)], seed=1, replications=2, days=1,
                            out=str(tmp_path / "c.json"), shown=["大厅", "大厅-下月"])
    assert list(doc["scenarios"]) == ["quickstart (大厅)", "quickstart (大厅-下月)"]
    assert str(tmp_path) not in json.dumps(doc["differences"], ensure_ascii=False)


def test_an_item_only_the_candidate_has_is_charted_and_listed_unpaired(story, tmp_path: Path
                                                                      ) -> None:
    """The variant adds marriage registration at the social windows: its tickets count in
    the overall line, so the planner sees the item itself, its bars in the item chart
    (none for the baseline) and its figures in a table saying they cannot be paired."""
    data = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text(encoding="utf-8"))
    data["categories"]["婚姻登记"] = {"zone": "social", "arrivals_per_hour": 4,
                                   "service": {"dist": "exponential", "mean": 5}}
    _workspace(tmp_path, "加婚姻登记", data)
    seen: dict[str, Any] = {}

    async def play(user: User) -> None:
        await _compare(user, "/?tab=compare&scenario=原方案", "加婚姻登记", 2,
                       "compare-one-sided-0")
        alone = user.find("compare-one-sided-0").elements.pop()
        seen["title"], seen["rows"] = alone.props["title"], alone.rows
        seen["chart"] = user.find("compare-chart-category").elements.pop().options

    story(play)
    assert "仅一个方案有的事项" in seen["title"] and "无法配对" in seen["title"]
    (row,) = seen["rows"]
    # its figure with its interval (±, or its range within 0 when it would cross it)
    assert row["c0"] == "婚姻登记" and row["c1"] == "加婚姻登记" \
        and re.fullmatch(r"[\d.]+ (±[\d.]+|\([\d.]+–[\d.]+\))", row["c3"])
    chart = seen["chart"]
    at = chart["xAxis"]["data"].index("婚姻登记")
    base, candidate = chart["series"]
    assert base["data"][at] is None and candidate["data"][at] > 0
