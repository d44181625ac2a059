"""The door: a guide desk (导引台) in front of the ticket machine, and wrong tickets.

Every draw is made at arrival, from streams of their own keyed by the category
name (common random numbers: a scenario with a guide desk and one without see
the same customers, the same guide service times and the same turn-away times):

- ``wrong``: how many wrong tickets the customer takes before the right one, by
  the inverse CDF of the geometric law from one uniform per customer
  (``P(wrong >= k) = p^k`` with ``p`` = :meth:`Scenario.wrong_share`): lowering
  ``p`` (a guide desk) only removes wrong tickets from the same customers;
- the turn-away time of each wrong ticket (the first :data:`PREDRAWN_WRONG`
  from a matrix of draws, later ones from a stream of the customer's own);
- the guide's service time.

The guide desk is a first-come-first-served pool of ``guide.count`` guides with
no abandonment, so its ticket times follow from the arrivals alone
(:func:`fcfs_pool`): the hall engine receives each customer's ticket time.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from sim.engine.streams import Purpose, stream, stream_key
from sim.scenario.model import Scenario

#: turn-away times drawn up front per customer; later ones (rare) from a stream of their own
PREDRAWN_WRONG = 3


@dataclass(frozen=True)
class Door:
    """Per customer (rows of :class:`~sim.engine.arrivals.Customers`): the ticket time
    (``ticket``; the arrival at the door without a guide desk), when a guide started
    with the customer (``guide_call``; NaN without a desk), the number of wrong
    tickets, the category each wrong ticket queues for and, for customers with wrong
    tickets, their turn-away times (``turn_away[i]``, one per wrong ticket)."""

    ticket: np.ndarray
    guide_call: np.ndarray
    wrong: np.ndarray
    wrong_to: np.ndarray
    turn_away: dict[int, tuple[float, ...]]

    def select(self, keep: np.ndarray) -> Door:
        """The rows selected by the boolean mask ``keep`` (renumbered)."""
        new = np.cumsum(keep) - 1
        return Door(self.ticket[keep], self.guide_call[keep], self.wrong[keep],
                    self.wrong_to[keep],
                    {int(new[i]): t for i, t in self.turn_away.items() if keep[i]})


@dataclass(frozen=True)
class DoorDraws:
    """The door draws of one category's customers, row = customer in ticket order."""

    wrong: np.ndarray
    turn_away: np.ndarray  # (n, PREDRAWN_WRONG)
    guide_work: np.ndarray  # NaN without a guide desk


def wrong_counts(u: np.ndarray, p: float) -> np.ndarray:
    """Geometric numbers of wrong tickets from uniforms ``u`` in [0, 1):
    ``P(K >= k) = p**k`` (inverse CDF of ``1 - u``; all 0 when ``p`` is 0)."""
    if p <= 0:
        return np.zeros(len(u), dtype=np.int64)
    return np.floor(np.log1p(-u) / np.log(p)).astype(np.int64)


def draw_door(scenario: Scenario, name: str, n: int, seed: int, replication: int
              ) -> DoorDraws:
    """The door draws of the ``n`` customers of category ``name``."""
    wrong = scenario.categories[name].wrong_ticket
    rng = stream(seed, replication, Purpose.DOOR, name)
    u = rng.random(n)
    turn = (wrong.turn_away.sample(rng, n * PREDRAWN_WRONG).reshape(n, PREDRAWN_WRONG)
            if wrong is not None else np.zeros((n, PREDRAWN_WRONG)))
    guide = scenario.guide
    work = (guide.service.sample(stream(seed, replication, Purpose.GUIDE, name), n)
            if guide is not None else np.full(n, np.nan))
    return DoorDraws(wrong_counts(u, scenario.wrong_share(name)), turn, work)


def late_turn_away(scenario: Scenario, name: str, row: int, k: int, seed: int,
                   replication: int) -> float:
    """Turn-away time of wrong ticket ``k`` (>= :data:`PREDRAWN_WRONG`) of the customer
    in row ``row`` of category ``name``: a stream of the customer and ticket."""
    wrong = scenario.categories[name].wrong_ticket
    assert wrong is not None
    key = stream_key(replication, Purpose.DOOR, name, row, k)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
    return float(wrong.turn_away.sample(rng, 1)[0])


def fcfs_pool(arrival: np.ndarray, work: np.ndarray, servers: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """Start and end times of a first-come-first-served pool of ``servers`` without
    abandonment (customers in arrival order; each starts at the later of its arrival
    and the first server to free up)."""
    free = [0.0] * servers
    start = np.empty(len(arrival))
    for i, (t, w) in enumerate(zip(arrival.tolist(), work.tolist())):
        s = max(t, heapq.heappop(free))
        start[i] = s
        heapq.heappush(free, s + w)
    return start, start + work


def build_door(scenario: Scenario, arrival: np.ndarray, category: np.ndarray,
               rows: np.ndarray, draws: dict[int, DoorDraws], online: np.ndarray | None,
               seed: int, replication: int) -> Door:
    """The door of every customer (sorted by arrival): ``rows`` is each customer's row
    among its category's customers, ``draws`` the categories' door draws. Online
    applicants never come: no guide, no wrong ticket."""
    n = len(arrival)
    names = tuple(scenario.categories)
    wrong = np.zeros(n, dtype=np.int64)
    wrong_to = category.astype(np.int64).copy()
    work = np.zeros(n)
    for k, d in draws.items():
        mine = category == k
        wrong[mine] = d.wrong[rows[mine]]
        work[mine] = d.guide_work[rows[mine]]
        to = scenario.categories[names[k]].wrong_ticket
        if to is not None and to.to is not None:
            wrong_to[mine] = names.index(to.to)
    if online is not None:
        wrong[online] = 0
    turn: dict[int, tuple[float, ...]] = {}
    for i in np.flatnonzero(wrong > 0).tolist():
        k, row = int(category[i]), int(rows[i])
        times = draws[k].turn_away[row, :min(int(wrong[i]), PREDRAWN_WRONG)].tolist()
        times += [late_turn_away(scenario, names[k], row, j, seed, replication)
                  for j in range(PREDRAWN_WRONG, int(wrong[i]))]
        turn[i] = tuple(times)
    ticket = arrival.copy()
    guide_call = np.full(n, np.nan)
    if scenario.guide is not None:
        come = ~online if online is not None else np.ones(n, dtype=bool)
        start, end = fcfs_pool(arrival[come], work[come], scenario.guide.count)
        guide_call[come] = start
        ticket[come] = end
    return Door(ticket, guide_call, wrong, wrong_to, turn)
