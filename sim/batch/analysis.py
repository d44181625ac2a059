"""Analysis of batch results: per-point summaries, paired comparisons, main effects.

Every function takes the tidy table (one row per run and metric, as
:meth:`sim.batch.store.Store.metrics_frame` and ``hallsim batch export`` give it:
``point, scenario, <factor columns>, replication, seed, metric, section, item,
name, value``) and returns a pandas DataFrame; :func:`format_table` prints one
on the terminal. Confidence intervals are Student-t 95% half-widths over
replications, as in the results document.

It also holds :func:`run_profile`, the per-run figures that need records (wait
quantiles, utilisation by hour), computed in the worker next to the summary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.stats.metrics import ci_halfwidth, queue_area

#: columns of the tidy table that are not factors
TIDY_COLUMNS = ("point", "scenario", "label", "replication", "seed", "metric", "section", "item",
                "name", "value", "status", "error")

#: metrics shown when none are asked for
DEFAULT_METRICS = ("overall.wait_mean", "overall.p_wait_over_target", "overall.abandon_share",
                   "overall.utilisation")

#: percentiles kept per run for the waiting-time distribution
QUANTILE_LEVELS = tuple(range(101))


# --- per-run profile (computed in the worker) --------------------------------------


def run_profile(scenario: Any, records: Any) -> dict[str, Any]:
    """Figures of one run that need its records, small enough to store per run.

    - ``wait_quantiles``: waits (minutes) of served tickets taken after the
      warm-up at percentiles 0, 1, ..., 100 (None if nobody was served);
    - ``utilisation_by_hour``: per window group and hour of day (``"08"``),
      busy time over staffed time **while the hall is open** (closing
      overtime is left out), over the days after the warm-up.
    """
    from sim.engine.records import SERVED
    from sim.spec.clock import MINUTES_PER_DAY

    w0 = scenario.hall.warmup_days * MINUTES_PER_DAY
    keep = (records.arrival >= w0) & (records.outcome == SERVED)
    wait = (records.call - records.arrival)[keep]
    quantiles = np.percentile(wait, QUANTILE_LEVELS).tolist() if len(wait) else None
    return {"wait_quantiles": quantiles,
            "utilisation_by_hour": utilisation_by_hour(scenario, records)}


def utilisation_by_hour(scenario: Any, records: Any) -> dict[str, dict[str, float]]:
    """Busy / staffed window time per group and hour of day, within opening hours only."""
    from sim.engine.records import SERVED
    from sim.spec.clock import MINUTES_PER_DAY, parse_hhmm

    hall = scenario.hall
    cuts = set(range(0, int(MINUTES_PER_DAY) + 1, 60))
    for s, e in hall.periods:
        cuts |= {s, e}
    for g in scenario.windows:
        cuts |= {parse_hhmm(k) for k in (g.schedule or {})}
    day_edges = np.array(sorted(cuts), dtype=float)
    days = range(hall.warmup_days, hall.days)
    edges = np.concatenate([d * MINUTES_PER_DAY + day_edges[:-1] for d in days]
                           + [[hall.days * MINUTES_PER_DAY]])
    mid = (edges[:-1] + edges[1:]) / 2.0 % MINUTES_PER_DAY
    width = np.diff(edges)
    is_open = np.array([hall.is_open_at(m) for m in mid])
    hour = (mid // 60).astype(int)
    served = (records.outcome == SERVED) & (records.window >= 0)
    group_of = records.window_group[records.window[served]]
    call, end = records.call[served], records.end[served]
    out: dict[str, dict[str, float]] = {}
    for gi, g in enumerate(scenario.windows):
        m = group_of == gi
        busy = queue_area(call[m], end[m], edges) if m.any() else np.zeros(len(width))
        staffed_n = np.array([float(g.staffed_at(m)) for m in mid])
        staffed = staffed_n * width * is_open
        busy = busy * is_open
        row = {}
        for h in sorted(set(hour[is_open].tolist())):
            sel = hour == h
            st = staffed[sel].sum()
            row[f"{h:02d}"] = float(busy[sel].sum() / st) if st > 0 else math.nan
        out[g.id] = row
    return out


# --- summaries ---------------------------------------------------------------------


def factor_columns(tidy: pd.DataFrame) -> list[str]:
    """The factor columns of a tidy table (everything that is not a fixed column)."""
    return [c for c in tidy.columns if c not in TIDY_COLUMNS]


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
                     "ci95": ci_halfwidth(good.tolist()), "n": int(len(good))})
    out = pd.DataFrame(rows, columns=[*keys, "mean", "ci95", "n"])
    out["_o"] = out["metric"].map(order)
    return out.sort_values(["point", "_o"]).drop(columns="_o").reset_index(drop=True)


def welch_halfwidth(a: Sequence[float], b: Sequence[float], level: float = 0.95) -> float:
    """95% half-width of ``mean(b) - mean(a)`` treating the samples as independent (Welch)."""
    x = np.asarray([v for v in a if not math.isnan(v)], dtype=float)
    y = np.asarray([v for v in b if not math.isnan(v)], dtype=float)
    if len(x) < 2 or len(y) < 2:
        return 0.0
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se2 = vx + vy
    if se2 == 0:
        return 0.0
    df = se2 ** 2 / ((vx ** 2) / (len(x) - 1) + (vy ** 2) / (len(y) - 1))
    return float(stats.t.ppf(0.5 + level / 2.0, df) * math.sqrt(se2))


def paired_comparison(tidy: pd.DataFrame, baseline: int = 0,
                      metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Every other point against ``baseline``, replication by replication.

    Columns: ``point, scenario, <factors>, metric, baseline, candidate, diff``
    (candidate - baseline), ``ci95`` (paired), ``ci95_unpaired`` (Welch, as if
    the points had independent seeds), ``ratio`` (paired / unpaired
    half-width: below 1 when common random numbers help), ``significant``.
    """
    from sim.stats.compare import paired_difference

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
            pdiff = paired_difference(a, b)
            unpaired = welch_halfwidth(a, b)
            rows.append({
                "point": point, "scenario": info.at[point, "scenario"],
                **{f: info.at[point, f] for f in facs}, "metric": metric,
                "baseline": float(np.mean(a)) if a else math.nan,
                "candidate": float(np.mean(b)) if b else math.nan,
                "diff": pdiff["diff"], "ci95": pdiff["ci95"], "ci95_unpaired": unpaired,
                "ratio": pdiff["ci95"] / unpaired if unpaired > 0 else math.nan,
                "significant": bool(len(a) >= 2 and abs(pdiff["diff"]) > pdiff["ci95"]),
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
                             "ci95": ci_halfwidth(per_rep.dropna().tolist()),
                             "effect": float(eff.mean()) if len(eff) else math.nan,
                             "effect_ci95": ci_halfwidth(eff.tolist())})
    out = pd.DataFrame(rows, columns=["scenario", "factor", "level", "n_points", "mean", "ci95",
                                      "effect", "effect_ci95"])
    if len(out):
        out["_n"] = pd.to_numeric(out["level"], errors="coerce")
        out = out.sort_values(["scenario", "factor", "_n"], kind="stable").drop(columns="_n")
    return out.reset_index(drop=True)


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (int, float, str, bool, type(None))) else repr(value)


# --- terminal ----------------------------------------------------------------------


def _cell(value: Any, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)):
        return f"{value:.{digits}f}"
    return str(value)


def format_table(frame: pd.DataFrame, columns: Sequence[str] | None = None,
                 digits: int = 3, title: str = "") -> str:
    """A plain-text table of ``frame`` (first column left-aligned, the rest right)."""
    cols = list(columns or frame.columns)
    rows = [[_cell(v, digits) for v in rec] for rec in frame[cols].itertuples(index=False)]
    widths = [max([len(str(c))] + [len(r[k]) for r in rows]) for k, c in enumerate(cols)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if k == 0 else c.rjust(w)
                         for k, (c, w) in enumerate(zip(cells, widths)))

    out = [line([str(c) for c in cols]), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return (title + "\n" if title else "") + "\n".join(out)


def summary_text(tidy: pd.DataFrame, metrics: Sequence[str] | None = None,
                 baseline: int = 0) -> str:
    """What ``hallsim batch summary`` prints: per-point means, paired differences, effects."""
    metrics = list(metrics or [m for m in DEFAULT_METRICS if m in set(tidy["metric"])])
    facs = factor_columns(tidy)
    ps = point_summary(tidy, metrics)
    ps["value"] = [f"{m:.3f} ±{c:.3f}" if not math.isnan(m) else "-"
                   for m, c in zip(ps["mean"], ps["ci95"])]
    wide = ps.pivot_table(index=["point"], columns="metric", values="value", aggfunc="first")
    info = ps.drop_duplicates("point").set_index("point")[["scenario", *facs]]
    table = info.join(wide[metrics]).reset_index()
    parts = [format_table(table, title="per design point: mean ±95% CI over replications")]
    pc = paired_comparison(tidy, baseline, metrics)
    if len(pc):
        pc["difference"] = [f"{d:+.3f} ±{c:.3f}" for d, c in zip(pc["diff"], pc["ci95"])]
        pc["unpaired ±"] = pc["ci95_unpaired"]
        parts.append(format_table(
            pc, ["point", "scenario", *facs, "metric", "difference", "unpaired ±", "ratio",
                 "significant"],
            title=f"paired differences against point P{baseline} (candidate - baseline; "
                  "ratio = paired / unpaired CI half-width)"))
    for metric in metrics[:1]:
        me = main_effects(tidy, metric)
        if len(me) and facs:
            parts.append(format_table(me, title=f"main effects on {metric} (effect = level "
                                                f"mean - scenario mean, paired 95% CI)"))
    return "\n\n".join(parts)
