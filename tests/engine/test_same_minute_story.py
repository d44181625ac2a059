"""Stories of a one-window hall in which two things happen in the same minute.

SimPy takes events due at the same time in the order they were scheduled; the hall
schedules its arrival and service-end events again and again instead of making new
ones, and must keep that order. Service is deterministic and the customers are
written by hand, so each story's event log is exact.
"""

from __future__ import annotations

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.hall import Hall, HallLayout, run_hall
from sim.scenario.model import scenario_from_dict


def one_window_hall():
    return scenario_from_dict({
        "name": "同一分钟",
        "hall": {"open": ["00:00-24:00"], "days": 1},
        "categories": {"社保": {"arrivals_per_hour": 1,
                               "service": {"dist": "deterministic", "value": 1}}},
        "windows": [{"id": "窗口A", "count": 1, "serves": ["社保"]}],
    })


def story(rows):
    """rows: (arrival minute, work minutes); returns the event log with window names."""
    scenario = one_window_hall()
    layout = HallLayout.from_scenario(scenario)
    customers = Customers(
        names=("社保",),
        arrival=np.array([r[0] for r in rows], dtype=float),
        category=np.zeros(len(rows), dtype=np.int32),
        work=np.array([r[1] for r in rows], dtype=float),
        patience=np.full(len(rows), np.inf),
    )
    log: list[tuple] = []
    run_hall(layout, customers, scenario.hall.days, trace=log)
    return [(t, ev, i, layout.window_names[w] if ev in ("call", "end") else None)
            for t, ev, i, w in log]


def test_an_arrival_scheduled_before_the_service_end_comes_first():
    # the arrival at 6 is scheduled when ticket 0 arrives, before its service starts
    assert story([(1, 5), (6, 1)]) == [
        (1, "arrive", 0, None), (1, "call", 0, "窗口A-1"),
        (6, "arrive", 1, None),                              # the window is still busy
        (6, "end", 0, "窗口A-1"), (6, "call", 1, "窗口A-1"),  # then it calls the queued one
        (7, "end", 1, "窗口A-1"),
    ]


def test_a_service_end_scheduled_before_the_arrival_comes_first():
    # ticket 1's arrival schedules the arrival at 6, after the service ending at 6 began
    assert story([(1, 5), (2, 1), (6, 1)]) == [
        (1, "arrive", 0, None), (1, "call", 0, "窗口A-1"),
        (2, "arrive", 1, None),
        (6, "end", 0, "窗口A-1"), (6, "call", 1, "窗口A-1"),  # the window calls ticket 1
        (6, "arrive", 2, None),                              # and ticket 2 queues
        (7, "end", 1, "窗口A-1"), (7, "call", 2, "窗口A-1"),
        (8, "end", 2, "窗口A-1"),
    ]


def test_a_window_serving_back_to_back_ends_and_calls_in_the_same_minute():
    # the window's one service-end event is scheduled again at every call
    log = story([(0, 2), (0.5, 2), (1, 2)])
    assert [row for row in log if row[1] in ("call", "end")] == [
        (0, "call", 0, "窗口A-1"), (2, "end", 0, "窗口A-1"), (2, "call", 1, "窗口A-1"),
        (4, "end", 1, "窗口A-1"), (4, "call", 2, "窗口A-1"), (6, "end", 2, "窗口A-1"),
    ]


def test_tickets_taken_at_the_same_odd_moment_never_turn_the_clock_back():
    # a replayed log can hold two tickets at the same non-integer minute; the calendar's
    # clock (63.297... + (219.066... - 63.297...)) lies one rounding step past 219.066...,
    # so the second ticket is due "in the past": it arrives at once, and the simulation
    # clock never runs backwards
    c, a = 63.29716774213772, 219.06610094689714
    assert c + (a - c) > a  # the rounding step this story is about
    scenario = one_window_hall()
    customers = Customers(names=("社保",), arrival=np.array([c, a, a]),
                          category=np.zeros(3, dtype=np.int32), work=np.ones(3),
                          patience=np.full(3, np.inf))
    hall = Hall(HallLayout.from_scenario(scenario), customers)
    clock: list[float] = []
    step = hall.env.step

    def watched_step() -> None:
        step()
        clock.append(hall.env.now)

    hall.env.step = watched_step  # type: ignore[method-assign]
    rec = hall.run(scenario.hall.days)
    assert clock == sorted(clock)
    assert list(rec.call[:2]) == [c, a] and abs(rec.call[2] - (a + 1.0)) < 1e-9
