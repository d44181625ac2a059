"""Property: any plan placed on any hall's floor plan is a valid floor plan.

Random rectangular halls with window rows along the back and side walls (either way
along them) and a waiting area in the middle; random plans whose groups serve any
mix of the hall's items, growing, shrinking, merging or splitting the hall's groups.
Every plan group gets its count of windows, the staffed hall passes the floor plan's
checks (inside the walls, off the seats, no two windows on one spot), and no two
desks' footprints meet."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scenario.layout import WINDOW_FOOTPRINT, window_positions
from sim.scenario.model import scenario_from_dict
from sim.scenario.regroup import regrouped_windows

CAT = {"arrivals_per_hour": 5, "service": {"dist": "exponential", "mean": 5}}


@st.composite
def halls_and_plans(draw: Any) -> tuple[dict[str, Any], list[tuple[str, int]],
                                        dict[str, list[str]]]:
    width = draw(st.integers(18, 40))
    depth = draw(st.integers(14, 30))
    walls = [  # (start, direction, room along it)
        ((2.0, depth - 1.0), "+x", width - 4.0),
        ((width - 2.0, depth - 1.0), "-x", width - 4.0),
        ((1.0, depth - 3.0), "-y", depth - 5.0),
        ((width - 1.0, 2.0), "+y", depth - 5.0),
    ]
    n_groups = draw(st.integers(1, 4))
    walls_used = draw(st.permutations(range(4)))[:n_groups]
    items = [f"事项{k}" for k in range(n_groups + 2)]
    groups, rows = [], {}
    for g, w in enumerate(walls_used):
        (x, y), direction, room = walls[w]
        spacing = draw(st.sampled_from([2.0, 2.5, 3.0]))
        count = draw(st.integers(1, max(1, min(6, int(room / 2 / spacing)))))
        serves = draw(st.lists(st.sampled_from(items), min_size=1, max_size=3, unique=True))
        groups.append({"id": f"G{g}", "count": count, "serves": serves})
        rows[f"G{g}"] = {"rows": [{"start": [x, y], "direction": direction,
                                   "spacing": spacing}]}
    missing = [c for c in items if not any(c in g["serves"] for g in groups)]
    groups[0]["serves"] += missing
    hall = {"name": "随机大厅", "hall": {"open": ["09:00-12:00"], "days": 1},
            "categories": {c: CAT for c in items}, "windows": groups,
            "layout": {"outline": [[0, 0], [width, 0], [width, depth], [0, depth]],
                       "entrances": {"正门": {"at": [width / 2, 0]}},
                       "ticket_machines": {"取号机": {"at": [width / 2, 2]}},
                       "waiting_areas": {"等候区": {"at": [width / 2 - 4, 5],
                                                  "size": [8, depth / 2 - 4], "seats": 30}},
                       "windows": rows}}
    hall_windows = sum(g["count"] for g in groups)
    n_new = draw(st.integers(1, 5))
    counts = [draw(st.integers(1, max(1, 2 * hall_windows // n_new + 2)))
              for _ in range(n_new)]
    serves = {f"新{k}": draw(st.lists(st.sampled_from(items), min_size=1, max_size=4,
                                     unique=True)) for k in range(n_new)}
    serves["新0"] += [c for c in items if not any(c in v for v in serves.values())]
    return hall, [(f"新{k}", n) for k, n in enumerate(counts)], serves


@settings(max_examples=150, deadline=None, derandomize=True)
@given(halls_and_plans())
def test_any_plan_on_any_floor_plan_is_a_valid_floor_plan(case: Any) -> None:
    hall, plan, serves = case
    sc = scenario_from_dict(hall, "随机大厅.yaml")
    assert sc.layout is not None
    placed = regrouped_windows(sc.layout, sc, plan, serves)
    assert {gid: len(p["points"]) for gid, p in placed.items()} == dict(plan)
    staffed = scenario_from_dict(hall | {
        "windows": [{"id": gid, "count": n, "serves": serves[gid]} for gid, n in plan],
        "layout": hall["layout"] | {"windows": placed}}, "方案.yaml")  # checks the plan
    assert staffed.layout is not None
    desks = [(w.x, w.y) for w in window_positions(staffed.layout, staffed)]
    w, d = WINDOW_FOOTPRINT
    for k, (x, y) in enumerate(desks):
        for ox, oy in desks[k + 1:]:
            assert abs(x - ox) >= w or abs(y - oy) >= d, ((x, y), (ox, oy))
