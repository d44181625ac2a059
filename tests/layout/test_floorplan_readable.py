"""Stories of a floor plan a planner can read.

Windows close together: the layout check accepts windows half a metre apart, while a
desk is drawn 1.6 m wide and 1 m deep. A planner who puts 不动产's three windows 0.5 m
apart (and 社保's two 0.5 m apart in a column, or two windows diagonally 0.36 m off in
each direction) still sees every desk and every window number on its own: the desks are
drawn smaller, never over each other, and the numbers fit on them.

Colours: her windows are 69 %, 73 % and 77 % busy. On the old 0-100 % scale from pale
yellow to red they were three nearly equal reds; the scale now runs over the values she
has (65-80 %), yellow through orange to red, and the legend under the plan says so.
"""

from __future__ import annotations

import itertools
import random
import xml.etree.ElementTree as ET

from sim.report.floorplan import floorplan_svg
from sim.scenario.model import Scenario, scenario_from_dict
from tests.layout.halls import hall, hall_data

SVG = "{http://www.w3.org/2000/svg}"
Box = tuple[float, float, float, float]


def _desks_and_numbers(svg: str) -> dict[str, tuple[Box, Box]]:
    """Each window's desk and the box its number takes (a digit 0.6 of the font size wide,
    0.72 high above the baseline), pixels."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if not (g.get("id") or "").startswith("window-"):
            continue
        r, t = g.find(f"{SVG}rect"), g.find(f"{SVG}text")
        x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
        style = dict(p.split(":") for p in (t.get("style") or "").split(";") if p)
        font = float(style.get("font-size", "10px").removesuffix("px"))
        half = 0.6 * font * len(t.text) / 2
        tx, ty = float(t.get("x")), float(t.get("y"))
        out[g.get("id")] = ((x, y, x + w, y + h), (tx - half, ty - 0.72 * font, tx + half, ty))
    return out


def _meet(a: Box, b: Box) -> bool:
    return a[0] < b[2] - 1e-6 and b[0] < a[2] - 1e-6 and a[1] < b[3] - 1e-6 and \
        b[1] < a[3] - 1e-6


def _overlaps(svg: str) -> list[tuple[str, str]]:
    found = _desks_and_numbers(svg)
    return [(a, b) for a, b in itertools.combinations(found, 2)
            if _meet(found[a][0], found[b][0]) or _meet(found[a][1], found[b][1])]


def test_windows_half_a_metre_apart_are_drawn_side_by_side_not_over_each_other() -> None:
    sc = hall(windows={"不动产": {"rows": [{"start": [4, 14], "direction": "+x",
                                           "spacing": 0.5}]},
                       "社保": {"points": [[19, 8], [19, 8.5]]}})  # the check accepts it
    svg = floorplan_svg(sc)
    assert _overlaps(svg) == []
    found = _desks_and_numbers(svg)
    for desk, number in found.values():  # each number on its own desk
        assert desk[0] <= number[0] and number[2] <= desk[2], (desk, number)
    # windows a desk apart or more keep the full 1.6 x 1 m desk (38.4 x 24 px)
    wide = floorplan_svg(hall())
    assert {(round(d[2] - d[0], 1), round(d[3] - d[1], 1))
            for d, _ in _desks_and_numbers(wide).values()} == {(38.4, 24.0)}


def test_windows_diagonally_close_or_scattered_never_overlap() -> None:
    sc = hall(windows={"不动产": {"points": [[10, 12], [10.36, 12.36], [10.72, 12]]},
                       "社保": {"points": [[19, 8], [18.6, 8.31]]}})
    assert _overlaps(floorplan_svg(sc)) == []
    rng = random.Random(7)
    for _ in range(5):  # windows strewn at random, each at least 0.5 m from the others
        points: list[tuple[float, float]] = []
        while len(points) < 5:
            p = (round(rng.uniform(16, 19.5), 2), round(rng.uniform(11, 14.5), 2))
            if all((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 >= 0.25 for q in points):
                points.append(p)
        sc = hall(windows={"不动产": {"points": [list(p) for p in points[:3]]},
                           "社保": {"points": [list(p) for p in points[3:]]}})
        assert _overlaps(floorplan_svg(sc)) == [], points


def _fills(svg: str) -> dict[str, tuple[int, int, int]]:
    out = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if (g.get("id") or "").endswith("-1"):
            fill = g.find(f"{SVG}rect").get("fill")
            out[g.get("data-group")] = tuple(int(fill[k:k + 2], 16) for k in (1, 3, 5))
    return out


def _three_groups() -> Scenario:
    """The small hall with a third group, 综合, at two windows on the left wall."""
    data = hall_data(windows={"不动产": {"rows": [{"start": [4, 14], "direction": "+x",
                                                 "spacing": 3}]},
                              "社保": {"points": [[19, 8], [19, 11]]},
                              "综合": {"points": [[1, 8], [1, 11]]}})
    data["windows"].append({"id": "综合", "count": 2, "serves": ["zone:社保"]})
    return scenario_from_dict(data, source="小型大厅.yaml")


def _apart(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5)


def test_utilisations_a_few_points_apart_get_colours_told_apart() -> None:
    sc = _three_groups()
    svg = floorplan_svg(sc, {"overall": {}, "by_window": {
        "社保": {"utilisation": 0.69}, "综合": {"utilisation": 0.73},
        "不动产": {"utilisation": 0.77}}})
    fills = _fills(svg)
    colours = [fills["社保"], fills["综合"], fills["不动产"]]  # 69 %, 73 %, 77 %
    # the old scale gave #d7665a, #d55f55, #d3574e: 8 to 16 apart; these are far apart
    assert min(_apart(a, b) for a, b in itertools.combinations(colours, 2)) > 60, colours
    # pale to dark in the order of the figure
    assert sum(colours[0]) > sum(colours[1]) > sum(colours[2])
    # the legend under the plan gives the scale's ends and middle, then the figure
    legend = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")
              if t.get("class") == "legend"]
    assert legend[0] == "65%" and legend[2] == "80%" and legend[1] in ("72%", "73%")
    assert legend[3] == "utilisation (%)"


def test_nearly_equal_values_are_not_drawn_as_the_two_extremes() -> None:
    near = _fills(floorplan_svg(_three_groups(), {"overall": {}, "by_window": {
        "不动产": {"utilisation": 0.70}, "社保": {"utilisation": 0.704},
        "综合": {"utilisation": 0.702}}}))
    assert _apart(near["不动产"], near["社保"]) < 15
