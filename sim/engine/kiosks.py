"""Self-service kiosks (自助终端): window groups with ``kiosk: true``, drawn up front.

A customer of a category with ``categories.X.kiosk`` is willing to use a kiosk with
probability ``share``; a willing customer goes to the category's kiosk group (a
first-come-first-served pool of its ``count`` kiosks, no abandonment) at the time
they would have taken a ticket, uses a kiosk for a ``kiosk.service`` draw, and is
done there, or with probability ``fail`` cannot finish and takes a ticket for a
staffed window at the end of the kiosk session. Nobody waits for staff at a kiosk,
so its times follow from the arrivals alone (:func:`~sim.engine.door.fcfs_pool`),
as for the guide desk.

Draws (common random numbers): per category, three streams of purpose ``kiosk``
keyed by the category name and a part (``willing``, ``fail``, ``service``), one
uniform (or service draw) per customer: raising ``share`` only sends more of the
same customers to the kiosks (an exact thinning), and each keeps their session time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.door import fcfs_pool
from sim.engine.streams import Purpose, stream
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class KioskDraws:
    """One category's kiosk draws, row = customer in ticket order."""

    willing_u: np.ndarray
    fail_u: np.ndarray
    work: np.ndarray


@dataclass(frozen=True)
class KioskPlan:
    """Per customer (rows of :class:`~sim.engine.arrivals.Customers`): the kiosk group
    used (window-group index, -1 for customers who use none), the session's start and
    end (NaN for non-users) and whether the customer finished there (``done``)."""

    group: np.ndarray
    start: np.ndarray
    end: np.ndarray
    done: np.ndarray

    def sessions(self, arrival: np.ndarray, category: np.ndarray) -> KioskSessions:
        """The kiosk sessions (users only, in customer order), for the records."""
        used = self.group >= 0
        return KioskSessions(category[used].astype(np.int32), arrival[used], self.group[used],
                             self.start[used], self.end[used], self.done[used])


@dataclass(frozen=True)
class KioskSessions:
    """Every kiosk session of a replication: the user's category, their arrival at the
    kiosks, the kiosk group, start and end of the session, and whether the customer
    finished there (else they went on to a staffed window with a ticket taken at
    ``end``)."""

    category: np.ndarray
    arrival: np.ndarray
    group: np.ndarray
    start: np.ndarray
    end: np.ndarray
    done: np.ndarray


def draw_kiosk(scenario: Scenario, name: str, n: int, seed: int, replication: int
               ) -> KioskDraws:
    """The kiosk draws of the ``n`` customers of category ``name`` (which has ``kiosk``)."""
    kiosk = scenario.categories[name].kiosk
    assert kiosk is not None

    def rng(part: str) -> np.random.Generator:
        return stream(seed, replication, Purpose.KIOSK, f"{name}\x00{part}")

    return KioskDraws(rng("willing").random(n), rng("fail").random(n),
                      kiosk.service.sample(rng("service"), n))


def build_kiosks(scenario: Scenario, base: np.ndarray, category: np.ndarray,
                 rows: np.ndarray, draws: dict[int, KioskDraws], online: np.ndarray | None
                 ) -> KioskPlan:
    """Every customer's kiosk session: ``base`` is when each customer would take a
    ticket (arrival, or the end of the guide desk), ``rows`` each customer's row among
    its category's customers. Online applicants never come to the kiosks."""
    n = len(base)
    names = tuple(scenario.categories)
    group = np.full(n, -1, dtype=np.int64)
    fail = np.zeros(n, dtype=bool)
    work = np.zeros(n)
    for k, d in draws.items():
        kiosk = scenario.categories[names[k]].kiosk
        assert kiosk is not None
        mine = np.flatnonzero(category == k)
        r = rows[mine]
        willing = d.willing_u[r] < kiosk.share
        if online is not None:
            willing &= ~online[mine]
        group[mine[willing]] = scenario.kiosk_group(names[k])
        fail[mine] = d.fail_u[r] < kiosk.fail
        work[mine] = d.work[r]
    start = np.full(n, np.nan)
    end = np.full(n, np.nan)
    for gi in np.unique(group[group >= 0]).tolist():
        users = np.flatnonzero(group == gi)
        users = users[np.argsort(base[users], kind="stable")]
        s, e = fcfs_pool(base[users], work[users], scenario.windows[gi].count)
        start[users], end[users] = s, e
    return KioskPlan(group, start, end, (group >= 0) & ~fail)
