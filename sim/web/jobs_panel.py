"""The jobs tab: every job of the server (any tab's), its state, progress and cancel."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from nicegui import ui

from sim.report.i18n import set_language
from sim.report.messages import error_text_of
from sim.web.common import Context, optimise_text, runs_text, tid
from sim.web.jobs import DONE

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
                ui.label(job_details(ctx, job.kwargs)).classes("w-48 text-caption")
                ui.label(time.strftime("%H:%M:%S", time.localtime(job.created)))
                ui.linear_progress(value=job.fraction, show_value=False).classes("w-40")
                ui.label(ctx.t(job.state))
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

    listing()
    ui.timer(1.0, listing.refresh)
