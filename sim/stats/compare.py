"""Paired comparison of scenarios run with the same seeds (common random numbers).

Replication ``r`` of every scenario uses the same seed tree, so customers of a
category shared by two scenarios arrive at the same times with the same service
draws and patience. Differences are taken replication by replication and their
mean gets a Student-t 95% interval: far tighter than comparing two independent
means when the scenarios differ only in layout or staffing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.stats.metrics import ci_halfwidth, clean
from sim.stats.replications import RunResult

#: metrics compared, and whether lower is better (None: neither)
COMPARED = {
    "wait_mean": True,
    "wait_p90": True,
    "wait_p95": True,
    "p_wait_over_target": True,
    "abandon_share": True,
    "balk_share": True,
    "utilisation": None,
    "served": None,
    # cases (returns, back office): fewer visits and shorter lead times are better
    "visits_per_case": True,
    "one_visit_share": False,
    "lead_time_days_mean": True,
    "lead_time_days_p90": True,
    "delivered_days_mean": True,
    "on_time_share": False,
    "lost_share": True,
}

#: journey figures compared, and whether lower is better
JOURNEY_COMPARED = {
    "time_in_hall_mean": True,
    "tickets_mean": True,
    "visits_mean": True,
    "one_day_share": False,
    "lost_share": True,
}


def paired_difference(a: Sequence[float], b: Sequence[float]) -> dict[str, float]:
    """Mean of ``b - a`` over paired replications with its 95% half-width."""
    d = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    d = d[~np.isnan(d)]
    if len(d) == 0:
        return {"diff": math.nan, "ci95": math.nan}
    return {"diff": float(d.mean()), "ci95": ci_halfwidth(d.tolist())}


def _verdict(diff: float, half: float, lower_better: bool | None, n: int) -> dict[str, Any]:
    significant = bool(n >= 2 and not math.isnan(diff) and abs(diff) > half)
    if lower_better is None or not significant or diff == 0:
        better = "neither" if lower_better is not None else None
    else:
        better = "candidate" if (diff < 0) == lower_better else "baseline"
    out: dict[str, Any] = {"significant": significant}
    if better is not None:
        out["better"] = better
    return out


def compare_runs(baseline: RunResult, other: RunResult) -> dict[str, Any]:
    """Paired differences (other - baseline) overall and for shared categories."""
    reps_a = [r.summary for r in baseline.replications]
    reps_b = [r.summary for r in other.replications]
    n = min(len(reps_a), len(reps_b))

    def block(get, compared=COMPARED) -> dict[str, Any]:
        out = {}
        for key, lower in compared.items():
            xs, ys = [get(s).get(key, math.nan) for s in reps_a[:n]], \
                     [get(s).get(key, math.nan) for s in reps_b[:n]]
            if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in xs + ys):
                continue
            pd_ = paired_difference(xs, ys)
            out[key] = pd_ | {"baseline": float(np.nanmean(xs)), "candidate": float(np.nanmean(ys))}
            out[key] |= _verdict(pd_["diff"], pd_["ci95"], lower, n)
        return out

    shared = [c for c in reps_a[0]["by_category"] if c in reps_b[0]["by_category"]]
    out = {
        "overall": block(lambda s: s["overall"]),
        "by_category": {c: block(lambda s, c=c: s["by_category"][c]) for c in shared},
    }
    journeys = [j for j in reps_a[0].get("journeys", {}) if j in reps_b[0].get("journeys", {})]
    if journeys:
        out["journeys"] = {j: block(lambda s, j=j: s["journeys"][j], JOURNEY_COMPARED)
                           for j in journeys}
    return clean(out)
