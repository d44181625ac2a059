"""The hall's floor plan (``layout``): where the entrance, the ticket machines, the guide
desk, the waiting seats and every window stand, in metres.

A scenario's optional ``layout`` section (docs/scenario-format.md, "Layout") names

- ``outline``: the hall's walls as a polygon of ``[x, y]`` points (x along the front,
  y away from it);
- ``entrances``, ``ticket_machines``: named spots; ``guide_desk``: one spot;
- ``waiting_areas``: named rectangles (``at`` = the corner nearest the origin,
  ``size`` = width along x and depth along y) with their ``seats``, optionally the
  items (``serves``) whose customers wait there;
- ``windows``: a position for every window of every group, as ``rows`` (a start, a
  direction and a spacing) or explicit ``points``;
- ``walking``: present, it turns walking on in the model (speed in metres a second).

:func:`check_layout` checks a layout against its scenario (everything inside the
outline, every group placed with exactly its count, no two windows on one spot) and
raises :class:`~sim.files.errors.ScenarioError` naming the field. Without a ``layout``,
:func:`automatic_layout` draws one from the scenario alone (zones from the categories'
``zone`` and the authorisation sets, windows in rows along the back wall, the waiting
area in front of them); :func:`layout_of` returns whichever applies.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sim.files.errors import ScenarioError
from sim.files.limits import MAX_WINDOWS_PER_GROUP
from sim.scenario.base import Frozen

if TYPE_CHECKING:
    from sim.scenario.model import Scenario

MAX_METRES = 10_000.0
"""Largest coordinate or size of a floor plan, in metres (a typo guard)."""

MIN_WINDOW_GAP = 0.5
"""Two windows closer than this many metres stand on one spot (an error)."""

WINDOW_FOOTPRINT = (1.6, 1.0)
"""A window's desk as drawn on the floor plan: metres along x and along y."""

DEFAULT_WALKING_SPEED = 1.2
"""Walking speed of a customer in the hall, metres a second."""

Metres = Annotated[float, Field(ge=-MAX_METRES, le=MAX_METRES, allow_inf_nan=False)]
Length = Annotated[float, Field(gt=0, le=MAX_METRES, allow_inf_nan=False)]
Point = tuple[Metres, Metres]
"""An ``[x, y]`` position in metres."""

Direction = Literal["+x", "-x", "+y", "-y"]
_STEP: dict[str, tuple[float, float]] = {"+x": (1, 0), "-x": (-1, 0), "+y": (0, 1), "-y": (0, -1)}
_NAME = re.compile(r"[\w.:-]+")


def _check_names(names: Mapping[str, object]) -> Mapping[str, object]:
    for name in names:
        if not _NAME.fullmatch(name):
            raise ValueError(f"name '{name}' may use letters (any script), digits and _ . : - "
                             "only")
    return names


class Spot(Frozen):
    """A thing standing at one point: an entrance, a ticket machine, the guide desk."""

    at: Point


class Entrance(Spot):
    """A door of the hall; ``share`` of the customers come in by it (default: an equal
    share of what the entrances with a share leave over)."""

    share: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] | None = None


class WaitingArea(Frozen):
    """Seats where ticket holders wait: a rectangle with ``seats`` seats."""

    at: Point
    size: tuple[Length, Length]
    seats: int = Field(ge=0, le=1_000_000, strict=True)
    serves: tuple[str, ...] | None = None
    """Items (names, ``zone:X``, ``department:X``, ``*``) whose customers wait here; an
    item no area names waits in the first area without ``serves``, else the first."""

    @property
    def centre(self) -> tuple[float, float]:
        """The middle of the area (where walking to a window starts)."""
        return (self.at[0] + self.size[0] / 2, self.at[1] + self.size[1] / 2)

    def corners(self) -> tuple[tuple[float, float], ...]:
        """The four corners, counter-clockwise from ``at``."""
        (x, y), (w, d) = self.at, self.size
        return ((x, y), (x + w, y), (x + w, y + d), (x, y + d))


class Row(Frozen):
    """Windows in a straight row: the first at ``start``, each next ``spacing`` metres on in
    ``direction``; ``count`` windows (may be left out when a group has one row)."""

    start: Point
    direction: Direction = "+x"
    spacing: Length = 2.5
    count: int | None = Field(default=None, ge=1, le=MAX_WINDOWS_PER_GROUP, strict=True)

    def points(self, count: int) -> tuple[tuple[float, float], ...]:
        """Positions of ``count`` windows along the row."""
        dx, dy = _STEP[self.direction]
        x, y = self.start
        return tuple((x + dx * self.spacing * k, y + dy * self.spacing * k) for k in range(count))


class WindowPlacement(Frozen):
    """Where a window group's windows stand: ``rows`` or explicit ``points`` (one each)."""

    rows: tuple[Row, ...] | None = Field(default=None, min_length=1)
    points: tuple[Point, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_way(self) -> WindowPlacement:
        if (self.rows is None) == (self.points is None):
            raise ValueError("give either 'rows' or 'points'")
        return self


class Walking(Frozen):
    """Walking in the model: customers walk between the spots at ``speed`` m/s."""

    speed: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = DEFAULT_WALKING_SPEED


class Layout(Frozen):
    """The floor plan of a hall (``layout`` in a scenario)."""

    outline: tuple[Point, ...] = Field(min_length=3)
    entrances: dict[str, Entrance] = Field(min_length=1)
    ticket_machines: dict[str, Spot] = Field(min_length=1)
    guide_desk: Spot | None = None
    waiting_areas: dict[str, WaitingArea] = Field(min_length=1)
    windows: dict[str, WindowPlacement] = Field(min_length=1)
    walking: Walking | None = None

    @field_validator("entrances", "ticket_machines", "waiting_areas")
    @classmethod
    def _check_spot_names(cls, value: dict[str, object]) -> dict[str, object]:
        _check_names(value)
        return value

    @model_validator(mode="after")
    def _check_outline(self) -> Layout:
        if abs(polygon_area(self.outline)) < 1.0:
            raise ScenarioError("layout.outline", "the outline encloses less than 1 m²: give "
                                                  "the corners of the hall in order")
        return self

    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the outline."""
        xs = [p[0] for p in self.outline]
        ys = [p[1] for p in self.outline]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def walking_on(self) -> bool:
        """Whether customers walk in the model (a ``walking`` entry is present)."""
        return self.walking is not None


@dataclass(frozen=True)
class PlacedWindow:
    """One window on the floor plan: its group, its number in the group (1-based) and
    where it stands."""

    group: str
    number: int
    x: float
    y: float

    @property
    def element_id(self) -> str:
        """The stable id of its element in drawings: ``window-<group>-<number>``."""
        return f"window-{self.group}-{self.number}"


# --- geometry --------------------------------------------------------------------------

def polygon_area(points: tuple[tuple[float, float], ...]) -> float:
    """Signed area of a polygon (shoelace formula), m²."""
    n = len(points)
    return sum(points[i][0] * points[(i + 1) % n][1] - points[(i + 1) % n][0] * points[i][1]
               for i in range(n)) / 2.0


def _on_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> bool:
    cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
    if abs(cross) > 1e-9 * max(1.0, math.dist(a, b)):
        return False
    return (min(a[0], b[0]) - 1e-9 <= p[0] <= max(a[0], b[0]) + 1e-9
            and min(a[1], b[1]) - 1e-9 <= p[1] <= max(a[1], b[1]) + 1e-9)


def inside(outline: tuple[tuple[float, float], ...], p: tuple[float, float]) -> bool:
    """Whether ``p`` lies inside the polygon ``outline`` or on its boundary."""
    n = len(outline)
    hit = False
    for i in range(n):
        a, b = outline[i], outline[(i + 1) % n]
        if _on_segment(p, a, b):
            return True
        if (a[1] > p[1]) != (b[1] > p[1]):
            x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
            if p[0] < x:
                hit = not hit
    return hit


# --- placing and checking --------------------------------------------------------------

def window_positions(layout: Layout, sc: Scenario) -> tuple[PlacedWindow, ...]:
    """Every window of the scenario on the plan, group by group in the scenario's order.

    Raises :class:`ScenarioError` when a group is missing or placed with another count.
    """
    known = [g.id for g in sc.windows]
    for gid in layout.windows:
        if gid not in known:
            raise ScenarioError(f"layout.windows.{gid}",
                                f"unknown window group '{gid}' (known: {', '.join(known)})")
    out: list[PlacedWindow] = []
    for g in sc.windows:
        place = layout.windows.get(g.id)
        path = f"layout.windows.{g.id}"
        if place is None:
            raise ScenarioError("layout.windows", f"window group '{g.id}' has no position: "
                                                  "give its rows or points")
        points = _placement_points(place, g.count, path)
        out.extend(PlacedWindow(g.id, k + 1, x, y) for k, (x, y) in enumerate(points))
    return tuple(out)


def _placement_points(place: WindowPlacement, count: int,
                      path: str) -> tuple[tuple[float, float], ...]:
    if place.points is not None:
        if len(place.points) != count:
            raise ScenarioError(f"{path}.points", f"places {len(place.points)} windows; the "
                                                  f"group has {count}")
        return tuple((float(x), float(y)) for x, y in place.points)
    rows = place.rows or ()
    if len(rows) == 1 and rows[0].count is None:
        return rows[0].points(count)
    missing = [k for k, r in enumerate(rows) if r.count is None]
    if missing:
        raise ScenarioError(f"{path}.rows.{missing[0]}.count",
                            "a group in several rows needs the count of each row")
    placed = sum(r.count or 0 for r in rows)
    if placed != count:
        raise ScenarioError(f"{path}.rows", f"places {placed} windows; the group has {count}")
    return tuple(p for r in rows for p in r.points(r.count or 0))


def check_layout(sc: Scenario) -> None:
    """Check the scenario's ``layout`` (if any) against its windows and items."""
    lay = sc.layout
    if lay is None:
        return
    outline = lay.outline

    def within(p: tuple[float, float], path: str) -> None:
        if not inside(outline, p):
            raise ScenarioError(path, f"[{p[0]:g}, {p[1]:g}] lies outside the outline")

    for kind in ("entrances", "ticket_machines"):
        spots: Mapping[str, Spot] = getattr(lay, kind)
        for name, spot in spots.items():
            within(spot.at, f"layout.{kind}.{name}.at")
    if lay.guide_desk is not None:
        within(lay.guide_desk.at, "layout.guide_desk.at")
    shares = [e.share for e in lay.entrances.values() if e.share is not None]
    if sum(shares) > 1 + 1e-9 or (len(shares) == len(lay.entrances)
                                  and abs(sum(shares) - 1) > 1e-6):
        raise ScenarioError("layout.entrances", f"entrance shares add up to {sum(shares):g} "
                                                f"({100 * sum(shares):.4g} %): they must add "
                                                "up to 1 (100 %)")
    for name, area in lay.waiting_areas.items():
        path = f"layout.waiting_areas.{name}"
        for corner in area.corners():
            if not inside(outline, corner):
                raise ScenarioError(f"{path}.at", f"the area reaches outside the outline "
                                                  f"(corner [{corner[0]:g}, {corner[1]:g}])")
        for k, ref in enumerate(area.serves or ()):
            sc.resolve(ref, f"{path}.serves.{k}")
    seen: dict[tuple[int, int], PlacedWindow] = {}
    for w in window_positions(lay, sc):
        within((w.x, w.y), f"layout.windows.{w.group}")
        for name, area in lay.waiting_areas.items():  # a window among the seats
            (x0, y0), (dx, dy) = area.at, area.size
            if x0 < w.x < x0 + dx and y0 < w.y < y0 + dy:
                raise ScenarioError(
                    f"layout.windows.{w.group}",
                    f"window {w.number} of '{w.group}' at [{w.x:g}, {w.y:g}] stands inside "
                    f"the waiting area '{name}'")
        cell = (math.floor(w.x / MIN_WINDOW_GAP), math.floor(w.y / MIN_WINDOW_GAP))
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                other = seen.get((cell[0] + dx, cell[1] + dy))
                if other is not None and math.dist((w.x, w.y), (other.x, other.y)) < MIN_WINDOW_GAP:
                    raise ScenarioError(
                        f"layout.windows.{w.group}",
                        f"window {w.number} of '{w.group}' at [{w.x:g}, {w.y:g}] stands on the "
                        f"same spot as window {other.number} of '{other.group}' (windows must "
                        f"be at least {MIN_WINDOW_GAP:g} m apart)")
        seen[cell] = w


#: the most seats a square metre of waiting area holds: a chair and its share of the
#: aisle take half a square metre in the tightest rows
SEATS_PER_M2 = 2.0
#: the warning for a waiting area given more seats than its floor holds
CROWDED_WARNING = ("waiting area '{name}' (layout.waiting_areas): {seats} seats in {area} m², "
                   "more than the {most} that fit ({per} a square metre): check the number of "
                   "seats or the area's size")


def crowded_areas(lay: Layout) -> list[tuple[str, dict[str, str]]]:
    """Waiting areas given more seats than :data:`SEATS_PER_M2` per square metre (a typo:
    100,000 seats in 465 m²), each as :data:`CROWDED_WARNING` and its values. A warning,
    not an error: a model may shrink an area to a point on purpose (walking from one
    spot), and the seats only count who stands."""
    out = []
    for name, area in lay.waiting_areas.items():
        size = area.size[0] * area.size[1]
        most = math.floor(size * SEATS_PER_M2)
        if area.seats > most:
            out.append((CROWDED_WARNING, {"name": name, "seats": f"{area.seats:,}",
                                          "area": f"{size:g}", "most": f"{most:,}",
                                          "per": f"{SEATS_PER_M2:g}"}))
    return out


def waiting_area_of(lay: Layout, sc: Scenario) -> dict[str, str]:
    """The waiting area (name) of every item: the first area whose ``serves`` names it,
    else the first area without ``serves``, else the first area."""
    names = list(lay.waiting_areas)
    default = next((n for n, a in lay.waiting_areas.items() if a.serves is None), names[0])
    out: dict[str, str] = {}
    for name, area in lay.waiting_areas.items():
        for ref in area.serves or ():
            for c in sc.resolve(ref):
                out.setdefault(c, name)
    return {c: out.get(c, default) for c in sc.categories}


# --- the automatic layout --------------------------------------------------------------

#: metres between windows of a row, between zones, and from the walls
_SPACING, _ZONE_GAP, _MARGIN = 2.5, 4.0, 3.0
#: depth of the automatic hall and of its waiting area, metres
_DEPTH, _AREA_DEPTH = 20.0, 7.0
#: seats per window in the automatic waiting area
_SEATS_PER_WINDOW = 6


def zone_of_group(sc: Scenario, group_id: str) -> str:
    """A window group's zone: the ``zone`` all of its items share, else the group's id."""
    zones = {sc.categories[c].zone for c in sc.serves(group_id)}
    only = zones.pop() if len(zones) == 1 else None
    return only if only is not None else group_id


def zones(sc: Scenario) -> dict[str, tuple[str, ...]]:
    """Window groups by zone (:func:`zone_of_group`), zones in order of first appearance."""
    out: dict[str, list[str]] = {}
    for g in sc.windows:
        out.setdefault(zone_of_group(sc, g.id), []).append(g.id)
    return {z: tuple(gs) for z, gs in out.items()}


def automatic_layout(sc: Scenario) -> Layout:
    """A floor plan drawn from the scenario alone (a pure function of it).

    Every zone's windows stand in one row along the back wall, zones side by side
    ``4`` m apart, windows ``2.5`` m apart; one waiting area spans the hall in front of
    them with six seats per window; the entrance is in the middle of the front wall,
    the ticket machine (and the guide desk, when the scenario has one) just inside.
    Walking stays off.
    """
    windows: dict[str, WindowPlacement] = {}
    x = _MARGIN
    for groups in zones(sc).values():
        for gid in groups:
            n = sc.group(gid).count
            windows[gid] = WindowPlacement(rows=(Row(start=(x, _DEPTH - 1.0), direction="+x",
                                                     spacing=_SPACING),))
            x += n * _SPACING
        x += _ZONE_GAP - _SPACING
    width = max(20.0, x - _ZONE_GAP + _SPACING + _MARGIN)
    mid = round(width / 2, 2)
    total = sum(g.count for g in sc.windows)
    return Layout(
        outline=((0.0, 0.0), (width, 0.0), (width, _DEPTH), (0.0, _DEPTH)),
        entrances={"entrance": Entrance(at=(mid, 0.0))},
        ticket_machines={"ticket_machine": Spot(at=(mid, 2.0))},
        guide_desk=Spot(at=(mid + 3.0, 2.0)) if sc.guide is not None else None,
        waiting_areas={"waiting_area": WaitingArea(
            at=(_MARGIN - 1.0, _DEPTH - 4.0 - _AREA_DEPTH),
            size=(width - 2 * (_MARGIN - 1.0), _AREA_DEPTH),
            seats=_SEATS_PER_WINDOW * total)},
        windows=windows,
    )


def layout_of(sc: Scenario) -> Layout:
    """The scenario's own ``layout``, else :func:`automatic_layout`."""
    return sc.layout if sc.layout is not None else automatic_layout(sc)


# --- walking ---------------------------------------------------------------------------

#: metres between the points at which a walking path is checked to stay inside the walls
_PATH_STEP = 0.25


def _leg_inside(outline: tuple[tuple[float, float], ...], p: tuple[float, float],
                q: tuple[float, float]) -> bool:
    """Whether the straight segment p-q stays inside the outline (checked every 25 cm)."""
    steps = max(1, math.ceil(math.dist(p, q) / _PATH_STEP))
    return all(inside(outline, (p[0] + (q[0] - p[0]) * k / steps,
                                p[1] + (q[1] - p[1]) * k / steps)) for k in range(steps + 1))


def convex(outline: tuple[tuple[float, float], ...]) -> bool:
    """Whether the outline is a convex polygon (a rectangle, say)."""
    n = len(outline)
    signs = set()
    for i in range(n):
        (ax, ay), (bx, by), (cx, cy) = outline[i], outline[(i + 1) % n], outline[(i + 2) % n]
        cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx)
        if abs(cross) > 1e-9:
            signs.add(cross > 0)
    return len(signs) <= 1


def _l_path_inside(outline: tuple[tuple[float, float], ...], p: tuple[float, float],
                   q: tuple[float, float]) -> bool:
    """Whether one of the two axis-parallel L-shaped paths from p to q stays inside (in a
    convex hall: whether its corner does, the legs then join points inside)."""
    corners = ((q[0], p[1]), (p[0], q[1]))
    if convex(outline):
        return inside(outline, p) and inside(outline, q) and \
            any(inside(outline, c) for c in corners)
    return any(_leg_inside(outline, p, corner) and _leg_inside(outline, corner, q)
               for corner in corners)


def path_metres(outline: tuple[tuple[float, float], ...], p: tuple[float, float],
                q: tuple[float, float]) -> float:
    """Walking distance from p to q inside the hall: the Manhattan distance ``|dx| + |dy|``
    when an axis-parallel L-shaped path stays inside the outline (always, in a
    rectangular hall), else the shortest chain of such L-paths through the outline's
    corners (around an inner corner of an L-shaped hall)."""
    if _l_path_inside(outline, p, q):
        return abs(p[0] - q[0]) + abs(p[1] - q[1])
    nodes = [p, q, *outline]
    best = {0: 0.0}
    done: set[int] = set()
    while True:
        open_ = [k for k in best if k not in done]
        if not open_:
            return math.inf
        k = min(open_, key=lambda j: best[j])
        if k == 1:
            return best[k]
        done.add(k)
        for j, node in enumerate(nodes):
            if j in done or j == k or not _l_path_inside(outline, nodes[k], node):
                continue
            d = best[k] + abs(nodes[k][0] - node[0]) + abs(nodes[k][1] - node[1])
            if d < best.get(j, math.inf):
                best[j] = d


def _minutes(metres: float, lay: Layout) -> float:
    speed = lay.walking.speed if lay.walking is not None else DEFAULT_WALKING_SPEED
    return metres / speed / 60.0


def walk_to_window_minutes(sc: Scenario) -> tuple[tuple[float, ...], ...] | None:
    """Minutes a called customer of each item (rows, in the order of ``categories``) walks
    from the middle of the item's waiting area to each window (columns, group by group);
    None when the scenario's layout does not turn walking on."""
    lay = sc.layout
    if lay is None or not lay.walking_on:
        return None
    area = waiting_area_of(lay, sc)
    placed = window_positions(lay, sc)
    rows: dict[str, tuple[float, ...]] = {}
    for name, a in lay.waiting_areas.items():
        rows[name] = tuple(_minutes(path_metres(lay.outline, a.centre, (w.x, w.y)), lay)
                           for w in placed)
    return tuple(rows[area[c]] for c in sc.categories)


def walk_in_minutes(sc: Scenario) -> float:
    """Minutes from the door to the ticket machine (to the guide desk, when the scenario
    has one), averaged over the entrances by their shares; each entrance's customers
    go to the nearest machine. 0 unless the layout turns walking on."""
    lay = sc.layout
    if lay is None or not lay.walking_on:
        return 0.0
    targets = ([lay.guide_desk.at] if sc.guide is not None and lay.guide_desk is not None
               else [m.at for m in lay.ticket_machines.values()])
    given = [e.share for e in lay.entrances.values() if e.share is not None]
    rest = len(lay.entrances) - len(given)
    each = (1.0 - sum(given)) / rest if rest else 0.0
    return sum((e.share if e.share is not None else each)
               * min(_minutes(path_metres(lay.outline, e.at, t), lay) for t in targets)
               for e in lay.entrances.values())


def walk_out_minutes(sc: Scenario) -> tuple[float, ...]:
    """Minutes from each window (group by group) to the nearest entrance, the way out;
    zeros unless the layout turns walking on."""
    lay = sc.layout
    if lay is None or not lay.walking_on:
        return tuple(0.0 for g in sc.windows for _ in range(g.count))
    return tuple(min(_minutes(path_metres(lay.outline, (w.x, w.y), e.at), lay)
                     for e in lay.entrances.values()) for w in window_positions(lay, sc))



def mean_walk_to_window(sc: Scenario, calls: Mapping[str, float]) -> float:
    """The mean walk to the window a call costs, minutes: over the items weighted by
    ``calls`` (calls a day, or any weight), the mean over the windows authorised for
    each item; 0 unless the layout turns walking on. What calibration takes off a log's
    turnaround."""
    walk = walk_to_window_minutes(sc)
    if walk is None:
        return 0.0
    groups = [g.id for g in sc.windows for _ in range(g.count)]
    total = weight = 0.0
    for row, name in zip(walk, sc.categories):
        mine = [w for w, gid in zip(row, groups) if name in sc.serves(gid)]
        n = calls.get(name, 0.0)
        if mine and n > 0:
            total += n * sum(mine) / len(mine)
            weight += n
    return total / weight if weight else 0.0
