"""Stories of a two-window hall, told by the exact event log (SimPy-style).

Window A is authorised for item a; window B for items b and a (b is its
primary). Service is deterministic, and the customers are written by hand.
"""

from __future__ import annotations

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.hall import HallLayout, run_hall
from sim.engine.records import SERVED
from sim.scenario.model import scenario_from_dict


def hall(call_rule: str = "oldest_first", **extra_b):
    return scenario_from_dict({
        "name": "story",
        "hall": {"open": ["00:00-24:00"], "days": 1, "call_rule": call_rule},
        "categories": {"a": {"arrivals_per_hour": 1, "service": {"dist": "deterministic",
                                                                 "value": 1}},
                       "b": {"arrivals_per_hour": 1, "service": {"dist": "deterministic",
                                                                 "value": 1}}},
        "windows": [{"id": "A", "count": 1, "serves": ["a"]},
                    {"id": "B", "count": 1, "serves": ["b", "a"], **extra_b}],
    })


def customers(rows):
    """rows: (arrival minute, category, work minutes[, patience])."""
    return Customers(
        names=("a", "b"),
        arrival=np.array([r[0] for r in rows], dtype=float),
        category=np.array([{"a": 0, "b": 1}[r[1]] for r in rows], dtype=np.int32),
        work=np.array([r[2] for r in rows], dtype=float),
        patience=np.array([r[3] if len(r) > 3 else np.inf for r in rows], dtype=float),
    )


def story(scenario, rows):
    log: list[tuple] = []
    layout = HallLayout.from_scenario(scenario)
    records = run_hall(layout, customers(rows), scenario.hall.days, trace=log)
    named = [(t, ev, i, layout.window_names[w] if ev in ("call", "end") else None)
             for t, ev, i, w in log]
    return named, records


def test_oldest_ticket_is_called_first_across_the_items_a_window_serves():
    log, rec = story(hall(), [(1, "a", 10), (2, "a", 4), (3, "b", 3), (4, "a", 2)])
    assert log == [
        (1, "arrive", 0, None), (1, "call", 0, "A-1"),      # A is a's own window
        (2, "arrive", 1, None), (2, "call", 1, "B-1"),      # A busy: B, also authorised
        (3, "arrive", 2, None),                             # both busy: b queues
        (4, "arrive", 3, None),                             # a queues behind it
        (6, "end", 1, "B-1"), (6, "call", 2, "B-1"),        # B calls the oldest: b at 3
        (9, "end", 2, "B-1"), (9, "call", 3, "B-1"),        # then a (A is still busy)
        (11, "end", 0, "A-1"), (11, "end", 3, "B-1"),
    ]
    assert (rec.outcome == SERVED).all()
    np.testing.assert_array_equal(rec.call - rec.arrival, [0, 0, 3, 5])


def test_own_first_window_serves_its_own_item_before_an_older_ticket():
    rows = [(1, "a", 10), (2, "a", 4), (3, "a", 3), (4, "b", 2)]
    log_fifo, _ = story(hall(), rows)
    log_own, _ = story(hall(call_rule="own_first"), rows)
    assert (6, "call", 2, "B-1") in log_fifo      # oldest first: the a that came at 3
    assert (6, "call", 3, "B-1") in log_own       # own first: B's own b, though newer
    assert (8, "call", 2, "B-1") in log_own       # and then the a


def test_a_slower_cross_authorised_window_takes_longer_on_the_foreign_item():
    log, rec = story(hall(speed={"a": 1.5}), [(1, "a", 10), (2, "a", 4), (3, "b", 4)])
    assert (2, "call", 1, "B-1") in log and (8, "end", 1, "B-1") in log  # 4 x 1.5 = 6
    assert (8, "call", 2, "B-1") in log and (12, "end", 2, "B-1") in log  # own item: 4


def test_impatient_customer_leaves_at_the_end_of_patience_and_is_skipped():
    log, rec = story(hall(), [(1, "a", 10), (2, "a", 10), (3, "a", 5, 4.0), (4, "a", 5)])
    assert (7.0, "abandon", 2, None) in log     # would have been called at 11 > 3 + 4
    assert (11, "call", 3, "A-1") in log
    assert rec.outcome.tolist() == [0, 0, 1, 0]
    assert rec.end[2] == 7.0 and np.isnan(rec.call[2])


def test_the_event_log_is_in_time_order_though_abandonments_are_found_late():
    """Ticket 2 gives up at 7:00 but nobody looks until the window frees up at 11:00;
    the log still lists its abandonment between the 4:00 arrival and the 11:00 call."""
    log, rec = story(hall(), [(1, "a", 10), (2, "a", 10), (3, "a", 5, 4.0), (4, "a", 5)])
    times = [row[0] for row in log]
    assert times == sorted(times)
    events = [(t, ev) for t, ev, *_ in log]
    assert events.index((4, "arrive")) < events.index((7.0, "abandon")) \
        < events.index((11, "call"))
    assert sum(ev == "abandon" for _t, ev in events) == int((rec.outcome == 1).sum())


def test_idle_windows_are_chosen_primary_group_first_then_longest_idle():
    scenario = scenario_from_dict({
        "name": "choice", "hall": {"open": ["00:00-24:00"], "days": 1},
        "categories": {"a": {"arrivals_per_hour": 1, "service": {"dist": "exponential",
                                                                 "mean": 1}}},
        "windows": [{"id": "X", "count": 1, "serves": ["*"], "primary": []},
                    {"id": "Y", "count": 2, "serves": ["a"]}],
    })
    layout = HallLayout.from_scenario(scenario)
    log: list[tuple] = []
    cust = Customers(("a",), np.array([1.0, 2.0, 3.0, 20.0, 21.0]), np.zeros(5, np.int32),
                     np.array([5.0, 1.0, 30.0, 1.0, 1.0]), np.full(5, np.inf))
    run_hall(layout, cust, 1, trace=log)
    calls = [(t, layout.window_names[w]) for t, ev, _i, w in log if ev == "call"]
    # Y is a's primary group: Y-1, then Y-2; X only when Y is full. At 20 both Y
    # windows are idle: Y-2 (idle since 3) has waited longer than Y-1 (idle since 6).
    assert calls == [(1, "Y-1"), (2, "Y-2"), (3, "X-1"), (20, "Y-2"), (21, "Y-1")]


def test_balking_customer_leaves_when_enough_of_its_item_are_waiting():
    scenario = scenario_from_dict({
        "name": "balk", "hall": {"open": ["00:00-24:00"], "days": 1},
        "categories": {"a": {"arrivals_per_hour": 1, "balk_at_queue": 2,
                             "service": {"dist": "deterministic", "value": 1}}},
        "windows": [{"id": "A", "count": 1, "serves": ["a"]}],
    })
    cust = Customers(("a",), np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4, np.int32),
                     np.array([10.0, 1.0, 1.0, 1.0]), np.full(4, np.inf))
    rec = run_hall(HallLayout.from_scenario(scenario), cust, 1)
    assert rec.outcome.tolist() == [0, 0, 0, 2]  # the fourth finds two waiting and leaves
