"""Is the warm-up long enough? The relaxation time of a hall that never closes.

A hall that closes every day starts each day empty, as the real hall does: no warm-up
is needed for its waits (``hall.warmup_days`` then serves return visits and back-office
work, :data:`sim.stats.metrics.WARMUP_WARNING`). A hall open around the clock
(``open: ["00:00-24:00"]``, the form used for checks against queueing theory) carries
its queue from one day into the next, and its simulation starts empty: the first days
wait less than the steady state the formulas give, for longer the closer the load is
to 1.

How long is measured by the relaxation time of the queue, after Morse (1955, "Stochastic
properties of waiting lines", *Operations Research* 3(3): 255-261): for one server of
service rate mu at load rho, ``1 / (mu (1 - sqrt(rho))^2)``, the time constant with which
the queue forgets its start. For the hall, the busiest set of windows at the average
load (over the day, and over the simulated days' ``day_factors``; the bottleneck of
:func:`sim.stats.load.bottleneck`) is taken as one server ``c`` times as fast:
``tau = s / (c (1 - sqrt(rho))^2)``, ``s`` the mean service of its items as those windows
give it (slowed by their ``speed`` factors), weighted by the window time each takes
(2.2 days for an M/M/5 at rho = 0.95 with 10-minute services,
5.5 hours at rho = 0.85).

A run that starts empty and measures ``T`` minutes after a warm-up of ``w`` misses, if the
deficit decays as ``exp(-t / tau)`` from the whole steady-state queue, about
``(tau / T) exp(-w / tau)`` of the steady-state waits: a heuristic, on the safe side
(Morse's is the slowest of the queue's time constants). Above 1 % a warning says so and
names the warm-up that brings it to 1 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.files.limits import MAX_DAYS
from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.model import Scenario
from sim.stats.load import bottleneck, ticket_segments

#: the share of the steady-state waits a run may miss by starting empty
BIAS = 0.01

#: the warning's words (one definition: the terminal fills them in, the web page
#: translates them through the catalogue first)
RELAXATION_WARNING = (
    "hall.warmup_days: the hall never closes, so each day starts with the queue the day "
    "before left, and the run starts empty; at its average load ({load} of {windows} "
    "windows busy) the queue needs about {hours} hours to forget that start (its relaxation "
    "time): after a warm-up of {warm} day(s), {measured} measured day(s) may show waits up "
    "to {bias} low (warmup_days {need} or more, days raised as much)")
#: a load so near 1 that no warm-up within the limit of days would do
RELAXATION_FULL_WARNING = (
    "hall.warmup_days: the hall never closes and its busiest windows are {load} busy on "
    "average ({windows} windows): so near full, the queue needs about {hours} hours to "
    "forget the empty start (its relaxation time), more than a run within the limit of "
    "{limit} days can warm up: the waits measured are those of a queue still building, "
    "below its steady state")
#: days asked for (``--days``, the page's days) too few for the file's warm-up
WARMUP_CUT_WARNING = ("{days} day(s) per replication leave room for a warm-up of {now} "
                      "day(s), not the {was} of hall.warmup_days (a replication needs one "
                      "measured day)")


@dataclass(frozen=True)
class Relaxation:
    """The busiest windows of a hall that never closes, at its average load: their
    utilisation ``load``, their number ``windows`` (averaged over the day), the mean
    service ``service`` of their items (minutes), and the relaxation time ``minutes``."""

    load: float
    windows: float
    service: float
    minutes: float


def never_closes(scenario: Scenario) -> bool:
    """Whether the hall is open around the clock, its queue carried from day to day."""
    return tuple(scenario.hall.periods) == ((0.0, MINUTES_PER_DAY),)


def relaxation(scenario: Scenario) -> Relaxation | None:
    """The relaxation time of a hall that never closes (None for a hall that closes, one
    with no work, or one whose average load is 1 or more: the overload warning covers
    that)."""
    if not never_closes(scenario):
        return None
    hall = scenario.hall
    factor = sum(hall.day_factor(d) for d in range(hall.days)) / hall.days  # the average day
    loads = {}
    for name, segments in ticket_segments(scenario).items():
        tickets = sum((e - s) / 60.0 * r for s, e, r in segments) * factor
        loads[name] = tickets * scenario.categories[name].service.mean / MINUTES_PER_DAY
    staffed = [0.0 if g.kiosk else _mean_staffed(g.staffing()) for g in scenario.windows]
    load, items, hot = bottleneck(scenario, loads, staffed)
    if not items or not 0 < load < 1:
        return None
    windows = sum(staffed[gi] for gi in hot)
    # each item's service as the busiest windows give it (slowed by their speed factors),
    # weighted by the window time it takes there
    slowed = {c: _mean([scenario.authorisation.speed_factor(scenario.windows[gi].id, c)
                        for gi in hot
                        if c in scenario.authorisation.serves(scenario.windows[gi].id)])
              for c in items}
    work = sum(loads[c] * slowed[c] for c in items)
    service = sum(loads[c] * slowed[c] * scenario.categories[c].service.mean * slowed[c]
                  for c in items) / work
    minutes = service / (windows * (1.0 - math.sqrt(load)) ** 2)
    return Relaxation(load, windows, service, minutes)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 1.0


def _mean_staffed(steps: tuple[tuple[float, int], ...]) -> float:
    """Windows on duty averaged over the day, from a group's staffing steps (minute,
    windows; each holds until the next, the first from midnight)."""
    points = [t for t, _ in steps[1:]] + [MINUTES_PER_DAY]
    start = [0.0] + points[:-1]
    return sum(n * (end - begin) for (_, n), begin, end in zip(steps, start, points)) \
        / MINUTES_PER_DAY


def start_bias(tau: float, warmup: float, measured: float) -> float:
    """The share of the steady-state waits a run may miss by starting empty: ``(tau /
    measured) exp(-warmup / tau)``, all in minutes (module docstring)."""
    return tau / measured * math.exp(-warmup / tau)


def warmup_parts(scenario: Scenario) -> list[tuple[str, dict[str, str]]]:
    """The relaxation warning (:data:`RELAXATION_WARNING` and its values) when the hall
    never closes and a run may miss more than :data:`BIAS` of its waits by starting
    empty (:func:`start_bias`); else nothing."""
    found = relaxation(scenario)
    hall = scenario.hall
    warm, measured = hall.warmup_days * MINUTES_PER_DAY, \
        (hall.days - hall.warmup_days) * MINUTES_PER_DAY
    if found is None:
        return []
    tau = found.minutes
    bias = start_bias(tau, warm, measured)
    if bias <= BIAS:
        return []
    values = {"load": _percent(found.load), "windows": f"{found.windows:.3g}",
              "hours": f"{tau / 60:,.1f}"}
    need = math.ceil(tau * math.log(tau / (BIAS * measured)) / MINUTES_PER_DAY)
    if need + hall.days - hall.warmup_days > MAX_DAYS:
        return [(RELAXATION_FULL_WARNING, values | {"limit": f"{MAX_DAYS:,}"})]
    return [(RELAXATION_WARNING, values | {
        "warm": str(hall.warmup_days), "measured": str(hall.days - hall.warmup_days),
        "bias": f"{100 * bias:.0f}%" if bias < 0.5 else "50%+", "need": str(need)})]


def _percent(share: float) -> str:
    """``share`` (below 1) in percent, with as many decimals as keep it below 100 % (a
    load of 0.999 is 99.9 %, not 100 %)."""
    digits = 0 if share < 0.995 else next(
        (k for k in range(1, 10) if round(100 * share, k) < 100), 9)
    return f"{100 * share:.{digits}f}%"


def warmup_cut_parts(was: int, scenario: Scenario) -> list[tuple[str, dict[str, str]]]:
    """The note that ``--days`` cut the file's warm-up ``was`` to the ``scenario``'s
    (:data:`WARMUP_CUT_WARNING`), or nothing when it kept it."""
    hall = scenario.hall
    if hall.warmup_days >= was:
        return []
    return [(WARMUP_CUT_WARNING, {"days": str(hall.days), "now": str(hall.warmup_days),
                                  "was": str(was)})]
