"""A rare item may draw no case in some replications: every replication still reports
the same case figures, so the document neither crashes nor drops them."""

from __future__ import annotations

from sim.run.replications import simulate
from sim.scenario.model import scenario_from_dict

RARE = {
    "name": "稀有事项",
    "hall": {"open": ["09:00-12:00"], "days": 1},
    "categories": {
        "社保": {"arrivals_per_hour": 0.2, "service": {"dist": "exponential", "mean": 5},
                 "returns": {"incomplete": 0.25,
                             "delay_days": {"dist": "deterministic", "value": 1}}},
        "医保": {"arrivals_per_hour": 5, "service": {"dist": "exponential", "mean": 5}},
    },
    "windows": [{"id": "窗", "count": 2, "serves": ["*"]}],
}


def test_replications_without_a_case_of_a_rare_item_keep_its_case_figures():
    scenario = scenario_from_dict(RARE)
    for seed in (1, 4, 8, 11):  # some replications draw no 社保 case at all
        result = simulate(scenario, seed=seed, replications=4)
        drew = [rep.summary["by_category"]["社保"]["cases"] for rep in result.replications]
        doc = result.document()
        assert doc["by_category"]["社保"]["cases"] == sum(drew) / len(drew)
        assert doc["overall"]["cases"] == doc["by_category"]["社保"]["cases"]
