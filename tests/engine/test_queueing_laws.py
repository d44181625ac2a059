"""The engine against queueing laws that a mean over M/M/c cannot see: non-exponential
service (Pollaczek–Khinchine), Erlang A waits, a time-varying infinite-server hall, and
the whole distribution of waits under first-come, first-served.

Each check uses enough customers that the 99% interval is narrow, so a wrong engine
(wrong service draws, a LIFO queue, a hall that ignores the profile) fails.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.engine.records import SERVED
from sim.stats.theory import erlang_a, mmc_wait_tail
from tests.helpers import assert_matches_theory, continuous, exp, per_rep, run

PER_MIN = 1 / 60


def pollaczek_khinchine_wait(lam: float, mean: float, second_moment: float) -> float:
    """Mean wait in queue of an M/G/1: ``lam E[S^2] / (2 (1 - rho))`` (minutes)."""
    rho = lam * mean
    return lam * second_moment / (2 * (1 - rho))


def test_a_deterministic_service_halves_the_m_m_1_wait():
    """M/D/1 at utilisation 0.8, 10-minute services: Pollaczek–Khinchine gives 20 min,
    half the 40 minutes of an exponential service of the same mean."""
    scenario = continuous({"a": {"arrivals_per_hour": 4.8,
                                 "service": {"dist": "deterministic", "value": 10}}},
                          [{"id": "A", "count": 1, "serves": ["a"]}], days=120)
    theory = pollaczek_khinchine_wait(4.8 * PER_MIN, 10.0, 100.0)
    assert theory == pytest.approx(20.0)
    assert_matches_theory(per_rep(run(scenario, replications=16), "overall", "wait_mean"),
                          theory, 0.08, "M/D/1 mean wait")


def test_a_lognormal_service_follows_pollaczek_khinchine():
    """M/G/1 at utilisation 0.7 with lognormal services (mean 10, CV 0.5):
    E[S^2] = (1 + cv^2) mean^2 = 125, so the mean wait is 0.07 x 125 / 0.6 = 14.58 min."""
    scenario = continuous({"a": {"arrivals_per_hour": 4.2,
                                 "service": {"dist": "lognormal", "mean": 10, "cv": 0.5}}},
                          [{"id": "A", "count": 1, "serves": ["a"]}], days=120)
    theory = pollaczek_khinchine_wait(4.2 * PER_MIN, 10.0, (1 + 0.5**2) * 100.0)
    assert_matches_theory(per_rep(run(scenario, replications=16), "overall", "wait_mean"),
                          theory, 0.08, "M/G/1 mean wait")


@pytest.fixture(scope="module")
def erlang_a_hall():
    """M/M/10+M at 54 arrivals an hour, 10-minute services, 30-minute mean patience."""
    scenario = continuous({"a": {"arrivals_per_hour": 54.0, "service": exp(10),
                                 "patience": exp(30)}},
                          [{"id": "A", "count": 10, "serves": ["a"]}], days=40)
    return run(scenario, replications=16), erlang_a(54 * PER_MIN, 0.1, 1 / 30, 10)


def test_erlang_a_share_of_callers_who_wait(erlang_a_hall):
    """P(wait > 0) is the share of arrivals who find every window busy: served ones who
    waited, and every abandoner (who must have waited to leave)."""
    result, theory = erlang_a_hall
    assert_matches_theory(per_rep(result, "overall", "p_wait_positive"), theory.p_wait, 0.05,
                          "Erlang A P(wait > 0)")


def test_erlang_a_mean_wait_of_the_served(erlang_a_hall):
    """The results document's wait_mean is over served customers: Erlang A's served wait."""
    result, theory = erlang_a_hall
    assert_matches_theory(per_rep(result, "overall", "wait_mean"), theory.wait_mean_served,
                          0.10, "Erlang A mean wait of the served")


def _busy_by_hour(rec, w0: float, horizon: float) -> np.ndarray:
    """Mean number of busy windows in each hour of the day, from the records alone."""
    served = rec.outcome == SERVED
    start, end = np.maximum(rec.call[served], w0), np.minimum(rec.end[served], horizon)
    edges = np.arange(w0, horizon + 1, 60.0)
    # busy minutes in each hourly bin: integral of the number of services in progress
    def cum(points: np.ndarray) -> np.ndarray:
        s = np.sort(points)
        csum = np.concatenate(([0.0], np.cumsum(s)))
        k = np.searchsorted(s, edges, side="right")
        return csum[k] + edges * (len(s) - k)
    busy = np.diff(cum(end) - cum(start))
    return busy.reshape(-1, 24).mean(axis=0) / 60.0


def _offered_load_by_hour(rates_per_hour: list[float], mu: float) -> np.ndarray:
    """Hourly mean of m(t), the offered load of an M_t/M/infinity system in its periodic
    steady state: m' = lam(t) - mu m, solved exactly on each hour (lam constant there)."""
    lam = np.asarray(rates_per_hour) * PER_MIN
    m = 0.0
    for _ in range(50):  # iterate days until the periodic solution settles
        means = []
        for rate in lam:
            target = rate / mu
            decay = math.exp(-mu * 60.0)
            # average of target + (m - target) e^{-mu t} over the hour
            means.append(target + (m - target) * (1 - decay) / (mu * 60.0))
            m = target + (m - target) * decay
    return np.asarray(means)


def test_a_time_varying_hall_with_ample_windows_carries_its_offered_load_by_hour():
    """M_t/M/infinity: 200 windows never all busy, demand 20 + 15 sin(2 pi h / 24) an hour
    (an hourly profile), 45-minute services. The busy windows in each hour match the
    offered load m(t) of the infinite-server model, which lags the arrival peak."""
    rates = [20 + 15 * math.sin(2 * math.pi * h / 24) for h in range(24)]
    profile = {f"{h:02d}:00": round(r, 6) for h, r in enumerate(rates)}
    scenario = continuous({"a": {"arrivals_per_hour": profile, "service": exp(45)}},
                          [{"id": "A", "count": 200, "serves": ["a"]}], days=80)
    result = run(scenario, replications=20, keep_records=True)
    theory = _offered_load_by_hour(rates, 1 / 45)
    per_rep_busy = np.array([_busy_by_hour(r.records, 2 * 1440.0, 80 * 1440.0)
                             for r in result.replications])
    peak_hour = int(np.argmax(theory))
    assert peak_hour > 6, "the offered load peaks after the arrival peak at 06:00"
    # 24 hours checked at once: each hour's interval at the Bonferroni level 1 - 0.01 / 24
    mean = per_rep_busy.mean(axis=0)
    half = stats.t.ppf(1 - 0.005 / 24, len(per_rep_busy) - 1) * stats.sem(per_rep_busy, axis=0)
    assert np.all(half <= 0.06 * theory.mean()), "intervals too wide to be a test"
    outside = [f"{h:02d}:00 {mean[h]:.2f}±{half[h]:.2f} vs {theory[h]:.2f}"
               for h in range(24) if abs(mean[h] - theory[h]) > half[h]]
    assert not outside, outside


def test_waits_follow_the_fcfs_distribution_not_only_its_mean():
    """M/M/4 at utilisation 0.85: under first-come, first-served the waits of those who
    wait are exponential with rate c mu - lam, so P(W > t) = C e^{-(c mu - lam) t} at every
    t. A LIFO or random-order queue has the same mean wait but a longer tail, which the
    far points of this curve see."""
    lam, mu, c = 0.34, 0.1, 4
    scenario = continuous({"a": {"arrivals_per_hour": lam * 60, "service": exp(10)}},
                          [{"id": "A", "count": c, "serves": ["a"]}], days=100)
    result = run(scenario, replications=16, keep_records=True)
    for t, tolerance in ((0.0, 0.06), (10.0, 0.1), (20.0, 0.12), (40.0, 0.25)):
        shares = []
        for rep in result.replications:
            rec = rep.records
            keep = (rec.arrival >= 2 * 1440.0) & (rec.outcome == SERVED)
            shares.append(np.mean((rec.call - rec.arrival)[keep] > t))
        theory = mmc_wait_tail(lam, mu, c, t)
        assert_matches_theory(np.array(shares), theory, tolerance, f"P(W > {t:g})")


def test_the_fcfs_wait_distribution_passes_a_goodness_of_fit_test():
    """The positive waits of one long M/M/4 run are exponential with rate c mu - lam
    (a Kolmogorov–Smirnov test on a thinned, nearly independent sample)."""
    lam, mu, c = 0.34, 0.1, 4
    scenario = continuous({"a": {"arrivals_per_hour": lam * 60, "service": exp(10)}},
                          [{"id": "A", "count": c, "serves": ["a"]}], days=60)
    rec = run(scenario, replications=1, keep_records=True).replications[0].records
    keep = (rec.arrival >= 2 * 1440.0) & (rec.outcome == SERVED)
    wait = (rec.call - rec.arrival)[keep]
    positive = wait[wait > 0][::25]  # every 25th: far apart in time, so nearly independent
    p = stats.kstest(positive, stats.expon(scale=1 / (c * mu - lam)).cdf).pvalue
    assert p > 0.001, f"positive waits are not Exp({c * mu - lam:g}): KS p = {p:.2g}"
