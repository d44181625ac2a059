"""The jobs tab: every job of the server (any tab's), its state, progress and cancel."""

from __future__ import annotations

import time

from nicegui import ui

from sim.web.common import Context, tid

#: what each kind of job does, as the jobs list names it in the page's language (a job's
#: own title is only what it works on: a scenario, a log, a study)
VERBS = {"run": "Run", "compare": "Compare", "calibrate": "Calibrate", "backtest": "Backtest",
         "export": "Export", "optimise": "Optimise", "decompose": "Decompose",
         "replay": "Replay"}


def job_label(ctx: Context, kind: str, title: str) -> str:
    """A job as the list shows it: its kind's verb in the page's language, then what it
    works on ("运行 快速上手", "Run 快速上手")."""
    return f"{ctx.t(VERBS.get(kind, kind))} {title}"


def panel(ctx: Context) -> None:
    """Build the jobs tab (refreshed every second)."""

    @ui.refreshable
    def listing() -> None:
        jobs = ctx.jobs.jobs()
        if not jobs:
            ui.label(ctx.t("No job yet."))
        for job in jobs:
            with tid(ui.row().classes("items-center gap-4"), f"job-{job.id}"):
                ui.label(f"#{job.id}").classes("w-10")
                ui.label(job_label(ctx, job.kind, job.title)).classes("w-72")
                ui.label(time.strftime("%H:%M:%S", time.localtime(job.created)))
                ui.linear_progress(value=job.fraction, show_value=False).classes("w-40")
                ui.label(ctx.t(job.state))
                if job.active:
                    tid(ui.button(ctx.t("Cancel"), on_click=lambda j=job: ctx.jobs.cancel(j.id))
                        .props("flat dense color=negative"), f"job-{job.id}-cancel")
                if job.error:
                    ui.label(job.error).classes("text-negative")

    listing()
    ui.timer(1.0, listing.refresh)
