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

from sim.run.replications import RunResult
from sim.stats import registry
from sim.stats.ci import paired_ci, unpaired_ci
from sim.stats.metrics import clean


def paired_difference(a: Sequence[float], b: Sequence[float]) -> dict[str, float]:
    """Mean of ``b - a`` over paired replications with its 95% half-width (``ttest_rel``)."""
    diff, half = paired_ci(a, b)
    return {"diff": diff, "ci95": half}


def _nanmean(values: Sequence[float]) -> float:
    x = np.asarray(values, dtype=float)
    return float(np.nanmean(x)) if np.any(~np.isnan(x)) else math.nan


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


def unpaired_difference(a: Sequence[float], b: Sequence[float]) -> dict[str, float]:
    """``mean(b) - mean(a)`` with Welch's 95% half-width (independent samples)."""
    diff, half = unpaired_ci(a, b)
    return {"diff": diff, "ci95": half}


def shared_categories(a: RunResult, b: RunResult) -> list[str]:
    """Categories present in both scenarios (what common random numbers pair)."""
    return [c for c in a.scenario.categories if c in b.scenario.categories]


def compare_runs(baseline: RunResult, other: RunResult) -> dict[str, Any]:
    """Differences (other - baseline) overall and for shared categories.

    Replications are paired (``ttest_rel``) when the scenarios share at least
    one category: only then do common random numbers make replication ``r`` of
    both see the same citizens. Otherwise the differences get Welch's unpaired
    interval and the result says ``"paired": false`` (callers warn).
    """
    reps_a = [r.summary for r in baseline.replications]
    reps_b = [r.summary for r in other.replications]
    n = min(len(reps_a), len(reps_b))
    paired = bool(shared_categories(baseline, other))
    difference = paired_difference if paired else unpaired_difference

    def block(get, section: str = "overall") -> dict[str, Any]:
        out = {}
        for m in registry.compared(section):
            key, lower = m.key, m.lower_is_better
            xs, ys = [get(s).get(key, math.nan) for s in reps_a[:n]], \
                     [get(s).get(key, math.nan) for s in reps_b[:n]]
            if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in xs + ys):
                continue
            pd_ = difference(xs, ys)
            out[key] = pd_ | {"baseline": _nanmean(xs), "candidate": _nanmean(ys)}
            out[key] |= _verdict(pd_["diff"], pd_["ci95"], lower, n)
        return out

    shared = [c for c in reps_a[0]["by_category"] if c in reps_b[0]["by_category"]]
    out: dict[str, Any] = {
        "paired": paired,
        "overall": block(lambda s: s["overall"]),
        "by_category": {c: block(lambda s, c=c: s["by_category"][c]) for c in shared},
    }
    journeys = [j for j in reps_a[0].get("journeys", {}) if j in reps_b[0].get("journeys", {})]
    if journeys:
        out["journeys"] = {j: block(lambda s, j=j: s["journeys"][j], "journeys")
                           for j in journeys}
    return clean(out)
