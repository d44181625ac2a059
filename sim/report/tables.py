"""Terminal tables: the one renderer, and the tables of ``run``, ``compare`` and
``batch summary``.

:func:`text_table` aligns columns by *display width* (``wcwidth``: a Chinese
character takes two terminal columns), so tables with names such as 企业开办
or 窗口A line up. Labels, units and display scales come from the metric
registry (:mod:`sim.stats.registry`): shares are shown in percent everywhere,
every column names its unit, and every figure that has a confidence interval
shows it as ``value ±half-width`` (Student-t 95% over replications).
Means over replications of counts are shown with the decimals that make them
exact (148.5 tickets, 147.5 served, 1.0 abandoned add up; integers for one
replication), at most two, and tables say that figures are means.

Every heading, title and word in a cell goes through :func:`sim.report.i18n.tr`
(labels and units of the registry through the catalogue too), so ``--lang zh``
gives Chinese tables. The cell formatters (:func:`fmt`, :func:`fmt_metric`,
:func:`cell`) are the ones the HTML report uses as well.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

from wcwidth import wcswidth

from sim.report.i18n import metric_name, tr, tr_unit, with_unit
from sim.stats import registry

# --- the renderer ------------------------------------------------------------------


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (CJK characters count two)."""
    w = wcswidth(text)
    return len(text) if w < 0 else w


def _pad(text: str, width: int, left: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return text + gap if left else gap + text


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
               title: str = "") -> str:
    """A plain-text table: first column left-aligned, the others right-aligned,
    widths by display columns. ``title`` (optional) is printed above it."""
    widths = [max([display_width(h)] + [display_width(r[k]) for r in rows])
              for k, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(_pad(c, w, k == 0)
                         for k, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]
    return (title + "\n" if title else "") + "\n".join(out)


def frame_table(frame: Any, columns: Sequence[str] | None = None, title: str = "",
                headings: dict[str, str] | None = None) -> str:
    """A pandas DataFrame as a text table, cells by :func:`cell`; ``headings`` maps a
    column to its heading (others are shown by name)."""
    cols = list(columns or frame.columns)
    rows = [[cell(v) for v in rec] for rec in frame[cols].itertuples(index=False)]
    return text_table([(headings or {}).get(str(c), str(c)) for c in cols], rows, title)


def cell(value: Any, digits: int | None = None) -> str:
    """A table cell that is not a registry figure: ``-`` for missing, yes/no (in the
    language in use) for booleans, floats to 3 significant digits or ``digits``
    decimals, anything else as ``str()``."""
    if _missing(value):
        return "-"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return tr("yes") if value else tr("no")
    if isinstance(value, float):
        return f"{value:.3g}" if digits is None else f"{value:.{digits}f}"
    return str(value)


# --- numbers -------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class Figure(str):
    """A figure as a table prints it (``1.5 ±0.4``, ``+1.25 ±0.40 pp``, ``-``) that also
    carries what it was made from: the exact ``value``, its 95 % ``half`` width (None
    when the figure has no interval) and the ``unit`` the cell prints (``pp``), all in
    the display unit. Every renderer treats it as the text; a spreadsheet takes the
    numbers (:mod:`sim.web.xlsx`), so the two cannot drift apart."""

    value: float | None
    half: float | None
    unit: str

    def __new__(cls, text: str = "-", value: float | None = None,
                half: float | None = None, unit: str = "") -> Figure:
        obj = super().__new__(cls, text)
        obj.value, obj.half, obj.unit = value, half, unit
        return obj

    def printed_with(self, unit: str) -> Figure:
        """The same figure with ``unit`` printed after it (a missing one stays ``-``)."""
        if self == "-" or not unit:
            return self
        return Figure(f"{self} {unit}", self.value, self.half, unit)


def fmt(value: float | None, ci: float | None = None, digits: int = 1,
        sign: bool = False) -> Figure:
    """``value`` with ``digits`` decimals, and ``±ci`` when a half-width is given
    (also when it is 0: the figure has an interval). ``-`` for a missing value."""
    if _missing(value):
        return Figure()
    assert value is not None
    text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    half = None if ci is None or _missing(ci) else float(ci)
    if half is not None:
        text += f" ±{half:.{digits}f}"
    return Figure(text, float(value), half)


def fmt_metric(key: str, value: float | None, ci: float | None = None, digits: int = 1,
               sign: bool = False) -> Figure:
    """A figure of metric ``key`` in its display unit (shares in percent).

    Every metric is at least 0 (a share at most 100 %): an interval that would reach
    past that bound is printed as its range within it, ``0.1 (0.0–0.3)`` rather than
    ``0.1 ±0.2``, so a small wait never reads as possibly negative (the figure keeps its
    half-width for exports). Differences (``sign``) keep ``±``."""
    shown, half = registry.display(key, value), registry.display(key, ci)
    figure = fmt(shown, half, digits, sign)
    if sign or shown is None or half is None or _missing(half):
        return figure
    name = key.rsplit(".", 1)[-1]
    top = 100.0 if name in registry.METRICS and registry.METRICS[name].kind == "share" \
        else math.inf
    low, high = shown - half, shown + half
    if low >= 0 and high <= top:
        return figure
    text = f"{shown:.{digits}f} ({max(low, 0.0):.{digits}f}–{min(high, top):.{digits}f})"
    return Figure(text, figure.value, figure.half)


def pct(x: float | None) -> float | None:
    """A share as a percentage (None stays None)."""
    return None if x is None else 100.0 * x


def column(key: str, target: float | None = None) -> str:
    """Column heading of metric ``key`` with its unit ("mean wait min", "abandoned %"),
    in the language in use. The service level names its target."""
    m = registry.metric(key)
    name = metric_name(key, target)
    unit = tr_unit(m.unit)
    return name if m.label == m.unit or not m.unit else with_unit(name, unit, "{name} {unit}")


def count_digits(values: Sequence[float | None]) -> int:
    """Fewest decimals (0 to 2) that show every mean count in ``values`` exactly, so
    that rows add up (148.5 = 147.5 + 1.0); 1 when none does (the table's title
    says figures are means)."""
    vals = [v for v in values if not _missing(v)]
    for d in (0, 1, 2):
        if all(abs(v * 10 ** d - round(v * 10 ** d)) < 1e-6 for v in vals):
            return d
    return 1


def wait_target(*docs: Mapping[str, Any]) -> float | None:
    """The wait target (minutes) the documents' service level is judged against: a
    results document's ``targets.wait_minutes``, a backtest's ``target_minutes``, the
    scenarios' shared one of a comparison; None when unknown or when they differ. With
    it the measure reads by the registry's one name, "not called within 20 min"."""
    found = set()
    for doc in docs:
        if "scenarios" in doc:
            found.add(wait_target(*doc["scenarios"].values()))
        else:
            found.add((doc.get("targets") or {}).get("wait_minutes", doc.get("target_minutes")))
    return found.pop() if len(found) == 1 else None


def measures_note(*docs: dict[str, Any]) -> str:
    """Why the mean wait can be short while many tickets miss the target: waits are
    those of served tickets, the share not called within the target counts every ticket,
    and one that gave up or left at once was never called, however short its wait
    (:mod:`sim.stats.service_level`). In the language in use."""
    target = wait_target(*docs)
    return tr("Waits (mean, 90th percentile) are those of served tickets; the share not "
              "called within {minutes} min counts every ticket, and a ticket whose holder "
              "gave up or left at once was never called, however short the wait.").format(
        minutes="T" if target is None else f"{target:g}")


# --- hallsim run ------------------------------------------------------------------------


def figure_cell(key: str, value: float | None, ci: float | None = None,
                count_digits: int = 1) -> Figure:
    """A figure of the registry as a table cell: a count (no interval) with
    ``count_digits`` decimals, anything else in its display unit with ``±ci``."""
    m = registry.METRICS.get(key)
    if m is not None and m.ci == "none":
        return fmt(value, digits=count_digits)
    return fmt_metric(key, value, ci)


#: by-category columns of the summary, in order (balked and open only where non-zero)
CATEGORY_KEYS = ("arrivals", "served", "abandoned", "balked", "open", "wait_mean", "wait_p90",
                 "p_wait_over_target", "abandon_share", "balk_share")
#: by-window-group columns of the summary, in order
WINDOW_KEYS = ("served", "utilisation", "busy_hours", "staffed_hours")


def group_name(doc: Mapping[str, Any], group: str) -> str:
    """A window group of a results document as people read it: its label with its id
    ("市场监管窗口（MKT）", ``window_labels``), else its id."""
    label = (doc.get("window_labels") or {}).get(group)
    return tr("{label} ({id})").format(label=label, id=group) if label else group


def summary_blocks(doc: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """The summary tables of one results document as ``(title, headings, rows)``:
    overall, by category, by window group. One source for the terminal
    (:func:`summary_table`), the HTML report, the page and the spreadsheet; headings in
    the language in use, figures as :class:`Figure` cells."""
    o, ci = doc["overall"], doc.get("ci95") or {}
    t = (doc.get("targets") or {}).get("wait_minutes")
    cats, wins = doc.get("by_category") or {}, doc.get("by_window") or {}
    counts = [k for k, m in registry.METRICS.items() if m.ci == "none"]
    digits = count_digits([b.get(k) for b in [o, *cats.values(), *wins.values()]
                           for k in counts])
    shown = [m for m in registry.in_section("overall") if m.key in o]
    rows = [[column(m.key, t), figure_cell(m.key, o[m.key], ci.get(m.key), digits)]
            for m in sorted(shown, key=lambda m: m.ci != "none")]  # counts first
    # counts are per replication of the run's days, not per day: the titles say so
    days = doc.get("days", 1)
    blocks = [(tr("Overall (mean over replications of {days} day(s) ± 95% CI)").format(
        days=days), [tr("overall"), tr("value")], rows)]
    names = {w: group_name(doc, w) for w in wins}
    for title, first, items, keys in (
            (tr("By category (per replication of {days} day(s))").format(days=days),
             tr("category"), cats, CATEGORY_KEYS),
            (tr("By window group"), tr("window group"), wins, WINDOW_KEYS)):
        keys = [k for k in keys if any(k in c for c in items.values()) and not (
            k in ("balked", "balk_share", "open") and not any(c.get(k) for c in items.values()))]
        if items:
            blocks.append((title, [first] + [column(k, t) for k in keys], [
                [names.get(name, name) if items is wins else name]
                + figure_cells(c, keys, digits) for name, c in items.items()]))
    return blocks


def figure_cells(block: Mapping[str, Any], keys: Sequence[str], digits: int = 1
                 ) -> list[Figure]:
    """The figures ``keys`` of one item or window group of a results document (its
    ``ci95`` the half-widths), as :func:`figure_cell` shows them."""
    ci = block.get("ci95") or {}
    return [figure_cell(k, block.get(k), ci.get(k), digits) for k in keys]


def summary_head(doc: dict[str, Any]) -> str:
    """The line above a run's tables (the terminal's and the page's): how it was run and
    how to read its figures, intervals included (:func:`fmt_metric`)."""
    return tr("{scenario}: seed {seed}, {replications} replication(s) of {days} day(s). "
              "Figures are means per replication; ± = 95% CI half-width over replications "
              "(an interval reaching below 0, or above 100 %, is shown as its range within, "
              "a–b); min = minutes, % = share of tickets").format(
        scenario=doc["scenario"], seed=doc["seed"],
        replications=int(doc.get("replications", 1)), days=doc["days"])


def summary_table(doc: dict[str, Any]) -> str:
    """The summary printed by ``hallsim run``: overall, by category, by window group."""
    return "\n\n".join([summary_head(doc)] + [text_table(h, r) for _, h, r in
                                                summary_blocks(doc)])


# --- hallsim compare --------------------------------------------------------------------

#: figures shown of an item that only one of two compared scenarios has
ONE_SIDED_KEYS = ("arrivals", "wait_mean", "abandon_share")


def one_sided_block(baseline: str, base_doc: Mapping[str, Any], name: str,
                    doc: Mapping[str, Any]) -> tuple[str, list[str], list[list[str]]] | None:
    """The items (categories) only one of the baseline's and the candidate's results
    documents has, as ``(title, headings, rows)``: item, the scenario that has it, and its
    arrivals, mean wait and abandonment with 95% CIs. No difference is taken: without the
    item in the other scenario there is nothing to pair it with. None when every item is
    shared."""
    base_cats, cats = base_doc.get("by_category") or {}, doc.get("by_category") or {}
    found = [(c, baseline, base_cats[c]) for c in base_cats if c not in cats]
    found += [(c, name, cats[c]) for c in cats if c not in base_cats]
    if not found:
        return None
    t = wait_target(base_doc, doc)
    digits = count_digits([b.get("arrivals") for _, _, b in found])
    title = tr("{candidate} vs {baseline}, items in one scenario only (not paired: no "
               "difference is taken; mean per replication of {days} day(s) ± 95% CI)").format(
        candidate=name, baseline=baseline, days=doc.get("days", 1))
    heads = [tr("category"), tr("Scenario")] + [column(k, t) for k in ONE_SIDED_KEYS]
    return title, heads, [[c, label, *figure_cells(b, ONE_SIDED_KEYS, digits)]
                          for c, label, b in found]


def one_sided_table(baseline: str, base_doc: Mapping[str, Any], name: str,
                    doc: Mapping[str, Any]) -> str:
    """:func:`one_sided_block` as ``hallsim compare`` prints it ("" when every item is
    shared)."""
    block = one_sided_block(baseline, base_doc, name, doc)
    return text_table(block[1], block[2], title=block[0]) if block else ""



def comparison_table(baseline: str, name: str, diff: dict[str, Any],
                     target: float | None = None) -> str:
    """Differences of one candidate against the baseline (overall, by category, journeys),
    each with its 95% CI in the metric's unit (percentage points for shares); the
    service level names the wait ``target`` when the two share it."""
    how = tr("paired over replications") if diff.get("paired", True) else \
        tr("NOT paired: the scenarios share no category; Welch intervals")
    blocks = [(tr("overall"), diff["overall"])]
    blocks += [(tr("category {name}").format(name=c), d)
               for c, d in diff.get("by_category", {}).items()]
    blocks += [(tr("journey {name}").format(name=j), d)
               for j, d in diff.get("journeys", {}).items()]
    heads = [tr("metric"), *column_names(baseline, name), tr("difference ± 95% CI"),
             tr("significant"), tr("better")]
    parts = []
    for title, block in blocks:
        if not block:
            continue
        rows = [difference_row(key, d, baseline, name, target) for key, d in block.items()]
        parts.append(text_table(heads, rows, title=tr(
            "{candidate} vs {baseline}, {block} ({how}; difference = candidate - baseline; "
            "pp = percentage points)").format(candidate=name, baseline=baseline, block=title,
                                              how=how)))
    return "\n\n".join(parts)


#: the widest a scenario's name is shown as a column heading
NAME_WIDTH = 24


def short_names(names: Sequence[str], width: int = NAME_WIDTH) -> list[str] | None:
    """Names shown where room is short (column headings, chart legends), at most
    ``width`` characters: as they are when they fit; else, when they share a long start,
    from where they start to differ ("…第二版修订稿", "…本月方案/hall.yaml)"); else cut in
    the middle (start and end kept); None when nothing short tells them apart."""
    def middle(text: str, room: int = width) -> str:
        if len(text) <= room:
            return text
        head = (room - 1) // 2
        return text[:head] + "…" + text[len(text) - (room - 1 - head):]

    if all(len(n) <= width for n in names):
        return list(names)
    tries = []
    same = len(os.path.commonprefix(list(names))) if len(names) > 1 else 0
    same = max(0, same - 2)  # two characters before the difference: "…第二版", not "…二版"
    if same > width // 3:
        tries.append(["…" + middle(n[same:], width - 1) for n in names])
    tries.append([middle(n) for n in names])
    for shown in tries:
        if len(set(shown)) == len(shown) and all(len(x) > 1 for x in shown):
            return shown
    return None


def column_names(baseline: str, name: str, width: int = NAME_WIDTH) -> tuple[str, str]:
    """The baseline's and the candidate's column headings (:func:`short_names`);
    "baseline" and "candidate" when nothing short tells them apart (the table's title
    names both in full)."""
    shown = short_names([baseline, name], width)
    return (shown[0], shown[1]) if shown else (tr("baseline"), tr("candidate"))


def difference_cells(key: str, d: dict[str, Any]) -> list[Figure]:
    """Baseline, candidate and ``difference ±CI unit`` of one compared figure, in its
    display unit (differences of shares in percentage points)."""
    m = registry.metric(key)
    unit = tr("pp") if m.unit == "%" else tr_unit(m.unit)
    diff = fmt_metric(key, d.get("diff"), d.get("ci95"), digits=2, sign=True)
    return [fmt_metric(key, d.get("baseline"), digits=2),
            fmt_metric(key, d.get("candidate"), digits=2), diff.printed_with(unit)]


def verdict(d: dict[str, Any], baseline: str, name: str) -> str:
    """Which is better: the candidate's or the baseline's name, or "no clear winner"."""
    return {"candidate": name, "baseline": baseline, "neither": tr("no clear winner"),
            None: ""}[d.get("better")]


def difference_row(key: str, d: dict[str, Any], baseline: str, name: str,
                   target: float | None = None) -> list[str]:
    """One row of a comparison: figure (naming the wait ``target`` where it is known and
    the figure is judged against it), baseline, candidate, difference ±CI, significant
    (yes/no), which is better."""
    from sim.report.i18n import metric_heading

    return [metric_heading(key, target), *difference_cells(key, d),
            cell(bool(d.get("significant"))), verdict(d, baseline, name)]


# --- hallsim batch summary --------------------------------------------------------------


def batch_summary(tidy: Any, metrics: Sequence[str] | None = None, baseline: int = 0) -> str:
    """What ``hallsim batch summary`` prints: per-point means, differences against the
    baseline point, main effects; in the units of ``hallsim run`` (percent for shares)."""
    from sim.batch.analysis import (
        DEFAULT_METRICS,
        crossed,
        factor_columns,
        paired_comparison,
    )

    metrics = list(metrics or [m for m in DEFAULT_METRICS if m in set(tidy["metric"])])
    facs = factor_columns(tidy)
    heads = {**{c: tr(c) for c in ("point", "scenario", "metric", "significant", "paired",
                                   "factor", "level", "mean")},
             "diff": tr("difference ± 95% CI"), "unpaired": tr("unpaired ±"),
             "ratio": tr("CI ratio"), "n_points": tr("points"), "effect": tr("effect")}
    table = point_table(tidy, metrics)
    parts = [frame_table(table, headings={**heads, **{m: path_heading(m) for m in metrics}},
                         title=tr("per design point: mean ± 95% CI over replications"))]
    pc = paired_comparison(tidy, baseline, metrics)
    if len(pc):
        pc["diff"] = [fmt_metric(m, d, c, digits=2, sign=True) for m, d, c in
                      zip(pc["metric"], pc["diff"], pc["ci95"])]
        pc["unpaired"] = [fmt_metric(m, u, digits=2)
                          for m, u in zip(pc["metric"], pc["ci95_unpaired"])]
        pc["ratio"] = [fmt(r, digits=2) for r in pc["ratio"]]
        pc["metric"] = [path_heading(m) for m in pc["metric"]]
        parts.append(frame_table(
            pc, ["point", "scenario", *facs, "metric", "diff", "unpaired", "ratio",
                 "significant", "paired"], headings=heads,
            title=tr("differences against point P{point} (candidate - baseline, in the "
                     "metric's unit, pp for shares; paired over replications where the points "
                     "share categories; CI ratio = paired / unpaired CI half-width)")
            .format(point=baseline)))
    if facs and metrics:
        parts.append(main_effects_table(tidy, metrics[0], heads) if crossed(tidy)
                     else linear_effects_table(tidy, metrics[0]))
    return "\n\n".join(parts)


def main_effects_table(tidy: Any, metric: str, heads: dict[str, str]) -> str:
    """Main effects of a crossed design on ``metric`` (level mean, effect = level mean -
    scenario mean, paired 95% CIs), as ``batch summary`` prints them."""
    from sim.batch.analysis import main_effects

    me = main_effects(tidy, metric)
    for col in ("mean", "effect"):
        me[col] = [fmt_metric(metric, v, c, digits=2, sign=col == "effect")
                   for v, c in zip(me[col], me[f"{col}_ci95" if col == "effect" else "ci95"])]
    return frame_table(me, ["scenario", "factor", "level", "n_points", "mean", "effect"],
                       headings=heads,
                       title=tr("main effects on {metric} (effect = level mean - scenario "
                                "mean, paired 95% CI)").format(metric=path_heading(metric)))


def linear_effects_block(tidy: Any, metric: str) -> tuple[str, Any, dict[str, str]]:
    """Title, table and headings of the linear effects on ``metric`` of a design that is
    not crossed (a Latin hypercube, a list of points): least squares over the points, per
    unit and over the factor's range, 95% CIs from the points' spread around the fit
    (:func:`sim.batch.analysis.linear_effects`); the terminal and the report show it."""
    from sim.batch.analysis import linear_effects

    le = linear_effects(tidy, metric)
    le["range"] = [f"{a:.4g}–{b:.4g}" for a, b in zip(le["low"], le["high"])]
    for col in ("slope", "effect"):
        le[col] = [fmt_metric(metric, v, c, digits=3, sign=True)
                   for v, c in zip(le[col], le[f"{col}_ci95"])]
    le["r2"] = [fmt(r, digits=2) for r in le["r2"]]
    heads = {**{c: tr(c) for c in ("scenario", "factor")}, "n_points": tr("points"),
             "range": tr("range"), "slope": tr("per unit"), "effect": tr("over the range"),
             "r2": "R²"}
    title = tr("linear effects on {metric}: the design is not crossed (a Latin hypercube or "
               "a list of points), so a level's mean would mix in the other factors; least "
               "squares over the design points' means, all factors at once, 95% CI from the "
               "points' spread around the line (curvature and interactions included)").format(
        metric=path_heading(metric))
    return title, le[list(heads)], heads


def linear_effects_table(tidy: Any, metric: str) -> str:
    """:func:`linear_effects_block` as ``batch summary`` prints it."""
    title, frame, heads = linear_effects_block(tidy, metric)
    return frame_table(frame, list(heads), headings=heads, title=title)


def point_table(tidy: Any, metrics: Sequence[str]) -> Any:
    """Per design point: ``point, scenario, <factors>`` and one column per metric path
    holding ``mean ±95% CI`` in the metric's display unit (a DataFrame)."""
    from sim.batch.analysis import factor_columns, point_summary

    ps = point_summary(tidy, metrics)
    ps["value"] = [fmt_metric(k, m, c, digits=2)
                   for k, m, c in zip(ps["metric"], ps["mean"], ps["ci95"])]
    wide = ps.pivot_table(index=["point"], columns="metric", values="value", aggfunc="first")
    info = ps.drop_duplicates("point").set_index("point")[["scenario", *factor_columns(tidy)]]
    return info.join(wide[list(metrics)]).reset_index()


def path_heading(path: str) -> str:
    """A dotted metric path with its unit: ``overall.wait_mean`` -> ``mean wait min``,
    ``by_category.tax.p_wait_over_target`` -> ``tax: not called within target %``."""
    parts = path.split(".")
    key = parts[-1]
    item = ".".join(parts[1:-1])
    head = column(key) if key in registry.METRICS else key
    return f"{item}: {head}" if item else head
