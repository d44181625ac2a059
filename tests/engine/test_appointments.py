"""Appointments (预约): booked customers come at their slots, walk-ins whenever.

The story: a real-estate registration hall (不动产登记) takes appointments. In the
limit where everybody books, comes exactly on time and every service takes the
same time, the hall is a deterministic D/D/c queue: slots no closer than
``service / c`` mean nobody ever waits; closer slots make each slot's customers
wait a fixed step longer than the previous slot's, computed here by hand. With
random punctuality, no-shows, walk-ins and a window reserved for the booked, no
booked customer is called before they arrive or before their slot, and no
walk-in is ever served at the reserved window.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.arrivals import draw_customers
from sim.engine.records import SERVED
from sim.files.errors import InputError
from sim.run.replications import run_replication
from sim.scenario.model import scenario_from_dict
from sim.stats.load import ticket_segments
from tests.helpers import exp

ITEM = "不动产登记"
OPEN_MINUTES = 210.0  # 08:30-12:00


def booked_hall(slot: float, service: float, windows: int, per_slot: int, days: int = 2,
                rate: float = 90.0):
    """Everybody books (far more demand than slots: every slot of every day is full),
    comes on time and is served in exactly ``service`` minutes."""
    return scenario_from_dict({
        "name": "预约", "hall": {"open": ["08:30-12:00"], "days": days},
        "categories": {ITEM: {"arrivals_per_hour": rate,
                              "service": {"dist": "deterministic", "value": service},
                              "appointments": {"share": 1.0, "slot_minutes": slot,
                                               "per_slot": per_slot}}},
        "windows": [{"id": "A", "count": windows, "serves": ["*"]}]})


def waits_by_day(scenario):
    rec = run_replication(scenario, 3, 0, keep_records=True).records
    assert np.all(rec.extra["booked"] == 1) and np.all(rec.outcome == SERVED)
    day = (rec.arrival // 1440).astype(int)
    return [(rec.call - rec.arrival)[day == d] for d in range(scenario.hall.days)]


@pytest.mark.parametrize("slot, service, windows, per_slot", [
    (10.0, 8.0, 1, 1),    # one window, a customer every 10 minutes, 8 minutes each
    (6.0, 12.0, 2, 1),    # two windows, exactly service / c apart
    (12.0, 12.0, 2, 2),   # two customers per slot, two windows
])
def test_slots_no_closer_than_service_over_c_mean_nobody_waits(slot, service, windows,
                                                               per_slot):
    scenario = booked_hall(slot, service, windows, per_slot)
    per_day = int(np.ceil(OPEN_MINUTES / slot)) * per_slot
    for waits in waits_by_day(scenario):
        assert len(waits) == per_day  # every slot full, every customer on time
        assert np.max(np.abs(waits)) < 1e-9


@pytest.mark.parametrize("slot, service, windows, per_slot, step", [
    (5.0, 8.0, 1, 1, 3.0),     # slot k starts at 5k, is served at 8k: waits 3k
    (5.0, 12.0, 2, 2, 7.0),    # the pair of slot k served at 12k: waits 7k each
])
def test_closer_slots_grow_the_wait_as_d_d_c_by_hand(slot, service, windows, per_slot, step):
    scenario = booked_hall(slot, service, windows, per_slot)
    slots = int(np.ceil(OPEN_MINUTES / slot))
    by_hand = np.repeat(step * np.arange(slots), per_slot)
    for waits in waits_by_day(scenario):
        assert np.allclose(np.sort(waits), by_hand, atol=1e-9)
    assert by_hand.mean() == pytest.approx(step * (slots - 1) / 2)


def mixed_hall(share: float = 0.5, no_show: float = 0.2, days: int = 4, per_slot: int = 3):
    return scenario_from_dict({
        "name": "预约", "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": days},
        "categories": {
            ITEM: {"arrivals_per_hour": 24, "service": exp(15), "patience": exp(60),
                   "appointments": {"share": share, "slot_minutes": 15, "per_slot": per_slot,
                                    "no_show": no_show,
                                    "punctuality": {"shift": -10,
                                                    "spread": {"dist": "uniform", "low": 0,
                                                               "high": 25}}}},
            "档案查询": {"arrivals_per_hour": 6, "service": exp(5)}},
        "windows": [{"id": "综合", "count": 6, "serves": ["*"]},
                    {"id": "预约专窗", "count": 1, "serves": [ITEM],
                     "reserved_for_booked": True}]})


def test_no_booked_customer_is_called_before_arrival_or_slot_and_reserved_windows_wait():
    for index in range(3):
        rec = run_replication(mixed_hall(), 7, index, keep_records=True).records
        booked = rec.extra["booked"] == 1
        called = ~np.isnan(rec.call)
        assert booked.any() and (~booked).any()
        assert np.all(rec.call[called] >= rec.arrival[called])
        assert np.all(rec.arrival[booked] >= rec.extra["slot"][booked])
        reserved = rec.window == 6  # 预约专窗-1
        assert reserved.any() and np.all(booked[reserved])


def test_booking_is_a_thinning_of_the_same_customers_and_no_shows_leave_the_load():
    # slots for 20 every 15 minutes: every booked customer finds one
    half = draw_customers(mixed_hall(0.5, 0.0, per_slot=20), 5, 0)
    every = draw_customers(mixed_hall(1.0, 0.0, per_slot=20), 5, 0)
    k = 0  # 不动产登记
    assert np.array_equal(np.sort(half.work[half.category == k]),
                          np.sort(every.work[every.category == k]))  # the same customers
    # those who book at 50 % book at 100 % too (same service draws, all booked there)
    assert set(half.work[(half.category == k) & half.booked]) <= set(
        every.work[(every.category == k) & every.booked])

    def tickets(scenario):
        return sum(r * (e - s) for s, e, r in ticket_segments(scenario)[ITEM])
    assert tickets(mixed_hall(0.5, 0.2)) == pytest.approx(
        (1 - 0.5 * 0.2) * tickets(mixed_hall(0.5, 0.0)), rel=1e-12)
    # simulated: the no-shows are a 20 % binomial thinning of the booked
    with_no_show = draw_customers(mixed_hall(0.5, 0.2, days=20, per_slot=20), 5, 0)
    all_come = draw_customers(mixed_hall(0.5, 0.0, days=20, per_slot=20), 5, 0)
    n = int(all_come.booked.sum())
    gone = n - int(with_no_show.booked.sum())
    assert abs(gone / n - 0.2) < 4 * np.sqrt(0.2 * 0.8 / n)


def test_walk_ins_and_booked_are_reported_apart():
    from tests.helpers import run
    for rep in run(mixed_hall(), replications=3).replications:
        block = rep.summary["by_booking"]
        assert block["walk_in"]["served"] > 0 and block["booked"]["served"] > 0
        assert block["walk_in"]["arrivals"] + block["booked"]["arrivals"] \
            == rep.summary["overall"]["arrivals"]


def test_a_reserved_group_without_appointments_is_rejected():
    data = mixed_hall().to_dict()
    data["windows"][1]["serves"] = ["档案查询"]
    with pytest.raises(InputError) as err:
        scenario_from_dict(data)
    assert err.value.path == "windows.预约专窗.reserved_for_booked"
