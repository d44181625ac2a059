"""The import tab: a queue system's ticket log in, a calibrated scenario out.

Upload an export (CSV in UTF-8, UTF-8 with BOM or GBK; XLSX) or pick the bundled
sample; the page previews the first rows with the column each field is read from
(the reader's defaults, :data:`sim.calibration.hall_export.DEFAULT_COLUMNS`), lets the
planner change that mapping and the status words of each outcome (as ``--mapping
MAP.yaml`` does), and runs ``hallsim calibrate`` in a worker
(:func:`sim.web.tasks.calibrate_log`). The report shows rows kept and skipped with
their reasons, the fitted items and the inferred window groups, and the calibration
report (fits, arrival profile, staffing) itself; the calibrated hall is saved as a
scenario of the workspace. Uploads over :data:`~sim.web.workspace.MAX_UPLOAD_BYTES`
are refused (by the browser, and again by the server).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nicegui import run, ui

from sim.files.errors import InputError
from sim.report.calibration_text import log_summary
from sim.report.i18n import set_language, tr_in
from sim.report.tables import measures_note
from sim.web import charts
from sim.web.bundled import sample_logs
from sim.web.common import Context, JobView, Message, table, tid
from sim.web.fields import limit_of, number, valid
from sim.web.jobs import DONE
from sim.web.tasks import mapping_problem, preview_log
from sim.web.workspace import MAX_UPLOAD_BYTES, safe_name, stem_of

#: fields of a hall export, in the reader's order, with their English labels
FIELDS = {
    "ticket": "ticket number", "item": "item", "department": "department",
    "window": "window", "clerk": "clerk", "ticket_time": "ticket time",
    "call_time": "call time", "wait": "wait", "service": "service duration",
    "end_time": "end time", "status": "status",
}

#: outcomes a status word can mean, with the English labels of their word lists
OUTCOMES = {"served": "served words", "no_show": "no-show words",
            "cancelled": "cancelled words"}


def parse_words(text: str) -> list[str]:
    """Status words typed in one box: separated by commas (, ， 、 ;) or spaces."""
    return [w for w in re.split(r"[,，、;；\s]+", text or "") if w]


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def fit_text(ctx: Context, fit: dict[str, Any] | None) -> str:
    """A fitted distribution in short, in the page's language ("-" when none)."""
    if not fit:
        return "-"
    return ctx.t("{family}, mean {mean} min, cv {cv}").format(
        family=ctx.t(fit["family"]), mean=f"{fit['mean']:.2f}", cv=f"{fit['cv']:.2f}")


def summary_text(ctx: Context, lines: list[str]) -> str:
    """The reader's summary (``TicketLog.summary_lines``: rows kept, rows skipped per
    reason) in the page's language; a line of another form is shown as it is."""
    return "\n".join(log_summary(lines, ctx.t))


#: an uploader without Quasar's byte and percent counter ("0.0B / 0.00%"): the page says
#: what became of the file (its preview, or the error)
UPLOAD_CSS = ".hs-upload .q-uploader__subtitle {display: none}"


#: why a workbook cannot be read, as a planner can act on it (the reader's own reason,
#: "File is not a zip file", says nothing to her)
NOT_XLSX = ("not a readable XLSX workbook: open it in Excel or WPS and save it as .xlsx, "
            "or export the log as CSV")
_UNREADABLE = re.compile(r"cannot read the table \((?P<reason>.*)\)", re.DOTALL)


def readable_reason(exc: InputError, t: Callable[[str], str]) -> InputError:
    """``exc`` as the page says it: an XLSX file the reader cannot open (a picture or
    another file renamed, a broken download) gets :data:`NOT_XLSX` through ``t`` as its
    reason; any other problem is kept."""
    m = _UNREADABLE.fullmatch(exc.problem)
    if m is None or Path(exc.source).suffix.lower() not in (".xlsx", ".xlsm"):
        return exc
    return InputError(exc.source, exc.path, f"cannot read the table ({t(NOT_XLSX)})")


def check_upload(name: str, size: int) -> str:
    """The workspace name of an uploaded log, or InputError (bad name, too large)."""
    clean = safe_name(name, "upload")
    if size > MAX_UPLOAD_BYTES:
        raise InputError(clean, "", f"{size / 1e6:.1f} MB is over the upload limit of "
                                    f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if size == 0:
        raise InputError(clean, "", "the file is empty")
    return clean


def panel(ctx: Context) -> None:
    """Build the import tab."""
    from sim.calibration.hall_export import DEFAULT_STATUS  # the reader (pandas) on demand

    msg = Message("import-error")
    state: dict[str, Any] = {"log": None, "mapping": {},
                             "status": {o: list(w) for o, w in DEFAULT_STATUS.items()}}

    def forget() -> None:
        """A file that cannot be read: the log shown before, its mapping and its 校准
        go, so that nothing calibrates the earlier log under the new file's name."""
        state["log"], state["mapping"] = None, {}
        preview_box.clear()

    with ui.row().classes("items-start gap-8 w-full"):
        with ui.column():
            ui.label(ctx.t("Upload a ticket log (CSV, TXT or XLSX, at most {mb} MB)").format(
                mb=MAX_UPLOAD_BYTES // (1024 * 1024))).classes("text-h6")

            async def uploaded(e: Any) -> None:
                try:
                    name = check_upload(e.file.name, e.file.size())
                    target = ctx.workspace.path("logs", name)
                    await e.file.save(target)
                except InputError as exc:
                    forget()
                    msg.input_error(exc)
                    return
                await choose(target)

            def rejected() -> None:
                forget()
                msg.error(ctx.t("hallsim: error: the file is over the upload limit of {mb} MB")
                          .format(mb=MAX_UPLOAD_BYTES // (1024 * 1024)))

            ui.add_css(UPLOAD_CSS)
            tid(ui.upload(label=ctx.t("Choose the file with +, or drop it here"),
                          on_upload=uploaded, auto_upload=True, max_file_size=MAX_UPLOAD_BYTES,
                          on_rejected=rejected)
                .props('accept=".csv,.xlsx,.txt,.tsv"').classes("w-96 hs-upload"),
                "import-upload")
        with ui.column():
            ui.label(ctx.t("Or take the bundled sample")).classes("text-h6")
            samples = sample_logs()
            sample = tid(ui.select(list(samples), value=next(iter(samples), None),
                                   label=ctx.t("Sample log")).classes("w-96"),
                         "import-sample")

            async def take_sample() -> None:
                if not sample.value:
                    return
                target = ctx.workspace.path("logs", sample.value)
                shutil.copyfile(samples[sample.value], target)
                await choose(target)

            tid(ui.button(ctx.t("Use this sample"), on_click=take_sample), "import-sample-use")
    preview_box = ui.column().classes("w-full")

    # a reload shows the newest calibration of this server again (its log, its result and
    # its backtest), or follows it while it runs
    latest = next((j for j in ctx.jobs.jobs() if j.kind == "calibrate"
                   and (j.active or j.state == DONE)), None)
    if latest is not None and Path(latest.kwargs["paths"][0]).is_file():
        ui.timer(0.05, lambda: choose(Path(latest.kwargs["paths"][0]), latest), once=True)

    async def choose(path: Path, resume: Any = None) -> None:
        msg.clear()
        # a calibration shown again after a reload: the columns and words it was made with
        # (the reader's guesses and the default words left it uncalibratable as shown)
        made_with = {} if resume is None else {
            "columns": {f: c for f, c in (resume.kwargs.get("columns") or {}).items() if c}}
        try:
            preview: dict[str, Any] = await run.io_bound(preview_log, str(path),
                                                          made_with or None)
        except InputError as exc:
            forget()
            msg.input_error(readable_reason(exc, ctx.t))
            return
        state["log"], state["mapping"] = path, dict(preview["mapping"])
        if resume is not None and resume.kwargs.get("status"):
            state["status"] = {o: list(w) for o, w in resume.kwargs["status"].items()}
        preview_box.clear()
        with preview_box:
            show_preview(ctx, preview, path, state, msg, resume)
        if preview.get("problem"):  # said before calibration: the mapping can fix it
            msg.input_error(str(preview["problem"]))


def show_preview(ctx: Context, preview: dict[str, Any], path: Path,
                 state: dict[str, Any], msg: Message, resume: Any = None) -> None:
    """The log's first rows, its mapping, and the calibration that follows; a remapping
    checks the mapping again (``msg`` says what is still missing, or clears). ``resume``:
    a calibration job of this log to follow, or whose result to show again (a reload)."""
    ui.label(ctx.t("Log {name}: first rows").format(name=path.name)).classes("text-h6")
    table(preview["columns"], preview["rows"], "import-preview")
    if preview["format"] == "hall":
        def recheck() -> None:
            problem = mapping_problem(path, preview["columns"], state["mapping"])
            if problem:
                msg.input_error(problem)
            else:
                msg.clear()

        mapping_inputs(ctx, preview["columns"], state, recheck)
    else:
        ui.label(ctx.t("Format: {kind} (read as it is, no mapping needed)").format(
            kind=preview["format"]))
    with ui.row().classes("items-end gap-4"):
        # a name not yet taken: calibrating a log again never replaces an edited scenario
        default = ctx.workspace.free_name(
            "scenarios", ctx.t("calibrated-{name}").format(name=path.stem), ".yaml")
        name = tid(ui.input(ctx.t("Scenario name"), value=default).classes("w-72"),
                   "import-name")
        from sim.scenario.model import Targets

        target = tid(number(ctx.t, "Target wait (min)", limit_of(Targets, "wait_minutes"),
                            value=20).classes("w-48"), "import-target")
        go = tid(ui.button(ctx.t("Calibrate")), "import-calibrate")
    view = JobView(ctx, "calibrate", lambda job: show_report(job.result))
    report_box = ui.column().classes("w-full")

    def refused_name() -> InputError | None:
        """What is wrong with the name typed (the field named as the form names it), or
        None."""
        try:
            stem = stem_of(name.value or "")
            if ctx.workspace.scenario_path(stem).exists():
                raise InputError(stem, "", "a scenario of that name is in the workspace: "
                                           "choose another name")
        except InputError as exc:
            return InputError(exc.source, ctx.t("Scenario name"), exc.problem)
        return None

    def renamed() -> None:  # a refusal of the name goes once the name is right
        if state.get("name refused") and refused_name() is None:
            state["name refused"] = False
            view.message.clear()

    name.on_value_change(renamed)

    def start() -> None:
        view.message.clear()  # said again below if it still holds
        state["name refused"] = False
        refused = refused_name()
        if refused is not None:
            state["name refused"] = True
            view.message.input_error(refused)
        if not valid((target,)) or refused is not None:  # the target says under it
            return
        stem = stem_of(name.value or "")
        out = ctx.workspace.scenario_path(stem)
        job = ctx.jobs.submit("calibrate", path.name, "calibrate",
                              paths=[str(path)], columns=state["mapping"], name=stem,
                              out=str(out), report_dir=str(ctx.workspace.path(
                                  "reports", f"calibration-{stem}")),
                              target=float(target.value), lang=ctx.lang,
                              status=state["status"])
        state["scenario"] = stem
        view.follow(job)

    view.starts(go, start)

    def show_report(res: dict[str, Any]) -> None:
        report_box.clear()
        with report_box:
            show_calibration(ctx, res, state["scenario"])

    if resume is not None:
        state["scenario"] = resume.kwargs.get("name")
        view.follow(resume)


def mapping_inputs(ctx: Context, columns: list[str], state: dict[str, Any],
                   remapped: Callable[[], None] = lambda: None) -> None:
    """The column mapping the reader guessed and the status words, each editable; the
    planner's choices go to ``state["mapping"]`` and ``state["status"]``, and
    ``remapped`` is called after each change of a column."""
    ui.label(ctx.t("Columns read (change where the reader guessed wrong)")).classes(
        "text-subtitle1")
    options = {"": "-"} | {c: c for c in columns}
    with ui.row().classes("gap-2"):
        for field, label in FIELDS.items():
            def remap(e: Any, field: str = field) -> None:
                state["mapping"][field] = e.value or ""
                remapped()

            tid(ui.select(options, value=state["mapping"].get(field, ""),
                          label=ctx.t(label), on_change=remap).classes("w-36"),
                f"import-map-{field}")
    ui.label(ctx.t("Status words (separated by commas)")).classes("text-subtitle1")
    with ui.row().classes("gap-2"):
        for outcome, label in OUTCOMES.items():
            def reword(e: Any, outcome: str = outcome) -> None:
                state["status"][outcome] = parse_words(e.value)

            tid(ui.input(ctx.t(label), value="，".join(state["status"][outcome]),
                         on_change=reword).classes("w-64"), f"import-status-{outcome}")


def show_calibration(ctx: Context, res: dict[str, Any], scenario: str) -> None:
    """What calibration found (items, window groups, its report) and the backtest on
    the same log."""
    tid(ui.label(summary_text(ctx, res["summary"])).classes("whitespace-pre-wrap"),
        "calibrate-summary")
    table([ctx.t("item"), ctx.t("department"), ctx.t("tickets"), ctx.t("service"),
           ctx.t("patience")],
          [[i["item"], i["department"], f"{i['tickets']:,}", fit_text(ctx, i["service"]),
            fit_text(ctx, i["patience"])] for i in res["items"]],
          "calibrate-items", ctx.t("Items"))
    ui.label(ctx.t("The basis of every fit (sample size, family chosen, goodness of fit) "
                   "is in the calibration report below and as a comment in the "
                   "scenario file.")).classes("text-caption")
    set_language(ctx.lang)  # the list's separator in the page's language (、 in Chinese)
    comma = tr_in("list", ", ")
    table([ctx.t("window group"), ctx.t("serves"), ctx.t("windows"), ctx.t("tickets")],
          [[g["group"], comma.join(g["serves"]), str(g["windows"]), f"{g['tickets']:,}"]
           for g in res["groups"]], "calibrate-groups", ctx.t("Window groups inferred"))
    with ui.row().classes("items-center gap-4"):
        tid(ui.button(ctx.t("Open the calibrated scenario"),
                      on_click=lambda: ctx.open_scenario(scenario)), "calibrate-open")
        report = Path(res["report"]).parent.name
        tid(ui.link(ctx.t("Calibration report"), f"/files/reports/{report}/index.html",
                    new_tab=True), "calibrate-report-link")
    bt_button = tid(ui.button(ctx.t("Backtest on this log")).props("outline"),
                    "backtest-start")
    bt_view = JobView(ctx, "backtest", lambda job: show_backtest(job.result))
    bt_view.starts(bt_button, lambda: backtest())
    bt_box = ui.column().classes("w-full")
    scenario_file = str(ctx.workspace.scenario_path(scenario))

    def backtest() -> None:
        out = ctx.workspace.path("results", ctx.workspace.free_name(
            "results", f"backtest-{scenario}", ".json"), ".json")
        job = ctx.jobs.submit("backtest", scenario, "backtest",
                              scenario_path=scenario_file,
                              paths=res["logs"], columns=res["columns"], out=str(out),
                              status=res["status"])
        bt_view.follow(job)

    def show_backtest(doc: dict[str, Any]) -> None:
        ctx.t("")
        bt_box.clear()
        e = doc["errors"]
        with bt_box:
            tid(ui.label(ctx.t("In-sample backtest over {days} days: hourly mean-wait MAPE "
                               "{mape} %, abandonment MAE {mae} points").format(
                days=doc["days"], mape=_num(e.get("wait_mape")),
                mae=_num(e.get("abandon_mae_points")))), "backtest-summary")
            tid(ui.label(measures_note(doc)).classes("text-caption"), "backtest-measures")
            with ui.row().classes("w-full no-wrap gap-4"):
                for key in ("wait_mean", "p_wait_over_target"):
                    tid(ui.echart(charts.backtest_chart(doc, key)).classes("w-1/2 h-72"),
                        f"backtest-chart-{key}")

    # shown again after a reload, as the calibration above it
    bt_view.resume("backtest", match=lambda job: job.kwargs.get("scenario_path") == scenario_file)
    ui.element("iframe").props(f'src="/files/reports/{report}/index.html"').classes(
        "w-full").style("height: 600px; border: 1px solid #ddd")
