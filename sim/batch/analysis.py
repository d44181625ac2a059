"""Analysis of batch results: per-point summaries, paired comparisons, main effects
(crossed designs) and linear effects (Latin hypercubes and lists of points).

Every function takes the tidy table (one row per run and metric, as
:meth:`sim.batch.store.Store.metrics_frame` and ``hallsim batch export`` give it:
``point, scenario, <factor columns>, replication, seed, metric, section, item,
name, value``) and returns a pandas DataFrame; :func:`sim.report.tables.batch_summary`
prints them with the one table renderer. Confidence
intervals are Student-t 95% half-widths over replications
(:mod:`sim.stats.ci`), as in the results document; metric names, labels and
units come from the metric registry (:mod:`sim.stats.registry`).

It also holds :func:`run_profile`, the per-run figures that need records (wait
quantiles, utilisation by hour), computed in the worker next to the summary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.batch.experiment import TIDY_COLUMNS
from sim.stats import registry
from sim.stats.ci import half_width, paired_ci, unpaired_ci
from sim.stats.staffing import window_time

#: metrics shown when none are asked for (the registry's headline figures)
DEFAULT_METRICS = tuple(f"overall.{k}" for k in registry.HEADLINE)

#: percentiles kept per run for the waiting-time distribution
QUANTILE_LEVELS = tuple(range(101))


# --- per-run profile (computed in the worker) --------------------------------------


def run_profile(scenario: Any, records: Any) -> dict[str, Any]:
    """Figures of one run that need its records, small enough to store per run.

    - ``wait_quantiles``: waits (minutes) of served tickets taken after the
      warm-up at percentiles 0, 1, ..., 100 (None if nobody was served);
    - ``utilisation_by_hour``: per window group and hour of day (``"08"``),
      busy time over staffed time (:func:`utilisation_by_hour`), over the days
      after the warm-up.
    """
    from sim.engine.records import SERVED
    from sim.scenario.clock import MINUTES_PER_DAY

    w0 = scenario.hall.warmup_days * MINUTES_PER_DAY
    keep = (records.arrival >= w0) & (records.outcome == SERVED)
    return {"wait_quantiles": wait_quantiles((records.call - records.arrival)[keep]),
            "utilisation_by_hour": utilisation_by_hour(scenario, records)}


def wait_quantiles(waits: np.ndarray) -> list[float] | None:
    """Waits (minutes) of the served tickets of one run at the percentiles
    :data:`QUANTILE_LEVELS` (None if nobody was served): what a run keeps of its
    waiting-time distribution, in a store or read back from a records file."""
    waits = np.asarray(waits, dtype=float)
    return np.percentile(waits, QUANTILE_LEVELS).tolist() if len(waits) else None


def utilisation_by_hour(scenario: Any, records: Any) -> dict[str, dict[str, float]]:
    """Busy / staffed window time per group and hour of day (``"08"``), over the days
    after the warm-up, from :func:`sim.stats.staffing.window_time` (the one staffed-time
    source, closing overtime included). Only hours in which the hall is open are listed:
    an hour when it is closed holds nothing but overtime spent finishing held tickets,
    busy all of its staffed time by definition, which a heatmap would show as a
    misleading 100 % (that overtime still counts in the overall and per-group figures).
    NaN where the group has no staffed time in an open hour."""
    from sim.scenario.clock import MINUTES_PER_DAY

    hall = scenario.hall
    wt = window_time(records, hall.warmup_days * MINUTES_PER_DAY,
                       hall.days * MINUTES_PER_DAY)
    util = wt.hourly_utilisation()
    hours = [h for h in range(24) if any(hall.is_open_at(60 * h + m) for m in range(0, 60, 5))]
    return {name: {f"{h:02d}": float(util[gi, h]) for h in hours}
            for gi, name in enumerate(records.group_names)}


# --- summaries ---------------------------------------------------------------------


def factor_columns(tidy: pd.DataFrame) -> list[str]:
    """The factor columns of a tidy table (everything that is not a fixed column)."""
    return [c for c in tidy.columns if c not in TIDY_COLUMNS]


def check_metrics(tidy: pd.DataFrame, metrics: Sequence[str] | None) -> None:
    """Raise ValueError naming the first of ``metrics`` that is not a known metric
    path (:func:`sim.stats.registry.resolve`) or that the results do not hold."""
    known = set(tidy["metric"])
    for m in metrics or []:
        registry.resolve(m)
        if m not in known:
            items = sorted({k for k in known if k.rsplit(".", 1)[-1] == m.rsplit(".", 1)[-1]})
            hint = f" (held: {', '.join(items[:6])})" if items else ""
            raise ValueError(f"no results for metric '{m}'{hint}")


def categories_by_point(tidy: pd.DataFrame) -> dict[int, frozenset[str]]:
    """The categories each design point reports (its ``by_category`` items)."""
    cats = tidy.loc[tidy["section"] == "by_category", ["point", "item"]].drop_duplicates()
    out = {int(p): frozenset() for p in tidy["point"].unique()}
    for p, grp in cats.groupby("point"):
        out[int(p)] = frozenset(grp["item"])
    return out


def _select(tidy: pd.DataFrame, metrics: Sequence[str] | None) -> pd.DataFrame:
    if metrics:
        missing = [m for m in metrics if m not in set(tidy["metric"])]
        if missing:
            raise KeyError(f"no metric {missing[0]!r} in the results (e.g. "
                           f"{', '.join(list(dict.fromkeys(tidy['metric']))[:5])})")
        return tidy[tidy["metric"].isin(metrics)]
    return tidy


def point_summary(tidy: pd.DataFrame, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Per design point and metric: mean over replications, 95% CI half-width, n.

    Columns: ``point, scenario, <factors>, metric, mean, ci95, n`` (NaN values,
    e.g. the wait of a category that served nobody, are left out of the mean).
    """
    data = _select(tidy, metrics)
    keys = ["point", "scenario", *factor_columns(tidy), "metric"]
    order = {m: k for k, m in enumerate(dict.fromkeys(data["metric"]))}
    rows = []
    for key, grp in data.groupby(["point", "metric"], sort=False):
        vals = grp["value"].to_numpy(dtype=float)
        good = vals[~np.isnan(vals)]
        first = grp.iloc[0]
        rows.append({**{k: first[k] for k in keys if k != "metric"}, "metric": key[1],
                     "mean": float(good.mean()) if len(good) else math.nan,
                     "ci95": half_width(good), "n": int(len(good))})
    out = pd.DataFrame(rows, columns=[*keys, "mean", "ci95", "n"])
    out["_o"] = out["metric"].map(order)
    return out.sort_values(["point", "_o"]).drop(columns="_o").reset_index(drop=True)


def welch_halfwidth(a: Sequence[float], b: Sequence[float]) -> float:
    """95% half-width of ``mean(b) - mean(a)`` treating the samples as independent (Welch)."""
    return unpaired_ci(a, b)[1]


def paired_comparison(tidy: pd.DataFrame, baseline: int = 0,
                      metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Every other point against ``baseline``, replication by replication.

    Columns: ``point, scenario, <factors>, metric, baseline, candidate, diff``
    (candidate - baseline), ``ci95`` (paired), ``ci95_unpaired`` (Welch, as if
    the points had independent seeds), ``ratio`` (paired / unpaired
    half-width: below 1 when common random numbers help), ``significant``,
    ``paired``.

    Points are paired with the baseline only when they share at least one
    category with it (only then do common random numbers give both the same
    citizens); other points get Welch's unpaired interval as ``ci95`` and
    ``paired`` False.
    """
    cats = categories_by_point(tidy)
    wanted = [m for m in (metrics or DEFAULT_METRICS) if m in set(tidy["metric"])]
    data = _select(tidy, wanted)
    if baseline not in set(data["point"]):
        raise KeyError(f"baseline point {baseline} has no results")
    wide = data.pivot_table(index=["metric", "replication"], columns="point", values="value",
                            aggfunc="first", dropna=False)
    info = data.drop_duplicates("point").set_index("point")
    facs = factor_columns(tidy)
    rows = []
    for metric in wanted:
        block = wide.loc[metric]
        base = block[baseline]
        for point in block.columns:
            if point == baseline:
                continue
            both = pd.concat([base, block[point]], axis=1).dropna()
            a, b = both.iloc[:, 0].tolist(), both.iloc[:, 1].tolist()
            paired = bool(cats.get(int(point), frozenset()) & cats.get(baseline, frozenset()))
            welch = unpaired_ci(base.dropna(), block[point].dropna())
            unpaired = welch[1]
            diff, half = paired_ci(a, b) if paired else welch
            pdiff = {"diff": diff, "ci95": half}
            rows.append({
                "point": point, "scenario": info.at[point, "scenario"],
                **{f: info.at[point, f] for f in facs}, "metric": metric,
                "baseline": float(np.mean(a)) if a else math.nan,
                "candidate": float(np.mean(b)) if b else math.nan,
                "diff": pdiff["diff"], "ci95": pdiff["ci95"], "ci95_unpaired": unpaired,
                "ratio": pdiff["ci95"] / unpaired if unpaired > 0 else math.nan,
                "significant": bool(len(a) >= 2 and abs(pdiff["diff"]) > pdiff["ci95"]),
                "paired": paired,
            })
    return pd.DataFrame(rows)


def main_effects(tidy: pd.DataFrame, metric: str = "overall.wait_mean",
                 bins: int = 5) -> pd.DataFrame:
    """Main effect of each factor on ``metric``, per base scenario.

    For each level of a factor: the mean of ``metric`` over every design point
    at that level (other factors averaged over the design), and the effect =
    that mean minus the mean over all points of the scenario. Both are computed
    per replication first, so ``ci95`` is a paired interval over replications.
    A factor with more than 10 distinct numeric levels (a Latin hypercube) is
    cut into ``bins`` quantile bins, labelled by their mean level.
    Columns: ``scenario, factor, level, n_points, mean, ci95, effect, effect_ci95``.
    """
    data = _select(tidy, [metric])
    rows = []
    for scen, sdata in data.groupby("scenario", sort=False):
        grand = sdata.groupby("replication")["value"].mean()
        for factor in factor_columns(tidy):
            levels = sdata[factor]
            key = levels.map(_hashable)
            numeric = pd.to_numeric(levels, errors="coerce")
            if numeric.notna().all() and key.nunique() > 10:
                cut = pd.qcut(numeric, q=bins, duplicates="drop")
                key = cut.map(lambda iv: f"{iv.left:.3g}–{iv.right:.3g}").astype(str)
                centre = numeric.groupby(key).mean()
            else:
                centre = None
            for level, ldata in sdata.groupby(key, sort=False):
                per_rep = ldata.groupby("replication")["value"].mean()
                eff = (per_rep - grand.reindex(per_rep.index)).dropna()
                lvl = centre[level] if centre is not None else ldata[factor].iloc[0]
                rows.append({"scenario": scen, "factor": factor, "level": lvl,
                             "n_points": int(ldata["point"].nunique()),
                             "mean": float(per_rep.mean()),
                             "ci95": half_width(per_rep),
                             "effect": float(eff.mean()) if len(eff) else math.nan,
                             "effect_ci95": half_width(eff)})
    out = pd.DataFrame(rows, columns=["scenario", "factor", "level", "n_points", "mean", "ci95",
                                      "effect", "effect_ci95"])
    if len(out):
        out["_n"] = pd.to_numeric(out["level"], errors="coerce")
        out = out.sort_values(["scenario", "factor", "_n"], kind="stable").drop(columns="_n")
    return out.reset_index(drop=True)


def crossed(tidy: pd.DataFrame) -> bool:
    """Whether each base scenario's design points hold every combination of its factors'
    levels (a full factorial): only then is a level's mean over the other factors free of
    them, and :func:`main_effects` reads as effects. A Latin hypercube or a list of
    points is not crossed: read :func:`linear_effects` there."""
    facs = factor_columns(tidy)
    points = tidy.drop_duplicates("point")
    for _, part in points.groupby("scenario", sort=False):
        keys = part[facs].map(_hashable) if facs else part[[]]
        varying = [f for f in facs if keys[f].nunique() > 1]
        if not varying:  # one point, or copies of one: nothing to cross
            continue
        combos = math.prod(keys[f].nunique() for f in varying)
        if len(keys[varying].drop_duplicates()) != combos:
            return False
    return True


def linear_effects(tidy: pd.DataFrame, metric: str = "overall.wait_mean") -> pd.DataFrame:
    """Linear effect of each factor on ``metric``, per base scenario, all factors at once:
    least squares of the design points' means (over replications) on the factors (a
    numeric factor as it is; another as one indicator per level against its first).

    ``slope`` is the change per unit of the factor, ``effect`` the change over its range
    in the design (slope x (highest - lowest); an indicator's coefficient as it is), each
    with the Student-t 95% half-width from the points' spread around the fit (NaN with
    no degree of freedom left). The points' spread holds what the line leaves out (the
    factors' curvature and interactions) as well as the simulation's noise, so the
    interval covers both; ``r2`` says how much of the points' spread the line explains.
    Factors that move together in every point (aliased: the design cannot tell their
    effects apart) get NaN rather than an arbitrary split.
    The analysis for designs that are not crossed (:func:`crossed`), where a level's
    mean over the other points mixes in the other factors' values.
    Columns: ``scenario, factor, low, high, slope, slope_ci95, effect, effect_ci95,
    n_points, r2``.
    """
    from scipy import stats

    data = _select(tidy, [metric])
    rows = []
    for scen, sdata in data.groupby("scenario", sort=False):
        means = sdata.groupby("point")["value"].mean().dropna()
        design = sdata.drop_duplicates("point").set_index("point").loc[means.index]
        columns: list[tuple[str, np.ndarray, float, float]] = []  # term, x, low, high
        for factor in factor_columns(tidy):
            values = design[factor]
            numeric = pd.to_numeric(values, errors="coerce")
            if numeric.notna().all():
                if numeric.nunique() > 1:
                    columns.append((factor, numeric.to_numpy(float), float(numeric.min()),
                                    float(numeric.max())))
                continue
            keys = values.map(_hashable)
            for level in list(dict.fromkeys(keys))[1:]:
                columns.append((f"{factor}={level}", (keys == level).to_numpy(float), 0.0,
                                1.0))
        n, y = len(means), means.to_numpy(float)
        x = np.column_stack([np.ones(n)] + [c[1] for c in columns])
        pinv = np.linalg.pinv(x)
        coef = pinv @ y
        resid = y - x @ coef
        rank = int(np.linalg.matrix_rank(x))
        dof = n - rank
        spread = float(((y - y.mean()) ** 2).sum())
        r2 = 1.0 - float((resid ** 2).sum()) / spread if spread > 0 else math.nan
        # a term is estimable only if the design tells it apart from the others: factors
        # that move together in every point (aliased) get no slope rather than a split
        estimable = np.all(np.isclose(pinv @ x, np.eye(x.shape[1]), atol=1e-8), axis=0)
        if dof > 0:
            cov = float((resid ** 2).sum()) / dof * (pinv @ pinv.T)
            t = float(stats.t.ppf(0.975, dof))
            half = t * np.sqrt(np.clip(np.diag(cov), 0.0, None))
        else:
            half = np.full(len(coef), math.nan)
        coef = np.where(estimable, coef, math.nan)
        half = np.where(estimable, half, math.nan)
        for k, (term, _, low, high) in enumerate(columns, start=1):
            span = high - low
            rows.append({"scenario": scen, "factor": term, "low": low, "high": high,
                         "slope": float(coef[k]), "slope_ci95": float(half[k]),
                         "effect": float(coef[k] * span), "effect_ci95": float(half[k] * span),
                         "n_points": n, "r2": r2})
    return pd.DataFrame(rows, columns=["scenario", "factor", "low", "high", "slope",
                                       "slope_ci95", "effect", "effect_ci95", "n_points", "r2"])


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (int, float, str, bool, type(None))) else repr(value)
