"""A small hall with a floor plan, shared by the layout stories: 不动产登记 and 社保 at two
window groups (不动产 ×3 along the back wall, 社保 ×2 on the right), one entrance, one
ticket machine and one waiting area."""

from __future__ import annotations

import copy
from typing import Any

from sim.scenario.model import Scenario, scenario_from_dict

HALL: dict[str, Any] = {
    "name": "小型大厅",
    "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": 1},
    "categories": {
        "不动产登记": {"zone": "不动产", "arrivals_per_hour": 8,
                   "service": {"dist": "exponential", "mean": 12}},
        "社保": {"zone": "社保", "arrivals_per_hour": 6,
               "service": {"dist": "exponential", "mean": 8}},
    },
    "windows": [
        {"id": "不动产", "count": 3, "serves": ["zone:不动产"]},
        {"id": "社保", "count": 2, "serves": ["zone:社保"]},
    ],
    "layout": {
        "outline": [[0, 0], [20, 0], [20, 15], [0, 15]],
        "entrances": {"正门": {"at": [10, 0]}},
        "ticket_machines": {"取号机": {"at": [10, 2]}},
        "guide_desk": {"at": [13, 2]},
        "waiting_areas": {"等候区": {"at": [3, 5], "size": [12, 5], "seats": 40}},
        "windows": {
            "不动产": {"rows": [{"start": [4, 14], "direction": "+x", "spacing": 3}]},
            "社保": {"points": [[19, 8], [19, 11]]},
        },
    },
}


def hall(**layout_changes: Any) -> Scenario:
    """The small hall, with ``layout`` entries replaced by ``layout_changes``."""
    data = copy.deepcopy(HALL)
    data["layout"].update(layout_changes)
    return scenario_from_dict(data, source="小型大厅.yaml")


def hall_data(**layout_changes: Any) -> dict[str, Any]:
    """The plain data of :func:`hall` (to break in other ways)."""
    data = copy.deepcopy(HALL)
    data["layout"].update(layout_changes)
    return data
