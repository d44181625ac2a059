"""The engine against queueing theory: Erlang C, Erlang A, pooling, Little's law.

Each test runs a hall open around the clock long enough for steady-state
formulas to apply, and asks two things of the replications: that the 99%
confidence interval of the simulated figure contains the theoretical value, and
that the interval is narrow (a few per cent), so that a wrong engine fails.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.records import SERVED
from sim.stats.metrics import queue_area
from sim.stats.theory import (
    erlang_a,
    mmc_priority_wait_means,
    mmc_queue_mean,
    mmc_utilisation,
    mmc_wait_mean,
    mmc_wait_tail,
)
from tests.helpers import assert_matches_theory, continuous, exp, per_rep, run

PER_MIN = 1.0 / 60.0  # rates per hour -> per minute


@pytest.fixture(scope="module")
def mm5_at_090():
    """Five windows, exponential 10-minute service, 27 tickets an hour: utilisation 0.9."""
    scenario = continuous({"a": {"arrivals_per_hour": 27, "service": exp(10)}},
                          [{"id": "A", "count": 5, "serves": ["a"]}],
                          days=100, targets={"wait_minutes": 10})
    # near saturation a replication's mean wait varies a lot (sd ~1.5 min over 100
    # days): 32 of them make the 99% interval a few per cent wide
    return run(scenario, replications=32, keep_records=True)


def test_mmc_mean_wait_matches_erlang_c(mm5_at_090):
    theory = mmc_wait_mean(27 * PER_MIN, 0.1, 5)  # 15.25 minutes
    assert_matches_theory(per_rep(mm5_at_090, "overall", "wait_mean"), theory, 0.08,
                          "M/M/5 mean wait")


def test_mmc_wait_tail_matches_erlang_c(mm5_at_090):
    theory = mmc_wait_tail(27 * PER_MIN, 0.1, 5, 10.0)  # P(wait > 10 min) = 0.462
    assert_matches_theory(per_rep(mm5_at_090, "overall", "p_wait_over_target"), theory, 0.05,
                          "M/M/5 P(wait > 10)")


def test_utilisation_is_offered_load_over_capacity(mm5_at_090):
    theory = mmc_utilisation(27 * PER_MIN, 0.1, 5)  # 0.9
    assert_matches_theory(per_rep(mm5_at_090, "overall", "utilisation"), theory, 0.01,
                          "utilisation")
    assert_matches_theory(per_rep(mm5_at_090, "by_window", "A", "utilisation"), theory, 0.01,
                          "utilisation of group A")


def test_littles_law_on_the_simulated_queue(mm5_at_090):
    """Time-average queue length = arrival rate x mean wait, on every sample path,
    and both equal the Erlang C value of Lq."""
    lqs = []
    for rep in mm5_at_090.replications:
        rec = rep.records
        w0, horizon = 2 * 1440.0, 100 * 1440.0
        keep = (rec.arrival >= w0) & (rec.arrival < horizon)
        leave = np.where(np.isnan(rec.call), rec.end, rec.call)
        area = queue_area(rec.arrival[keep], leave[keep], np.array([w0, 1e12]))[0]
        span = horizon - w0
        lam_hat = keep.sum() / span
        wait_hat = (leave - rec.arrival)[keep].mean()
        assert area / span == pytest.approx(lam_hat * wait_hat, rel=1e-9)
        # the queue measured only inside the window (tickets leave after it too)
        inside = queue_area(rec.arrival, leave, np.array([w0, horizon]))[0] / span
        lqs.append(inside)
    theory = mmc_queue_mean(27 * PER_MIN, 0.1, 5)  # 6.86 waiting on average
    assert_matches_theory(np.array(lqs), theory, 0.08, "Lq")


def test_hourly_queue_profile_averages_to_lq(mm5_at_090):
    by_hour = mm5_at_090.document()["by_hour"]
    assert len(by_hour) == 24
    mean_queue = np.mean([h["queue_mean"] for h in by_hour.values()])
    assert mean_queue == pytest.approx(mmc_queue_mean(27 * PER_MIN, 0.1, 5), rel=0.05)


@pytest.mark.parametrize("arrivals_per_hour", [54.0, 66.0], ids=["rho0.9", "overloaded1.1"])
def test_erlang_a_abandonment(arrivals_per_hour):
    """M/M/10+M with 30-minute mean patience, below and above capacity."""
    scenario = continuous(
        {"a": {"arrivals_per_hour": arrivals_per_hour, "service": exp(10),
               "patience": exp(30)}},
        [{"id": "A", "count": 10, "serves": ["a"]}], days=30)
    result = run(scenario, replications=12)
    theory = erlang_a(arrivals_per_hour * PER_MIN, 0.1, 1 / 30, 10)
    assert_matches_theory(per_rep(result, "overall", "abandon_share"), theory.p_abandon, 0.08,
                          "Erlang A abandonment")
    assert_matches_theory(per_rep(result, "overall", "utilisation"), theory.utilisation, 0.01,
                          "Erlang A utilisation")


def test_pooling_three_dedicated_items_into_one_queue():
    """Three items, three windows each, at utilisation 0.85; then all nine windows pooled.
    Each dedicated item is an M/M/3 and the pooled hall an M/M/9: both match their
    own Erlang C, and pooling cuts the mean wait by a factor of about 3.4."""
    lam = 15.3
    cats = {k: {"arrivals_per_hour": lam, "service": exp(10)} for k in ("a", "b", "c")}
    dedicated = continuous(cats, [{"id": k.upper(), "count": 3, "serves": [k]} for k in cats],
                           days=40, name="dedicated")
    pooled = continuous(cats, [{"id": "P", "count": 9, "serves": ["*"]}], days=40,
                        name="pooled")
    r_ded, r_pool = run(dedicated, replications=16), run(pooled, replications=16)
    for k in cats:
        assert_matches_theory(per_rep(r_ded, "by_category", k, "wait_mean"),
                              mmc_wait_mean(lam * PER_MIN, 0.1, 3), 0.12, f"dedicated {k}")
    pooled_theory = mmc_wait_mean(3 * lam * PER_MIN, 0.1, 9)
    assert_matches_theory(per_rep(r_pool, "overall", "wait_mean"), pooled_theory, 0.10,
                          "pooled M/M/9")
    ratio = per_rep(r_ded, "overall", "wait_mean").mean() / per_rep(r_pool, "overall",
                                                                      "wait_mean").mean()
    assert ratio == pytest.approx(mmc_wait_mean(lam * PER_MIN, 0.1, 3) / pooled_theory,
                                  rel=0.15)


def test_slow_cross_authorised_staff_wait_like_a_slower_mmc():
    """Staff 25% slower on an item (speed 1.25) give the Erlang C wait of a 12.5-minute
    service, not of the specialist's 10 minutes."""
    scenario = continuous({"a": {"arrivals_per_hour": 16.32, "service": exp(10)}},
                          [{"id": "X", "count": 4, "serves": ["a"], "speed": {"a": 1.25}}],
                          days=80)
    result = run(scenario, replications=16)
    slow = mmc_wait_mean(16.32 * PER_MIN, 1 / 12.5, 4)  # utilisation 0.85
    fast = mmc_wait_mean(16.32 * PER_MIN, 1 / 10, 4)
    assert slow > 3 * fast
    assert_matches_theory(per_rep(result, "overall", "wait_mean"), slow, 0.10, "slowed M/M/4")
    assert_matches_theory(per_rep(result, "overall", "utilisation"), 0.85, 0.01,
                          "slowed utilisation")


def test_own_first_is_a_non_preemptive_priority_queue():
    """Two windows serving items a (primary) and b under own_first: item a waits as the
    high class of an M/M/2 non-preemptive priority queue (Cobham), b as the low class.
    Under oldest_first both wait as in the FCFS M/M/2."""
    cats = {"a": {"arrivals_per_hour": 5.1, "service": exp(10)},
            "b": {"arrivals_per_hour": 5.1, "service": exp(10)}}
    win = {"id": "W", "count": 2, "serves": ["a", "b"], "primary": ["a"]}
    own = continuous(cats, [win | {"call_rule": "own_first"}], days=120, name="own")
    fifo = continuous(cats, [win], days=120, name="fifo")
    r_own, r_fifo = run(own, replications=16), run(fifo, replications=16)
    w_a, w_b = mmc_priority_wait_means([5.1 * PER_MIN, 5.1 * PER_MIN], 0.1, 2)
    fcfs = mmc_wait_mean(10.2 * PER_MIN, 0.1, 2)  # utilisation 0.85
    assert w_a < fcfs < w_b
    assert_matches_theory(per_rep(r_own, "by_category", "a", "wait_mean"), w_a, 0.10, "high")
    assert_matches_theory(per_rep(r_own, "by_category", "b", "wait_mean"), w_b, 0.12, "low")
    for k in cats:
        assert_matches_theory(per_rep(r_fifo, "by_category", k, "wait_mean"), fcfs, 0.12,
                              f"fifo {k}")


def test_served_customers_keep_their_own_service_draws(mm5_at_090):
    """Service durations of served customers are exponential with mean 10 minutes."""
    rec = mm5_at_090.replications[0].records
    served = rec.outcome == SERVED
    durations = (rec.end - rec.call)[served]
    assert durations.mean() == pytest.approx(10.0, rel=0.02)
    assert durations.std() == pytest.approx(10.0, rel=0.03)
