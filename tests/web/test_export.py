"""Story: a planner exports a run of the quickstart hall: the tables as XLSX with Chinese
headings (read back with openpyxl: no mojibake), the HTML report in Chinese, and the
scenario's YAML."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from nicegui.testing.user import User
from openpyxl import load_workbook

from sim.report.i18n import set_language
from sim.run.replications import simulate
from sim.scenario.loading import load_scenario
from sim.web.tasks import export_results
from sim.web.xlsx import tables_of
from tests.web.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _result(tmp_path: Path) -> Path:
    doc = simulate(load_scenario(ROOT / "scenarios" / "quickstart.yaml").with_days(1), seed=1,
                   replications=2).document()
    path = tmp_path / "workspace" / "results" / "quickstart-1.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_the_xlsx_has_the_chinese_tables_of_the_command_line(tmp_path: Path) -> None:
    result = _result(tmp_path)
    out = export_results(str(result), "zh", str(tmp_path / "report"), str(tmp_path / "t.xlsx"))
    book = load_workbook(out["xlsx"])
    set_language("zh")
    doc = json.loads(result.read_text(encoding="utf-8"))
    tables = tables_of(doc)
    assert len(book.sheetnames) == len(tables)
    first = book[book.sheetnames[0]]
    assert [c.value for c in first[2]] == tables[0][1]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(tables[0][1]))
    assert [c.value for c in first[3]] == tables[0][2][0]
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "<html" in html and Path(out["zip"]).is_file()
    set_language("en")


def test_the_export_tab_offers_the_scenario_and_makes_the_report(story, tmp_path: Path) -> None:
    _result(tmp_path)
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "quickstart.yaml")

    async def play(user: User) -> None:
        await user.open("/?tab=export&scenario=quickstart")
        await user.should_see(marker="export-yaml", retries=50)
        user.find("export-start").click()
        await wait_for(user, "export-xlsx")
        await user.should_see(marker="export-report-link", retries=50)

    story(play)
    assert (tmp_path / "workspace" / "reports" / "quickstart-1-zh" / "index.html").is_file()
    assert (tmp_path / "workspace" / "reports" / "quickstart-1-zh.xlsx").is_file()
