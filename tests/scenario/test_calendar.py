"""The working-day calendar: back-office work pauses outside working hours, skips
weekends and holidays, and lead times come out in working and calendar days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.engine.arrivals import Customers
from sim.engine.case_draws import draw_cases
from sim.engine.cases import CaseFlow
from sim.engine.hall import Hall, HallLayout
from sim.scenario.calendar import Calendar, WorkingTime
from sim.scenario.model import scenario_from_dict
from sim.stats.metrics import summarise

HOURS = WorkingTime([(510.0, 720.0), (810.0, 1020.0)])  # 08:30-12:00, 13:30-17:00
FRIDAY = 4 * 1440.0  # day 4 of a calendar starting on a Monday


def hhmm(day: float, text: str) -> float:
    h, m = text.split(":")
    return day + int(h) * 60 + int(m)


def test_thirty_minutes_left_at_1650_on_friday_finish_on_monday_morning():
    assert HOURS.finish(hhmm(FRIDAY, "16:50"), 30) == hhmm(FRIDAY + 1440, "08:50")


def test_work_started_after_closing_starts_at_the_next_opening():
    assert HOURS.finish(hhmm(FRIDAY, "17:30"), 30) == hhmm(FRIDAY + 1440, "09:00")
    assert HOURS.finish(hhmm(FRIDAY, "06:00"), 30) == hhmm(FRIDAY, "09:00")


def test_work_pauses_over_the_lunch_break():
    assert HOURS.finish(hhmm(0, "11:50"), 30) == hhmm(0, "13:50")
    assert HOURS.finish(hhmm(0, "12:30"), 30) == hhmm(0, "14:00")


def test_work_ending_exactly_at_closing_ends_that_day():
    assert HOURS.finish(hhmm(0, "16:30"), 30) == hhmm(0, "17:00")
    assert HOURS.finish(hhmm(0, "08:30"), 420) == hhmm(0, "17:00")  # a full working day


def test_long_work_spans_several_working_days():
    assert HOURS.finish(hhmm(0, "08:30"), 3 * 420 + 15) == hhmm(3 * 1440, "08:45")


def test_weekends_and_holidays_are_not_working_days():
    cal = Calendar(start=dt.date(2025, 3, 31), holidays=(dt.date(2025, 4, 4),))  # a Monday
    dates = cal.dates(6)
    assert dates == [dt.date(2025, 3, 31), dt.date(2025, 4, 1), dt.date(2025, 4, 2),
                     dt.date(2025, 4, 3), dt.date(2025, 4, 7), dt.date(2025, 4, 8)]
    np.testing.assert_array_equal(cal.calendar_offsets(6), [0, 1, 2, 3, 7, 8])


def test_calendar_rejects_a_week_without_working_days():
    with pytest.raises(ValueError):
        Calendar(weekends=("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


def _one_case(holidays: list[str]):
    scenario = scenario_from_dict({
        "name": "friday", "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": 6},
        "calendar": {"start": "2025-03-31", "holidays": holidays},
        "backoffice": {"stages": {"review": {"service": {"dist": "deterministic",
                                                         "value": 30}}}},
        "categories": {"permit": {"arrivals_per_hour": 0,
                                  "service": {"dist": "deterministic", "value": 10},
                                  "backoffice": {"route": ["review"], "promised_days": 1}}},
        "windows": [{"id": "A", "count": 1, "serves": ["permit"]}],
    })
    cust = Customers(("permit",), np.array([hhmm(FRIDAY, "16:40")]), np.zeros(1, np.int32),
                     np.array([10.0]), np.array([np.inf]))
    layout = HallLayout.from_scenario(scenario)
    hall = Hall(layout, cust)
    flow = CaseFlow(scenario, draw_cases(scenario, cust, seed=1, replication=0), hall.env,
                    hall.inject)
    rec = hall.run(6, flow)
    table = flow.table(0.0, 6 * 1440.0)
    return scenario, layout, rec, table


def test_a_case_accepted_late_on_friday_gets_its_result_on_monday():
    scenario, layout, rec, cases = _one_case([])
    assert rec.end[0] == hhmm(FRIDAY, "16:50")          # accepted at the window at 16:50
    assert cases.result[0] == hhmm(FRIDAY + 1440, "08:50")  # working day 5 = Monday
    summary = summarise(scenario, layout, rec, cases)["by_category"]["permit"]
    # 16:40 on Friday to 08:50 on Monday is 970 clock minutes of working days
    assert summary["lead_time_days_mean"] == pytest.approx((1440 + 530 - 1000) / 1440)
    # Friday 16:40 to Monday 08:50 is 2 days 16 h 10 min on the calendar
    assert summary["lead_time_calendar_days_mean"] == pytest.approx(3 - (1000 - 530) / 1440)
    assert summary["on_time_share"] == 1.0


def test_a_holiday_monday_moves_the_result_to_tuesday_on_the_calendar():
    scenario, layout, rec, cases = _one_case(["2025-04-07"])
    assert cases.result[0] == hhmm(FRIDAY + 1440, "08:50")  # still the next working day
    summary = summarise(scenario, layout, rec, cases)["by_category"]["permit"]
    assert summary["lead_time_calendar_days_mean"] == pytest.approx(4 - (1000 - 530) / 1440)
