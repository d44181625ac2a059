"""The random day level: days vary more than Poisson, by exactly the stated CV."""

from __future__ import annotations

import numpy as np
from scipy import stats

from sim.engine.arrivals import day_levels, draw_customers
from sim.scenario.model import scenario_from_dict


def _hall(cv: float, days: int = 60):
    return scenario_from_dict({
        "name": "level", "hall": {"open": ["09:00-17:00"], "days": days, "day_level_cv": cv},
        "categories": {"办证": {"arrivals_per_hour": 20, "service": {"dist": "exponential",
                                                                    "mean": 1}}},
        "windows": [{"id": "A", "count": 5, "serves": ["办证"]}]})


def test_daily_counts_have_index_of_dispersion_one_plus_mean_cv_squared():
    cv, mean = 0.2, 160.0  # 20 per hour for 8 hours
    scenario = _hall(cv)
    dispersion = []
    for rep in range(40):
        counts = np.bincount(draw_customers(scenario, 3, rep).day, minlength=60)
        dispersion.append(counts.var(ddof=1) / mean)
    d = np.array(dispersion)
    half = stats.t.ppf(0.995, len(d) - 1) * stats.sem(d)
    expected = 1 + mean * cv**2  # 7.4; Poisson days would give 1
    assert abs(d.mean() - expected) <= half
    assert d.mean() - half > 1 + 0.5 * mean * cv**2  # clearly not Poisson


def test_day_levels_are_shared_by_scenarios_with_the_same_seed_and_absent_at_cv_zero():
    assert np.array_equal(day_levels(_hall(0.3), 1, 0), day_levels(_hall(0.3), 1, 0))
    assert not np.array_equal(day_levels(_hall(0.3), 1, 0), day_levels(_hall(0.3), 1, 1))
    assert np.all(day_levels(_hall(0.0), 1, 0) == 1.0)
