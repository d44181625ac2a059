"""Service-time and patience distributions (all durations in minutes).

Each distribution is an immutable pydantic model selected by its ``dist`` key. It
samples from a given :class:`numpy.random.Generator` (never a global RNG), knows
its analytic mean and variance, and can hand back the equivalent frozen
``scipy.stats`` distribution for fitting and plotting.

Every distribution draws the same way: one uniform per value
(``Generator.random``), turned into the value by the inverse of its CDF. A
sample of ``n`` values therefore advances the generator by exactly ``n``
uniforms whatever the distribution (``deterministic`` included), so replacing
one distribution by another leaves every later draw of a shared stream
unchanged: common random numbers survive a change of distribution.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, model_validator


def uniforms(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` uniforms on [0, 1): the one way every distribution advances its generator."""
    return rng.random(n)


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @property
    def mean(self) -> float:  # pragma: no cover - overridden
        raise AssertionError("abstract")

    @property
    def variance(self) -> float:  # pragma: no cover - overridden
        raise AssertionError("abstract")

    @property
    def cv(self) -> float:
        """Coefficient of variation: standard deviation over mean."""
        return math.sqrt(self.variance) / self.mean if self.mean > 0 else 0.0


class Exponential(_Dist):
    """Exponential with the given mean."""

    dist: Literal["exponential"]
    mean_: PositiveFloat = Field(alias="mean")

    @property
    def mean(self) -> float:
        """Analytic mean (minutes)."""
        return self.mean_

    @property
    def variance(self) -> float:
        """Analytic variance (minutes squared)."""
        return self.mean_**2

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values (inverse CDF of ``n`` uniforms)."""
        return -self.mean_ * np.log1p(-uniforms(rng, n))

    def scipy(self):
        """The equivalent frozen ``scipy.stats`` distribution."""
        from scipy import stats  # on use only: importing scipy.stats slows start-up

        return stats.expon(scale=self.mean_)


class _MeanCv(_Dist):
    """A distribution given by its mean and coefficient of variation."""

    mean_: PositiveFloat = Field(alias="mean")
    cv_: PositiveFloat = Field(alias="cv")

    @property
    def mean(self) -> float:
        """Analytic mean (minutes)."""
        return self.mean_

    @property
    def variance(self) -> float:
        """Analytic variance (minutes squared)."""
        return (self.mean_ * self.cv_) ** 2


class LogNormal(_MeanCv):
    """Log-normal given by its mean and coefficient of variation."""

    dist: Literal["lognormal"]

    def _params(self) -> tuple[float, float]:
        sigma2 = math.log1p(self.cv_**2)
        return math.log(self.mean_) - sigma2 / 2.0, math.sqrt(sigma2)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values (inverse CDF of ``n`` uniforms)."""
        from scipy import special

        mu, sigma = self._params()
        return np.exp(mu + sigma * special.ndtri(uniforms(rng, n)))

    def scipy(self):
        """The equivalent frozen ``scipy.stats`` distribution."""
        from scipy import stats  # on use only: importing scipy.stats slows start-up

        mu, sigma = self._params()
        return stats.lognorm(s=sigma, scale=math.exp(mu))


class Gamma(_MeanCv):
    """Gamma given by its mean and coefficient of variation (shape = 1/cv²)."""

    dist: Literal["gamma"]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values (inverse CDF of ``n`` uniforms)."""
        from scipy import special

        shape = 1.0 / self.cv_**2
        return special.gammaincinv(shape, uniforms(rng, n)) * (self.mean_ / shape)

    def scipy(self):
        """The equivalent frozen ``scipy.stats`` distribution."""
        from scipy import stats  # on use only: importing scipy.stats slows start-up

        shape = 1.0 / self.cv_**2
        return stats.gamma(a=shape, scale=self.mean_ / shape)


class Deterministic(_Dist):
    """Always the same value."""

    dist: Literal["deterministic"]
    value: PositiveFloat

    @property
    def mean(self) -> float:
        """Analytic mean (minutes)."""
        return self.value

    @property
    def variance(self) -> float:
        """Analytic variance (minutes squared)."""
        return 0.0

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values (all equal; the generator advances by ``n`` uniforms all the
        same, like every other distribution's)."""
        uniforms(rng, n)
        return np.full(n, self.value)

    def scipy(self):
        """A one-point distribution at the value."""
        from scipy import stats  # on use only: importing scipy.stats slows start-up

        return stats.rv_discrete(values=([self.value], [1.0]))


class Uniform(_Dist):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]
    low: float = Field(ge=0)
    high: PositiveFloat

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    @property
    def mean(self) -> float:
        """Analytic mean (minutes)."""
        return (self.low + self.high) / 2.0

    @property
    def variance(self) -> float:
        """Analytic variance (minutes squared)."""
        return (self.high - self.low) ** 2 / 12.0

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values (inverse CDF of ``n`` uniforms)."""
        return self.low + (self.high - self.low) * uniforms(rng, n)

    def scipy(self):
        """The equivalent frozen ``scipy.stats`` distribution."""
        from scipy import stats  # on use only: importing scipy.stats slows start-up

        return stats.uniform(loc=self.low, scale=self.high - self.low)


class Triangular(_Dist):
    """Triangular on [low, high] with the given mode."""

    dist: Literal["triangular"]
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: PositiveFloat

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                "need low <= mode <= high and low < high "
                f"(got {self.low}, {self.mode}, {self.high})"
            )
        return self

    @property
    def mean(self) -> float:
        """Analytic mean (minutes)."""
        return (self.low + self.mode + self.high) / 3.0

    @property
    def variance(self) -> float:
        """Analytic variance (minutes squared)."""
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values (inverse CDF of ``n`` uniforms)."""
        a, c, b = self.low, self.mode, self.high
        u = uniforms(rng, n)
        split = (c - a) / (b - a)
        return np.where(u < split, a + np.sqrt(u * (b - a) * (c - a)),
                        b - np.sqrt((1.0 - u) * (b - a) * (b - c)))

    def scipy(self):
        """The equivalent frozen ``scipy.stats`` distribution."""
        from scipy import stats  # on use only: importing scipy.stats slows start-up

        width = self.high - self.low
        return stats.triang(c=(self.mode - self.low) / width, loc=self.low, scale=width)


class Empirical(_Dist):
    """Resampling, with equal weights, of observed values (e.g. from a ticket log)."""

    dist: Literal["empirical"]
    values: tuple[Annotated[float, Field(ge=0)], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _not_all_zero(self) -> Empirical:
        if max(self.values) <= 0:
            raise ValueError("values must not all be zero")
        return self

    @property
    def mean(self) -> float:
        """Analytic mean (minutes)."""
        return float(np.mean(self.values))

    @property
    def variance(self) -> float:
        """Analytic variance (minutes squared)."""
        return float(np.var(self.values))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values with replacement, equal weights (one uniform per value)."""
        values = np.sort(np.asarray(self.values, dtype=float))  # so it is the inverse CDF
        index = np.minimum((uniforms(rng, n) * len(values)).astype(np.int64), len(values) - 1)
        return values[index]

    def scipy(self):
        """A discrete distribution on the observed values."""
        from scipy import stats  # on use only: importing scipy.stats slows start-up

        vals, counts = np.unique(np.asarray(self.values, dtype=float), return_counts=True)
        return stats.rv_discrete(values=(vals, counts / counts.sum()))


Distribution = Annotated[
    Union[Exponential, LogNormal, Gamma, Deterministic, Uniform, Triangular, Empirical],  # noqa: UP007
    Field(discriminator="dist"),
]
"""Any of the supported distributions, chosen by the ``dist`` key."""

DIST_NAMES = ("exponential", "lognormal", "gamma", "deterministic", "uniform", "triangular",
              "empirical")
