"""The Erlang A baseline's served-customer wait, checked against independent results."""

from __future__ import annotations

import math

import pytest

from sim.calibration.backtest import erlang_a_theta
from sim.scenario.distributions import Exponential, LogNormal
from sim.stats.theory import erlang_a, erlang_c, mmc_wait_mean


@pytest.mark.parametrize("lam, mu, theta, c", [(5, 1, 0.2, 6), (10, 1, 0.5, 8), (50, 1, 2, 30),
                                               (0.5, 0.4, 0.1, 1)])
def test_the_served_share_of_the_stage_walk_equals_little_laws_abandonment(lam, mu, theta, c):
    # two derivations: P(abandon) = theta E[Q] / lam (Little) and 1 - P(served) from
    # the stage walk that also gives the served wait
    res = erlang_a(lam, mu, theta, c)
    assert res.wait_mean_served > 0
    # served customers waited less than all who waited long enough to leave, and
    # E[W] over all = P(S) E[W|S] + P(A) E[W|A] with E[W|A] > 0
    assert res.wait_mean_served * (1 - res.p_abandon) < res.wait_mean_all


def test_without_abandonment_the_served_wait_is_erlang_cs():
    lam, mu, c = 2.0, 1.0, 3
    res = erlang_a(lam, mu, 1e-9, c)
    assert res.wait_mean_served == pytest.approx(mmc_wait_mean(lam, mu, c), rel=1e-6)
    assert res.p_wait == pytest.approx(erlang_c(c, lam / mu), rel=1e-6)


def test_an_exponential_patience_keeps_its_rate_and_a_lognormal_gets_its_early_rate():
    assert erlang_a_theta(Exponential(dist="exponential", mean=4.0), 1.0) == pytest.approx(0.25)
    ln = LogNormal(dist="lognormal", mean=42.0, cv=5.6)
    theta = erlang_a_theta(ln, 1.0)
    # leaving within the first minute: the exponential with that rate matches G(1)
    assert 1 - math.exp(-theta * 1.0) == pytest.approx(float(ln.scipy().cdf(1.0)), rel=0.1)
    assert theta > 1 / 42.0
