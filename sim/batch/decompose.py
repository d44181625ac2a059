"""Decomposition of a reform's effect into its changes: Shapley values on the batch layer.

A reform is a base scenario plus ``k`` named *changes*, each a partial scenario
(a *patch*, see :func:`merge_patch` and ``docs/decompose.md``). Every
combination (coalition) of changes is a scenario: the base with the patches of
the coalition applied in the order the changes were given. The decomposition
runs those scenarios as one batch experiment (an explicit design whose factors
are the changes, 0 or 1), on the same seed and replication indices, so
replication ``r`` of every coalition sees the same customers (common random
numbers), and records every run in a results store, so an interrupted
decomposition resumes.

For every metric and every replication ``r`` it then computes

- the total effect ``v_r(all) - v_r(none)``;
- the Shapley value of each change (its marginal contribution averaged over
  every order in which the changes could be introduced), which sums to the
  total effect exactly, replication by replication;
- for ``k <= MAX_FULL_CHANGES``, the Möbius terms of the full factorial
  (``m(T) = sum over S in T of (-1)^(|T|-|S|) v(S)``): the main effect of a
  change alone (``|T| = 1``) and the interaction of each set of changes (for a
  pair, ``v(AB) - v(A) - v(B) + v(none)``). They also sum to the total effect,
  and a change's Shapley value is the sum of ``m(T)/|T|`` over the sets ``T``
  holding it (each interaction is shared equally by its members).

Means and Student-t 95 % intervals are taken over the paired replications of
these per-replication figures. Above ``MAX_FULL_CHANGES`` changes, a sampled
design evaluates only the coalitions met along ``permutations`` random orders
of the changes (each with its reverse, antithetic pairs); the Shapley values
then average the marginal contributions along those orders (still summing to
the total exactly) and no interaction terms are reported.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.batch.analysis import DEFAULT_METRICS as DEFAULT_HEADLINE
from sim.batch.experiment import DesignPoint, Experiment
from sim.files.errors import InputError
from sim.files.yaml_reader import read_yaml
from sim.scenario.model import Scenario, load_scenario, scenario_from_dict
from sim.stats import registry
from sim.stats.ci import mean_ci
from sim.stats.hours import reported_hours

#: a decomposition's experiment is named this and the base scenario's name
DECOMPOSE_PREFIX = "decompose "
#: up to this many changes, every one of the 2^k combinations is run
MAX_FULL_CHANGES = 6
#: more changes than this are refused (a sampled design up to here)
MAX_CHANGES = 12
#: random orders (each run with its reverse) in a sampled design, by default
DEFAULT_PERMUTATIONS = 16

#: figures of a decomposition that are not fields of a summary: path -> the registry
#: metric it adds up over every window group (``overall.window_hours``: the staffed
#: window-hours of the hall, the sum of ``by_window.*.staffed_hours``)
TOTALS = {"overall.window_hours": "staffed_hours"}

#: metrics decomposed when none are asked for (those the scenarios produce): the
#: registry's headline figures, the case and journey figures, the staffed window-hours
DEFAULT_METRICS = (
    *DEFAULT_HEADLINE,
    "overall.visits_per_case",
    "overall.lead_time_days_mean",
    "journeys.*.time_in_hall_mean",
    "overall.window_hours",
)

#: sections a patch may set: the scenario's own (``name`` is set by the decomposition)
SECTIONS = tuple(f for f in Scenario.model_fields if f != "name")


# --- changes and patches -----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A named change: a patch read from ``source``."""

    name: str
    source: str
    patch: dict[str, Any]


def load_change(name: str, path: str | Path) -> Change:
    """Read a patch file; its top-level keys must be scenario sections."""
    source = str(path)
    if not Path(path).exists():
        raise InputError(source, "", "file not found")
    data = read_yaml(path)
    if not isinstance(data, dict) or not data:
        raise InputError(source, "", "a patch must be a non-empty mapping of scenario "
                                     f"sections ({', '.join(SECTIONS)})")
    for key in data:
        if key not in SECTIONS:
            raise InputError(source, str(key), f"unknown section '{key}' in a patch (known: "
                                               f"{', '.join(SECTIONS)})")
    if "windows" in data and isinstance(data["windows"], dict):
        for gid, fields in data["windows"].items():
            if fields is not None and not isinstance(fields, dict):
                raise InputError(source, f"windows.{gid}", "a window group patched by id "
                                 "takes a mapping of its fields (or null to remove it)")
    return Change(name, source, data)


#: what a patch names by key in each keyed section, for its messages ("no such window
#: group to remove"); any other mapping's keys are entries
_KEYED = {"windows": "window group", "categories": "item", "journeys": "journey"}
#: the fields a window group added by a patch (an id the base does not have) must give
NEW_GROUP_FIELDS = ("count", "serves")


def _known(keys: Any) -> str:
    """``(known: A, B)``: the keys a patch could have named."""
    return f"(known: {', '.join(str(k) for k in keys) or '-'})"


def merge_patch(base: Any, patch: Any, source: str = "", *, strict: bool = True,
                _where: str = "") -> Any:
    """``base`` with ``patch`` merged in (a new object; neither argument is changed).

    Mappings are merged key by key, recursively; ``null`` removes a key; lists
    and scalars replace what was there (JSON Merge Patch, RFC 7396). One
    addition for window groups: a ``windows`` *mapping* from group id to fields
    merges each group by id (a new id appends a group, ``null`` removes one),
    while a ``windows`` *list* replaces every group.

    A patch that names what is not there is refused with :class:`InputError`
    (``source``, the field path, the problem naming what is there), as a typo would
    otherwise change nothing without a word: a ``null`` removing a key (a window
    group, an item, any field) the base does not have, and a window group the base
    does not have given without the fields a new group needs (:data:`NEW_GROUP_FIELDS`).
    ``strict=False`` lets a ``null`` find nothing to remove (a later patch of a
    combination removing what an earlier one already removed).
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        where = f"{_where}.{key}" if _where else str(key)
        if value is None:
            if key not in out and strict:
                what = _KEYED.get(_where, "entry")
                raise InputError(source, where, f"no such {what} to remove {_known(out)}")
            out.pop(key, None)
        elif key == "windows" and isinstance(value, dict) and isinstance(out.get(key), list):
            out[key] = _merge_groups(out[key], value, source, strict)
        else:
            out[key] = merge_patch(out.get(key), value, source, strict=strict, _where=where)
    return out


def _merge_groups(groups: list[Any], patch: dict[str, Any], source: str,
                  strict: bool) -> list[Any]:
    by_id = {str(g.get("id")): k for k, g in enumerate(groups) if isinstance(g, dict)}
    out = copy.deepcopy(groups)
    drop = set()
    for gid, fields in patch.items():
        gid = str(gid)
        where = f"windows.{gid}"
        if fields is None:
            if gid in by_id:
                drop.add(by_id[gid])
            elif strict:
                raise InputError(source, where,
                                 f"no such window group to remove {_known(by_id)}")
        elif gid in by_id:
            out[by_id[gid]] = merge_patch(out[by_id[gid]], fields, source, strict=strict,
                                          _where=where)
        elif isinstance(fields, dict) and not all(f in fields for f in NEW_GROUP_FIELDS):
            raise InputError(source, where, f"no such window group {_known(by_id)}; a new "
                                            f"group needs {' and '.join(NEW_GROUP_FIELDS)}")
        else:
            out.append({"id": gid, **copy.deepcopy(fields)})
    return [g for k, g in enumerate(out) if k not in drop]


# --- the design --------------------------------------------------------------------


def members(mask: int, k: int) -> list[int]:
    """Indices of the changes in coalition ``mask`` (bit ``i`` = change ``i``)."""
    return [i for i in range(k) if mask >> i & 1]


def sampled_orders(k: int, permutations: int, seed: int) -> list[tuple[int, ...]]:
    """``permutations`` random orders of ``k`` changes, each followed by its reverse."""
    rng = np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(0x5A9,)))
    orders = []
    for _ in range(permutations):
        order = tuple(int(x) for x in rng.permutation(k))
        orders += [order, order[::-1]]
    return orders


def design_masks(k: int, orders: Sequence[tuple[int, ...]] | None) -> list[int]:
    """Coalitions to run: all 2^k, or those met along ``orders`` (by size, then mask)."""
    if orders is None:
        return list(range(2 ** k))
    masks = {0}
    for order in orders:
        m = 0
        for i in order:
            m |= 1 << i
            masks.add(m)
    return sorted(masks, key=lambda m: (bin(m).count("1"), m))


@dataclass(frozen=True)
class Plan:
    """A decomposition ready to run: the experiment of its coalitions, and how to read it."""

    experiment: Experiment
    changes: tuple[Change, ...]
    masks: tuple[int, ...]
    orders: tuple[tuple[int, ...], ...] | None

    @property
    def k(self) -> int:
        """Number of changes."""
        return len(self.changes)

    @property
    def base_name(self) -> str:
        """The base scenario's name (the experiment is named ``decompose NAME``)."""
        return self.experiment.name.removeprefix(DECOMPOSE_PREFIX)

    @property
    def design(self) -> str:
        """``full`` (every combination) or ``sampled`` (orders)."""
        return "full" if self.orders is None else "sampled"


def plan_decomposition(base_path: str | Path, changes: Sequence[Change], replications: int,
                       seed: int = 1, days: int | None = None,
                       permutations: int = DEFAULT_PERMUTATIONS) -> Plan:
    """Build the experiment of every coalition the design needs, checking every scenario.

    Raises :class:`InputError` for no change, duplicate names, too many changes
    or a patch (or combination of patches) that makes an invalid scenario.
    """
    k = len(changes)
    if k == 0:
        raise InputError("", "--change", "give at least one change (NAME=PATCH.yaml)")
    if k > MAX_CHANGES:
        raise InputError("", "--change", f"{k} changes: at most {MAX_CHANGES} can be "
                                         "decomposed (group related changes into one patch)")
    names = [c.name for c in changes]
    for n in names:
        if names.count(n) > 1:
            raise InputError("", "--change", f"two changes are called '{n}'")
        if n in ("point", "scenario", "label", "factors", "scenario_json", "error"):
            raise InputError("", "--change", f"'{n}' is reserved; name the change otherwise")
    base = load_scenario(base_path)
    if days is not None:
        base = base.with_days(days)
    base_data = base.to_dict()
    orders = None if k <= MAX_FULL_CHANGES else sampled_orders(k, permutations, seed)
    masks = design_masks(k, orders)
    # every change alone first, so that a bad patch is blamed on its own file
    for i in range(k):
        _coalition(base_data, changes, 1 << i, base.name)
    points = []
    for pid, mask in enumerate(masks):
        scenario = _coalition(base_data, changes, mask, base.name)
        flags = {c.name: int(mask >> i & 1) for i, c in enumerate(changes)}
        points.append(DesignPoint(pid, base.name, flags, scenario))
    definition = {
        "name": f"{DECOMPOSE_PREFIX}{base.name}",
        "kind": "decompose",
        "scenarios": {base.name: base_data},
        "changes": {c.name: c.patch for c in changes},
        "factors": names,
        "design": "explicit",
        "decomposition": "full" if orders is None else "sampled",
        "orders": orders,
        "points": [{"point": p.point, "base": p.base, "factors": p.factors} for p in points],
        "replications": replications,
        "seed": seed,
        "on_invalid": "stop",
    }
    experiment = Experiment(definition["name"], str(base_path), tuple(names), tuple(points),
                            replications, seed, "explicit", "stop", 0, definition)
    return Plan(experiment, tuple(changes), tuple(masks),
                None if orders is None else tuple(orders))


def _coalition(base_data: dict[str, Any], changes: Sequence[Change], mask: int,
               base_name: str) -> Scenario:
    data = base_data
    chosen = [changes[i] for i in members(mask, len(changes))]
    try:
        # every change alone is merged strictly first (plan_decomposition): in a
        # combination, a later patch may find gone what an earlier one removed
        for change in chosen:
            data = merge_patch(data, change.patch, change.source, strict=len(chosen) == 1)
        data = {**data, "name": base_name + "".join(f"+{c.name}" for c in chosen)}
        if len(chosen) == 1:
            return scenario_from_dict(data, chosen[0].source)
        return scenario_from_dict(data, "")
    except InputError as exc:
        if len(chosen) == 1:
            raise
        raise InputError(" + ".join(c.source for c in chosen), exc.path,
                         f"the changes {' + '.join(c.name for c in chosen)} together make "
                         f"an invalid scenario: {exc.problem}") from None


#: sections of a summary whose second part names something of the scenario, and the
#: word for it in messages (backoffice stages and waiting areas are not checked)
NAMED_SECTIONS = {"by_category": "item", "by_window": "window group", "by_hour": "hour",
                  "journeys": "journey"}


def _names(scenario: Scenario, section: str) -> list[str]:
    """What ``section`` of the scenario's summaries is keyed by: its items, window
    groups, reported hours ("09") or journeys."""
    if section == "by_category":
        return list(scenario.categories)
    if section == "by_window":
        return [g.id for g in scenario.windows]
    if section == "by_hour":
        return [f"{h:02d}" for h in reported_hours(scenario)]
    return list(scenario.journeys)


def check_metric_paths(plan: Plan, metrics: Sequence[str] | None) -> None:
    """Refuse, before any run, a ``--metric`` the runs cannot produce: a figure the
    registry does not define, or an item, window group, hour or journey that neither
    the base scenario nor any combination of changes has (:class:`InputError` on
    ``--metric``, naming it and what there is). ``*`` matches anything."""
    scenarios = [p.scenario for p in plan.experiment.points]
    for metric in metrics or []:
        if metric in TOTALS:
            continue
        try:
            registry.resolve(metric)
        except ValueError as exc:
            raise InputError("", "--metric", str(exc)) from None
        section, *rest = metric.split(".")
        if section not in NAMED_SECTIONS or len(rest) < 2 or rest[0] == "*":
            continue
        known: list[str] = []
        for sc in scenarios:
            known += [n for n in _names(sc, section) if n not in known]
        if rest[0] not in known:
            what = NAMED_SECTIONS[section]
            raise InputError("", "--metric", f"'{metric}': no {what} '{rest[0]}' in the base "
                                             f"scenario or its changes {_known(known)}")


# --- reading the runs --------------------------------------------------------------


def metric_value(summary: dict[str, Any], metric: str) -> float:
    """A metric of one run's summary by dotted path (NaN when absent).

    A path of :data:`TOTALS` (``overall.window_hours``) is the sum of its metric over
    every window group (``by_window.*.staffed_hours``) unless the summary has it itself;
    ``journeys.NAME.time_in_hall_mean`` etc. are read like any other path.
    """
    node: Any = summary
    for key in metric.split("."):
        if not isinstance(node, dict) or key not in node:
            node = None
            break
        node = node[key]
    if node is None and metric in TOTALS:
        groups = summary.get("by_window", {})
        return float(sum(g.get(TOTALS[metric], 0.0) for g in groups.values())) \
            if groups else math.nan
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        return math.nan
    return float(node)


def expand_metrics(wanted: Sequence[str], summary: dict[str, Any]) -> list[str]:
    """Metric paths, with ``*`` expanded against a summary; those it lacks are dropped."""
    out: list[str] = []
    for pattern in wanted:
        parts = pattern.split(".")
        paths: list[list[str]] = [[]]
        for part in parts:
            new = []
            for p in paths:
                node: Any = summary
                for key in p:
                    node = node.get(key, {}) if isinstance(node, dict) else {}
                keys = list(node) if part == "*" and isinstance(node, dict) else [part]
                new += [p + [key] for key in keys]
            paths = new
        for p in paths:
            name = ".".join(p)
            if not math.isnan(metric_value(summary, name)) and name not in out:
                out.append(name)
    return out


def values_matrix(store: Any, plan: Plan, metric: str) -> np.ndarray:
    """Replications x coalitions (in ``plan.masks`` order) of one metric; NaN if missing."""
    r = plan.experiment.replications
    out = np.full((r, len(plan.masks)), np.nan)
    for pid in range(len(plan.masks)):
        for rep, summary in store.summaries(pid):
            if rep < r:
                out[rep, pid] = metric_value(summary, metric)
    return out


# --- the arithmetic ----------------------------------------------------------------


def shapley_full(values: np.ndarray, k: int) -> np.ndarray:
    """Shapley values per row: ``values`` is rows x 2^k (column = coalition mask).

    Returns rows x k; each row sums to ``values[:, -1] - values[:, 0]`` (up to
    rounding).
    """
    out = np.zeros((values.shape[0], k))
    for i in range(k):
        for mask in range(2 ** k):
            if mask >> i & 1:
                continue
            s = bin(mask).count("1")
            weight = math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k)
            out[:, i] += weight * (values[:, mask | 1 << i] - values[:, mask])
    return out


def shapley_orders(values: np.ndarray, masks: Sequence[int], orders: Sequence[tuple[int, ...]],
                   k: int) -> np.ndarray:
    """Shapley values per row estimated along ``orders`` (marginal contributions averaged)."""
    col = {m: j for j, m in enumerate(masks)}
    out = np.zeros((values.shape[0], k))
    for order in orders:
        m = 0
        for i in order:
            out[:, i] += values[:, col[m | 1 << i]] - values[:, col[m]]
            m |= 1 << i
    return out / len(orders)


def mobius(values: np.ndarray, k: int) -> np.ndarray:
    """Möbius terms per row (rows x 2^k): ``m(T) = sum_{S in T} (-1)^{|T|-|S|} v(S)``.

    Column 0 is ``v(none)``; column ``1 << i`` the effect of change ``i`` alone;
    the others the interactions. They sum to ``v(all)``.
    """
    m = values.astype(float).copy()
    for i in range(k):  # fast Möbius transform over the subset lattice
        bit = 1 << i
        for mask in range(2 ** k):
            if mask & bit:
                m[:, mask] -= m[:, mask ^ bit]
    return m


def interval(x: np.ndarray) -> dict[str, float]:
    """Mean and Student-t 95% interval (:func:`sim.stats.ci.mean_ci`) of paired
    per-replication figures, NaN rows dropped: ``mean, ci`` (half-width), ``low, high, n``."""
    x = np.asarray(x, dtype=float)
    n = int(np.count_nonzero(~np.isnan(x)))
    mean, half = mean_ci(x)
    return {"mean": mean, "ci": half, "low": mean - half, "high": mean + half, "n": n}


def coalition_label(mask: int, names: Sequence[str]) -> str:
    """``A+B`` for a coalition, ``(none)`` for the empty one."""
    return "+".join(names[i] for i in members(mask, len(names))) or "(none)"


#: a total effect this small beside the levels it is the difference of is nil (rounding)
NIL_TOTAL = 1e-12


def share_defined(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether shares of the total effect ``mean(after - before)`` are defined: not when
    the total is nil (no change moved the metric, or only by rounding), since a share
    of nothing is undefined."""
    if not len(before):
        return False
    total = float(np.mean(after - before))
    scale = max(abs(float(np.mean(before))), abs(float(np.mean(after))))
    return math.isfinite(total) and abs(total) > NIL_TOTAL * scale


def decompose_metric(values: np.ndarray, plan: Plan) -> dict[str, Any]:
    """The decomposition of one metric from its replications x coalitions matrix."""
    k, names = plan.k, [c.name for c in plan.changes]
    ok = ~np.isnan(values).any(axis=1)
    v = values[ok]
    last = plan.masks.index(2 ** k - 1)
    total = v[:, last] - v[:, 0]
    if plan.orders is None:
        phi = shapley_full(v, k)
    else:
        phi = shapley_orders(v, plan.masks, plan.orders, k)
    out: dict[str, Any] = {
        "replications_used": int(ok.sum()),
        "base": interval(v[:, 0]),
        "all_changes": interval(v[:, last]),
        "total_effect": interval(total),
        "shapley": {n: interval(phi[:, i]) for i, n in enumerate(names)},
        "shapley_share": {n: (float(np.mean(phi[:, i]) / np.mean(total))
                              if share_defined(v[:, 0], v[:, last]) else math.nan)
                          for i, n in enumerate(names)},
        "max_sum_residual": float(np.max(np.abs(phi.sum(axis=1) - total))) if len(v) else 0.0,
    }
    if plan.orders is None:
        m = mobius(v, k)
        out["alone"] = {n: interval(m[:, 1 << i]) for i, n in enumerate(names)}
        out["interactions"] = {coalition_label(mask, names): interval(m[:, mask])
                               for mask in range(2 ** k) if bin(mask).count("1") >= 2}
        out["coalitions"] = {coalition_label(mask, names): interval(v[:, mask])
                             for mask in range(2 ** k)}
    return out


def metric_label(metric: str, name_of: Callable[[str], str] | None = None,
                 words: Callable[[str], str] = str) -> str:
    """The name of a decomposed metric path: its registry figure's name, a path of
    :data:`TOTALS` saying it adds up every window group ("staffed, all window
    groups"), a journey's figure naming its journey ("time in hall (二手房)").

    In English (the document's ``label``); a caller in the language in use passes how a
    figure is named there (``name_of``: :func:`sim.report.i18n.metric_name`) and its words
    (``words``: ``tr``), so the terminal table, the waterfall and the web page's tab and
    export share this one definition (and sim.batch does not import sim.report).
    """
    key = TOTALS.get(metric, metric)
    name = (name_of or registry.label)(key)
    if metric in TOTALS:
        return words("{label}, all window groups").format(label=name)
    if metric.startswith("journeys.") and metric.count(".") >= 2:
        return words("{label} ({journey})").format(label=name, journey=metric.split(".")[1])
    return name


def metric_info(metric: str) -> dict[str, Any]:
    """Label, unit and direction of a metric path, from the metric registry
    (:mod:`sim.stats.registry`): ``{"label", "unit", "direction"}``.

    The unit is the registry's display unit: shares are stored as fractions and
    shown in percent (``"%"``). The label is :func:`metric_label`'s, in English.
    Raises ValueError for a figure the registry does not define.
    """
    name = TOTALS.get(metric, metric.rsplit(".", 1)[-1])
    if name not in registry.METRICS:
        raise ValueError(f"unknown metric '{metric}': no figure '{name}' in the registry")
    m = registry.metric(name)
    return {"label": metric_label(metric), "unit": m.unit, "direction": m.direction}


def decomposition_document(store: Any, plan: Plan, metrics: Sequence[str] | None = None
                           ) -> dict[str, Any]:
    """The decomposition of every metric (the ``--json`` document, docs/decompose.md)."""
    first = store.summaries(0)
    if not first:
        raise ValueError("no finished run of the base scenario in the store")
    names = expand_metrics(metrics or DEFAULT_METRICS, first[0][1])
    if not names:  # check_metric_paths let them through: figures undefined in these runs
        raise ValueError(f"none of the metrics asked for ({', '.join(metrics or [])}) is "
                         "defined in the base scenario's runs (e.g. case figures without "
                         "case flow)")
    exp = plan.experiment
    doc: dict[str, Any] = {
        "base": exp.source,
        "changes": [{"name": c.name, "patch": c.source} for c in plan.changes],
        "design": plan.design,
        "combinations": len(plan.masks),
        "orders": None if plan.orders is None else len(plan.orders),
        "replications": exp.replications,
        "seed": exp.seed,
        "metrics": {},
    }
    for metric in names:
        doc["metrics"][metric] = {**metric_info(metric),
                                  **decompose_metric(values_matrix(store, plan, metric), plan)}
    return doc


def run_decomposition(plan: Plan, store_path: str | Path, executor: Any,
                      metrics: Sequence[str] | None = None,
                      progress: Any = None) -> dict[str, Any]:
    """Run (or resume) every coalition's replications into a store; decompose them."""
    from sim.batch.experiment import run_experiment
    from sim.batch.store import Store

    check_metric_paths(plan, metrics)
    with Store.for_experiment(store_path, plan.experiment) as store:
        report = run_experiment(plan.experiment, store, executor, progress=progress)
        if report.failed or store.counts().get("ok", 0) < plan.experiment.runs:
            bad = store.runs_frame().query("status != 'ok'")
            first = bad.iloc[0] if len(bad) else None
            raise RuntimeError(f"{len(bad)} runs failed" + (
                f" (first: point {first['point']} replication {first['replication']}: "
                f"{first['error']})" if first is not None else ""))
        return decomposition_document(store, plan, metrics)
