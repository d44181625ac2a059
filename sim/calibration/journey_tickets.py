"""Journey tickets on the forecast's grid of bins: when a journey's steps take theirs.

A journey (一件事) arriving at minute ``t`` takes its first step's ticket at ``t`` and
each next step's ticket when the step before is done: here after that step's mean
occupancy at that time of day (the item's mean service times its ``service_by_time``
factor; the wait before it is left out), or at the next opening when the hall has
closed by then (the engine's rule, :class:`sim.engine.cases.JourneyRunner`). A ticket
counts in the bin, and so the hour, it is *taken* in, as the results document's
``by_hour.arrivals_per_day`` counts it; a step pushed past closing counts in the next
opening's hour (of the next day: on an average day the same hour).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.scenario.clock import parse_hhmm
from sim.scenario.model import Scenario

MINUTES_PER_DAY = 1440.0


def rate_at(rate: float | Mapping[str, float], minute: float) -> float:
    """An arrival rate (a number, or a ``HH:MM`` profile) in force at ``minute``."""
    if isinstance(rate, (int, float)):
        return float(rate)
    steps = sorted((parse_hhmm(k), float(v)) for k, v in rate.items())
    value = steps[0][1]
    for t, v in steps:
        if t <= minute:
            value = v
    return value


def _next_ticket(scenario: Scenario, item: str, t: np.ndarray) -> np.ndarray:
    """When the step after one of ``item`` taken at ``t`` takes its ticket (minutes of
    the day): after the item's mean occupancy, or at the next opening."""
    cat = scenario.categories[item]
    done = (t + cat.service.mean * cat.service_factor_at(t)) % MINUTES_PER_DAY
    periods = sorted((float(s), float(e)) for s, e in scenario.hall.periods)
    is_open = np.zeros(len(done), dtype=bool)
    for s, e in periods:
        is_open |= (s <= done) & (done < e)
    starts = np.array([s for s, _ in periods])
    later = np.searchsorted(starts, done, side="right")
    opening = np.where(later < len(starts), starts[np.minimum(later, len(starts) - 1)],
                       starts[0])
    return np.where(is_open, done, opening)


def spread(scenario: Scenario, starts: np.ndarray, step: int) -> np.ndarray:
    """Expected journey tickets of an average day (day factor 1) per item, bin taken
    and bin the journey started in (items x bins x bins), at the scenario's journey
    rates; ``spread @ g`` with a factor per start bin gives the tickets of journeys
    scaled by it. Journeys start evenly within a bin (one per minute, weighted)."""
    names = list(scenario.categories)
    n = len(starts)
    out = np.zeros((len(names), n, n))
    minutes = np.arange(step) + 0.5
    for journey in scenario.journeys.values():
        for b, t0 in enumerate(starts):
            count = rate_at(journey.arrivals_per_hour, float(t0)) * step / 60.0
            if count <= 0:
                continue
            t = t0 + minutes
            for k, item in enumerate(journey.steps):
                if k:
                    t = _next_ticket(scenario, journey.steps[k - 1], t)
                taken = np.searchsorted(starts, t, side="right") - 1
                np.add.at(out[names.index(item)], (taken, b), count / step)
    return out


def journey_rates(scenario: Scenario, starts: np.ndarray,
                  factor: np.ndarray) -> dict[str, dict[float, float]]:
    """Each journey's arrival rate per bin start times the bin's ``factor`` (journeys
    with no arrival in the open bins left out)."""
    out = {}
    for name, journey in scenario.journeys.items():
        rates = {float(t): rate_at(journey.arrivals_per_hour, float(t)) * float(f)
                 for t, f in zip(starts, factor)}
        if any(rate_at(journey.arrivals_per_hour, float(t)) > 0 for t in starts):
            out[name] = rates
    return out
