"""Staff sizing from Erlang C: the largest load ``n`` windows carry at a service level.

For a pool of ``n`` identical windows (M/M/n, FCFS, no abandonment) with mean
service time ``s`` minutes, ``Lmax(n)`` is the largest offered load (erlangs)
for which the service level still holds:

- tail target ``P(wait <= T) >= alpha``:  ``C(n, a) exp(-(n - a) T / s) <= 1 - alpha``;
- mean-wait cap ``E[wait] <= W``:          ``C(n, a) s / (n - a) <= W``.

Both left-hand sides increase with ``a`` on ``[0, n)``, so ``Lmax(n)`` is found by
bisection; the lower end of the final bracket is returned, so a load at or below
``Lmax(n)`` always meets the target. ``Lmax(n) / n`` grows with ``n``: a larger
pool carries more erlangs per window at the same service level (pooling economies),
which the optimiser's MILP represents exactly through these tables. Everything is
vectorised over ``n`` (one bisection for the whole table), on the one Erlang C of
:func:`sim.stats.theory.erlang_c_vec`.

The optimiser's tables, its starting plan and its desk checks read these; the
scalar question "the fewest servers for this service level" is
:func:`sim.stats.theory.mmc_servers_for_service_level` (an exact search on the same
Erlang C, for which a target met exactly counts as met).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim.stats.theory import erlang_c_vec

_BISECTION_STEPS = 60


@dataclass(frozen=True)
class Target:
    """A service-level target: ``"tail"`` (``wait``, ``alpha``) or ``"mean"`` (``wait``)."""

    kind: str
    wait: float
    alpha: float = 0.0

    def describe(self) -> str:
        """Short text, e.g. ``P(W<=20)>=0.8`` or ``E[W]<=10``."""
        if self.kind == "tail":
            return f"P(W<={self.wait:g})>={self.alpha:g}"
        return f"E[W]<={self.wait:g}"


def _violation(n: np.ndarray, a: np.ndarray, mean_service: float, target: Target) -> np.ndarray:
    """True where load ``a`` on ``n`` windows misses the target."""
    c = erlang_c_vec(n, a)
    slack = np.maximum(n - a, 0.0)
    if target.kind == "tail":
        tail = c * np.exp(-slack * target.wait / mean_service)
        return (a >= n) | (tail > 1.0 - target.alpha)
    with np.errstate(divide="ignore"):
        wait = np.where(slack > 0, c * mean_service / slack, np.inf)
    return wait > target.wait


@lru_cache(maxsize=4096)
def _table(n_max: int, mean_service: float, target: Target) -> tuple[float, ...]:
    n = np.arange(1, n_max + 1, dtype=float)
    lo, hi = np.zeros_like(n), n.copy()
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        bad = _violation(n, mid, mean_service, target)
        hi = np.where(bad, mid, hi)
        lo = np.where(bad, lo, mid)
    return (0.0, *lo.tolist())


def max_load_table(n_max: int, mean_service: float, target: Target) -> np.ndarray:
    """``Lmax(n)`` for ``n = 0..n_max`` (erlangs); ``Lmax(0) = 0``.

    Args:
        n_max: largest pool size tabulated (>= 0).
        mean_service: mean service time of the pool, minutes (> 0).
        target: the service level to meet.
    """
    if n_max <= 0:
        return np.zeros(1)
    return np.asarray(_table(int(n_max), round(float(mean_service), 9), target))


def windows_needed(load: float, mean_service: float, target: Target | list[Target],
                   cap: int = 100_000) -> int:
    """Smallest ``n`` at which ``load`` meets the target, i.e. ``Lmax(n) >= load`` (0 for
    no load); ``cap + 1`` if none up to cap.

    With a list of targets, ``n`` meets all of them. The test is the one the
    tables bisect on, evaluated at this one load for every ``n`` at once (one
    Erlang C evaluation instead of a bisection per table: the optimiser asks this
    for every type and period).
    """
    if load <= 0:
        return 0
    targets = list(dict.fromkeys(target if isinstance(target, list) else [target]))
    service = round(float(mean_service), 9)
    n_max = max(4, math.ceil(load + 4.0 * math.sqrt(load) + 4))
    while True:
        n_max = min(n_max, cap)
        n = np.arange(1, n_max + 1, dtype=float)
        a = np.full_like(n, float(load))
        bad = np.zeros(n_max, dtype=bool)
        for t in targets:
            bad |= _violation(n, a, service, t)
        hit = np.nonzero(~bad)[0]
        if hit.size:
            return int(hit[0]) + 1
        if n_max >= cap:
            return cap + 1
        n_max *= 2


def pool_table(n_max: int, mean_service: float, targets: list[Target]) -> np.ndarray:
    """``Lmax(n)`` meeting every target at once (the elementwise minimum)."""
    tables = [max_load_table(n_max, mean_service, t) for t in dict.fromkeys(targets)]
    return np.minimum.reduce(tables) if tables else np.zeros(n_max + 1)
