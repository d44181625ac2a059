"""The consolidation study's terminal table and figure (``hallsim consolidate``), read
off the study document of :func:`optimize.consolidate.consolidate`: waits at today's
headcount per structure with paired differences, the least cost per structure, and
the speed sweep of ``chain`` against ``full``.
"""

from __future__ import annotations

from typing import Any

from sim.report.i18n import metric_name, tr, tr_in, with_unit
from sim.report.tables import pct, text_table


def structure_name(structure: str) -> str:
    """A window structure (``dedicated``, ``chain``, ``zone``, ``full``) in the language
    in use: the name itself in English, 专窗, 链式, 分区综合, 全事项综合 in Chinese."""
    return tr_in("structure", structure)


def consolidation_table(doc: dict[str, Any]) -> str:
    """The study as one terminal table, plus the speed sweep, in the language in use
    (English as docs/optimize.md quotes it)."""
    t = doc["wait_minutes"]
    base = structure_name(doc["baseline"])
    head = tr("{scenario}: today's {n} windows redistributed per structure; {replications} "
              "replications, seed {seed}; waits in minutes, ± = 95% CI; diff = paired "
              "difference vs {baseline}").format(
        scenario=doc["scenario"], n=doc["headcount_today"],
        replications=doc["replications"], seed=doc["seed"], baseline=base)
    cols = [tr("structure"), tr("types"), tr("mean wait"), tr("P90 wait"),
            with_unit(metric_name("p_wait_over_target", t), "%", "{name} {unit}"),
            tr("diff mean wait"),
            tr("least cost"), tr("headcount"), tr("status")]
    rows = []
    for s, e in doc["structures"].items():
        today = e["today"] or {"wait_mean": None, "wait_p90": None, "p_wait_over_target": None,
                               "ci95": {"wait_mean": None, "wait_p90": None,
                                        "p_wait_over_target": None}}
        ci = today["ci95"]
        d = e.get(f"vs_{doc['baseline']}", {}).get("wait_mean")
        o = e["optimised"]
        name = structure_name(s)
        rows.append([f"{name} *" if s == "dedicated" else name, str(e["types"]),
                     _pm(today["wait_mean"], ci["wait_mean"]),
                     _pm(today["wait_p90"], ci["wait_p90"]),
                     _pm(pct(today["p_wait_over_target"]), pct(ci["p_wait_over_target"])),
                     _pm(d["diff"], d["ci95"]) if d else "-",
                     "-" if o["cost"] is None else f"{o['cost']:.1f}",
                     "-" if o["headcount"] is None else str(o["headcount"]), tr(o["status"])])
    lines = [head, text_table(cols, rows),
             tr("* {dedicated}: one window type per department, today's {n} windows shared "
                "out in proportion to each department's workload and open all day: the "
                "reference structure, not today's window groups and schedules as they are "
                "(run the scenario itself for those)").format(
                 dedicated=structure_name("dedicated"), n=doc["headcount_today"]),
             "",
             tr("speed sweep (cross-authorised service-time factor; today's headcount):")]
    sweep = doc["speed_sweep"]
    srows = []
    for r in sweep["rows"]:
        d = r["full_minus_chain"].get("wait_mean", {})
        chain = r["chain"] or {"wait_mean": None, "ci95": {"wait_mean": None}}
        srows.append([f"{r['slowdown']:g}",
                      _pm(chain["wait_mean"], chain["ci95"]["wait_mean"]),
                      _pm(r["full"]["wait_mean"], r["full"]["ci95"]["wait_mean"]),
                      _pm(d.get("diff"), d.get("ci95")),
                      f"{r['optimised_cost']['chain']} / {r['optimised_cost']['full']}"])
    chain, full = structure_name("chain"), structure_name("full")
    lines.append(text_table(
        [tr("slowdown"), tr("{structure} wait").format(structure=chain),
         tr("{structure} wait").format(structure=full), f"{full} - {chain}",
         tr("least cost {first} / {second}").format(first=chain, second=full)], srows))
    factors = [r["slowdown"] for r in sweep["rows"]] if sweep.get("rows") else []
    span = f"{min(factors):g}-{max(factors):g}" if factors else tr("the sweep")

    def verdict(key: str, measure: str) -> str:
        value = sweep[key]
        if value is None:
            return tr("on {measure}, {full} beats {chain} at every slowdown in {span}").format(
                measure=measure, full=full, chain=chain, span=span)
        return tr("on {measure}, {full} beats {chain} up to a slowdown of {value} "
                  "(exclusive)").format(measure=measure, full=full, chain=chain,
                                        value=f"{value:g}")

    lines.append(tr("{first}; {second}").format(
        first=verdict("full_stops_beating_chain_on_wait_at", tr("mean wait")),
        second=verdict("full_stops_beating_chain_on_cost_at", tr("least cost"))))
    return "\n".join(lines)


def _pm(x: float | None, h: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.2f} ±{h:.2f}" if h else f"{x:.2f}"


def consolidation_figure(doc: dict[str, Any], path: str) -> None:
    """Write a three-panel PNG, in the language in use: waits today, least headcount,
    and the speed sweep."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.files.atomic import atomic_path
    from sim.report.fonts import use_cjk_fonts

    use_cjk_fonts()
    names = [s for s in doc["structures"] if doc["structures"][s]["today"]]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    waits = [doc["structures"][s]["today"]["wait_mean"] for s in names]
    errs = [doc["structures"][s]["today"]["ci95"]["wait_mean"] or 0 for s in names]
    axes[0].bar([structure_name(s) for s in names], waits, yerr=errs, capsize=4,
                color="tab:blue")
    axes[0].set_title(tr("mean wait at today's {n} windows").format(n=doc["headcount_today"]))
    axes[0].set_ylabel(tr("minutes"))
    every = list(doc["structures"])
    heads = [doc["structures"][s]["optimised"]["headcount"] or 0 for s in every]
    axes[1].bar([structure_name(s) for s in every], heads, color="tab:green")
    axes[1].set_title(tr("least headcount meeting the service level"))
    axes[1].set_ylabel(tr("staff (headcount)"))
    rows = doc["speed_sweep"]["rows"]
    xs = [r["slowdown"] for r in rows]
    for s, colour in (("chain", "tab:orange"), ("full", "tab:purple")):
        if any(r[s] is None for r in rows):
            continue
        ys = [r[s]["wait_mean"] for r in rows]
        es = [r[s]["ci95"]["wait_mean"] or 0 for r in rows]
        axes[2].errorbar(xs, ys, yerr=es, marker="o", capsize=3, label=structure_name(s),
                         color=colour)
    axes[2].set_xlabel(tr("cross-authorised service-time factor"))
    axes[2].set_ylabel(tr("mean wait, minutes"))
    axes[2].set_title(tr("speed sweep at today's headcount"))
    axes[2].legend()
    fig.suptitle(doc["scenario"])
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)
