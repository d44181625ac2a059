"""Stories about certification cells: busy days judged on their own, thin cells pooled,
and a plan that stays short ends with exit code 3 and its short cells listed."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from optimize.certify import cell_levels
from optimize.plan import staffed_scenario
from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import spec_from_dict
from sim.cli.main import main
from sim.run.replications import simulate
from sim.scenario.model import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]

HALL = {
    "name": "周一繁忙",
    "hall": {"open": ["09:00-11:00"], "days": 8, "day_factors": [1.0, 1.6]},
    "categories": {
        "户籍": {"department": "公安", "arrivals_per_hour": 30,
               "service": {"dist": "exponential", "mean": 10}},
        "公证": {"department": "司法", "arrivals_per_hour": 1.5,
               "service": {"dist": "exponential", "mean": 10}},
    },
    "windows": [{"id": "窗口", "count": 30, "serves": ["*"]}],
}


def test_busy_days_are_cells_of_their_own_and_thin_cells_are_pooled():
    scenario = scenario_from_dict(HALL, "hall.yaml")
    spec = spec_from_dict({"structure": "dedicated", "day_factor": "mean"}, "spec")
    problem = build_problem(scenario, spec)
    result = simulate(staffed_scenario(problem, solve(problem)), seed=2, replications=5,
                      keep_records=True)
    cells = cell_levels(problem, result, min_tickets=6.0)
    busy = [c for c in cells if c.category == "户籍"]
    assert {c.day_factor for c in busy} == {1.0, 1.6}
    assert len(busy) == 2 * len(problem.periods)  # 15/period/day-type: never pooled
    # sized for the mean day, the busy days fall short where the average would hide it
    worst_busy = min(c.mean for c in busy if c.day_factor == 1.6)
    worst_quiet = min(c.mean for c in busy if c.day_factor == 1.0)
    assert worst_busy < worst_quiet
    thin = [c for c in cells if c.category == "公证"]
    # 1.5/h over 4 days of each type: about 3 tickets per half hour, pooled to >= 6
    assert all(c.pooled for c in thin)
    assert all(c.tickets >= 6.0 or c.periods == tuple(range(len(problem.periods)))
               for c in thin)
    covered = sorted(p for c in thin if c.day_factor == 1.0 for p in c.periods)
    assert covered == list(range(len(problem.periods)))


def test_a_plan_still_short_after_the_last_re_solve_exits_3_listing_the_cells(tmp_path,
                                                                               capsys):
    scen = ROOT / "scenarios" / "optimize" / "peak_long_service.yaml"
    out = tmp_path / "PLAN.json"
    code = main(["optimize", str(scen), "--certify", "--max-iterations", "1", "-r", "4",
                 "--json", str(out)])
    captured = capsys.readouterr()
    assert code == 3, captured.err
    doc = json.loads(out.read_text())
    assert doc["status"] == "not_certified"
    assert doc["short_cells"] and all(not c["met"] for c in doc["short_cells"])
    assert "not certified" in captured.err and doc["short_cells"][0]["item"] in captured.err
    assert "short cells (not certified)" in captured.out
    yaml.safe_dump(doc)  # the plan document stays plain data


def test_a_pooled_cell_says_where_its_periods_lie_and_not_across_the_lunch_break():
    """A thin item pooled over 11:00-12:00 and 14:30-15:00 was shown as "11:00-14:30"
    (the first start to the last start): across the lunch break, and ending half an
    hour early. It reads as the two stretches it covers, to the end of the last."""
    from optimize.certify import periods_text

    data = dict(HALL, hall={"open": ["09:00-12:00", "14:30-18:00"]})
    problem = build_problem(scenario_from_dict(data, "hall.yaml"),
                            spec_from_dict({"period_minutes": 30}, "spec"))
    at = {per.label: p for p, per in enumerate(problem.periods)}
    assert periods_text(problem, (at["10:00"],)) == "10:00"
    assert periods_text(problem, (at["11:00"], at["11:30"], at["14:30"])) == \
        "11:00-12:00, 14:30-15:00"
    assert periods_text(problem, (at["17:00"], at["17:30"])) == "17:00-18:00"
