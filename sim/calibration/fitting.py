"""Distribution fits for service times (complete data) and patience (censored data).

Service times: exponential, lognormal and gamma are fitted by maximum likelihood
(``scipy.stats``; location fixed at 0) and the one with the lowest AIC is kept,
with its Kolmogorov–Smirnov distance; when even the best family is off by more
than ``KS_EMPIRICAL`` (and the sample is large), the empirical distribution (its
quantiles) is used instead.

Patience: a served ticket's patience exceeded its wait (right-censored); a
called-but-gone ticket's was below its wait to the call (left-censored: interval
``(0, wait)``); an abandoned ticket with a known leaving time gives it exactly.
Exponential, gamma and lognormal are fitted by censored maximum likelihood (terms
``logpdf``, ``logsf``, ``logcdf`` of ``scipy.stats``). The exponential is kept
unless the better of gamma and lognormal (two parameters each, by likelihood)
raises twice the log-likelihood by more than the chi-square(1) quantile at
``1 - PATIENCE_LRT_ALPHA``: for the gamma (the exponential is its shape 1) that is
the likelihood-ratio test at that level; the lognormal, which does not contain the
exponential, must clear the same bar. Most patience is censored beyond the
longest waits, so a second parameter is weakly identified and the fitted mean is
an extrapolation: it must earn its place by a test, not by AIC's 2 points. The
mean's standard error comes from the observed information.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, stats

KS_EMPIRICAL = 0.06
EMPIRICAL_POINTS = 200
MAX_FIT = 20_000
MIN_LEFT = 20  # tickets that left, for the family test (gamma and lognormal against exponential)
#: fewer tickets that left than :data:`MIN_LEFT` but at least this many: an exponential
#: patience (one rate: the censored MLE, events over exposure) without the family test;
#: below it, none (nearly nobody leaves)
MIN_LEFT_EXPONENTIAL = 5
PATIENCE_LRT_ALPHA = 0.01  # level of the gamma-vs-exponential test for patience


def thin(x: np.ndarray, limit: int = MAX_FIT) -> np.ndarray:
    """Every k-th value so that at most ``limit`` remain (deterministic; for speed)."""
    if len(x) <= limit:
        return x
    return x[:: int(math.ceil(len(x) / limit))]


@dataclass(frozen=True)
class Fit:
    """A fitted distribution in the scenario format, with the basis of the estimate."""

    dist: dict[str, Any]
    family: str
    n: int
    mean: float
    cv: float
    ks: float | None = None
    aic: dict[str, float] = field(default_factory=dict)
    mean_se: float = math.nan
    note: str = ""
    chosen_by: str = "AIC"

    def frozen(self) -> Any:
        """The fitted ``scipy.stats`` distribution (None for empirical)."""
        return _frozen(self.dist)

    def comment(self) -> str:
        """One line for the YAML comment: sample size, family, goodness of fit."""
        parts = [f"n={self.n:,}", f"{self.family} by {self.chosen_by}" if self.aic else self.family]
        if self.aic and len(self.aic) > 1:
            chosen = self.aic.get(self.family, min(self.aic.values()))
            parts.append("dAIC " + ", ".join(f"{k} {v - chosen:+.0f}" for k, v in self.aic.items()
                                              if k != self.family))
        if self.ks is not None:
            parts.append(f"KS D={self.ks:.3f}")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


def _frozen(dist: dict[str, Any]) -> Any:
    kind = dist["dist"]
    if kind == "exponential":
        return stats.expon(scale=dist["mean"])
    if kind == "lognormal":
        s2 = math.log1p(dist["cv"] ** 2)
        return stats.lognorm(s=math.sqrt(s2), scale=dist["mean"] * math.exp(-s2 / 2))
    if kind == "gamma":
        a = 1.0 / dist["cv"] ** 2
        return stats.gamma(a=a, scale=dist["mean"] / a)
    return None


def _round(x: float) -> float:
    return float(f"{x:.4g}")


def _dist(family: str, mean: float, cv: float) -> dict[str, Any]:
    if family == "exponential":
        return {"dist": "exponential", "mean": _round(mean)}
    return {"dist": family, "mean": _round(mean), "cv": _round(cv)}


def fit_service(x: np.ndarray) -> Fit:
    """Fit service times (minutes, all > 0) by AIC among exponential, lognormal, gamma."""
    x = np.asarray(x, dtype=float)
    x = x[x > 0]
    n = len(x)
    if n < 2:
        value = float(x[0]) if n else 1.0
        return Fit({"dist": "deterministic", "value": _round(value)}, "deterministic", n, value,
                   0.0, note="too few services to fit")
    if float(np.ptp(x)) <= 1e-9 * float(np.max(x)):  # one duration: no family to fit
        value = float(np.mean(x))
        return Fit({"dist": "deterministic", "value": _round(value)}, "deterministic", n, value,
                   0.0, note="every service took the same time")
    xf = thin(np.sort(x))
    candidates: dict[str, tuple[float, float, Any]] = {}
    m = float(xf.mean())
    candidates["exponential"] = (m, 1.0, stats.expon(scale=m))
    lx = np.log(xf)
    mu, sigma = float(lx.mean()), float(lx.std())
    if sigma > 0:
        candidates["lognormal"] = (math.exp(mu + sigma**2 / 2), math.sqrt(math.expm1(sigma**2)),
                                   stats.lognorm(s=sigma, scale=math.exp(mu)))
        a, _, scale = stats.gamma.fit(xf, floc=0)
        candidates["gamma"] = (a * scale, 1 / math.sqrt(a), stats.gamma(a=a, scale=scale))
    k = {"exponential": 1, "lognormal": 2, "gamma": 2}
    aic = {name: float(2 * k[name] - 2 * np.sum(d.logpdf(xf))) for name, (_, _, d) in
           candidates.items()}
    best = min(aic, key=lambda name: aic[name])
    mean, cv, frozen = candidates[best]
    ks = float(stats.kstest(xf, frozen.cdf).statistic)
    if ks > KS_EMPIRICAL and n >= 200:
        q = np.quantile(x, (np.arange(EMPIRICAL_POINTS) + 0.5) / EMPIRICAL_POINTS)
        values = [float(f"{v:.4g}") for v in q]
        emp_mean, emp_sd = float(np.mean(values)), float(np.std(values))
        return Fit({"dist": "empirical", "values": values}, "empirical", n, emp_mean,
                   emp_sd / emp_mean, ks=ks, aic=aic,
                   note=f"best family {best} off by KS D={ks:.3f} > {KS_EMPIRICAL}: "
                        f"{EMPIRICAL_POINTS} quantiles")
    return Fit(_dist(best, mean, cv), best, n, mean, cv, ks=ks, aic=aic,
               mean_se=float(np.std(x) / math.sqrt(n)))


def _censored_nll(dist: Any, exact: np.ndarray, right: np.ndarray, left: np.ndarray) -> float:
    total = 0.0
    if len(exact):
        total += float(np.sum(dist.logpdf(exact)))
    if len(right):
        total += float(np.sum(dist.logsf(right)))
    if len(left):
        total += float(np.sum(dist.logcdf(left)))
    return -total if math.isfinite(total) else 1e300


def _make(family: str, theta: np.ndarray) -> Any:
    if family == "exponential":
        return stats.expon(scale=math.exp(theta[0]))
    if family == "gamma":  # theta: log mean, log shape
        a = math.exp(theta[1])
        return stats.gamma(a=a, scale=math.exp(theta[0]) / a)
    return stats.lognorm(s=math.exp(theta[1]), scale=math.exp(theta[0]))


def _mean_of(family: str, theta: np.ndarray) -> float:
    if family in ("exponential", "gamma"):
        return math.exp(theta[0])
    return math.exp(theta[0] + math.exp(theta[1]) ** 2 / 2)


def _cv_of(family: str, theta: np.ndarray) -> float:
    if family == "exponential":
        return 1.0
    if family == "gamma":
        return math.exp(-theta[1] / 2)
    return math.sqrt(math.expm1(math.exp(theta[1]) ** 2))


PATIENCE_FAMILIES = ("auto", "exponential", "gamma", "lognormal")


def fit_patience(wait: np.ndarray, outcome: np.ndarray, family: str = "auto") -> Fit | None:
    """Fit patience (minutes) from censored observations; None if fewer than
    ``MIN_LEFT_EXPONENTIAL`` tickets left; exponential, without the family test, if fewer
    than ``MIN_LEFT`` (a few departures still give the rate; infinite patience would
    predict that nobody leaves).

    ``outcome``: ``served`` (right-censored at ``wait``), ``no_show`` (left-censored),
    ``abandoned`` (exact); others are ignored. ``family``: ``auto`` chooses by the
    likelihood-ratio test (module doc); a family name imposes that family (the
    other fits are still reported in the comment).
    """
    if family not in PATIENCE_FAMILIES:
        raise ValueError(f"patience family must be one of {', '.join(PATIENCE_FAMILIES)}")
    wait = np.asarray(wait, dtype=float)
    outcome = np.asarray(outcome, dtype=object)
    floor = 1.0 / 60.0  # a wait of 0 is recorded to the second
    exact_all = np.maximum(wait[outcome == "abandoned"], floor)
    left_all = np.maximum(wait[outcome == "no_show"], floor)
    right_all = wait[(outcome == "served") & (wait > 0)]
    n_left = len(exact_all) + len(left_all)
    if n_left < MIN_LEFT_EXPONENTIAL:
        return None
    if n_left < MIN_LEFT:
        return _few_left(exact_all, left_all, right_all)
    # a large log is fitted on every k-th ticket of each kind, the same k for all, so
    # that the subsample is a sample of the log and its likelihood a likelihood: its
    # standard errors and its test are those of the subsample (weighting thinned
    # groups back by their factors would inflate both the information and the
    # likelihood ratio k-fold)
    step = int(math.ceil((n_left + len(right_all)) / MAX_FIT))
    exact, left, right = exact_all[::step], left_all[::step], right_all[::step]

    def nll(family: str, theta: np.ndarray) -> float:
        return _censored_nll(_make(family, theta), exact, right, left)

    events = np.concatenate([exact, left])
    guess = math.log(max(float(np.mean(np.concatenate([events, right]))), floor))
    fits: dict[str, tuple[np.ndarray, float]] = {}

    def fit(family: str, theta0: np.ndarray) -> None:
        res = optimize.minimize(lambda t: nll(family, t), theta0, method="Nelder-Mead",
                                options={"xatol": 1e-6, "fatol": 1e-6, "maxiter": 4000})
        fits[family] = (res.x, float(res.fun))

    fit("exponential", np.array([guess + 1.0]))
    fit("gamma", np.array([fits["exponential"][0][0], 0.0]))  # from the nested exponential
    fit("lognormal", np.array([guess + 0.5, 0.0]))
    aic = {f: 2 * len(theta) + 2 * val for f, (theta, val) in fits.items()}
    rival = min(("gamma", "lognormal"), key=lambda f: fits[f][1])
    lr = max(2.0 * (fits["exponential"][1] - fits[rival][1]), 0.0)
    p_lr = float(stats.chi2.sf(lr, 1))
    best = rival if p_lr < PATIENCE_LRT_ALPHA else "exponential"
    chosen_by = "likelihood-ratio test"
    if family != "auto":
        best, chosen_by = family, "--patience-family"
    theta = fits[best][0]
    mean = _mean_of(best, theta)
    cv = _cv_of(best, theta)
    se = _mean_se(lambda t: nll(best, t), theta, lambda t: _mean_of(best, t))
    censored = len(right_all)
    sub = f"; fitted on every {step}-th ticket" if step > 1 else ""
    note = (f"censored MLE: {n_left:,} left ({len(left_all):,} "
            f"called but gone), {censored:,} served (right-censored){sub}; {rival} vs exponential "
            f"LR {lr:.1f}, p={p_lr:.2g}; mean {mean:.3g} ± {1.96 * se:.2g}")
    return Fit(_dist(best, mean, cv), best, n_left + censored, mean, cv, aic=aic, mean_se=se,
               note=note, chosen_by=chosen_by)


def _few_left(exact: np.ndarray, left: np.ndarray, right: np.ndarray) -> Fit:
    """Exponential patience of an item with fewer than :data:`MIN_LEFT` tickets that left:
    the censored MLE of its one parameter, no family test."""
    def nll(theta: np.ndarray) -> float:
        return _censored_nll(_make("exponential", theta), exact, right, left)

    events = np.concatenate([exact, left])
    guess = math.log(max(float(np.mean(np.concatenate([events, right]))), 1.0 / 60.0))
    res = optimize.minimize(nll, np.array([guess + 1.0]), method="Nelder-Mead",
                            options={"xatol": 1e-6, "fatol": 1e-6, "maxiter": 4000})
    theta = res.x
    mean = _mean_of("exponential", theta)
    se = _mean_se(nll, theta, lambda t: _mean_of("exponential", t))
    n_left = len(events)
    note = (f"censored MLE: {n_left:,} left ({len(left):,} called but gone), {len(right):,} "
            f"served (right-censored); exponential: too few left for the family test "
            f"({MIN_LEFT} needed); mean {mean:.3g} ± {1.96 * se:.2g}")
    return Fit(_dist("exponential", mean, 1.0), "exponential", n_left + len(right), mean, 1.0,
               mean_se=se, note=note, chosen_by="too few left for the family test")


def _mean_se(nll: Any, theta: np.ndarray, mean_of: Any) -> float:
    """Standard error of the mean by the delta method on the numerical Hessian."""
    k = len(theta)
    h = 1e-3
    hess = np.zeros((k, k))
    f0 = nll(theta)
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            hess[i, j] = (nll(theta + ei + ej) - nll(theta + ei) - nll(theta + ej) + f0) / h**2
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return math.nan
    grad = np.array([(mean_of(theta + np.eye(k)[i] * h) - mean_of(theta - np.eye(k)[i] * h))
                     / (2 * h) for i in range(k)])
    var = float(grad @ cov @ grad)
    return math.sqrt(var) if var > 0 else math.nan


TIME_FACTOR_ALPHA = 0.001  # Kruskal-Wallis level for "service time depends on the time of day"
TIME_FACTOR_SHRINK = 50.0  # a bin's ratio counts n / (n + this): thin bins stay near 1
TIME_FACTOR_MIN_BIN = 20  # bins with fewer services do not enter the test


@dataclass(frozen=True)
class TimeFactors:
    """Service-time multipliers by bin of ticket time, and their basis."""

    factors: np.ndarray  # per open bin (1 where the bin is thin)
    p_value: float  # Kruskal-Wallis test of equal service-time distributions across bins
    bins_tested: int


def time_factors(bin_of: np.ndarray, x: np.ndarray, bins: np.ndarray) -> TimeFactors | None:
    """Whether and how an item's service time depends on the time of day.

    ``bin_of``: each service's bin of ticket time; ``x``: the service times. When a
    Kruskal-Wallis test over the bins with at least ``TIME_FACTOR_MIN_BIN`` services
    rejects equal distributions at ``TIME_FACTOR_ALPHA``, each open bin's factor is
    its mean over the overall mean, shrunk toward 1 by ``n / (n + TIME_FACTOR_SHRINK)``;
    otherwise None (no factors).
    """
    bin_of, x = np.asarray(bin_of), np.asarray(x, dtype=float)
    groups = [x[bin_of == b] for b in bins]
    tested = [g for g in groups if len(g) >= TIME_FACTOR_MIN_BIN]
    if len(tested) < 2 or len(x) == 0 or np.ptp(np.concatenate(tested)) == 0:
        return None  # every service alike: nothing to test (the test would divide by 0)
    p = float(stats.kruskal(*tested).pvalue)
    if not p < TIME_FACTOR_ALPHA:
        return None
    overall = float(np.mean(x))
    n = np.array([len(g) for g in groups], dtype=float)
    ratio = np.array([float(np.mean(g)) / overall if len(g) else 1.0 for g in groups])
    return TimeFactors(1.0 + (ratio - 1.0) * n / (n + TIME_FACTOR_SHRINK), p, len(tested))
