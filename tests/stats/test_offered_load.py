"""The optimiser sizes windows for every ticket an item receives: first tickets,
journey steps, return visits and collections, as the capacity warning counts them."""

from __future__ import annotations

import pytest

from optimize.problem import build_problem
from optimize.spec import spec_from_dict
from sim.spec.scenario import scenario_from_dict


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
