"""Stories of the hall's mechanism interface: a part plugged into the core.

A part is a :class:`~sim.engine.core.Mechanism` that overrides the hooks it needs. The
story's part makes called citizens walk to the window (as issue 18's walking will): the
window is occupied from the call, the service starts after the walk, and the part adds
a ``start`` record column. A hall without the part is the plain core.
"""

from __future__ import annotations

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.core import HallCore, Mechanism
from sim.engine.hall import HallLayout, run_hall
from sim.engine.parts import PARTS, build_parts
from sim.engine.records import Records
from sim.scenario.model import scenario_from_dict

WALK = {"办证窗口-1": 2.0, "办证窗口-2": 5.0}  # minutes from the waiting seats


class Walking(Mechanism):
    """Citizens walk to the window that called them before their service starts."""

    __slots__ = ("_walk", "_start")

    def __init__(self, layout: HallLayout) -> None:
        self._walk = [WALK[name] for name in layout.window_names]
        self._start: dict[int, float] = {}

    def lead(self, w: int, i: int, now: float) -> float:
        self._start[i] = now + self._walk[w]
        return self._walk[w]

    def finish(self, records: Records) -> Records:
        start = np.full(len(records), np.nan)
        start[list(self._start)] = list(self._start.values())
        return records.with_columns({"start": start})


def two_window_hall():
    return scenario_from_dict({
        "name": "走到窗口",
        "hall": {"open": ["00:00-24:00"], "days": 1},
        "categories": {"身份证": {"arrivals_per_hour": 1,
                                 "service": {"dist": "deterministic", "value": 10}}},
        "windows": [{"id": "办证窗口", "count": 2, "serves": ["身份证"]}],
    })


def citizens(*arrivals: float) -> Customers:
    n = len(arrivals)
    return Customers(names=("身份证",), arrival=np.array(arrivals),
                     category=np.zeros(n, dtype=np.int32), work=np.full(n, 10.0),
                     patience=np.full(n, np.inf))


def test_a_walking_citizen_keeps_the_window_busy_until_served():
    layout = HallLayout.from_scenario(two_window_hall())
    hall = HallCore(layout, citizens(0.0, 1.0, 3.0), [Walking(layout)])
    rec = hall.run(1)
    # the first two are called at once by the two windows; they walk 2 and 5 minutes
    assert list(rec.window) == [0, 1, 0]
    assert list(rec.call) == [0.0, 1.0, 12.0]          # the third waits for window 1's end
    assert list(rec.extra["start"]) == [2.0, 6.0, 14.0]  # call + walk
    assert list(rec.end) == [12.0, 16.0, 24.0]         # start + 10 minutes of service


def test_without_the_part_the_service_starts_at_the_call():
    layout = HallLayout.from_scenario(two_window_hall())
    rec = HallCore(layout, citizens(0.0, 1.0, 3.0)).run(1)
    assert list(rec.call) == [0.0, 1.0, 10.0]
    assert list(rec.end) == [10.0, 11.0, 20.0]
    assert rec.extra == {}


def test_a_hall_with_no_mechanism_in_use_builds_only_the_ever_present_part():
    layout = HallLayout.from_scenario(two_window_hall())
    parts, first = build_parts(layout, citizens(0.0, 1.0))
    assert [type(p).__name__ for p in parts] == ["ReachedTickets"]
    assert list(first.arrival) == [0.0, 1.0]
    assert len(PARTS) >= len(parts)
    # patient citizens: no ``reached`` column
    assert run_hall(layout, citizens(0.0, 1.0), 1).extra == {}


class Escorted(Mechanism):
    """A guide walks every called citizen to the window: one more minute, and the guide
    keeps the window of 办证窗口-2 once its first service ends (a part holding it)."""

    __slots__ = ("held",)

    def __init__(self) -> None:
        self.held: list[tuple[int, float]] = []

    def lead(self, w: int, i: int, now: float) -> float:
        return 1.0

    def freed(self, w: int, now: float) -> bool:
        if w == 1:
            self.held.append((w, now))
            return True
        return False


def test_two_parts_add_their_lead_times_and_a_held_window_calls_nobody():
    layout = HallLayout.from_scenario(two_window_hall())
    escort = Escorted()
    rec = HallCore(layout, citizens(0.0, 1.0, 3.0), [Walking(layout), escort]).run(1)
    assert list(rec.extra["start"]) == [2.0, 6.0, 15.0]  # call + its own walk only
    assert list(rec.end) == [13.0, 17.0, 26.0]          # call + walk + 1 + 10
    assert list(rec.window) == [0, 1, 0]                 # window 2 never calls again
    assert escort.held == [(1, 17.0)]
