"""The tables of an optimiser's staffing plan (``hallsim optimize --json PLAN``) as the
optimise tab shows them and the export tab writes them (:mod:`sim.web.xlsx`): its
headline (status, cost, bound, gap, headcount, window-hours), the windows open per
type and period, each item's lowest simulated service level and the cells short of
their target. Every figure is a :class:`~sim.report.tables.Figure` (the text shown and
the number it was made from), so the spreadsheet holds numbers; window types and
targets read in the language in use."""

from __future__ import annotations

import re
from typing import Any

from sim.report.i18n import language, tr, tr_in
from sim.report.staffing_plan import apart, level_text, shortfall_text
from sim.report.tables import Figure

Table = tuple[str, list[str], list[list[Any]]]

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


def type_name(tid: str, label: str | None = None) -> str:
    """A window type of the plan in the language in use ("FULL" reads "综合窗口（FULL）");
    a type the spec names itself is shown as it is; a type with the hall's own name for
    its work (``label``, :func:`optimize.plan.type_label`) by that name and its id
    ("市场监管窗口（DED-market_regulation）")."""
    if label:
        return tr("{label} ({id})").format(label=label, id=tid)
    return _reword(tid, _TYPES)


def structure_label(tid: str) -> str | None:
    """The reader's name of a window type the optimiser generates, without its id, for the
    staffed scenario's ``label`` ("全事项综合窗口" for ``FULL``, "社保专窗" for ``DED-社保``);
    None in English (the id is the name) and for a type the spec names itself."""
    for pattern, template in _TYPES:
        m = pattern.fullmatch(tid)
        if m:
            name = tr_in("window type", template).format(
                **{k: v or "" for k, v in m.groupdict().items()})
            return None if name == tid else name
    return None


def structure_labels(type_ids: Any) -> dict[str, str]:
    """:func:`structure_label` of each of ``type_ids`` that has one (the ``labels`` of
    :func:`optimize.plan.staffed_scenario`)."""
    return {t: name for t in type_ids if (name := structure_label(t))}


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


def level_value(x: float, cell: dict[str, Any]) -> Figure:
    """A simulated level or bound of ``cell`` as :func:`target_text` words the target:
    for a share target the share not called within the wait in percent (the command
    line's fraction 0.853 reads 14.7), as many decimals as keep it apart from the
    target; a mean wait as the command line prints it, in minutes. Each names its unit
    (a table mixes the two); the cell's number is the figure shown, unrounded."""
    from sim.report.i18n import tr_unit

    if _share_target(cell) is None:  # a mean wait, in minutes
        return Figure(level_text(x, cell), float(x)).printed_with(tr_unit("min"))
    target = cell.get("target_value")
    shown = 100 * (1 - x)
    return Figure(apart(shown, None if target is None else 100 * (1 - target), 1, 6),
                  shown).printed_with("%")


def shortfall_value(cell: dict[str, Any]) -> Figure:
    """What a cell misses its target by: percentage points for a share target, else as
    the command line prints it."""
    value = cell.get("shortfall")
    if value is None:
        return Figure()
    if _share_target(cell) is None:
        return Figure(shortfall_text(cell), float(value))
    return Figure(tr("{points} pp").format(points=f"{100 * value:.2g}"), 100 * value,
                  unit=tr("pp"))


def count(n: float | None) -> Figure:
    """A whole number of the plan (windows, people, replications) as a figure."""
    return Figure() if n is None else Figure(f"{n:g}", float(n))


def plan_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The plan table: one row per window type, one column per period, and the maximum."""
    periods = doc["periods"]
    heads = [tr("window type")] + periods + [tr("max")]
    cells = [[type_name(t, w.get("label"))] + [count(w["per_period"].get(p, 0))
                                                for p in periods]
             + [count(w["max"])]
             for t, w in doc["windows"].items()]
    return heads, cells


def headline(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """Status, cost, bound, gap, headcount and window-hours of a plan, each heading with
    its unit (cost in the spec's cost per window-hour, 1 unless the spec sets it)."""
    def num(x: float | None) -> Figure:
        return Figure() if x is None else Figure(f"{x:.2f}", float(x))

    gap = doc.get("gap")
    return [(tr("status"), tr(doc["status"])),
            (tr("cost (window-hours × cost per window-hour)"), num(doc["cost"])),
            (tr("lower bound of the cost"), num(doc.get("bound"))),
            (tr("gap to the bound (%)"), num(None if gap is None else 100 * gap)),
            (tr("headcount (people)"), count(doc.get("headcount"))),
            (tr("window-hours (windows × hours)"), num(doc.get("window_hours")))] + [
        # what the staff are assumed to serve, read first: 自动 may choose 全事项综合,
        # every clerk serving every item, whose headcount reads as "9 fewer people"
        (tr("window structure"), tr_in("list", ", ").join(
            dict.fromkeys(tr_in("structure", s) for s in structures)))
        for structures in [[str(w["structure"]) for w in (doc.get("windows") or {}).values()
                            if isinstance(w, dict) and w.get("structure")]] if structures]


def assumption_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """What the plan assumes of its staff: for each window type it opens, the items its
    clerks serve (all the hall's items, or their names) and their service-time factor on
    items outside their home department."""
    items = len(doc.get("targets") or {})  # one target per item of the hall
    heads = [tr("window type"), tr("serves"), tr("service time")]
    cells = []
    for t, w in doc["windows"].items():
        if not w.get("max"):
            continue
        serves = w.get("serves") or []
        factors = sorted(set((w.get("speed") or {}).values()))
        cells.append([
            type_name(t, w.get("label")),
            tr("all {n} items").format(n=items) if items and len(serves) == items
            else ("、" if language() == "zh" else ", ").join(serves),
            tr("as a specialist") if not factors else tr(
                "× {factor} on items outside its home department").format(
                factor=" / ".join(f"{f:g}" for f in factors))])
    return heads, cells


def level_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Each item's lowest simulated service level: period, mean, bound, target, verdict."""
    # the bound on the unfavourable side: the share not called, or the mean wait
    heads = [tr("item"), tr("period"), tr("mean"), tr("upper one-sided 95% bound"),
             tr("target"), tr("replications judged on (more where a cell was close)"),
             tr("verdict")]
    cells = [[item, c["period"], level_value(c["value"], c), level_value(c["bound"], c),
              target_text(c["target"]), count(c["replications"]),
              tr("met") if c["met"] else tr("short")]
             for item, c in (doc.get("service_level") or {}).items()]
    return heads, cells


def short_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The cells short of their target, judged on the bound as certification is: the
    bound, the target and by how much."""
    heads = [tr("item"), tr("period"), tr("upper one-sided 95% bound"), tr("target"),
             tr("shortfall")]
    return heads, [[s["item"], s["period"], level_value(s["bound"], s),
                    target_text(s["target"]), shortfall_value(s)]
                   for s in doc.get("short_cells") or []]


def plan_blocks(doc: dict[str, Any]) -> dict[str, Table]:
    """Every table of a plan, by name (``headline``, ``types``, ``plan``, ``levels``, ``short``,
    and ``reason`` for a plan not found; those the plan has), as ``(title, headings, rows)``."""
    heads, cells = zip(*headline(doc))
    out: dict[str, Table] = {"headline": (tr("Plan"), list(heads), [list(cells)])}
    if doc.get("windows"):
        out["types"] = (tr("What the plan assumes: which items each window type's clerks "
                           "serve"), *assumption_rows(doc))
        out["plan"] = (tr("Windows open per period (columns: period start)"), *plan_rows(doc))
    if doc.get("service_level"):
        out["levels"] = (tr("Simulated service level (worst cell per item)"),
                         *level_rows(doc))
    if doc.get("short_cells"):
        out["short"] = (tr("Cells short of their target"), *short_rows(doc))
    if doc.get("diagnosis") and doc["status"] in ("infeasible", "time_limit"):
        out["reason"] = (tr("Why there is no plan"), [tr("reason")], [[no_plan_reason(doc)]])
    return out


#: how an infeasible plan's diagnosis begins where the command line and the page say it
NO_PLAN = "no staffing plan meets the service level: "


def no_plan_reason(doc: dict[str, Any]) -> str:
    """Why ``doc`` (a plan without one) has no plan, in the language in use, as the
    command line and the page say it. The diagnosis alone, a list of periods, matches no
    message of the catalogue and stayed in English in the Chinese table."""
    from sim.report.messages import problem_text

    diagnosis = str(doc["diagnosis"])
    return problem_text(NO_PLAN + diagnosis if doc["status"] == "infeasible" else diagnosis)


def is_plan(doc: dict[str, Any]) -> bool:
    """Whether a document is an optimiser's plan (PLAN.json)."""
    return "periods" in doc and "windows" in doc and "status" in doc
