"""Story: the Yumen hall names its windows in Chinese (市场监管窗口, 税务窗口 ...). Its planner
sizes dedicated windows with the optimiser and applies the plan: the staffed hall's
windows keep those names, in the plan's tables and in the scenario the run tab, the
floor plan and the replay read, instead of DED-market_regulation."""

from __future__ import annotations

from pathlib import Path

from optimize.plan import plan_document, staffed_scenario, type_label
from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import spec_from_dict
from sim.report.i18n import set_language
from sim.report.plan_tables import plan_blocks
from sim.scenario.model import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_dedicated_windows_keep_the_halls_own_names() -> None:
    problem = build_problem(load_scenario(ROOT / "scenarios" / "yumen" / "before.yaml"),
                            spec_from_dict({"structure": "dedicated", "desks": "none"}, "spec"))
    solution = solve(problem)
    assert type_label(problem, "DED-market_regulation") == "市场监管窗口"
    staffed = staffed_scenario(problem, solution)
    names = {g.id: g.label for g in staffed.windows}
    assert names["DED-market_regulation"] == "市场监管窗口"
    assert names["DED-civil_affairs"] == "民政窗口"
    doc = plan_document(problem, solution)
    assert doc["windows"]["DED-tax"]["label"] == "税务窗口"
    try:
        set_language("zh")
        blocks = plan_blocks(doc)
    finally:
        set_language("en")
    rows = [r[0] for r in blocks["plan"][2]]
    assert "市场监管窗口（DED-market_regulation）" in rows
    assert "税务窗口（DED-tax）" in [r[0] for r in blocks["types"][2]]


def test_a_comprehensive_window_has_no_one_name_to_inherit() -> None:
    problem = build_problem(load_scenario(ROOT / "scenarios" / "yumen" / "before.yaml"),
                            spec_from_dict({"structure": "full", "desks": "none"}, "spec"))
    assert type_label(problem, "FULL") is None
    doc = plan_document(problem, solve(problem))
    assert "label" not in doc["windows"]["FULL"]


def test_a_comprehensive_window_is_named_in_the_planners_language(tmp_path: Path) -> None:
    """No window of the hall does the FULL type's work, so it inherits no name: under the
    Chinese command line (and the Chinese page) the staffed hall calls it 全事项综合窗口,
    as the plan's tables do, not FULL; in English the id stays its name."""
    from sim.cli.main import main

    hall = ROOT / "scenarios" / "yumen" / "before.yaml"
    spec = tmp_path / "spec.yaml"
    spec.write_text("structure: full\ndesks: none\n", encoding="utf-8")
    for lang, label in (("zh", "全事项综合窗口"), ("en", None)):
        out = tmp_path / f"staffed-{lang}.yaml"
        try:
            assert main(["--lang", lang, "optimize", str(hall), "--spec", str(spec),
                         "--scenario-out", str(out), "-q"]) == 0
        finally:
            set_language("en")
        assert {g.id: g.label for g in load_scenario(out).windows} == {"FULL": label}


def test_why_there_is_no_plan_is_said_in_chinese_in_the_plans_tables() -> None:
    """Yumen's 24 windows cannot carry one window per department (about 29 needed): the
    page said why in Chinese, but the plan's tables (the Excel file's sheet 为何没有排班方案)
    kept the diagnosis in English, since a list of periods alone matched no message."""
    problem = build_problem(load_scenario(ROOT / "scenarios" / "yumen" / "before.yaml"),
                            spec_from_dict({"structure": "dedicated"}, "spec"))
    doc = plan_document(problem, solve(problem))
    assert doc["status"] == "infeasible"
    set_language("zh")
    try:
        title, _, rows = plan_blocks(doc)["reason"]
    finally:
        set_language("en")
    assert title == "为何没有排班方案"
    said = rows[0][0]
    assert said.startswith("没有能达到服务水平的排班方案：时段 08:30：现有 24 个窗口")
    assert "desks" not in said and "period" not in said and "likewise" not in said
