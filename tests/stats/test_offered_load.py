"""The optimiser sizes windows for every ticket an item receives: first tickets,
journey steps, return visits and collections, as the capacity warning counts them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from optimize.problem import build_problem
from optimize.spec import spec_from_dict
from sim.run.replications import simulate
from sim.scenario.model import scenario_from_dict
from sim.stats.load import extra_visit_rates


def test_journey_and_return_tickets_are_offered_load():
    scenario = scenario_from_dict({
        "name": "load", "hall": {"open": ["08:00-12:00"], "days": 1},
        "categories": {
            "a": {"arrivals_per_hour": 6, "service": {"dist": "exponential", "mean": 10},
                  "returns": {"incomplete": 0.5,
                              "delay_days": {"dist": "deterministic", "value": 1}}},
            "b": {"arrivals_per_hour": 0, "service": {"dist": "exponential", "mean": 20}}},
        "journeys": {"j": {"arrivals_per_hour": 3, "steps": ["a", "b"]}},
        "windows": [{"id": "W", "count": 4, "serves": ["*"]}],
    })
    problem = build_problem(scenario, spec_from_dict({}, "<spec>"))
    # a: 6/h first tickets, 6 x 0.5/(1-0.5) = 6/h returns, 3/h journey steps: 15/h x 10 min
    assert problem.load[0, 0] == pytest.approx(15 * 10 / 60)
    # b: only journey steps, 3/h x 20 min
    assert problem.load[1, 0] == pytest.approx(3 * 20 / 60)


def returning_hall(incomplete: float, notice: float | None, days: int = 5):
    returns = {"incomplete": incomplete, "delay_days": {"dist": "deterministic", "value": 1}}
    if notice is not None:
        returns["one_time_notice"] = notice
    return scenario_from_dict({
        "name": "回访", "hall": {"open": ["08:00-12:00"], "days": days, "warmup_days": 3},
        "categories": {"不动产登记": {"arrivals_per_hour": 10,
                                 "service": {"dist": "exponential", "mean": 6},
                                 "returns": returns}},
        "windows": [{"id": "W", "count": 6, "serves": ["*"]}]})


@pytest.mark.parametrize("incomplete, notice, returns_per_case", [
    (1.0, 0.5, 2.0),    # always incomplete at first, then half the time: 1 + 1/2 + 1/4 ...
    (1.0, 0.0, 1.0),    # always incomplete at first, a one-time notice fixes it
    (0.5, None, 1.0),   # half incomplete, every visit alike: 0.5 / (1 - 0.5)
    (0.4, 0.25, 0.4 / 0.75),
    (0.0, None, 0.0),
])
def test_return_visits_add_load_for_every_valid_combination(incomplete, notice,
                                                            returns_per_case):
    scenario = returning_hall(incomplete, notice)
    assert extra_visit_rates(scenario)["不动产登记"] == pytest.approx(10 * returns_per_case)


def test_return_load_with_materials_always_incomplete_matches_simulation():
    # incomplete 1.0 with a one-time notice of 0.5: 10 cases/h bring 20 return tickets/h
    scenario = returning_hall(1.0, 0.5, days=40)
    result = simulate(scenario, seed=5, replications=4, keep_records=True)
    per_rep = []
    for rep in result.replications:
        rec = rep.records
        keep = rec.arrival >= 3 * 1440  # after warm-up: returns from earlier days arrive
        per_rep.append(np.count_nonzero(keep) / ((40 - 3) * 4.0))
    expected = 10 + extra_visit_rates(scenario)["不动产登记"]
    mean = float(np.mean(per_rep))
    half = float(stats.t.ppf(0.995, len(per_rep) - 1) * stats.sem(per_rep))
    assert abs(mean - expected) <= max(half, 0.03 * expected), (mean, half, expected)
