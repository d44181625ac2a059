"""Confidence intervals over replications (sim.stats.ci) behave as Student-t theory says."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.stats.ci import half_width, lower_bound, mean_ci, paired_ci, unpaired_ci


def test_one_replication_has_half_width_zero_as_the_contract_says():
    assert mean_ci([3.5]) == (3.5, 0.0)
    assert half_width([]) == 0.0
    assert math.isnan(mean_ci([math.nan])[0])


def test_half_width_is_t_quantile_times_standard_error():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    expected = stats.t.ppf(0.975, 3) * x.std(ddof=1) / math.sqrt(4)
    assert half_width(x) == pytest.approx(expected)


def test_undefined_replications_are_left_out():
    assert mean_ci([1.0, math.nan, 3.0]) == pytest.approx(mean_ci([1.0, 3.0]))


def test_intervals_cover_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(7)
    trials = 2000
    hits = 0
    for _ in range(trials):
        m, h = mean_ci(rng.normal(5.0, 2.0, 8))
        hits += abs(m - 5.0) <= h
    # binomial standard error at 2000 trials is 0.5 %: 4 of them either side
    assert 0.93 <= hits / trials <= 0.97


def test_one_sided_lower_bound_is_below_the_mean_and_above_the_two_sided_end():
    x = [0.7, 0.8, 0.75, 0.9, 0.85]
    m, h = mean_ci(x)
    assert m - h < lower_bound(x) < m


def test_pairing_tightens_the_interval_of_correlated_replications():
    """Common random numbers: b = a + small shift, so the paired interval is narrow."""
    rng = np.random.default_rng(3)
    a = rng.normal(10.0, 3.0, 20)
    b = a + 0.5 + rng.normal(0.0, 0.1, 20)
    diff, paired = paired_ci(a, b)
    diff_u, unpaired = unpaired_ci(a, b)
    assert diff == pytest.approx(diff_u)
    assert abs(diff - 0.5) < paired < unpaired / 5


def test_paired_difference_drops_pairs_with_a_missing_side():
    diff, half = paired_ci([1.0, math.nan, 3.0], [2.0, 5.0, 4.0])
    assert diff == pytest.approx(1.0) and half == 0.0
    assert math.isnan(paired_ci([math.nan], [1.0])[0])


def test_differences_equal_up_to_rounding_are_a_point_without_a_warning():
    # two scenarios that agree on a figure up to floating-point noise (a journey's time
    # summed in another order): the paired interval is a point, and scipy's
    # "catastrophic cancellation" warning never reaches the planner
    import warnings

    from sim.stats.ci import mean_ci, paired_ci

    a = np.array([10.0, 12.5, 9.75, 11.0, 10.25])
    b = a + 3.0 + np.array([0.0, 1.8e-15, -1.8e-15, 0.0, 3.6e-15])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        diff, half = paired_ci(a, b)
        mean, spread = mean_ci(np.full(4, 7.3) + np.array([0, 8.9e-16, 0, -8.9e-16]))
    assert diff == pytest.approx(3.0) and half < 1e-14  # spans the rounding noise
    assert mean == pytest.approx(7.3) and spread < 1e-14
    assert diff - half <= np.min(b - a) and diff + half >= np.max(b - a)


def test_welch_against_a_constant_sample_is_the_other_samples_t_interval():
    import warnings

    varied = np.array([1.0276, 1.0196, 1.0568, 1.0372, 1.0490])
    constant = np.ones(5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        diff, half = unpaired_ci(constant, varied)
    expected = stats.t.ppf(0.975, 4) * varied.std(ddof=1) / math.sqrt(5)
    assert diff == pytest.approx(varied.mean() - 1.0) and half == pytest.approx(expected)
