"""The terminal table of a staffing plan (``hallsim optimize``): status, cost and
bound, windows open per type and period, shifts, and the certification's iterations,
simulated service level and short cells, read off the plan document
(:func:`optimize.plan.plan_document`, the PLAN.json contract of docs/optimize.md).

In English the table is the one docs/optimize.md quotes; in another language
(``hallsim --lang zh optimize``) it is the page's own tables
(:func:`sim.report.plan_tables.plan_blocks`: the words, units and levels the optimise
tab shows), so a planner reads one plan the same way on the page and in the terminal.
"""

from __future__ import annotations

from typing import Any

from sim.report.i18n import language, tr
from sim.report.tables import text_table


def plan_table(doc: dict[str, Any]) -> str:
    """A readable terminal report: status, windows per type and period (columns:
    period start), totals, and the certification's iterations and cells; tables by
    :func:`sim.report.tables.text_table` (aligned by display width)."""
    if language() != "en":
        return _translated_table(doc)
    head = (f"{doc['scenario']}: status {doc['status']}, cost {_num(doc['cost'])}, "
            f"headcount {doc['headcount']}, window-hours {_num(doc['window_hours'])}")
    if doc.get("bound") is not None:
        head += (f"\nlower bound {_num(doc['bound'])} (LP relaxation {_num(doc['lp_bound'])}), "
                 f"gap {100 * (doc['gap'] or 0.0):.2f}%")
    if doc["status"] in ("infeasible", "time_limit"):
        return head + "\n" + doc.get("diagnosis", "")
    desks = doc.get("desks") or {}
    if desks.get("binding"):
        head += (f"\nthe desk limit binds: all {desks['limit']} desks "
                 f"({'the hall' if desks['source'] == 'hall' else 'spec'}) open at "
                 + ", ".join(desks["binding"][:8]) + (" ..." if len(desks["binding"]) > 8 else ""))
    labels = doc["periods"]
    types = list(doc["windows"])
    rows = [[t, *(str(doc["windows"][t]["per_period"][lab]) for lab in labels),
             str(doc["windows"][t]["max"])] for t in types]
    totals = [sum(doc["windows"][t]["per_period"][lab] for t in types) for lab in labels]
    rows.append(["total", *map(str, totals), str(max(totals, default=0))])
    parts = [head, text_table(["type", *labels, "max"], rows,
                              "windows open per period (columns: period start):")]
    if doc.get("shifts"):
        parts.append("shifts: " + "; ".join(f"{t}: " + ", ".join(f"{j} x{n}" for j, n in v.items())
                                            for t, v in doc["shifts"].items()))
    if doc.get("iterations"):
        parts.append(text_table(
            ["#", "kind", "replications", "cost", "headcount", "cells short",
             "worst shortfall", "worst cell", "seed"],
            [[str(it["iteration"]), it["kind"], _reps(it), _num(it["cost"]),
              str(it["headcount"]), str(it["cells_short"]), f"{it['worst_shortfall']:.2g}",
              _where(it.get("worst")), str(it["seed"])] for it in doc["iterations"]],
            "certification iterations:"))
    if doc.get("service_level"):
        parts.append(text_table(
            ["item", "period", "day factor", "mean", "bound", "target", "replications",
             "verdict"],
            [[c, v["period"], f"{v['day_factor']:g}", level_text(v["value"], v),
              level_text(v["bound"], v), v["target"], str(v["replications"]),
              "met" if v["met"] else "SHORT"] for c, v in doc["service_level"].items()],
            "simulated service level (worst cell per item: mean, one-sided 95% bound):"))
    if doc.get("short_cells"):
        parts.append(text_table(
            ["item", "period", "day factor", "mean", "bound", "target", "shortfall"],
            [[v["item"], v["period"], f"{v['day_factor']:g}", level_text(v["value"], v),
              level_text(v["bound"], v), v["target"], shortfall_text(v)]
             for v in doc["short_cells"]],
            "short cells (not certified):"))
    return "\n".join(parts)


def _translated_table(doc: dict[str, Any]) -> str:
    """:func:`plan_table` in the language in use, from the optimise tab's tables."""
    from sim.report.plan_tables import plan_blocks

    blocks = plan_blocks(doc)
    _, heads, (cells,) = blocks.pop("headline")
    head = f"{doc['scenario']}: " + tr("; ").join(
        tr("{name}: {value}").format(name=h, value=c) for h, c in zip(heads, cells) if str(c))
    if doc["status"] in ("infeasible", "time_limit"):
        from sim.report.messages import problem_text

        return head + "\n" + problem_text(doc.get("diagnosis", ""))
    desks = doc.get("desks") or {}
    if desks.get("binding"):
        head += "\n" + tr("the desk limit binds: all {n} desks ({source}) open at {periods}"
                          ).format(n=desks["limit"],
                                   source=tr("the hall") if desks["source"] == "hall"
                                   else tr("spec"),
                                   periods=", ".join(desks["binding"][:8])
                                   + (" ..." if len(desks["binding"]) > 8 else ""))
    parts = [head]
    for title, headings, rows in blocks.values():
        parts.append(text_table(headings, [[str(c) for c in r] for r in rows],
                                tr("{title}:").format(title=title)))
    if doc.get("shifts"):
        parts.append(tr("shifts: ") + tr("; ").join(
            f"{t}: " + ", ".join(f"{j} ×{n}" for j, n in v.items())
            for t, v in doc["shifts"].items()))
    if doc.get("iterations"):
        from sim.report.i18n import tr_in

        parts.append(text_table(
            ["#", tr("kind"), tr("replications"), tr("cost"), tr("headcount (people)"),
             tr("cells short"), tr("worst shortfall"), tr("worst cell"), tr("seed")],
            [[str(it["iteration"]), tr_in("iteration", it["kind"]), _reps(it),
              _num(it["cost"]), str(it["headcount"]), str(it["cells_short"]),
              f"{it['worst_shortfall']:.2g}",
              tr("{item} at {period}").format(**it["worst"]) if it.get("worst") else "-",
              str(it["seed"])] for it in doc["iterations"]],
            tr("{title}:").format(title=tr("Certification iterations"))))
    return "\n".join(parts)


def level_text(x: float, cell: dict[str, Any]) -> str:
    """A simulated level or bound with three decimals, or as many more (up to eight) as
    it takes not to print the cell's target number (``target_value``) for a figure
    that differs from it: a bound just short of 0.8 never reads "0.800"."""
    return apart(x, cell.get("target_value"), 3, 8)


def apart(x: float, target: float | None, digits: int, most: int) -> str:
    """``x`` with ``digits`` decimals, or more (up to ``most``) where it would print as
    ``target`` while differing from it."""
    while (target is not None and digits < most and x != target
           and f"{x:.{digits}f}" == f"{target:.{digits}f}"):
        digits += 1
    return f"{x:.{digits}f}"


def shortfall_text(cell: dict[str, Any]) -> str:
    """What a cell's judged figure misses its target by (two significant digits;
    relative to the cap for a mean-wait target), from its unrounded ``shortfall``."""
    value = cell.get("shortfall")
    return "-" if value is None else f"{value:.2g}"


def _reps(it: dict[str, Any]) -> str:
    pilot = it.get("pilot_replications")
    return f"{pilot}+{it['replications']}" if pilot else str(it["replications"])


def _where(worst: dict[str, Any] | None) -> str:
    return f"{worst['item']} at {worst['period']}" if worst else "-"


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:,.2f}"
