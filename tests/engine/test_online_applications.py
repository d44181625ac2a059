"""Online applications (一网通办): a share of a category's customers skip the windows.

The story: business registration (企业开办) gets 12 applicants an hour; every
application is reviewed (审批) in the back office and half the results are
collected at the output window (出件). When 30 % apply online, those 30 % never
take a ticket: they enter the back office at the moment they would have come,
through an online pre-review (网上预审) first. Which customers go online is an
independent coin per customer, so the hall sees an exact thinning of the same
arrival stream, and the back office sees the same cases as before.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.arrivals import draw_customers
from sim.run.replications import run_replication
from sim.scenario.model import scenario_from_dict
from sim.stats.load import ticket_segments

SHARE = 0.3
RATE = 12.0


def registration_hall(share: float, days: int = 10):
    online = {"online": {"share": share, "route": "online"}} if share else {}
    return scenario_from_dict({
        "name": "企业开办",
        "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": days},
        "backoffice": {"stages": {"网上预审": {"count": 2, "service": {"dist": "exponential",
                                                                      "mean": 10}},
                                  "审批": {"count": 4, "service": {"dist": "exponential",
                                                                  "mean": 25}}},
                       "routes": {"window": ["审批"], "online": ["网上预审", "审批"]}},
        "categories": {
            "企业开办": {"arrivals_per_hour": RATE,
                         "service": {"dist": "exponential", "mean": 15},
                         "backoffice": {"share": 0.9, "route": "window"},
                         "delivery": {"post_share": 0.5, "collect_at": "出件",
                                      "collect_delay_days": {"dist": "deterministic",
                                                             "value": 1}},
                         **online},
            "出件": {"arrivals_per_hour": 0, "service": {"dist": "exponential", "mean": 3}}},
        "windows": [{"id": "受理", "count": 4, "serves": ["企业开办"]},
                    {"id": "出件窗", "count": 1, "serves": ["出件"]}]})


def test_online_share_is_an_exact_thinning_of_the_same_arrivals():
    before = draw_customers(registration_hall(0.0), 5, 0)
    after = draw_customers(registration_hall(SHARE), 5, 0)
    assert np.array_equal(before.arrival, after.arrival)  # the same customers come
    assert np.array_equal(before.work, after.work)
    hall = after.in_hall()
    assert np.array_equal(hall.arrival, after.arrival[~after.online])
    n, k = len(after), int(after.online.sum())
    assert abs(k / n - SHARE) < 4 * np.sqrt(SHARE * (1 - SHARE) / n)  # the share, by binomial


def test_window_load_falls_by_exactly_the_share():
    def first_ticket_rate(scenario):
        return sum(r * (e - s) for s, e, r in ticket_segments(scenario)["企业开办"])
    assert first_ticket_rate(registration_hall(SHARE)) == pytest.approx(
        (1 - SHARE) * first_ticket_rate(registration_hall(0.0)), rel=1e-12)
    # collections at the output window come from every case, online or not: unchanged
    out0 = sum(r * (e - s) for s, e, r in ticket_segments(registration_hall(0.0))["出件"])
    out1 = sum(r * (e - s) for s, e, r in ticket_segments(registration_hall(SHARE))["出件"])
    assert out1 == pytest.approx(out0, rel=1e-12) and out0 > 0


def test_customers_are_conserved_across_channels_and_the_back_office_sees_the_same_cases():
    reps = [run_replication(registration_hall(s), 11, 0, keep_records=True)
            for s in (0.0, SHARE)]
    (r0, r1) = reps
    c0, c1 = r0.cases, r1.cases
    customers = draw_customers(registration_hall(SHARE), 11, 0)
    k = 0  # 企业开办
    # every customer is one case, on exactly one channel
    assert len(c1.category) == int(np.sum(customers.category == k)) == len(c0.category)
    assert np.array_equal(c1.online, customers.online[customers.category == k])
    # hall channel: one first ticket per case, none for online cases
    first_tickets = np.sum((r1.records.extra["kind"] == 0) & (r1.records.category == k))
    assert first_tickets == int(np.sum(~c1.online))
    # an online case comes to the hall at most once, to collect its result
    assert np.all(c1.visits[c1.online] <= 1) and np.all(c1.visits[~c1.online] >= 1)
    # every ticket of a case is counted once: the records hold exactly the cases' tickets
    assert np.sum(r1.records.extra["case"] >= 0) == int(c1.tickets.sum())
    # the same cases enter the back office (common random numbers), whatever the channel
    assert np.array_equal(~np.isnan(c0.bo_in), ~np.isnan(c1.bo_in))
    # online cases enter at their arrival time
    assert np.allclose(c1.bo_in[c1.online & ~np.isnan(c1.bo_in)],
                       c1.first[c1.online & ~np.isnan(c1.bo_in)])
    # figures by channel: cases split exactly
    bc = r1.summary["by_channel"]
    cases = r1.summary["by_category"]["企业开办"]["cases"]
    assert bc["hall"]["cases"] + bc["online"]["cases"] == cases


def test_hall_tickets_fall_by_the_share_over_many_days():
    """The expected number of first tickets at the windows is (1 - share) x arrivals."""
    sc = registration_hall(SHARE, days=40)
    counts = [int(np.sum(~draw_customers(sc, 3, r).online)) for r in range(5)]
    expected = 5 * (1 - SHARE) * RATE * 7.0 * 40
    assert abs(sum(counts) - expected) < 4 * np.sqrt(expected)
