"""Staffed time and utilisation come from one source: the engine's on-duty intervals.

Utilisation is busy over staffed window time. Since a window serves only while
it is on duty, it is at most 1 in every view (overall, per window group, per
hour of day), whatever the schedule, the opening hours or the load.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given

from sim.batch.analysis import utilisation_by_hour
from sim.engine.records import SERVED
from sim.run.replications import simulate
from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.model import scenario_from_dict
from sim.stats.staffing import minutes_by_bin, window_time
from tests.engine.test_properties import SETTINGS, hall_dicts, seeds
from tests.helpers import continuous, exp

TOLERANCE = 1e-9


def one_run(scenario, seed=1):
    result = simulate(scenario, seed=seed, replications=1, keep_records=True)
    return result.replications[0], result.document()


def test_an_overloaded_round_the_clock_hall_is_busy_all_the_time_it_is_staffed():
    """Twice as much work as the window can do, open 00:00-24:00 for three days: the
    queue left at the horizon is served afterwards, outside the statistics window.
    It used to count as busy but not as staffed (utilisation 1.45)."""
    scenario = continuous({"a": {"arrivals_per_hour": 12, "service": exp(10)}},
                          [{"id": "A", "count": 1, "serves": ["a"]}], days=3, warmup=0)
    rep, doc = one_run(scenario)
    assert rep.records.end.max() > 3 * MINUTES_PER_DAY, "the queue outlives the horizon"
    assert doc["by_window"]["A"]["staffed_hours"] == pytest.approx(72.0)
    assert 0.98 < doc["overall"]["utilisation"] <= 1.0 + TOLERANCE
    assert doc["by_window"]["A"]["utilisation"] <= 1.0 + TOLERANCE


def test_windows_finishing_customers_after_a_schedule_drop_are_counted_staffed():
    """Four windows until 10:00, then one. The three taken off duty at 10:00 finish their
    50-minute customers first: that is staffed time too. The heatmap used to divide
    their busy time by the one scheduled window (310 % in the 10:00 hour)."""
    scenario = scenario_from_dict({
        "name": "drop", "hall": {"open": ["08:00-12:00"], "days": 3},
        "categories": {"a": {"arrivals_per_hour": 20,
                             "service": {"dist": "deterministic", "value": 50}}},
        "windows": [{"id": "A", "count": 4, "serves": ["a"],
                     "schedule": {"08:00": 4, "10:00": 1}}],
    })
    rep, doc = one_run(scenario)
    heat = utilisation_by_hour(scenario, rep.records)["A"]
    assert all(u <= 1.0 + TOLERANCE for u in heat.values()), heat
    wt = window_time(rep.records, 0.0, 3 * MINUTES_PER_DAY)
    # per day in the 10:00 hour: the one scheduled window plus the three finishing
    assert wt.staffed_by_hour[0, 10] / 3 > 60.0
    assert heat["10"] == pytest.approx(wt.busy_by_hour[0, 10] / wt.staffed_by_hour[0, 10])
    assert heat["10"] > 0.99, "overloaded: every staffed minute is busy"


def test_with_nobody_to_serve_staffed_time_is_the_schedule_while_open():
    """No customers: each window is on duty exactly while its schedule staffs it and the
    hall is open (1 x 90 + 4 x 120 + 2 x 210 window-minutes a day over 3 days)."""
    scenario = scenario_from_dict({
        "name": "empty", "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": 3},
        "categories": {"a": {"arrivals_per_hour": 0, "service": exp(5)}},
        "windows": [{"id": "A", "count": 4, "serves": ["a"],
                     "schedule": {"08:30": 1, "10:00": 4, "13:30": 2}},
                    {"id": "B", "count": 2, "serves": ["a"]}],
    })
    _rep, doc = one_run(scenario)
    assert doc["by_window"]["A"]["staffed_hours"] == pytest.approx(3 * (90 + 480 + 420) / 60)
    assert doc["by_window"]["B"]["staffed_hours"] == pytest.approx(3 * 2 * 7.0)
    assert doc["by_window"]["A"]["busy_hours"] == 0.0


def test_interval_minutes_are_cut_at_hour_edges_and_clipped_to_the_window():
    start = np.array([30.0, 100.0, -50.0])
    end = np.array([90.0, 100.0, 10.0])
    out = minutes_by_bin(start, end, np.array([0, 0, 1]), 2, 0.0, 120.0)
    np.testing.assert_allclose(out, [[30.0, 30.0], [10.0, 0.0]])


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_utilisation_is_busy_over_staffed_and_at_most_one_in_every_view(data, seed):
    scenario = scenario_from_dict(data, "hypothesis")
    rep, doc = one_run(scenario, seed)
    rec = rep.records
    # a window serves only while on duty: every service lies in one of its intervals
    served = rec.outcome == SERVED
    for w, call, end in zip(rec.window[served], rec.call[served], rec.end[served],
                            strict=True):
        mine = rec.duty[rec.duty[:, 0] == w]
        assert ((mine[:, 1] <= call) & (end <= mine[:, 2])).any(), (w, call, end)
    by_window = doc["by_window"]
    busy = sum(g["busy_hours"] for g in by_window.values())
    staffed = sum(g["staffed_hours"] for g in by_window.values())
    u = doc["overall"]["utilisation"]
    if staffed > 0:
        assert u <= 1.0 + TOLERANCE
        assert u == pytest.approx(busy / staffed, rel=1e-5, abs=1e-6)
    for g in by_window.values():
        if g["staffed_hours"] > 0:
            assert g["utilisation"] <= 1.0 + TOLERANCE
            assert g["utilisation"] == pytest.approx(g["busy_hours"] / g["staffed_hours"],
                                                     rel=1e-5, abs=1e-6)
    for hours in utilisation_by_hour(scenario, rec).values():
        assert all(v <= 1.0 + TOLERANCE for v in hours.values() if not math.isnan(v)), hours


def test_the_heatmap_leaves_out_the_lunch_break_and_the_evening():
    """Open 08:00-12:00 and 13:00-17:00, overloaded: windows finish the held tickets in
    the lunch hour and after 17:00. That overtime is busy all of its staffed time, so a
    heatmap listing those hours showed a closed hall at 100 %; only open hours appear."""
    scenario = scenario_from_dict({
        "name": "午休", "hall": {"open": ["08:00-12:00", "13:00-17:00"], "days": 2},
        "categories": {"社保": {"arrivals_per_hour": 14,
                              "service": {"dist": "deterministic", "value": 10}}},
        "windows": [{"id": "综合窗口", "count": 2, "serves": ["社保"]}],
    })
    rep, _doc = one_run(scenario)
    assert rep.records.end.max() % MINUTES_PER_DAY > 17 * 60, "overtime after closing"
    heat = utilisation_by_hour(scenario, rep.records)["综合窗口"]
    assert sorted(heat) == ["08", "09", "10", "11", "13", "14", "15", "16"]

