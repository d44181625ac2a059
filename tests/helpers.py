"""Shared helpers for tests: tiny scenario builders and CI checks against theory."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from sim.run.replications import RunResult, simulate
from sim.scenario.model import Scenario, scenario_from_dict


def continuous(categories: dict[str, Any], windows: list[dict[str, Any]], days: int = 60,
               warmup: int = 2, **extra: Any) -> Scenario:
    """A hall open around the clock (steady-state theory applies)."""
    hall = {"open": ["00:00-24:00"], "days": days, "warmup_days": warmup} | extra.pop("hall", {})
    return scenario_from_dict({"name": extra.pop("name", "theory"), "hall": hall,
                               "categories": categories, "windows": windows, **extra})


def exp(mean: float) -> dict[str, Any]:
    """An exponential distribution with this mean (minutes)."""
    return {"dist": "exponential", "mean": mean}


def per_rep(result: RunResult, *path: str) -> np.ndarray:
    """One figure from every replication's summary, e.g. ``per_rep(r, "overall", "wait_mean")``."""
    out = []
    for rep in result.replications:
        node: Any = rep.summary
        for key in path:
            node = node[key]
        out.append(node)
    return np.asarray(out, dtype=float)


def assert_matches_theory(values: np.ndarray, theory: float, max_rel_halfwidth: float,
                          label: str = "") -> None:
    """The theory value lies in the 99% t-interval of the replications' mean, and that
    interval is narrower than ``max_rel_halfwidth`` of the theory value (so that a
    wrong engine cannot pass by noise)."""
    n = len(values)
    mean = float(np.mean(values))
    half = float(stats.t.ppf(0.995, n - 1) * stats.sem(values))
    assert half <= max_rel_halfwidth * abs(theory), (
        f"{label}: interval too wide to be a test (±{half:.4g} around {mean:.4g}; "
        f"theory {theory:.4g})")
    assert abs(mean - theory) <= half, (
        f"{label}: simulated {mean:.4g} ± {half:.4g} (99% CI) vs theory {theory:.4g}")


def run(scenario: Scenario, replications: int = 12, seed: int = 2024, **kw: Any) -> RunResult:
    """Simulate with a fixed seed."""
    return simulate(scenario, seed=seed, replications=replications, **kw)
