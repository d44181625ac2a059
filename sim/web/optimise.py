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

from typing import Any

from nicegui import ui

from sim.files.errors import InputError
from sim.report.i18n import tr
from sim.report.plan_tables import headline, level_rows, plan_blocks, plan_rows, type_name
from sim.web import charts
from sim.web.common import Context, JobView, Message, scenario_or_hint, table, tid
from sim.web.fields import REPLICATIONS, Limit, number, read, valid

__all__ = ["headline", "level_rows", "panel", "plan_chart", "plan_rows", "show_plan"]

#: the plan chart's legend: one line under the title, scrolled when the window types do
#: not fit (sixteen types, wrapped at the foot, covered the bars and the periods)
PLAN_LEGEND_TOP = 30
#: the top of its plot, below the legend's line and the y axis's name
PLAN_GRID_TOP = 84


def plan_chart(doc: dict[str, Any]) -> dict[str, Any]:
    """Windows open per period, stacked by window type."""
    periods = doc["periods"]
    names = [type_name(t, w.get("label")) for t, w in doc["windows"].items()]
    return {
        "title": {"text": tr("windows open per period"), "left": "center", "top": 4,
                  "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": names, "type": "scroll",
                   "top": PLAN_LEGEND_TOP, "left": 10, "right": 10},
        "grid": {"left": 40, "right": 20, "top": PLAN_GRID_TOP, "bottom": 8,
                 "containLabel": True},
        "xAxis": {"type": "category", "data": periods, "axisLabel": {"hideOverlap": True}},
        "yAxis": {"type": "value", "name": tr("windows"), "minInterval": 1},
        "series": [{"name": names[k], "type": "bar", "stack": "plan",
                    "color": charts.COLOURS[k % len(charts.COLOURS)],
                    "data": [w["per_period"].get(p, 0) for p in periods]}
                   for k, w in enumerate(doc["windows"].values())],
    }


#: the window structures the planner chooses between (optimize/structures.py), each
#: with the words that say what it assumes of the clerks
STRUCTURES = {
    "auto": "the cheapest of the structures below",
    "dedicated": "dedicated: each department's own windows, no cross-authorisation",
    "chain": "chain: each department also serves the next department's items",
    "zone": "zone: one comprehensive window type per zone",
    "full": "full: every window serves every item",
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

        said = Message("optimise-apply-error", ctx.lang)

        def apply() -> None:
            from pathlib import Path

            from sim.web.workspace import stem_of
            from sim.web.workspace_panel import renamed

            stem = stem_of(new.value or name)
            # the staffed hall under its new name, in the file and in its name: (legends,
            # comparisons and the export list name it by name:)
            try:
                text = renamed(Path(res["staffed"]).read_text(encoding="utf-8"), stem)
            except OSError:
                said.error(tr("The plan's staffed hall is no longer in the workspace: run "
                              "the optimiser again."))
                return
            ctx.workspace.write_scenario(stem, text)
            ctx.open_scenario(stem)

        button = tid(ui.button(tr("Apply as a new scenario"), on_click=apply),
                     "optimise-apply")
    from sim.web.tasks import file_sha256

    # a plan shown again after the hall was edited staffs the hall as it was: applying it
    # would drop the edits
    if res.get("source_sha256") and \
            file_sha256(ctx.workspace.scenario_path(scenario)) != res["source_sha256"]:
        button.disable()
        tid(ui.label(tr("The scenario has changed since this plan was made: run the "
                        "optimiser again to apply a plan for it.")).classes("text-caption"),
            "optimise-stale")


def _spec_structure(path: Any) -> tuple[str, bool]:
    """The structure the scenario's ``optimize:`` section names (``auto`` unless it names
    one, or names several), and whether it lists its own window types."""
    from optimize.spec import load_inputs

    try:
        _, spec = load_inputs(path)
    except InputError:
        return "auto", False
    chosen = spec.structure if isinstance(spec.structure, str) else "auto"
    return chosen, bool(spec.types)


def panel(ctx: Context) -> None:
    """Build the optimise tab."""
    name = scenario_or_hint(ctx)
    if name is None:
        return
    with ui.row().classes("items-end gap-4"):
        certify = tid(ui.checkbox(ctx.t("Certify by simulation"), value=True),
                      "optimise-certify")
        reps = tid(number(ctx.t, "Replications per certification run",
                          Limit(2, REPLICATIONS.most, whole=True), value=10).classes("w-64"),
                   "optimise-replications")
        limit = tid(ui.toggle({"hall": ctx.t("desks: today's windows"),
                               "none": ctx.t("desks: no limit")}, value="hall"),
                    "optimise-desks")
        spec_structure, own_types = _spec_structure(ctx.workspace.scenario_path(name))
        structure = tid(ui.select({k: ctx.t(v) for k, v in STRUCTURES.items()},
                                  value=spec_structure, label=ctx.t("Window structure"))
                        .classes("w-96"), "optimise-structure")
        if own_types:
            structure.disable()
            structure.props(f'hint="{ctx.t("the scenario lists its own window types")}"')
        go = tid(ui.button(ctx.t("Optimise")), "optimise-start")
    view = JobView(ctx, "optimise", lambda job: show(job.result))
    out = view.shows_in(ui.column().classes("w-full"))

    def show(res: dict[str, Any]) -> None:
        out.clear()
        with out:
            show_plan(ctx, res, name)

    def start() -> None:
        if not valid((reps,)):  # it says under it what it accepts
            return
        r = read(reps)
        stem = ctx.workspace.free_name("plans", f"{name}-plan", ".json")
        job = ctx.jobs.submit(
            "optimise", name, "optimise",
            path=str(ctx.workspace.scenario_path(name)), certify_plan=bool(certify.value),
            out_plan=str(ctx.workspace.path("plans", stem, ".json")),
            out_scenario=str(ctx.workspace.path("plans", stem, ".staffed.yaml")),
            out_spec=str(ctx.workspace.path("plans", stem, ".spec.yaml")),
            replications=r, desks=None if limit.value == "hall" else "none",
            structure=None if own_types else structure.value, lang=ctx.lang)
        view.follow(job)

    view.starts(go, start)
    # a reload mid-run follows the job; after it, the newest plan made shows again, the
    # fields saying how it was made
    resumed = view.resume("optimise", str(ctx.workspace.scenario_path(name)))
    if resumed is not None:
        args = resumed.kwargs
        certify.value = bool(args.get("certify_plan", certify.value))
        reps.value = args.get("replications", reps.value)
        limit.value = "none" if args.get("desks") == "none" else "hall"
        if args.get("structure") in STRUCTURES and not own_types:
            structure.value = args["structure"]
