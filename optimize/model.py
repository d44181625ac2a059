"""The staffing MILP (PuLP), with named constraints.

Indices: types ``k``, periods ``p``, categories ``c``, pool sizes ``m``, shift
templates ``j``. Variables:

- ``n[k,p]`` integer: windows of type ``k`` the queueing constraint relies on in ``p``;
- ``x[c,k,p] >= 0``: erlangs of category ``c``'s load routed to type ``k`` in ``p``
  (continuous allocation: a window's capacity is split across the items it serves);
- ``y[k,p,m]`` binary: the pool of type ``k`` in ``p`` has exactly ``m`` windows;
- ``s[k,j]`` integer (with shifts): staff of type ``k`` working shift ``j``;
- ``h[k]`` integer (with training costs and no shifts): people holding type ``k``.

Constraints (names as written to ``--lp``):

- ``demand_<c>_<p>``:     ``sum_k x[c,k,p] = load[c,p]``;
- ``capacity_<k>_<p>``:   ``sum_c f[k,c] x[c,k,p] <= sum_m Lmax_k(m) y[k,p,m]``
  (``f`` the speed factor, ``Lmax_k`` the type's staffing table: pooling economies);
- ``select_<k>_<p>``:     ``sum_m y[k,p,m] <= 1`` (none selected = no window);
- ``count_<k>_<p>``:      ``n[k,p] = sum_m m y[k,p,m]``;
- ``reach_<c>_<p>``:      ``sum_{k serving c} sum_m y[k,p,m] >= 1`` (some open type serves
  an item with load: implied by the integer model, it tightens the LP relaxation);
- ``cover_<k>_<p>``:      ``sum_j covers[j,p] s[k,j] >= n[k,p]`` (shifts only);
- ``desks_<p>``:          windows open in ``p`` (staff on duty, with shifts) ``<= desks``;
- ``headcount_<k>_<p>``:  ``h[k] >= n[k,p]`` (training costs without shifts);
- ``cut<i>_<c>_<p>``:     windows open in ``p`` that may serve ``c`` ``>= b`` (certification).

Objective: staffed window-hours (or whole shifts) times cost per hour, plus the
training cost per extra authorisation per person holding the type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from optimize.problem import Problem
from optimize.spec import ShiftSpec
from sim.spec.clock import parse_hhmm


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
    n_max: dict[int, int]
    periods: tuple[int, ...]
    stats: dict[str, int] = field(default_factory=dict)


def _clean(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def covers(shift: ShiftSpec, start: float, end: float) -> bool:
    """Whether a shift has staff on duty for the whole of ``[start, end)``."""
    s0 = parse_hhmm(shift.start)
    if not (s0 <= start and end <= s0 + shift.length):
        return False
    if shift.lunch is None:
        return True
    l0 = parse_hhmm(shift.lunch.start)
    return end <= l0 or start >= l0 + shift.lunch.minutes


def n_max_of(problem: Problem, cuts: list[Cut]) -> dict[int, int]:
    """Largest pool size tabulated per type: enough to carry all its load, or a cut's need."""
    desks = problem.spec.desks
    out = {}
    for k, t in enumerate(problem.types):
        need = problem.windows_to_carry_all(t)
        for cut in cuts:
            if cut.category in t.serves:
                need = max(need, cut.at_least)
        out[k] = need if desks is None else min(desks, need)
    return out


def build_model(problem: Problem, cuts: list[Cut] | None = None,
                periods: tuple[int, ...] | None = None, use_shifts: bool = True) -> Model:
    """Build the MILP for ``problem`` (optionally a subset of periods, without shifts)."""
    import pulp

    cuts = list(cuts or [])
    spec = problem.spec
    periods = tuple(range(len(problem.periods))) if periods is None else periods
    shifts = spec.shifts if use_shifts else None
    types = problem.types
    cidx = {c: i for i, c in enumerate(problem.categories)}
    lp = pulp.LpProblem("hall_staffing", pulp.LpMinimize)
    n_max = n_max_of(problem, cuts)
    cut_cells = {(cut.category, cut.period) for cut in cuts}
    tname = {k: f"{k}_{_clean(t.id)}" for k, t in enumerate(types)}
    cname = {c: f"{i}_{_clean(c)}" for c, i in cidx.items()}
    plabel = {p: problem.periods[p].label.replace(":", "") for p in periods}

    x: dict[tuple[int, int, int], Any] = {}
    by_kp: dict[tuple[int, int], list[int]] = {}
    by_cp: dict[tuple[int, int], list[Any]] = {}
    for p in periods:
        for k, t in enumerate(types):
            for c in t.serves:
                i = cidx[c]
                if problem.load[i, p] > 0:
                    x[i, k, p] = lp.add_variable(f"x_{cname[c]}_{tname[k]}_{plabel[p]}", 0)
                    by_kp.setdefault((k, p), []).append(i)
                    by_cp.setdefault((i, p), []).append(x[i, k, p])
    n: dict[tuple[int, int], Any] = {}
    used: dict[tuple[int, int], Any] = {}
    n_binaries = 0
    for p in periods:
        for k, t in enumerate(types):
            routed = by_kp.get((k, p), [])
            wanted = bool(routed) or any((c, p) in cut_cells for c in t.serves)
            top = n_max[k] if wanted else 0
            n[k, p] = lp.add_variable(f"n_{tname[k]}_{plabel[p]}", 0, top, cat="Integer")
            if top == 0:
                continue
            table = problem.table(t, n_max[k])
            y = {m: lp.add_variable(f"y_{tname[k]}_{plabel[p]}_{m}", cat="Binary")
                 for m in range(1, top + 1)}
            n_binaries += len(y)
            used[k, p] = pulp.lpSum(y.values())
            lp += used[k, p] <= 1, f"select_{tname[k]}_{plabel[p]}"
            lp += n[k, p] == pulp.lpSum(m * v for m, v in y.items()), \
                f"count_{tname[k]}_{plabel[p]}"
            lp += (pulp.lpSum(t.factor(problem.categories[i]) * x[i, k, p] for i in routed)
                   <= pulp.lpSum(float(table[m]) * v for m, v in y.items()),
                   f"capacity_{tname[k]}_{plabel[p]}")
    for p in periods:
        for c, i in cidx.items():
            if problem.load[i, p] > 0:
                lp += (pulp.lpSum(by_cp.get((i, p), [])) == float(problem.load[i, p]),
                       f"demand_{cname[c]}_{plabel[p]}")
                lp += (pulp.lpSum(used[k, p] for k, t in enumerate(types)
                                  if c in t.serves and (k, p) in used) >= 1,
                       f"reach_{cname[c]}_{plabel[p]}")

    s: dict[tuple[int, str], Any] = {}
    open_: dict[tuple[int, int], Any] = {}
    cost_terms = []
    hold: dict[int, Any] = {}
    if shifts:
        for k, t in enumerate(types):
            for j, shift in shifts.items():
                s[k, j] = lp.add_variable(f"s_{tname[k]}_{_clean(j)}", 0, cat="Integer")
                price = shift.cost if shift.cost is not None \
                    else shift.paid_minutes / 60.0 * t.cost_per_hour
                cost_terms.append(price * s[k, j])
            hold[k] = pulp.lpSum(s[k, j] for j in shifts)
            for p in periods:
                per = problem.periods[p]
                on = [s[k, j] for j, sh in shifts.items() if covers(sh, per.start, per.end)]
                open_[k, p] = pulp.lpSum(on)
                lp += open_[k, p] >= n[k, p], f"cover_{tname[k]}_{plabel[p]}"
    else:
        for k, t in enumerate(types):
            for p in periods:
                open_[k, p] = n[k, p]
                cost_terms.append(t.cost_per_hour * problem.periods[p].hours * n[k, p])
    if spec.training_cost > 0:
        for k, t in enumerate(types):
            if t.extra_authorisations == 0:
                continue
            if k not in hold:
                hold[k] = lp.add_variable(f"h_{tname[k]}", 0, cat="Integer")
                for p in periods:
                    lp += hold[k] >= n[k, p], f"headcount_{tname[k]}_{plabel[p]}"
            cost_terms.append(spec.training_cost * t.extra_authorisations * hold[k])
    if spec.desks is not None:
        for p in periods:
            lp += pulp.lpSum(open_[k, p] for k in range(len(types))) <= spec.desks, \
                f"desks_{plabel[p]}"
    for q, cut in enumerate(cuts):
        if cut.period not in periods:
            continue
        lp += (pulp.lpSum(open_[k, cut.period] for k, t in enumerate(types)
                          if cut.category in t.serves) >= cut.at_least,
               f"cut{q}_{cname[cut.category]}_{plabel[cut.period]}")
    lp += pulp.lpSum(cost_terms)
    stats = {"variables": len(lp.variables()), "constraints": lp.numConstraints(),
             "binaries": n_binaries}
    return Model(lp, n, open_, x, s, n_max, periods, stats)
