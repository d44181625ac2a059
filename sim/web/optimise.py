"""The optimise tab: least-cost window staffing per period for the open scenario,
certified by simulation, and "apply as a new scenario".

The work is ``hallsim optimize --certify`` in a worker
(:func:`sim.web.tasks.optimise_scenario`: ``build_problem``, ``certify``,
``plan_document``, ``staffed_scenario``). The page shows the plan per period and
window type (chart and table), its cost, lower bound and gap, whether it is
certified, and for each item the cell with the lowest simulated service level: mean
and one-sided 95 % bound against the target, and the cells that fall short.
"""

from __future__ import annotations

import shutil
from typing import Any

from nicegui import ui

from sim.report.i18n import tr
from sim.web import charts
from sim.web.common import Context, JobView, scenario_or_hint, table, tid, whole
from sim.web.plan_tables import headline, level_rows, plan_blocks, plan_rows, type_name

__all__ = ["headline", "level_rows", "panel", "plan_chart", "plan_rows", "show_plan"]

def plan_chart(doc: dict[str, Any]) -> dict[str, Any]:
    """Windows open per period, stacked by window type."""
    periods = doc["periods"]
    return {
        "title": {"text": tr("windows open per period"), "left": "center",
                  "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [type_name(t) for t in doc["windows"]], "bottom": 0},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 50},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": {"type": "value", "name": tr("windows"), "minInterval": 1},
        "series": [{"name": type_name(t), "type": "bar", "stack": "plan",
                    "color": charts.COLOURS[k % len(charts.COLOURS)],
                    "data": [w["per_period"].get(p, 0) for p in periods]}
                   for k, (t, w) in enumerate(doc["windows"].items())],
    }


def show_plan(ctx: Context, res: dict[str, Any], scenario: str) -> None:
    """The plan, its certification, and the button that applies it."""
    ctx.t("")
    doc = res["plan"]
    for key, (title, heads, cells) in plan_blocks(doc).items():
        table(heads, cells, f"optimise-{key}", title)
        if key == "headline" and doc.get("windows"):
            tid(ui.echart(plan_chart(doc)).classes("w-full h-72"), "optimise-chart")
    name = ctx.workspace.free_name("scenarios", tr("{name}-staffed").format(name=scenario),
                                   ".yaml")
    with ui.row().classes("items-end gap-4"):
        new = tid(ui.input(tr("New scenario name"), value=name).classes("w-72"),
                  "optimise-apply-name")

        def apply() -> None:
            from sim.web.workspace import stem_of

            target = ctx.workspace.scenario_path(stem_of(new.value or name))
            shutil.copyfile(res["staffed"], target)
            ctx.open_scenario(target.stem)

        tid(ui.button(tr("Apply as a new scenario"), on_click=apply), "optimise-apply")


def panel(ctx: Context) -> None:
    """Build the optimise tab."""
    name = scenario_or_hint(ctx)
    if name is None:
        return
    with ui.row().classes("items-end gap-4"):
        certify = tid(ui.checkbox(ctx.t("Certify by simulation"), value=True),
                      "optimise-certify")
        reps = tid(ui.number(ctx.t("Replications per certification run"), value=10, min=2,
                             precision=0).classes("w-64"), "optimise-replications")
        limit = tid(ui.toggle({"hall": ctx.t("desks: today's windows"),
                               "none": ctx.t("desks: no limit")}, value="hall"),
                    "optimise-desks")
        go = tid(ui.button(ctx.t("Optimise")), "optimise-start")
    view = JobView(ctx, "optimise", lambda job: show(job.result))
    out = ui.column().classes("w-full")

    def show(res: dict[str, Any]) -> None:
        out.clear()
        with out:
            show_plan(ctx, res, name)

    def start() -> None:
        try:
            r = whole(ctx, reps, 2)
        except ValueError as exc:
            view.message.error(str(exc))
            return
        stem = ctx.workspace.free_name("plans", f"{name}-plan", ".json")
        job = ctx.jobs.submit(
            "optimise", f"{ctx.t('Optimise')} {name}", "optimise",
            path=str(ctx.workspace.scenario_path(name)), certify_plan=bool(certify.value),
            out_plan=str(ctx.workspace.path("plans", stem, ".json")),
            out_scenario=str(ctx.workspace.path("plans", stem, ".staffed.yaml")),
            out_spec=str(ctx.workspace.path("plans", stem, ".spec.yaml")),
            replications=r, desks=None if limit.value == "hall" else "none")
        view.follow(job)

    go.on_click(start)
