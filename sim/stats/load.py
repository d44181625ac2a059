"""Offered load against capacity, period by period, for the overload warning.

In each stretch of the day where arrival rates and staffing are constant, the
least possible utilisation of the busiest window group is found by a small LP
(scipy ``linprog``): each category's offered load (erlangs of specialist work)
is split across the groups authorised for it, each group's share slowed by its
speed factor, and the maximum over groups of load / staffed windows is
minimised. A value of 1 or more means no routing can keep up: the queue grows
for as long as the stretch lasts.

The check is made on the busiest day the scenario simulates (:func:`busiest_days`:
the highest of ``hall.day_factors`` over its ``days``, not the factor of a day a
shorter run never reaches). Each :class:`Overload` keeps, stretch by stretch, the
work that arrives in windows' worth (erlangs) against the windows staffed for it
(:class:`Shortfall`), for a page to explain in a planner's terms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.engine.arrivals import rate_segments
from sim.scenario.clock import format_hhmm, parse_hhmm
from sim.scenario.model import Scenario

#: the overload warning's words (one definition: ``Overload.message`` fills it in for the
#: terminal, the web page translates it through the catalogue first)
OVERLOAD_WARNING = ("offered load exceeds capacity {start}-{end} (day factor {factor}): "
                    "least possible utilisation {utilisation} for categories {categories}")
#: the warning where the items' tickets arrive while no window that serves them is staffed
#: (no utilisation to give: the work has no window at all)
UNSTAFFED_WARNING = ("offered load exceeds capacity {start}-{end} (day factor {factor}): "
                     "no window is staffed for categories {categories}")


@dataclass(frozen=True)
class Shortfall:
    """One stretch of constant rates and staffing inside an :class:`Overload`: the work
    arriving for the bottleneck items, in windows kept busy all the time (erlangs,
    slowed by the windows' speed factors), against the windows staffed that serve them."""

    start: float
    end: float
    needed: float
    staffed: int


@dataclass(frozen=True)
class Overload:
    """A stretch of the day in which offered load exceeds capacity, on the busiest
    simulated days ``days`` (0-based) of arrival factor ``day_factor``."""

    start: float
    end: float
    day_factor: float
    utilisation: float
    categories: tuple[str, ...]
    days: tuple[int, ...] = ()
    stretches: tuple[Shortfall, ...] = ()

    def parts(self) -> tuple[str, dict[str, str]]:
        """The warning as its template (:data:`OVERLOAD_WARNING`, or
        :data:`UNSTAFFED_WARNING` where no window serving the items is staffed) and the
        values filled in."""
        values = {"start": format_hhmm(self.start), "end": format_hhmm(self.end),
                  "factor": f"{self.day_factor:g}", "categories": ", ".join(self.categories)}
        if math.isinf(self.utilisation):
            return UNSTAFFED_WARNING, values
        return OVERLOAD_WARNING, {**values, "utilisation": f"{100 * self.utilisation:.0f}%"}

    def message(self) -> str:
        """A one-line warning for the terminal."""
        template, values = self.parts()
        return template.format(**values)


def least_max_utilisation(scenario: Scenario, loads: dict[str, float],
                          staffed: list[int]) -> tuple[float, tuple[str, ...]]:
    """Least achievable max group utilisation for offered loads (erlangs) and staffing.

    Returns the utilisation and the categories whose every authorised group is
    at that utilisation (the bottleneck). ``inf`` when a loaded category has no
    staffed window.
    """
    theta, cats, _ = bottleneck(scenario, loads, staffed)
    return theta, cats


def bottleneck(scenario: Scenario, loads: dict[str, float], staffed: Sequence[float]
               ) -> tuple[float, tuple[str, ...], tuple[int, ...]]:
    """:func:`least_max_utilisation` and the indices of the groups at that utilisation
    (none when a loaded category has no staffed window)."""
    cats = [c for c, a in loads.items() if a > 0]
    if not cats:
        return 0.0, (), ()
    groups = [g.id for g in scenario.windows]
    pairs = [(c, gi) for c in cats for gi, g in enumerate(groups)
             if c in scenario.authorisation.serves(g) and staffed[gi] > 0]
    stranded = tuple(c for c in cats if not any(p[0] == c for p in pairs))
    if stranded:
        return float("inf"), stranded, ()
    from scipy.optimize import linprog  # on use: importing scipy.optimize slows start-up

    nv = len(pairs) + 1  # x per pair, then theta
    cost = np.zeros(nv)
    cost[-1] = 1.0
    a_eq = np.zeros((len(cats), nv))
    for k, (c, _gi) in enumerate(pairs):
        a_eq[cats.index(c), k] = 1.0
    b_eq = np.array([loads[c] for c in cats])
    a_ub = np.zeros((len(groups), nv))
    for k, (c, gi) in enumerate(pairs):
        a_ub[gi, k] = scenario.authorisation.speed_factor(groups[gi], c)
    for gi in range(len(groups)):
        a_ub[gi, -1] = -float(staffed[gi])
    res = linprog(cost, A_ub=a_ub, b_ub=np.zeros(len(groups)), A_eq=a_eq, b_eq=b_eq,
                  bounds=[(0, None)] * nv, method="highs")
    theta = float(res.x[-1])
    util = [(a_ub[gi, :-1] @ res.x[:-1]) / staffed[gi] if staffed[gi] else 0.0
            for gi in range(len(groups))]
    hot = {gi for gi in range(len(groups)) if staffed[gi] and util[gi] >= theta - 1e-7}
    bottleneck = tuple(c for c in cats
                       if all(gi in hot for (cc, gi) in pairs if cc == c))
    return theta, bottleneck, tuple(sorted(hot))


def extra_visit_rates(scenario: Scenario) -> dict[str, float]:
    """Tickets per hour, averaged over opening hours, that cases add by coming back:
    return visits (incomplete materials) and collection visits (出件).

    Both arrive at a time drawn uniformly over the opening hours of their day, so
    their rate is flat: expected extra visits per case x cases per open hour.
    """
    from sim.engine.arrivals import expected_arrivals

    open_hours = scenario.hall.open_minutes_per_day / 60.0
    extra = dict.fromkeys(scenario.categories, 0.0)
    for name, cat in scenario.categories.items():
        cases_per_hour = expected_arrivals(scenario, name) / open_hours
        r = cat.returns
        walk_in = 1.0 - cat.online_share  # online applications make no return visits
        p, q = scenario.incomplete_probabilities(name)  # after a guide's pre-check
        if r is not None and r.accept_with_deficiency is None and p > 0 and q < 1:
            # the first visit is incomplete with probability p (`incomplete`); every
            # return visit is incomplete again with probability q (after a one-time
            # notice, `one_time_notice`; else `incomplete` again): a geometric number of
            # returns, p / (1 - q) per case. q < 1 for every valid scenario.
            extra[name] += walk_in * cases_per_hour * p / (1.0 - q)
        d = cat.delivery
        if cat.backoffice is not None and d is not None and d.collect_at is not None:
            extra[d.collect_at] += cases_per_hour * cat.backoffice.share * (1 - d.post_share)
    return extra


def ticket_segments(scenario: Scenario) -> dict[str, list[tuple[float, float, float]]]:
    """Per category, ``(start, end, tickets per hour)`` segments of one day for every
    kind of ticket it receives: first tickets (of the customers who neither apply
    online nor finish at a self-service kiosk: :meth:`Scenario.window_share`),
    journey steps (at their journey's rate; the time a journey takes is
    ignored), return and collection visits (flat over the opening hours), and the
    wrong tickets of ``categories.X.wrong_ticket`` (at the customers' arrival times,
    in the category they queue for). Segments may overlap: rates add up. Rates are in
    tickets of the category's mean service time: a wrong ticket turned away after
    2 minutes at a 10-minute item counts 0.2, so rate x mean service is the load.
    """
    from sim.engine.arrivals import segments_of_rate

    out = {}
    for c in scenario.categories:
        walk_in = scenario.window_share(c)  # online applicants, kiosk users done: no ticket
        out[c] = [(s, e, r * walk_in) if walk_in != 1.0 else (s, e, r)
                  for s, e, r in rate_segments(scenario, c)]
    for journey in scenario.journeys.values():
        jsegs = segments_of_rate(scenario, journey.arrivals_per_hour)
        for step in journey.steps:
            out[step].extend(jsegs)
    for c, cat in scenario.categories.items():
        p = scenario.wrong_share(c)  # after a guide desk
        wrong = cat.wrong_ticket
        if wrong is None or p <= 0:
            continue
        to = wrong.to or c
        # p / (1 - p) wrong tickets per walk-in customer, turn_away minutes of work each
        k = scenario.window_share(c) * p / (1.0 - p) * wrong.turn_away.mean \
            / scenario.categories[to].service.mean
        out[to].extend((s, e, r * k) for s, e, r in rate_segments(scenario, c))
    for c, rate in extra_visit_rates(scenario).items():
        if rate > 0:
            out[c].extend((s, e, rate) for s, e in scenario.hall.periods)
    return out


def rate_at(segments: list[tuple[float, float, float]], t: float) -> float:
    """Tickets per hour at minute ``t`` of the day."""
    return sum(r for s, e, r in segments if s <= t < e)


def overloaded_sets(scenario: Scenario, loads: dict[str, float], staffed: list[int]
                    ) -> list[tuple[float, tuple[str, ...], tuple[int, ...]]]:
    """Every set of items whose windows cannot keep up, worst first: the bottleneck of
    :func:`least_max_utilisation`, then the bottleneck of what is left once those items
    and their windows are set aside, for as long as the least utilisation is 1 or more
    (two departments short at once are two warnings, not the worse one alone). Each
    entry: utilisation, items, indices of their groups (none when the items have no
    staffed window)."""
    loads, staffed = dict(loads), list(staffed)
    out: list[tuple[float, tuple[str, ...], tuple[int, ...]]] = []
    while True:
        theta, cats, hot = bottleneck(scenario, loads, staffed)
        if theta < 1.0:
            return out
        out.append((theta, cats, hot))
        if not cats:
            return out
        for c in cats:
            loads[c] = 0.0
        for gi in hot:
            staffed[gi] = 0


def _spread_utilisation(scenario: Scenario, loads: dict[str, float],
                        staffed: list[int], rounds: int = 30) -> float:
    """Max group utilisation of a feasible split of each category's load over its
    staffed groups: an upper bound of :func:`least_max_utilisation` found without
    an LP (``inf`` when a loaded category has no window). Starts in proportion to
    the groups' windows and moves load towards the less busy groups."""
    groups = [g.id for g in scenario.windows]
    split: dict[str, dict[int, float]] = {}
    for c, load in loads.items():
        mine = [gi for gi, g in enumerate(groups)
                if load > 0 and staffed[gi] > 0 and c in scenario.authorisation.serves(g)]
        if load > 0 and not mine:
            return float("inf")
        total = sum(staffed[gi] for gi in mine)
        split[c] = {gi: staffed[gi] / total for gi in mine}
    speed = {(c, gi): scenario.authorisation.speed_factor(groups[gi], c)
             for c in split for gi in split[c]}
    best = float("inf")
    for _ in range(rounds):
        util = [0.0] * len(groups)
        for c, shares in split.items():
            for gi, share in shares.items():
                util[gi] += loads[c] * share * speed[c, gi] / staffed[gi]
        best = min(best, max(util, default=0.0))
        if best < 1.0:
            break
        for shares in split.values():
            weight = {gi: share / max(util[gi], 1e-9) for gi, share in shares.items()}
            norm = sum(weight.values())
            for gi in shares:
                shares[gi] = 0.5 * shares[gi] + 0.5 * weight[gi] / norm
    return best


def busiest_days(scenario: Scenario) -> tuple[float, tuple[int, ...]]:
    """The highest arrival factor of the days the scenario simulates (``hall.days``,
    warm-up days too: their queues are real) and those days, 0-based."""
    hall = scenario.hall
    factors = [hall.day_factor(d) for d in range(hall.days)]
    top = max(factors)
    return top, tuple(d for d, f in enumerate(factors) if f == top)


def overloads(scenario: Scenario) -> list[Overload]:
    """Stretches of the day (on the busiest simulated day, :func:`busiest_days`) where
    load exceeds capacity.

    Offered load counts every ticket a category receives (:func:`ticket_segments`).
    """
    cuts = {s for s, _ in scenario.hall.periods} | {e for _, e in scenario.hall.periods}
    for g in scenario.windows:
        cuts |= {parse_hhmm(k) for k in (g.schedule or {})}
    segs = ticket_segments(scenario)
    for c in segs:
        cuts |= {s for s, _, _ in segs[c]} | {e for _, e, _ in segs[c]}
    factor, days = busiest_days(scenario)
    found: list[Overload] = []
    points = sorted(cuts)
    for t0, t1 in zip(points, points[1:]):
        mid = (t0 + t1) / 2
        if not scenario.hall.is_open_at(mid):
            continue
        loads = {}
        for c, cat in scenario.categories.items():
            loads[c] = rate_at(segs[c], mid) * factor * cat.service.mean / 60.0
        staffed = [0 if g.kiosk else g.staffed_at(mid) for g in scenario.windows]
        if _spread_utilisation(scenario, loads, staffed) < 1.0:
            continue  # a feasible split is below capacity: no LP needed
        for theta, cats, hot in overloaded_sets(scenario, loads, staffed):
            windows = sum(staffed[gi] for gi in hot)
            here = Shortfall(t0, t1, theta * windows if hot else float("inf"), windows)
            # a stretch without staffed windows is said apart from one short of windows
            prev = next((o for o in found if o.end == t0 and o.categories == cats
                         and math.isinf(o.utilisation) == math.isinf(theta)), None)
            if prev is not None:
                found.remove(prev)
                found.append(Overload(prev.start, t1, factor, max(theta, prev.utilisation),
                                      cats, days, prev.stretches + (here,)))
            else:
                found.append(Overload(t0, t1, factor, theta, cats, days, (here,)))
    found.sort(key=lambda o: (o.start, o.end))
    return found
