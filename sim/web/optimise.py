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

import re
import shutil
from typing import Any

from nicegui import ui

from sim.report.i18n import tr
from sim.report.staffing_plan import level_text, shortfall_text
from sim.web import charts
from sim.web.common import Context, JobView, scenario_or_hint, table, tid, whole

#: window types ``hallsim optimize`` generates (optimize/structures.py: ``FULL``,
#: ``DED-<department>``, ``CHAIN-<department>``, ``ZONE-<zone>``), each with the
#: catalogue's message id: English reads the id itself, Chinese names the structure
#: and keeps the id (the staffed scenario's window group)
_TYPES = ((re.compile(r"FULL(?P<k>-\d+)?"), "FULL{k}"),
          (re.compile(r"DED-(?P<name>.+)"), "DED-{name}"),
          (re.compile(r"CHAIN-(?P<name>.+)"), "CHAIN-{name}"),
          (re.compile(r"ZONE-(?P<name>.+)"), "ZONE-{name}"))
#: a service-level target as the plan writes it (sim/stats/sizing.py ``Target.describe``)
_TARGETS = ((re.compile(r"P\(W<=(?P<minutes>[^)]+)\)>=(?P<share>\S+)"),
             "P(W<={minutes})>={share}"),
            (re.compile(r"E\[W\]<=(?P<minutes>\S+)"), "E[W]<={minutes}"))


def _reword(text: str, forms: Any) -> str:
    for pattern, template in forms:
        m = pattern.fullmatch(text)
        if m:
            return tr(template).format(**{k: v or "" for k, v in m.groupdict().items()})
    return text


def type_name(tid: str) -> str:
    """A window type of the plan in the language in use ("FULL" reads "综合窗口（FULL）");
    a type the spec names itself is shown as it is."""
    return _reword(tid, _TYPES)


def target_text(target: str) -> str:
    """A service-level target in the language in use ("P(W<=20)>=0.8" reads
    "20 分钟内叫号的比例 ≥ 0.8"); English keeps the command line's form."""
    return _reword(str(target), _TARGETS)


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


def plan_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The plan table: one row per window type, one column per period, and the maximum."""
    periods = doc["periods"]
    heads = [tr("window type")] + periods + [tr("max")]
    cells = [[type_name(t)] + [str(w["per_period"].get(p, 0)) for p in periods]
             + [str(w["max"])]
             for t, w in doc["windows"].items()]
    return heads, cells


def headline(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Status, cost, bound, gap, headcount and window-hours of a plan."""
    def num(x: Any, fmt: str = "{:.2f}") -> str:
        return "-" if x is None else fmt.format(x)

    return [(tr("status"), tr(doc["status"])), (tr("cost"), num(doc["cost"])),
            (tr("lower bound"), num(doc.get("bound"))),
            (tr("gap"), num(doc.get("gap"), "{:.2%}")),
            (tr("headcount"), num(doc.get("headcount"), "{}")),
            (tr("window-hours"), num(doc.get("window_hours")))]


def level_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Each item's lowest simulated service level: period, mean, bound, target, verdict."""
    heads = [tr("item"), tr("period"), tr("mean"), tr("one-sided 95% bound"), tr("target"),
             tr("replications"), tr("verdict")]
    cells = [[item, c["period"], level_text(c["value"], c), level_text(c["bound"], c),
              target_text(c["target"]), str(c["replications"]),
              tr("met") if c["met"] else tr("short")]
             for item, c in (doc.get("service_level") or {}).items()]
    return heads, cells


def show_plan(ctx: Context, res: dict[str, Any], scenario: str) -> None:
    """The plan, its certification, and the button that applies it."""
    ctx.t("")
    doc = res["plan"]
    heads, cells = zip(*headline(doc))
    table(list(heads), [list(cells)], "optimise-headline", tr("Plan"))
    if doc.get("windows"):
        tid(ui.echart(plan_chart(doc)).classes("w-full h-72"), "optimise-chart")
        h, c = plan_rows(doc)
        table(h, c, "optimise-plan", tr("Windows open per period (columns: period start)"))
    if doc.get("service_level"):
        h, c = level_rows(doc)
        table(h, c, "optimise-levels", tr("Simulated service level (worst cell per item)"))
    short = doc.get("short_cells") or []
    if short:
        # judged on the bound, as certification is: the bound, the target and by how much
        table([tr("item"), tr("period"), tr("one-sided 95% bound"), tr("target"),
               tr("shortfall")],
              [[s["item"], s["period"], level_text(s["bound"], s), target_text(s["target"]),
                shortfall_text(s)] for s in short],
              "optimise-short", tr("Cells short of their target"))
    name = ctx.workspace.free_name("scenarios", f"{scenario}-staffed", ".yaml")
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
