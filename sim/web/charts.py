"""ECharts options of the page's figures, built from results documents.

Pure functions (no UI): every value is read from a results document or a
comparison (``RunResult.document()``, ``compare_runs``) and shown in its display
unit from the metric registry (:func:`sim.stats.registry.display`: shares in
percent); axis names are the registry's labels with units, in the language in use
(:func:`sim.report.i18n.metric_heading`). A 95 % interval is drawn as a band
(a transparent lower series and the band's height stacked on it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sim.report.i18n import metric_heading, tr
from sim.report.tables import wait_target
from sim.stats import registry
from sim.web.hours import hour_span, opening_of

#: pixels above the plot: the title on the first line, the y axis's name (the same
#: words, left) on a line of its own below it; with the plot 40 px down the two were
#: drawn on one line and overlapped on a chart half of a 1024 px page
GRID_TOP = 64

#: series colours (ECharts' default palette, first entries)
COLOURS = ("#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452")


def _shown(key: str, value: Any) -> float | None:
    x = registry.display(key, value)
    return None if x is None or x != x else round(float(x), 3)


def hour_labels(by_hour: Mapping[str, Any], *docs: Mapping[str, Any]) -> list[str]:
    """``"08:00-09:00"``, ... for the hours of a document's ``by_hour``, cut to the
    opening the ``docs`` share (:func:`sim.web.hours.hour_span`)."""
    opening = opening_of(*docs)
    return [hour_span(h, opening) for h in by_hour]


def band_series(name: str, key: str, rows: Sequence[Mapping[str, Any]], colour: str,
                stack: str) -> list[dict[str, Any]]:
    """A line of ``key`` over ``rows`` with its 95 % band: three ECharts series."""
    mean = [_shown(key, r.get(key)) for r in rows]
    half = [_shown(key, (r.get("ci95") or {}).get(key)) for r in rows]
    low = [None if m is None else max(0.0, m - (h or 0.0)) for m, h in zip(mean, half)]
    high = [None if m is None else m + (h or 0.0) for m, h in zip(mean, half)]
    height = [None if lo is None or hi is None else round(hi - lo, 3)
              for lo, hi in zip(low, high)]
    band = f"{name} 95% CI"
    return [
        {"name": band, "type": "line", "data": low, "stack": stack, "symbol": "none",
         "lineStyle": {"opacity": 0}, "tooltip": {"show": False}, "silent": True},
        {"name": band, "type": "line", "data": height, "stack": stack, "symbol": "none",
         "lineStyle": {"opacity": 0}, "areaStyle": {"color": colour, "opacity": 0.2},
         "tooltip": {"show": False}, "silent": True},
        {"name": name, "type": "line", "data": mean, "color": colour, "symbolSize": 6},
    ]


def by_hour_chart(docs: Mapping[str, Mapping[str, Any]], key: str) -> dict[str, Any]:
    """Metric ``key`` by hour of day for one or more documents, each with its band."""
    first = next(iter(docs.values()))
    hours = list(first.get("by_hour") or {})
    series: list[dict[str, Any]] = []
    labels = legend_names(docs)
    for k, (label, doc) in enumerate(zip(labels, docs.values())):
        by_hour = doc.get("by_hour") or {}
        rows = [by_hour.get(h, {}) for h in hours]
        series += band_series(label, key, rows, COLOURS[k % len(COLOURS)], f"band{k}")
    heading = metric_heading(key, wait_target(*docs.values()))
    return {
        "title": {"text": heading + " · " + tr("by hour"), "left": "center",
                  "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": labels, "bottom": 0, "type": "scroll"},
        "grid": {"left": 50, "right": 20, "top": GRID_TOP, "bottom": 60},
        "xAxis": {"type": "category",
                  "data": hour_labels(dict.fromkeys(hours), *docs.values())},
        "yAxis": {"type": "value", "name": heading, "min": 0,
                  "nameTextStyle": {"align": "left"}},
        "series": series,
    }


#: widest row of unrotated category names a chart half of a 1024 px page shows without
#: overlap, pixels; wider rows are turned (see :func:`category_axis_label`)
FLAT_WIDTH = 360
#: category names beyond which a 45-degree turn is too tight on such a chart: turned 90
STEEP_COUNT = 24


def text_width(name: str, size: float = 12.0) -> float:
    """Rough drawn width of ``name`` at ``size`` px: a full-width (CJK) character one
    em, any other character about 0.6 em."""
    return sum(size if ord(c) > 0x2E80 else 0.6 * size for c in name)


#: widest category name drawn under a chart, pixels (eight Chinese characters): a longer
#: one (a window group's label may have 40) ends in "…", whole in the tooltip; drawn
#: whole and turned, three such names took the chart's whole height and turned its bars
#: upside down
LABEL_WIDTH = 96.0


def category_axis_label(names: Sequence[str]) -> dict[str, Any]:
    """The axis label of a category axis that shows every name without overlap: flat
    when the names fit side by side, else turned 45 degrees (90 for very many);
    ``interval`` 0 so ECharts drops none of them; a name wider than
    :data:`LABEL_WIDTH` cut short."""
    shown = [min(text_width(n), LABEL_WIDTH) for n in names]
    flat = sum(w + 8 for w in shown) <= FLAT_WIDTH
    rotate = 0 if flat else (45 if len(names) <= STEEP_COUNT else 90)
    label = {"interval": 0, "rotate": rotate, "hideOverlap": False, "fontSize": 12}
    if any(text_width(n) > LABEL_WIDTH for n in names):
        label |= {"width": LABEL_WIDTH, "overflow": "truncate", "ellipsis": "…"}
    return label


def legend_names(series: Mapping[str, Any]) -> list[str]:
    """The series' names as a legend shows them: long ones cut so that two scenarios whose
    names differ only at the end still read apart (:func:`sim.report.tables.short_names`;
    the names in full when nothing short tells them apart)."""
    from sim.report.tables import short_names

    names = [str(n) for n in series]
    return short_names(names) or names


def bar_chart(title: str, names: Sequence[str], values: Mapping[str, Sequence[Any]],
              key: str, target: float | None = None) -> dict[str, Any]:
    """Bars of metric ``key`` per name (one bar series per entry of ``values``); every
    name is drawn (:func:`category_axis_label`), the grid grows to hold them."""
    legend = len(values) > 1
    labels = legend_names(values)
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": labels, "bottom": 0, "type": "scroll"} if legend
        else {"show": False},
        "grid": {"left": 50, "right": 20, "top": GRID_TOP, "bottom": 36 if legend else 8,
                 "containLabel": True},
        "xAxis": {"type": "category", "data": list(names),
                  "axisLabel": category_axis_label(names), "axisTick": {"alignWithLabel": True}},
        "yAxis": {"type": "value", "name": metric_heading(key, target), "min": 0},
        "series": [{"name": label, "type": "bar", "data": [_shown(key, v) for v in vals],
                    "color": COLOURS[k % len(COLOURS)]}
                   for k, (label, vals) in enumerate(zip(labels, values.values()))],
    }


def category_chart(docs: Mapping[str, Mapping[str, Any]], key: str) -> dict[str, Any]:
    """Metric ``key`` per item (category) for one or more documents: every item any of
    them has (no bar where a document lacks it)."""
    names: list[str] = []
    for d in docs.values():
        names += [c for c in d.get("by_category") or {} if c not in names]
    values = {label: [(d.get("by_category") or {}).get(n, {}).get(key) for n in names]
              for label, d in docs.items()}
    target = wait_target(*docs.values())
    return bar_chart(metric_heading(key, target) + " · " + tr("by category"), names, values,
                     key, target)


def window_chart(docs: Mapping[str, Mapping[str, Any]], key: str = "utilisation"
                 ) -> dict[str, Any]:
    """Metric ``key`` per window group for one or more documents."""
    names: list[str] = []
    shown: dict[str, str] = {}  # a group's label where a document gives one, else its id
    for d in docs.values():
        names += [w for w in d.get("by_window") or {} if w not in names]
        shown |= {w: label for w, label in (d.get("window_labels") or {}).items()
                  if w not in shown}
    values = {label: [(d.get("by_window") or {}).get(n, {}).get(key) for n in names]
              for label, d in docs.items()}
    return bar_chart(metric_heading(key) + " · " + tr("by window group"),
                     [shown.get(n, n) for n in names], values, key)


def waterfall_chart(title: str, steps: Sequence[tuple[str, float]], unit: str,
                    lower_is_better: bool | None = True) -> dict[str, Any]:
    """A waterfall: the first and last steps as totals (blue), the others as changes,
    green where they improve the figure and red where they worsen it."""
    names, base, total, up, down = [], [], [], [], []
    level = 0.0
    for k, (name, value) in enumerate(steps):
        names.append(name)
        if k == 0 or k == len(steps) - 1:
            base.append(0.0)
            total.append(round(value, 3))
            up.append(0.0)
            down.append(0.0)
            level = value
        else:
            start, level = level, level + value
            base.append(round(min(start, level), 3))
            total.append(0.0)
            up.append(round(value, 3) if value >= 0 else 0.0)
            down.append(round(-value, 3) if value < 0 else 0.0)
    good, bad = COLOURS[1], COLOURS[3]
    rise, fall = (bad, good) if lower_is_better in (True, None) else (good, bad)
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "top": GRID_TOP, "bottom": 60, "containLabel": True},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 20}},
        "yAxis": {"type": "value", "name": unit},
        "series": [
            {"type": "bar", "stack": "w", "data": base, "itemStyle": {"color": "transparent"},
             "tooltip": {"show": False}, "silent": True},
            {"name": "=", "type": "bar", "stack": "w", "data": total, "color": COLOURS[0]},
            {"name": "+", "type": "bar", "stack": "w", "data": up, "color": rise},
            {"name": "-", "type": "bar", "stack": "w", "data": down, "color": fall},
        ],
    }


def backtest_chart(doc: Mapping[str, Any], key: str) -> dict[str, Any]:
    """Observed against predicted ``key`` by hour of a backtest, with the simulated 95 %
    band of the prediction."""
    hours = list(doc.get("by_hour") or {})
    rows = [(doc["by_hour"][h].get(key) or {}) for h in hours]
    low = [_shown(key, r.get("low")) for r in rows]
    high = [_shown(key, r.get("high")) for r in rows]
    height = [None if lo is None or hi is None else round(hi - lo, 3)
              for lo, hi in zip(low, high)]
    band = tr("simulated 95% band")
    heading = metric_heading(key, wait_target(doc))
    return {
        "title": {"text": heading + " · " + tr("by hour"), "left": "center",
                  "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [tr("observed"), tr("predicted")], "bottom": 0},
        "grid": {"left": 50, "right": 20, "top": GRID_TOP, "bottom": 50},
        "xAxis": {"type": "category", "data": hour_labels(dict.fromkeys(hours))},
        "yAxis": {"type": "value", "name": heading, "min": 0},
        "series": [
            {"name": band, "type": "line", "data": low, "stack": "b", "symbol": "none",
             "lineStyle": {"opacity": 0}, "silent": True, "tooltip": {"show": False}},
            {"name": band, "type": "line", "data": height, "stack": "b", "symbol": "none",
             "lineStyle": {"opacity": 0}, "areaStyle": {"color": COLOURS[0], "opacity": 0.2},
             "silent": True, "tooltip": {"show": False}},
            {"name": tr("predicted"), "type": "line", "color": COLOURS[0],
             "data": [_shown(key, r.get("predicted")) for r in rows]},
            {"name": tr("observed"), "type": "line", "color": COLOURS[3],
             "data": [_shown(key, r.get("observed")) for r in rows]},
        ],
    }
