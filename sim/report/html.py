"""``hallsim report``: an HTML page with PNG figures from a results document or a store.

- **Results document** (``hallsim run --json`` or ``hallsim compare --json``):
  by-hour waits and queues and the by-category shares come from the document.
  The waiting-time CDF and the utilisation heatmap need per-ticket records,
  which the document does not hold: give the scenario file with ``--scenario``
  and the report re-simulates the document's runs (same seed, replications and
  days, so the very same customers) with records. Without it the CDF is drawn
  through the quantiles the document reports, and the heatmap is left out.
- **Store** (``hallsim batch run``): every run stored its wait quantiles and
  utilisation by hour (:func:`sim.batch.analysis.run_profile`), so no re-simulation
  is needed. The page shows the design points, each metric against each
  factor with 95% CI bands, and per base scenario the CDF of every point and,
  for its reference point (the experiment's baseline, else its first point),
  the by-hour, heatmap and by-category figures.
"""

from __future__ import annotations

import html
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.files.atomic import atomic_folder
from sim.files.errors import InputError
from sim.report.i18n import metric_label, tr
from sim.report.page import Page
from sim.report.tables import (
    difference_row,
    group_name,
    linear_effects_block,
    path_heading,
    point_table,
    summary_blocks,
    wait_target,
)
from sim.version import VERSION


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:60]


def _meta_table(page: Page, rows: Sequence[tuple[str, Any]]) -> None:
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in rows)
    page.add(f'<table class="meta">{body}</table>')


# --- summary tables ----------------------------------------------------------------

def summary_tables(page: Page, doc: Mapping[str, Any]) -> None:
    """Overall, by-category and by-window-group tables of one results document: the
    very tables ``hallsim run`` prints (:func:`sim.report.tables.summary_blocks`)."""
    for title, headings, rows in summary_blocks(dict(doc)):
        page.h3(title)
        page.rows(headings, rows)


def _diff_rows(block: Mapping[str, Any], baseline: str, name: str,
               first: str = "", target: float | None = None) -> list[list[str]]:
    """Rows of ``hallsim compare``'s table (:func:`sim.report.tables.difference_row`) as
    HTML, the significance as a ✱ mark."""
    rows = []
    for key, d in block.items():
        cells = [html.escape(x) for x in difference_row(key, d, baseline, name, target)]
        cells[4] = '<span class="sig">✱</span>' if d.get("significant") else ""
        rows.append(([html.escape(first)] if first else []) + cells)
    return rows


def difference_tables(page: Page, baseline: str, name: str, diff: Mapping[str, Any],
                      target: float | None = None) -> None:
    """Paired differences of one candidate against the baseline, with 95% CIs and a
    significance mark (✱: the interval excludes 0); the service level names the wait
    ``target`` the two share, as the summary tables do."""
    paired = diff.get("paired", True)
    page.h3(tr("{candidate} against {baseline}").format(candidate=name, baseline=baseline))
    if not paired:
        page.note(tr("The two scenarios share no category: their replications are not "
                     "paired, and the intervals are Welch's (unpaired)."))
    heads = [tr("figure"), f"{tr('baseline')}: {baseline}", f"{tr('candidate')}: {name}",
             tr("difference ± 95% CI"), tr("significant"), tr("better")]
    page.rows(heads, _diff_rows(diff.get("overall") or {}, baseline, name, target=target),
              raw=True)
    cats = diff.get("by_category") or {}
    rows = [r for c, block in cats.items()
            for r in _diff_rows(block, baseline, name, c, target)]
    if rows:
        page.h3(tr("{candidate} against {baseline}, by category")
                .format(candidate=name, baseline=baseline))
        page.rows([tr("category"), *heads], rows, raw=True)
    page.note(tr("Difference = candidate − baseline over the same replications (common "
                 "random numbers); ✱ marks a 95% CI that excludes 0; shares in "
                 "percentage points (pp)."))


def utilisation_table(profiles: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Mean over runs of their utilisation by hour: rows window groups, columns hours."""
    frames = [pd.DataFrame(p["utilisation_by_hour"]).T for p in profiles
              if p.get("utilisation_by_hour")]
    if not frames:
        return pd.DataFrame()
    table = pd.concat(frames).groupby(level=0, sort=False).mean()
    return table[sorted(table.columns, key=int)]


def _point_figures(page: Page, doc: dict[str, Any], profiles: list[dict[str, Any]] | None,
                   key: str, label: str) -> None:
    """By hour, heatmap and categories for one results document."""
    from sim.report.plots import (
        plot_area_occupancy,
        plot_by_hour,
        plot_categories,
        plot_utilisation_heatmap,
    )

    target = (doc.get("targets") or {}).get("wait_minutes")
    if doc.get("by_hour"):
        page.figure(plot_by_hour({label: doc["by_hour"]},
                                 title=f"{label}: {tr('by hour of day')}"),
                    f"{key}_by_hour", f"{label}: {tr('mean wait and queue length by hour')}")
    if doc.get("by_area"):  # the layout turns walking on: who waits where, by hour
        page.figure(plot_area_occupancy(doc["by_area"],
                                        title=f"{label}: {tr('waiting areas by hour')}"),
                    f"{key}_areas", f"{label}: {tr('waiting areas by hour')}")
    table = utilisation_table(profiles or [])
    if not table.empty:  # rows named as the tables name the groups: label (id)
        table.index = [group_name(doc, str(g)) for g in table.index]
        page.figure(plot_utilisation_heatmap(
            table, title=f"{label}: {tr('window utilisation by hour')}"),
            f"{key}_heatmap", f"{label}: {tr('window utilisation by hour')}")
    else:
        page.note(tr("The utilisation heatmap needs each window's on-duty time, which only "
                     "a store keeps (hallsim batch run): a results document's report "
                     "leaves it out."))
    if doc.get("by_category"):
        page.figure(plot_categories(
            doc["by_category"], target,
            title=f"{label}: {tr('abandonment and long waits by category')}"),
            f"{key}_categories", f"{label}: {tr('by category')}")


# --- results documents -------------------------------------------------------------


#: columns a records file (``hallsim run --records``) must have for a report
RECORD_COLUMNS = ("arrival", "call", "outcome")


def read_records(path: str | Path) -> pd.DataFrame:
    """A records file written by ``hallsim run --records`` (.parquet, .csv, .csv.gz).

    Raises :class:`InputError` naming the file for an unreadable file or a missing
    column.
    """
    name = str(path)
    if not Path(path).is_file():
        raise InputError(name, "--records", "file not found")
    try:
        if name.lower().endswith(".parquet"):
            frame = pd.read_parquet(path, columns=None)
        elif name.lower().endswith((".csv", ".csv.gz")):
            frame = pd.read_csv(path)
        else:
            raise InputError(name, "--records", "records file must end in .parquet, .csv "
                                                "or .csv.gz (hallsim run --records)")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pandas/pyarrow raise many kinds
        raise InputError(name, "--records", f"cannot read the records ({exc})") from None
    for column in RECORD_COLUMNS:
        if column not in frame.columns:
            raise InputError(name, column, "missing column: not a records file written by "
                                           "hallsim run --records")
    if "replication" not in frame.columns:
        frame.insert(0, "replication", 0)
    return frame


def records_profiles(frame: pd.DataFrame, doc: Mapping[str, Any]
                     ) -> tuple[list[dict[str, Any]], bool]:
    """Per-replication wait quantiles of a records table, and whether it is the table of
    the document's runs.

    The statistics window is the one of the document: the records of every day are
    kept, and the warm-up is the number of leading days whose exclusion gives, in
    every replication on average, exactly the document's ticket count (``overall.arrivals``
    counts the tickets taken between the warm-up and the horizon). When no warm-up
    does, or the replication counts differ, the table is not the document's:
    the figures use every ticket and the caller warns.
    """
    from sim.batch.analysis import wait_quantiles
    from sim.scenario.clock import MINUTES_PER_DAY

    days = int(doc.get("days") or 1)
    horizon = days * MINUTES_PER_DAY
    reps = [g for _, g in frame.groupby("replication", sort=True)]
    arrivals = float((doc.get("overall") or {}).get("arrivals", math.nan))

    def taken(g: pd.DataFrame, w0: float) -> np.ndarray:
        a = g["arrival"].to_numpy(dtype=float)
        return (a >= w0) & (a < horizon)

    warm = next((w for w in range(days) if abs(np.mean(
        [taken(g, w * MINUTES_PER_DAY).sum() for g in reps]) - arrivals) < 1e-6), None)
    same = warm is not None and len(reps) == int(doc.get("replications", 1))
    w0 = (warm or 0) * MINUTES_PER_DAY
    profiles = []
    for g in reps:
        keep = taken(g, w0) & (g["outcome"].astype(str) == "served").to_numpy()
        wait = (g["call"] - g["arrival"]).to_numpy(dtype=float)[keep]
        profiles.append({"wait_quantiles": wait_quantiles(wait)})
    return profiles, same


def is_backtest(doc: Any) -> bool:
    """Whether ``doc`` is a backtest document (``hallsim backtest --json``): predicted
    beside observed, with the errors and the Erlang A baseline."""
    return isinstance(doc, dict) and {"errors", "baseline_erlang_a", "by_hour"} <= set(doc)


def _document_report(path: Path, out: Path, records: Sequence[str], svg: bool,
                     shown: str | None = None) -> Path:
    from sim.files.reading import read_json
    from sim.report.document import check_results
    from sim.report.plots import plot_wait_cdf, pooled_quantiles, quantile_points

    data = read_json(path, "the results document")
    if is_backtest(data):  # hallsim backtest --json: its own page, as --report writes it
        if records:
            raise InputError(str(path), "--records", "--records is for results documents; a "
                                                     "backtest holds its hours' figures")
        from sim.report.calibration import backtest_report

        return backtest_report(data, out)
    if isinstance(data, dict) and isinstance(data.get("scenarios"), dict):
        docs = data["scenarios"]
    elif isinstance(data, dict) and "overall" in data:
        docs = {data.get("scenario", path.stem): data}
    else:
        raise InputError(str(path), "", "not a results document (hallsim run --json) nor a "
                                        "comparison (hallsim compare --json)")
    for label, d in docs.items():
        if not isinstance(d, dict) or "overall" not in d:
            raise InputError(str(path), f"scenarios.{label}", "not a results document")
        check_results(d, str(path), f"scenarios.{label}" if d is not data else "")
    if records and len(records) != len(docs):
        raise InputError(str(path), "--records", f"{len(records)} --records file(s) for "
                                                 f"{len(docs)} scenario(s) in the document")
    tables = [read_records(r) for r in records]  # every file checked before any figure
    page = Page(out, svg)
    first = next(iter(docs.values()))
    _meta_table(page, [
        (tr("source"), shown or str(path)), (tr("scenarios"), ", ".join(docs)),
        (tr("seed"), first.get("seed")), (tr("replications"), first.get("replications")),
        (tr("days per replication"), first.get("days")),
        (tr("hallsim version (results)"), (first.get("meta") or {}).get("hallsim_version", "?")),
        (tr("hallsim version (report)"), VERSION),
    ])
    # the numbers first: summary tables, then the comparison's differences
    for label, d in docs.items():
        page.h2(tr("Summary: {scenario}").format(scenario=label))
        summary_tables(page, d)
    diffs = data.get("differences") or {}
    if diffs:
        page.h2(tr("Differences against the baseline (paired 95% CI)"))
        base = str(data.get("baseline") or next(iter(docs)))
        for label, diff in diffs.items():
            difference_tables(page, base, label, diff,
                              wait_target(*(docs[k] for k in (base, label) if k in docs)))
    profiles: dict[str, list[dict[str, Any]] | None] = {label: None for label in docs}
    for k, (label, d) in enumerate(docs.items() if records else ()):
        profiles[label], same = records_profiles(tables[k], d)
        if not same:
            page.note(tr("Warning: {file} does not hold the runs of '{scenario}' (another "
                         "scenario, seed, replication count or number of days): the "
                         "distribution is drawn from every ticket it holds.")
                      .format(file=records[k], scenario=label))
    page.h2(tr("Waiting-time distribution"))
    target = (first.get("targets") or {}).get("wait_minutes")
    if records:
        curves = {lab: q for lab in docs if (q := pooled_quantiles(profiles[lab] or []))
                  is not None}
        page.figure(plot_wait_cdf(curves, target), "wait_cdf", tr("waiting-time CDF"))
        page.note(tr("Each curve averages the quantile functions of the replications, "
                     "read from the records files (hallsim run --records)."))
    else:
        page.figure(plot_wait_cdf({lab: quantile_points(d) for lab, d in docs.items()}, target,
                                  sketch=True), "wait_cdf", tr("waiting-time CDF"))
        page.note(tr("Without --records only the reported quantiles (P50, P90, P95, max and "
                     "the share of served tickets over the target) are known: the lines join "
                     "them."))
    for label, d in docs.items():
        page.h2(tr("Figures: {scenario}").format(scenario=label))
        _point_figures(page, d, profiles[label], _slug(label), label)
    return page.write(tr("hallsim report: {name}").format(name=", ".join(docs)))


# --- stores ------------------------------------------------------------------------


@dataclass
class _StoreData:
    """What a store report reads from the store (then closed)."""

    meta: dict[str, Any]
    tidy: pd.DataFrame
    points: pd.DataFrame
    runs: pd.DataFrame
    scen_data: dict[Any, Any]
    summaries: dict[Any, Any]
    profiles: dict[Any, Any]
    facs: list[str]


def _store_report(path: Path, out: Path, svg: bool, metrics: Sequence[str] | None) -> Path:
    from tqdm import tqdm

    from sim.batch.store import Store

    with tqdm(total=1, desc=tr("report"), unit=tr("step"), file=sys.stderr, leave=False,
              disable=None) as bar:
        bar.set_postfix_str(tr("reading the store"))
        with Store.open(path) as store:
            points = store.points_frame()
            data = _StoreData(store.meta(), store.metrics_frame(), points, store.runs_frame(),
                              store.point_scenarios(),
                              {p: store.summaries(p) for p in points["point"]},
                              {p: store.profiles(p) for p in points["point"]},
                              store.factor_names())
        bar.update()
        return _store_page(path, out, svg, metrics, bar, data)


def _store_page(path: Path, out: Path, svg: bool, metrics: Sequence[str] | None, bar: Any,
                data: _StoreData) -> Path:
    from sim.batch.analysis import DEFAULT_METRICS, crossed, main_effects
    from sim.report.floorplan import floorplan_svg
    from sim.report.plots import plot_metric_vs_factors, plot_wait_cdf, pooled_quantiles
    from sim.scenario.model import scenario_from_dict
    from sim.stats.metrics import results_document

    meta, tidy, points, runs = data.meta, data.tidy, data.points, data.runs
    summaries, profiles, facs = data.summaries, data.profiles, data.facs
    counts = runs["status"].value_counts().to_dict()
    page = Page(out, svg)
    title = tr("hallsim report: {name}").format(name=meta["experiment_name"])
    _meta_table(page, [
        (tr("experiment"), meta["experiment_name"]), (tr("store"), str(path)),
        (tr("definition hash"), meta["experiment_hash"][:16]),
        (tr("base scenarios"), ", ".join(dict.fromkeys(points["scenario"]))),
        (tr("factors"), ", ".join(facs) or tr("none")), (tr("design points"), len(points)),
        (tr("replications per point"), meta["replications"]),
        (tr("seed (every point: common random numbers)"), meta["seed"]),
        (tr("runs"), ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))),
        (tr("hallsim version (runs)"), meta["hallsim_version"]),
        (tr("hallsim version (report)"), VERSION),
    ])
    if tidy.empty:
        page.note(tr("The store holds no finished run yet."))
        return page.write(title)
    known = set(tidy["metric"])
    metrics = [m for m in (metrics or DEFAULT_METRICS) if m in known]
    bases = list(dict.fromkeys(points["scenario"]))
    bar.total = 2 + (len(metrics) if facs else 0) + len(bases)
    bar.refresh()
    bar.set_postfix_str(tr("tables"))
    page.h2(tr("Design points (mean ± 95% CI over replications)"))
    table = points[["point"]].merge(point_table(tidy, metrics), on="point", how="left")
    page.table(table, {"point": tr("point"), "scenario": tr("scenario"),
                       **{m: path_heading(m) for m in metrics}})
    bad = runs[runs["status"] != "ok"]
    if len(bad):
        page.h2(tr("Failed runs"))
        page.table(bad[["point", "scenario", "replication", "status", "error"]].head(50),
                   {c: tr(c) for c in ("point", "scenario", "replication", "status", "error")})
    bar.update()
    if facs:
        page.h2(tr("Metrics against each factor"))
        full = crossed(tidy)
        for m in metrics:
            bar.set_postfix_str(m)
            fig = plot_metric_vs_factors(main_effects(tidy, m), m, crossed=full)
            page.figure(fig, f"factors_{_slug(m)}",
                        tr("{metric} against each factor").format(metric=metric_label(m)))
            if not full:  # the binned means mix in the other factors: the line does not
                block_title, frame, heads = linear_effects_block(tidy, m)
                page.note(block_title)
                page.table(frame, heads)
            bar.update()
    baseline = int(meta.get("baseline", 0))
    seed = int(meta["seed"])
    labels = points.set_index("point")["label"]
    for base in bases:
        bar.set_postfix_str(str(base))
        mine = [p for p in points[points["scenario"] == base]["point"] if summaries[p]]
        if not mine:
            bar.update()
            continue
        page.h2(tr("Base scenario {scenario}").format(scenario=base))
        curves = {}
        for p in mine[:10]:
            q = pooled_quantiles(profiles[p])
            if q is not None:
                curves[str(labels[p]).split(": ", 1)[-1] if facs else f"P{p}"] = q
        ref = baseline if baseline in mine else mine[0]
        scenario = scenario_from_dict(data.scen_data[ref])
        doc = results_document(scenario, seed, [s for _, s in summaries[ref]],
                               {"hallsim_version": meta["hallsim_version"]})
        page.add(f"<p>{html.escape(tr('Reference point'))}: "
                 f"<b>{html.escape(str(labels[ref]))}</b></p>")
        summary_tables(page, doc)
        page.h3(tr("Floor plan, windows coloured by utilisation"))
        page.add(floorplan_svg(scenario, doc))
        target = (doc.get("targets") or {}).get("wait_minutes")
        if curves:
            page.figure(plot_wait_cdf(curves, target,
                                      title=f"{base}: {tr('waiting time distribution')}"),
                        f"{_slug(base)}_cdf", f"{base}: {tr('waiting-time CDF')}")
            more = tr(" (first 10 of {n} points)").format(n=len(mine)) if len(mine) > 10 \
                else ""
            page.note(tr("One curve per design point{more}: the mean over replications of "
                         "their wait quantile functions.").format(more=more))
        _point_figures(page, doc, profiles[ref], f"{_slug(base)}_P{ref}", f"P{ref} {base}")
        bar.update()
    return page.write(title)


def write_report(source: str | Path, out: str | Path, records: Sequence[str] = (),
                 svg: bool = False, metrics: Sequence[str] | None = None,
                 shown: str | None = None) -> Path:
    """Write ``out/index.html`` and its figures from a results document or a store.

    ``shown``: how a results document's report names its source (the web page gives
    the workspace's name of the file, not the server's path); the path as given when
    None.

    Returns the path of ``index.html``. Raises :class:`InputError` for an
    unreadable or unrecognised source.
    """
    from sim.batch.store import is_store

    source, out = Path(source), Path(out)
    if not source.exists():
        raise InputError(str(source), "", "file not found")
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "", "exists and is not a directory")
    store = is_store(source)
    if store and records:
        raise InputError(str(source), "--records", "--records is for results documents; "
                                                   "a store holds its runs' figures")
    with atomic_folder(out) as tmp:  # a report that fails leaves nothing behind
        index = _store_report(source, tmp, svg, metrics) if store else \
            _readable_document_report(source, tmp, records, svg, shown)
    return out / index.relative_to(tmp)


def _readable_document_report(path: Path, out: Path, records: Sequence[str], svg: bool,
                              shown: str | None = None) -> Path:
    """:func:`_document_report`, with a document whose parts have the wrong shape (a
    number where a table belongs, a missing figure) refused as bad input, naming the
    part, rather than failing half-way through the page."""
    try:
        return _document_report(path, out, records, svg, shown)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        what = f"no '{exc.args[0]}'" if isinstance(exc, KeyError) and exc.args else str(exc)
        raise InputError(str(path), "", "not a results document hallsim can report on "
                                        f"(hallsim run/compare --json): {what}") from None
