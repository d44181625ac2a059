"""Stories about the final check's verdict and about week plans.

The verdict of a final check is read from a run whose size was fixed before it
was simulated (a pilot on other fresh seeds sizes it): adding replications to
the data being judged until a bound crosses the target would let cells that are
truly just short pass far more often than 5 %. A week plan is judged day by day,
each week day simulated with its own schedule and arrival factor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import optimize.certify as certify_module
from optimize.certify import CellLevel, cell_levels, certify, final_check, simulate_plan
from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import load_inputs, spec_from_dict
from sim.scenario.model import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
PEAK = ROOT / "scenarios" / "optimize" / "peak_long_service.yaml"

HALL = {
    "name": "一周",
    "hall": {"open": ["09:00-11:00"], "days": 6},
    "categories": {"户籍": {"department": "公安", "arrivals_per_hour": 30,
                          "service": {"dist": "exponential", "mean": 10}}},
    "windows": [{"id": "窗口", "count": 30, "serves": ["*"]}],
}


def test_an_undecided_cell_asks_for_the_replications_its_bound_needs():
    scenario, spec = load_inputs(PEAK)
    problem = build_problem(scenario, spec)
    # pilot of 10: mean 0.84, one-sided half-width 0.06, 0.04 above the target 0.8:
    # the half-width must shrink by 0.04 / 0.06, i.e. (0.06 / 0.04)^2 = 2.25 times the
    # replications for the bound to land on the target; to clear it with 80 % power
    # if the mean is right, ((1.645 + 0.842) / 1.645)^2 = 2.285 times more: 51.4 -> 52
    cell = CellLevel("licence", (4,), 1.0, 0.84, 0.78, 20.0, 10, 0.02)
    assert certify_module._needed(problem, cell, 10) == 52


def test_the_verdict_is_judged_on_its_own_fresh_run_not_merged_with_the_pilot(monkeypatch):
    scenario, spec = load_inputs(PEAK)
    spec = spec.model_copy(update={"certify": spec.certify.model_copy(
        update={"max_replications": 30})})
    problem = build_problem(scenario, spec)
    runs: list[tuple[int, int]] = []

    def recording(problem, solution, seed, replications, workers=1):
        runs.append((seed, replications))
        return simulate_plan(problem, solution, seed, replications, workers)

    monkeypatch.setattr(certify_module, "simulate_plan", recording)
    # a plan a window above SIPP at 10:00 (the cell after the peak): close to the target
    cert = certify(problem, replications=6, max_iterations=15, seed=11)
    checks = [it for it in cert.iterations if it["kind"] == "final check"]
    assert any("pilot_replications" in it for it in checks), cert.iterations
    for it in checks:
        if "pilot_replications" in it:  # a verdict run followed its pilot
            pilot = next(r for r in runs if r[0] == it["seed"])
            verdict = runs[runs.index(pilot) + 1]
            assert verdict[0] != pilot[0] and verdict[0] != 11  # fresh seeds
            assert it["replications"] == verdict[1] <= 30  # judged on the verdict alone
            assert verdict[1] >= pilot[1] == it["pilot_replications"]
    assert cert.status == "certified"


def test_a_week_plan_is_judged_on_every_day_with_its_own_schedule_and_load():
    scenario = scenario_from_dict(HALL, "hall.yaml")
    spec = spec_from_dict({"structure": "dedicated", "week": {
        "days": {"周一": {"factor": 1.0}, "周六": {"factor": 1.6}}}}, "spec")
    problem = build_problem(scenario, spec)
    plan = solve(problem)
    assert plan.open["DED-公安"][:4] != plan.open["DED-公安"][4:]  # Saturday has more windows
    runs = simulate_plan(problem, plan, seed=3, replications=5)
    assert sorted(runs) == [0, 1]
    cells = cell_levels(problem, runs)
    labels = {problem.periods[c.period].label: c for c in cells}
    assert set(labels) == {p.label for p in problem.periods}
    monday = sum(labels[f"周一 {t}"].tickets for t in ("09:00", "09:30", "10:00", "10:30"))
    saturday = sum(labels[f"周六 {t}"].tickets for t in ("09:00", "09:30", "10:00", "10:30"))
    assert saturday / monday == pytest.approx(1.6, rel=0.1)  # 30/h x 2 h x 6 days x factor
    assert {c.day_factor for c in cells} == {1.0, 1.6}


def test_a_busy_week_day_short_under_sipp_is_found_on_that_day():
    """The peak hall with a busy Saturday: SIPP is short after the peak on both days,
    and the certification sees Saturday's cells (the old check judged day 0 only)."""
    scenario, spec = load_inputs(PEAK)
    spec = spec.model_copy(update={"week": spec_from_dict({"week": {"days": {
        "Mon": {"factor": 1.0}, "Sat": {"factor": 1.5}}}}, "spec").week})
    problem = build_problem(scenario, spec)
    runs = simulate_plan(problem, solve(problem), seed=5, replications=6)
    short = {problem.periods[c.period].label for c in cell_levels(problem, runs) if c.short}
    assert "Sat 10:00" in short and "Mon 10:00" in short


def test_final_check_of_a_plan_clearly_short_is_its_pilot():
    scenario, spec = load_inputs(PEAK)
    problem = build_problem(scenario, spec)
    check = final_check(problem, solve(problem), seed=99, replications=5)
    assert check.pilot == 0 and check.verdict == 5  # no verdict run: nothing to size
    assert any(c.short for c in check.cells)


def test_certified_xinglongtai_bounds_are_probabilities_below_their_means(tmp_path):
    """The issue's case: `certified` once came with 0.667 ±1.434 on a probability."""
    import json

    from sim.cli.main import main

    out = tmp_path / "PLAN.json"
    code = main(["optimize", str(ROOT / "scenarios" / "xinglongtai" / "before.yaml"),
                 "--certify", "-r", "6", "--quiet", "--json", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert code in (0, 3) and doc["status"] in ("certified", "not_certified")
    for cell in doc["service_level"].values():
        assert 0.0 <= cell["bound"] <= cell["value"] <= 1.0
        assert cell["met"] == (cell["bound"] >= 0.8)
