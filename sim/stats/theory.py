"""Queueing-theory reference formulas for validating the simulator and sizing staff.

All rates (arrival rate ``lam``, service rate ``mu``, abandonment rate ``theta``) are
per unit of time and may use any time unit, as long as every argument of one call uses
the same one; times (waits, targets ``T``, ``t``) are then in that unit too. Offered
load ``a = lam / mu`` is in erlangs (mean number of busy servers if no one waited).

The models are the classic Markovian ones: Poisson arrivals, exponential service
times, ``c`` identical servers, first-come first-served unless stated otherwise and an
infinite waiting room. Unstable systems (``lam >= c * mu`` without abandonment) give
``math.inf`` for means and ``1.0`` for probabilities of waiting, rather than raising.

Bad input (non-positive rates, ``c < 1``, non-finite numbers, probabilities out of
range) raises :class:`ValueError`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ErlangAResult",
    "erlang_a",
    "erlang_b",
    "erlang_b_vec",
    "erlang_c",
    "erlang_c_vec",
    "fork_join_two_exp_mean",
    "mm1_sojourn_mean",
    "mmc_priority_wait_means",
    "mmc_queue_mean",
    "mmc_servers_for_service_level",
    "mmc_utilisation",
    "mmc_wait_mean",
    "mmc_wait_tail",
]

# Relative mass below which the truncated tail of the Erlang A chain is ignored.
_ERLANG_A_TAIL_TOL = 1e-15
# Hard cap on the number of states the adaptive Erlang A truncation may use.
_ERLANG_A_MAX_STATES = 20_000_000


# --------------------------------------------------------------------------- validation


def _check_rate(name: str, value: float) -> float:
    """Return ``value`` as a float after checking it is a finite, strictly positive rate."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(x) or x <= 0.0:
        raise ValueError(f"{name} must be a finite rate > 0, got {value!r}")
    return x


def _check_nonneg(name: str, value: float) -> float:
    """Return ``value`` as a float after checking it is finite and >= 0."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(x) or x < 0.0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return x


def _check_servers(c: int, name: str = "c") -> int:
    """Return ``c`` as an int after checking it is an integer >= 1 (bools rejected)."""
    if isinstance(c, bool):
        raise ValueError(f"{name} (number of servers) must be an integer >= 1, got {c!r}")
    try:
        n = operator.index(c)
    except TypeError:
        raise ValueError(f"{name} (number of servers) must be an integer >= 1, got {c!r}") from None
    if n < 1:
        raise ValueError(f"{name} (number of servers) must be an integer >= 1, got {c!r}")
    return n


# --------------------------------------------------------------------------- Erlang B / C


def erlang_b_vec(n: np.ndarray | float, a: np.ndarray | float) -> np.ndarray:
    """Erlang B blocking probability for arrays of server counts ``n >= 1`` and loads ``a >= 0``.

    The one implementation of Erlang B (and through it of Erlang C) in hallsim: the
    Poisson ratio ``P(N = n) / P(N <= n)`` for ``N ~ Poisson(a)``, in logs
    (``scipy.stats.poisson``): stable for thousands of servers, and one vector
    operation for a whole staffing table. ``a = 0`` gives 0. Arguments are not checked
    (see :func:`erlang_b` for the checked scalar form).
    """
    from scipy import stats  # imported here: a plain simulation run never needs scipy.stats

    n = np.asarray(n, dtype=float)
    a = np.asarray(a, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.exp(stats.poisson.logpmf(n, a) - stats.poisson.logcdf(n, a))
    return np.where(a > 0, b, 0.0)


def erlang_c_vec(n: np.ndarray | float, a: np.ndarray | float) -> np.ndarray:
    """Erlang C ``P(wait > 0)`` for arrays of server counts ``n >= 1`` and loads ``a >= 0``.

    ``C = n B / (n - a (1 - B))`` from :func:`erlang_b_vec`; 1.0 where ``a >= n``
    (unstable: everyone eventually waits). Arguments are not checked (see
    :func:`erlang_c` for the checked scalar form); the optimiser's staffing tables
    (:mod:`sim.stats.sizing`) evaluate it over whole tables at once.
    """
    n = np.asarray(n, dtype=float)
    a = np.asarray(a, dtype=float)
    b = erlang_b_vec(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - a * (1.0 - b))
    return np.where(a >= n, 1.0, np.clip(c, 0.0, 1.0))


def erlang_b(c: int, a: float) -> float:
    """Erlang B blocking probability of an M/M/c/c loss system (also valid for M/G/c/c).

    Args:
        c: number of servers (integer >= 1).
        a: offered load in erlangs, ``a = lam / mu`` (finite, >= 0; ``a = 0`` gives 0).

    Returns:
        Probability that an arriving customer finds all ``c`` servers busy and is lost
        (:func:`erlang_b_vec` of the checked arguments).
    """
    c = _check_servers(c)
    a = _check_nonneg("a (offered load)", a)
    return float(erlang_b_vec(c, a))


def erlang_c(c: int, a: float) -> float:
    """Erlang C probability that an arrival must wait in an M/M/c queue (FCFS, no abandonment).

    Args:
        c: number of servers (integer >= 1).
        a: offered load in erlangs, ``a = lam / mu`` (finite, >= 0).

    Returns:
        ``P(Wq > 0)``; ``1.0`` when ``a >= c`` (unstable: everyone eventually waits)
        (:func:`erlang_c_vec` of the checked arguments).
    """
    c = _check_servers(c)
    a = _check_nonneg("a (offered load)", a)
    if a >= c:
        return 1.0
    return float(erlang_c_vec(c, a))


# --------------------------------------------------------------------------- M/M/c


def mmc_utilisation(lam: float, mu: float, c: int) -> float:
    """Server utilisation ``rho = lam / (c mu)`` of an M/M/c queue (dimensionless).

    Args:
        lam: arrival rate (> 0), mu: service rate per server (> 0, same time unit),
        c: number of servers (>= 1).

    Returns:
        The traffic intensity per server. Not clipped: a value >= 1 means the queue is
        unstable and the long-run utilisation of a real system would be 1.
    """
    lam = _check_rate("lam (arrival rate)", lam)
    mu = _check_rate("mu (service rate)", mu)
    c = _check_servers(c)
    return lam / (c * mu)


def mmc_wait_mean(lam: float, mu: float, c: int) -> float:
    """Mean waiting time in queue ``Wq`` of an M/M/c FCFS queue (excludes service time).

    Args:
        lam: arrival rate (> 0), mu: service rate per server (> 0, same time unit),
        c: number of servers (>= 1).

    Returns:
        ``Wq = C(c, a) / (c mu - lam)`` in the time unit of the rates, averaged over all
        customers (including those who do not wait); ``math.inf`` if ``lam >= c mu``.
    """
    lam = _check_rate("lam (arrival rate)", lam)
    mu = _check_rate("mu (service rate)", mu)
    c = _check_servers(c)
    if lam >= c * mu:
        return math.inf
    return erlang_c(c, lam / mu) / (c * mu - lam)


def mmc_wait_tail(lam: float, mu: float, c: int, t: float) -> float:
    """Tail probability ``P(Wq > t)`` of the FCFS queueing delay in an M/M/c queue.

    Args:
        lam: arrival rate (> 0), mu: service rate per server (> 0, same time unit),
        c: number of servers (>= 1), t: delay threshold (>= 0, same time unit).

    Returns:
        ``C(c, a) * exp(-(c mu - lam) t)``; equals ``erlang_c`` at ``t = 0``. Returns
        ``1.0`` when ``lam >= c mu`` (waits grow without bound).
    """
    lam = _check_rate("lam (arrival rate)", lam)
    mu = _check_rate("mu (service rate)", mu)
    c = _check_servers(c)
    t = _check_nonneg("t (delay threshold)", t)
    if lam >= c * mu:
        return 1.0
    return erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * t)


def mmc_queue_mean(lam: float, mu: float, c: int) -> float:
    """Mean number waiting in queue ``Lq`` (excluding those in service) of an M/M/c queue.

    Args:
        lam: arrival rate (> 0), mu: service rate per server (> 0, same time unit),
        c: number of servers (>= 1).

    Returns:
        ``Lq = lam * Wq`` (Little's law), in customers; ``math.inf`` if ``lam >= c mu``.
    """
    wq = mmc_wait_mean(lam, mu, c)
    return math.inf if math.isinf(wq) else float(lam) * wq


def mmc_servers_for_service_level(lam: float, mu: float, T: float, alpha: float) -> int:
    """Smallest number of servers meeting a service level in an M/M/c FCFS queue.

    Args:
        lam: arrival rate (> 0), mu: service rate per server (> 0, same time unit).
        T: target waiting time (>= 0, same time unit as ``1 / lam``).
        alpha: required fraction of customers served within ``T``, ``0 <= alpha < 1``
            (``alpha = 1`` is unattainable because ``P(Wq > T) > 0`` for every ``c``).

    Returns:
        The smallest integer ``c > a = lam / mu`` (stability) with
        ``P(Wq <= T) = 1 - mmc_wait_tail(lam, mu, c, T) >= alpha``.
    """
    lam = _check_rate("lam (arrival rate)", lam)
    mu = _check_rate("mu (service rate)", mu)
    T = _check_nonneg("T (target waiting time)", T)
    try:
        alpha = float(alpha)
    except (TypeError, ValueError):
        raise ValueError(f"alpha must be a number in [0, 1), got {alpha!r}") from None
    if not 0.0 <= alpha < 1.0:
        raise ValueError(f"alpha (service-level target) must be in [0, 1), got {alpha!r}")
    a = lam / mu
    c = max(1, math.floor(a) + 1)
    while c * mu <= lam:  # guard against rounding in floor(a)
        c += 1
    while 1.0 - mmc_wait_tail(lam, mu, c, T) < alpha:
        c += 1
    return c


def mmc_priority_wait_means(lams: Sequence[float], mu: float, c: int) -> list[float]:
    """Mean queueing delay per class in a non-preemptive priority M/M/c queue (Cobham).

    Assumptions: Poisson arrivals per class, exponential service with the *same* rate
    ``mu`` for every class, ``c`` identical servers, FCFS within a class, a freed server
    takes the head of the highest-priority non-empty class, no preemption.

    Args:
        lams: arrival rate per class, class 0 = highest priority (each finite and >= 0,
            at least one > 0). A zero-rate class gets the wait a hypothetical arrival
            of that class would see.
        mu: service rate per server (> 0, same time unit).
        c: number of servers (>= 1).

    Returns:
        ``W_k = C(c, a) / (c mu (1 - sigma_{k-1}) (1 - sigma_k))`` per class, with
        ``a = sum(lams) / mu`` and ``sigma_k = sum_{i <= k} lams[i] / (c mu)``, in the
        time unit of the rates. Classes with ``sigma_k >= 1`` get ``math.inf``; when the
        system as a whole is overloaded, ``C = 1`` and higher classes with
        ``sigma_k < 1`` keep the finite wait they have in the long run.
    """
    mu = _check_rate("mu (service rate)", mu)
    c = _check_servers(c)
    rates = [_check_nonneg(f"lams[{i}] (arrival rate)", x) for i, x in enumerate(lams)]
    if not rates:
        raise ValueError("lams must contain at least one class arrival rate")
    total = math.fsum(rates)
    if total <= 0.0:
        raise ValueError("lams must contain at least one arrival rate > 0")
    capacity = c * mu
    cw = erlang_c(c, total / mu)
    waits: list[float] = []
    sigma_prev = 0.0
    cumulative = 0.0
    for rate in rates:
        cumulative += rate
        sigma = cumulative / capacity
        if sigma >= 1.0:
            waits.append(math.inf)
        else:
            waits.append(cw / (capacity * (1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return waits


# --------------------------------------------------------------------------- Erlang A


@dataclass(frozen=True)
class ErlangAResult:
    """Stationary performance of an M/M/c+M queue (Erlang A); see :func:`erlang_a`.

    Attributes:
        p_wait: probability that an arrival finds all servers busy and must wait.
        p_abandon: probability that an arrival abandons before service.
        queue_mean: mean number waiting in queue, ``E[(N - c)^+]`` (customers).
        wait_mean_all: mean time in queue over all arrivals, served or abandoning
            (time unit of the rates).
        utilisation: mean fraction of servers busy, ``E[min(N, c)] / c``.
        wait_mean_served: mean time in queue of the customers who are served (FCFS:
            an arrival with ``j`` waiting ahead passes ``j + 1`` stages, the ``k``-th
            ending at rate ``c mu + (k + 1) theta`` and passed with probability
            ``(c mu + k theta) / (c mu + (k + 1) theta)``; stage length and outcome are
            independent). ``1 - P(served)`` so computed equals ``p_abandon``.
    """

    p_wait: float
    p_abandon: float
    queue_mean: float
    wait_mean_all: float
    utilisation: float
    wait_mean_served: float = math.nan


def _erlang_a_log_weights(lam: float, mu: float, theta: float, c: int, n_max: int) -> np.ndarray:
    """Unnormalised log stationary weights ``log pi_n``, ``n = 0..n_max``, with ``pi_0 = 1``."""
    n = np.arange(1, n_max + 1, dtype=float)
    death = np.minimum(n, c) * mu + np.maximum(n - c, 0.0) * theta
    steps = math.log(lam) - np.log(death)
    out = np.empty(n_max + 1)
    out[0] = 0.0
    np.cumsum(steps, out=out[1:])
    return out


def _erlang_a_tail_ok(lam: float, mu: float, theta: float, c: int, logw: np.ndarray) -> bool:
    """Whether the mass beyond the last state of ``logw`` is negligible.

    Beyond state ``n >= c`` the ratio ``pi_{k+1} / pi_k = lam / (c mu + (k+1-c) theta)``
    decreases in ``k``, so once it is ``r < 1`` the tail is at most ``pi_n r / (1 - r)``.
    """
    n = len(logw) - 1
    if n < c:
        return False
    r = lam / (c * mu + (n + 1 - c) * theta)
    if r >= 1.0:
        return False
    top = float(np.max(logw))
    log_total = top + math.log(float(np.sum(np.exp(logw - top))))
    log_tail = float(logw[-1]) + math.log(r) - math.log1p(-r)
    return log_tail - log_total < math.log(_ERLANG_A_TAIL_TOL)


def erlang_a(
    lam: float, mu: float, theta: float, c: int, n_max: int | None = None
) -> ErlangAResult:
    """Exact stationary metrics of the M/M/c+M (Erlang A) queue with exponential patience.

    Assumptions: Poisson arrivals at rate ``lam``, exponential service at rate ``mu`` per
    server, ``c`` servers, FCFS, and each waiting customer abandons after an independent
    exponential patience with rate ``theta`` (mean patience ``1 / theta``). The queue is
    stable for any load because abandonment drains it. All rates share one time unit.

    The number in system ``N`` is a birth-death chain with birth rate ``lam`` and death
    rate ``min(n, c) mu + max(n - c, 0) theta``; its stationary law is computed in log
    space (no overflow for hundreds of servers) and truncated at ``n_max``.

    Args:
        lam: arrival rate (> 0). mu: service rate per server (> 0).
        theta: abandonment rate per waiting customer (> 0; for ``theta = 0`` use
            :func:`erlang_c`).
        c: number of servers (>= 1).
        n_max: largest state kept (>= c). ``None`` chooses it adaptively so that the
            neglected tail mass is below ``1e-15`` of the total. When given, the chain is
            truncated there (arrivals finding ``n_max`` in system are treated as lost
            for the stationary law, and the metrics below ignore them).

    Returns:
        :class:`ErlangAResult` with ``p_wait = P(N >= c)`` (PASTA), ``queue_mean =
        E[(N - c)^+]``, ``p_abandon = theta * queue_mean / lam``, ``wait_mean_all =
        queue_mean / lam`` (Little's law over all arrivals) and ``utilisation =
        E[min(N, c)] / c``.
    """
    lam = _check_rate("lam (arrival rate)", lam)
    mu = _check_rate("mu (service rate)", mu)
    theta = _check_rate("theta (abandonment rate)", theta)
    c = _check_servers(c)

    if n_max is not None:
        n_max = _check_servers(n_max, "n_max")
        if n_max < c:
            raise ValueError(f"n_max must be >= c ({c}), got {n_max}")
        logw = _erlang_a_log_weights(lam, mu, theta, c, n_max)
    else:
        # The weights peak where the death rate first exceeds lam and decay at least
        # geometrically after it; start a dozen standard deviations past the peak and
        # double until the tail bound is negligible.
        if lam <= c * mu:
            peak = lam / mu
            spread = math.sqrt(peak)
        else:
            peak = c + (lam - c * mu) / theta
            spread = math.sqrt(lam / theta)
        n = max(2 * c, math.ceil(peak + 12.0 * spread) + 32)
        while True:
            if n > _ERLANG_A_MAX_STATES:
                raise ValueError(
                    "erlang_a: the stationary law needs more than "
                    f"{_ERLANG_A_MAX_STATES} states (theta={theta} is tiny relative to the "
                    "overload lam - c*mu); pass n_max explicitly or use a larger theta"
                )
            logw = _erlang_a_log_weights(lam, mu, theta, c, n)
            if _erlang_a_tail_ok(lam, mu, theta, c, logw):
                break
            n *= 2

    w = np.exp(logw - np.max(logw))
    p = w / np.sum(w)
    states = np.arange(len(p), dtype=float)
    p_wait = float(np.sum(p[c:]))
    queue_mean = float(np.dot(np.maximum(states - c, 0.0), p))
    busy_mean = float(np.dot(np.minimum(states, c), p))
    k = np.arange(len(p) - c, dtype=float)  # customers ahead in queue at arrival
    stage = c * mu + (k + 1.0) * theta
    reach = np.cumprod((c * mu + k * theta) / stage)  # P(served | k ahead)
    p_served = float(np.sum(p[:c]) + np.dot(p[c:], reach))
    served_wait = float(np.dot(p[c:], reach * np.cumsum(1.0 / stage)))
    return ErlangAResult(
        p_wait=min(1.0, p_wait),
        p_abandon=min(1.0, theta * queue_mean / lam),
        queue_mean=queue_mean,
        wait_mean_all=queue_mean / lam,
        utilisation=min(1.0, busy_mean / c),
        wait_mean_served=served_wait / p_served if p_served > 0 else math.nan,
    )


# --------------------------------------------------------------------------- small models


def fork_join_two_exp_mean(mu1: float, mu2: float) -> float:
    """Mean of ``max(X1, X2)`` for independent exponentials with rates ``mu1`` and ``mu2``.

    This is the response time of a fork-join of two parallel exponential tasks with no
    queueing (e.g. two counters processing parts of one application at once).

    Args:
        mu1, mu2: rates of the two tasks (> 0, same time unit).

    Returns:
        ``1/mu1 + 1/mu2 - 1/(mu1 + mu2)`` in the time unit of the rates.
    """
    mu1 = _check_rate("mu1 (service rate)", mu1)
    mu2 = _check_rate("mu2 (service rate)", mu2)
    return 1.0 / mu1 + 1.0 / mu2 - 1.0 / (mu1 + mu2)


def mm1_sojourn_mean(lam: float, mu: float) -> float:
    """Mean sojourn time (queue wait plus service) of an M/M/1 FCFS queue.

    Args:
        lam: arrival rate (> 0), mu: service rate (> 0, same time unit).

    Returns:
        ``1 / (mu - lam)`` in the time unit of the rates; ``math.inf`` if ``lam >= mu``.
    """
    lam = _check_rate("lam (arrival rate)", lam)
    mu = _check_rate("mu (service rate)", mu)
    if lam >= mu:
        return math.inf
    return 1.0 / (mu - lam)


# --------------------------------------------------------------------------- breaks


@dataclass(frozen=True)
class BreaksResult:
    """Stationary figures of an M/M/c queue whose servers take exponential breaks; see
    :func:`mmc_with_breaks`.

    Attributes:
        wait_mean: mean time in queue (Little's law on the mean queue length).
        on_duty_mean: mean number of servers on duty (not on a break; a server due for a
            break while serving counts as on duty until its service ends).
        utilisation: busy servers over servers on duty, ``lam / mu / on_duty_mean``.
    """

    wait_mean: float
    on_duty_mean: float
    utilisation: float


def mmc_with_breaks(lam: float, mu: float, c: int, alpha: float, beta: float,
                    n_max: int = 600) -> BreaksResult:
    """An M/M/c queue whose servers go on breaks, solved exactly as a Markov chain.

    Each server on duty falls due for a break at rate ``alpha`` (exponential time on
    duty); an idle server goes at once, a busy one when its current service ends
    (non-preemptive); a break lasts an exponential time with rate ``beta``. State:
    (customers ``n``, servers away ``a``, busy servers due for a break ``p``); the
    chain is a level-dependent quasi-birth-death process (Neuts, *Matrix-Geometric
    Solutions in Stochastic Models*, 1981), solved here by truncating ``n`` at
    ``n_max`` (the tail mass there is checked to be negligible) and a sparse solve of
    ``pi Q = 0``.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import spsolve

    _check_rate("lam", lam)
    _check_rate("mu", mu)
    _check_servers(c)
    states = [(n, a, p) for n in range(n_max + 1) for a in range(c + 1)
              for p in range(c - a + 1) if p <= min(n, c - a)]
    index = {s: k for k, s in enumerate(states)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []

    def add(src: tuple[int, int, int], dst: tuple[int, int, int], rate: float) -> None:
        if rate > 0:
            rows.append(index[src])
            cols.append(index[dst])
            vals.append(rate)

    for n, a, p in states:
        m = c - a
        busy = min(n, m)
        if n < n_max:
            add((n, a, p), (n + 1, a, p), lam)
        if busy - p > 0:  # an ordinary service ends; the server calls the next if any
            add((n, a, p), (n - 1, a, p), (busy - p) * mu)
        if p > 0:  # a server due for a break finishes and goes
            add((n, a, p), (n - 1, a + 1, p - 1), p * mu)
        if m - busy > 0:  # an idle server falls due: away at once
            add((n, a, p), (n, a + 1, p), (m - busy) * alpha)
        if busy - p > 0:  # a busy server falls due: goes after its service
            add((n, a, p), (n, a, p + 1), (busy - p) * alpha)
        if a > 0:
            add((n, a, p), (n, a - 1, p), a * beta)
    size = len(states)
    q = coo_matrix((vals, (rows, cols)), shape=(size, size)).tocsr()
    q = q - coo_matrix((np.asarray(q.sum(axis=1)).ravel(), (range(size), range(size))),
                       shape=(size, size)).tocsr()
    a_t = q.T.tolil()
    a_t[0, :] = 1.0  # replace one balance equation by the normalisation
    rhs = np.zeros(size)
    rhs[0] = 1.0
    pi = spsolve(a_t.tocsc(), rhs)
    n_arr = np.array([s[0] for s in states])
    a_arr = np.array([s[1] for s in states])
    tail = pi[n_arr >= n_max - 10].sum()
    if tail > 1e-9:
        raise ValueError(f"n_max = {n_max} truncates the chain (tail mass {tail:.2g})")
    queue = float(np.sum(pi * np.maximum(n_arr - (c - a_arr), 0)))
    on_duty = float(np.sum(pi * (c - a_arr)))
    return BreaksResult(queue / lam, on_duty, lam / mu / on_duty)


def mmc_feedback_sojourn_mean(lam: float, p: float, mu: float, c: int) -> float:
    """Mean time in an M/M/c station with Bernoulli feedback: after each service a
    customer queues again with probability ``p`` (at the back, a new exponential
    service). A Jackson network of one station: the total arrival rate is
    ``lam / (1 - p)``, each visit spends the M/M/c sojourn at that rate, and a
    customer makes ``1 / (1 - p)`` visits (Jackson 1957; e.g. Kleinrock, *Queueing
    Systems* I, sec. 4.8)."""
    _check_rate("mu", mu)
    if not 0 <= p < 1:
        raise ValueError(f"feedback probability p must be in [0, 1), got {p}")
    visits = 1.0 / (1.0 - p)
    return visits * (mmc_wait_mean(lam * visits, mu, c) + 1.0 / mu)
