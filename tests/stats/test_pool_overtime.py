"""A guide desk or a kiosk group finishes the queue it holds at a closing (overtime),
like the windows do; that overtime is staffed time, so its utilisation never exceeds 1
even when it is hopelessly overloaded (review reproductions: 981 % and 188 % before)."""

from __future__ import annotations

import numpy as np

from sim.scenario.model import scenario_from_dict
from sim.stats.pools import pool_time
from tests.helpers import per_rep, run


def kiosk_overloaded():
    """60 customers an hour, all for one kiosk taking 10 minutes each: 10 erlangs on 1."""
    return scenario_from_dict({
        "name": "自助过载", "hall": {"open": ["08:30-12:00"], "days": 2},
        "categories": {"打印": {"arrivals_per_hour": 60,
                              "service": {"dist": "exponential", "mean": 5},
                              "kiosk": {"share": 1.0, "fail": 0.0,
                                        "service": {"dist": "deterministic", "value": 10}}}},
        "windows": [{"id": "综合", "count": 1, "serves": ["*"]},
                    {"id": "自助", "count": 1, "kiosk": True, "serves": ["打印"]}]})


def guide_overloaded():
    """30 customers an hour on one guide taking 4 minutes each: 2 erlangs on 1."""
    return scenario_from_dict({
        "name": "导引过载", "hall": {"open": ["09:00-12:00"], "days": 2},
        "categories": {"社保": {"arrivals_per_hour": 30,
                              "service": {"dist": "exponential", "mean": 1},
                              "wrong_ticket": {"share": 0.1, "turn_away": {
                                  "dist": "exponential", "mean": 2}}}},
        "guide": {"count": 1, "service": {"dist": "deterministic", "value": 4}},
        "windows": [{"id": "窗", "count": 2, "serves": ["社保"]}]})


def test_a_session_running_past_closing_adds_its_overtime_to_the_staffed_time():
    scenario = guide_overloaded()  # open 09:00-12:00
    busy, staffed = pool_time(scenario, np.array([11 * 60.0]), np.array([13 * 60.0]), 1,
                              0.0, 1440.0)
    assert busy == 120.0  # 11:00-13:00
    assert staffed == 180.0 + 60.0  # the opening, plus the hour after closing


def test_sessions_are_clipped_to_the_statistics_window():
    scenario = guide_overloaded()
    busy, staffed = pool_time(scenario, np.array([1400.0, np.nan]), np.array([1500.0, np.nan]),
                              2, 1440.0, 2880.0)
    assert busy == 60.0  # 24:00-25:00 of the 23:20-25:00 session, the rest is warm-up
    assert staffed == 2 * 180.0 + 60.0


def test_an_overloaded_kiosk_is_busy_all_its_staffed_time_and_never_more():
    result = run(kiosk_overloaded(), replications=3)
    u = per_rep(result, "by_window", "自助", "utilisation")
    staffed = per_rep(result, "by_window", "自助", "staffed_hours")
    assert np.all(u <= 1.0 + 1e-12)
    assert np.all(u > 0.99)  # a queue from the first minute on: never idle
    assert np.all(staffed > 2 * 3.5)  # its opening hours and the overtime after them


def test_an_overloaded_guide_desk_is_busy_all_its_staffed_time_and_never_more():
    result = run(guide_overloaded(), replications=3)
    u = per_rep(result, "overall", "guide_utilisation")
    assert np.all(u <= 1.0 + 1e-12)
    assert np.all(u > 0.9)


def test_the_guide_works_after_closing_only_for_customers_already_waiting():
    """Outside opening hours the guide starts a customer only right at the end of the
    previous session (a queue held at closing), never after idling: no ticket is taken
    while the hall is closed except by customers who came before its closing."""
    scenario = guide_overloaded()
    frame = run(scenario, replications=2, keep_records=True).records_frame()
    first = frame.drop_duplicates(["replication", "customer"])  # each customer's first ticket
    for _, rep in first.groupby("replication"):
        rep = rep.sort_values("guide_call")
        call, ticket = rep["guide_call"].to_numpy(), rep["arrival"].to_numpy()
        closed = ~np.array([scenario.hall.is_open_at(t % 1440.0) for t in call])
        closed[0] = False
        assert closed.any()  # overloaded: the desk does work overtime
        assert np.allclose(call[1:][closed[1:]], ticket[:-1][closed[1:]])
        assert np.all(rep["door"].to_numpy() < ticket)
