"""Waiting-area occupancy by time of day: for each hour, how many wait in each area and
how many of them stand. The areas together hold exactly the hall's queue by hour, and a
small area stands exactly its overflow."""

from __future__ import annotations

from typing import Any

import pytest

from sim.run.replications import simulate
from tests.helpers import continuous, exp


def _two_areas(seats_social: int) -> dict[str, Any]:
    """A hall with a waiting area per zone: 社保 waits in front of its windows, 税务 beside."""
    return {
        "outline": [[0, 0], [30, 0], [30, 20], [0, 20]],
        "entrances": {"正门": {"at": [15, 0]}},
        "ticket_machines": {"取号机": {"at": [15, 1]}},
        "waiting_areas": {
            "社保等候区": {"at": [4, 8], "size": [6, 4], "seats": seats_social,
                      "serves": ["社保"]},
            "税务等候区": {"at": [20, 8], "size": [6, 4], "seats": 40, "serves": ["税务"]},
        },
        "windows": {"社保窗口": {"points": [[4, 18], [8, 18]]},
                    "税务窗口": {"points": [[22, 18], [26, 18]]}},
        "walking": {"speed": 1.2},
    }


def _hall(seats_social: int):
    return continuous({"社保": {"arrivals_per_hour": 14, "service": exp(8)},
                       "税务": {"arrivals_per_hour": 9, "service": exp(10)}},
                      [{"id": "社保窗口", "count": 2, "serves": ["社保"]},
                       {"id": "税务窗口", "count": 2, "serves": ["税务"]}],
                      days=6, warmup=1, layout=_two_areas(seats_social))


def test_the_areas_together_hold_the_halls_queue_hour_by_hour():
    result = simulate(_hall(seats_social=6), seed=5, replications=3)
    for rep in result.replications:
        areas, hall = rep.summary["by_area"], rep.summary["by_hour"]
        assert set(areas) == {"社保等候区", "税务等候区"}
        for hh, figures in hall.items():
            together = sum(a["by_hour"][hh]["occupancy_mean"] for a in areas.values())
            assert together == pytest.approx(figures["queue_mean"], rel=1e-9, abs=1e-9), hh


def test_an_area_without_seats_stands_everyone_and_a_roomy_one_nobody():
    doc = simulate(_hall(seats_social=0), seed=5, replications=3).document()
    social, tax = doc["by_area"]["社保等候区"], doc["by_area"]["税务等候区"]
    busy_hours = [hh for hh, f in social["by_hour"].items() if f["occupancy_mean"] > 0.1]
    assert busy_hours, "the 社保 queue builds up in some hour"
    for f in social["by_hour"].values():
        assert f["standing_mean"] == pytest.approx(f["occupancy_mean"], rel=1e-9, abs=1e-12)
        assert "ci95" in f and f["ci95"]["occupancy_mean"] >= 0
    assert all(f["standing_mean"] == 0 for f in tax["by_hour"].values())
    # by hour and over the day agree: the day's mean is the open-time mean of the hours
    assert social["occupancy_mean"] == pytest.approx(
        sum(f["occupancy_mean"] for f in social["by_hour"].values())
        / len(social["by_hour"]), rel=0.05)
