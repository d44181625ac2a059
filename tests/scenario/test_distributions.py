"""Each distribution samples from the generator it is given and knows its analytic
mean and variance, which agree with the samples and with scipy.stats."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter

from sim.scenario.distributions import Distribution

SPECS = [
    {"dist": "exponential", "mean": 12},
    {"dist": "lognormal", "mean": 12, "cv": 0.6},
    {"dist": "gamma", "mean": 12, "cv": 0.4},
    {"dist": "deterministic", "value": 7},
    {"dist": "uniform", "low": 2, "high": 10},
    {"dist": "triangular", "low": 1, "mode": 3, "high": 11},
    {"dist": "empirical", "values": [1, 2, 2, 5, 13]},
]
adapter = TypeAdapter(Distribution)


@pytest.mark.parametrize("spec", SPECS, ids=[s["dist"] for s in SPECS])
def test_samples_agree_with_the_analytic_mean_and_variance(spec):
    dist = adapter.validate_python(spec)
    x = dist.sample(np.random.default_rng(7), 400_000)
    assert x.min() >= 0
    assert x.mean() == pytest.approx(dist.mean, rel=0.01)
    assert x.var() == pytest.approx(dist.variance, rel=0.03, abs=1e-9)


@pytest.mark.parametrize("spec", SPECS, ids=[s["dist"] for s in SPECS])
def test_the_scipy_equivalent_has_the_same_moments(spec):
    dist = adapter.validate_python(spec)
    frozen = dist.scipy()
    assert frozen.mean() == pytest.approx(dist.mean, rel=1e-9)
    assert frozen.var() == pytest.approx(dist.variance, rel=1e-9, abs=1e-12)


def test_lognormal_and_gamma_are_given_by_mean_and_cv():
    for kind in ("lognormal", "gamma"):
        d = adapter.validate_python({"dist": kind, "mean": 20, "cv": 0.5})
        assert d.mean == 20 and d.cv == pytest.approx(0.5)


def test_sampling_uses_only_the_generator_it_is_given():
    d = adapter.validate_python({"dist": "lognormal", "mean": 5, "cv": 1})
    a = d.sample(np.random.default_rng(1), 5)
    np.random.seed(99)  # the legacy global generator must not matter
    b = d.sample(np.random.default_rng(1), 5)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("spec", [
    {"dist": "uniform", "low": 5, "high": 5},
    {"dist": "triangular", "low": 1, "mode": 9, "high": 5},
    {"dist": "empirical", "values": [0, 0]},
    {"dist": "gamma", "mean": 3, "cv": 0},
    {"dist": "exponential", "mean": 0},
])
def test_impossible_parameters_are_refused(spec):
    with pytest.raises(ValueError):
        adapter.validate_python(spec)


@pytest.mark.parametrize("spec", SPECS, ids=[s["dist"] for s in SPECS])
def test_every_distribution_advances_its_generator_by_one_uniform_per_value(spec):
    """So that a change of distribution leaves later draws of a shared stream alone."""
    dist = adapter.validate_python(spec)
    rng = np.random.default_rng(11)
    dist.sample(rng, 1000)
    after = rng.random(3)
    np.testing.assert_array_equal(after, np.random.default_rng(11).random(1003)[1000:])


@pytest.mark.parametrize("spec", SPECS, ids=[s["dist"] for s in SPECS])
def test_each_value_is_the_inverse_cdf_of_its_uniform(spec):
    dist = adapter.validate_python(spec)
    u = np.random.default_rng(5).random(2000)
    np.testing.assert_allclose(dist.sample(np.random.default_rng(5), 2000),
                               dist.scipy().ppf(u), rtol=1e-8)
