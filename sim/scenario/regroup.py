"""Other window groups on a hall's floor plan: where a staffing plan's window types stand.

The optimiser's staffed hall and consolidation's structures have other window groups
than the hall they were made from, on the same floor. :func:`set_window_groups` gives
them the hall's floor plan with a position for every window (:func:`regrouped_windows`),
so that walking stays in the model and the planner sees the plan where it would stand:

1. **The hall's windows** (:func:`_claims`). Each new group stands where the hall's
   groups that did its work stood: the pairs of a new and an old group are taken by the
   share of their items they have in common, most alike first, and a new group claims as
   many of the old one's windows as it still needs. A group that needs more then takes,
   one window at a time, the free window nearest its own (or, with none, nearest the
   windows of the hall's groups most alike it), within :data:`REUSE_METRES` of them; a
   group that shrinks gives up its windows on the side of the group that grows.
2. **Added desks** (:func:`_added_desks`). Beyond the hall's windows a group's desks
   grow from its own (or, with none, from beside the windows of the hall's groups most
   alike it, the others from that first desk, so that they keep together): first along
   the row each window stands in (at the row's spacing, or a desk's width and
   :data:`DESK_GAP` where the row stands closer; in the row's direction; a window alone
   follows its nearest wall), then in rows in front of it (a
   desk's depth and a gangway towards the middle of the hall), nearest the group's
   middle first. A desk is placed only where its footprint (:data:`WINDOW_FOOTPRINT`)
   stands inside the walls, off every waiting area and :data:`DESK_GAP` clear of every
   other desk, the entrances, ticket machines and guide desk. When nothing next to the
   group is free, the free spot of the hall nearest the group's middle with a gangway
   (:data:`GANGWAY_METRES`) around its desk is taken (a grid search), else with
   :data:`DESK_GAP` around it; only a hall with no free spot at all gets desks a metre
   in front of the group's windows, for :func:`~sim.scenario.layout.check_layout` to
   refuse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.scenario.layout import (
    MIN_WINDOW_GAP,
    WINDOW_FOOTPRINT,
    Layout,
    PlacedWindow,
    inside,
    window_positions,
)

if TYPE_CHECKING:
    from sim.scenario.model import Scenario

#: a free window of the hall farther than this from a group's own (metres) is left to
#: others: the group gets a desk beside its own instead of a window across the hall
REUSE_METRES = 5.0
#: spacing of a row of desks grown from a window that stands alone (a row's default)
DEFAULT_SPACING = 2.5
#: metres of gangway between a row of desks and the row added in front of it
GANGWAY_METRES = 1.0
#: the grid of the last search for a free spot: at most this many steps along the hall
GRID_STEPS = 120
#: metres kept free between two desks' footprints (side by side or one behind the other)
DESK_GAP = 0.5

Point = tuple[float, float]


@dataclass(frozen=True)
class _Frame:
    """Where a desk stands and how its row runs: ``along`` (a unit vector), ``front``
    (the unit vector across it towards the hall's middle) and the row's ``spacing``;
    ``row`` is True for a desk of the hall's own row line (its row may go on)."""

    at: Point
    along: Point
    front: Point
    spacing: float
    row: bool = True


def set_window_groups(data: dict[str, Any], sc: Scenario, windows: list[dict[str, Any]]
                      ) -> None:
    """Give ``data`` (``sc.to_dict()``, being made into another hall of the same floor)
    the window groups ``windows``; a floor plan, if ``sc`` has one, places each at the
    hall's windows that did its work (:func:`regrouped_windows`), so that walking stays
    in the model."""
    data["windows"] = windows
    if sc.layout is not None:
        data["layout"]["windows"] = regrouped_windows(
            sc.layout, sc, [(w["id"], int(w["count"])) for w in windows],
            {w["id"]: list(w.get("serves") or ()) for w in windows})


def regrouped_windows(layout: Layout, sc: Scenario, groups: Sequence[tuple[str, int]],
                      serves: Mapping[str, Sequence[str]] | None = None,
                      ) -> dict[str, dict[str, list[list[float]]]]:
    """Window positions for other window groups in the same hall (a staffing plan's
    types, ``(id, count)`` each), as ``points``: see the module's docstring. Without
    ``serves`` (each new group's items) the groups take the hall's windows in their
    order, group by group, and their added desks grow from their own. Each group's
    points follow the hall's order of its windows, then its added desks."""
    placed = window_positions(layout, sc)
    spots = [(w.x, w.y) for w in placed]
    frames = _frames(layout, placed)
    if serves is not None:
        taken, near = _claims(sc, placed, groups, serves)
    else:
        taken, near, k = {}, {}, 0
        for gid, count in groups:
            taken[gid] = list(range(k, min(k + count, len(spots))))
            near[gid] = []
            k += count
    floor = _Floor(layout)
    for ks in taken.values():
        for k in ks:
            floor.add(spots[k])
    out: dict[str, dict[str, list[list[float]]]] = {}
    for gid, count in groups:
        own = sorted(taken[gid])
        seeds = [frames[k] for k in (own or near[gid] or range(len(spots)))]
        added = _added_desks(floor, seeds, count - len(own), bool(own))
        out[gid] = {"points": [[round(x, 3), round(y, 3)]
                               for x, y in [spots[k] for k in own] + added]}
    return out


def desks_beside(layout: Layout, own: Sequence[Point], n: int,
                 others: Sequence[Point] = ()) -> list[Point]:
    """``n`` desks more for a group whose windows stand at ``own`` (in its order), clear
    of the windows at ``others``: where a plan's added desks would go (step 2 of the
    module's docstring; the hall editor places a group's new windows so)."""
    placed = [PlacedWindow("g", k + 1, x, y) for k, (x, y) in enumerate(own)]
    floor = _Floor(layout)
    for p in (*own, *others):
        floor.add(p)
    frames = _frames(layout, placed)
    return _added_desks(floor, frames, n) if frames else []


def _alike(mine: set[str], items: set[str]) -> float:
    """The share of two groups' items they have in common."""
    return len(mine & items) / len(mine | items) if mine & items else 0.0


def _claims(sc: Scenario, placed: Sequence[PlacedWindow], groups: Sequence[tuple[str, int]],
            serves: Mapping[str, Sequence[str]]
            ) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Which of the hall's windows (indices into ``placed``) each new group takes (step 1
    of the module's docstring), and the windows of the hall's groups most alike each
    (where a group without windows of its own grows from)."""
    import numpy as np

    owner = [w.group for w in placed]
    xy = np.array([(w.x, w.y) for w in placed], dtype=float).reshape(-1, 2)
    old = {g.id: set(sc.authorisation.serves(g.id)) for g in sc.windows}
    need = {gid: count for gid, count in groups}
    taken: dict[str, list[int]] = {gid: [] for gid, _ in groups}
    near: dict[str, list[int]] = {}
    reserved = {hid: 0 for hid in old}  # windows of an old group claimed, not yet chosen
    partial: list[tuple[str, str, int]] = []  # (new group, old group, windows)
    pairs: list[tuple[float, int, int, str, str]] = []
    for a, (gid, _) in enumerate(groups):
        mine = set(serves.get(gid, ()))
        alike = {hid: _alike(mine, items) for hid, items in old.items()}
        best = max(alike.values(), default=0.0)
        near[gid] = [k for k, o in enumerate(owner) if best > 0 and alike[o] == best]
        pairs.extend((-v, a, b, gid, hid) for b, (hid, v) in enumerate(alike.items()) if v > 0)
    for *_, gid, hid in sorted(pairs):
        block = [k for k, o in enumerate(owner) if o == hid]
        left = len(block) - reserved[hid]
        want = need[gid] - len(taken[gid]) - sum(n for g, _, n in partial if g == gid)
        if want <= 0 or left <= 0:
            continue
        if want >= left and reserved[hid] == 0:
            taken[gid].extend(block)
            reserved[hid] = len(block)
        else:
            partial.append((gid, hid, min(want, left)))
            reserved[hid] += min(want, left)
    claimed = {k for ks in taken.values() for k in ks}
    n_partial = {gid: sum(n for g, _, n in partial if g == gid) for gid, _ in groups}
    short = [gid for gid, _ in groups if need[gid] > len(taken[gid]) + n_partial[gid]]

    def reach(origin: list[int]) -> Any:
        """Metres from each window to the nearest of ``origin`` (inf beyond the reuse
        radius)."""
        d = np.min(np.hypot(*(xy[:, None, :] - xy[origin][None, :, :]).transpose(2, 0, 1)),
                   axis=1)
        return np.where(d <= REUSE_METRES, d, np.inf)

    # a short group takes the nearest free window: to its own, else to the windows of the
    # hall's groups most alike it, else in the hall's order
    dist = np.full((len(short), len(owner)), np.inf)
    for r, gid in enumerate(short):
        origin = taken[gid] or near[gid]
        dist[r] = reach(origin) if origin else np.arange(len(owner)) * 1e-9
    spare = {hid: sum(1 for o in owner if o == hid) - reserved[hid] for hid in old}
    while short:
        free = np.array([k not in claimed and (spare[owner[k]] > 0 or reserved[owner[k]] == 0)
                         for k in range(len(owner))], dtype=bool)
        masked = np.where(free[None, :], dist, np.inf)
        if not free.any() or not np.isfinite(masked).any():
            break
        r, k = (int(i) for i in np.unravel_index(int(np.argmin(masked)), masked.shape))
        gid = short[r]
        taken[gid].append(k)
        claimed.add(k)
        if reserved[owner[k]] > 0:
            spare[owner[k]] -= 1
        dist[r] = np.minimum(dist[r], reach([k])) if len(taken[gid]) > 1 or near[gid] \
            else reach([k])  # a group's first window replaces the hall's order
        if need[gid] <= len(taken[gid]) + n_partial[gid]:
            del short[r]
            dist = np.delete(dist, r, axis=0)
    for gid, hid, n in partial:
        block = [k for k, o in enumerate(owner) if o == hid and k not in claimed]
        taken[gid].extend(block[:n])
        claimed.update(block[:n])
    return taken, near


def _frames(layout: Layout, placed: Sequence[PlacedWindow]) -> list[_Frame]:
    """Each window's row: towards its group's next window (or from its previous one)
    when that stands within twice the default spacing, else along the nearest wall; the
    front is across the row, towards the middle of the outline."""
    xs = [p[0] for p in layout.outline]
    ys = [p[1] for p in layout.outline]
    centre = (sum(xs) / len(xs), sum(ys) / len(ys))
    out = []
    for k, w in enumerate(placed):
        step = None
        for j in (k + 1, k - 1):
            if 0 <= j < len(placed) and placed[j].group == w.group:
                dx, dy = placed[j].x - w.x, placed[j].y - w.y
                d = math.hypot(dx, dy)
                if MIN_WINDOW_GAP <= d <= 2 * DEFAULT_SPACING:
                    step = ((dx / d, dy / d) if j > k else (-dx / d, -dy / d), d)
                    break
        along, spacing = step if step is not None else (_wall_along(layout, (w.x, w.y)),
                                                         DEFAULT_SPACING)
        front = (-along[1], along[0])
        if front[0] * (centre[0] - w.x) + front[1] * (centre[1] - w.y) < 0:
            front = (-front[0], -front[1])
        out.append(_Frame((w.x, w.y), along, front, spacing))
    return out


def _wall_along(layout: Layout, p: Point) -> Point:
    """The unit direction of the wall nearest ``p``."""
    best, along = math.inf, (1.0, 0.0)
    pts = layout.outline
    for a, b in zip(pts, pts[1:] + pts[:1]):
        dx, dy = b[0] - a[0], b[1] - a[1]
        length2 = dx * dx + dy * dy
        if length2 == 0:
            continue
        t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
        d = math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)
        if d < best:
            best, along = d, (dx / math.sqrt(length2), dy / math.sqrt(length2))
    return along


def _added_desks(floor: _Floor, seeds: Sequence[_Frame], n: int, own: bool = True
                 ) -> list[Point]:
    """Where ``n`` desks added to a group go on ``floor``, grown from ``seeds``: its own
    windows, or (``own`` False) the windows it stands for, beside which its first desk
    goes, the others then growing from that one (step 2 of the module's docstring)."""
    if n <= 0:
        return []
    grown: list[_Frame] = []
    middle = (sum(f.at[0] for f in seeds) / len(seeds), sum(f.at[1] for f in seeds) / len(seeds))
    # the free spots next to the group, by (rank, metres from its middle, x, y)
    free: dict[Point, tuple[tuple[int, float, float, float], _Frame]] = {}

    def offer(f: _Frame) -> None:
        for rank, frame in _next_to(f):
            key = (rank, round(math.dist(frame.at, middle), 6), frame.at[0], frame.at[1])
            if (frame.at not in free or key < free[frame.at][0]) and floor.fits(frame.at):
                free[frame.at] = (key, frame)

    for f in seeds:
        offer(f)
    while len(grown) < n and free:
        _, frame = min(free.values(), key=lambda v: v[0])
        grown.append(frame)
        floor.add(frame.at)
        if not own and len(grown) == 1:  # a group of new desks keeps together
            middle = frame.at
            free.clear()
        for at in [at for at in free if not _clear(at, (frame.at,))]:
            del free[at]  # its own spot, and those it stands too close to
        offer(frame)
    out = [f.at for f in grown]
    for _ in range(n - len(out)):  # nothing free next to the group: the nearest free spot
        spot = floor.nearest_free(middle)
        if spot is None:
            break
        out.append(spot)
        floor.add(spot)
    ring, j = 1, 0
    while len(out) < n:  # no room at all: for check_layout to refuse
        f = seeds[j % len(seeds)]
        spot = (round(f.at[0] + ring * f.front[0], 3), round(f.at[1] + ring * f.front[1], 3))
        if floor.apart(spot):
            out.append(spot)
            floor.add(spot)
        j += 1
        if j % len(seeds) == 0:
            ring += 1
    return out


def _next_to(f: _Frame) -> list[tuple[int, _Frame]]:
    """The spots next to a desk, each with its rank: along the hall's row line (0), then
    in front of it or along a row in front (1)."""
    w, d = WINDOW_FOOTPRINT
    gap = (w if abs(f.front[0]) >= abs(f.front[1]) else d) + GANGWAY_METRES
    # along the row at its spacing, or a desk and its gap if the row stands closer
    step = max(f.spacing, (w if abs(f.along[0]) >= abs(f.along[1]) else d) + DESK_GAP)
    out = []
    for sign in (1, -1):
        at = (round(f.at[0] + sign * step * f.along[0], 3),
              round(f.at[1] + sign * step * f.along[1], 3))
        out.append((0 if f.row else 1, _Frame(at, f.along, f.front, f.spacing, f.row)))
    at = (round(f.at[0] + gap * f.front[0], 3), round(f.at[1] + gap * f.front[1], 3))
    out.append((1, _Frame(at, f.along, f.front, f.spacing, False)))
    return out


class _Floor:
    """The hall's floor as desks are added: the desks and fittings standing (a hash of
    cells as large as a desk and its gap, so that a clash is looked for next door only)
    and where a desk could stand at all (inside the walls, off the waiting areas)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.cells: dict[tuple[int, int], list[Point]] = {}
        self._grid: list[Point] | None = None
        for s in (*layout.entrances.values(), *layout.ticket_machines.values()):
            self.add(s.at)
        if layout.guide_desk is not None:
            self.add(layout.guide_desk.at)

    @staticmethod
    def _cell(p: Point) -> tuple[int, int]:
        w, d = WINDOW_FOOTPRINT
        return (math.floor(p[0] / (w + DESK_GAP)), math.floor(p[1] / (d + DESK_GAP)))

    def add(self, p: Point) -> None:
        """A desk (or fitting) now stands at ``p``."""
        self.cells.setdefault(self._cell(p), []).append(p)

    def near(self, p: Point, reach: int = 1) -> list[Point]:
        """What stands within ``reach`` cells of ``p`` (one: everything a desk there could
        meet; two: everything within a gangway of it)."""
        cx, cy = self._cell(p)
        around = range(-reach, reach + 1)
        return [q for dx in around for dy in around
                for q in self.cells.get((cx + dx, cy + dy), ())]

    def fits(self, p: Point) -> bool:
        """Whether a desk fits at ``p``: :func:`_desk_fits` against what stands near."""
        return _desk_fits(self.layout, p, self.near(p))

    def apart(self, p: Point) -> bool:
        """Whether ``p`` is at least :data:`MIN_WINDOW_GAP` from everything standing."""
        return all(math.dist(p, q) >= MIN_WINDOW_GAP for q in self.near(p))

    def nearest_free(self, middle: Point) -> Point | None:
        """The spot of a grid over the hall nearest ``middle`` where a desk fits, if any
        (the grid's spots inside the walls and off the seats are found once)."""
        if self._grid is None:
            xmin, ymin, xmax, ymax = self.layout.bounds()
            step = max(0.5, max(xmax - xmin, ymax - ymin) / GRID_STEPS)
            self._grid = [p for p in ((round(xmin + i * step, 3), round(ymin + j * step, 3))
                                      for i in range(int((xmax - xmin) / step) + 1)
                                      for j in range(int((ymax - ymin) / step) + 1))
                          if _desk_fits(self.layout, p, ())]
        spots = sorted(self._grid, key=lambda p: (math.dist(p, middle), p))
        for gap, reach in ((GANGWAY_METRES, 2), (DESK_GAP, 1)):  # a gangway if there is room
            found = next((p for p in spots if _clear(p, self.near(p, reach), gap)), None)
            if found is not None:
                return found
        return None


def _desk_fits(layout: Layout, spot: Point, others: Sequence[Point]) -> bool:
    """Whether a desk at ``spot`` stands inside the walls, off the waiting areas and
    clear of the desks and fittings at ``others``."""
    w, d = WINDOW_FOOTPRINT
    x, y = spot
    if not all(inside(layout.outline, (x + sx * w / 2, y + sy * d / 2))
               for sx in (-1, 1) for sy in (-1, 1)):
        return False
    for area in layout.waiting_areas.values():
        (x0, y0), (dx, dy) = area.at, area.size
        if x + w / 2 > x0 and x - w / 2 < x0 + dx and y + d / 2 > y0 and y - d / 2 < y0 + dy:
            return False
    return _clear(spot, others)


def _clear(spot: Point, others: Sequence[Point], gap: float = DESK_GAP) -> bool:
    """Whether a desk at ``spot`` stands clear of the desks and fittings at ``others``:
    their footprints at least ``gap`` apart (a desk put where its group has no room next
    to it keeps a gangway, :data:`GANGWAY_METRES`, so that it blocks no window)."""
    w, d = WINDOW_FOOTPRINT
    x, y = spot
    w, d = w + gap - 1e-6, d + gap - 1e-6  # spots are rounded to millimetres
    return all(abs(x - ox) >= w or abs(y - oy) >= d for ox, oy in others)
