"""Readable terminal tables for results documents and comparisons."""

from __future__ import annotations

from typing import Any


def _fmt(value: Any, ci: Any = None, digits: int = 1) -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if digits == 0 else f"{value:.{digits}f}"
    if ci:
        text += f" ±{ci:.{digits}f}"
    return text


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(h), *(len(r[k]) for r in rows)) if rows else len(h)
              for k, h in enumerate(headers)]
    line = lambda cells: "  ".join(  # noqa: E731
        c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def summary_table(doc: dict[str, Any]) -> str:
    """The summary printed by ``hallsim run``: overall, by category, by window group."""
    o, ci = doc["overall"], doc["ci95"]
    t = doc.get("targets", {}).get("wait_minutes")
    head = (f"{doc['scenario']}: seed {doc['seed']}, {doc['replications']} replication(s) "
            f"of {doc['days']} day(s); waits in minutes, ± = 95% CI half-width")
    overall = text_table(
        ["overall", "value"],
        [["tickets (per replication)", _fmt(o["arrivals"], digits=0)],
         ["served", _fmt(o["served"], digits=0)],
         ["abandoned / balked",
          f"{_fmt(o['abandoned'], digits=0)} / {_fmt(o['balked'], digits=0)}"],
         ["mean wait", _fmt(o["wait_mean"], ci["wait_mean"])],
         ["P50 / P90 / P95 wait",
          f"{_fmt(o['wait_p50'])} / {_fmt(o['wait_p90'], ci['wait_p90'])} / {_fmt(o['wait_p95'])}"],
         ["max wait", _fmt(o["wait_max"])],
         [f"share waiting over {t:g} min" if t else "share over target",
          _fmt(pct(o["p_wait_over_target"]), pct(ci["p_wait_over_target"])) + " %"],
         ["abandon share", _fmt(pct(o["abandon_share"]), pct(ci["abandon_share"])) + " %"],
         ["utilisation", _fmt(pct(o["utilisation"]), pct(ci["utilisation"])) + " %"]],
    )
    cats = text_table(
        ["category", "tickets", "served", "mean wait", "P90", f"% > {t:g}" if t else "% > T",
         "% left"],
        [[name, _fmt(c["arrivals"], digits=0), _fmt(c["served"], digits=0),
          _fmt(c["wait_mean"], c.get("ci95", {}).get("wait_mean")), _fmt(c["wait_p90"]),
          _fmt(pct(c["p_wait_over_target"])), _fmt(pct(_left(c)))]
         for name, c in doc["by_category"].items()],
    )
    wins = text_table(
        ["window group", "served", "utilisation %", "staffed h"],
        [[name, _fmt(w["served"], digits=0),
          _fmt(pct(w["utilisation"]), pct(w.get("ci95", {}).get("utilisation"))),
          _fmt(w["staffed_hours"])]
         for name, w in doc["by_window"].items()],
    )
    return "\n\n".join([head, overall, cats, wins])


def _left(c: dict[str, Any]) -> float | None:
    if c.get("abandon_share") is None:
        return None
    return c["abandon_share"] + (c.get("balk_share") or 0.0)


def pct(x: float | None) -> float | None:
    """A share as a percentage (None stays None)."""
    return None if x is None else 100.0 * x


def comparison_table(baseline: str, name: str, diff: dict[str, Any]) -> str:
    """Paired differences of one candidate against the baseline (overall and journeys)."""
    blocks = [("overall", diff["overall"])]
    blocks += [(f"journey {j}", d) for j, d in diff.get("journeys", {}).items()]
    parts = []
    for title, block in blocks:
        rows = [_diff_row(key, d, baseline, name) for key, d in block.items()]
        parts.append(f"{name} vs {baseline}, {title} (paired over replications, 95% CI):\n"
                     + text_table(["metric", baseline[:20], name[:20], "difference", "significant",
                               "better"], rows))
    return "\n\n".join(parts)


def _diff_row(key: str, d: dict[str, Any], baseline: str, name: str) -> list[str]:
    scale = 100.0 if key.endswith("_share") or key in ("p_wait_over_target",
                                                        "utilisation") else 1.0
    unit = " pp" if scale == 100.0 else ""
    verdict = {"candidate": name, "baseline": baseline, "neither": "no clear winner",
               None: ""}[d.get("better")]

    def show(v: float | None) -> str:
        return _fmt(v * scale if v is not None else None, digits=2)

    return [key, show(d["baseline"]), show(d["candidate"]),
            (_fmt(d["diff"] * scale, d["ci95"] * scale, digits=2) + unit)
            if d["diff"] is not None else "-",
            "yes" if d["significant"] else "no", verdict]
