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

from sim.files.errors import InputError
from sim.report.i18n import language, tr
from sim.report.staffing_plan import apart, level_text, shortfall_text
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
_SHARE = re.compile(r"P\(W<=(?P<minutes>[^)]+)\)>=(?P<share>\S+)")
_MEAN = re.compile(r"E\[W\]<=(?P<minutes>\S+)")


def _share_target(cell: dict[str, Any]) -> re.Match[str] | None:
    """The match of a cell's target when it is a share called within a wait."""
    return _SHARE.fullmatch(str(cell.get("target", "")))


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
    """A service-level target in the words of the run and compare tabs: a share called
    within a wait ("P(W<=20)>=0.8") is the registry's measure, the share *not* called
    within the minutes, in percent ("未在 20 分钟内叫号 ≤ 20%"); a mean-wait target reads
    "平均等待 ≤ 10 分钟"."""
    from sim.report.i18n import metric_name

    m = _SHARE.fullmatch(str(target))
    if m:
        return tr("{measure} ≤ {percent}%").format(
            measure=metric_name("p_wait_over_target", float(m["minutes"])),
            percent=f"{100 * (1 - float(m['share'])):g}")
    return _reword(str(target), ((_MEAN, "E[W]<={minutes}"),))


def level_value(x: float, cell: dict[str, Any]) -> str:
    """A simulated level or bound of ``cell`` as :func:`target_text` words the target:
    for a share target the share not called within the wait in percent (the command
    line's fraction 0.853 reads 14.7), as many decimals as keep it apart from the
    target; a mean wait as the command line prints it."""
    if _share_target(cell) is None:
        return level_text(x, cell)
    target = cell.get("target_value")
    return apart(100 * (1 - x), None if target is None else 100 * (1 - target), 1, 6)


def shortfall_value(cell: dict[str, Any]) -> str:
    """What a cell misses its target by: percentage points for a share target, else as
    the command line prints it."""
    value = cell.get("shortfall")
    if value is None or _share_target(cell) is None:
        return shortfall_text(cell)
    return tr("{points} pp").format(points=f"{100 * value:.2g}")


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
    """Status, cost, bound, gap, headcount and window-hours of a plan, each heading with
    its unit (cost in the spec's cost per window-hour, 1 unless the spec sets it)."""
    def num(x: Any, fmt: str = "{:.2f}") -> str:
        return "-" if x is None else fmt.format(x)

    gap = doc.get("gap")
    return [(tr("status"), tr(doc["status"])),
            (tr("cost (window-hours × cost per window-hour)"), num(doc["cost"])),
            (tr("lower bound of the cost"), num(doc.get("bound"))),
            (tr("gap to the bound (%)"), num(None if gap is None else 100 * gap)),
            (tr("headcount (people)"), num(doc.get("headcount"), "{}")),
            (tr("window-hours (windows × hours)"), num(doc.get("window_hours")))]


#: the window structures the planner chooses between (optimize/structures.py), each
#: with the words that say what it assumes of the clerks
STRUCTURES = {
    "auto": "the cheapest of the structures below",
    "dedicated": "dedicated: each department's own windows, no cross-authorisation",
    "chain": "chain: each department also serves the next department's items",
    "zone": "zone: one comprehensive window type per zone",
    "full": "full: every window serves every item",
}


def assumption_rows(doc: dict[str, Any], items: int) -> tuple[list[str], list[list[str]]]:
    """What the plan assumes of its staff: for each window type it opens, the items its
    clerks serve (all ``items`` of the hall, or their names) and their service-time
    factor on items outside their home department."""
    heads = [tr("window type"), tr("serves"), tr("service time")]
    cells = []
    for t, w in doc["windows"].items():
        if not w.get("max"):
            continue
        serves = w.get("serves") or []
        factors = sorted(set((w.get("speed") or {}).values()))
        cells.append([
            type_name(t),
            tr("all {n} items").format(n=items) if len(serves) == items
            else "、".join(serves) if language() == "zh" else ", ".join(serves),
            tr("as a specialist") if not factors else tr(
                "× {factor} on items outside its home department").format(
                factor=" / ".join(f"{f:g}" for f in factors))])
    return heads, cells


def level_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Each item's lowest simulated service level: period, mean, bound, target, verdict."""
    heads = [tr("item"), tr("period"), tr("mean"), tr("one-sided 95% bound"), tr("target"),
             tr("replications"), tr("verdict")]
    cells = [[item, c["period"], level_value(c["value"], c), level_value(c["bound"], c),
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
        h, c = assumption_rows(doc, res.get("items") or len(doc.get("targets") or {}))
        table(h, c, "optimise-types", tr("What the plan assumes: which items each window "
                                         "type's clerks serve"))
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
              [[s["item"], s["period"], level_value(s["bound"], s), target_text(s["target"]),
                shortfall_value(s)] for s in short],
              "optimise-short", tr("Cells short of their target"))
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
        reps = tid(ui.number(ctx.t("Replications per certification run"), value=10, min=2,
                             precision=0).classes("w-64"), "optimise-replications")
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
            replications=r, desks=None if limit.value == "hall" else "none",
            structure=None if own_types else structure.value)
        view.follow(job)

    go.on_click(start)
