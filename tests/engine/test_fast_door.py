"""Stories: the fast engine runs the door (a guide desk and wrong tickets) and keeps the
same records as the SimPy engine, bit for bit.

The guide desk's ticket times are drawn with the customers; the fast engine hands the
first tickets out at those times, as the SimPy engine does. A wrong ticket served turns
its customer away and the next ticket is taken at once (docs/engine-order.md, "The
door"): the loop adds it after the tickets taken so far, so the tickets, their numbers
and the door's columns (``wrong``, ``door``, ``guide_call``, ``customer``) are the same.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("numba")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import sim.engine.fast.support as support  # noqa: E402
from sim.engine.arrivals import Customers, draw_customers  # noqa: E402
from sim.engine.door import DoorDraws, build_door  # noqa: E402
from sim.engine.fast import choose_engine, unsupported  # noqa: E402
from sim.engine.layout import HallLayout  # noqa: E402
from sim.run.replications import simulate  # noqa: E402
from sim.scenario.model import Scenario, load_scenario, scenario_from_dict  # noqa: E402
from tests.engine_fast.same_records import both_engines, differences  # noqa: E402
from tests.engine_fast.test_same_records import drawn_halls, halls  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def _without_returns(path: str) -> Scenario:
    """A bundled door scenario without its returns (which only the SimPy engine runs)."""
    spec = load_scenario(SCENARIOS / path).to_dict()
    for cat in spec["categories"].values():
        cat.pop("returns", None)
    return scenario_from_dict(spec)


@pytest.mark.parametrize("path", ["mechanisms/guide_desk.yaml", "mechanisms/guide_none.yaml",
                                  "xinglongtai/after_unguided.yaml"])
def test_the_bundled_door_halls_keep_the_same_records(path: str):
    scenario = _without_returns(path)
    assert unsupported(scenario) is None
    layout = HallLayout.from_scenario(scenario)
    for replication in (0, 1):
        customers = draw_customers(scenario, 11, replication)
        simpy_records, fast_records = both_engines(layout, customers, scenario.hall.days)
        assert differences(simpy_records, fast_records) == [], f"{path} #{replication}"
        assert "guide_call" in fast_records.extra
        if scenario.has_wrong_tickets:  # wrong tickets were taken, and taken again
            assert fast_records.extra["wrong"].sum() > 0
            assert len(fast_records) > len(customers.in_hall())


def test_a_door_hall_gives_the_same_figures_on_either_engine():
    """The guide desk's figures (its wait, its guides' use, wrong tickets) included."""
    scenario = _without_returns("mechanisms/guide_desk.yaml")
    fast = simulate(scenario, seed=3, replications=2, engine="fast")
    slow = simulate(scenario, seed=3, replications=2, engine="simpy")
    figures = [json.dumps(r.summary, sort_keys=True) for r in fast.replications]
    assert "guide_wait_mean" in figures[0]
    assert figures == [json.dumps(r.summary, sort_keys=True) for r in slow.replications]


def _door_hall(guides: int) -> Scenario:
    return scenario_from_dict({
        "name": "取错号", "hall": {"open": ["08:00-17:00"], "days": 1},
        "categories": {
            "社保": {"arrivals_per_hour": 1, "service": {"dist": "exponential", "mean": 10},
                   "wrong_ticket": {"share": 0.5, "to": "医保",
                                    "turn_away": {"dist": "deterministic", "value": 2}}},
            "医保": {"arrivals_per_hour": 1, "service": {"dist": "exponential", "mean": 10}}},
        "guide": {"count": guides, "service": {"dist": "deterministic", "value": 3}},
        "windows": [{"id": "A", "count": 1, "serves": ["社保"]},
                    {"id": "B", "count": 1, "serves": ["医保"]}]})


def _with_door(scenario: Scenario, customers: Customers, wrong: list[int],
               guide_work: list[float], turn_away: float) -> Customers:
    """``customers`` with a door: ``wrong[i]`` wrong tickets for customer ``i``, each
    turned away after ``turn_away`` minutes, and ``guide_work[i]`` minutes at the desk."""
    n_cat = len(customers.names)
    rows = np.zeros(len(customers), dtype=np.int64)
    draws = {}
    for k in range(n_cat):
        mine = np.flatnonzero(customers.category == k)
        rows[mine] = np.arange(len(mine))
        draws[k] = DoorDraws(np.array([wrong[i] for i in mine], dtype=np.int64),
                             np.full((len(mine), 3), turn_away),
                             np.array([guide_work[i] for i in mine], dtype=np.float64))
    door = build_door(scenario, customers.arrival, customers.category, rows, draws, None, 0, 0)
    return dataclasses.replace(customers, door=door)


def test_a_customer_turned_away_takes_the_right_ticket_at_once():
    """Two customers for 社保 at 09:00 through a one-guide desk (3 minutes each): tickets
    at 09:03 and 09:06. The first took a wrong ticket (for 医保): window B calls it at
    09:03 and turns them away at 09:05; their right ticket, taken then, goes to window A at
    once, so the second customer (ticket at 09:06) waits for it until 09:15."""
    scenario = _door_hall(guides=1)
    customers = Customers(("社保", "医保"), np.array([540.0, 540.0]),
                          np.zeros(2, dtype=np.int32), np.array([10.0, 10.0]),
                          np.array([np.inf, np.inf]))
    customers = _with_door(scenario, customers, [1, 0], [3.0, 3.0], 2.0)
    simpy_records, fast = both_engines(HallLayout.from_scenario(scenario), customers, 1)
    assert differences(simpy_records, fast) == []
    assert fast.arrival.tolist() == [543.0, 546.0, 545.0]
    assert fast.category.tolist() == [1, 0, 0]
    assert fast.window.tolist() == [1, 0, 0]
    assert fast.call.tolist() == [543.0, 555.0, 545.0]
    assert fast.end.tolist() == [545.0, 565.0, 555.0]
    assert fast.extra["wrong"].tolist() == [1, 0, 0]
    assert fast.extra["customer"].tolist() == [0, 1, 0]
    assert fast.extra["door"].tolist() == [540.0, 540.0, 540.0]
    assert fast.extra["guide_call"].tolist() == [540.0, 543.0, 540.0]


def test_a_big_guide_desk_run_goes_to_the_fast_engine(monkeypatch):
    monkeypatch.setattr(support, "loaded", lambda: False)
    spec = _door_hall(guides=2).to_dict()
    spec["hall"]["days"] = 400
    for cat in spec["categories"].values():
        cat["arrivals_per_hour"] = 30
    choice = choose_engine(scenario_from_dict(spec), "auto", replications=1)
    assert choice.engine == "fast", choice.line()


# --- random halls of whole minutes with a door ----------------------------------------


@st.composite
def door_halls(draw: st.DrawFn) -> tuple[Scenario, Customers]:
    """A whole-minute hall of ``halls`` (schedules, breaks, balking, priority levels,
    walking, patience) with a guide desk of 1-3 guides and/or wrong tickets (up to 4 a
    customer: later ones beyond the 3 drawn up front), all times whole minutes."""
    scenario, customers = draw(halls())
    spec = scenario.to_dict()
    items = customers.names
    wrong_items = draw(st.lists(st.sampled_from(items), unique=True))
    turn = draw(st.integers(1, 6))
    for item in wrong_items:
        spec["categories"][item]["wrong_ticket"] = {
            "share": 0.3, "to": draw(st.sampled_from(items)),
            "turn_away": {"dist": "deterministic", "value": turn}}
    guides = draw(st.integers(0 if wrong_items else 1, 3))
    if guides:
        spec["guide"] = {"count": guides, "service": {"dist": "deterministic", "value": 1}}
    scenario = scenario_from_dict(spec)
    n = len(customers)
    can = [items[c] in wrong_items for c in customers.category.tolist()]
    wrong = [draw(st.sampled_from([0, 0, 1, 1, 2, 4])) if can[i] else 0 for i in range(n)]
    work = [float(draw(st.integers(0, 4))) if guides else np.nan for _ in range(n)]
    return scenario, _with_door(scenario, customers, wrong, work, float(turn))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(door_halls())
def test_random_door_halls_with_ties_everywhere_keep_the_same_records(hall):
    scenario, customers = hall
    assert unsupported(scenario) is None
    layout = HallLayout.from_scenario(scenario)
    simpy_records, fast_records = both_engines(layout, customers, scenario.hall.days)
    assert differences(simpy_records, fast_records) == []


# --- random halls with drawn customers and a door ---------------------------------------


@st.composite
def drawn_door_halls(draw: st.DrawFn) -> tuple[Scenario, int]:
    """A hall of ``drawn_halls`` (profiles, patience, balking, priority shares, kiosks,
    appointments, schedules, breaks, walking) with a guide desk and/or wrong tickets."""
    scenario, seed = draw(drawn_halls())
    spec: dict[str, Any] = scenario.to_dict()
    items = list(spec["categories"])
    wrong_items = draw(st.lists(st.sampled_from(items), unique=True))
    for item in wrong_items:
        spec["categories"][item]["wrong_ticket"] = {
            "share": draw(st.sampled_from([0.2, 0.5])), "to": draw(st.sampled_from(items)),
            "turn_away": {"dist": "exponential", "mean": 2}}
    if not wrong_items or draw(st.booleans()):
        spec["guide"] = {"count": draw(st.integers(1, 3)),
                         "service": {"dist": "exponential", "mean": draw(st.sampled_from(
                             [0.5, 3.0]))},
                         "wrong_ticket_factor": draw(st.sampled_from([0.0, 0.5, 1.0]))}
    return scenario_from_dict(spec), seed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn_door_halls())
def test_random_door_halls_with_drawn_customers_keep_the_same_records(hall):
    scenario, seed = hall
    assert scenario.has_door and unsupported(scenario) is None
    layout = HallLayout.from_scenario(scenario)
    customers = draw_customers(scenario, seed, 0)
    simpy_records, fast_records = both_engines(layout, customers, scenario.hall.days)
    assert differences(simpy_records, fast_records) == []
