"""Stories about walking in the model: a called customer walks from the seats to the
window (the window waits for them), the hall then behaves as an M/M/c whose service is
longer by the walk, time in hall grows by exactly the walks in and out, and without
walking nothing changes."""

from __future__ import annotations

import glob
import math
from typing import Any

import numpy as np
import pytest

from sim.engine.fast.support import unsupported
from sim.files.errors import InputError
from sim.run.replications import simulate
from sim.scenario.layout import automatic_layout, walk_in_minutes
from sim.scenario.model import load_scenario, scenario_from_dict
from sim.stats.theory import erlang_c
from tests.helpers import assert_matches_theory, continuous, exp, per_rep

#: windows on a "diamond" around the point (10, 10): each 6 m from it, walking round
DIAMOND = [[16, 10], [4, 10], [10, 16], [10, 4], [13, 13], [7, 7], [13, 7], [7, 13]]


def _diamond(windows: int, speed: float, entrance: list[float] | None = None) -> dict[str, Any]:
    """A square hall whose waiting area is centred on (10, 10) and whose windows all stand
    6 m (Manhattan) from it, so that every call costs the same walk."""
    return {
        "outline": [[0, 0], [20, 0], [20, 20], [0, 20]],
        "entrances": {"正门": {"at": entrance or [10, 0]}},
        "ticket_machines": {"取号机": {"at": [10, 1]}},
        "waiting_areas": {"等候区": {"at": [9.5, 9.5], "size": [1, 1], "seats": 100}},
        "windows": {"综合": {"points": DIAMOND[:windows]}},
        "walking": {"speed": speed},
    }


def test_a_called_customer_walks_the_manhattan_distance_before_being_served() -> None:
    sc = continuous({"社保": {"arrivals_per_hour": 4, "service": {"dist": "deterministic",
                                                                 "value": 5}}},
                    [{"id": "综合", "count": 2, "serves": ["社保"]}], days=2, warmup=0,
                    layout=_diamond(2, speed=1.2))
    rec = simulate(sc, seed=3, replications=1, keep_records=True).records_frame()
    served = rec[rec["outcome"] == "served"]
    assert len(served) > 100
    assert np.allclose(served["walking"], 6 / 1.2 / 60)  # 6 m at 1.2 m/s: 5 seconds
    assert np.allclose(served["start"] - served["call"], served["walking"])
    assert np.allclose(served["end"] - served["start"], 5)  # the service itself, unchanged


def test_walking_w_per_call_behaves_as_mmc_with_service_s_plus_w() -> None:
    s, w, c, rho = 8.0, 1.0, 4, 0.8  # 6 m at 0.1 m/s: one minute per call
    lam = rho * c / (s + w)  # per minute
    sc = continuous({"社保": {"arrivals_per_hour": 60 * lam, "service": exp(s)}},
                    [{"id": "综合", "count": c, "serves": ["社保"]}], days=200, warmup=2,
                    layout=_diamond(c, speed=0.1))
    result = simulate(sc, seed=11, replications=12)
    assert_matches_theory(per_rep(result, "overall", "utilisation"), rho, 0.02, "utilisation")
    waits = per_rep(result, "overall", "wait_mean")
    a = lam * (s + w)
    erlang = erlang_c(c, a) * (s + w) / (c - a)  # M/M/c with service S + w
    # S + w is an exponential shifted by w: less variable (cv² = S²/(S+w)²), so by the
    # Allen-Cunneen factor (1 + cv²)/2 the wait is that much below the M/M/c's
    cv2 = s ** 2 / (s + w) ** 2
    assert_matches_theory(waits, erlang * (1 + cv2) / 2, 0.05, "wait, Allen-Cunneen")
    assert 0.85 * erlang < waits.mean() < erlang
    assert waits.mean() > 1.5 * erlang_c(c, lam * s) * s / (c - lam * s)  # walking costs


def test_time_in_hall_grows_by_exactly_the_walks_in_and_out() -> None:
    cats = {"社保": {"arrivals_per_hour": 3, "service": exp(5)}}
    windows = [{"id": "综合", "count": 8, "serves": ["社保"]}]
    plain = simulate(continuous(cats, windows, days=10, warmup=1), seed=5, replications=2,
                     keep_records=True)
    walking = continuous(cats, windows, days=10, warmup=1,
                         layout=_diamond(8, speed=1.0, entrance=[10, 10]))
    walked = simulate(walking, seed=5, replications=2, keep_records=True)
    w = 6 / 1.0 / 60  # to each window, and from it back to the door at (10, 10)
    walk_in = walk_in_minutes(walking)
    assert walk_in == pytest.approx(9 / 60)  # door (10, 10) -> ticket machine (10, 1)
    for before, after in zip(plain.replications, walked.replications):
        assert np.all(before.records.call == before.records.arrival)  # nobody waits: the
        assert np.all(after.records.call == after.records.arrival)  # same customers, same
        keep = (before.records.arrival >= 1440) & (before.records.outcome == 0)  # times
        stay = float(np.mean((before.records.end - before.records.arrival)[keep]))
        assert after.summary["overall"]["time_in_hall_mean"] == \
            pytest.approx(walk_in + stay + 2 * w, abs=1e-9)


def test_a_waiting_area_with_too_few_seats_has_people_standing() -> None:
    cats = {"社保": {"arrivals_per_hour": 28, "service": exp(8)}}
    layout = _diamond(4, speed=1.2)
    layout["waiting_areas"]["等候区"]["seats"] = 2
    sc = continuous(cats, [{"id": "综合", "count": 4, "serves": ["社保"]}], days=5,
                    warmup=1, layout=layout)
    full = simulate(sc, seed=2, replications=2).document()
    doc, area = full["overall"], full["by_area"]["等候区"]
    assert doc["standing_max"] >= 1 and 0 < doc["standing_share"] < 1
    assert area["seats"] == 2 and area["standing_max"] == doc["standing_max"]
    assert area["occupancy_max"] >= area["standing_max"] + 2
    # Little's law: the mean number waiting is the arrival rate times the mean wait
    per_minute = doc["arrivals"] / (4 * 1440)
    assert area["occupancy_mean"] == pytest.approx(per_minute * doc["wait_mean"], rel=0.02)
    roomy = scenario_from_dict(sc.to_dict() | {"layout": {**layout, "waiting_areas": {
        "等候区": {"at": [9.5, 9.5], "size": [1, 1], "seats": 10_000}}}})
    doc = simulate(roomy, seed=2, replications=2).document()["overall"]
    assert doc["standing_max"] == 0 and doc["standing_share"] == 0


def test_the_fast_engine_walks_the_same_customers_to_the_same_windows() -> None:
    pytest.importorskip("numba")
    from sim.engine.arrivals import draw_customers
    from sim.engine.layout import HallLayout
    from tests.engine_fast.same_records import both_engines, differences

    sc = continuous({"社保": {"arrivals_per_hour": 20, "service": exp(5)}},
                    [{"id": "综合", "count": 2, "serves": ["社保"]}], days=3, warmup=0,
                    layout=_diamond(2, 1.2))
    assert unsupported(sc) is None
    simpy_records, fast_records = both_engines(HallLayout.from_scenario(sc),
                                               draw_customers(sc, 5, 0), 3)
    assert differences(simpy_records, fast_records) == []
    assert np.nanmax(fast_records.extra["walking"]) == pytest.approx(6 / 1.2 / 60)


def test_without_walking_every_bundled_scenario_gives_the_same_document() -> None:
    compared = 0
    for path in sorted(glob.glob("scenarios/**/*.yaml", recursive=True)):
        try:
            sc = load_scenario(path).with_days(1)
        except InputError:
            continue
        if sum(g.count for g in sc.windows) > 40:
            continue  # the big centres: the same code path, only slower
        drawn = scenario_from_dict(sc.to_dict() | {
            "layout": automatic_layout(sc).model_dump(mode="json", exclude_none=True)})
        a = simulate(sc, seed=4, replications=1, engine="simpy").document()
        b = simulate(drawn, seed=4, replications=1, engine="simpy").document()
        a.pop("meta"), b.pop("meta")
        assert a == b or _same_with_nan(a, b), path
        compared += 1
    assert compared >= 20


def _same_with_nan(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_with_nan(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_with_nan(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def test_a_guided_customer_s_time_in_hall_counts_the_walks_in_and_out() -> None:
    """With a guide desk (and wrong tickets) customers are followed from the door: their
    time in the hall is the walk in, door to the end of the right ticket's service, and
    the walk from that window to the way out."""
    from sim.scenario.layout import walk_out_minutes
    from sim.stats.door import right_served

    data = load_scenario("scenarios/mechanisms/guide_desk.yaml").to_dict()
    plan = automatic_layout(load_scenario("scenarios/mechanisms/guide_desk.yaml"))
    data["layout"] = plan.model_dump(mode="json", exclude_none=True) | {"walking":
                                                                          {"speed": 0.5}}
    sc = scenario_from_dict(data, "guide+walking")
    result = simulate(sc, seed=4, replications=2, keep_records=True)
    walk_in, walk_out = walk_in_minutes(sc), np.asarray(walk_out_minutes(sc))
    assert walk_in > 0.1 and walk_out.min() > 0.1  # slow walkers in a real hall: it shows
    w0 = sc.hall.warmup_days * 1440.0
    horizon = (sc.hall.warmup_days + sc.hall.days) * 1440.0
    for rep in result.replications:
        rec = rep.records
        done = right_served(rec, w0, horizon)
        assert done.sum() > 500
        door_to_end = float(np.mean((rec.end - rec.extra["door"])[done]))
        expected = walk_in + door_to_end + float(np.mean(walk_out[rec.window[done]]))
        assert rep.summary["overall"]["time_in_hall_mean"] == pytest.approx(expected,
                                                                            abs=1e-9)
        assert rep.summary["overall"]["time_in_hall_mean"] > door_to_end + 0.2
