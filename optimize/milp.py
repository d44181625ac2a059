"""The staffing MILP (PuLP), with named constraints, one builder per constraint family.

Indices: types ``k``, periods ``p`` (with a week model: every period of every
day), categories ``c``, pool sizes ``m``, rosters ``r`` (a shift template on a
set of days). Variables:

- ``n[k,p]`` integer: windows of type ``k`` the queueing constraint relies on in ``p``;
- ``x[c,k,p] >= 0``: erlangs of category ``c``'s load routed to type ``k`` in ``p``
  (continuous allocation: a window's capacity is split across the items it serves);
- ``y[k,p,m]`` binary: the pool of type ``k`` in ``p`` has exactly ``m`` windows;
- ``s[k,r]`` integer (with shifts or a week): staff of type ``k`` working roster ``r``;
- ``h[k]`` integer (with training costs and no rosters): people holding type ``k``.

Constraints (names as written to ``--lp``), each family built by its own helper:

- ``demand_<c>_<p>``:     ``sum_k x[c,k,p] = load[c,p]`` (``add_demand``);
- ``capacity_<k>_<p>``:   ``sum_c f[k,c] x[c,k,p] <= sum_m Lmax_k(m) y[k,p,m]``
  (``f`` the speed factor, ``Lmax_k`` the type's staffing table: pooling economies);
- ``select_<k>_<p>``:     ``sum_m y[k,p,m] <= 1`` (none selected = no window);
- ``count_<k>_<p>``:      ``n[k,p] = sum_m m y[k,p,m]`` (``add_pools``);
- ``reach_<c>_<p>``:      ``sum_{k serving c} sum_m y[k,p,m] >= 1`` (some open type serves
  an item with load: implied by the integer model, it tightens the LP relaxation);
- ``cover_<k>_<p>``:      ``sum_r covers[r,p] s[k,r] >= n[k,p]`` (``add_rosters``);
- ``desks_<p>``:          windows open in ``p`` ``<= desks`` (the hall's windows) (``add_desks``);
- ``minimum_<p>``:        windows open in ``p`` ``>=`` the day's ``min_windows`` (``add_minimum``);
- ``headcount_<k>_<p>``:  ``h[k] >= n[k,p]`` (training costs without rosters) (``add_training``);
- ``cut<i>_<c>_<p>``:     windows open in ``p`` that may serve ``c`` ``>= b`` (certification,
  ``add_cuts``).

Objective: staffed window-hours (or whole rosters) times cost per hour, plus the
training cost per extra authorisation per person holding the type.

Pool sizes are tabulated per type and period only up to the windows that carry,
alone, all the load the type may serve in that period (or a cut's need, or the
desks): a larger pool is never cheaper, so the optimum is unchanged and
lighter periods get fewer binaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from optimize.problem import Problem
from optimize.rosters import Roster, covers
from sim.stats.sizing import windows_needed


@dataclass(frozen=True)
class Cut:
    """Certification cut: ``at_least`` open windows may serve ``category`` in ``period``."""

    category: str
    period: int
    at_least: int


@dataclass
class Model:
    """A built PuLP problem and handles to its variables."""

    lp: Any
    n: dict[tuple[int, int], Any]
    open: dict[tuple[int, int], Any]
    x: dict[tuple[int, int, int], Any]
    shifts: dict[tuple[int, str], Any]
    n_max: dict[tuple[int, int], int]
    periods: tuple[int, ...]
    stats: dict[str, int] = field(default_factory=dict)
    cost_terms: list[Any] = field(default_factory=list)
    y: dict[tuple[int, int], dict[int, Any]] = field(default_factory=dict)


def _clean(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


@dataclass
class _Names:
    """LP-safe names of types, categories and periods."""

    type: dict[int, str]
    cat: dict[int, str]
    period: dict[int, str]


def _names(problem: Problem, periods: tuple[int, ...]) -> _Names:
    return _Names({k: f"{k}_{_clean(t.id)}" for k, t in enumerate(problem.types)},
                  {i: f"{i}_{_clean(c)}" for i, c in enumerate(problem.categories)},
                  {p: _clean(problem.periods[p].key) for p in periods})


def pool_limits(problem: Problem, cuts: list[Cut],
                periods: tuple[int, ...]) -> dict[tuple[int, int], int]:
    """Largest pool size per type and period: enough to carry all the type's load there
    alone, or a cut's need, at most the desks."""
    desks = problem.desks
    out = {}
    for k, t in enumerate(problem.types):
        target = problem.pool_target(t)
        for p in periods:
            need = max(windows_needed(problem.type_load(t, p), problem.pool_service[t.id],
                                      target), problem.min_windows(p))
            for cut in cuts:
                if cut.period == p and cut.category in t.serves:
                    need = max(need, cut.at_least)
            out[k, p] = need if desks is None else min(desks, need)
    return out


def add_demand(lp: Any, problem: Problem, periods: tuple[int, ...], names: _Names
               ) -> tuple[dict[tuple[int, int, int], Any], dict[tuple[int, int], list[int]]]:
    """Routing variables ``x`` and the ``demand`` rows; returns ``x`` and the items per
    (type, period)."""
    import pulp

    x: dict[tuple[int, int, int], Any] = {}
    by_kp: dict[tuple[int, int], list[int]] = {}
    by_ip: dict[tuple[int, int], list[Any]] = {}
    cidx = {c: i for i, c in enumerate(problem.categories)}
    for p in periods:
        for k, t in enumerate(problem.types):
            for c in t.serves:
                i = cidx[c]
                if problem.load[i, p] > 0:
                    x[i, k, p] = lp.add_variable(
                        f"x_{names.cat[i]}_{names.type[k]}_{names.period[p]}", 0)
                    by_kp.setdefault((k, p), []).append(i)
                    by_ip.setdefault((i, p), []).append(x[i, k, p])
        for i in range(len(problem.categories)):
            if problem.load[i, p] > 0:
                lp += (pulp.lpSum(by_ip.get((i, p), []))
                       == float(problem.load[i, p]), f"demand_{names.cat[i]}_{names.period[p]}")
    return x, by_kp


def add_pools(lp: Any, problem: Problem, periods: tuple[int, ...], names: _Names,
              x: dict[tuple[int, int, int], Any], by_kp: dict[tuple[int, int], list[int]],
              limits: dict[tuple[int, int], int]) -> tuple[dict, dict, dict]:
    """Pool-size binaries with the ``select``, ``count`` and ``capacity`` rows.

    Returns ``n[k,p]``, the ``used[k,p]`` expressions (pool open or not) and the
    binaries ``y[k,p][m]``.
    """
    import pulp

    n: dict[tuple[int, int], Any] = {}
    used: dict[tuple[int, int], Any] = {}
    ys: dict[tuple[int, int], dict[int, Any]] = {}
    for p in periods:
        for k, t in enumerate(problem.types):
            top = limits[k, p]
            tag = f"{names.type[k]}_{names.period[p]}"
            n[k, p] = lp.add_variable(f"n_{tag}", 0, top, cat="Integer")
            if top == 0:
                continue
            table = problem.table(t, top)
            y = {m: lp.add_variable(f"y_{tag}_{m}", cat="Binary") for m in range(1, top + 1)}
            ys[k, p] = y
            used[k, p] = pulp.lpSum(y.values())
            lp += used[k, p] <= 1, f"select_{tag}"
            lp += n[k, p] == pulp.lpSum(m * v for m, v in y.items()), f"count_{tag}"
            lp += (pulp.lpSum(t.factor(problem.categories[i]) * x[i, k, p]
                              for i in by_kp.get((k, p), []))
                   <= pulp.lpSum(float(table[m]) * v for m, v in y.items()), f"capacity_{tag}")
    return n, used, ys


def add_reach(lp: Any, problem: Problem, periods: tuple[int, ...], names: _Names,
              used: dict[tuple[int, int], Any]) -> None:
    """``reach``: some open pool may serve every item with load."""
    import pulp

    for p in periods:
        for i, c in enumerate(problem.categories):
            if problem.load[i, p] > 0:
                lp += (pulp.lpSum(used[k, p] for k, t in enumerate(problem.types)
                                  if c in t.serves and (k, p) in used) >= 1,
                       f"reach_{names.cat[i]}_{names.period[p]}")


def add_rosters(lp: Any, problem: Problem, periods: tuple[int, ...], names: _Names,
                n: dict[tuple[int, int], Any], rosters: tuple[Roster, ...]
                ) -> tuple[dict, dict, list, dict]:
    """Staff per roster with the ``cover`` rows, or (no rosters) windows as staff.

    Returns the open-window expressions, the roster variables, the cost terms and
    the people holding each type (rosters only).
    """
    import pulp

    s: dict[tuple[int, str], Any] = {}
    open_: dict[tuple[int, int], Any] = {}
    cost: list[Any] = []
    hold: dict[int, Any] = {}
    for k, t in enumerate(problem.types):
        if not rosters:
            for p in periods:
                open_[k, p] = n[k, p]
                cost.append(t.cost_per_hour * problem.periods[p].hours * n[k, p])
            continue
        for ri, r in enumerate(rosters):
            s[k, r.id] = lp.add_variable(f"s_{names.type[k]}_r{ri}_{_clean(r.id)}", 0,
                                         cat="Integer")
            cost.append(r.price(t.cost_per_hour) * s[k, r.id])
        hold[k] = pulp.lpSum(s[k, r.id] for r in rosters)
        for p in periods:
            on = [s[k, r.id] for r in rosters if covers(r, problem.periods[p])]
            open_[k, p] = pulp.lpSum(on)
            lp += open_[k, p] >= n[k, p], f"cover_{names.type[k]}_{names.period[p]}"
    return open_, s, cost, hold


def add_training(lp: Any, problem: Problem, periods: tuple[int, ...], names: _Names,
                 n: dict[tuple[int, int], Any], hold: dict[int, Any]) -> list[Any]:
    """Training cost per extra authorisation per holder; ``headcount`` rows without rosters."""
    cost: list[Any] = []
    if problem.spec.training_cost <= 0:
        return cost
    for k, t in enumerate(problem.types):
        if t.extra_authorisations == 0:
            continue
        if k not in hold:
            hold[k] = lp.add_variable(f"h_{names.type[k]}", 0, cat="Integer")
            for p in periods:
                lp += hold[k] >= n[k, p], f"headcount_{names.type[k]}_{names.period[p]}"
        cost.append(problem.spec.training_cost * t.extra_authorisations * hold[k])
    return cost


def add_desks(lp: Any, problem: Problem, periods: tuple[int, ...], names: _Names,
              open_: dict[tuple[int, int], Any]) -> None:
    """``desks``: windows open at once never exceed the hall's windows (or the spec's desks)."""
    import pulp

    if problem.desks is None:
        return
    for p in periods:
        lp += (pulp.lpSum(open_[k, p] for k in range(len(problem.types))) <= problem.desks,
               f"desks_{names.period[p]}")


def add_minimum(lp: Any, problem: Problem, periods: tuple[int, ...], names: _Names,
                open_: dict[tuple[int, int], Any]) -> None:
    """``minimum``: at least the day's ``min_windows`` open in each of its periods."""
    import pulp

    for p in periods:
        need = problem.min_windows(p)
        if need > 0:
            lp += (pulp.lpSum(open_[k, p] for k in range(len(problem.types))) >= need,
                   f"minimum_{names.period[p]}")


def add_cuts(lp: Any, problem: Problem, periods: tuple[int, ...], names: _Names,
             open_: dict[tuple[int, int], Any], cuts: list[Cut]) -> None:
    """Certification cuts: windows that may serve an item in a period, at least ``b``."""
    import pulp

    cidx = {c: i for i, c in enumerate(problem.categories)}
    for q, cut in enumerate(cuts):
        if cut.period not in periods:
            continue
        lp += (pulp.lpSum(open_[k, cut.period] for k, t in enumerate(problem.types)
                          if cut.category in t.serves) >= cut.at_least,
               f"cut{q}_{names.cat[cidx[cut.category]]}_{names.period[cut.period]}")


def build_model(problem: Problem, cuts: list[Cut] | None = None,
                periods: tuple[int, ...] | None = None, use_shifts: bool = True) -> Model:
    """Build the MILP for ``problem`` (optionally a subset of periods, without rosters)."""
    import pulp

    cuts = list(cuts or [])
    periods = tuple(range(len(problem.periods))) if periods is None else periods
    rosters = problem.rosters if use_shifts else ()
    names = _names(problem, periods)
    lp = pulp.LpProblem("hall_staffing", pulp.LpMinimize)
    limits = pool_limits(problem, cuts, periods)
    x, by_kp = add_demand(lp, problem, periods, names)
    n, used, ys = add_pools(lp, problem, periods, names, x, by_kp, limits)
    add_reach(lp, problem, periods, names, used)
    open_, s, cost, hold = add_rosters(lp, problem, periods, names, n, rosters)
    cost += add_training(lp, problem, periods, names, n, hold)
    add_desks(lp, problem, periods, names, open_)
    add_minimum(lp, problem, periods, names, open_)
    add_cuts(lp, problem, periods, names, open_, cuts)
    lp += pulp.lpSum(cost)
    stats = {"variables": len(lp.variables()), "constraints": lp.numConstraints(),
             "binaries": sum(len(v) for v in ys.values())}
    return Model(lp, n, open_, x, s, limits, periods, stats, cost, ys)
