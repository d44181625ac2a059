"""The jobs tab: every job of the server (any tab's), its state, progress and cancel."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from nicegui import ui

from sim.report.i18n import set_language
from sim.report.messages import error_text_of
from sim.web.common import Context, optimise_text, runs_text, tid
from sim.web.jobs import DONE, Job

#: what each kind of job does, as the jobs list names it in the page's language (a job's
#: own title is only what it works on: a scenario, a log, a study)
VERBS = {"run": "Run", "compare": "Compare", "calibrate": "Calibrate", "backtest": "Backtest",
         "export": "Export", "optimise": "Optimise", "decompose": "Decompose",
         "replay": "Replay"}


def job_label(ctx: Context, kind: str, title: str) -> str:
    """A job as the list shows it: its kind's verb in the page's language, then what it
    works on ("运行 快速上手", "Run 快速上手")."""
    return f"{ctx.t(VERBS.get(kind, kind))} {title}"


#: the tab that shows a finished job's result, by kind (with the job's scenario open)
RESULT_TAB = {"run": "run", "optimise": "optimise", "replay": "floorplan",
              "compare": "compare", "decompose": "decompose", "export": "export",
              "calibrate": "import", "backtest": "import"}


def job_details(ctx: Context, kwargs: dict[str, Any]) -> str:
    """How a run was asked for ("10 次 × 5 天，种子 1"; days the scenario's when not given),
    a replay which day of which replication ("第 2 天，第 1 次重复，种子 1", counted from 1
    as the page asks for them), or "" for a job without replications."""
    reps, seed = kwargs.get("replications"), kwargs.get("seed")
    if "out_plan" in kwargs:  # an optimisation: its structure, desk limit, certification
        structure = kwargs.get("structure")
        return optimise_text(ctx.t, [structure] if structure and structure != "auto" else [],
                             kwargs.get("desks") == "none",
                             reps if kwargs.get("certify_plan") else None)
    if kwargs.get("day") is not None and kwargs.get("replication") is not None \
            and seed is not None:  # a replay: day and replication 0-based in the job
        return ctx.t("day {day}, replication {replication}, seed {seed}").format(
            day=int(kwargs["day"]) + 1, replication=int(kwargs["replication"]) + 1, seed=seed)
    if reps is None or seed is None:
        return ""
    return runs_text(ctx.t, reps, kwargs.get("days"), seed)


class JobRow:
    """One job's row of the list. Built once and then updated in place: its progress and
    state change under the planner's pointer, its buttons (cancel while active, show once
    done) are redrawn only when the job's state changes, so a click is never lost to a
    row drawn anew while the pointer is on it."""

    def __init__(self, ctx: Context, job: Job) -> None:
        self.ctx = ctx
        self.shown: tuple[str, str] | None = None  # the state and error the buttons show
        with tid(ui.row().classes("items-center gap-4"), f"job-{job.id}") as self.element:
            ui.label(f"#{job.id}").classes("w-10")
            ui.label(job_label(ctx, job.kind, job.title)).classes("w-72")
            ui.label(job_details(ctx, job.kwargs)).classes("w-48 text-caption")
            ui.label(time.strftime("%H:%M:%S", time.localtime(job.created)))
            self.progress = ui.linear_progress(value=job.fraction, show_value=False
                                               ).classes("w-40")
            self.state = ui.label(ctx.t(job.state))
            self.actions = ui.row().classes("items-center gap-4")
        self.update(job)

    def update(self, job: Job) -> None:
        """Show the job as it is now: progress and state always, its buttons when its
        state or error changed."""
        self.progress.set_value(job.fraction)
        self.state.set_text(self.ctx.t(job.state))
        if self.shown == (job.state, job.error):
            return
        self.shown = (job.state, job.error)
        self.actions.clear()
        with self.actions:
            self._actions(job)

    def _actions(self, job: Job) -> None:
        ctx = self.ctx
        if job.active:
            tid(ui.button(ctx.t("Cancel"), on_click=lambda j=job: ctx.jobs.cancel(j.id))
                .props("flat dense color=negative"), f"job-{job.id}-cancel")
        elif job.state == DONE and job.kind in RESULT_TAB:
            scenario = Path(job.kwargs["path"]).stem if job.kwargs.get("path") \
                else ctx.scenario
            tid(ui.button(ctx.t("Show"), on_click=lambda j=job, n=scenario:
                          ui.navigate.to(ctx.url(tab=RESULT_TAB[j.kind], scenario=n,
                                                 job=str(j.id))))
                .props("flat dense"), f"job-{job.id}-show")
        if job.error:  # the command line's words, in the page's language
            set_language(ctx.lang)
            ui.label(error_text_of(job.error, file_name=True)).classes("text-negative")


def panel(ctx: Context) -> None:
    """Build the jobs tab: the server's jobs, newest first, looked at every second (a new
    job gets its row at the top; a row's progress, state and buttons follow its job)."""
    empty = ui.label(ctx.t("No job yet."))
    box = ui.column().classes("gap-1")
    rows: dict[int, JobRow] = {}

    def look() -> None:
        jobs = ctx.jobs.jobs()
        empty.set_visibility(not jobs)
        for index, job in enumerate(jobs):
            row = rows.get(job.id)
            if row is None:
                with box:
                    row = rows[job.id] = JobRow(ctx, job)
                row.element.move(box, target_index=index)
            else:
                row.update(job)
        for gone in set(rows) - {job.id for job in jobs}:
            rows.pop(gone).element.delete()

    look()
    ui.timer(1.0, look)
