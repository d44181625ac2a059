"""The consolidation study's terminal table and figure (``hallsim consolidate``), read
off the study document of :func:`optimize.consolidate.consolidate`: waits at today's
headcount per structure with paired differences, the least cost per structure, and
the speed sweep of ``chain`` against ``full``.
"""

from __future__ import annotations

from typing import Any

from sim.report.i18n import metric_name
from sim.report.tables import pct, text_table


def consolidation_table(doc: dict[str, Any]) -> str:
    """The study as one terminal table, plus the speed sweep."""
    t = doc["wait_minutes"]
    head = (f"{doc['scenario']}: today's {doc['headcount_today']} windows redistributed per "
            f"structure; {doc['replications']} replications, seed {doc['seed']}; waits in "
            f"minutes, ± = 95% CI; diff = paired difference vs {doc['baseline']}")
    cols = ["structure", "types", "mean wait", "P90 wait",
            f"{metric_name('p_wait_over_target', t)} %", "diff mean wait", "least cost",
            "headcount", "status"]
    rows = []
    for s, e in doc["structures"].items():
        today = e["today"] or {"wait_mean": None, "wait_p90": None, "p_wait_over_target": None,
                               "ci95": {"wait_mean": None, "wait_p90": None,
                                        "p_wait_over_target": None}}
        ci = today["ci95"]
        d = e.get(f"vs_{doc['baseline']}", {}).get("wait_mean")
        o = e["optimised"]
        rows.append([f"{s} *" if s == "dedicated" else s, str(e["types"]),
                     _pm(today["wait_mean"], ci["wait_mean"]),
                     _pm(today["wait_p90"], ci["wait_p90"]),
                     _pm(pct(today["p_wait_over_target"]), pct(ci["p_wait_over_target"])),
                     _pm(d["diff"], d["ci95"]) if d else "-",
                     "-" if o["cost"] is None else f"{o['cost']:.1f}",
                     "-" if o["headcount"] is None else str(o["headcount"]), o["status"]])
    lines = [head, text_table(cols, rows),
             f"* dedicated: one window type per department, today's "
             f"{doc['headcount_today']} windows shared out in proportion to each "
             "department's workload and open all day: the reference structure, not today's "
             "window groups and schedules as they are (run the scenario itself for those)",
             "",
             "speed sweep (cross-authorised service-time factor; today's headcount):"]
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
    lines.append(text_table(["slowdown", "chain wait", "full wait", "full - chain",
                         "least cost chain / full"], srows))
    factors = [r["slowdown"] for r in sweep["rows"]] if sweep.get("rows") else []
    span = f"{min(factors):g}-{max(factors):g}" if factors else "the sweep"

    def verdict(key: str, measure: str) -> str:
        value = sweep[key]
        if value is None:
            return f"on {measure}, full beats chain at every slowdown in {span}"
        return f"on {measure}, full beats chain up to a slowdown of {value:g} (exclusive)"

    lines.append(f"{verdict('full_stops_beating_chain_on_wait_at', 'mean wait')}; "
                 f"{verdict('full_stops_beating_chain_on_cost_at', 'least cost')}")
    return "\n".join(lines)


def _pm(x: float | None, h: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.2f} ±{h:.2f}" if h else f"{x:.2f}"


def consolidation_figure(doc: dict[str, Any], path: str) -> None:
    """Write a three-panel PNG: waits today, least headcount, and the speed sweep."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.files.atomic import atomic_path

    names = [s for s in doc["structures"] if doc["structures"][s]["today"]]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    waits = [doc["structures"][s]["today"]["wait_mean"] for s in names]
    errs = [doc["structures"][s]["today"]["ci95"]["wait_mean"] or 0 for s in names]
    axes[0].bar(names, waits, yerr=errs, capsize=4, color="tab:blue")
    axes[0].set_title(f"mean wait at today's {doc['headcount_today']} windows")
    axes[0].set_ylabel("minutes")
    every = list(doc["structures"])
    heads = [doc["structures"][s]["optimised"]["headcount"] or 0 for s in every]
    axes[1].bar(every, heads, color="tab:green")
    axes[1].set_title("least headcount meeting the service level")
    axes[1].set_ylabel("staff (headcount)")
    rows = doc["speed_sweep"]["rows"]
    xs = [r["slowdown"] for r in rows]
    for s, colour in (("chain", "tab:orange"), ("full", "tab:purple")):
        if any(r[s] is None for r in rows):
            continue
        ys = [r[s]["wait_mean"] for r in rows]
        es = [r[s]["ci95"]["wait_mean"] or 0 for r in rows]
        axes[2].errorbar(xs, ys, yerr=es, marker="o", capsize=3, label=s, color=colour)
    axes[2].set_xlabel("cross-authorised service-time factor")
    axes[2].set_ylabel("mean wait, minutes")
    axes[2].set_title("speed sweep at today's headcount")
    axes[2].legend()
    fig.suptitle(doc["scenario"])
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)
