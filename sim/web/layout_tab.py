"""The floor plan editor tab (平面布局): the hall's ``layout`` section edited in forms, the
plan redrawn at each change.

The tab starts from the open scenario's ``layout``, else the automatic one
(:func:`sim.scenario.layout.automatic_layout`), and edits its parts in place: the
outline (corner points), entrances (with their share of the customers), ticket
machines, the guide desk, waiting areas (where, how large, seats, which items wait
there), every window group's rows (start, direction, spacing, and each row's count;
rows added and removed) or points (switched either way), and walking (on or off,
speed). Each change is checked as the command line checks the file
(:func:`sim.scenario.model.scenario_from_dict`, which runs
:func:`sim.scenario.layout.check_layout`): the message names the field and the
problem, and saving waits until it is valid. The plan above the forms (held at the
top of the window while they scroll, in one of three sizes; 放大 shows it large,
:mod:`sim.web.planview`) is :func:`sim.report.floorplan.floorplan_svg` of the edited
scenario, as ``hallsim plan-view`` draws it. What is wrong is said beside the save button,
in view wherever the planner types, and while the fields are not valid the plan, greyed,
is said to be the last valid one. Saving writes the scenario with its layout, asking
first when the file's floor plan was saved elsewhere since the tab read it (as the hall
editor asks about its hall); "automatic layout" starts again from the automatic one.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import yaml
from nicegui import ui

from sim.files.errors import InputError
from sim.report.floorplan import floorplan_svg
from sim.scenario.layout import (
    DEFAULT_WALKING_SPEED,
    Entrance,
    Length,
    Metres,
    Row,
    WaitingArea,
    Walking,
    automatic_layout,
    crowded_areas,
    inside,
    window_positions,
)
from sim.scenario.model import Scenario, load_scenario, scenario_from_dict
from sim.web.common import (
    Context,
    ManySelect,
    Message,
    conflict_dialog,
    on_disk,
    scenario_or_hint,
    tid,
)
from sim.web.fields import Limit, limit_of, limit_of_type, number, read, valid
from sim.web.planview import PlanView

#: directions a row of windows can run in, with their English labels
DIRECTIONS = {"+x": "along the front (+x)", "-x": "against the front (-x)",
              "+y": "away from the front (+y)", "-y": "towards the front (-y)"}
#: the spot kinds of a layout: key -> (English title, name stem of a new one)
SPOTS = {"entrances": ("Entrances", "entrance"), "ticket_machines": ("Ticket machines",
                                                                     "ticket_machine")}
#: what the number fields accept, as the scenario model checks the layout
METRES = limit_of_type(Metres)
LENGTH = limit_of_type(Length)
_POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，]\s*(-?\d+(?:\.\d+)?)\s*$")


def parse_points(text: str, field: str) -> list[list[float]]:
    """``"0,0; 30,0; 30,20"`` (semicolons or new lines between points, ``,`` or ``，``
    inside) as ``[[0, 0], [30, 0], [30, 20]]``; InputError naming ``field`` otherwise."""
    points = []
    for part in [p for p in re.split(r"[;；\n]+", text or "") if p.strip()]:
        m = _POINT.match(part)
        if m is None:
            raise InputError("", field, f"'{part.strip()}' is not a point: write x,y in metres "
                                        "(e.g. 0,0; 30,0; 30,20; 0,20)")
        points.append([float(m[1]), float(m[2])])
    if not points:
        raise InputError("", field, "no point given")
    return points


def points_text(points: list[list[float]]) -> str:
    """Points as the editor writes them: ``0,0; 30,0; 30,20``."""
    return "; ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _n(x: float) -> str:
    return f"{x:g}"


def renamed(d: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """``d`` with key ``old`` renamed ``new``, in the same place (InputError if empty or
    taken)."""
    if not new:
        raise InputError("", "", "give a name")
    if new != old and new in d:
        raise InputError("", new, "that name is taken")
    return {(new if k == old else k): v for k, v in d.items()}


def key_at(layout: dict[str, Any], kind: str, k: int) -> str:
    """The name of the ``k``-th spot of ``kind`` (a rename keeps its place): a form's
    fields find their spot by place, so a name is applied key by key as it is typed,
    without rebuilding the form (a name held back until typing paused was lost to a
    click on 添加 that rebuilt the form first)."""
    return list(layout[kind])[k]


def new_name(d: dict[str, Any], stem: str) -> str:
    """``stem``, ``stem2``, ``stem3``, ...: the first name not in ``d``."""
    k, name = 1, stem
    while name in d:
        k += 1
        name = f"{stem}{k}"
    return name


def spot_name(stem: str, t: Callable[[str], str]) -> str:
    """The name a spot of kind ``stem`` (``entrance``, ``ticket_machine``,
    ``waiting_area``) gets in the reader's language: 入口 ... in Chinese, the stem itself
    in English."""
    shown = t(stem.replace("_", " "))
    return stem if shown == stem.replace("_", " ") else shown


def automatic(scenario: Scenario, t: Callable[[str], str]) -> dict[str, Any]:
    """The automatic layout of ``scenario`` as the editor edits it, its spots named in the
    reader's language (入口, 取号机, 等候区 in Chinese; the ids ``entrance`` ... in
    English), as the plan labels them."""
    layout = automatic_layout(scenario).model_dump(mode="json", exclude_none=True)
    for kind in ("entrances", "ticket_machines", "waiting_areas"):
        for name in list(layout[kind]):
            layout[kind] = renamed(layout[kind], name, spot_name(name, t))
    return layout


def with_layout(data: dict[str, Any], layout: dict[str, Any] | None, source: str) -> Scenario:
    """The scenario ``data`` with ``layout`` (None: none), checked as a file is checked."""
    out = copy.deepcopy(data)
    out.pop("layout", None)
    if layout is not None:
        out["layout"] = layout
    return scenario_from_dict(out, source)


#: seconds after the last pick of a multiple choice before the plan is checked and
#: redrawn (:meth:`LayoutEditor.change_soon`)
SOON = 0.6


class LayoutEditor:
    """The scenario being edited, its layout as plain data, the check and the preview."""

    def __init__(self, ctx: Context, name: str, scenario: Scenario) -> None:
        self.ctx, self.name = ctx, name
        self.data = scenario.to_dict()
        self.layout: dict[str, Any] = (
            scenario.layout.model_dump(mode="json", exclude_none=True)
            if scenario.layout is not None else automatic(scenario, ctx.t))
        self.items = list(scenario.categories)
        # what a waiting area may name: the items, and each zone and department of them
        # (a file's "zone:business" shows and stays, where the items alone dropped it)
        self.refs: dict[str, str] = {}
        for kind, word in (("zone", "zone"), ("department", "department")):
            for c in scenario.categories.values():
                value = getattr(c, kind)
                if value:
                    self.refs.setdefault(f"{kind}:{value}", f"{ctx.t(word)}: {value}")
        self.refs.update({c: c for c in self.items})
        self.groups = [(g.id, g.count) for g in scenario.windows]
        self.group_names = scenario.group_names()  # labels, else ids
        self.has_guide = scenario.guide is not None
        #: the line saying what is wrong, moved beside 保存 in the plan's strip (in view
        #: while the forms scroll: at the tab's top it scrolled away under the strip)
        self.message = Message("layout-error", ctx.lang)
        #: the check's last problem as said (None: the layout as typed is valid)
        self.problem: str | None = None
        self.valid: Scenario | None = scenario
        self.preview: PlanView | None = None
        self.view: Any = None  # the plan's box in the strip (greyed when out of date)
        self.stale: Any = None  # the line saying the plan is not the fields as typed
        self.strip: Any = None  # the strip holding the plan (its class: the plan's size)
        self.size = str(ctx.extra.get("layout-plan-size", DEFAULT_PLAN_SIZE))
        self.save_button: Any = None
        self.numbers: list[Any] = []  # the forms' number fields (each checks its limit)
        self.saved_layout = copy.deepcopy(self.layout)
        #: the layout in the file as this tab last read or wrote it: another tab's (or
        #: the hall editor's) save since is asked about before it is written over
        self.disk_layout = on_disk(ctx.workspace.scenario_path(name), {}).get("layout")
        self.pending: dict[str, Callable[[dict[str, Any]], None]] = {}  # change_soon's
        self.timers: dict[str, Any] = {}
        self.timer_slot: Any = None  # where the timers live (not in the forms redrawn)

    def unsaved(self) -> bool:
        """Whether the floor plan differs from the one last saved (or opened)."""
        return bool(self.pending) or self.layout != self.saved_layout

    def change_soon(self, key: str, apply: Callable[[dict[str, Any]], None]) -> None:
        """:meth:`change` :data:`SOON` seconds after the last of a burst of edits of one
        field (``key``), and at once before a save. A multiple choice redrawing the plan
        at each pick lost the picks made while it redrew: the page's echo of the value,
        sent after the redraw, overwrote the choices made since."""
        self.pending[key] = apply
        timer = self.timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        if self.timer_slot is None:  # no page to wait in: at once
            self.flush(key)
            return
        with self.timer_slot:
            self.timers[key] = ui.timer(SOON, lambda: self.flush(key), once=True)

    def flush(self, key: str | None = None) -> None:
        """Apply the edits :meth:`change_soon` holds (of field ``key``, or all)."""
        for k in [key] if key is not None else list(self.pending):
            timer = self.timers.pop(k, None)
            if timer is not None:
                timer.cancel()
            apply = self.pending.pop(k, None)
            if apply is not None:
                self.change(apply)

    def numbers_valid(self) -> bool:
        """Whether every number field holds what it accepts (each marks itself)."""
        return valid(self.numbers)

    def change(self, apply: Callable[[dict[str, Any]], None]) -> None:
        """Apply an edit to the layout, check it, redraw (an InputError in ``apply``,
        a bad number or point, is shown like a check's)."""
        try:
            apply(self.layout)
        except InputError as exc:
            self._invalid(exc)
            return
        finally:
            self.ctx.show_unsaved()  # the header marks the plan's edits as the hall's
        self.check()

    def check(self) -> bool:
        """Check the edited scenario; show the problem or redraw the plan."""
        try:
            self.valid = with_layout(self.data, self.layout, f"{self.name}.yaml")
        except InputError as exc:
            self._invalid(exc)
            return False
        self.problem = None
        self.draw()
        self.show_state()
        return True

    def _invalid(self, exc: InputError) -> None:
        self.valid = None
        self.message.input_error(exc)
        self.problem = self.message.label.text
        self.show_state()

    def refused_number(self) -> Any:
        """The first number field holding a value it refuses (not applied), or None."""
        return next((f for f in self.numbers if f.error is not None), None)

    def show_state(self) -> None:
        """Say, beside 保存, why saving waits (the check's problem, else a number field's
        refusal) or what the plan warns of; enable 保存 only when nothing refuses; mark
        the plan as the last valid one when it is not the fields as typed."""
        t = self.ctx.t
        refused = self.refused_number()
        if self.problem is not None:
            self.message.error(self.problem)
        elif refused is not None:
            self.message.error(t("{problem} (the field marked red below)").format(
                problem=refused.error))
        else:
            crowded = (crowded_areas(self.valid.layout)
                       if self.valid is not None and self.valid.layout is not None else [])
            if crowded:  # saved as it is, but said: most likely a typo in the seats
                self.message.warning("\n".join(t(template).format(**values)
                                               for template, values in crowded))
            else:
                self.message.clear()
        ok = self.problem is None and refused is None
        if self.save_button is not None:
            self.save_button.set_enabled(ok)
        if self.stale is not None:
            self.stale.set_visibility(not ok)
        if self.view is not None:
            self.view.classes(**({"remove": "hs-stale"} if ok else {"add": "hs-stale"}))

    def refuse(self, text: str) -> None:
        """Refuse a change with ``text``, the problem that stands (if any) said below it."""
        self.message.error(text if self.problem is None else f"{text}\n{self.problem}")

    def draw(self) -> None:
        """Redraw the plan of the last valid scenario."""
        if self.preview is not None and self.valid is not None:
            self.ctx.t("")
            svg = floorplan_svg(self.valid)
            self.preview.show(svg)
            if self.view is not None:
                self.view.style(replace=plan_basis(self.size, svg))

    def set_size(self, size: str) -> None:
        """Draw the preview ``size`` (a key of :data:`PLAN_SIZES`); the page's other
        floor plan editors built later start at it."""
        self.size = self.ctx.extra["layout-plan-size"] = size
        if self.strip is not None:
            self.strip.classes(remove=" ".join(f"hs-plan-{k}" for k in PLAN_SIZES),
                               add=f"hs-plan-{size}")
        if self.view is not None and self.preview is not None:
            self.view.style(replace=plan_basis(size, self.preview.svg))

    def changed_elsewhere(self) -> bool:
        """Whether the floor plan in the file differs from the one this tab read or last
        wrote (another browser tab, the hall editor fitting its window counts, or another
        program saved it since), as the hall editor asks before writing its hall."""
        path = self.ctx.workspace.scenario_path(self.name)
        return on_disk(path, {"layout": self.disk_layout}).get("layout") != self.disk_layout

    def save(self) -> bool:
        """Write the layout into the workspace's scenario as it is saved now: the hall
        editor's changes saved since this tab opened are kept, checked with the layout.
        A floor plan saved elsewhere since is written over: the page asks first
        (:meth:`changed_elsewhere`)."""
        self.flush()
        path = self.ctx.workspace.scenario_path(self.name)
        self.data = on_disk(path, self.data)
        if not self.numbers_valid() or not self.check():
            return False
        out = copy.deepcopy(self.data)
        out["layout"] = self.layout
        text = yaml.safe_dump(out, sort_keys=False, allow_unicode=True)
        self.ctx.workspace.write_scenario(self.name, text)
        self.data = out
        self.saved_layout = copy.deepcopy(self.layout)
        self.disk_layout = on_disk(path, {"layout": self.saved_layout}).get("layout")
        seen = self.ctx.extra.get("file-seen")  # this tab drew the file it wrote
        if seen is not None:
            seen("layout")
        hall = self.ctx.extra.get("editor")
        if hall is not None:  # the hall editor fits its groups to the plan as saved now
            hall.saved["layout"] = copy.deepcopy(self.layout)
            hall.data["layout"] = copy.deepcopy(self.layout)
        self.ctx.show_unsaved()
        return True


def _number(ed: LayoutEditor, label: str, value: Any, test_id: str,
            setter: Callable[[dict[str, Any], Any], None], width: str = "w-24",
            limit: Limit = METRES) -> Any:
    """A number field accepting what ``limit`` allows, whose changes go through
    ``ed.change``; a value it refuses is said under it and not applied (saving waits)."""
    def changed(e: Any) -> None:
        if not field.validate():  # said beside 保存 too: the field may be out of view
            ed.show_state()
            return
        value = read(field)  # None only where the limit allows an empty field
        ed.change(lambda lay: setter(lay, value if value is None or limit.whole
                                     else float(value)))

    field = tid(number(ed.ctx.t, label, limit, value=value, on_change=changed)
                .props("dense").classes(width), test_id)
    ed.numbers.append(field)
    return field


def _outline(ed: LayoutEditor) -> None:
    t = ed.ctx.t
    ui.label(t("Hall outline")).classes("text-subtitle1 text-bold")

    def set_outline(e: Any) -> None:
        ed.change(lambda lay: lay.__setitem__(
            "outline", parse_points(e.value, "layout.outline")))

    tid(ui.input(t("Corners x,y in metres, separated by semicolons"),
                 value=points_text(ed.layout["outline"]), on_change=set_outline)
        .classes("w-full"), "layout-outline")


def _spots(ed: LayoutEditor, kind: str, body: Callable[[], None]) -> None:
    """Entrances or ticket machines: name, x, y (entrances: share), remove; add one."""
    t = ed.ctx.t
    title, stem = SPOTS[kind]
    ui.label(t(title)).classes("text-subtitle1 text-bold")
    for k, (name, spot) in enumerate(list(ed.layout[kind].items())):
        with ui.row().classes("items-end gap-2"):
            def rename(e: Any, k: int = k) -> None:
                ed.change(lambda lay: lay.__setitem__(kind, renamed(
                    lay[kind], key_at(lay, kind, k), (e.value or "").strip())))

            tid(ui.input(t("Name"), value=name).props("dense")
                .on_value_change(rename).classes("w-36"), f"layout-{kind}-{k}-name")
            for axis, label in ((0, "x (m)"), (1, "y (m)")):
                def set_at(lay: dict[str, Any], v: float, k: int = k,
                           axis: int = axis) -> None:
                    lay[kind][key_at(lay, kind, k)]["at"][axis] = v

                _number(ed, label, spot["at"][axis], f"layout-{kind}-{k}-{'xy'[axis]}", set_at)
            if kind == "entrances":
                def set_share(lay: dict[str, Any], v: Any, k: int = k) -> None:
                    spot = lay[kind][key_at(lay, kind, k)]
                    if v is None:
                        spot.pop("share", None)
                    else:
                        spot["share"] = v / 100.0

                share = spot.get("share")
                _number(ed, "Share (%)", None if share is None else 100 * share,
                        f"layout-{kind}-{k}-share", set_share, "w-28",
                        limit_of(Entrance, "share").scaled(100).with_optional())

            def remove(k: int = k) -> None:
                if len(ed.layout[kind]) == 1:
                    ed.refuse(t("A floor plan needs at least one of these."))
                    return
                ed.change(lambda lay: lay[kind].pop(key_at(lay, kind, k)))
                body()

            tid(ui.button(icon="delete", on_click=remove).props("flat dense"),
                f"layout-{kind}-{k}-remove")

    def add() -> None:
        first = next(iter(ed.layout[kind].values()))
        ed.change(lambda lay: lay[kind].__setitem__(
            new_name(lay[kind], spot_name(stem, ed.ctx.t)),
            {"at": [first["at"][0] + 2, first["at"][1]]}))
        body()

    tid(ui.button(t("Add"), icon="add", on_click=add).props("flat dense"), f"layout-{kind}-add")


def _guide(ed: LayoutEditor) -> None:
    if not ed.has_guide and "guide_desk" not in ed.layout:
        return
    t = ed.ctx.t
    ui.label(t("Guide desk")).classes("text-subtitle1 text-bold")
    desk = ed.layout.setdefault("guide_desk", {"at": list(
        next(iter(ed.layout["ticket_machines"].values()))["at"])})
    with ui.row().classes("items-end gap-2"):
        for axis, label in ((0, "x (m)"), (1, "y (m)")):
            def set_at(lay: dict[str, Any], v: float, axis: int = axis) -> None:
                lay["guide_desk"]["at"][axis] = v

            _number(ed, label, desk["at"][axis], f"layout-guide-{'xy'[axis]}", set_at)


def _areas(ed: LayoutEditor, body: Callable[[], None]) -> None:
    """Waiting areas: name, corner, size, seats, the items that wait there."""
    t = ed.ctx.t
    ui.label(t("Waiting areas")).classes("text-subtitle1 text-bold")
    fields = (("x (m)", "at", 0), ("y (m)", "at", 1), ("Width (m)", "size", 0),
              ("Depth (m)", "size", 1))
    for k, (name, area) in enumerate(list(ed.layout["waiting_areas"].items())):
        with ui.row().classes("items-end gap-2"):
            def rename(e: Any, k: int = k) -> None:
                ed.change(lambda lay: lay.__setitem__("waiting_areas", renamed(
                    lay["waiting_areas"], key_at(lay, "waiting_areas", k),
                    (e.value or "").strip())))

            tid(ui.input(t("Name"), value=name).props("dense")
                .on_value_change(rename).classes("w-28"), f"layout-area-{k}-name")
            for label, key, axis in fields:
                def set_part(lay: dict[str, Any], v: float, k: int = k, key: str = key,
                             axis: int = axis) -> None:
                    lay["waiting_areas"][key_at(lay, "waiting_areas", k)][key][axis] = v

                _number(ed, label, area[key][axis], f"layout-area-{k}-{key}{axis}", set_part,
                        limit=METRES if key == "at" else LENGTH)

            def set_seats(lay: dict[str, Any], v: int, k: int = k) -> None:
                lay["waiting_areas"][key_at(lay, "waiting_areas", k)]["seats"] = v

            _number(ed, "Seats", area["seats"], f"layout-area-{k}-seats", set_seats,
                    limit=limit_of(WaitingArea, "seats"))

            def set_serves(e: Any, k: int = k) -> None:
                def apply(lay: dict[str, Any]) -> None:
                    area = lay["waiting_areas"][key_at(lay, "waiting_areas", k)]
                    if e.value:
                        area["serves"] = list(e.value)
                    else:
                        area.pop("serves", None)

                ed.change_soon(f"area-{k}-serves", apply)

            refs = ed.refs | {r: r for r in area.get("serves", []) if r not in ed.refs}
            tid(ManySelect(refs, value=list(area.get("serves", [])),
                          label=t("Items waiting here (none: all others)"),
                          on_change=set_serves).props("dense use-chips").classes("w-80"),
                f"layout-area-{k}-serves")

            def remove(k: int = k) -> None:
                if len(ed.layout["waiting_areas"]) == 1:
                    ed.refuse(t("A floor plan needs at least one of these."))
                    return
                ed.change(lambda lay: lay["waiting_areas"].pop(
                    key_at(lay, "waiting_areas", k)))
                body()

            tid(ui.button(icon="delete", on_click=remove).props("flat dense"),
                f"layout-area-{k}-remove")

    def add() -> None:
        ed.change(lambda lay: lay["waiting_areas"].__setitem__(
            new_name(lay["waiting_areas"], spot_name("waiting_area", ed.ctx.t)),
            {"at": [1.0, 3.0], "size": [4.0, 3.0], "seats": 10}))
        body()

    tid(ui.button(t("Add"), icon="add", on_click=add).props("flat dense"), "layout-area-add")


#: the preview's sizes: key -> English label. Small and medium stay at the top of the
#: window while the forms scroll under them; large is the plan as drawn (labels 10-13
#: px), scrolled sideways when wider than the page, and scrolls away with the forms (the
#: buttons and what is wrong stay)
PLAN_SIZES = {"small": "Small", "medium": "Medium", "large": "Large"}
#: the size a floor plan editor opens at: at 1366 x 768 the plan is some 370 px high
#: (labels 6-8 px; at 34 % of the window's height they were 4.4-5.7) and the forms
#: keep some 300 px below it; on a window 1080 px high, the plan as drawn
DEFAULT_PLAN_SIZE = "medium"
#: the plan's greatest height at each held size (CSS)
PLAN_HEIGHTS = {"small": "30vh", "medium": "clamp(200px, calc(100vh - 400px), 600px)"}

#: the plan's strip: it sticks right below the page's header (44 px: its buttons and
#: their padding; the header's measured height once the page runs, ``HEADER_JS``).
#: The plan takes the room its drawing needs at the size chosen (``plan_basis``), the
#: buttons, the size and what is wrong stand beside it, or below it when the hall is
#: too long for both
STICKY_CSS = (".q-panel-parent,.q-tab-panels,.q-panel{overflow:clip !important}"
              ".hs-layout-plan{position:sticky;top:var(--hs-header-height,44px);z-index:10;"
              "background:#fff;padding:4px 0;border-bottom:1px solid #ddd}"
              # large: the plan scrolls away with the forms, the buttons and what is
              # wrong stay (their boxes the panel's, so that they stick all the way down)
              ".hs-layout-plan.hs-plan-large,.hs-plan-large .hs-layout-strip{display:contents}"
              ".hs-plan-large .hs-layout-side{position:sticky;top:var(--hs-header-height,44px);"
              "flex:none;width:100%;z-index:10;background:#fff;padding:4px 0;"
              "border-bottom:1px solid #ddd}"
              ".hs-layout-strip{display:flex;flex-wrap:wrap;gap:8px 16px;"
              "align-items:flex-start;width:100%}"
              ".hs-layout-view{flex:1 1 560px;min-width:0;order:-1}"
              ".hs-plan-large .hs-layout-view{order:0;flex:none;width:100%}"
              ".hs-layout-side{flex:1 1 320px;min-width:0;display:flex;flex-wrap:wrap;"
              "align-items:center;align-content:flex-start;gap:8px 16px}"
              ".hs-layout-said{flex:1 1 100%;max-height:9.5em;overflow-y:auto}"
              ".hs-layout-said:has(>.hidden){display:none}"
              ".hs-layout-plan .hs-floorplan svg{width:100%;height:auto}"
              + "".join(f".hs-plan-{k} .hs-floorplan svg{{max-height:{h}}}"
                        for k, h in PLAN_HEIGHTS.items())
              + ".hs-plan-large .hs-floorplan{overflow-x:auto}"
              ".hs-layout-plan.hs-plan-large .hs-floorplan svg{width:auto;max-width:none;"
              "max-height:none}"
              ".hs-layout-view.hs-stale .hs-floorplan{opacity:.35;filter:grayscale(1)}")
#: the page's header height into ``--hs-header-height``, kept while the header resizes
HEADER_JS = ("(() => {const h = document.querySelector('.q-header'); if (!h) return;"
             "const set = () => document.documentElement.style.setProperty("
             "'--hs-header-height', h.offsetHeight + 'px'); set();"
             "if (!window.hsHeaderWatched) {window.hsHeaderWatched = true;"
             "new ResizeObserver(set).observe(h);}})()")
#: a field that takes the keyboard's focus under the held strip (Tab, Shift+Tab: the
#: browser scrolls only fields outside the window into view) is scrolled out from under it
FOCUS_JS = ("(() => {if (window.hsFocusWatched) return; window.hsFocusWatched = true;"
            "document.addEventListener('focusin', e => {"
            "const s = document.querySelector('.hs-layout-plan:not(.hs-plan-large)')"
            " || document.querySelector('.hs-plan-large .hs-layout-side');"
            "if (!s || s.offsetParent === null || s.contains(e.target)) return;"
            "const bottom = s.getBoundingClientRect().bottom;"
            "const top = e.target.getBoundingClientRect().top;"
            "if (top < bottom + 4) window.scrollBy(0, top - bottom - 16);});})()")


def plan_basis(size: str, svg: str) -> str:
    """The style of the plan's box at ``size`` for the plan ``svg``: the width its drawing
    takes at that size (the room beside it goes to the buttons, else they go below)."""
    m = re.search(r'<svg\b[^>]*?\swidth="([0-9.]+)"[^>]*?\sheight="([0-9.]+)"', svg)
    if m is None or float(m[2]) <= 0:
        return ""
    width, height = float(m[1]), float(m[2])
    if size not in PLAN_HEIGHTS:
        return f"flex-basis: {round(width)}px"
    ratio = width / height
    return f"flex-basis: calc({PLAN_HEIGHTS[size]} * {ratio:.4f})"


#: how a group's windows are placed: in rows, or one point per window
PLACEMENTS = {"rows": "in rows", "points": "one point per window"}
#: metres between a group's last row and a row added beside it
ROW_GAP = 3.0


def row_added(place: dict[str, Any], count: int, outline: list[list[float]]) -> None:
    """Add a row of one window beside the group's last row, ``ROW_GAP`` metres across
    its direction (towards the front first, else the other side, whichever start stands
    inside ``outline``), its window taken from the last row that has more than one; a
    group in several rows gives each row its ``count``."""
    rows = place["rows"]
    if len(rows) == 1:
        rows[0]["count"] = count
    donor = next((r for r in reversed(rows) if r["count"] > 1), None)
    if donor is None:
        raise InputError("", "windows", f"each of the group's {count} windows already "
                         "stands in a row of its own")
    donor["count"] -= 1
    last = rows[-1]
    direction = last.get("direction", "+x")
    (x, y) = last["start"]
    across = ([[x, y - ROW_GAP], [x, y + ROW_GAP]] if direction[1] == "x"
              else [[x + ROW_GAP, y], [x - ROW_GAP, y]])
    polygon = tuple((float(a), float(b)) for a, b in outline)
    start = next((p for p in across if inside(polygon, (p[0], p[1]))), across[0])
    rows.append({"start": start, "direction": direction,
                 "spacing": last.get("spacing", 2.5), "count": 1})


def row_removed(place: dict[str, Any], k: int) -> None:
    """Remove row ``k``; its windows join the row before it (the next one for the
    first); one row left places them all (no ``count``)."""
    rows = place["rows"]
    gone = rows.pop(k)
    rows[max(k - 1, 0)]["count"] = rows[max(k - 1, 0)].get("count", 0) + gone.get("count", 0)
    if len(rows) == 1:
        rows[0].pop("count", None)


def placement_switched(place: dict[str, Any], to: str,
                       positions: list[list[float]]) -> dict[str, Any]:
    """The group's placement as ``rows`` or ``points``: points are the windows' current
    ``positions``; rows start as one row from the first point, its spacing the distance
    between the first two."""
    if to == "points":
        return {"points": positions}
    (x, y), spacing = positions[0], 2.5
    if len(positions) > 1:
        dx, dy = positions[1][0] - x, positions[1][1] - y
        spacing = round(max((dx * dx + dy * dy) ** 0.5, 0.5), 2)
    return {"rows": [{"start": [x, y], "direction": "+x", "spacing": spacing}]}


def _windows(ed: LayoutEditor, body: Callable[[], None]) -> None:
    """Each window group's rows (start, direction, spacing, and each row's count when
    there are several; rows added and removed) or points, and the switch between them."""
    t = ed.ctx.t
    ui.label(t("Window rows")).classes("text-subtitle1 text-bold")
    directions = {k: t(v) for k, v in DIRECTIONS.items()}
    placements = {k: t(v) for k, v in PLACEMENTS.items()}
    for gid, count in ed.groups:
        place = ed.layout["windows"].setdefault(gid, {"rows": [{"start": [1.0, 1.0]}]})
        with ui.row().classes("items-end gap-2"):
            ui.label(t("{group} ({count} windows)").format(
                group=ed.group_names.get(gid, gid), count=count)).classes("w-40")

            def switch(e: Any, gid: str = gid) -> None:
                now = "points" if "points" in ed.layout["windows"][gid] else "rows"
                if e.value == now:
                    return
                sc = ed.valid
                if sc is None:  # switch from the last valid plan only
                    # the choice goes back to the group's placement (left on the refused
                    # one, choosing it again was no change, and nothing happened)
                    e.sender.value = now
                    ed.refuse(t("Correct the plan first: the windows' positions are "
                                "taken from the last valid plan"))
                    return
                assert sc.layout is not None
                positions = [[w.x, w.y] for w in window_positions(sc.layout, sc)
                             if w.group == gid]
                ed.change(lambda lay: lay["windows"].__setitem__(
                    gid, placement_switched(lay["windows"][gid], e.value, positions)))
                body()

            tid(ui.select(placements, value="points" if "points" in place else "rows",
                          label=t("Placed"), on_change=switch).props("dense").classes("w-40"),
                f"layout-windows-{gid}-placed")
            if "points" in place:
                def set_points(e: Any, gid: str = gid) -> None:
                    ed.change(lambda lay: lay["windows"].__setitem__(
                        gid, {"points": parse_points(e.value, f"layout.windows.{gid}.points")}))

                tid(ui.input(t("Points x,y in metres, one per window"),
                             value=points_text(place["points"]), on_change=set_points)
                    .props("dense").classes("w-96"), f"layout-windows-{gid}-points")
                continue

            def add(gid: str = gid, count: int = count) -> None:
                ed.change(lambda lay: row_added(lay["windows"][gid], count, lay["outline"]))
                body()

            if count > len(place["rows"]):
                tid(ui.button(t("Add a row"), icon="add", on_click=add).props("flat dense"),
                    f"layout-windows-{gid}-add")
        for k, row in enumerate(place["rows"]):
            _window_row(ed, body, gid, k, row, several=len(place["rows"]) > 1,
                        directions=directions)


def _window_row(ed: LayoutEditor, body: Callable[[], None], gid: str, k: int,
                row: dict[str, Any], several: bool, directions: dict[str, str]) -> None:
    """One row of a group's windows: start, direction, spacing and (of several) count."""
    t = ed.ctx.t
    key = f"layout-windows-{gid}-{k}"

    def at(lay: dict[str, Any]) -> dict[str, Any]:
        return lay["windows"][gid]["rows"][k]

    with ui.row().classes("items-end gap-2 pl-6"):
        ui.label(t("row {n}").format(n=k + 1) if several else "").classes("w-12")
        for axis, label in ((0, "x (m)"), (1, "y (m)")):
            def set_start(lay: dict[str, Any], v: float, axis: int = axis) -> None:
                at(lay)["start"][axis] = v

            _number(ed, label, row["start"][axis], f"{key}-{'xy'[axis]}", set_start)

        def set_direction(e: Any) -> None:
            ed.change(lambda lay: at(lay).__setitem__("direction", e.value))

        tid(ui.select(directions, value=row.get("direction", "+x"), label=t("Direction"),
                      on_change=set_direction).props("dense").classes("w-48"),
            f"{key}-direction")

        def set_spacing(lay: dict[str, Any], v: float) -> None:
            at(lay)["spacing"] = v

        _number(ed, "Spacing (m)", row.get("spacing", 2.5), f"{key}-spacing",
                set_spacing, "w-28", limit_of(Row, "spacing"))
        if not several:
            return

        def set_count(lay: dict[str, Any], v: int) -> None:
            at(lay)["count"] = v

        _number(ed, "Windows", row.get("count", 1), f"{key}-count", set_count,
                limit=limit_of(Row, "count"))

        def remove() -> None:
            ed.change(lambda lay: row_removed(lay["windows"][gid], k))
            body()

        tid(ui.button(icon="delete", on_click=remove).props("flat dense")
            .tooltip(t("Remove")), f"{key}-remove")


def _walking(ed: LayoutEditor) -> None:
    t = ed.ctx.t
    ui.label(t("Walking")).classes("text-subtitle1 text-bold")
    walking = ed.layout.get("walking")
    with ui.row().classes("items-end gap-4"):
        def toggle(e: Any) -> None:
            def apply(lay: dict[str, Any]) -> None:
                if e.value:
                    lay["walking"] = {"speed": float(speed.value or DEFAULT_WALKING_SPEED)}
                else:
                    lay.pop("walking", None)

            ed.change(apply)

        tid(ui.checkbox(t("Customers walk in the model (to the window, in and out)"),
                        value=walking is not None, on_change=toggle), "layout-walking")

        def set_speed(lay: dict[str, Any], v: float) -> None:
            if "walking" in lay:
                lay["walking"]["speed"] = v

        speed = _number(ed, "Speed (m/s)", (walking or {}).get(
            "speed", DEFAULT_WALKING_SPEED), "layout-walking-speed", set_speed, "w-32",
                        limit_of(Walking, "speed"))


def panel(ctx: Context) -> None:
    """Build the floor plan editor tab."""
    name = scenario_or_hint(ctx)
    if name is None:
        return
    try:
        scenario = load_scenario(ctx.workspace.scenario_path(name))
    except InputError as exc:
        Message("layout-error", ctx.lang).input_error(exc)
        return
    ed = LayoutEditor(ctx, name, scenario)
    ctx.extra["layout-editor"] = ed
    source = (ctx.t("The scenario's own layout") if scenario.layout is not None
              else ctx.t("No layout yet: this is the automatic one, drawn from the zones; "
                         "save it to keep your changes"))
    source_label = tid(ui.label(source).classes("text-body2"), "layout-source")
    ui.add_css(STICKY_CSS)
    ui.run_javascript(HEADER_JS)
    ui.run_javascript(FOCUS_JS)
    t = ctx.t
    # the plan above the forms, held at the top of the window while the forms scroll
    # under it (beside them it dropped below the whole form at 1024 px), and beside it
    # the buttons and what is wrong, in view wherever the planner types
    ed.strip = tid(ui.element("div").classes(f"w-full hs-layout-plan hs-plan-{ed.size}"),
                   "layout-strip")
    ed.preview = PlanView(ctx, "layout-svg", t("Floor plan"))
    with ed.strip, ui.element("div").classes("hs-layout-strip"):
        # beside the plan (shown before them) its parts stand one under the other; below
        # a long hall's plan the buttons and the size share a line, and what is wrong
        # takes the next; above a large plan they stay in view while the page scrolls
        with ui.element("div").classes("hs-layout-side"):
            with ui.row().classes("items-center gap-2"):
                ed.preview.button(ctx)

                def save() -> None:
                    ed.flush()
                    if not ed.numbers_valid() or not ed.check():
                        return  # said beside the button; nothing to ask about yet
                    if ed.changed_elsewhere():
                        conflict.open()
                        return
                    saved()

                ed.save_button = tid(ui.button(t("Save the layout"), on_click=save),
                                     "layout-save")

                def restart() -> None:
                    base = with_layout(ed.data, None, f"{name}.yaml")
                    ed.layout = automatic(base, t)
                    body()
                    ed.check()

                tid(ui.button(t("Start again from the automatic layout"),
                              on_click=restart).props("outline"), "layout-automatic")
            with ui.row().classes("items-center gap-2"):
                ui.label(t("Plan size")).classes("text-body2")
                tid(ui.toggle({k: t(v) for k, v in PLAN_SIZES.items()}, value=ed.size,
                              on_change=lambda e: ed.set_size(e.value))
                    .props("dense no-caps").tooltip(t(
                        "Small and medium stay at the top of the window; large shows the "
                        "plan as drawn and scrolls with the page")), "layout-plan-size")
            # beside the size when there is room (below a long hall's plan), so that the
            # plan keeps its height
            ed.stale = tid(ui.label(t(
                "The plan shows the last valid layout, not the fields as typed; saving "
                "waits until the problem is corrected.")).classes("text-body2 text-orange-10"),
                "layout-stale").style("flex: 1 1 22em")
            ed.stale.set_visibility(False)
            said = ui.element("div").classes("w-full hs-layout-said")
            ed.message.label.move(said)
        ed.view = tid(ui.element("div").classes("hs-layout-view"), "layout-view")
        with ed.view:
            ed.preview.place_preview()

    def saved() -> None:
        if ed.save():
            ed.message.info(t("Saved."))
            source_label.text = t("The scenario's own layout")

    conflict = conflict_dialog(  # as the hall editor's
        ctx, "layout-conflict",
        t("The floor plan in this scenario's file has changed since this tab read it (saved "
          "in another browser tab, by the hall editor or by another program). Replace it "
          "with this page's floor plan, or reload it and lose this page's changes?"), saved)
    forms = ui.column().classes("w-full")
    ed.timer_slot = ui.element("div")  # change_soon's timers: outside the forms redrawn

    def body() -> None:
        ed.flush()  # a pick still held applies to the area it was made for, before a redraw
        forms.clear()
        ed.numbers = []
        with forms:
            _outline(ed)
            for kind in SPOTS:
                _spots(ed, kind, body)
            _guide(ed)
            _areas(ed, body)
            _windows(ed, body)
            _walking(ed)

    body()
    ed.check()
