"""The jobs tab: every job of the server (any tab's), its state, progress and cancel."""

from __future__ import annotations

import time

from nicegui import ui

from sim.web.common import Context, tid


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
                ui.label(job.title).classes("w-72")
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
