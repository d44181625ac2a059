"""The hall editor: window groups, the item x window-group authorisation grid,
schedules and demand as grids by time of day, service and patience, targets.

The editor works on the scenario file's data (as read from YAML) and validates it
after every change with the scenario model the command line uses
(:func:`sim.scenario.loading.scenario_from_dict`, and the ``optimize:`` section with
the optimiser's spec when there is one, as ``hallsim validate`` does). An invalid
field is marked in place with the message ``hallsim validate`` prints (file, field
path, problem); nothing invalid can be saved. Saving writes the data back as YAML
(comments of the original file are not kept).

Grids by time of day have a column at every whole hour the hall is open and at
every key the file already has, so a half-hourly profile is kept exactly: a cell
shows the value in force from its time until the next column.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeGuard

from nicegui import ui

from sim.files.errors import InputError
from sim.web.common import Context, Message, conflict_dialog, on_disk, scenario_or_hint, tid
from sim.web.fields import (
    DEMAND_CHANGE,
    DURATION_PARAMETERS,
    ON_DUTY,
    RATE,
    Limit,
    limit_of,
    number,
    valid,
)

if TYPE_CHECKING:  # the scenario model (numpy, pydantic) is imported when a hall is edited,
    # not when the server starts
    from sim.scenario.model import Scenario

#: service and patience parameters offered for editing, when the distribution has them
PARAMETERS = ("mean", "cv", "value", "low", "mode", "high")

#: width of a cell of a time-of-day grid, with Chromium's spin buttons hidden in it: room
#: for a calibrated rate such as 118.75 (a 4rem cell with them cut 15.6 to "15.")
CELL_WIDTH = "w-20"
CELL_CSS = (".hallsim-cell input::-webkit-inner-spin-button, .hallsim-cell "
            "input::-webkit-outer-spin-button {-webkit-appearance: none; margin: 0}"
            " .hallsim-cell input {-moz-appearance: textfield}"
            # a cell's message shows under its grid (Editor.grids), not in the narrow cell
            " .hallsim-cell .q-field__bottom {display: none}")


def validate(data: Any, source: str) -> Scenario:
    """The scenario of ``data``, validated as ``hallsim validate`` does (raises InputError)."""
    from sim.scenario.loading import scenario_from_dict

    if not isinstance(data, dict):
        return scenario_from_dict(data, source)
    for group in data.get("windows") or []:
        if isinstance(group, dict) and group.get("serves") in ([], ()):  # its items removed
            raise InputError(source, f"windows.{group.get('id')}.serves", (
                "window group {group} now serves no item: tick one of its items in the "
                "authorisation table, or remove the group").format(
                    group=group.get("label") or group.get("id")))
    hall = dict(data)
    section = hall.pop("optimize", None)
    scenario = scenario_from_dict(hall, source)
    if section is not None:
        from optimize.spec import check_spec, spec_from_dict

        check_spec(spec_from_dict(section, source), scenario, source)
    return scenario


def grid_times(data: dict[str, Any], profiles: list[Any]) -> list[str]:
    """Columns of a time-of-day grid: whole hours the hall is open, and every key of
    ``profiles`` (mappings ``HH:MM -> value``), as ``HH:MM`` in order."""
    from sim.scenario.clock import format_hhmm, parse_hhmm, parse_periods

    times: set[float] = set()
    for start, end in parse_periods(list(data["hall"]["open"])):
        times.add(start)
        t = (start // 60 + 1) * 60
        while t < end:
            times.add(t)
            t += 60
    for p in profiles:
        if isinstance(p, dict):
            times.update(parse_hhmm(k) for k in p)
    return [format_hhmm(t) for t in sorted(times)]


def value_at(profile: Any, time: str) -> float:
    """The value a profile (a number, or ``HH:MM -> value``) holds at ``time``."""
    from sim.scenario.clock import parse_hhmm

    if not isinstance(profile, dict):
        return float(profile)
    t = parse_hhmm(time)
    keys = sorted(profile, key=parse_hhmm)
    current = profile[keys[0]]
    for k in keys:
        if parse_hhmm(k) <= t:
            current = profile[k]
    return float(current)


def scaled(rate: Any, factor: float) -> Any:
    """An arrival rate (number or profile) multiplied by ``factor``."""
    if isinstance(rate, dict):
        return {k: round(float(v) * factor, 4) for k, v in rate.items()}
    return round(float(rate) * factor, 4)


def scaled_demand(data: dict[str, Any], factor: float) -> bool:
    """Multiply the hall's demand by ``factor``: every item's tickets per hour and every
    journey's (一件事, whose steps are tickets of its items too), so that +20 % is 20 %
    more tickets, as the forecast tab's change does. Whether the hall has journeys."""
    for c in data["categories"].values():
        c["arrivals_per_hour"] = scaled(c["arrivals_per_hour"], factor)
    journeys = data.get("journeys")
    if not isinstance(journeys, dict):
        return False
    for j in journeys.values():
        if isinstance(j, dict) and "arrivals_per_hour" in j:
            j["arrivals_per_hour"] = scaled(j["arrivals_per_hour"], factor)
    return bool(journeys)


def with_serves(scenario: Scenario, group: str, item: str, on: bool) -> list[str]:
    """Items group ``group`` serves after (un)ticking ``item``: explicit names, the
    present order kept (the first stays primary), new items last."""
    items = [c for c in scenario.serves(group) if c != item]
    if on:
        items.append(item)
    return items


def set_serves(group: dict[str, Any], serves: list[str]) -> None:
    """Give a window group (file data) ``serves``; speed factors and primary items of
    items it no longer serves are dropped with them."""
    group["serves"] = serves
    for key in ("speed", "primary"):
        value = group.get(key)
        if isinstance(value, dict):
            kept: Any = {k: v for k, v in value.items() if k in serves}
        elif isinstance(value, list):
            kept = [v for v in value if v in serves]
        else:
            continue
        if kept:
            group[key] = kept
        else:
            group.pop(key)


def recounted(schedule: Any, was: int, count: int) -> Any:
    """A group's ``schedule`` when its windows go from ``was`` to ``count``: periods with
    every window on duty stay fully staffed (``count``), the others keep their staff, at
    most ``count``. A group without a schedule (always fully staffed) has none."""
    if not isinstance(schedule, dict):
        return schedule
    return {k: (count if v == was else min(v, count)) for k, v in schedule.items()}


#: the service time of an item added in the editor, until the planner gives its own
NEW_ITEM_SERVICE = {"dist": "lognormal", "mean": 10, "cv": 0.6}
#: its tickets per hour
NEW_ITEM_RATE = 5


def with_item(data: dict[str, Any], name: str) -> str:
    """Add item ``name`` to the scenario data (:data:`NEW_ITEM_RATE` tickets an hour,
    :data:`NEW_ITEM_SERVICE`), authorised at the first window group; returns that
    group's id. An empty or taken name is an :class:`InputError`."""
    name = name.strip()
    if not name:
        raise InputError("", "categories", "give the new item's name")
    if name in data["categories"]:
        raise InputError("", f"categories.{name}", f"an item named '{name}' already exists")
    data["categories"][name] = {"arrivals_per_hour": NEW_ITEM_RATE,
                                "service": dict(NEW_ITEM_SERVICE)}
    group = data["windows"][0]
    serves = group["serves"]
    group["serves"] = [*([serves] if isinstance(serves, str) else serves), name]
    return str(group["id"])


@dataclass
class Removal:
    """What removing an item (:func:`without_item`) took with it."""

    #: journeys (一件事) that lost the item's step: each one's steps now, by name
    shortened: dict[str, list[str]] = field(default_factory=dict)
    #: journeys removed: the item was their only step
    journeys: list[str] = field(default_factory=list)
    #: window groups left serving nothing, as the page names them, with their windows:
    #: they stay (their windows and staffing are the planner's), the hall refused until
    #: each gets an item ticked or is removed
    groups: list[tuple[str, Any]] = field(default_factory=list)


def _names_only(ref: Any, name: str, item: Any, categories: dict[str, Any]) -> bool:
    """Whether authorisation reference ``ref`` (an item's name, ``department:X``,
    ``zone:X``, ``*``) named item ``name`` (its data ``item``) and names none of the
    ``categories`` left: the reference would no longer resolve."""
    if ref == name:
        return True
    for kind in ("department", "zone"):
        prefix = kind + ":"
        if isinstance(ref, str) and ref.startswith(prefix):
            value = ref[len(prefix):]
            return isinstance(item, dict) and item.get(kind) == value and not any(
                isinstance(c, dict) and c.get(kind) == value for c in categories.values())
    return False


def without_item(data: dict[str, Any], name: str) -> Removal:
    """Remove item ``name`` from the scenario data and from what uses it: the journeys
    (一件事) lose its step, a journey left without steps goes; the window groups lose
    each authorisation reference (the name, or a ``department:``/``zone:`` that names
    no other item), with its speed factor and primary mark; a group left serving
    nothing serves ``[]`` (:func:`validate` says to tick an item or remove it). Returns
    what went with it."""
    item = data["categories"].pop(name)
    categories = data["categories"]
    removal = Removal()
    journeys = data.get("journeys")
    if isinstance(journeys, dict):
        for j in list(journeys):
            steps = journeys[j].get("steps") if isinstance(journeys[j], dict) else None
            if not isinstance(steps, list) or name not in steps:
                continue
            kept = [s for s in steps if s != name]
            if kept:
                journeys[j]["steps"] = kept
                removal.shortened[str(j)] = [str(s) for s in kept]
            else:
                del journeys[j]
                removal.journeys.append(str(j))
        if not journeys:
            data.pop("journeys")
    for group in data["windows"]:
        serves = group.get("serves")
        refs = [serves] if isinstance(serves, str) else serves
        if not isinstance(refs, list) or not any(
                _names_only(r, name, item, categories) for r in refs):
            continue
        group["serves"] = [r for r in refs if not _names_only(r, name, item, categories)]
        if not group["serves"]:
            removal.groups.append((str(group.get("label") or group.get("id")),
                                   group.get("count")))
        for key in ("speed", "primary"):
            value = group.get(key)
            if isinstance(value, dict):
                value = {k: v for k, v in value.items()
                         if not _names_only(k, name, item, categories)}
            elif isinstance(value, list):
                value = [v for v in value if not _names_only(v, name, item, categories)]
            else:
                continue
            if value:
                group[key] = value
            else:
                group.pop(key)
    return removal


#: metres from a group's windows beyond which a window added to it is said to stand apart
FAR_METRES = 7.5


class Editor:
    """The open scenario's data, its validation and its fields on the page."""

    def __init__(self, ctx: Context, name: str) -> None:
        self.ctx, self.name = ctx, name
        from sim.files.yaml_reader import read_yaml

        self.path = ctx.workspace.scenario_path(name)
        self.data: dict[str, Any] = read_yaml(self.path)
        self.saved = copy.deepcopy(self.data)
        #: window groups renamed since the last save: id as saved -> id now (the floor
        #: plan, saved on its own tab, names them by the saved id)
        self.renames: dict[str, str] = {}
        self.fields: dict[str, Any] = {}
        self.scenario: Scenario | None = None
        self.error: InputError | None = None
        self.message: Message | None = None
        self.note: Message | None = None  # what a change did besides the field edited
        #: notes beside the buttons far down the page (the note above is out of view
        #: there), by test id: drawn again with the body, said by :meth:`tell`
        self.notes: dict[str, Message] = {}
        #: what each of them says since the last change, (text, refused): the body is
        #: drawn again after the click that said it (a refresh runs in the background)
        self.said: dict[str, tuple[str, bool]] = {}
        #: where the item last removed stood among the items: its note shows there
        self.removed_at: int | None = None
        self.save_button: Any = None
        # each group's (count, schedule) before its count is being typed: the schedule
        # follows the count from there (typing 12 passes through 1)
        self.bases: dict[int, tuple[Any, Any]] = {}
        self.refresh_schedules: Any = None
        #: the authorisation grid's column heads, by group index: a label typed shows there
        self.auth_heads: dict[int, Any] = {}
        #: the schedule grid's row labels, by group index: a label typed shows there too
        self.schedule_heads: dict[int, Any] = {}
        #: each time-of-day grid's message line and its cells (row label, time, field),
        #: by the grid's title: a refused cell is said there, the cell marked red
        self.grids: dict[str, tuple[Any, list[tuple[str, str, Any]]]] = {}

    def changed_elsewhere(self) -> bool:
        """Whether the hall in the file differs from the one this editor opened or last
        saved (another browser tab or program saved it since); the floor plan, which its
        own tab saves, does not count."""
        def hall(data: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in data.items() if k != "layout"}

        return hall(on_disk(self.path, self.saved)) != hall(self.saved)

    def serves_of(self, k: int) -> list[str]:
        """The items group ``k`` serves now: its list when it names items, else (a
        department, a zone, ``*``) as the last valid hall read it, without the items
        removed since."""
        group = self.data["windows"][k]
        raw = group.get("serves")
        names = [raw] if isinstance(raw, str) else [str(n) for n in raw or []]
        items = self.data["categories"]
        if all(n in items for n in names):
            return names
        gid = str(group["id"])
        if self.scenario is not None and gid in self.scenario.group_names():
            return [c for c in self.scenario.serves(gid) if c in items]
        return [n for n in names if n in items]

    def unsaved(self) -> bool:
        """Whether the data differs from the file as last saved (or opened)."""
        return bool(self.data != self.saved)

    def tell(self, text: str, near: str | None = None, refused: bool = False) -> None:
        """Say what a change did besides the field edited: at the top of the page, or in
        the note ``near`` (a test id of :attr:`notes`) beside the button clicked;
        ``refused``: as an error, the change not made."""
        if near:
            self.said[near] = (text, refused)
        note = self.notes.get(near, self.note) if near else self.note
        if note is not None:
            _say(note, text, refused, scroll=bool(near))

    def note_beside(self, name: str) -> None:
        """Place the note ``name`` (a test id) here, beside its button, saying what
        :meth:`tell` said there since the last change."""
        note = self.notes[name] = Message(name, self.ctx.lang)
        if name in self.said:
            _say(note, *self.said[name], scroll=True)

    # --- validation ------------------------------------------------------------------

    def check(self) -> bool:
        """Validate the data; mark the field at fault (or clear the marks): a number
        field outside its limit says what it accepts, else the field the scenario model
        finds at fault shows the model's problem. Saving waits until both pass."""
        fields_valid = valid(self.fields.values())  # without a limit: no mark
        try:
            self.scenario = validate(self.data, str(self.path))
            self.error = None
        except InputError as exc:
            self.error = exc
            element = self._field_of(exc.path)
            if element is not None and element.error is None:
                from sim.report.messages import problem_text

                self.ctx.t("")  # the page's language
                element.error = problem_text(exc.problem)
        self._grid_messages()
        if self.message is not None:
            if self.error is None:
                self.message.clear()
            else:
                self.message.input_error(self.error)
        if self.save_button is not None:
            self.save_button.set_enabled(self.error is None and fields_valid)
        return self.error is None and fields_valid

    def _grid_messages(self) -> None:
        t = self.ctx.t
        for line, cells in self.grids.values():
            said = [t("{row} at {time}: {problem}").format(row=row, time=time,
                                                          problem=element.error)
                    for row, time, element in cells if element.error]
            line.text = "\n".join(said)
            line.set_visibility(bool(said))

    def _field_of(self, path: str) -> Any:
        parts = path.split(".")
        while parts:
            element = self.fields.get(".".join(parts))
            if element is not None:
                return element
            parts.pop()
        return None

    def field(self, path: str, element: Any) -> Any:
        """Register ``element`` (an input, or a number field of :func:`sim.web.fields.number`)
        as the input of field ``path`` (its test id too). Its marks are the editor's
        (:meth:`check`): NiceGUI's own validation after each change would clear the mark
        :meth:`check` has just set (the field never showed red)."""
        self.fields[path] = element.without_auto_validation()
        return tid(element, "field-" + path)

    # --- changes ---------------------------------------------------------------------

    def change(self, apply: Any) -> None:
        """Apply a change to the data and validate; the header marks unsaved changes. What
        an earlier change did (:meth:`tell`) is no longer said: it may not hold now."""
        self.said.clear()
        for note in [self.note, *self.notes.values()]:
            if note is not None:
                note.clear()
        apply(self.data)
        if "layout" in self.data:  # fitted from the plan as saved, not from the last fit
            self._fit_layout(self.saved)
        self.check()
        self.ctx.show_unsaved()

    def rename_group(self, old: str, new: str) -> None:
        """Note that window group ``old`` is now called ``new`` (each keystroke of a new
        id), so that the floor plan follows it (:func:`fitted_layout`)."""
        saved_id = next((o for o, now in self.renames.items() if now == old), old)
        self.renames[saved_id] = new

    def _fit_layout(self, saved: dict[str, Any]) -> None:
        """The floor plan of the hall as saved (``saved``, the file's data), following the
        groups' new ids and counts, and the groups added or removed since."""
        layout = saved.get("layout")
        if isinstance(layout, dict):
            windows = self.data.get("windows") or []
            serves = {str(g.get("id")): self.serves_of(k) for k, g in enumerate(windows)
                      if isinstance(g, dict)}
            self.data["layout"] = fitted_layout(layout, windows, self.renames,
                                                counts_of(saved.get("windows")), serves)

    def saved_count(self, k: int) -> int | None:
        """The number of windows group ``k`` had when the hall was last saved (or
        opened): None for a group added since."""
        gid = str(self.data["windows"][k].get("id"))
        was = next((old for old, now in self.renames.items() if now == gid), gid)
        return counts_of(self.saved.get("windows")).get(was)

    def floor_note(self, k: int) -> str:
        """What the floor plan, if the hall has one saved, did with the windows group
        ``k`` gained or lost since the hall was saved ("" when nothing)."""
        t = self.ctx.t
        if not isinstance(self.saved.get("layout"), dict) or "layout" not in self.data:
            return ""
        was, now = self.saved_count(k), self.data["windows"][k].get("count")
        if not isinstance(now, int):
            return ""
        if was is None:
            return t("Floor plan: the new group's windows stand beside a group serving the "
                     "same items (once saved, see or move them in the floor plan editor)")
        if now > was and self.error is not None and self.error.path.startswith("layout."):
            from sim.report.messages import problem_text

            return t("Floor plan: the {n} window(s) added do not all fit beside the group's "
                     "own ({problem}), so the hall cannot be saved: type fewer, or make room "
                     "in the floor plan tab (平面布局) first").format(
                n=now - was, problem=problem_text(self.error.problem))
        far = self._far_added(k, was) if now > was else 0
        if far:
            return t("Floor plan: the {n} window(s) added stand where the floor plan had "
                     "room, {far} of them more than {metres} m from the group's own (once "
                     "saved, see or move them in the floor plan editor)").format(
                n=now - was, far=far, metres=f"{FAR_METRES:g}")
        if now > was:
            return t("Floor plan: the {n} window(s) added stand beside the group's own "
                     "(once saved, see or move them in the floor plan editor)").format(
                n=now - was)
        if now < was:
            return t("Floor plan: the group's last {n} window(s) taken off").format(
                n=was - now)
        return ""

    def _far_added(self, k: int, was: int) -> int:
        """How many of the windows group ``k`` gained (past its ``was`` first ones, as the
        fitted floor plan stands them) stand more than :data:`FAR_METRES` from every
        window it had: a crowded hall puts them wherever it has room."""
        from sim.scenario.layout import Layout

        gid = str(self.data["windows"][k].get("id"))
        counts = {str(g.get("id")): g.get("count") for g in self.data["windows"]
                  if isinstance(g, dict)}
        try:
            spots = _spots_of(Layout.model_validate(self.data["layout"]), counts, only=gid)
        except (TypeError, ValueError):
            return 0
        own, added = spots[:was], spots[was:]
        return sum(1 for p in added if own and min(math.dist(p, q) for q in own) > FAR_METRES)

    def save(self, as_name: str | None = None) -> str | None:
        """Write the data as YAML (under ``as_name`` if given); None when invalid. The
        floor plan (``layout``, edited on its own tab) is taken as saved now."""
        import yaml

        from sim.web.workspace import safe_name

        name = safe_name(as_name, "") if as_name else self.name  # refused before any change
        self._fit_layout(on_disk(self.path, self.saved))
        if not self.check():
            return None
        out = copy.deepcopy(self.data)
        if name != self.name and out.get("name") == self.saved.get("name"):
            # a copy under another file name is another scenario: its legends, tables and
            # comparisons name it by ``name``, so it takes the new name unless the
            # planner has given one since it was opened
            out["name"] = name
        self.ctx.workspace.write_scenario(name, yaml.safe_dump(out, sort_keys=False,
                                                               allow_unicode=True))
        self.data, self.saved = out, copy.deepcopy(out)
        self.renames = {}
        self.ctx.show_unsaved()
        return name


def _say(note: Message, text: str, refused: bool, scroll: bool) -> None:
    """Show ``text`` in ``note`` (as an error when ``refused``); ``scroll``: bring it into
    view once drawn (the rows above it may have gone with the change: an item removed
    takes its rows out of the grids above its note)."""
    (note.error if refused else note.info)(text)
    if scroll:
        ui.run_javascript(f"setTimeout(() => document.getElementById('c{note.label.id}')"
                          "?.scrollIntoView({block: 'nearest'}), 100)")


def counts_of(windows: Any) -> dict[str, int]:
    """Each window group's number of windows in a file's ``windows`` (by id)."""
    return {str(g.get("id")): g["count"] for g in windows or []
            if isinstance(g, dict) and _whole(g.get("count"))}


def _whole(n: Any) -> TypeGuard[int]:
    """Whether ``n`` is a count of windows (a whole number of at least 1)."""
    return isinstance(n, int) and not isinstance(n, bool) and n >= 1


def fitted_layout(layout: dict[str, Any], windows: list[dict[str, Any]],
                  renames: dict[str, str], saved: dict[str, int] | None = None,
                  serves: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The floor plan ``layout`` (as its tab saved it, for a hall whose groups had the
    counts ``saved``, by id) for the hall editor's window groups now: a group renamed
    (``renames``: id as saved -> id now) keeps its place under its new id, a group
    removed loses its place. A group with more windows gets each new one where a plan's
    added desk would go (:func:`sim.scenario.regroup.desks_beside`: along its row, else
    in front of it, clear of the other windows); a group in rows keeps them when that
    is where its row goes on, else its windows are placed one by one from then on. A
    group with fewer windows loses its last. A group added stands beside the group
    with most of its items (``serves``: each group's items, by id), else the last.
    Without ``saved`` a single row without counts places any number, as it stands."""
    lay = copy.deepcopy(layout)
    placed = lay.get("windows")
    if not isinstance(placed, dict):
        return lay
    for old, new in renames.items():
        if old != new and old in placed and new not in placed:
            placed[new] = placed.pop(old)
    was = {renames.get(gid, gid): n for gid, n in (saved or {}).items()}
    counts = {str(g.get("id")): g.get("count") for g in windows if isinstance(g, dict)}
    for gid in [g for g in placed if g in was and g not in counts]:
        del placed[gid]  # the group was removed
    for gid, place in placed.items():
        n = counts.get(str(gid))
        if not _whole(n) or not isinstance(place, dict):
            continue
        points = place.get("points")
        if isinstance(points, list) and points and all(
                isinstance(p, list) and len(p) == 2 for p in points):
            del points[n:]
            if len(points) < n:
                points.extend(_more_points(lay, str(gid), points, n - len(points), counts))
        rows = place.get("rows")
        if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
            placed[gid] = _rows_fitted(lay, str(gid), place, n, was.get(str(gid)), counts)
    for gid, n in counts.items():
        if gid not in placed and _whole(n) and placed:
            placed[gid] = {"points": _new_group_points(lay, gid, n, counts, serves or {})}
    return lay


def _rows_fitted(lay: dict[str, Any], gid: str, place: dict[str, Any], n: int,
                 was: int | None, counts: dict[str, Any]) -> dict[str, Any]:
    """A group placed in ``rows`` (with ``was`` windows as saved) given ``n`` windows:
    its rows go on or lose their last windows; new windows where its rows do not go
    on (:func:`_more_points` puts them elsewhere) turn it into one point per window."""
    rows = place["rows"]
    counted = all(isinstance(r.get("count"), int) for r in rows)
    if len(rows) == 1 and rows[0].get("count") is None:
        before = was
    elif counted:
        before = sum(r["count"] for r in rows)
    else:
        return place  # being edited into something that does not validate
    if before is None or n == before:
        return place
    grown = copy.deepcopy(place)
    if counted and len(rows) > 1:
        grown_rows = grown["rows"]
        extra = n - before
        while extra < 0 and len(grown_rows) > 1 and grown_rows[-1]["count"] <= -extra:
            extra += grown_rows.pop()["count"]
        grown_rows[-1]["count"] += extra
    elif counted:
        grown["rows"][0]["count"] = n
    if n < before:
        return grown
    try:
        own = _row_spots(place, before)
        goes_on = _row_spots(grown, n)[before:]
    except (TypeError, ValueError, KeyError):
        return grown
    added = _more_points(lay, gid, [list(p) for p in own], n - before, counts)
    if sorted(added) == sorted([round(x, 3), round(y, 3)] for x, y in goes_on):
        return grown  # the new windows stand where the row goes on
    return {"points": [[round(x, 3), round(y, 3)] for x, y in own] + added}


def _row_spots(place: dict[str, Any], n: int) -> list[tuple[float, float]]:
    """Where the rows of ``place`` (file data) stand ``n`` windows (the count of each row,
    else ``n`` for a single row)."""
    from sim.scenario.layout import WindowPlacement

    model = WindowPlacement.model_validate(place)
    out: list[tuple[float, float]] = []
    for row in model.rows or ():
        out.extend(row.points(row.count if row.count is not None else n))
    return out


def _new_group_points(lay: dict[str, Any], gid: str, n: int, counts: dict[str, Any],
                      serves: dict[str, list[str]]) -> list[list[float]]:
    """``n`` positions for a group added in the editor: desks beside the placed group with
    most of its items (``serves``), else beside the last placed group."""
    mine = set(serves.get(gid, ()))
    placed = [g for g in counts if g != gid and g in lay["windows"]]
    if not placed:
        return []
    beside = max(reversed(placed), key=lambda g: len(mine & set(serves.get(g, ()))))
    try:
        from sim.scenario.layout import Layout

        spots = _spots_of(Layout.model_validate(lay), counts, only=beside)
    except (TypeError, ValueError):
        return []
    return _more_points(lay, beside, [list(p) for p in spots], n, counts) if spots else []


def _spots_of(model: Any, counts: dict[str, Any], only: str | None = None,
              but: str | None = None) -> list[tuple[float, float]]:
    """The window positions of the floor plan ``model`` (a :class:`Layout`), groups as
    many windows as ``counts`` says: of group ``only``, or of every group but ``but``."""
    out: list[tuple[float, float]] = []
    for gid, place in model.windows.items():
        if gid == but or (only is not None and gid != only):
            continue
        if place.points is not None:
            out.extend((float(x), float(y)) for x, y in place.points)
        for row in place.rows or ():
            n = row.count if row.count is not None else counts.get(gid)
            out.extend(row.points(n) if isinstance(n, int) else ())
    return out


def _more_points(lay: dict[str, Any], gid: str, points: list[list[float]], more: int,
                 counts: dict[str, Any]) -> list[list[float]]:
    """``more`` positions for group ``gid`` beside its ``points`` on the floor plan
    ``lay``; a step past the last (the step between its last two) while the plan is
    being edited into something that does not validate."""
    from pydantic import ValidationError

    from sim.scenario.layout import Layout
    from sim.scenario.regroup import DEFAULT_SPACING, desks_beside

    try:
        model = Layout.model_validate(lay)
        others = _spots_of(model, counts, but=gid)
        added = desks_beside(model, [(float(x), float(y)) for x, y in points], more, others)
        return [[round(x, 3), round(y, 3)] for x, y in added]
    except (ValidationError, TypeError, ValueError):
        out: list[list[float]] = []
        last = points[-1]
        step = [last[0] - points[-2][0], last[1] - points[-2][1]] if len(points) > 1 \
            else [DEFAULT_SPACING, 0.0]
        for k in range(1, more + 1):
            out.append([round(last[0] + k * step[0], 3), round(last[1] + k * step[1], 3)])
        return out


def _num(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def _int_or_float(x: float | None) -> Any:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def _general(ed: Editor) -> None:
    from sim.scenario.model import Hall, Targets

    t = ed.ctx.t
    with ui.row().classes("items-end gap-4"):
        def set_name(e: Any) -> None:
            ed.change(lambda d: d.__setitem__("name", e.value))

        ed.field("name", ui.input(t("Scenario name"), value=ed.data.get("name", ""),
                                  on_change=set_name).classes("w-72"))

        def set_target(e: Any) -> None:
            ed.change(lambda d: d.setdefault("targets", {}).__setitem__(
                "wait_minutes", _int_or_float(_num(e.value))))

        ed.field("targets.wait_minutes", number(
            t, "Target wait (min)", limit_of(Targets, "wait_minutes"),
            value=(ed.data.get("targets") or {}).get("wait_minutes", 20),
            on_change=set_target).classes("w-48"))

        def set_days(e: Any) -> None:
            ed.change(lambda d: d["hall"].__setitem__("days", _int_or_float(_num(e.value))))

        ed.field("hall.days", number(t, "Days per replication", limit_of(Hall, "days"),
                                     value=ed.data["hall"].get("days", 5),
                                     on_change=set_days).classes("w-48"))


def _groups(ed: Editor, body: Any) -> None:
    from sim.scenario.model import WindowGroup

    t = ed.ctx.t
    windows = limit_of(WindowGroup, "count")
    ui.label(t("Window groups")).classes("text-h6")
    for k, group in enumerate(ed.data["windows"]):
        gid = str(group["id"])
        with ui.row().classes("items-end gap-4"):
            def rename(e: Any, k: int = k) -> None:
                ed.rename_group(str(ed.data["windows"][k]["id"]), str(e.value))
                ed.change(lambda d: d["windows"][k].__setitem__("id", e.value))

            ed.field(f"windows.{gid}.id", ui.input(t("Window group"), value=gid,
                                                   on_change=rename).classes("w-48"))

            def relabel(e: Any, k: int = k) -> None:
                label = str(e.value or "").strip()  # empty: shown by its id

                def apply(d: dict[str, Any]) -> None:
                    if label:
                        d["windows"][k]["label"] = label
                    else:
                        d["windows"][k].pop("label", None)

                ed.change(apply)
                # the grids below name the group as typed (its id when emptied), in
                # place: each key is applied as typed (a debounced value came after a
                # click on 保存 and was never saved), and rebuilding the schedule grid at
                # each key would be slow
                shown = label or str(ed.data["windows"][k]["id"])
                for heads in (ed.auth_heads, ed.schedule_heads):
                    if k in heads:
                        heads[k].text = shown

            ed.field(f"windows.{gid}.label", ui.input(
                t("Display name"), value=str(group.get("label") or ""), on_change=relabel,
                placeholder=t("(its id)")).classes("w-56"))

            ed.bases[k] = (group.get("count"), copy.deepcopy(group.get("schedule")))

            def recount(e: Any, k: int = k, gid: str = gid) -> None:
                count = _int_or_float(_num(e.value))
                was, schedule = ed.bases[k]

                def apply(d: dict[str, Any]) -> None:
                    d["windows"][k]["count"] = count
                    if isinstance(schedule, dict):  # a count refused: as before the typing
                        d["windows"][k]["schedule"] = (
                            recounted(schedule, was, count) if windows.accepts(count)
                            else copy.deepcopy(schedule))

                ed.change(apply)
                if not windows.accepts(count):
                    if isinstance(schedule, dict) and ed.refresh_schedules is not None:
                        ed.refresh_schedules()  # 999 on the way to 99999999 is undone
                    return
                group = ed.data["windows"][k].get("label") or ed.data["windows"][k]["id"]
                if isinstance(schedule, dict):
                    said = t("Group {group}: the periods with all windows on duty now staff "
                             "{count}; the others keep their staff (at most {count})").format(
                        group=group, count=count)
                else:  # no schedule: every window on duty all day, the grid shows the count
                    said = t("Group {group}: all {count} windows on duty all day").format(
                        group=group, count=count)
                ed.tell("\n".join(x for x in (said, ed.floor_note(k)) if x),
                        near=f"group-note-{gid}")
                if ed.refresh_schedules is not None:
                    ed.refresh_schedules()

            ed.field(f"windows.{gid}.count", number(t, "Windows", windows,
                                                    value=group.get("count"), on_change=recount)
                     .classes("w-36"))

            def remove(k: int = k) -> None:
                ed.change(lambda d: d["windows"].pop(k))
                body.refresh()

            tid(ui.button(t("Remove"), on_click=remove).props("flat dense color=negative"),
                f"group-remove-{gid}")
        # what a new count did to the schedule and the floor plan, under the group's row:
        # with a dozen groups the page's top is out of view
        ed.note_beside(f"group-note-{gid}")

    def add() -> None:
        ids = {str(g["id"]) for g in ed.data["windows"]}
        k = len(ids) + 1
        while f"G{k}" in ids:
            k += 1
        first = next(iter(ed.data["categories"]))
        ed.change(lambda d: d["windows"].append({"id": f"G{k}", "count": 1, "serves": [first]}))
        body.refresh()
        said = t("Window group G{k} added with one window, serving {item} for now: tick its "
                 "items in the authorisation table").format(k=k, item=first)
        ed.tell("\n".join(x for x in (said, ed.floor_note(len(ed.data["windows"]) - 1)) if x),
                near="group-add-note")

    tid(ui.button(t("Add a window group"), on_click=add).props("flat"), "group-add")
    ed.note_beside("group-add-note")  # the note above is a screen or more away


def _authorisations(ed: Editor) -> None:
    """The item x window-group grid, drawn from the data as it is now (an item removed
    has no row, even while the hall is invalid: a group it leaves serving nothing)."""
    t = ed.ctx.t
    ui.label(t("Authorisations (item x window group)")).classes("text-h6")
    groups = ed.data["windows"]
    with ui.grid(columns=len(groups) + 1).classes("gap-x-6 gap-y-0 items-center"):
        ui.label(t("item"))
        ed.auth_heads = {}
        for k, g in enumerate(groups):
            ed.auth_heads[k] = tid(ui.label(str(g.get("label") or g["id"]))
                                   .classes("font-medium"), f"auth-head-{g['id']}")
        serving = [ed.serves_of(k) for k in range(len(groups))]
        for item in ed.data["categories"]:
            ui.label(item)
            for k, g in enumerate(groups):
                def tick(e: Any, item: str = item, k: int = k) -> None:
                    serves = [c for c in ed.serves_of(k) if c != item]
                    if e.value:
                        serves.append(item)
                    ed.change(lambda d: set_serves(d["windows"][k], serves))

                tid(ui.checkbox(value=item in serving[k], on_change=tick).props("dense"),
                    f"auth-{item}-{g['id']}")


def _time_grid(ed: Editor, title: str, times: list[str],
               rows: list[tuple[str, str, Any, Any]], limit: Limit, what: str) -> list[Any]:
    """A grid: one row per (label, field path, profile, setter(profile)); each cell
    accepts what ``limit`` allows, and names itself ``what`` (English) when it does not.
    Returns the rows' label elements."""
    ui.label(title).classes("text-h6")
    cells: list[tuple[str, str, Any]] = []
    heads: list[Any] = []
    with ui.element("div").classes("w-full overflow-x-auto"), \
            ui.grid(columns=f"auto repeat({len(times)}, max-content)").classes(
                "gap-1 items-center").style(
                "width: max-content"):
        ui.label("")
        for time in times:
            ui.label(time).classes("text-caption text-center")
        for label, path, profile, setter in rows:
            heads.append(ui.label(label).classes("whitespace-nowrap pr-2"))
            values = {time: _int_or_float(value_at(profile, time)) for time in times}
            for time in times:
                def edit(e: Any, time: str = time, values: dict = values,
                         setter: Any = setter) -> None:
                    values[time] = _int_or_float(_num(e.value))
                    setter({k: v for k, v in values.items()})

                cells.append((label, time, ed.field(
                    f"{path}.{time}", number(ed.ctx.t, "", limit, name=what,
                                             value=_int_or_float(values[time]), on_change=edit)
                    .props("dense outlined input-class=text-center")
                    .classes(f"{CELL_WIDTH} hallsim-cell"))))
    line = tid(ui.label("").classes("whitespace-pre-wrap text-negative text-caption"),
               "grid-error-" + rows[0][1].split(".")[0] if rows else "grid-error")
    line.set_visibility(False)
    ed.grids[title] = (line, cells)
    return heads


def _schedules(ed: Editor) -> None:
    groups = ed.data["windows"]
    times = grid_times(ed.data, [g.get("schedule") for g in groups])
    rows = []
    for k, g in enumerate(groups):
        profile = g.get("schedule") or g.get("count", 0)

        def setter(p: dict[str, Any], k: int = k) -> None:
            ed.change(lambda d: d["windows"][k].__setitem__("schedule", p))
            ed.bases[k] = (ed.data["windows"][k].get("count"), copy.deepcopy(p))

        rows.append((str(g.get("label") or g["id"]), f"windows.{g['id']}.schedule", profile,
                     setter))
    heads = _time_grid(ed, ed.ctx.t("Windows on duty by time of day"), times, rows, ON_DUTY,
                       "Windows on duty")
    ed.schedule_heads = dict(enumerate(heads))


def _demand(ed: Editor, body: Any) -> None:
    t = ed.ctx.t
    cats = ed.data["categories"]
    times = grid_times(ed.data, [c.get("arrivals_per_hour") for c in cats.values()])
    rows = []
    for item, c in cats.items():
        def setter(p: dict[str, Any], item: str = item) -> None:
            ed.change(lambda d: d["categories"][item].__setitem__("arrivals_per_hour", p))

        rows.append((item, f"categories.{item}.arrivals_per_hour", c["arrivals_per_hour"],
                     setter))
    _time_grid(ed, t("Demand: tickets per hour by time of day"), times, rows, RATE,
               "Tickets per hour")
    with ui.row().classes("items-end gap-2"):
        pct = tid(number(t, "Scale demand by (%)", DEMAND_CHANGE, value=0, step=5)
                  .classes("w-48"), "demand-scale")

        def apply() -> None:
            if not pct.validate():  # it says under it what it accepts
                return
            factor = 1 + float(pct.value or 0) / 100
            journeys = bool(ed.data.get("journeys"))
            ed.change(lambda d: scaled_demand(d, factor))
            body.refresh()
            said = ("Every item's and every journey's tickets per hour multiplied by "
                    "{factor:g}") if journeys else \
                "Every item's tickets per hour multiplied by {factor:g}"
            ed.tell(t(said).format(factor=round(factor, 4)), near="demand-scale-note")

        tid(ui.button(t("Apply"), on_click=apply).props("flat"), "demand-scale-apply")
    ed.note_beside("demand-scale-note")  # below the demand grid, far from the page's top
    with ui.row().classes("items-end gap-2"):
        new_item = tid(ui.input(t("New item (事项) name")).classes("w-64"), "item-add-name")
        new_item.on_value_change(lambda: setattr(new_item, "error", None))

        def add_item() -> None:
            try:
                group = with_item(ed.data, str(new_item.value or ""))
            except InputError as exc:
                # said under the name field, beside the button (the page's message line
                # is thousands of pixels above it), without a file's field path
                from sim.report.messages import problem_text

                t("")  # the page's language
                new_item.error = problem_text(exc.problem)
                return
            name = str(new_item.value).strip()
            group = next((g.get("label") or g["id"] for g in ed.data["windows"]
                          if str(g["id"]) == group), group)  # as the page names it
            body.refresh()
            ed.tell(t("Item {item} added: {rate} tickets an hour, {mean} min of service, "
                      "served by window group {group}; change them below and in the "
                      "authorisation table").format(item=name, rate=NEW_ITEM_RATE,
                                                    mean=NEW_ITEM_SERVICE["mean"], group=group),
                    near="item-add-note")

        tid(ui.button(t("Add an item"), icon="add", on_click=add_item).props("flat"),
            "item-add")
    ed.note_beside("item-add-note")


def still_used(data: dict[str, Any], item: str, source: str) -> str | None:
    """The field, if any, that would refuse the valid hall ``data`` once item ``item`` is
    removed (:func:`without_item`): one the page does not edit (another item's
    ``wrong_ticket.to``, the ``optimize:`` section, ...). A group left serving nothing
    is not one: the page ticks its items or removes it."""
    trial = copy.deepcopy(data)
    removal = without_item(trial, item)
    if removal.groups:
        for group in trial["windows"]:
            if group.get("serves") == []:
                group["serves"] = ["*"]  # to be ticked or removed on the page
    try:
        validate(trial, source)
    except InputError as exc:
        return exc.path
    return None


def used_by(t: Any, item: str, field: str) -> str:
    """Why ``item`` cannot be removed, in the page's language (``t``): where the field
    ``field`` (of :func:`still_used`) is, told as the planner finds it (the floor plan
    tab's waiting area, another item's wrong tickets, the optimiser's settings), with the
    field itself for the file."""
    parts = field.split(".")
    if parts[:2] == ["layout", "waiting_areas"] and len(parts) > 2:
        said = t("Item {item} not removed: the waiting area {area} seats its customers; take "
                 "it out of that area in the floor plan tab (平面布局) first").format(
            item=item, area=parts[2])
    elif parts[0] == "layout":
        said = t("Item {item} not removed: the floor plan uses it; change that in the floor "
                 "plan tab (平面布局) first").format(item=item)
    elif parts[0] == "categories" and parts[2:3] == ["wrong_ticket"]:
        said = t("Item {item} not removed: customers of {other} who take a wrong ticket queue "
                 "for it (their wrong_ticket.to, which this page does not edit)").format(
            item=item, other=parts[1])
    elif parts[0] == "optimize":
        said = t("Item {item} not removed: the optimiser's settings (optimize: in the file) "
                 "name it").format(item=item)
    else:
        return t("Item {item} not removed: field {field} still uses it").format(
            item=item, field=field)
    return said + "\n" + t("(field {field})").format(field=field)


def removal_note(t: Any, item: str, removal: Removal) -> str:
    """What removing ``item`` did, in the page's language (``t``): the journeys (一件事)
    that lost its step or went, the window groups it leaves serving nothing (what to do
    with them)."""
    lines = [t("Item {item} removed").format(item=item)]
    lines += [t("Journey {journey}: its step {item} taken out, its steps now {steps}").format(
        journey=j, item=item, steps=" → ".join(steps)) for j, steps in removal.shortened.items()]
    lines += [t("Journey {journey} removed: {item} was its only step").format(
        journey=j, item=item) for j in removal.journeys]
    lines += [t("Window group {group} ({count} window(s)) now serves no item: tick its items "
                "in the authorisation table, or remove the group (above)").format(
        group=g, count=n) for g, n in removal.groups]
    return "\n".join(lines)


def _services(ed: Editor, body: Any) -> None:
    t = ed.ctx.t
    ui.label(t("Service and patience (minutes)")).classes("text-h6")
    items = list(ed.data["categories"].items())
    for k, (item, c) in enumerate(items):
        if k == ed.removed_at:  # where the item removed stood: what went with it
            ed.note_beside("item-remove-note")
        with ui.row().classes("items-end gap-3"):
            ui.label(item).classes("w-40")

            def remove(item: str = item, k: int = k) -> None:
                if len(ed.data["categories"]) == 1:  # said where the bin was clicked
                    ui.notify(t("A hall needs at least one item."), type="negative")
                    return
                # a hall already refused for something else is not checked again here
                refused = still_used(ed.data, item, str(ed.path)) if ed.error is None else None
                ed.removed_at = k  # its note shows where it stood
                if refused:
                    ed.said.clear()
                    body.refresh()
                    ed.tell(used_by(t, item, refused), near="item-remove-note",
                            refused=True)
                    return
                removals: list[Removal] = []  # what it takes along, said below
                ed.change(lambda d: removals.append(without_item(d, item)))
                body.refresh()
                ed.tell(removal_note(t, item, removals[0]), near="item-remove-note")

            tid(ui.button(icon="delete", on_click=remove).props("flat dense color=negative")
                .tooltip(t("Remove")), f"item-remove-{item}")
            for part in ("service", "patience"):
                dist = c.get(part)
                if not isinstance(dist, dict):
                    continue
                family = str(dist.get("dist") or "")
                ui.label(t("{part}: {family}").format(part=t(part), family=family and t(family))
                         ).classes("text-caption")
                for key in PARAMETERS:
                    if key not in dist:
                        continue

                    def edit(e: Any, item: str = item, part: str = part, key: str = key) -> None:
                        ed.change(lambda d: d["categories"][item][part].__setitem__(
                            key, _int_or_float(_num(e.value))))

                    ed.field(f"categories.{item}.{part}.{key}",
                             number(t, key, DURATION_PARAMETERS[key], value=dist[key],
                                    on_change=edit).classes("w-28"))
    if ed.removed_at is None or ed.removed_at >= len(items):  # the last item removed
        ed.note_beside("item-remove-note")


def panel(ctx: Context) -> None:
    """Build the hall editor tab."""
    if scenario_or_hint(ctx) is None:
        return
    msg = Message("editor-error", ctx.lang)
    try:
        ed = Editor(ctx, ctx.scenario)
    except InputError as exc:
        msg.input_error(exc)
        return
    ed.message = msg
    ctx.extra["editor"] = ed
    ui.add_css(CELL_CSS)
    if not isinstance(ed.data, dict) or not {"hall", "categories", "windows"} <= set(ed.data):
        ed.check()
        return
    note = Message("editor-note", ctx.lang)
    ed.note = note

    @ui.refreshable
    def schedules() -> None:
        _schedules(ed)

    ed.refresh_schedules = schedules.refresh

    @ui.refreshable
    def body() -> None:
        ed.fields.clear()
        ed.grids.clear()
        ed.notes.clear()
        ed.check()
        _general(ed)
        _groups(ed, body)
        _authorisations(ed)
        schedules()
        _demand(ed, body)
        _services(ed, body)
        ed.check()  # again, now that the fields are there to be marked

    with ui.row().classes("items-end gap-4"):
        ed.save_button = tid(ui.button(ctx.t("Save")), "editor-save")
        save_as = tid(ui.input(ctx.t("or save as")).classes("w-64"), "editor-save-as-name")

        def save_as_asked() -> None:
            name = str(save_as.value or "").strip()
            if not name:
                msg.error(ctx.t("Give the new scenario's name, then save as."))
                return
            if name != ctx.scenario and name in ctx.workspace.scenarios():
                overwrite.open()
                return
            saved(msg.guard(lambda: ed.save(name)))

        tid(ui.button(ctx.t("Save as"), on_click=save_as_asked).props("flat"), "editor-save-as")

    with ui.dialog() as overwrite, ui.card():
        tid(ui.label("").bind_text_from(save_as, "value", backward=lambda v: ctx.t(
            "A scenario named {name} exists already: replace it?").format(
                name=str(v or "").strip())), "editor-overwrite-question")
        with ui.row():
            def replace() -> None:
                overwrite.close()
                saved(msg.guard(lambda: ed.save(str(save_as.value or "").strip())))

            tid(ui.button(ctx.t("Replace"), on_click=replace).props("color=negative"),
                "editor-overwrite-yes")
            tid(ui.button(ctx.t("Cancel"), on_click=overwrite.close).props("flat"),
                "editor-overwrite-no")

    def saved(name: str | None) -> None:
        if name is None:
            return
        if name != ctx.scenario:
            ctx.open_scenario(name)
        else:
            # the workspace file, not the path on the server
            note.info(ctx.t("Saved {path}").format(path=ed.path.name))

    conflict = conflict_dialog(
        ctx, "editor-conflict",
        ctx.t("This scenario was saved elsewhere (another browser tab or program) since it "
              "was opened here. Replace that with this page's hall, or reload it and lose "
              "this page's changes?"), lambda: saved(msg.guard(ed.save)))

    def save_asked() -> None:
        if ed.changed_elsewhere():
            conflict.open()
            return
        saved(msg.guard(ed.save))

    ed.save_button.on_click(save_asked)
    body()
