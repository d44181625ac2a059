"""Every random draw the cases and journeys of one replication may need, made up front.

Pure functions of (scenario, customers, seed, replication): nothing here knows
the hall or the event calendar, so common random numbers can be checked on the
draws alone. Each category's draws come from streams keyed by its name (see
:mod:`sim.engine.streams`), one row per case in ticket order; return visits
beyond the first :data:`PREDRAWN_VISITS` (rare) come from a stream of their own
per case and visit, the same whatever happens to other cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine.arrivals import Customers, arrival_times
from sim.engine.backoffice import Node, compile_route
from sim.engine.streams import Purpose, stream, visit_stream
from sim.scenario.model import Scenario

#: return visits drawn up front per case; later ones (rare) get streams of their own
PREDRAWN_VISITS = 4


@dataclass(frozen=True)
class ReturnVisit:
    """The draws of one return visit of a case."""

    u: float  # compared with the incomplete probability
    delay_days: float
    work: float
    patience: float
    tod: float  # where in the opening hours of its day the visit comes (0-1)


@dataclass(frozen=True)
class CategoryDraws:
    """Draws for every case of one category, row = case (in ticket order).

    Return columns (``ret_*``, one column per pre-drawn visit) exist when the
    category has ``returns``; back-office ones when it has ``backoffice``;
    delivery ones when its back office also has ``delivery``.
    """

    ret_u: np.ndarray | None = None
    ret_delay: np.ndarray | None = None
    ret_work: np.ndarray | None = None
    ret_patience: np.ndarray | None = None
    ret_tod: np.ndarray | None = None
    supplement: np.ndarray | None = None
    bo_u: np.ndarray | None = None
    stage_work: np.ndarray | None = None
    post_u: np.ndarray | None = None
    post_delay: np.ndarray | None = None
    collect_delay: np.ndarray | None = None
    collect_work: np.ndarray | None = None
    collect_patience: np.ndarray | None = None
    collect_tod: np.ndarray | None = None
    online_work: np.ndarray | None = None


@dataclass(frozen=True)
class JourneyDraws:
    """Every journey of one replication: start time, type and per-step draws.

    ``kind[j]`` indexes ``names``; ``local[j]`` is the journey's row in its
    type's ``work`` and ``patience`` tables (rows = journeys, columns = steps).
    """

    names: tuple[str, ...]
    times: np.ndarray
    kind: np.ndarray
    local: np.ndarray
    work: tuple[np.ndarray, ...]
    patience: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class CaseDraws:
    """The draws of every case and journey of one replication.

    Cases are numbered in ticket order of their first ticket: ``first_ticket``,
    ``case_category``, ``case_row`` (row in the category's draws) and
    ``first_arrival`` are per case. ``online`` (None when nobody applies online) marks
    the cases applied for online: they have no ticket (``first_ticket`` -1); the
    others' ``first_ticket`` is their index among the tickets the hall takes.
    """

    scenario: Scenario
    seed: int
    replication: int
    names: tuple[str, ...]
    by_category: dict[int, CategoryDraws]
    first_ticket: np.ndarray
    case_category: np.ndarray
    case_row: np.ndarray
    first_arrival: np.ndarray
    journeys: JourneyDraws
    online: np.ndarray | None = None

    def return_visit(self, k: int, row: int, v: int) -> ReturnVisit:
        """Draws of the ``v``-th visit of case ``row`` of category ``k``: pre-drawn for the
        first visits, and from a stream of the case and visit beyond them."""
        d = self.by_category[k]
        assert d.ret_u is not None and d.ret_delay is not None and d.ret_work is not None
        assert d.ret_patience is not None and d.ret_tod is not None
        if v < d.ret_u.shape[1]:
            return ReturnVisit(float(d.ret_u[row, v]), float(d.ret_delay[row, v]),
                               float(d.ret_work[row, v]), float(d.ret_patience[row, v]),
                               float(d.ret_tod[row, v]))
        name = self.names[k]
        cat = self.scenario.categories[name]
        assert cat.returns is not None
        rng = visit_stream(self.seed, self.replication, name, row, v)
        patience = float(cat.patience.sample(rng, 1)[0]) if cat.patience is not None \
            else math.inf
        u = float(rng.random())
        delay = float(cat.returns.delay_days.sample(rng, 1)[0])
        work = float(cat.service.sample(rng, 1)[0])
        return ReturnVisit(u, delay, work, patience, float(rng.random()))

    def supplement_days(self, k: int, row: int) -> float:
        """Working days until a case accepted with deficiency has its materials."""
        s = self.by_category[k].supplement
        assert s is not None
        return float(s[row])

    def route(self, name: str) -> tuple[Node, list[int]]:
        """The compiled back-office route of category ``name``."""
        bo = self.scenario.categories[name].backoffice
        assert bo is not None and self.scenario.backoffice is not None
        return compile_route(self.scenario.backoffice, bo.route)

    def online_route(self, name: str) -> Node | None:
        """The compiled back-office route of category ``name``'s online applications
        (None: they follow the category's own route)."""
        online = self.scenario.categories[name].online
        if online is None or online.route is None:
            return None
        assert self.scenario.backoffice is not None
        return compile_route(self.scenario.backoffice, online.route)[0]


def route_key(scenario: Scenario, name: str) -> str:
    """The name a category's route is known by (its own inline route: ``@name``)."""
    bo = scenario.categories[name].backoffice
    assert bo is not None
    return bo.route if isinstance(bo.route, str) else f"@{name}"


def _patience_or_inf(dist: Any, rng: np.random.Generator, shape: tuple[int, ...]
                     ) -> np.ndarray:
    if dist is None:
        return np.full(shape, np.inf)
    return dist.sample(rng, int(np.prod(shape))).reshape(shape)


def _return_draws(scenario: Scenario, name: str, n: int, seed: int, rep: int
                  ) -> dict[str, np.ndarray]:
    cat = scenario.categories[name]
    r = cat.returns
    assert r is not None
    k = PREDRAWN_VISITS
    rng = stream(seed, rep, Purpose.RETURNS, name)
    out = {"ret_u": rng.random((n, k)),
           "ret_delay": r.delay_days.sample(rng, n * k).reshape(n, k),
           "ret_work": cat.service.sample(rng, n * k).reshape(n, k),
           "ret_patience": _patience_or_inf(cat.patience, rng, (n, k)),
           "ret_tod": rng.random((n, k))}
    if r.accept_with_deficiency is not None:
        out["supplement"] = r.accept_with_deficiency.supplement_days.sample(rng, n)
    return out


def _backoffice_draws(scenario: Scenario, name: str, n: int, seed: int, rep: int
                      ) -> dict[str, np.ndarray]:
    cat = scenario.categories[name]
    bo = cat.backoffice
    assert bo is not None and scenario.backoffice is not None
    rng = stream(seed, rep, Purpose.BACKOFFICE, name)
    occurrences = compile_route(scenario.backoffice, bo.route)[1]
    stages = list(scenario.backoffice.stages.values())
    out = {"bo_u": rng.random(n),
           "stage_work": np.column_stack([stages[s].service.sample(rng, n)
                                          for s in occurrences])
           if occurrences else np.zeros((n, 0))}
    dl = cat.delivery
    if dl is not None:
        rng = stream(seed, rep, Purpose.DELIVERY, name)
        out["post_u"] = rng.random(n)
        out["post_delay"] = (dl.post_delay_days.sample(rng, n) if dl.post_delay_days
                             else np.zeros(n))
        if dl.collect_at is not None:
            assert dl.collect_delay_days is not None
            where = scenario.categories[dl.collect_at]
            out["collect_delay"] = dl.collect_delay_days.sample(rng, n)
            out["collect_work"] = where.service.sample(rng, n)
            out["collect_patience"] = _patience_or_inf(where.patience, rng, (n,))
            out["collect_tod"] = rng.random(n)
    online = cat.online
    if online is not None and online.route is not None:
        # a stream of its own (the name's key with a suffix no category name can have)
        rng = stream(seed, rep, Purpose.ONLINE, name + "\x00route")
        occ = compile_route(scenario.backoffice, online.route)[1]
        out["online_work"] = (np.column_stack([stages[s].service.sample(rng, n) for s in occ])
                              if occ else np.zeros((n, 0)))
    return out


def draw_category(scenario: Scenario, name: str, n: int, seed: int, rep: int
                  ) -> CategoryDraws:
    """The draws of ``n`` cases of category ``name`` in replication ``rep``."""
    cat = scenario.categories[name]
    columns: dict[str, np.ndarray] = {}
    if cat.returns is not None:
        columns |= _return_draws(scenario, name, n, seed, rep)
    if cat.backoffice is not None:
        columns |= _backoffice_draws(scenario, name, n, seed, rep)
    return CategoryDraws(**columns)


def draw_journeys(scenario: Scenario, seed: int, rep: int) -> JourneyDraws:
    """Every journey of replication ``rep``: start times and each step's service and patience."""
    times, kind, works, pats = [], [], [], []
    for j, (name, journey) in enumerate(scenario.journeys.items()):
        rng = stream(seed, rep, Purpose.JOURNEY, name)
        t = arrival_times(scenario, journey.arrivals_per_hour, rng)
        n = len(t)
        steps = [scenario.categories[s] for s in journey.steps]
        works.append(np.column_stack([c.service.sample(rng, n) for c in steps]))
        pats.append(np.column_stack([_patience_or_inf(c.patience, rng, (n,)) for c in steps]))
        times.append(t)
        kind.append(np.full(n, j))
    return JourneyDraws(
        names=tuple(scenario.journeys),
        times=np.concatenate(times) if times else np.zeros(0),
        kind=np.concatenate(kind) if kind else np.zeros(0, dtype=int),
        local=np.concatenate([np.arange(len(t)) for t in times]) if times
        else np.zeros(0, dtype=int),
        work=tuple(works), patience=tuple(pats))


def draw_cases(scenario: Scenario, customers: Customers, seed: int, replication: int
               ) -> CaseDraws:
    """The draws of every case (first tickets of categories with a case flow) and journey."""
    names = customers.names
    by_category: dict[int, CategoryDraws] = {}
    firsts: list[np.ndarray] = []
    for k, name in enumerate(names):
        if not scenario.categories[name].has_case_flow:
            continue
        mine = np.flatnonzero(customers.category == k)
        by_category[k] = draw_category(scenario, name, len(mine), seed, replication)
        firsts.append(mine)
    first = np.concatenate(firsts) if firsts else np.zeros(0, dtype=np.int64)
    # row within the category: tickets of one category are in ticket order
    rows = np.concatenate([np.arange(len(m)) for m in firsts]) if firsts \
        else np.zeros(0, dtype=np.int64)
    order = np.argsort(first, kind="stable")
    first, rows = first[order], rows[order]
    online = customers.online
    ticket = first
    away = customers.away  # online applicants (and kiosk users done there, no cases)
    if away is not None:  # take no ticket: number the hall's tickets
        hall_index = np.cumsum(~away) - 1
        ticket = np.where(away[first], -1, hall_index[first])
    return CaseDraws(
        scenario=scenario, seed=seed, replication=replication, names=names,
        by_category=by_category, first_ticket=ticket,
        online=online[first] if online is not None else None,
        case_category=customers.category[first].astype(np.int32),
        case_row=rows.astype(np.int64),
        first_arrival=customers.arrival[first].astype(float),
        journeys=draw_journeys(scenario, seed, replication))
