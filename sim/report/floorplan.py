"""The floor-plan figure: an SVG of a hall's layout, windows coloured by a figure.

Drawn from :func:`sim.scenario.layout.layout_of` (the scenario's own ``layout``, else
the automatic one), in metres scaled to pixels with y pointing away from the front
wall (the front is at the bottom of the drawing). Every element has a stable id:
``window-<group>-<n>`` for window ``n`` (1-based) of a group, ``area-<name>`` for a
waiting area, ``entrance-<name>``, ``machine-<name>``, ``guide-desk`` and ``outline``;
a window element carries its layout position in metres as ``data-x`` / ``data-y``.

Colours come from a results document (``hallsim run --json``), read, never computed
(:data:`COLOUR_BY`): a window group's ``utilisation`` or ``served`` from ``by_window``,
or a zone's mean wait (``wait_mean``): the served-weighted mean of its items'
``by_category`` mean waits, the mean wait of the zone's served tickets.
Text uses the CJK font stack of the reports and embeds the subset of the CJK font
its labels need, so Chinese names read the same on any machine.
"""

from __future__ import annotations

import base64
import functools
import html
import math
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.files.errors import InputError
from sim.report.fonts import CSS_FONT_STACK, WEB_FAMILY, needs_cjk, write_font_subset
from sim.report.i18n import metric_heading, tr
from sim.scenario.layout import (
    WINDOW_FOOTPRINT,
    Layout,
    PlacedWindow,
    layout_of,
    window_positions,
    zone_of_group,
)
from sim.scenario.model import Scenario

#: figures a plan can be coloured by: key -> (results section, what is coloured)
COLOUR_BY: dict[str, tuple[str, str]] = {
    "utilisation": ("by_window", "group"),
    "served": ("by_window", "group"),
    "wait_mean": ("by_category", "zone"),
}
#: pixels per metre and the margin around the outline, pixels
SCALE, PAD = 24.0, 36.0
#: a window's drawn size, metres
WINDOW_W, WINDOW_D = WINDOW_FOOTPRINT
#: the colour scale, pale (the scale's low end) to dark (its high end): ColorBrewer's
#: sequential YlOrRd, whose hue turns from yellow through orange to red, so that values
#: a few points apart (utilisations of 69, 73 and 77 %) read as three colours; and the
#: colour of a window without a value
STOPS: tuple[tuple[int, int, int], ...] = ((255, 255, 204), (254, 217, 118), (254, 178, 76),
                                           (253, 141, 60), (240, 59, 32), (189, 0, 38))
NONE = "#d9d9d9"
#: the narrowest span a scale covers, by figure (values closer than this are not spread
#: over the whole scale: 70.0 and 70.4 % stay one colour)
MIN_SPAN = {"utilisation": 0.1, "served": 10.0, "wait_mean": 2.0}


@dataclass(frozen=True)
class Canvas:
    """The map from layout metres to SVG pixels (front wall at the bottom)."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    legend: float = 48.0

    @classmethod
    def of(cls, layout: Layout) -> Canvas:
        """The canvas fitting the layout's outline."""
        return cls(*layout.bounds())

    def px(self, x: float, y: float) -> tuple[float, float]:
        """Pixel position of a layout point."""
        return (round(PAD + (x - self.xmin) * SCALE, 2), round(PAD + (self.ymax - y) * SCALE, 2))

    @property
    def width(self) -> float:
        """Width of the drawing, pixels."""
        return round(2 * PAD + (self.xmax - self.xmin) * SCALE, 2)

    @property
    def plan_height(self) -> float:
        """Height of the plan without the legend, pixels."""
        return round(2 * PAD + (self.ymax - self.ymin) * SCALE, 2)

    @property
    def height(self) -> float:
        """Height of the drawing with the legend strip, pixels."""
        return self.plan_height + self.legend


def colour(value: float | None, low: float, high: float) -> str:
    """Hex colour of ``value`` on the scale from ``low`` (pale yellow) through orange to
    ``high`` (deep red): :data:`STOPS`, interpolated."""
    if value is None:
        return NONE
    t = 0.0 if high <= low else min(1.0, max(0.0, (value - low) / (high - low)))
    k = min(int(t * (len(STOPS) - 1)), len(STOPS) - 2)
    f = t * (len(STOPS) - 1) - k
    r, g, b = (round(a + (c - a) * f) for a, c in zip(STOPS[k], STOPS[k + 1]))
    return f"#{r:02x}{g:02x}{b:02x}"


def dark(fill: str) -> bool:
    """Whether a ``#rrggbb`` fill is dark enough to want white text on it."""
    r, g, b = (int(fill[k:k + 2], 16) for k in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b < 140


def scale_range(values: list[float], colour_by: str) -> tuple[float, float]:
    """The low and high ends of the colour scale of ``values`` of figure ``colour_by``:
    the values' own range, widened to round numbers and to at least
    :data:`MIN_SPAN` (centred on the values, never below 0, a utilisation never above
    100 %: the scale then ends there), so that the busiest and the
    idlest group take the scale's two ends (on a fixed 0-100 % scale, 69 % and 77 % were
    two nearly equal reds)."""
    lo, hi = min(values), max(values)
    span = max(hi - lo, MIN_SPAN.get(colour_by, 0.0))
    if hi - lo < span:
        middle = (lo + hi) / 2
        lo, hi = middle - span / 2, middle + span / 2
        if lo < 0:
            lo, hi = 0.0, span
    step = _round_step((hi - lo) / 4)
    lo, hi = max(0.0, math.floor(lo / step + 1e-9) * step), math.ceil(hi / step - 1e-9) * step
    if colour_by == "utilisation" and hi > 1.0:  # a window is never busier than on duty
        lo, hi = max(0.0, lo - (hi - 1.0)), 1.0
    return lo, hi


def _round_step(x: float) -> float:
    """The round number (1, 2 or 5 times a power of ten) at or above ``x``."""
    if x <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x * (1 - 1e-9))


def group_values(sc: Scenario, doc: Mapping[str, Any] | None,
                 colour_by: str) -> dict[str, float]:
    """The figure of every window group read from ``doc`` (empty without a document).

    ``wait_mean`` gives each group its zone's mean wait (see the module's docstring).
    Raises :class:`InputError` for an unknown figure or a document that names none of
    the scenario's groups or items.
    """
    if colour_by not in COLOUR_BY:
        raise InputError("", "--colour-by", f"unknown figure '{colour_by}' (known: "
                                            f"{', '.join(COLOUR_BY)})")
    if doc is None:
        return {}
    section, _ = COLOUR_BY[colour_by]
    block = doc.get(section)
    if not isinstance(block, Mapping):
        raise InputError("", "--results", f"the document has no '{section}' section: give a "
                                          "results document of 'hallsim run --json'")
    if section == "by_window":
        out = {g.id: float(block[g.id][colour_by]) for g in sc.windows
               if isinstance(block.get(g.id), Mapping) and block[g.id].get(colour_by) is not None}
    else:
        out = _zone_waits(sc, block)
    if not out:
        raise InputError("", "--results", f"the document has no '{colour_by}' of any window "
                                          f"group or item of scenario '{sc.name}'")
    return out


def _zone_waits(sc: Scenario, by_category: Mapping[str, Any]) -> dict[str, float]:
    zone_sum: dict[str, float] = {}
    zone_n: dict[str, float] = {}
    zone = {g.id: zone_of_group(sc, g.id) for g in sc.windows}
    items: dict[str, set[str]] = {}
    for g in sc.windows:
        items.setdefault(zone[g.id], set()).update(sc.serves(g.id))
    for z, cats in items.items():
        for c in cats:
            entry = by_category.get(c)
            if not isinstance(entry, Mapping) or entry.get("wait_mean") is None:
                continue
            n = float(entry.get("served") or 0)
            zone_sum[z] = zone_sum.get(z, 0.0) + n * float(entry["wait_mean"])
            zone_n[z] = zone_n.get(z, 0.0) + n
    return {gid: zone_sum[z] / zone_n[z] for gid, z in zone.items() if zone_n.get(z, 0) > 0}


def embedded_font_css(texts: list[str]) -> str:
    """An ``@font-face`` rule carrying the CJK font subset the texts need as a data URI
    (empty when the texts need none or no CJK font is installed)."""
    return _font_face(needs_cjk(texts))


@functools.lru_cache(maxsize=64)
def _font_face(chars: str) -> str:
    """:func:`embedded_font_css` of the characters ``chars``. Cut from the font once per
    set of characters: a subset takes about half a second, and the floor plan editor
    redraws at every number typed, which changes the digits but seldom the characters."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "subset.otf"
        if not write_font_subset(chars, path):
            return ""
        data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'@font-face{{font-family:"{WEB_FAMILY}";src:local("Noto Sans CJK SC"),'
            f'url(data:font/otf;base64,{data}) format("opentype")}}')


def label(name: str) -> str:
    """The drawn label of a named spot: the name, in the reader's language when it is one
    of the automatic layout's (``entrance``, ``ticket_machine``, ``waiting_area``)."""
    return tr(name.replace("_", " "))


def _text(x: float, y: float, text: str, cls: str = "", anchor: str = "middle") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (f'<text x="{x}" y="{y}" text-anchor="{anchor}"{klass}>{html.escape(text)}</text>')


def plan_elements(sc: Scenario, layout: Layout, canvas: Canvas,
                  fills: Mapping[str, str] | None = None,
                  titles: Mapping[str, str] | None = None) -> list[str]:
    """SVG elements of the plan: outline, waiting areas, entrances, machines, guide desk,
    windows (filled per group by ``fills``, grey when absent) and labels."""
    fills = fills or {}
    titles = titles or {}
    pts = " ".join(f"{x},{y}" for x, y in (canvas.px(*p) for p in layout.outline))
    out = [f'<polygon id="outline" points="{pts}" class="wall"/>']
    for name, area in layout.waiting_areas.items():
        x, y = canvas.px(area.at[0], area.at[1] + area.size[1])
        w, h = round(area.size[0] * SCALE, 2), round(area.size[1] * SCALE, 2)
        out.append(f'<rect id="area-{html.escape(name)}" x="{x}" y="{y}" width="{w}" '
                   f'height="{h}" class="area"/>')
        out.append(_text(round(x + 6, 2), round(y + 16, 2),
                         f"{label(name)} · {area.seats} {tr('seats')}", "label", "start"))
    for name, spot in layout.entrances.items():
        x, y = canvas.px(*spot.at)
        out.append(f'<rect id="entrance-{html.escape(name)}" x="{x - 18}" y="{y - 4}" '
                   f'width="36" height="8" class="door"/>')
        out.append(_text(x, round(y + 20, 2), label(name), "small"))
    for name, spot in layout.ticket_machines.items():
        x, y = canvas.px(*spot.at)
        out.append(f'<rect id="machine-{html.escape(name)}" x="{x - 6}" y="{y - 6}" '
                   f'width="12" height="12" class="machine"/>')
        out.append(_text(round(x - 10, 2), round(y + 4, 2), label(name), "small",
                         "end"))
    if layout.guide_desk is not None:
        x, y = canvas.px(*layout.guide_desk.at)
        out.append(f'<rect id="guide-desk" x="{x - 14}" y="{y - 7}" width="28" height="14" '
                   f'class="guide"/>')
        out.append(_text(round(x + 18, 2), round(y + 4, 2), tr("guide desk"), "small", "start"))
    placed = window_positions(layout, sc)
    sizes = desk_scales(placed)
    for w, size in zip(placed, sizes):
        out.append(_window(w, canvas, fills.get(w.group, NONE), titles.get(w.group), size))
    out.extend(_group_labels(placed, layout, canvas, sc.group_names(), sizes))
    return out


def desk_scales(placed: tuple[PlacedWindow, ...]) -> list[float]:
    """How large each window's desk is drawn, a share of :data:`WINDOW_FOOTPRINT` (1: the
    full desk): smaller where another window stands closer than a desk, so that no two
    desks (and no two window numbers) are drawn over each other. The layout check
    accepts windows :data:`~sim.scenario.layout.MIN_WINDOW_GAP` (0.5 m) apart while a
    desk is 1.6 x 1 m; two desks at a distance (dx, dy) stay apart when both are scaled
    to at most ``max(|dx| / 1.6, |dy| / 1)``."""
    cells: dict[tuple[int, int], list[int]] = {}
    for k, w in enumerate(placed):
        cells.setdefault((math.floor(w.x / WINDOW_W), math.floor(w.y / WINDOW_D)), []).append(k)
    out = [1.0] * len(placed)
    for k, w in enumerate(placed):
        cx, cy = math.floor(w.x / WINDOW_W), math.floor(w.y / WINDOW_D)
        for i in (-1, 0, 1):
            for j in (-1, 0, 1):
                for o in cells.get((cx + i, cy + j), ()):
                    if o == k:
                        continue
                    gap = max(abs(placed[o].x - w.x) / WINDOW_W, abs(placed[o].y - w.y) / WINDOW_D)
                    out[k] = min(out[k], gap)
    return out


#: the font size of a window's number on a full desk, pixels, and the width of a digit
#: as a share of it
NUM_PX, DIGIT = 10.0, 0.62


def _window(w: PlacedWindow, canvas: Canvas, fill: str, title: str | None,
            size: float = 1.0) -> str:
    """A window's desk (``size``: its share of the full desk, :func:`desk_scales`), its
    tooltip and its number, smaller on a small desk, white on a dark fill."""
    x, y = canvas.px(w.x, w.y)
    ww, dd = round(WINDOW_W * SCALE * size, 2), round(WINDOW_D * SCALE * size, 2)
    tip = f"<title>{html.escape(title)}</title>" if title else ""
    font = min(NUM_PX, (ww - 2) / (DIGIT * len(str(w.number))), dd + 2)
    style = [f"font-size:{font:.1f}px"] if font < NUM_PX else []
    if fill != NONE and dark(fill):
        style.append("fill:#fff")
    css = f' style="{";".join(style)}"' if style else ""
    base = round(y + 4 if font >= NUM_PX else y + 0.36 * font, 2)  # centred on the desk
    return (f'<g id="{html.escape(w.element_id)}" data-group="{html.escape(w.group)}" '
            f'data-x="{w.x:g}" data-y="{w.y:g}"><rect x="{round(x - ww / 2, 2)}" '
            f'y="{round(y - dd / 2, 2)}" width="{ww:g}" height="{dd:g}" fill="{fill}" '
            f'class="window"/>{tip}<text x="{x}" y="{base}" text-anchor="middle" '
            f'class="num"{css}>{w.number}</text></g>')


def _group_labels(placed: tuple[PlacedWindow, ...], layout: Layout, canvas: Canvas,
                  names: Mapping[str, str], sizes: list[float] | None = None) -> list[str]:
    """Each group's name (``names``: its label, else its id) beside its windows, at the
    first of a few places near them (:func:`_label_spots`) where it meets no desk, no
    name drawn before and no waiting area's caption, and stays inside the walls (a
    waiting area's seats only if nothing else is free; the first place if none is). A
    group whose windows stand among others' has its name at each window."""
    xmin, ymin, xmax, ymax = layout.bounds()
    left, right = canvas.px(xmin, ymin)[0], canvas.px(xmax, ymin)[0]
    top, bottom = canvas.px(xmin, ymax)[1], canvas.px(xmin, ymin)[1]
    sizes = sizes or [1.0] * len(placed)
    hard = [_box(*canvas.px(w.x, w.y), WINDOW_W * SCALE * s / 2, WINDOW_D * SCALE * s / 2)
            for w, s in zip(placed, sizes)]
    soft = []
    for name, area in layout.waiting_areas.items():
        x, y = canvas.px(area.at[0], area.at[1] + area.size[1])
        caption = f"{label(name)} · {area.seats} {tr('seats')}"
        hard.append((x + 6, y + 3, x + 6 + _text_width(caption), y + 19))
        soft.append((x, y, x + area.size[0] * SCALE, y + area.size[1] * SCALE))
    out = []
    for gid in dict.fromkeys(w.group for w in placed):
        ws = [w for w in placed if w.group == gid]
        name = names.get(gid, gid)
        each = _interleaved(ws, placed)  # among other groups' windows: at each one
        for spots in ([_label_spots(canvas, layout, [w], name, small=True) for w in ws]
                      if each else [_label_spots(canvas, layout, ws, name)]):
            half = (_text_width(name) * (11 / 13 if each else 1.0)) / 2

            def cost(spot: tuple[float, float], half: float = half,
                     first: tuple[float, float] = spots[0]) -> tuple[int, float]:
                x, y = spot
                box = (x - half, y - 11, x + half, y + 4)
                outside = box[0] < left + 2 or box[2] > right - 2 or box[1] < top \
                    or box[3] > bottom
                # a name on the seats beats one a few names away from its windows
                return (sum(_meets(box, b) for b in hard) + 10 * outside,
                        sum(_meets(box, b) for b in soft) + math.dist(spot, first) / SOFT_PX)

            x, y = min(spots, key=cost)  # the first of the least crowded
            hard.append((x - half, y - 11, x + half, y + 4))
            out.append(_text(round(x, 2), round(y, 2), name, "small" if each else "group"))
    return out


def _label_spots(canvas: Canvas, layout: Layout, ws: list[PlacedWindow], name: str,
                 small: bool = False) -> list[tuple[float, float]]:
    """Where a group's name may go (text centre and baseline, pixels), best first: a
    row's on the hall's side of it, a column's beside it clear of its desks, then the
    places on lines further out and slid along them, nearest first; kept inside the
    walls."""
    xmin, ymin, xmax, ymax = layout.bounds()
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    mx, my = sum(w.x for w in ws) / len(ws), sum(w.y for w in ws) / len(ws)
    half = _text_width(name) * (11 / 13 if small else 1.0) / 2
    wall = (canvas.px(xmin, ymin)[0], canvas.px(xmax, ymin)[0])
    horizontal = len(ws) == 1 and abs(my - cy) / max(ymax - ymin, 1e-9) >= \
        abs(mx - cx) / max(xmax - xmin, 1e-9) or len(ws) > 1 and \
        max(w.y for w in ws) - min(w.y for w in ws) <= max(w.x for w in ws) - min(w.x for w in ws)
    out = []
    if horizontal:  # the row's name on the hall's side of it, a line further out at a time
        x, y = canvas.px(mx, my + ((1.4 if my < cy else -1.4) if not small else
                                   (0.95 if my < cy else -0.95)))
        away = 1 if my >= cy else -1  # pixels grow downwards: away from a back wall is +
        lines = [y + 4 + away * k * GROUP_LINE for k in range(8)]
        xs = [x]
    else:  # beside the column, starting clear of its desks, a line up or down at a time
        side = 1 if mx < cx else -1
        x, y = canvas.px(mx + side * (WINDOW_W / 2 + 0.3), my)
        x += side * half
        lines = [y + 4 + k * GROUP_LINE for k in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5)]
        xs = [x, x + side * 2 * GROUP_LINE]
    for line in lines:  # and slid along it, a half name at a time
        for base in xs:
            for k in (0, 1, -1, 2, -2, 3, -3):
                out.append((_inside(base + k * half, half, *wall), line))
    first = out[0]  # nearest the first place first: a name stays by its windows
    return sorted(out, key=lambda p: math.dist(p, first))


def _box(x: float, y: float, half_w: float, half_h: float) -> tuple[float, float, float, float]:
    return (x - half_w, y - half_h, x + half_w, y + half_h)


def _meets(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two boxes (left, top, right, bottom) overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


#: pixels a group's name would go further from its windows to stay off a waiting area
SOFT_PX = 80.0
#: pixels between two lines of group names (their font is 13 px)
GROUP_LINE = 15.0
#: pixels kept between a group name and the hall's side walls
WALL_GAP = 6.0


def _inside(x: float, half: float, left: float, right: float) -> float:
    """The centre of a name ``2 * half`` pixels wide, moved from ``x`` as little as
    needed to keep it inside the walls at ``left`` and ``right`` (a long label of the
    first group in a row ran over the wall and out of the drawing); centred in the
    hall when it is wider than the hall."""
    lo, hi = left + WALL_GAP + half, right - WALL_GAP - half
    return round(min(max(x, lo), hi), 2) if lo <= hi else round((left + right) / 2, 2)


def _text_width(text: str) -> float:
    """The width of a group name in pixels, about (13 px bold: a CJK character is its
    font size, another about 0.6 of it), with a little room either side."""
    return sum(13.0 if ord(c) >= 0x2E80 else 8.0 for c in text) + 6.0


def _interleaved(ws: list[PlacedWindow], placed: tuple[PlacedWindow, ...]) -> bool:
    """Whether a window of another group stands within the span of the group ``ws``."""
    x0, x1 = min(w.x for w in ws), max(w.x for w in ws)
    y0, y1 = min(w.y for w in ws), max(w.y for w in ws)
    return any(o.group != ws[0].group and x0 <= o.x <= x1 and y0 <= o.y <= y1 for o in placed)


CSS = (".wall{fill:#fafafa;stroke:#444;stroke-width:3}"
       ".area{fill:#e8f1fb;stroke:#7aa7d8;stroke-dasharray:4 3}"
       ".door{fill:#2e7d32}.machine{fill:#1565c0}.guide{fill:#ef6c00}"
       ".window{stroke:#333;stroke-width:1}"
       "text{font-family:%s;fill:#222}.label{font-size:13px}.small{font-size:11px}"
       ".num{font-size:10px}.group{font-size:13px;font-weight:bold}.legend{font-size:12px}")


def floorplan_svg(sc: Scenario, doc: Mapping[str, Any] | None = None,
                  colour_by: str = "utilisation") -> str:
    """The floor plan of a scenario as a standalone SVG document, windows coloured by
    ``colour_by`` from the results document ``doc`` (all grey without one)."""
    values = group_values(sc, doc, colour_by)
    layout = layout_of(sc)
    canvas = Canvas.of(layout)
    fills, titles, legend = {}, {}, []
    heading = metric_heading(f"{COLOUR_BY[colour_by][0]}.{colour_by}")
    if values:
        low, high = scale_range(list(values.values()), colour_by)
        shown = _shown(colour_by)
        fills = {g: colour(v, low, high) for g, v in values.items()}
        names = sc.group_names()  # a window's tooltip names its group as tables do
        titles = {g: tr("{name}: {figure} {value}").format(
            name=tr("{label} ({id})").format(label=names[g], id=g) if names.get(g, g) != g
            else g, figure=heading, value=shown(v)) for g, v in values.items()}
        legend = _legend(canvas, heading, low, high, shown)
    body = plan_elements(sc, layout, canvas, fills, titles) + legend
    style = embedded_font_css(body) + CSS % CSS_FONT_STACK
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{canvas.width}" '
            f'height="{canvas.height}" viewBox="0 0 {canvas.width} {canvas.height}">'
            f'<title>{html.escape(sc.name)}</title><style>{style}</style>'
            + "".join(body) + "</svg>\n")


def _shown(colour_by: str) -> Any:
    if colour_by == "utilisation":
        return lambda v: f"{100 * v:.0f}%"
    if colour_by == "served":
        return lambda v: f"{v:,.0f}"
    return lambda v: f"{v:.1f}"


def _legend(canvas: Canvas, heading: str, low: float, high: float, shown: Any) -> list[str]:
    """The colour scale under the plan: its colours from ``low`` to ``high``, each end and
    the middle marked with its value, then the figure's name."""
    y = canvas.plan_height + 8
    x0, w = PAD, 200.0
    steps = len(STOPS) - 1
    stops = "".join(f'<stop offset="{k / steps:g}" stop-color="#{r:02x}{g:02x}{b:02x}"/>'
                    for k, (r, g, b) in enumerate(STOPS))
    ticks = "".join(f'<line x1="{x0 + t * w:g}" x2="{x0 + t * w:g}" y1="{y + 12}" '
                    f'y2="{y + 16}" stroke="#666"/>' for t in (0, 0.5, 1))
    return [f'<defs><linearGradient id="scale">{stops}</linearGradient></defs>',
            f'<rect id="legend" x="{x0}" y="{y}" width="{w:g}" height="12" fill="url(#scale)" '
            'stroke="#999"/>', ticks,
            _text(x0, y + 28, shown(low), "legend", "start"),
            _text(x0 + w / 2, y + 28, shown((low + high) / 2), "legend"),
            _text(x0 + w, y + 28, shown(high), "legend", "end"),
            _text(x0 + w + 12, y + 11, heading, "legend", "start")]
