"""Stories: the fast engine keeps the same records as the SimPy engine, bit for bit.

Every column (ticket times, calls, ends, windows, outcomes, the duty intervals and the
mechanisms' columns) is compared exactly: both engines take the same customers, follow
the same same-time event order (docs/engine-order.md) and compute every time with the
same arithmetic. The random halls are made of whole minutes, so that ties are everywhere:
tickets taken in the same minute, services ending as others arrive, schedules dropping to
zero while windows serve, patience running out at the very moment of a call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

pytest.importorskip("numba")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sim.engine.arrivals import Customers, draw_customers  # noqa: E402
from sim.engine.breaks import draw_break_plan  # noqa: E402
from sim.engine.fast import unsupported  # noqa: E402
from sim.engine.layout import HallLayout  # noqa: E402
from sim.scenario.layout import automatic_layout  # noqa: E402
from sim.scenario.model import Scenario, load_scenario, scenario_from_dict  # noqa: E402
from tests.engine_fast.same_records import both_engines, differences  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _bundled() -> list[str]:
    """Bundled scenario files the fast engine runs (patches, specs and layouts are no
    scenarios: a scenario file has a ``hall`` section)."""
    out = []
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        text = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(text, dict) or "hall" not in text or "windows" not in text:
            continue
        if unsupported(load_scenario(path)) is None:
            out.append(str(path.relative_to(ROOT)))
    return out


@pytest.mark.parametrize("path", _bundled())
def test_every_bundled_scenario_the_fast_engine_runs_keeps_the_same_records(path: str):
    scenario = load_scenario(ROOT / path)
    layout = HallLayout.from_scenario(scenario)
    for replication in (0, 1):
        customers = draw_customers(scenario, 7, replication)
        simpy_records, fast_records = both_engines(layout, customers, scenario.hall.days)
        assert differences(simpy_records, fast_records) == [], f"{path} #{replication}"


def test_the_bundled_halls_cover_kiosks_appointments_priorities_and_schedules():
    names = _bundled()
    for needed in ("kiosk_4", "appointments_50", "priority_elderly", "sinusoid", "peak_day"):
        assert any(needed in n for n in names), needed


# --- random halls of whole minutes ----------------------------------------------------

ITEMS = ("社保", "医保", "公积金", "不动产")
SPEEDS = (0.5, 1.0, 1.5, 2.0)


@st.composite
def halls(draw: st.DrawFn) -> tuple[Scenario, Customers]:
    """A small hall (random authorisation sets, call rules, speeds, schedules that drop
    to zero, breaks, balking, priority levels, a lunch break, walking) and whole-minute
    customers."""
    items = ITEMS[:draw(st.integers(1, 4))]
    two_periods = draw(st.booleans())
    hours = ["08:00-12:00", "13:00-17:00"] if two_periods else ["08:00-17:00"]
    priorities = draw(st.booleans())
    categories: dict[str, Any] = {}
    for item in items:
        spec: dict[str, Any] = {"arrivals_per_hour": 10,
                                "service": {"dist": "exponential", "mean": 10}}
        if draw(st.booleans()):
            spec["balk_at_queue"] = draw(st.integers(1, 4))
        if priorities:
            spec["priority"] = draw(st.integers(0, 2))
            if draw(st.booleans()):
                spec["priority_share"] = {"share": 0.5, "priority": draw(st.integers(0, 3))}
        categories[item] = spec
    groups: list[dict[str, Any]] = []
    for g in range(draw(st.integers(1, 3))):
        count = draw(st.integers(1, 3))
        serves = draw(st.lists(st.sampled_from(items), min_size=1, unique=True))
        group: dict[str, Any] = {"id": f"窗口{g + 1}", "count": count, "serves": serves}
        if draw(st.booleans()):
            group["primary"] = serves[:draw(st.integers(1, len(serves)))]
            group["call_rule"] = draw(st.sampled_from(["oldest_first", "own_first"]))
        if draw(st.booleans()):
            group["speed"] = {c: draw(st.sampled_from(SPEEDS)) for c in serves}
        if draw(st.booleans()):  # breaks due at whole minutes, some covered by a backup
            group["breaks"] = {
                "every": {"dist": "deterministic", "value": draw(st.integers(10, 120))},
                "duration": {"dist": "deterministic", "value": draw(st.integers(1, 20))}}
            if draw(st.booleans()):
                group["breaks"]["backup"] = {"probability": 0.5, "delay": {
                    "dist": "deterministic", "value": draw(st.integers(1, 5))}}
        if draw(st.booleans()):  # staffing that changes (to zero, too) while windows serve
            times = draw(st.lists(st.integers(1, 8 * 60), max_size=4, unique=True))
            steps = {"08:00": draw(st.integers(0, count))}
            for t in sorted(times):
                minute = 8 * 60 + t
                if two_periods and 12 * 60 <= minute < 13 * 60:
                    continue
                steps[f"{minute // 60:02d}:{minute % 60:02d}"] = draw(st.integers(0, count))
            group["schedule"] = steps
        groups.append(group)
    served = {c for g in groups for c in g["serves"]}
    for item in items:
        if item not in served:
            groups[0]["serves"] = [*groups[0]["serves"], item]
    days = draw(st.integers(1, 2))
    scenario = scenario_from_dict({"name": "随机大厅", "hall": {"open": hours, "days": days},
                                   "categories": categories, "windows": groups})
    if draw(st.booleans()):  # walking at a metre a minute: walks of whole and half minutes
        plan = automatic_layout(scenario).model_dump(mode="json", exclude_none=True)
        scenario = scenario_from_dict(scenario.to_dict() | {
            "layout": plan | {"walking": {"speed": 1 / 60}}})
    n = draw(st.integers(0, 60))
    minutes = st.integers(7 * 60 + 50, 17 * 60 + 10)
    day = st.integers(0, days - 1)
    arrival = np.sort(np.array([draw(minutes) + 1440 * draw(day) for _ in range(n)],
                               dtype=np.float64))
    category = np.array([draw(st.integers(0, len(items) - 1)) for _ in range(n)],
                        dtype=np.int32)
    work = np.array([draw(st.integers(0, 40)) for _ in range(n)], dtype=np.float64)
    patient = draw(st.booleans())
    patience = np.array([draw(st.sampled_from([np.inf, 0.0, 5.0, 10.0, 20.0, 30.0]))
                         if patient else np.inf for _ in range(n)])
    level = None
    if scenario.has_priorities:
        levels = [scenario.categories[items[c]].levels for c in category]
        level = np.array([draw(st.sampled_from(lv)) for lv in levels], dtype=np.int8)
    breaks = draw_break_plan(scenario, draw(st.integers(0, 99)), 0)
    return scenario, Customers(tuple(items), arrival, category, work, patience, level,
                               breaks=breaks)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(halls())
def test_random_halls_with_ties_everywhere_keep_the_same_records(hall):
    scenario, customers = hall
    layout = HallLayout.from_scenario(scenario)
    simpy_records, fast_records = both_engines(layout, customers, scenario.hall.days)
    assert differences(simpy_records, fast_records) == []


def test_a_citizen_whose_patience_runs_out_at_the_call_is_still_served():
    """Two citizens for one window at 09:00; the second would leave at 09:10, exactly when
    the window calls: not gone yet (a deadline before the call counts, not at it)."""
    scenario = scenario_from_dict({
        "name": "过号", "hall": {"open": ["08:00-17:00"], "days": 1},
        "categories": {"社保": {"arrivals_per_hour": 1,
                              "service": {"dist": "exponential", "mean": 10}}},
        "windows": [{"id": "A", "count": 1, "serves": ["社保"]}]})
    customers = Customers(("社保",), np.array([540.0, 540.0, 541.0]),
                          np.zeros(3, dtype=np.int32), np.array([10.0, 5.0, 5.0]),
                          np.array([np.inf, 10.0, 3.0]))
    simpy_records, fast_records = both_engines(HallLayout.from_scenario(scenario), customers, 1)
    assert differences(simpy_records, fast_records) == []
    assert fast_records.call[1] == 550.0 and fast_records.outcome[1] == 0
    # the third left at 544 and was reached (called, nobody came) when the window freed up
    assert fast_records.outcome[2] == 1 and fast_records.end[2] == 544.0
    assert fast_records.extra["reached"][2] == 555.0


# --- random halls with drawn customers and the mechanisms drawn up front ---------------


@st.composite
def drawn_halls(draw: st.DrawFn) -> tuple[Scenario, int]:
    """A hall whose customers ``draw_customers`` draws: time-of-day profiles, day factors
    and a random day level, patience, balking, priority shares, self-service kiosks,
    appointments with a reserved window, staffing schedules and breaks, walking to the window
    on the automatic floor plan (online applicants need a back office, which the fast engine
    leaves to SimPy)."""
    items = ITEMS[:draw(st.integers(1, 3))]
    categories: dict[str, Any] = {}
    for k, item in enumerate(items):
        spec: dict[str, Any] = {
            "arrivals_per_hour": {"08:00": draw(st.integers(2, 30)),
                                  "11:00": draw(st.integers(0, 30))},
            "service": {"dist": draw(st.sampled_from(["exponential", "lognormal"])),
                        "mean": draw(st.integers(3, 20))} | {"cv": 0.8},
        }
        if spec["service"]["dist"] == "exponential":
            del spec["service"]["cv"]
        if draw(st.booleans()):
            spec["patience"] = {"dist": "exponential", "mean": draw(st.integers(5, 60))}
        if draw(st.booleans()):
            spec["balk_at_queue"] = draw(st.integers(2, 12))
        if draw(st.booleans()):
            spec["priority_share"] = {"share": 0.2, "priority": 1}
        if k == 0 and draw(st.booleans()):
            spec["kiosk"] = {"share": 0.6, "fail": 0.3,
                             "service": {"dist": "exponential", "mean": 4}}
        if k == len(items) - 1 and draw(st.booleans()):
            spec["appointments"] = {"share": 0.5, "slot_minutes": 30, "per_slot": 4,
                                    "no_show": 0.1, "priority": 2}
        categories[item] = spec
    count = draw(st.integers(1, 4))
    windows: list[dict[str, Any]] = [{"id": "综合", "count": count, "serves": ["*"]}]
    if draw(st.booleans()):
        windows[0]["schedule"] = {"08:00": count, "10:30": draw(st.integers(0, count)),
                                  "13:00": count}
    if draw(st.booleans()):
        windows[0]["breaks"] = {"every": {"dist": "exponential", "mean": 60},
                                "duration": {"dist": "exponential", "mean": 10}}
    if any("appointments" in c for c in categories.values()):
        windows.append({"id": "预约", "count": 1, "serves": ["*"],
                        "reserved_for_booked": True})
    if any("kiosk" in c for c in categories.values()):
        windows.append({"id": "自助终端", "count": 2, "kiosk": True, "serves": [items[0]]})
    scenario = scenario_from_dict({
        "name": "抽样大厅",
        "hall": {"open": ["08:00-12:00", "13:00-17:00"], "days": draw(st.integers(1, 3)),
                 "day_factors": [1.0, 1.3], "day_level_cv": draw(st.sampled_from([0, 0.2]))},
        "categories": categories, "windows": windows})
    if draw(st.booleans()):  # the floor plan drawn from the hall, customers walking on it
        speed = draw(st.sampled_from([0.05, 0.3, 1.2]))
        plan = automatic_layout(scenario).model_dump(mode="json", exclude_none=True)
        scenario = scenario_from_dict(scenario.to_dict() | {
            "layout": plan | {"walking": {"speed": speed}}})
    return scenario, draw(st.integers(0, 10_000))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn_halls())
def test_random_halls_with_drawn_customers_keep_the_same_records(hall):
    scenario, seed = hall
    assert unsupported(scenario) is None
    layout = HallLayout.from_scenario(scenario)
    customers = draw_customers(scenario, seed, 0)
    simpy_records, fast_records = both_engines(layout, customers, scenario.hall.days)
    assert differences(simpy_records, fast_records) == []
