"""Figures for reports and notebooks (matplotlib, no global state).

Every function draws from plain data (results documents, run profiles, the
DataFrames of :mod:`sim.batch.analysis`) and returns a ``matplotlib.figure.Figure``
built without pyplot, so it works the same in a script, a notebook (the figure
displays itself) and ``hallsim report`` (which saves it as PNG). Pass ``ax``
(or ``axes``) to draw into an existing figure instead.

Units on every axis: waits in minutes, queue lengths in tickets waiting,
shares and utilisation in percent, hours as times of day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.batch.analysis import QUANTILE_LEVELS

_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def metric_label(metric: str) -> tuple[str, float]:
    """Axis label (with unit) and scale factor for a metric name or dotted path."""
    name = metric.rsplit(".", 1)[-1]
    pretty = metric.replace("overall.", "").replace("_", " ")
    if name.startswith("wait_"):
        return f"{pretty} (minutes)", 1.0
    if name in ("utilisation", "abandon_share", "balk_share", "p_wait_over_target") \
            or name.endswith("_share"):
        return f"{pretty} (%)", 100.0
    if name == "queue_mean":
        return f"{pretty} (tickets waiting)", 1.0
    if name.endswith("_hours"):
        return f"{pretty} (hours)", 1.0
    if name in ("arrivals", "served", "abandoned", "balked", "open"):
        return f"{pretty} (tickets per replication)", 1.0
    return pretty, 1.0


def _figure(ax: Axes | None, size: tuple[float, float] = (7.0, 4.2)) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig = Figure(figsize=size, dpi=110, layout="constrained")
    return fig, fig.add_subplot()


def pooled_quantiles(profiles: Sequence[Mapping[str, Any]]) -> np.ndarray | None:
    """Mean over runs of their wait quantile functions (percentiles 0-100), or None.

    Averaging quantile functions (Vincentisation) gives the distribution of
    a typical replication; runs that served nobody are left out.
    """
    rows = [p["wait_quantiles"] for p in profiles if p.get("wait_quantiles")]
    return np.mean(np.asarray(rows, dtype=float), axis=0) if rows else None


def quantile_points(doc: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """CDF points known from a results document alone: P50, P90, P95, max and the target."""
    o = doc["overall"]
    pts = [(o.get("wait_p50"), 0.50), (o.get("wait_p90"), 0.90), (o.get("wait_p95"), 0.95),
           (o.get("wait_max"), 1.0)]
    target = (doc.get("targets") or {}).get("wait_minutes")
    if target is not None and o.get("p_wait_over_target") is not None:
        pts.append((target, 1.0 - o["p_wait_over_target"]))
    pts = sorted((x, p) for x, p in pts if x is not None)
    return np.array([x for x, _ in pts]), np.array([p for _, p in pts])


def plot_wait_cdf(curves: Mapping[str, Any], target: float | None = None,
                  ax: Axes | None = None, title: str = "Waiting time distribution",
                  sketch: bool = False) -> Figure:
    """Waiting-time CDF (served tickets), one line per label.

    ``curves`` maps a label to quantiles at percentiles 0-100 (an array of 101
    values, e.g. :func:`pooled_quantiles`) or to an ``(x, p)`` pair of points
    (``sketch=True``: drawn as markers joined by lines, e.g. from
    :func:`quantile_points`). ``target`` draws the service-level threshold.
    """
    fig, ax = _figure(ax)
    right = 0.0
    for k, (label, curve) in enumerate(curves.items()):
        color = _COLORS[k % len(_COLORS)]
        if isinstance(curve, tuple):
            x, p = np.asarray(curve[0], float), np.asarray(curve[1], float)
        else:
            x, p = np.asarray(curve, float), np.asarray(QUANTILE_LEVELS, float) / 100.0
        if len(x) == 0:
            continue
        if sketch:
            ax.plot(x, 100 * p, "o-", color=color, label=label, lw=1.5, ms=4)
            right = max(right, float(x.max()))
        else:
            ax.step(x, 100 * p, where="post", color=color, label=label, lw=1.6)
            right = max(right, float(x[min(99, len(x) - 1)]))
    if target is not None:
        ax.axvline(target, color="black", ls="--", lw=1)
        ax.annotate(f"target {target:g} min", (target, 50), xytext=(4, 0),
                    textcoords="offset points", fontsize=8)
        right = max(right, float(target) * 1.15)
    ax.set_xlim(0, max(right * 1.05, 1.0))
    ax.set_ylim(0, 101)
    ax.set_xlabel("wait from ticket to call (minutes)")
    ax.set_ylabel("served tickets waiting at most x (%)")
    ax.set_title(title + (" (points from the reported quantiles)" if sketch else ""))
    ax.grid(alpha=0.3)
    if len(curves) > 1 or sketch:
        ax.legend(fontsize=8, loc="best")
    return fig


def plot_by_hour(by_hour: Mapping[str, Mapping[str, Any]], axes: Sequence[Axes] | None = None,
                 title: str = "By hour of day") -> Figure:
    """Mean wait and mean queue length by hour of day, with 95% CI bars.

    ``by_hour`` maps a label to a results document's ``by_hour`` block
    (``{"08": {"wait_mean": .., "queue_mean": .., "ci95": {...}}}``), so
    several scenarios can share the axes.
    """
    if axes is None:
        fig = Figure(figsize=(9.0, 3.8), dpi=110, layout="constrained")
        axes = fig.subplots(1, 2)
    else:
        fig = axes[0].figure  # type: ignore[assignment]
    n = max(1, len(by_hour))
    for k, (label, block) in enumerate(by_hour.items()):
        hours = sorted(block, key=int)
        x = np.array([int(h) for h in hours], float) + 0.5 + (k - (n - 1) / 2) * 0.8 / n
        for ax, key in zip(axes, ("wait_mean", "queue_mean")):
            y = np.array([_num(block[h].get(key)) for h in hours])
            err = np.array([_num((block[h].get("ci95") or {}).get(key), 0.0) for h in hours])
            ax.bar(x, y, width=0.8 / n, yerr=err, capsize=2, color=_COLORS[k % len(_COLORS)],
                   label=label, alpha=0.85, error_kw={"lw": 0.8})
    for ax, ylabel in zip(axes, ("mean wait of tickets taken (minutes)",
                                 "mean number waiting (tickets)")):
        ax.set_xlabel("hour of day")
        ax.set_ylabel(ylabel)
        ticks = sorted({int(h) for b in by_hour.values() for h in b})
        ax.set_xticks([t for t in ticks] + [ticks[-1] + 1] if ticks else [])
        ax.set_xticklabels([f"{t:02d}:00" for t in ticks] + [f"{ticks[-1] + 1:02d}:00"]
                           if ticks else [], rotation=45, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        ax.set_ylim(bottom=0)
    axes[0].set_title("mean wait")
    axes[1].set_title("queue length")
    if len(by_hour) > 1:
        axes[0].legend(fontsize=8)
    fig.suptitle(title)
    return fig


def plot_utilisation_heatmap(table: pd.DataFrame, ax: Axes | None = None,
                             title: str = "Window utilisation by hour") -> Figure:
    """Heatmap of utilisation (0-1) with window groups as rows and hours of day as columns.

    ``table`` is indexed by group id with columns ``"08"``, ``"09"`` ...
    (:func:`sim.report.html.utilisation_table` averages run profiles into one).
    Each cell shows the percentage; blank cells are hours the group is not staffed.
    """
    fig, ax = _figure(ax, (min(12.0, 2.5 + 0.6 * table.shape[1]),
                           1.6 + 0.45 * max(2, table.shape[0])))
    data = table.to_numpy(dtype=float) * 100.0
    im = ax.imshow(np.ma.masked_invalid(data), aspect="auto", cmap="YlOrRd", vmin=0, vmax=100)
    ax.set_xticks(range(table.shape[1]))
    ax.set_xticklabels([f"{int(c):02d}:00" for c in table.columns], rotation=45, fontsize=8)
    ax.set_yticks(range(table.shape[0]))
    ax.set_yticklabels([str(i) for i in table.index], fontsize=9)
    ax.set_xlabel("hour of day (open time only)")
    ax.set_ylabel("window group")
    for (i, j), v in np.ndenumerate(data):
        if not math.isnan(v):
            ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7,
                    color="white" if v > 65 else "black")
    cbar = fig.colorbar(im, ax=ax, shrink=0.9)
    cbar.set_label("utilisation (% of staffed time busy)")
    ax.set_title(title)
    return fig


def plot_categories(by_category: Mapping[str, Mapping[str, Any]], target: float | None = None,
                    axes: Sequence[Axes] | None = None,
                    title: str = "By category") -> Figure:
    """Abandonment share and share waiting over the target, per category, with 95% CIs."""
    names = list(by_category)
    if axes is None:
        fig = Figure(figsize=(9.0, 1.4 + 0.32 * len(names)), dpi=110, layout="constrained")
        axes = fig.subplots(1, 2, sharey=True)
    else:
        fig = axes[0].figure  # type: ignore[assignment]
    y = np.arange(len(names))
    t = f"{target:g} min" if target is not None else "the target"
    for ax, key, xlabel, color in (
            (axes[0], "abandon_share", "abandoned (% of tickets)", _COLORS[1]),
            (axes[1], "p_wait_over_target", f"served tickets waiting over {t} (%)",
             _COLORS[0])):
        vals = np.array([_num(by_category[n].get(key)) for n in names]) * 100
        err = np.array([_num((by_category[n].get("ci95") or {}).get(key), 0.0)
                        for n in names]) * 100
        ax.barh(y, np.nan_to_num(vals), xerr=err, color=color, alpha=0.85, capsize=2,
                error_kw={"lw": 0.8})
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlim(left=0)
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(names, fontsize=8)
    axes[0].invert_yaxis()
    fig.suptitle(title)
    return fig


def plot_metric_vs_factors(effects: pd.DataFrame, metric: str,
                           axes: Sequence[Axes] | None = None) -> Figure:
    """A metric against each factor (mean over the other factors) with 95% CI bands.

    ``effects`` is :func:`sim.batch.analysis.main_effects` for ``metric``: one panel
    per factor, one line per base scenario.
    """
    factors = list(dict.fromkeys(effects["factor"]))
    ylabel, scale = metric_label(metric)
    if axes is None:
        fig = Figure(figsize=(min(4.2 * max(1, len(factors)), 13.0), 3.8), dpi=110,
                     layout="constrained")
        axes = np.atleast_1d(fig.subplots(1, max(1, len(factors)), sharey=True)).tolist()
    else:
        fig = axes[0].figure  # type: ignore[assignment]
    scenarios = list(dict.fromkeys(effects["scenario"]))
    for ax, factor in zip(axes, factors):
        sub = effects[effects["factor"] == factor]
        numeric = pd.to_numeric(sub["level"], errors="coerce").notna().all()
        for k, scen in enumerate(scenarios):
            s = sub[sub["scenario"] == scen]
            if s.empty:
                continue
            x = s["level"].astype(float).to_numpy() if numeric else np.arange(len(s))
            m = s["mean"].to_numpy(float) * scale
            c = s["ci95"].to_numpy(float) * scale
            color = _COLORS[k % len(_COLORS)]
            ax.plot(x, m, "o-", color=color, label=str(scen), lw=1.6, ms=4)
            ax.fill_between(x, m - c, m + c, color=color, alpha=0.2, lw=0)
            if not numeric:
                ax.set_xticks(np.arange(len(s)))
                ax.set_xticklabels([str(v) for v in s["level"]], rotation=30, fontsize=8)
        ax.set_xlabel(factor_label(factor))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(ylabel)
    if len(scenarios) > 1:
        axes[0].legend(fontsize=8)
    fig.suptitle(f"{ylabel} against each factor (mean over the other factors, 95% CI band)",
                 fontsize=10)
    return fig


def factor_label(factor: str) -> str:
    """Axis label of a factor, with its unit where the name tells it."""
    if factor == "arrival_scale":
        return "arrival_scale (x every arrival rate)"
    if factor == "speed_all_cross":
        return "speed_all_cross (x cross-authorised service time)"
    last = factor.rsplit(".", 1)[-1]
    if factor.endswith(".count"):
        return f"{factor} (windows)"
    if last in ("mean", "value", "low", "high", "mode", "wait_minutes") \
            and not factor.endswith("arrivals_per_hour"):
        return f"{factor} (minutes)"
    if "arrivals_per_hour" in factor:
        return f"{factor} (per hour)"
    return factor


def _num(value: Any, default: float = math.nan) -> float:
    return default if value is None else float(value)
