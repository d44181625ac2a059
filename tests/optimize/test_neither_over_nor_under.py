"""Stories of issue 20, part 2: an optimiser that neither over- nor under-staffs.

A bound just short of its target reads as short, with its shortfall, and a
bound on the target passes; the not-certified message gives the bound, the
target and the shortfall; a week plan without shift templates says who starts
on which day; a cell short on its bound but not beyond doubt gets more
replications before a cut; a chain's windows carry each other's overflow, so
trimming finds the ring of 5 + 5 + 4 where separate pools open 15; and noise
alone no longer staffs a stationary hall far above its Erlang minimum.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import optimize.certify as certify_module
from optimize.certify import (
    CellLevel,
    Certification,
    _cell_text,
    certify,
    clearly_short,
    extended_size,
    search_cells,
    undecided,
)
from optimize.plan import plan_document
from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import load_inputs, spec_from_dict
from sim.cli.main import main
from sim.report.staffing_plan import level_text, plan_table
from sim.scenario.model import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
PEAK = ROOT / "scenarios" / "optimize" / "peak_long_service.yaml"
CHAIN = ROOT / "scenarios" / "optimize" / "chain_ring.yaml"
MIXED = ROOT / "scenarios" / "optimize" / "mixed_targets.yaml"


def peak_problem():
    return build_problem(*load_inputs(PEAK))


def test_a_bound_a_hair_below_the_target_is_short_and_says_by_how_much():
    problem = peak_problem()
    below = CellLevel("licence", (4,), 1.0, 0.853, 0.79996, 38.9, 10, 0.8 - 0.79996)
    on = CellLevel("licence", (4,), 1.0, 0.853, 0.8, 38.9, 10, 0.0)
    assert below.short and not on.short  # shortfall > 0 exactly when short
    text = _cell_text(problem, below)
    assert text["met"] is False and text["shortfall"] == pytest.approx(4e-5)
    assert text["bound"] == 0.79996  # unrounded in the plan
    assert level_text(text["bound"], text) == "0.79996"  # never printed as "0.800"
    assert _cell_text(problem, on)["met"] is True


def test_the_not_certified_message_gives_bound_target_and_shortfall(monkeypatch, tmp_path,
                                                                     capsys):
    problem = peak_problem()
    solution = solve(problem)
    short = CellLevel("licence", (4,), 1.0, 0.853, 0.79996, 38.9, 10, 0.8 - 0.79996)
    cert = Certification(solution, "not_certified", [], {}, [],
                         [_cell_text(problem, short)])
    monkeypatch.setattr(certify_module, "certify", lambda *a, **k: cert)
    code = main(["optimize", str(PEAK), "--certify", "-q", "--json",
                 str(tmp_path / "PLAN.json")])
    err = capsys.readouterr().err
    assert code == 3
    assert ("licence at 10:00 (bound 0.79996 against target P(W<=10)>=0.8, short by 4e-05)"
            in err)
    assert "0.853" not in err  # the point estimate is not what failed
    doc = json.loads((tmp_path / "PLAN.json").read_text())
    assert "4e-05" in plan_table(doc)


def test_a_week_without_shift_templates_says_who_starts_on_which_day():
    hall = scenario_from_dict({
        "name": "邮局", "hall": {"open": ["08:00-16:00"], "days": 7},
        "categories": {"邮政": {"arrivals_per_hour": 1,
                                "service": {"dist": "exponential", "mean": 5}}},
        "windows": [{"id": "窗口", "count": 30, "serves": ["*"]}]}, "post.yaml")
    demand = {"Mon": 17, "Tue": 13, "Wed": 15, "Thu": 19, "Fri": 14, "Sat": 16, "Sun": 11}
    spec = spec_from_dict({"structure": "dedicated", "period_minutes": 480, "week": {
        "days": {d: {"min_windows": n} for d, n in demand.items()},
        "patterns": {"five_two": {"days_on": 5, "cost": 1}}}}, "spec")
    problem = build_problem(hall, spec)
    doc = plan_document(problem, solve(problem))
    assert doc["cost"] == pytest.approx(23)  # the classic optimum
    starts = doc["shifts"]["DED-邮政"]
    assert sum(starts.values()) == 23
    assert all(key.startswith("day@five_two@") for key in starts)  # ... and the start day
    assert "shifts: DED-邮政: day@five_two@" in plan_table(doc)


def test_a_cell_short_within_its_noise_gets_more_replications_before_a_cut(monkeypatch):
    problem = peak_problem()
    target = 0.8
    near = CellLevel("licence", (4,), 1.0, 0.84, 0.78, 20.0, 10, target - 0.78)
    noisy_miss = CellLevel("licence", (5,), 1.0, 0.79, 0.70, 20.0, 10, target - 0.70)
    far = CellLevel("licence", (6,), 1.0, 0.40, 0.30, 20.0, 10, target - 0.30)
    assert not clearly_short(problem, near) and not clearly_short(problem, noisy_miss)
    assert clearly_short(problem, far)  # 0.40 + 0.10 is still below 0.8
    assert undecided(problem, [near, noisy_miss, far]) == [near, noisy_miss]
    # the near cell needs 52 replications (80 % power); a mean within its noise of the
    # target asks for as many as allowed (80)
    assert extended_size(problem, [near], 10) == 52
    assert extended_size(problem, [near, noisy_miss], 10) == 80
    assert extended_size(problem, [far], 10) == 10  # a clear miss is cut at once

    runs: list[tuple[int, int]] = []
    judged = iter([[near], [near]])
    monkeypatch.setattr(certify_module, "simulate_plan",
                        lambda problem, solution, seed, n, workers=1: runs.append((seed, n)))
    monkeypatch.setattr(certify_module, "cell_levels", lambda *a: next(judged))
    cells, size = search_cells(problem, solve(problem), seed=5, replications=10)
    assert runs == [(5, 10), (5, 52)] and size == 52  # same seed, more replications


@pytest.mark.slow
def test_the_docs_first_example_ends_certified(tmp_path, capsys):
    code = main(["optimize", str(PEAK), "--certify", "-q", "--json",
                 str(tmp_path / "PLAN.json")])
    doc = json.loads((tmp_path / "PLAN.json").read_text())
    assert code == 0 and doc["status"] == "certified"
    # it was not_certified at 45.5 before (bound 0.79996 read as "0.800"); trimming
    # then takes back windows the cuts added that a fresh verdict does not need
    assert doc["cost"] <= 45.5
    assert all(v["met"] for v in doc["service_level"].values())


@pytest.mark.slow
def test_a_chain_ring_carries_its_overflow_with_14_windows_where_pools_need_15():
    scenario, spec = load_inputs(CHAIN)
    problem = build_problem(scenario, spec)
    sized = solve(problem)
    # three separate Erlang pools: 15 windows an hour
    assert all(sum(v[p] for v in sized.open.values()) == 15 for p in range(4))
    cert = certify(problem)
    assert cert.status == "certified"
    per_hour = [sorted(v[p] for v in cert.solution.open.values()) for p in range(4)]
    assert per_hour == [[4, 5, 5]] * 4  # the ring of 5 + 5 + 4 in every hour
    assert cert.iterations[-1]["kind"] in ("trim check", "final check")


@pytest.mark.slow
def test_noise_alone_no_longer_staffs_a_stationary_hall_far_above_its_minimum():
    # the mixed-target hall's 户籍 alone: 9.65 erlangs, E[W] <= 1 minute; Erlang C is
    # exact here, and 13 windows (true E[W] 0.70) every hour is the least plan
    data = yaml.safe_load(MIXED.read_text(encoding="utf-8"))
    del data["categories"]["社保"]
    spec = data.pop("optimize")
    problem = build_problem(scenario_from_dict(data, "mean_wait.yaml"),
                            spec_from_dict(spec, "mean_wait.yaml"))
    minimum = solve(problem)
    assert minimum.cost == pytest.approx(13 * 24)
    cert = certify(problem)
    assert cert.status == "certified"
    # before: 343 (+9.9 %), cut for cells short on their bound by noise; now within 3 %
    assert minimum.cost <= cert.solution.cost <= 1.03 * minimum.cost
