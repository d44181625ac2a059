"""Story: a planner compares the quickstart hall with a variant whose tax windows no
longer serve social insurance. The page's paired differences are the ones ``hallsim
compare`` prints for the same files and seed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from nicegui.testing.user import User

from tests.web.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_the_pages_differences_are_the_command_lines(story, tmp_path: Path) -> None:
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "原方案.yaml")
    data = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text(encoding="utf-8"))
    data["name"] = "税务窗口专办"
    data["windows"][2]["serves"] = ["tax"]
    data["windows"][2].pop("speed")
    (ws / "税务窗口专办.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                        encoding="utf-8")
    shown: list[dict[str, str]] = []

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=compare&scenario=原方案")
        user.find("compare-select").elements.pop().value = ["原方案", "税务窗口专办"]
        user.find("compare-replications").elements.pop().value = 3
        user.find("compare-days").elements.pop().value = 1
        user.find("compare-start").click()
        await wait_for(user, "compare-table")
        shown.extend(user.find("compare-table").elements.pop().rows)

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
