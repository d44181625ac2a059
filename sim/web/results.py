"""The run tab: precision, run in a worker, progress, and the results as charts with
the table beside each.

A run is ``hallsim run`` in a worker process (:func:`sim.web.tasks.run_scenario`):
its results document is saved in the workspace (``results/``) and shown here.
Tables are the command line's own (:func:`sim.report.tables.summary_blocks`), so the
page shows the figures ``hallsim run --seed S -r R`` prints, as printed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nicegui import ui

from sim.files.errors import InputError
from sim.report.capacity_text import capacity_lines
from sim.report.i18n import tr
from sim.report.messages import warning_text
from sim.report.tables import measures_note, summary_blocks, summary_head
from sim.web import charts
from sim.web.common import Context, JobView, run_inputs, scenario_or_hint, table, tid
from sim.web.export import result_label
from sim.web.fields import read, valid
from sim.web.hours import closed_hours_note, hour_rows

#: precision choices: English label -> (replications, days; None = the scenario's)
PRECISION = {
    "quick": (3, 1),
    "standard": (10, None),
    "precise": (30, None),
}


def show_document(ctx: Context, doc: dict[str, Any],
                  warnings: Sequence[tuple[str, dict[str, str]]] = (),
                  capacity: dict[str, Any] | None = None) -> None:
    """The results of one run: charts with their tables, in the tab's language; the
    command line's ``warnings`` (template, values) through the catalogue, and what
    explains its capacity warnings (``capacity``: :func:`sim.web.tasks.capacity_data`)."""
    ctx.t("")  # sets the tab's language for the labels below
    for template, values in warnings:
        if ctx.lang == "zh" and "categories" in values:  # 事项 a、b、c, not "a, b, c"
            values = values | {"categories": values["categories"].replace(", ", "、")}
        tid(ui.label(warning_text(tr(template).format(**values)))
            .classes("text-warning"), "run-warning")
    explain_capacity(capacity)
    blocks = summary_blocks(doc)
    tid(ui.label(summary_head(doc)).classes("text-body2"), "results-head")
    tid(ui.label(measures_note(doc)).classes("text-caption"), "results-measures")
    docs = {doc["scenario"]: doc}
    with ui.row().classes("w-full no-wrap items-start gap-4"):
        with ui.column().classes("w-1/3"):
            title, heads, cells = blocks[0]
            table(heads, cells, "table-overall", title)
        with ui.column().classes("w-2/3"):
            for key in ("wait_mean", "wait_p90", "p_wait_over_target"):
                tid(ui.echart(charts.by_hour_chart(docs, key)).classes("w-full h-64"),
                    f"chart-hour-{key}")
    heads, cells = hour_rows(doc)
    table(heads, cells, "table-hours", tr("By hour"))
    if closed_hours_note(doc):
        tid(ui.label(closed_hours_note(doc)).classes("text-caption"), "results-closed-hours")
    with ui.row().classes("w-full no-wrap items-start gap-4"):
        with ui.column().classes("w-1/2"):
            tid(ui.echart(charts.category_chart(docs, "wait_mean")).classes("w-full h-64"),
                "chart-category-wait")
        with ui.column().classes("w-1/2"):
            tid(ui.echart(charts.category_chart(docs, "abandon_share")).classes("w-full h-64"),
                "chart-category-abandon")
    if len(blocks) > 1:
        title, heads, cells = blocks[1]
        table(heads, cells, "table-categories", title)
    if len(blocks) > 2:
        with ui.row().classes("w-full no-wrap items-start gap-4"):
            with ui.column().classes("w-1/2"):
                tid(ui.echart(charts.window_chart(docs)).classes("w-full h-64"),
                    "chart-window-utilisation")
            with ui.column().classes("w-1/2"):
                title, heads, cells = blocks[2]
                table(heads, cells, "table-windows", title)


def explain_capacity(capacity: dict[str, Any] | None) -> None:
    """Under the capacity warnings, what they mean in a planner's terms
    (:func:`sim.report.capacity_text.capacity_lines`): which day and why, the work
    against the windows staffed in each stretch, and what the optimiser's certification
    of the plan covered. Nothing without an overload."""
    lines = capacity_lines(capacity or {})
    if not lines:
        return
    with tid(ui.column().classes("w-full gap-1 q-pa-sm rounded-borders bg-amber-1"),
             "run-capacity"):
        ui.label(tr("What the capacity warning means")).classes("text-subtitle2")
        for head, rows in lines:
            ui.label(head).classes("text-body2")
            for row in rows:
                ui.label(row).classes("text-caption q-ml-md")


def _asked_days(ctx: Context, name: str, days: Any) -> int | None:
    """The days field for a run of ``days`` days: empty (the scenario's) when they are the
    scenario's days."""
    from sim.scenario.loading import load_scenario

    if not isinstance(days, int):
        return None
    try:
        own = load_scenario(ctx.workspace.scenario_path(name)).hall.days
    except InputError:
        return days
    return None if days == own else days


def panel(ctx: Context) -> None:
    """Build the run tab."""
    name = scenario_or_hint(ctx)
    if name is None:
        return
    with ui.row().classes("items-end gap-4"):
        precision = tid(ui.toggle({k: ctx.t(k) for k in PRECISION}, value="standard"),
                        "run-precision")
        reps, days, seed = run_inputs(ctx, "run")
        run_button = tid(ui.button(ctx.t("Run")), "run-start")

    def choose(e: Any) -> None:
        if e.value in PRECISION:  # None: the fields as a result shown was made
            r, d = PRECISION[e.value]
            reps.value, days.value = r, d

    precision.on_value_change(choose)

    def asked(r: int, d: int | None, s: int) -> None:
        """The fields (and the precision, if one gives them) as a run was asked for."""
        preset = next((k for k, v in PRECISION.items() if v == (r, d)), None)
        precision.value = preset
        reps.value, days.value, seed.value = r, d, s

    def done(job: Any) -> None:
        out.clear()
        with out:
            show_document(ctx, job.result["document"], job.result.get("warnings", []),
                          job.result.get("capacity"))
        # the run just made among them (from the first run on), and chosen in the picker
        list_earlier(Path(job.result["path"]).stem)

    view = JobView(ctx, "run", done)
    picker = ui.row().classes("w-full")  # earlier results, above the one shown
    out = ui.column().classes("w-full")

    def start() -> None:
        if not valid((reps, days, seed)):  # each says under it what it accepts
            return
        r, d, s = read(reps), read(days), read(seed)
        path = ctx.workspace.scenario_path(name)
        result = ctx.workspace.path("results", ctx.workspace.result_name(name), ".json")
        job = ctx.jobs.submit("run", name, "run", path=str(path),
                              seed=s, replications=r, days=d, out=str(result))
        view.follow(job)

    view.starts(run_button, start)

    def show_earlier(key: str) -> None:
        from sim.web.tasks import saved_run_notes

        doc = json.loads(ctx.workspace.path("results", key, ".json").read_text(encoding="utf-8"))
        notes = saved_run_notes(str(ctx.workspace.scenario_path(name)), doc)
        run = (doc.get("meta") or {}).get("run") or {}
        if isinstance(run.get("replications"), int) and isinstance(run.get("seed"), int):
            asked(run["replications"], _asked_days(ctx, name, run.get("days")), run["seed"])
        out.clear()
        with out:
            if notes is None:  # its warnings would be those of the hall as it is now
                ui.label(ctx.t("The scenario has changed since this result was made: its "
                               "warnings are not shown again.")).classes("text-caption")
                show_document(ctx, doc)
            else:
                show_document(ctx, doc, *notes)

    def list_earlier(chosen: str | None = None) -> list[Any]:
        """The picker of this scenario's results, ``chosen`` (else the newest) selected
        (none: no picker)."""
        earlier = ctx.workspace.runs_of(name)
        picker.clear()
        if earlier:
            names = [s.name for s in earlier]
            with picker:
                tid(ui.select({s.name: result_label(ctx, s) for s in earlier},
                              value=chosen if chosen in names else names[0],
                              label=ctx.t("Earlier results"),
                              on_change=lambda e: show_earlier(e.value))
                    .classes("w-full max-w-3xl"), "run-earlier")
        return earlier

    # this scenario's runs, newest first; the newest is shown until the next run, so a
    # reload or a change of language keeps the results in view
    earlier = list_earlier()
    # a reload mid-run follows the run; the jobs tab's "Show" (?job=N) shows that run's
    # result, not the newest
    resumed = view.resume("run", str(ctx.workspace.scenario_path(name)), finished=False)
    if earlier and (resumed is None or resumed.active):
        show_earlier(earlier[0].name)
    if resumed is not None:  # the fields as the run followed was asked for
        args = resumed.kwargs
        asked(args.get("replications", 10), args.get("days"), args.get("seed", 1))
