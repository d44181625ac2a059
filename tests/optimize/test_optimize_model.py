"""Stories about the staffing MILP, checked against queueing theory and brute force.

- one item on one window type: windows per period are the smallest n meeting the
  Erlang C service level (exact);
- two or three items with dedicated, pair and full types: the MILP's optimum equals
  exhaustive enumeration of the same model (feasibility of each enumerated staffing
  checked by an independent LP in scipy);
- the plan with every structure available is never costlier than the best
  all-dedicated or all-pooled plan;
- a shift-cover instance whose optimum is worked out by hand.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linprog

from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import spec_from_dict
from sim.scenario.model import scenario_from_dict
from sim.stats.theory import mmc_servers_for_service_level


def hall(categories: dict[str, Any], open_: list[str], **extra: Any):
    """A scenario with one window group serving everything (the optimiser replaces it)."""
    return scenario_from_dict({"name": extra.pop("name", "opt-test"),
                               "hall": {"open": open_, "days": 1},
                               "categories": categories,
                               "windows": [{"id": "ALL", "count": 100, "serves": ["*"]}],
                               **extra})


def exp(mean: float) -> dict[str, Any]:
    return {"dist": "exponential", "mean": mean}


# ------------------------------------------------------------------ one item, one type


@pytest.mark.parametrize("mean, wait, alpha", [(12.0, 20.0, 0.8), (6.0, 5.0, 0.9),
                                               (30.0, 10.0, 0.5)])
def test_one_item_gets_the_smallest_erlang_c_staffing_in_every_period(mean, wait, alpha):
    rates = [3.0, 9.5, 17.0, 28.0, 41.0, 0.7, 55.0, 12.25]
    profile = {f"{8 + k:02d}:00": r for k, r in enumerate(rates)}
    sc = hall({"permit": {"department": "d", "arrivals_per_hour": profile,
                          "service": exp(mean)}}, ["08:00-16:00"],
              targets={"wait_minutes": wait})
    spec = spec_from_dict({"structure": "dedicated", "period_minutes": 60,
                           "service_level": {"alpha": alpha}}, "t")
    sol = solve(build_problem(sc, spec))
    assert sol.status == "optimal"
    expected = [mmc_servers_for_service_level(r / 60.0, 1.0 / mean, wait, alpha) for r in rates]
    assert sol.open["DED-d"] == expected
    assert sol.cost == pytest.approx(sum(expected))


# ------------------------------------------------------------------ exhaustive enumeration


def three_items(loads: tuple[float, float, float], means=(10.0, 15.0, 6.0)):
    cats = {name: {"department": name, "arrivals_per_hour": 60.0 * a / m, "service": exp(m)}
            for name, a, m in zip(("a", "b", "c"), loads, means)}
    return hall(cats, ["09:00-10:00"])


TYPES = {
    "A": {"serves": ["a"], "cost_per_hour": 1.0},
    "B": {"serves": ["b"], "cost_per_hour": 1.0},
    "C": {"serves": ["c"], "cost_per_hour": 1.0},
    "AB": {"serves": ["a", "b"], "cost_per_hour": 1.05, "speed": {"b": 1.1}},
    "BC": {"serves": ["b", "c"], "cost_per_hour": 1.1},
    "ABC": {"serves": ["a", "b", "c"], "cost_per_hour": 1.2, "speed": {"a": 1.15, "c": 1.1}},
}


def enumerate_optimum(problem, top: int) -> float:
    """Cheapest staffing vector whose loads can be routed within every pool's Lmax."""
    types = problem.types
    cats = problem.categories
    load = problem.load[:, 0]
    tables = [problem.table(t, top) for t in types]
    training = problem.spec.training_cost
    vectors = itertools.product(range(top + 1), repeat=len(types))
    priced = sorted((sum(n * (t.cost_per_hour + training * t.extra_authorisations)
                         for n, t in zip(v, types)), v) for v in vectors)
    pairs = [(i, k) for k, t in enumerate(types) for i, c in enumerate(cats) if c in t.serves]
    for cost, v in priced:
        a_eq = np.zeros((len(cats), len(pairs)))
        a_ub = np.zeros((len(types), len(pairs)))
        for j, (i, k) in enumerate(pairs):
            a_eq[i, j] = 1.0
            a_ub[k, j] = types[k].factor(cats[i])
        if any(load[i] > 0 and not any(v[k] for (ii, k) in pairs if ii == i)
               for i in range(len(cats))):
            continue
        res = linprog(np.zeros(len(pairs)), A_ub=a_ub,
                      b_ub=[tables[k][v[k]] for k in range(len(types))],
                      A_eq=a_eq, b_eq=load, bounds=[(0, None)] * len(pairs), method="highs")
        if res.status == 0:
            return cost
    raise AssertionError("no enumerated staffing is feasible")


@pytest.mark.parametrize("loads, training", [((0.4, 1.3, 0.2), 0.0), ((2.2, 0.6, 1.1), 0.0),
                                             ((0.9, 0.9, 0.9), 0.3), ((3.1, 0.15, 0.05), 0.1)])
def test_the_milp_optimum_equals_exhaustive_enumeration(loads, training):
    sc = three_items(loads)
    spec = spec_from_dict({"types": TYPES, "period_minutes": 60, "training_cost": training},
                          "t")
    problem = build_problem(sc, spec)
    sol = solve(problem)
    assert sol.status == "optimal"
    assert sol.cost == pytest.approx(enumerate_optimum(problem, top=5), abs=1e-6)


def test_the_plan_is_never_costlier_than_all_dedicated_or_all_pooled():
    profile = {"08:30": 6, "09:30": 14, "11:00": 9, "13:30": 7, "15:30": 4}
    cats = {f"item{k}": {"department": f"dept{k % 4}", "zone": "z" if k < 4 else "y",
                         "arrivals_per_hour": {t: r * (0.5 + 0.25 * k) for t, r in
                                               profile.items()},
                         "service": exp(6.0 + 3 * k)} for k in range(6)}
    sc = hall(cats, ["08:30-12:00", "13:30-17:00"])
    cost = {}
    for s in ("auto", "dedicated", "full"):
        spec = spec_from_dict({"structure": s, "cross_speed": 1.1}, "t")
        sol = solve(build_problem(sc, spec))
        assert sol.status == "optimal"
        cost[s] = sol.cost
    assert cost["auto"] <= min(cost["dedicated"], cost["full"]) + 1e-9
    assert cost["auto"] < cost["dedicated"]  # pooling pays somewhere in this hall


# ------------------------------------------------------------------ shifts


def test_shift_cover_finds_the_hand_computed_optimum():
    # 08:00-12:00 needs 3 windows every hour, 13:00-17:00 needs 1 (checked below).
    # Shifts: morning (4 h, costs 5), afternoon (4 h, costs 5), day 08:00-17:00 with
    # lunch 12:00-13:00 (costs 8). With d day, m morning, a afternoon shifts:
    # d + m >= 3, d + a >= 1, minimise 8d + 5m + 5a: d=0 -> 20, d=1 -> 18 (m=2, a=0),
    # d=2 -> 21, d=3 -> 24. Optimum 18: one day shift and two morning shifts.
    profile = {"08:00": 12.0, "13:00": 2.0}
    sc = hall({"p": {"department": "d", "arrivals_per_hour": profile, "service": exp(10.0)}},
              ["08:00-12:00", "13:00-17:00"])
    assert mmc_servers_for_service_level(12 / 60, 1 / 10, 20, 0.8) == 3
    assert mmc_servers_for_service_level(2 / 60, 1 / 10, 20, 0.8) == 1
    spec = spec_from_dict({"structure": "dedicated", "period_minutes": 60, "shifts": {
        "morning": {"start": "08:00", "length": 240, "cost": 5},
        "afternoon": {"start": "13:00", "length": 240, "cost": 5},
        "day": {"start": "08:00", "length": 540, "lunch": {"start": "12:00", "minutes": 60},
                "cost": 8}}}, "t")
    sol = solve(build_problem(sc, spec))
    assert sol.status == "optimal"
    assert sol.cost == pytest.approx(18.0)
    assert sol.shifts["DED-d"] == {"morning": 2, "afternoon": 0, "day": 1}
    assert sol.open["DED-d"] == [3, 3, 3, 3, 1, 1, 1, 1]
