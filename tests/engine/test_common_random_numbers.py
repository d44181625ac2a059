"""Common random numbers survive a change of one item's service distribution.

A planner compares a hall where 税务登记 (tax registration) is served in an
exponential time with one where it takes a fixed time, or a log-normal one. Every
other citizen must be the same person in all three runs: the same ticket times,
service draws and patience for the other items, and, for tax registration
itself, the same ticket times, patience and return visits (only the service
draws change). Streams are keyed by item name, and every distribution advances
its generator by one uniform per value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim.engine.arrivals import draw_customers
from sim.engine.case_draws import draw_cases
from sim.engine.streams import Purpose, name_words, stream_key, visit_stream
from sim.scenario.model import scenario_from_dict

SERVICES = {
    "exponential": {"dist": "exponential", "mean": 12},
    "deterministic": {"dist": "deterministic", "value": 12},
    "lognormal": {"dist": "lognormal", "mean": 12, "cv": 0.7},
}
TAX, PENSION = "税务登记", "社保缴费"


def hall(tax_service: dict[str, Any]):
    return scenario_from_dict({
        "name": "crn",
        "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": 4},
        "categories": {
            TAX: {"arrivals_per_hour": 6, "service": tax_service,
                  "patience": {"dist": "exponential", "mean": 30},
                  "returns": {"incomplete": 0.3,
                              "delay_days": {"dist": "gamma", "mean": 2, "cv": 0.5}}},
            PENSION: {"arrivals_per_hour": 8,
                      "service": {"dist": "lognormal", "mean": 8, "cv": 0.5},
                      "patience": {"dist": "exponential", "mean": 20},
                      "returns": {"incomplete": 0.2,
                                  "delay_days": {"dist": "uniform", "low": 1, "high": 3}}},
        },
        "journeys": {"开办企业": {"arrivals_per_hour": 1, "steps": [TAX, PENSION]}},
        "windows": [{"id": "综合窗口", "count": 3, "serves": ["*"]}],
    })


def by_item(scenario, seed=3, replication=1):
    """Per item: ticket times, service draws and patience of its first tickets."""
    cust = draw_customers(scenario, seed, replication)
    k = {name: i for i, name in enumerate(cust.names)}
    return {name: {"arrival": cust.arrival[cust.category == k[name]],
                   "work": cust.work[cust.category == k[name]],
                   "patience": cust.patience[cust.category == k[name]]}
            for name in cust.names}, draw_cases(scenario, cust, seed, replication)


@pytest.mark.parametrize("changed", ["deterministic", "lognormal"])
def test_changing_one_items_service_distribution_changes_only_its_service_draws(changed):
    before, cases_before = by_item(hall(SERVICES["exponential"]))
    after, cases_after = by_item(hall(SERVICES[changed]))
    for column in ("arrival", "work", "patience"):
        np.testing.assert_array_equal(before[PENSION][column], after[PENSION][column])
    np.testing.assert_array_equal(before[TAX]["arrival"], after[TAX]["arrival"])
    np.testing.assert_array_equal(before[TAX]["patience"], after[TAX]["patience"])
    assert not np.array_equal(before[TAX]["work"], after[TAX]["work"])

    # return visits: tax draws its service in the middle of a shared stream, yet
    # whether a visit is incomplete, the delay, the patience and the time of day stay
    k_tax, k_pension = 0, 1
    b, a = cases_before.by_category[k_tax], cases_after.by_category[k_tax]
    for column in ("ret_u", "ret_delay", "ret_patience", "ret_tod"):
        np.testing.assert_array_equal(getattr(b, column), getattr(a, column))
    assert not np.array_equal(b.ret_work, a.ret_work)
    b, a = cases_before.by_category[k_pension], cases_after.by_category[k_pension]
    for column in ("ret_u", "ret_delay", "ret_work", "ret_patience", "ret_tod"):
        np.testing.assert_array_equal(getattr(b, column), getattr(a, column))

    # journeys: the same founders come at the same times, as patient at each step
    jb, ja = cases_before.journeys, cases_after.journeys
    np.testing.assert_array_equal(jb.times, ja.times)
    np.testing.assert_array_equal(jb.patience[0], ja.patience[0])
    np.testing.assert_array_equal(jb.work[0][:, 1], ja.work[0][:, 1])  # the pension step


def test_late_return_visits_keep_their_draws_when_the_service_distribution_changes():
    before = hall(SERVICES["exponential"])
    after = hall(SERVICES["deterministic"])
    cust_b, cust_a = draw_customers(before, 3, 0), draw_customers(after, 3, 0)
    vb = draw_cases(before, cust_b, 3, 0).return_visit(0, 0, 9)
    va = draw_cases(after, cust_a, 3, 0).return_visit(0, 0, 9)
    assert (vb.u, vb.delay_days, vb.patience, vb.tod) == (va.u, va.delay_days, va.patience,
                                                          va.tod)
    assert va.work == 12.0


def test_stream_keys_are_integer_spawn_keys_with_the_name_as_four_words():
    key = stream_key(2, Purpose.SERVICE, TAX)
    assert key[:2] == (2, int(Purpose.SERVICE)) and key[2:] == name_words(TAX)
    assert all(isinstance(x, int) and 0 <= x < 2**32 for x in key)
    assert name_words(TAX) != name_words(PENSION)


def test_no_two_of_many_names_share_a_key():
    """CRC-32 keys gave about one colliding pair per 10^5 names; 128 bits give none."""
    names = [f"item-{k}" for k in range(200_000)] + [f"事项{k}" for k in range(50_000)]
    assert len({name_words(n) for n in names}) == len(names)


def test_late_visit_streams_differ_by_case_and_by_visit():
    draws = {(case, visit): visit_stream(1, 0, TAX, case, visit).random()
             for case in range(50) for visit in range(4, 10)}
    assert len(set(draws.values())) == len(draws)
