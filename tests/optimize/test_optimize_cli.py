"""Stories about ``hallsim optimize`` on the command line: a planner writes a spec,
gets PLAN.json / PLAN.yaml / STAFFED.yaml, runs the staffed hall as is; and every
mistake in the spec ends with exit code 2 and the field path, never a traceback.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.cli.main import main

HALL: dict[str, Any] = {
    "name": "two-departments",
    "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": 2},
    "categories": {
        "tax": {"department": "finance", "zone": "business",
                "arrivals_per_hour": {"08:30": 8, "10:00": 14, "13:30": 6},
                "service": {"dist": "lognormal", "mean": 9, "cv": 0.6}},
        "permits": {"department": "market", "zone": "business",
                    "arrivals_per_hour": 5, "service": {"dist": "exponential", "mean": 15}},
    },
    "windows": [{"id": "A", "count": 2, "serves": ["tax", "permits"]}],
}

SPEC: dict[str, Any] = {
    "types": {"T1": {"serves": ["tax"], "cost_per_hour": 1.0},
              "T2": {"serves": ["permits"], "cost_per_hour": 1.0},
              "MIX": {"serves": ["tax", "permits"], "cost_per_hour": 1.1,
                      "speed": {"permits": 1.2}}},
    "service_level": {"alpha": 0.8},
    "desks": 8,
}


def write(tmp_path: Path, data: Any, name: str) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def optimize(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["optimize", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_exit_2(code: int, err: str, source: Path, field: str | None, *words: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert str(source) in err
    if field:
        assert f"field '{field}'" in err, err
    for w in words:
        assert w.lower() in err.lower(), err


def test_optimize_writes_plan_files_and_the_staffed_hall_runs(tmp_path, capsys):
    scen = write(tmp_path, HALL, "hall.yaml")
    spec = write(tmp_path, {"optimize": SPEC}, "spec.yaml")
    plan_json, plan_yaml, staffed, lp = (tmp_path / n for n in
                                         ("PLAN.json", "PLAN.yaml", "STAFFED.yaml", "m.lp"))
    code, out, err = optimize(capsys, scen, "--spec", spec, "--json", plan_json, "--out",
                              plan_yaml, "--scenario-out", staffed, "--lp", lp)
    assert code == 0, err
    doc = json.loads(plan_json.read_text())
    for key in ("status", "cost", "headcount", "window_hours", "windows", "iterations"):
        assert key in doc
    assert doc["status"] == "optimal"
    assert yaml.safe_load(plan_yaml.read_text())["cost"] == doc["cost"]
    for t in doc["windows"].values():
        assert list(t["per_period"]) == doc["periods"]
    text = lp.read_text()
    for name in ("demand_", "capacity_", "select_", "count_", "desks_"):
        assert name in text
    assert "windows open per period" in out
    code = main(["run", str(staffed), "-r", "1", "--quiet"])
    assert code == 0, capsys.readouterr().err


def test_the_optimize_section_of_the_scenario_file_is_read(tmp_path, capsys):
    data = copy.deepcopy(HALL) | {"optimize": SPEC | {"structure": "full"}}
    data["optimize"].pop("types")
    scen = write(tmp_path, data, "hall.yaml")
    code, out, err = optimize(capsys, scen, "--json", tmp_path / "p.json", "-q")
    assert code == 0, err
    assert list(json.loads((tmp_path / "p.json").read_text())["windows"]) == ["FULL"]


@pytest.mark.parametrize("change, field, words", [
    (lambda s: s["types"]["T1"].update(serves=["tax", "pernits"]), "optimize.types.T1.serves[1]",
     ["unknown category", "pernits"]),
    (lambda s: s["types"]["MIX"].update(cost_per_hour=-2), "optimize.types.MIX.cost_per_hour",
     ["greater than or equal to 0"]),
    (lambda s: s.update(training_cost=-1), "optimize.training_cost", ["greater than or equal"]),
    (lambda s: s["service_level"].update(alpha=1.0), "optimize.service_level.alpha",
     ["between 0 and 1"]),
    (lambda s: s.update(categories={"tax": {"alpha": 0}}), "optimize.categories.tax.alpha",
     ["between 0 and 1"]),
    (lambda s: s.update(shifts={"long": {"start": "08:30", "length": 600}}),
     "optimize.shifts.long.length", ["longer than the hall's day"]),
    (lambda s: s.update(structure="ring"), "optimize.structure", ["dedicated"]),
    (lambda s: s.update(desks="eight"), "optimize.desks", ["integer"]),
    (lambda s: s.update(colour="red"), "optimize.colour", ["unknown field"]),
])
def test_bad_specs_exit_2_naming_the_field(tmp_path, capsys, change, field, words):
    spec = copy.deepcopy(SPEC)
    change(spec)
    scen = write(tmp_path, HALL | {"optimize": spec}, "hall.yaml")
    out = tmp_path / "PLAN.json"
    code, _, err = optimize(capsys, scen, "--json", out)
    assert_exit_2(code, err, scen, field, *words)
    assert not out.exists()


def test_a_separate_spec_file_is_named_in_errors(tmp_path, capsys):
    scen = write(tmp_path, HALL, "hall.yaml")
    spec = write(tmp_path, {"types": {"T1": {"serves": ["zone:nowhere"]}}}, "spec.yaml")
    code, _, err = optimize(capsys, scen, "--spec", spec)
    assert_exit_2(code, err, spec, "types.T1.serves[0]", "unknown zone")


def test_too_few_desks_is_infeasible_naming_period_and_items(tmp_path, capsys):
    spec = copy.deepcopy(SPEC) | {"desks": 2}
    scen = write(tmp_path, HALL | {"optimize": spec}, "hall.yaml")
    out = tmp_path / "PLAN.json"
    code, _, err = optimize(capsys, scen, "--json", out, "--scenario-out", tmp_path / "s.yaml")
    assert_exit_2(code, err, scen, None, "period 10:00", "tax", "permits", "2 desks")
    assert json.loads(out.read_text())["status"] == "infeasible"
    assert not (tmp_path / "s.yaml").exists()


def test_an_item_no_type_may_serve_is_infeasible(tmp_path, capsys):
    spec = copy.deepcopy(SPEC)
    spec["types"] = {"T1": {"serves": ["tax"]}}
    scen = write(tmp_path, HALL | {"optimize": spec}, "hall.yaml")
    code, _, err = optimize(capsys, scen)
    assert_exit_2(code, err, scen, None, "no window type may serve permits")


def test_highs_gives_the_same_cost_as_cbc(tmp_path, capsys):
    pytest.importorskip("highspy")
    scen = write(tmp_path, HALL | {"optimize": SPEC}, "hall.yaml")
    costs = []
    for solver in ("cbc", "highs"):
        out = tmp_path / f"{solver}.json"
        code, _, err = optimize(capsys, scen, "--solver", solver, "--json", out, "-q")
        assert code == 0, err
        costs.append(json.loads(out.read_text())["cost"])
    assert costs[0] == pytest.approx(costs[1])
