"""Figures for reports and notebooks (matplotlib, no global state).

Every function draws from plain data (results documents, run profiles, the
DataFrames of :mod:`sim.batch.analysis`) and returns a ``matplotlib.figure.Figure``
built without pyplot, so it works the same in a script, a notebook (the figure
displays itself) and ``hallsim report`` (which saves it as PNG). Pass ``ax``
(or ``axes``) to draw into an existing figure instead.

Units on every axis: waits in minutes, queue lengths in tickets waiting,
shares and utilisation in percent, hours as times of day. Labels come from the
metric registry and the message catalogue (:mod:`sim.report.i18n`: English, or
Chinese with ``--lang zh``); Chinese names draw with the bundled CJK font
(:mod:`sim.report.fonts`). Confidence bands and bars are clipped to the valid
range of their quantity (shares within 0-100 %, waits and counts at least 0).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.batch.analysis import QUANTILE_LEVELS
from sim.report.fonts import use_cjk_fonts
from sim.report.i18n import metric_heading, tr
from sim.stats import registry

_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def metric_label(metric: str) -> tuple[str, float]:
    """Axis label (with unit, in the language in use) and display scale of a metric
    name or dotted path, from the metric registry (shares: percent, scale 100)."""
    name = metric.rsplit(".", 1)[-1]
    m = registry.METRICS.get(name)
    item = metric.split(".")[1] if metric.count(".") >= 2 else ""
    heading = metric_heading(name)
    return (f"{item}: {heading}" if item else heading), (m.scale if m else 1.0)


def valid_range(metric: str) -> tuple[float, float]:
    """Valid range of a metric in display units: shares 0-100, others at least 0."""
    m = registry.METRICS.get(metric.rsplit(".", 1)[-1])
    if m is None:
        return -math.inf, math.inf
    if m.kind == "share":
        return 0.0, 100.0
    return 0.0, math.inf


def clipped_band(mean: np.ndarray, half: np.ndarray, low: float = 0.0,
                 high: float = math.inf) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper edges of ``mean ± half`` clipped to ``[low, high]``."""
    return np.clip(mean - half, low, high), np.clip(mean + half, low, high)


def _errbars(mean: np.ndarray, half: np.ndarray, low: float = 0.0,
             high: float = math.inf) -> np.ndarray:
    """Asymmetric error-bar lengths (2 x n) of a band clipped to ``[low, high]``."""
    lo, hi = clipped_band(mean, half, low, high)
    return np.vstack([np.maximum(mean - lo, 0.0), np.maximum(hi - mean, 0.0)])


def new_figure(**kwargs: Any) -> Figure:
    """A figure (no pyplot state) whose text may be Chinese: the CJK fallback font is
    registered first."""
    use_cjk_fonts()
    return Figure(dpi=110, layout="constrained", **kwargs)


#: where a title may break: after a space or a Chinese comma or colon, before a bracket
_BREAK = re.compile(r"(?<=[ ，：；、])|(?=[（(])")


def fitted_title(fig: Figure, text: str, fontsize: float) -> str:
    """``text`` broken into lines that fit the figure's width at ``fontsize`` points (a
    suptitle is not wrapped by matplotlib, and a one-panel figure cut its own title at
    both ends). Widths are estimated: a Chinese character one em, others 0.6 em."""
    room = fig.get_figwidth() * 72 * 0.95 / fontsize  # in ems

    def ems(part: str) -> float:
        return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in part)

    lines, line = [], ""
    for piece in _BREAK.split(text):
        if line and ems(line + piece) > room:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    return "\n".join([*lines, line.rstrip()])


def _figure(ax: Axes | None, size: tuple[float, float] = (7.0, 4.2)) -> tuple[Figure, Axes]:
    use_cjk_fonts()
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig = new_figure(figsize=size)
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
    # the CDF is of served tickets: its point at the target is the served-only share
    if target is not None and o.get("p_served_wait_over_target") is not None:
        pts.append((target, 1.0 - o["p_served_wait_over_target"]))
    pts = sorted((x, p) for x, p in pts if x is not None)
    return np.array([x for x, _ in pts]), np.array([p for _, p in pts])


def plot_wait_cdf(curves: Mapping[str, Any], target: float | None = None,
                  ax: Axes | None = None, title: str | None = None,
                  sketch: bool = False) -> Figure:
    """Waiting-time CDF (served tickets), one line per label.

    ``curves`` maps a label to quantiles at percentiles 0-100 (an array of 101
    values, e.g. :func:`pooled_quantiles`) or to an ``(x, p)`` pair of points
    (``sketch=True``: drawn as markers joined by lines, e.g. from
    :func:`quantile_points`). ``target`` draws the service-level threshold.
    The legend stands outside the axes, so it never covers a curve.
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
        ax.annotate(tr("target {minutes} min").format(minutes=f"{target:g}"), (target, 50),
                    xytext=(4, 0),
                    textcoords="offset points", fontsize=8)
        right = max(right, float(target) * 1.15)
    ax.set_xlim(0, max(right * 1.05, 1.0))
    ax.set_ylim(0, 101)
    ax.set_xlabel(tr("wait from ticket to call (minutes)"))
    ax.set_ylabel(tr("served tickets waiting at most x (%)"))
    title = tr("Waiting time distribution") if title is None else title
    ax.set_title(title + (tr(" (points from the reported quantiles)") if sketch else ""))
    ax.grid(alpha=0.3)
    if len(curves) > 1 or sketch:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    return fig


def plot_by_hour(by_hour: Mapping[str, Mapping[str, Any]], axes: Sequence[Axes] | None = None,
                 title: str | None = None) -> Figure:
    """Mean wait and mean queue length by hour of day, with 95% CI bars (clipped at 0).

    ``by_hour`` maps a label to a results document's ``by_hour`` block
    (``{"08": {"wait_mean": .., "queue_mean": .., "ci95": {...}}}``), so
    several scenarios can share the axes.
    """
    if axes is None:
        fig = new_figure(figsize=(9.0, 3.8))
        axes = fig.subplots(1, 2)
    else:
        use_cjk_fonts()
        fig = axes[0].figure  # type: ignore[assignment]
    n = max(1, len(by_hour))
    for k, (label, block) in enumerate(by_hour.items()):
        hours = sorted(block, key=int)
        x = np.array([int(h) for h in hours], float) + 0.5 + (k - (n - 1) / 2) * 0.8 / n
        for ax, key in zip(axes, ("wait_mean", "queue_mean")):
            y = np.array([_num(block[h].get(key)) for h in hours])
            err = np.array([_num((block[h].get("ci95") or {}).get(key), 0.0) for h in hours])
            ax.bar(x, y, width=0.8 / n, yerr=_errbars(np.nan_to_num(y), err), capsize=2,
                   color=_COLORS[k % len(_COLORS)],
                   label=label, alpha=0.85, error_kw={"lw": 0.8})
    for ax, ylabel in zip(axes, (tr("mean wait of tickets taken (minutes)"),
                                 metric_heading("queue_mean"))):  # as the page says it
        ax.set_xlabel(tr("hour of day"))
        ax.set_ylabel(ylabel)
        ticks = sorted({int(h) for b in by_hour.values() for h in b})
        ax.set_xticks([t for t in ticks] + [ticks[-1] + 1] if ticks else [])
        ax.set_xticklabels([f"{t:02d}:00" for t in ticks] + [f"{ticks[-1] + 1:02d}:00"]
                           if ticks else [], rotation=45, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        ax.set_ylim(bottom=0)
    axes[0].set_title(tr("mean wait"))
    axes[1].set_title(tr("queue length"))
    if len(by_hour) > 1:
        axes[1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                       borderaxespad=0)
    fig.suptitle(tr("By hour of day") if title is None else title)
    return fig


def plot_area_occupancy(by_area: Mapping[str, Mapping[str, Any]], ax: Axes | None = None,
                        title: str | None = None) -> Figure:
    """Mean number waiting in each waiting area by hour of day (lines with 95% CI bands,
    clipped at 0), each area's seats as a dashed line of its colour: where the line
    rises above its seats, people stand.

    ``by_area`` is a results document's ``by_area`` block of a hall whose layout turns
    walking on (``{"等候区": {"seats": 40, "by_hour": {"08": {"occupancy_mean": ..,
    "ci95": {...}}}}}``).
    """
    fig, ax = _figure(ax, (8.0, 4.0))
    for k, (name, area) in enumerate(by_area.items()):
        block = area.get("by_hour") or {}
        hours = sorted(block, key=int)
        if not hours:
            continue
        x = np.array([int(h) for h in hours], float) + 0.5
        y = np.array([_num(block[h].get("occupancy_mean")) for h in hours])
        half = np.array([_num((block[h].get("ci95") or {}).get("occupancy_mean"), 0.0)
                         for h in hours])
        color = _COLORS[k % len(_COLORS)]
        ax.plot(x, y, marker="o", ms=3, color=color, label=str(name))
        low, high = clipped_band(y, half)
        ax.fill_between(x, low, high, color=color, alpha=0.2, lw=0)
        seats = _num(area.get("seats"))
        if not math.isnan(seats):
            ax.axhline(seats, color=color, ls="--", lw=1,
                       label=tr("{area}: seats").format(area=name))
    ticks = sorted({int(h) for area in by_area.values() for h in (area.get("by_hour") or {})})
    if ticks:
        ax.set_xticks(ticks + [ticks[-1] + 1])
        ax.set_xticklabels([f"{t:02d}:00" for t in ticks + [ticks[-1] + 1]], rotation=45,
                           fontsize=8)
    ax.set_xlabel(tr("hour of day"))
    ax.set_ylabel(tr("mean number waiting (customers)"))
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    ax.set_title(tr("Waiting areas by hour of day") if title is None else title)
    return fig


def plot_utilisation_heatmap(table: pd.DataFrame, ax: Axes | None = None,
                             title: str | None = None) -> Figure:
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
    ax.set_xlabel(tr("hour of day (open time only)"))
    ax.set_ylabel(tr("window group"))
    for (i, j), v in np.ndenumerate(data):
        if not math.isnan(v):
            ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7,
                    color="white" if v > 65 else "black")
    cbar = fig.colorbar(im, ax=ax, shrink=0.9)
    cbar.set_label(tr("utilisation (share of staffed time busy, %)"))
    ax.set_title(tr("Window utilisation by hour") if title is None else title)
    return fig


def plot_categories(by_category: Mapping[str, Mapping[str, Any]], target: float | None = None,
                    axes: Sequence[Axes] | None = None,
                    title: str | None = None) -> Figure:
    """Abandonment share and the service-level miss (share of tickets not called
    within the target), per category, with 95% CIs clipped to 0-100 %."""
    names = list(by_category)
    if axes is None:
        fig = new_figure(figsize=(9.0, 1.4 + 0.32 * len(names)))
        axes = fig.subplots(1, 2, sharey=True)
    else:
        use_cjk_fonts()
        fig = axes[0].figure  # type: ignore[assignment]
    y = np.arange(len(names))
    for ax, key, color in ((axes[0], "abandon_share", _COLORS[1]),
                           (axes[1], "p_wait_over_target", _COLORS[0])):
        vals = np.nan_to_num(np.array([_num(by_category[n].get(key)) for n in names]) * 100)
        err = np.array([_num((by_category[n].get("ci95") or {}).get(key), 0.0)
                        for n in names]) * 100
        ax.barh(y, vals, xerr=_errbars(vals, err, 0.0, 100.0), color=color, alpha=0.85,
                capsize=2, error_kw={"lw": 0.8})
        ax.set_xlabel(metric_heading(key, target))
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlim(left=0)
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(names, fontsize=8)
    axes[0].invert_yaxis()
    fig.suptitle(tr("By category") if title is None else title)
    return fig


def plot_metric_vs_factors(effects: pd.DataFrame, metric: str,
                           axes: Sequence[Axes] | None = None, crossed: bool = True) -> Figure:
    """A metric against each factor (mean over the other factors) with 95% CI bands.

    ``effects`` is :func:`sim.batch.analysis.main_effects` for ``metric``: one panel
    per factor, one line per base scenario. The band is clipped to the metric's
    valid range; a factor that counts windows gets integer ticks. A design that is not
    ``crossed`` (a Latin hypercube) is titled as what it shows: the means of the points
    in each bin, the other factors varying too.
    """
    factors = list(dict.fromkeys(effects["factor"]))
    ylabel, scale = metric_label(metric)
    low, high = valid_range(metric)
    if axes is None:
        fig = new_figure(figsize=(min(4.2 * max(1, len(factors)), 13.0), 3.8))
        axes = np.atleast_1d(fig.subplots(1, max(1, len(factors)), sharey=True)).tolist()
    else:
        use_cjk_fonts()
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
            ax.fill_between(x, *clipped_band(m, c, low, high), color=color, alpha=0.2, lw=0)
            if not numeric:
                ax.set_xticks(np.arange(len(s)))
                ax.set_xticklabels([str(v) for v in s["level"]], rotation=30, fontsize=8)
        count = numeric and is_count_factor(factor, sub["level"])
        if count:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        levels = sorted(set(pd.to_numeric(sub["level"], errors="coerce"))) if numeric else []
        if len(levels) == 1:  # one level: its own tick, not a crowd of -0.045 ... 0.045
            v = float(levels[0])
            half = max(abs(v) * 0.1, 0.5 if count else 0.05)
            ax.set_xlim(v - half, v + half)
            ax.set_xticks([v])
            ax.set_xticklabels([f"{v:g}"])
        ax.set_xlabel(factor_label(factor))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(ylabel)
    if math.isfinite(low):
        axes[0].set_ylim(bottom=low)
    if len(scenarios) > 1:
        axes[-1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                        borderaxespad=0)
    title = "{metric} against each factor (mean over the other factors, 95% CI band)" \
        if crossed else ("{metric} against each factor: means of the design points in each bin "
                         "(the other factors vary too: read the linear effects)")
    fig.suptitle(fitted_title(fig, tr(title).format(metric=ylabel), 10), fontsize=10)
    return fig


def is_count_factor(factor: str, levels: Any) -> bool:
    """Whether a factor counts something (windows): ``*.count``, or whole-number levels
    of a factor other than a scale."""
    values = pd.to_numeric(pd.Series(list(levels)), errors="coerce")
    whole = bool(values.notna().all() and (values == values.round()).all())
    return factor.endswith(".count") or (whole and not factor.endswith("_scale")
                                         and not factor.startswith("speed"))


def factor_label(factor: str) -> str:
    """Axis label of a factor, with its unit where the name tells it."""
    if factor == "arrival_scale":
        return f"arrival_scale ({tr('x every arrival rate')})"
    if factor == "speed_all_cross":
        return f"speed_all_cross ({tr('x cross-authorised service time')})"
    last = factor.rsplit(".", 1)[-1]
    if factor.endswith(".count"):
        return f"{factor} ({tr('windows')})"
    if last in ("mean", "value", "low", "high", "mode", "wait_minutes") \
            and not factor.endswith("arrivals_per_hour"):
        return f"{factor} ({tr('minutes')})"
    if "arrivals_per_hour" in factor:
        return f"{factor} ({tr('per hour')})"
    return factor


def _num(value: Any, default: float = math.nan) -> float:
    return default if value is None else float(value)
