"""The forecast tab: next period's hall from the open one, as ``hallsim forecast`` makes it.

The page starts from the open scenario's own plan
(:func:`sim.calibration.forecast.current_plan`: per open hour the tickets of an average
day, the mean service as a log shows it, the windows on duty), which the planner edits
hour by hour, scales by a percentage, or replaces by a plan file (CSV or XLSX, any
plan ``hallsim forecast --plan`` reads: by weekday and by item too, used as uploaded).
"Forecast" writes the plan into the workspace (``plans/NAME.csv``, the page's
language's headers) and the forecast scenario beside the others
(:func:`sim.calibration.forecast.forecast`); what was replaced and what carried is
listed, and the new hall can be compared with the open one on the same seeds (the
compare tab's job and view).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nicegui import run, ui

from sim.files.errors import InputError
from sim.web.common import Context, Message, run_inputs, scenario_or_hint, tid
from sim.web.compare import comparison_view, start_comparison
from sim.web.fields import DEMAND_CHANGE, Limit, number, valid
from sim.web.hours import hour_span
from sim.web.importlog import UPLOAD_CSS, check_upload
from sim.web.workspace import MAX_UPLOAD_BYTES, stem_of

#: the plan's editable columns: field -> (English label, step of the number input); the
#: staff column is one of STAFF
FIELDS = {"tickets": ("Tickets", 1.0), "mean_service": ("Mean service (min)", 0.1)}
#: how staff can be given: windows on duty, or clerks seen serving (converted by the
#: relation a calibration records: :mod:`sim.calibration.staffing_relation`)
STAFF = {"windows": ("Windows on duty", 0.5), "clerks_seen": ("Clerks seen serving", 0.5)}


def cell_limit(field: str, given: bool) -> Limit:
    """What a plan's cell accepts: a number from 0 to the plan reader's limit for its
    field (:data:`sim.calibration.plan.PLAN_LIMITS`); empty too (carried from the hall)
    where the plan had it empty. A cell the plan gave keeps a number (Chromium drops
    letters typed in a number field, so 「abc」 would reach the plan file as empty)."""
    from sim.calibration.plan import PLAN_LIMITS

    return Limit(0, PLAN_LIMITS[field], optional=not given)



def load_plan(path: Path, scenario: Path | None = None) -> dict[str, Any]:
    """A plan file as the page holds it: ``rows`` (hour -> field -> value) when it is
    one row per hour with the editable fields, else ``file`` (used as uploaded, for
    plans by weekday or item or by window group). Bad cells: InputError (row, column),
    also, given the ``scenario`` it is for, cells the scenario refuses (an hour the hall
    is closed, an item it does not have), naming the uploaded file."""
    from sim.calibration.forecast import check_plan
    from sim.calibration.plan import read_plan

    plan = read_plan(path)
    if scenario is not None:
        check_plan(scenario, plan)
    simple = "weekday" not in plan.columns and "item" not in plan.columns and not plan.groups
    if not simple:
        return {"file": path, "rows": None, "staff": None}
    staff = "clerks_seen" if plan.has("clerks_seen") else "windows"
    rows = {int(r.hour): {f: (None if r[f] != r[f] else float(r[f]))  # NaN: not given
                          for f in (*FIELDS, staff) if f in plan.rows}
            for _, r in plan.rows.iterrows()}
    return {"file": None, "rows": rows, "staff": staff}


def write_plan(rows: dict[int, dict[str, float | None]], path: Path, lang: str,
               staff: str = "windows") -> None:
    """The edited plan as a CSV ``hallsim forecast --plan`` reads (headers in ``lang``,
    UTF-8 with BOM for Excel), staff in the ``staff`` column (:data:`STAFF`); cells left
    empty are carried from the hall."""
    import pandas as pd

    from sim.calibration.plan import headed
    from sim.files.atomic import atomic_path

    frame = pd.DataFrame([{"hour": h, **{f: v.get(f) for f in (*FIELDS, staff)}}
                          for h, v in sorted(rows.items())])
    with atomic_path(path) as tmp:
        headed(frame, lang).to_csv(tmp, index=False, encoding="utf-8-sig")


def make_forecast(scenario: Path, plan_file: Path, name: str) -> dict[str, Any]:
    """``hallsim forecast SCENARIO --plan PLAN`` (the text, and what it replaced)."""
    from sim.calibration.forecast import forecast
    from sim.calibration.plan import read_plan

    out = forecast(scenario, read_plan(plan_file), name)
    return {"text": out.text, "keys": out.keys, "hours": out.hours, "replaced": out.replaced,
            "opening": out.opening}


class PlanEditor:
    """The plan being edited (rows by hour, or an uploaded file used as it is), the
    staff column in use, and the grid that shows it."""

    def __init__(self, ctx: Context, name: str, start: Any, relation: Any,
                 opening: Sequence[str] = ()) -> None:
        self.ctx, self.name, self.relation, self.opening = ctx, name, relation, opening
        self.source = ctx.workspace.scenario_path(name)
        self.rows: dict[int, dict[str, float | None]] = {
            int(r.hour): {f: float(getattr(r, f)) for f in (*FIELDS, "windows")}
            for r in start.itertuples()}
        self.file: Path | None = None
        self.staff = "windows"
        # the plan as its forecast was last made (or as the page opened): edits since
        # then are unsaved, a reload would drop them (the header's mark, the browser asks)
        self.made: tuple[Any, Path | None] = (copy.deepcopy(self.rows), None)
        self.opened = self.tickets()  # this period's tickets a day, to say the change
        self.change_label: Any = None
        self.msg = Message("forecast-error")
        self.grid_box: Any = None
        self.cells: list[Any] = []  # the grid's number fields, checked before the forecast
        self.staff_choice: Any = None

    def tickets(self) -> float:
        """The plan's tickets a day (the hours' sum)."""
        return sum(float(r.get("tickets") or 0.0) for r in self.rows.values())

    def say_change(self) -> None:
        """Say beside "Apply" how the plan's tickets a day differ from this period's: each
        apply changes the plan as it stands (+10 % twice is +21 %), and the field goes back
        to 0, so the change made so far is said here."""
        if self.change_label is None:
            return
        now = self.tickets()
        change = (now / self.opened - 1.0) * 100.0 if self.opened > 0 else 0.0
        self.change_label.text = "" if self.file is not None or abs(change) < 0.05 else \
            self.ctx.t("tickets a day {now:,.0f}, {change:+.1f} % on this period").format(
                now=now, change=change)

    def unsaved(self) -> bool:
        """Whether the plan was edited (or a file uploaded) since its forecast was made."""
        return (self.rows, self.file) != self.made

    def rescale(self, percent: float) -> None:
        """Every hour's tickets changed by ``percent``."""
        factor = 1.0 + percent / 100.0
        for row in self.rows.values():
            if row.get("tickets") is not None:
                row["tickets"] = round(float(row["tickets"]) * factor, 2)
        self.draw()
        self.say_change()
        self.ctx.show_unsaved()

    def restaff(self, staff: str) -> None:
        """Staff as windows or as clerks seen: the other column filled by the relation."""
        if staff == self.staff:
            return
        for row in self.rows.values():
            if row.get(staff) is None and row.get(self.staff) is not None:
                x = float(row[self.staff])  # type: ignore[arg-type]
                f = self.relation.factor if self.relation else 1.0
                row[staff] = round(x / f if staff == "clerks_seen" else x * f, 2)
        self.staff = staff
        self.draw()

    async def uploaded(self, e: Any) -> None:
        """A plan file uploaded: its rows in the grid, or the file used as it is."""
        target = None
        try:
            stored = Path(check_upload(e.file.name, e.file.size()))
            if stored.suffix.lower() not in (".csv", ".xlsx"):
                raise InputError(stored.name, "", "a plan file's name must end in .csv or .xlsx")
            # a name of its own: plans/ also holds the optimiser's plans and earlier
            # uploads, which an upload of the same name wrote over (even when refused)
            ws = self.ctx.workspace
            target = ws.path("plans", ws.free_name("plans", stored.stem, stored.suffix),
                             stored.suffix)
            await e.file.save(target)
            loaded = await run.io_bound(load_plan, target, self.source)
        except InputError as exc:
            if target is not None:  # a refused plan is not kept
                target.unlink(missing_ok=True)
            self.msg.input_error(exc)
            return
        self.msg.clear()
        self.file = loaded["file"]
        if loaded["rows"] is not None:
            self.rows, self.staff = loaded["rows"], loaded["staff"]
            self.staff_choice.value = loaded["staff"]
        self.draw()
        self.say_change()
        self.ctx.show_unsaved()

    def draw(self) -> None:
        """The grid of the plan's cells (or the uploaded file's name)."""
        ctx = self.ctx
        self.grid_box.clear()
        self.cells = []
        with self.grid_box:
            if self.file is not None:
                tid(ui.label(ctx.t("The plan {file} has rows by weekday, item or window group: "
                                   "it is used as uploaded.").format(
                    file=Path(self.file).name)), "forecast-file")
                return
            columns = {**FIELDS, self.staff: STAFF[self.staff]}
            with ui.grid(columns=len(columns) + 1).classes("gap-x-4 gap-y-1 items-center"):
                ui.label(ctx.t("Hour")).classes("text-bold")
                for label, _ in columns.values():
                    ui.label(ctx.t(label)).classes("text-bold")
                for hour, row in sorted(self.rows.items()):
                    ui.label(hour_span(hour, self.opening))
                    for field, (_, step) in columns.items():
                        def changed(e: Any, hour: int = hour, field: str = field) -> None:
                            self.rows[hour][field] = (None if e.value in (None, "")
                                                      else float(e.value))
                            self.say_change()
                            self.ctx.show_unsaved()

                        limit = cell_limit(field, row.get(field) is not None)
                        cell = number(ctx.t, "", limit, value=row.get(field),
                                      name=columns[field][0], step=step, on_change=changed)
                        self.cells.append(tid(cell.props("dense").classes("w-32"),
                                              f"forecast-{field}-{hour}"))

    async def make(self, name_typed: str, result_box: Any) -> None:
        """Write the plan and the forecast scenario; show what it replaced."""
        self.msg.clear()
        if not valid(self.cells):  # each says under it what it accepts
            self.msg.error(self.ctx.t("Correct the marked cells of the plan first."))
            return
        plan_file: Path | None = None
        try:
            stem = stem_of(name_typed or "")
            if self.ctx.workspace.scenario_path(stem).exists():
                raise InputError(stem, "name", "a scenario of that name is in the workspace: "
                                               "choose another name")
            plan_file = self.file or self.ctx.workspace.path("plans", stem, ".csv")
            if self.file is None:
                write_plan(self.rows, plan_file, self.ctx.lang, self.staff)
            made = await run.io_bound(make_forecast, self.source, plan_file, stem)
        except InputError as exc:
            if self.file is None and plan_file is not None and exc.source == str(plan_file):
                # the grid's cells, not a file the planner has
                exc = InputError(self.ctx.t("the plan above"), exc.path, exc.problem)
            self.msg.input_error(exc)
            return
        self.ctx.workspace.write_scenario(stem, made["text"])
        self.made = (copy.deepcopy(self.rows), self.file)
        self.ctx.show_unsaved()
        result_box.clear()
        with result_box:
            show_forecast(self.ctx, made, self.name, stem)


def _plan_inputs(ed: PlanEditor) -> None:
    """Change every hour's tickets by a percentage; upload a plan; staff as windows or
    clerks seen (a calibrated hall)."""
    ctx = ed.ctx
    with ui.row().classes("items-end gap-4"):
        scale = tid(number(ctx.t, "Change every hour's tickets by (%)", DEMAND_CHANGE, value=0,
                           step=5).classes("w-64"), "forecast-scale")

        def rescale() -> None:
            if not valid((scale,)):  # it says under it what it accepts
                return
            ed.rescale(float(scale.value or 0))
            scale.value = 0

        tid(ui.button(ctx.t("Apply"), on_click=rescale).props("outline"),
            "forecast-scale-apply")
        ed.change_label = tid(ui.label("").classes("text-caption"), "forecast-change")
        ui.add_css(UPLOAD_CSS)
        tid(ui.upload(label=ctx.t("Upload a plan (CSV or XLSX)"), on_upload=ed.uploaded,
                      auto_upload=True, max_file_size=MAX_UPLOAD_BYTES,
                      on_rejected=lambda: ed.msg.error(ctx.t(
                          "hallsim: error: the file is over the upload limit of {mb} MB")
                          .format(mb=MAX_UPLOAD_BYTES // (1024 * 1024))))
            .props('accept=".csv,.xlsx"').classes("w-72 hs-upload"), "forecast-upload")
    ed.staff_choice = tid(ui.toggle({k: ctx.t(v[0]) for k, v in STAFF.items()},
                                    value="windows", on_change=lambda e: ed.restaff(e.value)),
                          "forecast-staff")
    if ed.relation is None:  # clerks seen need the relation a calibration records
        ed.staff_choice.set_visibility(False)
    else:
        ui.label(ctx.t("Clerks seen serving become windows on duty by the calibration's "
                       "relation: windows = {factor} x clerks seen.").format(
            factor=f"{ed.relation.factor:.3f}")).classes("text-caption")


def panel(ctx: Context) -> None:
    """Build the forecast tab."""
    name = scenario_or_hint(ctx)
    if name is None:
        return
    from sim.calibration.forecast import current_plan
    from sim.calibration.staffing_relation import parse
    from sim.scenario.loading import load_scenario

    source = ctx.workspace.scenario_path(name)
    try:
        start = current_plan(source)
        opening = load_scenario(source).hall.open
    except InputError as exc:
        Message("forecast-error", ctx.lang).input_error(exc)
        return
    ed = PlanEditor(ctx, name, start, parse(source.read_text(encoding="utf-8")), opening)
    ctx.extra["forecast-editor"] = ed
    ui.label(ctx.t("Next period's plan for {name}").format(name=name)).classes("text-h6")
    ui.label(ctx.t("It starts as the open hall's own plan: change what next period changes, "
                   "hour by hour, or upload a plan file (CSV or XLSX, as hallsim forecast "
                   "--plan reads). Tickets are those of an average day; mean service as a "
                   "log shows it.")).classes("text-caption")
    _plan_inputs(ed)
    ed.grid_box = ui.column().classes("w-full")
    ed.draw()
    with ui.row().classes("items-end gap-4"):
        out_name = tid(ui.input(ctx.t("Forecast scenario name"),
                                value=ctx.t("{name}-next period").format(name=name))
                       .classes("w-72"), "forecast-name")
        go = tid(ui.button(ctx.t("Make the forecast scenario")), "forecast-start")
    result_box = ui.column().classes("w-full")

    async def make() -> None:
        if not go.enabled:  # a second click of a double click: one scenario is made
            return
        go.disable()
        try:
            await ed.make(out_name.value, result_box)
        finally:
            go.enable()

    go.on_click(make)


def show_forecast(ctx: Context, made: dict[str, Any], current: str, new: str) -> None:
    """What the forecast replaced and carried, and its comparison with the open hall."""
    from sim.report.forecast_text import forecast_summary

    lines = [ctx.t("Scenario {name} written to the workspace.").format(name=new)]
    lines += forecast_summary(made["keys"], made["hours"], current, ctx.t,
                              made.get("opening", ()))
    tid(ui.label("\n".join(lines)).classes("whitespace-pre-wrap"), "forecast-done")
    with ui.row().classes("items-end gap-4"):
        tid(ui.button(ctx.t("Open in the hall editor"),
                      on_click=lambda: ctx.open_scenario(new)).props("outline"),
            "forecast-open")
        reps, days, seed = run_inputs(ctx, "forecast-compare", least=2)
        go = tid(ui.button(ctx.t("Compare with {name}").format(name=current))
                 .props("no-caps"), "forecast-compare")
    view = comparison_view(ctx, "forecast-compare-job")
    view.starts(go, lambda: start_comparison(ctx, view, [current, new], (reps, days, seed)))
