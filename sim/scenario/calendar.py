"""Working-day calendar: which dates the simulated days are, and working time.

The simulation clock counts minutes from the start of day 0, and *every
simulated day is a working day*: weekends and holidays are not in the clock,
since neither the hall nor the back office works on them. The calendar maps
working day ``d`` to its date (skipping weekends and listed holidays), so lead
times can be reported in calendar days as well as in working days.

Back-office work is measured in *working minutes*: minutes inside the back
office's daily hours. :meth:`WorkingTime.minutes_before` turns clock time into
elapsed working minutes, and :meth:`WorkingTime.clock_time` turns working
minutes back into clock time, so a review of 30 working minutes started at 16:50
on a Friday (hours ending 17:00) finishes at 08:50 on the next working day:
Monday, or Tuesday if Monday is a holiday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator

from sim.scenario.clock import MINUTES_PER_DAY

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Calendar(BaseModel):
    """Dates of the working days: a start date, weekend days and holidays."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: dt.date = dt.date(2024, 1, 1)  # a Monday
    weekends: tuple[str, ...] = ("sat", "sun")
    holidays: tuple[dt.date, ...] = ()

    @field_validator("weekends")
    @classmethod
    def _check_weekends(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for day in value:
            if day not in WEEKDAYS:
                raise ValueError(f"'{day}' is not a weekday name ({', '.join(WEEKDAYS)})")
        if len(set(value)) == 7:
            raise ValueError("every day of the week is a weekend")
        return value

    def is_working(self, date: dt.date) -> bool:
        """Whether ``date`` is a working day."""
        return WEEKDAYS[date.weekday()] not in self.weekends and date not in self.holidays

    def dates(self, n: int) -> list[dt.date]:
        """The first ``n`` working dates on or after ``start``."""
        out: list[dt.date] = []
        date = self.start
        while len(out) < n:
            if self.is_working(date):
                out.append(date)
            date += dt.timedelta(days=1)
        return out

    def calendar_offsets(self, n: int) -> np.ndarray:
        """Calendar days from the first working date to each of the first ``n`` working dates."""
        dates = self.dates(n)
        return np.array([(d - dates[0]).days for d in dates], dtype=float)


class WorkingTime:
    """Conversion between clock minutes and working minutes for daily hours."""

    def __init__(self, periods: Sequence[tuple[float, float]]) -> None:
        self.periods = tuple(periods)
        self.starts = np.array([s for s, _ in self.periods])
        self.ends = np.array([e for _, e in self.periods])
        self.per_day = float((self.ends - self.starts).sum())
        self.cum = np.concatenate(([0.0], np.cumsum(self.ends - self.starts)))

    def minutes_before_many(self, t: np.ndarray) -> np.ndarray:
        """:meth:`minutes_before` for an array of clock times."""
        t = np.asarray(t, dtype=float)
        day = np.floor(t / MINUTES_PER_DAY)
        tod = t - day * MINUTES_PER_DAY
        within = np.zeros_like(t)
        for s, e in self.periods:
            within += np.clip(tod - s, 0.0, e - s)
        return day * self.per_day + within

    def minutes_before(self, t: float) -> float:
        """Working minutes elapsed in ``[0, t)``."""
        day = t // MINUTES_PER_DAY
        tod = t - day * MINUTES_PER_DAY
        within = 0.0
        for s, e in self.periods:
            if tod > s:
                within += min(tod, e) - s
        return day * self.per_day + within

    def clock_time(self, w: float) -> float:
        """The earliest clock time by which ``w`` working minutes have elapsed."""
        if w <= 0:
            return self.periods[0][0]
        day, rem = divmod(w, self.per_day)
        if rem == 0:  # exactly at the end of a working day
            return (day - 1) * MINUTES_PER_DAY + self.periods[-1][1]
        k = int(np.searchsorted(self.cum, rem, side="left")) - 1
        return day * MINUTES_PER_DAY + self.periods[k][0] + (rem - self.cum[k])

    def finish(self, start: float, work: float) -> float:
        """Clock time at which ``work`` working minutes begun at ``start`` are done."""
        return self.clock_time(self.minutes_before(start) + work)

    def next_open(self, t: float) -> float:
        """``t`` if inside working hours, else the start of the next working period."""
        day = t // MINUTES_PER_DAY
        tod = t - day * MINUTES_PER_DAY
        for s, e in self.periods:
            if tod < e:
                return day * MINUTES_PER_DAY + max(tod, s)
        return (day + 1) * MINUTES_PER_DAY + self.periods[0][0]

