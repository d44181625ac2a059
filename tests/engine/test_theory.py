"""Stories about the queueing-theory reference formulas in :mod:`sim.stats.theory`."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.stats import poisson

from sim.stats.theory import (
    ErlangAResult,
    erlang_a,
    erlang_b,
    erlang_c,
    fork_join_two_exp_mean,
    mm1_sojourn_mean,
    mmc_priority_wait_means,
    mmc_queue_mean,
    mmc_servers_for_service_level,
    mmc_utilisation,
    mmc_wait_mean,
    mmc_wait_tail,
)


def erlang_c_by_summation(c: int, a: Fraction) -> Fraction:
    """Textbook Erlang C, summed exactly with fractions (only for a < c)."""
    top = a**c / math.factorial(c) * Fraction(c) / (c - a)
    below = sum(a**k / math.factorial(k) for k in range(c))
    return top / (below + top)


# --------------------------------------------------------------------------- Erlang B / C


def test_two_clerks_with_one_erlang_of_work_make_a_third_of_citizens_wait():
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-12)


@pytest.mark.parametrize(
    ("c", "a"),
    [
        (1, Fraction(1, 2)),
        (3, Fraction(2)),
        (5, Fraction(9, 2)),
        (10, Fraction(8)),
        (25, Fraction(20)),
    ],
)
def test_erlang_c_matches_the_textbook_summation(c: int, a: Fraction):
    assert erlang_c(c, float(a)) == pytest.approx(float(erlang_c_by_summation(c, a)), rel=1e-12)


def test_erlang_b_matches_small_hand_values():
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)  # (1/2) / (1 + 1 + 1/2)


@pytest.mark.parametrize(("c", "a"), [(1000, 1000.0), (1000, 900.0), (500, 1000.0), (50, 0.5)])
def test_erlang_b_stays_accurate_for_a_thousand_servers(c: int, a: float):
    # B(c, a) = P(X = c) / P(X <= c) for X ~ Poisson(a): an independent route.
    expected = poisson.pmf(c, a) / poisson.cdf(c, a)
    assert erlang_b(c, a) == pytest.approx(expected, rel=1e-9)


def test_a_hall_with_more_work_than_windows_makes_everyone_wait():
    assert erlang_c(3, 3.0) == 1.0
    assert erlang_c(3, 7.5) == 1.0
    assert mmc_wait_mean(3.0, 1.0, 3) == math.inf
    assert mmc_queue_mean(4.0, 1.0, 3) == math.inf
    assert mmc_wait_tail(4.0, 1.0, 3, 10.0) == 1.0
    assert mm1_sojourn_mean(2.0, 2.0) == math.inf
    assert mmc_utilisation(4.0, 1.0, 3) == pytest.approx(4 / 3)


# --------------------------------------------------------------------------- M/M/c


def test_single_window_reduces_to_m_m_1():
    lam, mu = 0.5, 1.0
    assert mmc_wait_mean(lam, mu, 1) == pytest.approx((lam / mu) / (mu - lam))
    assert mmc_queue_mean(lam, mu, 1) == pytest.approx((lam / mu) ** 2 / (1 - lam / mu))
    assert mmc_wait_mean(lam, mu, 1) + 1 / mu == pytest.approx(mm1_sojourn_mean(lam, mu))


def test_wait_tail_starts_at_erlang_c_and_integrates_to_the_mean():
    lam, mu, c = 9.0, 1.0, 11
    assert mmc_wait_tail(lam, mu, c, 0.0) == pytest.approx(erlang_c(c, lam / mu))
    # E[Wq] = integral of P(Wq > t) dt; trapezoid over a fine grid.
    ts = np.linspace(0.0, 30.0, 30001)
    tail = np.array([mmc_wait_tail(lam, mu, c, t) for t in ts])
    integral = float(np.sum((tail[1:] + tail[:-1]) / 2 * np.diff(ts)))
    assert integral == pytest.approx(mmc_wait_mean(lam, mu, c), rel=1e-6)


def test_staffing_picks_the_smallest_number_of_windows_that_meets_the_target():
    lam, mu, T, alpha = 10.0, 1.0, 0.2, 0.8
    c = mmc_servers_for_service_level(lam, mu, T, alpha)
    assert 1 - mmc_wait_tail(lam, mu, c, T) >= alpha
    assert c - 1 <= lam / mu or 1 - mmc_wait_tail(lam, mu, c - 1, T) < alpha
    assert c == 13


@pytest.mark.parametrize("c0", [3, 12, 40])
def test_a_target_met_exactly_counts_as_met(c0: int):
    lam, mu, T = 0.9 * c0, 1.0, 0.1
    alpha = 1 - mmc_wait_tail(lam, mu, c0, T)  # the level c0 windows achieve
    assert mmc_servers_for_service_level(lam, mu, T, alpha) == c0
    assert mmc_servers_for_service_level(lam, mu, T, min(alpha + 1e-9, 0.999999)) == c0 + 1


def test_staffing_never_proposes_an_unstable_hall():
    # With a trivial target the answer is the first stable size, strictly above a.
    assert mmc_servers_for_service_level(10.0, 1.0, 0.0, 0.0) == 11
    assert mmc_servers_for_service_level(10.5, 1.0, 5.0, 0.01) == 11


def test_stricter_targets_need_at_least_as_many_windows():
    sizes = [mmc_servers_for_service_level(50.0, 0.5, 0.1, alpha) for alpha in (0.5, 0.8, 0.95)]
    assert sizes == sorted(sizes)
    assert sizes[0] > 100


# --------------------------------------------------------------------------- priorities


def test_one_priority_class_is_plain_fcfs():
    (w,) = mmc_priority_wait_means([7.0], 1.0, 9)
    assert w == pytest.approx(mmc_wait_mean(7.0, 1.0, 9), rel=1e-12)


def test_priority_conserves_the_mean_wait_of_fcfs():
    lams, mu, c = [2.0, 5.0], 0.8, 10
    waits = mmc_priority_wait_means(lams, mu, c)
    assert waits[0] < mmc_wait_mean(sum(lams), mu, c) < waits[1]
    weighted = sum(lam * w for lam, w in zip(lams, waits, strict=True)) / sum(lams)
    assert weighted == pytest.approx(mmc_wait_mean(sum(lams), mu, c), rel=1e-12)


def test_priority_conservation_holds_for_many_classes():
    lams, mu, c = [0.3, 1.1, 0.0, 2.4, 0.7], 0.25, 20
    waits = mmc_priority_wait_means(lams, mu, c)
    assert waits == sorted(waits)
    weighted = sum(lam * w for lam, w in zip(lams, waits, strict=True)) / sum(lams)
    assert weighted == pytest.approx(mmc_wait_mean(sum(lams), mu, c), rel=1e-12)


def test_overloaded_hall_starves_low_priority_but_not_high_priority():
    waits = mmc_priority_wait_means([1.0, 5.0], 1.0, 3)
    assert waits[1] == math.inf
    assert waits[0] == pytest.approx(1 / (3 * (1 - 1 / 3)))  # C = 1, sigma_0 = 1/3


# --------------------------------------------------------------------------- Erlang A


def test_impatience_at_the_service_rate_makes_the_hall_an_infinite_server_system():
    # theta == mu: every customer leaves at rate mu whether served or not, so N ~ Poisson(a).
    lam, mu, c = 8.0, 1.0, 10
    res = erlang_a(lam, mu, mu, c)
    n = np.arange(0, 400)
    pmf = poisson.pmf(n, lam / mu)
    queue_mean = float(np.sum(np.maximum(n - c, 0) * pmf))
    assert res.queue_mean == pytest.approx(queue_mean, rel=1e-10)
    assert res.p_abandon == pytest.approx(queue_mean * mu / lam, rel=1e-10)
    assert res.p_wait == pytest.approx(poisson.sf(c - 1, lam / mu), rel=1e-10)
    assert res.utilisation == pytest.approx(float(np.sum(np.minimum(n, c) * pmf)) / c, rel=1e-10)
    assert res.wait_mean_all == pytest.approx(queue_mean / lam, rel=1e-10)


def test_very_patient_citizens_recover_erlang_c():
    lam, mu, c = 8.0, 1.0, 10
    res = erlang_a(lam, mu, 1e-9, c)
    assert res.p_wait == pytest.approx(erlang_c(c, lam / mu), rel=1e-6)
    assert res.queue_mean == pytest.approx(mmc_queue_mean(lam, mu, c), rel=1e-6)
    assert res.p_abandon < 1e-8


def test_abandonment_keeps_an_overloaded_hall_in_balance():
    # Flow balance of the birth-death chain: arrivals = services + abandonments.
    lam, mu, theta, c = 12.0, 1.0, 0.5, 10
    res = erlang_a(lam, mu, theta, c)
    served = mu * c * res.utilisation
    assert lam * (1 - res.p_abandon) == pytest.approx(served, rel=1e-10)
    assert 0 < res.p_abandon < 1 and 0 < res.p_wait < 1
    # At least the excess load lam - c*mu must abandon.
    assert res.p_abandon >= (lam - c * mu) / lam


def test_erlang_a_handles_two_hundred_windows_without_overflow():
    lam, mu, theta, c = 190.0, 1.0, 0.1, 200
    res = erlang_a(lam, mu, theta, c)
    assert isinstance(res, ErlangAResult)
    assert all(math.isfinite(v) for v in (res.p_wait, res.queue_mean, res.utilisation))
    assert 0 < res.p_wait < erlang_c(c, lam / mu)  # impatience shortens the queue
    assert lam * (1 - res.p_abandon) == pytest.approx(mu * c * res.utilisation, rel=1e-10)


def test_erlang_a_result_is_immutable():
    res = erlang_a(1.0, 1.0, 1.0, 1)
    with pytest.raises(AttributeError):
        res.p_wait = 0.0  # type: ignore[misc]


def test_explicit_truncation_is_respected():
    lam, mu, c = 8.0, 1.0, 10
    exact = erlang_a(lam, mu, mu, c)
    assert erlang_a(lam, mu, mu, c, n_max=60).p_wait == pytest.approx(exact.p_wait, rel=1e-12)
    # Truncating at c means nobody ever queues.
    tight = erlang_a(lam, mu, mu, c, n_max=c)
    assert tight.queue_mean == 0.0 and tight.p_abandon == 0.0


# --------------------------------------------------------------------------- small models


def test_fork_join_of_two_counters_waits_for_the_slower_one():
    assert fork_join_two_exp_mean(1.0, 1.0) == pytest.approx(1.5)
    assert fork_join_two_exp_mean(2.0, 0.5) == pytest.approx(0.5 + 2.0 - 0.4)
    assert max(1 / 2.0, 1 / 0.5) < fork_join_two_exp_mean(2.0, 0.5) < 1 / 2.0 + 1 / 0.5


def test_m_m_1_sojourn():
    assert mm1_sojourn_mean(3.0, 4.0) == pytest.approx(1.0)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call",
    [
        lambda: erlang_b(0, 1.0),
        lambda: erlang_c(-1, 1.0),
        lambda: erlang_c(2, -0.5),
        lambda: erlang_c(2.5, 1.0),  # type: ignore[arg-type]
        lambda: mmc_wait_mean(0.0, 1.0, 2),
        lambda: mmc_wait_mean(1.0, -1.0, 2),
        lambda: mmc_wait_mean(1.0, 1.0, 0),
        lambda: mmc_wait_tail(1.0, 1.0, 2, -1.0),
        lambda: mmc_queue_mean(math.nan, 1.0, 2),
        lambda: mmc_utilisation(1.0, math.inf, 2),
        lambda: mmc_servers_for_service_level(1.0, 1.0, 0.5, 1.0),
        lambda: mmc_servers_for_service_level(1.0, 0.0, 0.5, 0.8),
        lambda: mmc_priority_wait_means([], 1.0, 2),
        lambda: mmc_priority_wait_means([1.0, -1.0], 1.0, 2),
        lambda: erlang_a(1.0, 1.0, 0.0, 2),
        lambda: erlang_a(1.0, 1.0, 1.0, 5, n_max=3),
        lambda: fork_join_two_exp_mean(0.0, 1.0),
        lambda: mm1_sojourn_mean(-1.0, 1.0),
    ],
)
def test_bad_input_is_rejected_with_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_error_message_names_the_bad_argument():
    with pytest.raises(ValueError, match="mu"):
        mmc_wait_mean(1.0, 0.0, 2)
    with pytest.raises(ValueError, match="servers"):
        erlang_c(0, 1.0)
