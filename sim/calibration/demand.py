"""Demand estimators: working weekdays, opening hours, arrival profiles, day factors
and the day-to-day variation beyond Poisson.

Model: on working day ``d`` (weekday ``w``) tickets of item ``i`` arrive as a
Poisson process with rate ``L_d * f_w * r_i(t)``: ``r_i`` a profile, piecewise
constant over bins of the day; ``f_w`` the weekday factor (mean 1 over a week);
``L_d`` a random day level with mean 1 and coefficient of variation ``cv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.scenario.calendar import WEEKDAYS


@dataclass(frozen=True)
class Days:
    """The working days of a log: their dates, weekdays and ticket counts."""

    dates: pd.DatetimeIndex
    weekdays: tuple[int, ...]  # working weekdays (0 = Monday), in week order
    counts: np.ndarray  # tickets per working day

    @property
    def weekend_names(self) -> tuple[str, ...]:
        """Names of the non-working weekdays (for the scenario's calendar)."""
        return tuple(WEEKDAYS[w] for w in range(7) if w not in self.weekdays)


def working_days(dates: pd.Series, min_share: float = 0.5) -> Days:
    """Working weekdays: those whose median day has at least ``min_share`` of the
    busiest weekday's median count (a half day such as the bank's Friday is not one), and
    at least one day with tickets (a log of scattered days, most weekdays' median 0, has no
    factor for a weekday it never saw)."""
    per_day = dates.value_counts().sort_index()
    all_days = pd.date_range(per_day.index.min(), per_day.index.max(), freq="D")
    per_day = per_day.reindex(all_days, fill_value=0)
    med = per_day.groupby(per_day.index.day_of_week).median()
    seen = set(per_day.index[per_day.to_numpy() > 0].day_of_week)  # a weekday with tickets
    weekdays = tuple(int(w) for w in med.index if med[w] >= min_share * med.max() and w in seen)
    keep = per_day[np.isin(per_day.index.day_of_week, weekdays) & (per_day.to_numpy() > 0)]
    return Days(pd.DatetimeIndex(keep.index), weekdays, keep.to_numpy(dtype=float))


def open_bins(minute: np.ndarray, day_index: np.ndarray, n_days: int, resolution: int,
              min_share: float = 0.5) -> np.ndarray:
    """Bins (of ``resolution`` minutes) with a ticket on at least ``min_share`` of days."""
    n_bins = 1440 // resolution
    b = np.minimum((minute // resolution).astype(int), n_bins - 1)
    seen = np.zeros((n_days, n_bins), dtype=bool)
    seen[day_index, b] = True
    return np.flatnonzero(seen.mean(axis=0) >= min_share)


def periods_of(bins: np.ndarray, resolution: int) -> list[tuple[int, int]]:
    """Contiguous runs of open bins as ``(start, end)`` minutes."""
    out: list[tuple[int, int]] = []
    for b in bins:
        s = int(b) * resolution
        if out and out[-1][1] == s:
            out[-1] = (out[-1][0], s + resolution)
        else:
            out.append((s, s + resolution))
    return out


def day_factors(days: Days, start_weekday: int) -> tuple[np.ndarray, np.ndarray]:
    """Weekday factors in calendar order from ``start_weekday`` (mean 1), and each
    working day's factor."""
    wd = days.dates.day_of_week.to_numpy()
    means = np.array([days.counts[wd == w].mean() for w in days.weekdays])
    factors = means / means.mean()
    k = days.weekdays.index(start_weekday)
    ordered = np.roll(factors, -k)
    per_day = factors[np.searchsorted(np.array(days.weekdays), wd)]
    return ordered, per_day


@dataclass(frozen=True)
class Dispersion:
    """Day-to-day variation: index of dispersion, its test against Poisson, and the CV."""

    index: float
    p_value: float
    cv: float
    n_days: int


def day_level(counts: np.ndarray, expected: np.ndarray, n_factors: int,
              alpha: float = 0.05) -> Dispersion:
    """Estimate the random day level's CV from daily counts and their expectations.

    Under Poisson days, ``sum((N - mu)^2 / mu)`` is chi-square with ``n - k`` degrees
    of freedom (``k`` weekday factors fitted). With a gamma day level of CV ``c``,
    ``Var N = mu + mu^2 c^2``; the moment estimator is
    ``c^2 = sum((N - mu)^2 - mu) / sum(mu^2)`` (scaled by ``n / (n - k)``). The CV is
    kept only when Poisson is rejected at ``alpha``; otherwise 0.
    """
    n = len(counts)
    dof = max(n - n_factors, 1)
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    p = float(stats.chi2.sf(chi2, dof))
    cv2 = (np.sum((counts - expected) ** 2) * n / dof - np.sum(expected)) / np.sum(expected**2)
    cv = float(np.sqrt(max(cv2, 0.0))) if p < alpha else 0.0
    return Dispersion(chi2 / dof, p, cv, n)


def profile_rates(minute: np.ndarray, weight_days: float, bins: np.ndarray,
                  resolution: int) -> np.ndarray:
    """Tickets per hour in each open bin: count / (sum of the days' factors x bin hours)."""
    b = np.minimum((minute // resolution).astype(int), 1440 // resolution - 1)
    counts = np.bincount(b, minlength=1440 // resolution)[bins]
    return counts / (weight_days * resolution / 60.0)
