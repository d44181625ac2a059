"""Time-of-day arrivals, day factors, opening hours and window schedules."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.arrivals import Customers, draw_customers, expected_arrivals
from sim.engine.hall import HallLayout, run_hall
from sim.engine.records import SERVED
from sim.run.replications import simulate
from sim.scenario.model import scenario_from_dict
from sim.stats.metrics import summarise

HALL = {"open": ["08:30-12:00", "13:30-17:00"], "days": 200}


def profiled(**hall):
    return scenario_from_dict({
        "name": "profile", "hall": HALL | hall,
        "categories": {"a": {"arrivals_per_hour": {"08:30": 10, "10:00": 30, "13:30": 5},
                             "service": {"dist": "exponential", "mean": 5}}},
        "windows": [{"id": "A", "count": 4, "serves": ["a"]}],
    })


def test_ticket_counts_per_stretch_follow_the_profile():
    """Each rate holds until the next profile time and only while open: 10/h for 1.5 h,
    30/h for 2 h, 5/h for 3.5 h. Counts are Poisson, so their variance equals their mean."""
    scenario = profiled()
    cust = draw_customers(scenario, seed=3, replication=0)
    tod = cust.arrival % 1440
    for lo, hi, expected in [(510, 600, 15.0), (600, 720, 60.0), (810, 1020, 17.5)]:
        per_day = np.bincount(cust.day[(tod >= lo) & (tod < hi)], minlength=200)
        assert per_day.mean() == pytest.approx(expected, rel=4 * np.sqrt(expected / 200)
                                               / expected)
        assert per_day.var(ddof=1) == pytest.approx(expected, rel=0.25)
    assert not ((tod >= 720) & (tod < 810)).any(), "no tickets during the lunch break"
    assert not ((tod < 510) | (tod >= 1020)).any(), "no tickets while closed"
    assert expected_arrivals(scenario, "a") == pytest.approx(92.5)


def test_within_a_stretch_arrival_times_are_uniform():
    cust = draw_customers(profiled(), seed=4, replication=0)
    tod = cust.arrival % 1440
    late = tod[(tod >= 600) & (tod < 720)]
    hist, _ = np.histogram(late, bins=4, range=(600, 720))
    assert hist.min() > 0.9 * hist.mean() and hist.max() < 1.1 * hist.mean()


def test_day_factors_make_monday_busier():
    scenario = profiled(day_factors=[1.5, 1, 1, 1, 1])
    cust = draw_customers(scenario, seed=5, replication=0)
    per_day = np.bincount(cust.day, minlength=200)
    monday, others = per_day[0::5].mean(), per_day[1::5].mean()
    assert monday / others == pytest.approx(1.5, rel=0.06)
    assert expected_arrivals(scenario, "a", day=5) == pytest.approx(1.5 * 92.5)


def test_tickets_held_at_closing_are_served_in_overtime():
    scenario = scenario_from_dict({
        "name": "overtime", "hall": {"open": ["09:00-10:00"], "days": 1},
        "categories": {"a": {"arrivals_per_hour": 30, "service": {"dist": "deterministic",
                                                                  "value": 6}}},
        "windows": [{"id": "A", "count": 1, "serves": ["a"]}],
    })
    result = simulate(scenario, seed=1, replications=1, keep_records=True)
    rec = result.replications[0].records
    assert (rec.outcome == SERVED).all()
    assert rec.end.max() > 600 + 6 * 10, "a queue of ~20 at 10:00 takes hours of overtime"
    staffed = result.document()["by_window"]["A"]["staffed_hours"]
    busy = result.document()["by_window"]["A"]["busy_hours"]
    # staffed = the open hour plus the overtime spent on held tickets: fully busy
    assert staffed == pytest.approx(busy, rel=0.02)
    assert staffed > 1.0


def test_schedule_staffs_windows_by_time_of_day():
    scenario = scenario_from_dict({
        "name": "schedule", "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": 3},
        "categories": {"a": {"arrivals_per_hour": {"08:30": 4, "10:00": 30, "13:30": 6},
                             "service": {"dist": "exponential", "mean": 6}}},
        "windows": [{"id": "A", "count": 4, "serves": ["a"],
                     "schedule": {"08:30": 1, "10:00": 4, "13:30": 2}}],
    })
    result = simulate(scenario, seed=2, replications=1, keep_records=True)
    rec = result.replications[0].records
    tod = rec.call % 1440
    name = np.array(rec.window_names)[np.maximum(rec.window, 0)]
    called = ~np.isnan(rec.call)
    for d in range(3):
        today = called & (rec.day == d)
        # before 10:00 one window calls; in the late morning up to four; after 14:00 two
        assert len(set(name[today & (tod < 600)])) == 1
        assert len(set(name[today & (tod >= 600) & (tod < 720)])) <= 4
        assert len(set(name[today & (tod >= 840) & (tod < 1020)])) <= 2
    assert max(len(set(name[called & (rec.day == d) & (tod >= 600) & (tod < 720)]))
               for d in range(3)) == 4
    # window-minutes per day by the schedule: 1 x 90 + 4 x 120 + 2 x 210, and
    # more only for windows finishing a customer past 12:00, 17:00 or 10:00's change
    staffed = result.document()["by_window"]["A"]["staffed_hours"]
    assert staffed >= 3 * (90 + 480 + 420) / 60
    on_duty = rec.duty[:, 2] - rec.duty[:, 1]
    assert on_duty.sum() / 60 == pytest.approx(staffed)


def test_a_window_taken_off_duty_finishes_its_customer():
    """Two windows until 10:00, one after. Both are busy at 10:00: the first to finish
    goes off duty instead of calling the next ticket, the other carries on."""
    scenario = scenario_from_dict({
        "name": "offduty", "hall": {"open": ["09:00-12:00"], "days": 1},
        "categories": {"a": {"arrivals_per_hour": 1,
                             "service": {"dist": "deterministic", "value": 45}}},
        "windows": [{"id": "A", "count": 2, "serves": ["a"],
                     "schedule": {"09:00": 2, "10:00": 1}}],
    })
    layout = HallLayout.from_scenario(scenario)
    cust = Customers(("a",), np.array([590.0, 591.0, 630.0, 631.0]), np.zeros(4, np.int32),
                     np.full(4, 45.0), np.full(4, np.inf))
    log: list[tuple] = []
    rec = run_hall(layout, cust, 1, trace=log)
    calls = [(t, layout.window_names[w], i) for t, ev, i, w in log if ev == "call"]
    assert calls == [(590, "A-1", 0), (591, "A-2", 1), (636, "A-2", 2), (681, "A-2", 3)]
    assert (600, "staff", -1, 1) in log
    assert (rec.outcome == SERVED).all()
    # A-1 was on duty from the opening to 10:35 (finishing its customer past its
    # 10:00 end of duty); A-2 from the opening past the 12:00 closing to 12:06, when
    # it finished the customer it called at 11:21
    np.testing.assert_array_equal(rec.duty, [[0, 540.0, 635.0], [1, 540.0, 726.0]])


def test_a_window_finishing_past_closing_is_counted_staffed_once():
    """Open 08:30-12:00; the only window goes off duty at 11:55 while serving a
    20-minute customer who came at 11:50: staffed = 3 h 25 min scheduled + 5 min
    off-schedule in hours + 10 min overtime after closing = 3 h 40 min."""
    scenario = scenario_from_dict({
        "name": "late", "hall": {"open": ["08:30-12:00"], "days": 1},
        "categories": {"a": {"arrivals_per_hour": 1,
                             "service": {"dist": "deterministic", "value": 20}}},
        "windows": [{"id": "A", "count": 1, "serves": ["a"],
                     "schedule": {"08:30": 1, "11:55": 0}}],
    })
    layout = HallLayout.from_scenario(scenario)
    cust = Customers(("a",), np.array([710.0]), np.zeros(1, np.int32), np.array([20.0]),
                     np.array([np.inf]))
    rec = run_hall(layout, cust, 1)
    summary = summarise(scenario, layout, rec)["by_window"]["A"]
    assert summary["staffed_hours"] == pytest.approx(220 / 60)
    assert summary["busy_hours"] == pytest.approx(20 / 60)
