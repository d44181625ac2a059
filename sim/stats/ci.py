"""Student-t confidence intervals over replications, from ``scipy.stats``.

One module for every interval hallsim reports:

- :func:`mean_ci`: the mean of per-replication figures and its half-width
  (``scipy.stats.ttest_1samp(...).confidence_interval()``);
- :func:`paired_ci`: the mean of paired differences ``b - a`` over replications
  run with common random numbers (``ttest_rel``);
- :func:`unpaired_ci`: the difference of two independent means, Welch's
  interval (``ttest_ind(..., equal_var=False)``), used to show what pairing
  gains.

NaN values (a figure undefined in some replication) are left out. With fewer
than two values, or identical values, the half-width is 0: the results-document
contract gives ``ci95 = 0`` when there is a single replication. Values equal up
to floating-point noise (relative 1e-12) get an interval that spans them, without
asking scipy (whose moment calculation would warn of catastrophic cancellation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

LEVEL = 0.95


def _clean(values: Sequence[float] | np.ndarray) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    return x[~np.isnan(x)]


def _no_spread(x: np.ndarray) -> bool:
    """Whether the values are equal up to floating-point noise (relative 1e-12): their
    interval is a point, and scipy would only warn of catastrophic cancellation."""
    return bool(np.ptp(x) <= 1e-12 * max(1.0, float(np.max(np.abs(x)))))


def _noise_half(x: np.ndarray, centre: float) -> float:
    """Half-width of values equal up to rounding noise: the noise itself (the interval
    spans every value), 0 for identical values."""
    return float(max(np.max(x) - centre, centre - np.min(x), 0.0))


def _half(ci: object, centre: float) -> float:
    high = float(ci.high)  # type: ignore[attr-defined]
    return 0.0 if math.isnan(high) else high - centre


def mean_ci(values: Sequence[float] | np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """``(mean, half-width)`` of the Student-t interval of the mean of ``values``.

    NaN mean when no value is defined; half-width 0 for fewer than two values
    or identical values.
    """
    x = _clean(values)
    if len(x) == 0:
        return math.nan, 0.0
    mean = float(x.mean())
    if len(x) < 2:
        return mean, 0.0
    if _no_spread(x):
        return mean, _noise_half(x, mean)
    from scipy import stats  # on use: importing scipy.stats slows start-up

    return mean, _half(stats.ttest_1samp(x, 0.0).confidence_interval(level), mean)


def half_width(values: Sequence[float] | np.ndarray, level: float = LEVEL) -> float:
    """Student-t half-width of the mean of ``values`` (0 for fewer than two values)."""
    return mean_ci(values, level)[1]


def lower_bound(values: Sequence[float] | np.ndarray, level: float = LEVEL) -> float:
    """One-sided lower confidence bound of the mean of ``values`` (the mean when n < 2)."""
    x = _clean(values)
    if len(x) == 0:
        return math.nan
    if len(x) < 2 or _no_spread(x):
        return float(x.mean())
    from scipy import stats  # on use: importing scipy.stats slows start-up

    return float(stats.ttest_1samp(x, 0.0, alternative="greater")
                 .confidence_interval(level).low)


def paired_ci(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray,
              level: float = LEVEL) -> tuple[float, float]:
    """``(mean of b - a, half-width)`` over paired replications (``ttest_rel``).

    Pairs where either value is NaN are left out; NaN difference when none is left.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if len(x) == 0:
        return math.nan, math.nan
    d = y - x
    diff = float(d.mean())
    if len(d) < 2:
        return diff, 0.0
    if _no_spread(d):
        return diff, _noise_half(d, diff)
    from scipy import stats  # on use: importing scipy.stats slows start-up

    return diff, _half(stats.ttest_rel(y, x).confidence_interval(level), diff)


def unpaired_ci(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray,
                level: float = LEVEL) -> tuple[float, float]:
    """``(mean(b) - mean(a), Welch half-width)`` treating the samples as independent."""
    x, y = _clean(a), _clean(b)
    if len(x) == 0 or len(y) == 0:
        return math.nan, math.nan
    diff = float(y.mean() - x.mean())
    if len(x) < 2 or len(y) < 2:
        return diff, 0.0
    if _no_spread(x) and _no_spread(y):
        return diff, _noise_half(x, float(x.mean())) + _noise_half(y, float(y.mean()))
    # one sample without spread (a figure every replication of one scenario shares):
    # Welch's interval is then exactly the other sample's one-sample t interval
    # (variance 0, Welch-Satterthwaite degrees of freedom n - 1), which scipy's two-
    # sample test would compute with a "catastrophic cancellation" warning
    if _no_spread(x) or _no_spread(y):
        const, other = (x, y) if _no_spread(x) else (y, x)
        return diff, mean_ci(other, level)[1] + _noise_half(const, float(const.mean()))
    from scipy import stats  # on use: importing scipy.stats slows start-up

    return diff, _half(stats.ttest_ind(y, x, equal_var=False).confidence_interval(level), diff)
