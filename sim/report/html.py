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
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.fonts import CSS_FONT_STACK, WEB_FAMILY, needs_cjk, write_font_subset
from sim.report.i18n import language, metric_heading, metric_label, tr, tr_unit
from sim.spec.errors import InputError
from sim.stats import registry
from sim.version import VERSION

#: file name of the CJK font subset written beside ``index.html``
FONT_FILE = "cjk-subset.otf"

_CSS = """
body{font-family:%(stack)s;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;
     margin-top:2em}h3{font-size:1.05em;margin-top:1.4em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
img{max-width:100%%;margin:.5em 0;border:1px solid #eee}
.note{color:#555;font-size:.9em}.meta td{text-align:left}
.sig{font-weight:bold;color:#b00}
"""


class _Page:
    """Accumulates HTML and saves figures beside it."""

    def __init__(self, out: Path, svg: bool) -> None:
        self.out = out
        self.svg = svg
        self.parts: list[str] = []
        self.files: list[Path] = []

    def add(self, text: str) -> None:
        """Append raw HTML."""
        self.parts.append(text)

    def h2(self, text: str) -> None:
        """Append a section heading."""
        self.add(f"<h2>{html.escape(text)}</h2>")

    def h3(self, text: str) -> None:
        """Append a sub-section heading."""
        self.add(f"<h3>{html.escape(text)}</h3>")

    def note(self, text: str) -> None:
        """Append a note paragraph."""
        self.add(f'<p class="note">{html.escape(text)}</p>')

    def figure(self, fig: Any, name: str, alt: str) -> None:
        """Save a figure as PNG (and SVG if asked) beside the page and show it."""
        from sim.spec.files import atomic_path

        png = self.out / f"{name}.png"
        with atomic_path(png) as tmp:
            fig.savefig(tmp, format="png")
        self.files.append(png)
        if self.svg:
            svg = self.out / f"{name}.svg"
            with atomic_path(svg) as tmp:
                fig.savefig(tmp, format="svg")
            self.files.append(svg)
        self.add(f'<img src="{html.escape(png.name)}" alt="{html.escape(alt)}">')

    def rows(self, headers: Sequence[str], rows: Sequence[Sequence[Any]],
             raw: bool = False) -> None:
        """Append a table; cells are escaped text unless ``raw`` (trusted HTML)."""
        cell = (lambda v: str(v)) if raw else (lambda v: html.escape(str(v)))
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                       for row in rows)
        self.add(f"<table><tr>{head}</tr>{body}</table>")

    def table(self, frame: pd.DataFrame, digits: int = 3) -> None:
        """Append a table of a DataFrame, floats to ``digits`` decimals."""
        def cell(v: Any) -> str:
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return "-"
            if isinstance(v, float):
                return f"{v:.{digits}f}"
            return str(v)

        self.rows([str(c) for c in frame.columns],
                  [[cell(v) for v in row] for row in frame.itertuples(index=False)])

    def write(self, title: str) -> Path:
        """Write ``index.html`` atomically (with the CJK font subset it needs) and
        return its path."""
        from sim.spec.files import write_text_atomic

        body = f"<h1>{html.escape(title)}</h1>" + "\n".join(self.parts)
        face = ""
        if write_font_subset(needs_cjk([title, body]), self.out / FONT_FILE):
            face = (f'@font-face{{font-family:"{WEB_FAMILY}";src:local("Noto Sans CJK SC"),'
                    f'url("{FONT_FILE}") format("opentype")}}')
        lang = "zh-CN" if language() == "zh" else "en"
        doc = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
               f"<title>{html.escape(title)}</title>"
               f"<style>{face}{_CSS % {'stack': CSS_FONT_STACK}}</style></head><body>"
               f"{body}</body></html>\n")
        index = self.out / "index.html"
        write_text_atomic(index, doc)
        return index


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:60]


def _meta_table(page: _Page, rows: Sequence[tuple[str, Any]]) -> None:
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in rows)
    page.add(f'<table class="meta">{body}</table>')


# --- summary tables ----------------------------------------------------------------

#: by-category columns of the summary table, in order
CATEGORY_KEYS = ("arrivals", "served", "abandoned", "balked", "open", "wait_mean", "wait_p90",
                 "p_wait_over_target", "abandon_share")


def format_value(key: str, value: Any, ci: Any = None, force_ci: bool = False) -> str:
    """A figure in display units (shares in percent) with its 95% CI half-width, if any."""
    m = registry.METRICS.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    scale, digits = (m.scale, m.digits) if m else (1.0, 2)
    text = f"{float(value) * scale:,.{digits}f}"
    if ci is not None and not (isinstance(ci, float) and math.isnan(ci)) and \
            (force_ci or m is None or m.ci == "t"):
        text += f" ± {float(ci) * scale:,.{digits}f}"
    return text


def summary_tables(page: _Page, doc: Mapping[str, Any]) -> None:
    """Overall, by-category and by-window-group tables of one results document."""
    overall, ci = doc.get("overall") or {}, doc.get("ci95") or {}
    page.h3(tr("Overall (mean over replications ± 95% CI)"))
    page.rows([tr("figure"), tr("value")],
              [[metric_heading(m.key), format_value(m.key, overall[m.key], ci.get(m.key))]
               for m in registry.in_section("overall") if m.key in overall])
    cats = doc.get("by_category") or {}
    if cats:
        keys = [k for k in CATEGORY_KEYS if any(k in c for c in cats.values())]
        page.h3(tr("By category"))
        page.rows([tr("category"), *(metric_heading(k) for k in keys)],
                  [[name, *(format_value(k, c.get(k), (c.get("ci95") or {}).get(k))
                            for k in keys)] for name, c in cats.items()])
    wins = doc.get("by_window") or {}
    if wins:
        keys = [m.key for m in registry.in_section("by_window")
                if any(m.key in w for w in wins.values())]
        page.h3(tr("By window group"))
        page.rows([tr("window group"), *(metric_heading(k) for k in keys)],
                  [[name, *(format_value(k, w.get(k), (w.get("ci95") or {}).get(k))
                            for k in keys)] for name, w in wins.items()])


def _diff_rows(block: Mapping[str, Any], first: str = "") -> list[list[str]]:
    verdicts = {"candidate": tr("candidate"), "baseline": tr("baseline"),
                "neither": tr("neither"), None: ""}
    rows = []
    for key, d in block.items():
        m = registry.METRICS.get(key)
        unit = tr("pp") if m is not None and m.unit == "%" else \
            (tr_unit(m.unit) if m is not None and m.unit else "")
        sig = '<span class="sig">✱</span>' if d.get("significant") else ""
        diff = format_value(key, d.get("diff"), d.get("ci95"), force_ci=True)
        rows.append([html.escape(x) for x in ([first] if first else []) +
                     [metric_label(key), format_value(key, d.get("baseline")),
                      format_value(key, d.get("candidate")), f"{diff} {unit}".strip()]]
                    + [sig, html.escape(verdicts.get(d.get("better"), ""))])
    return rows


def difference_tables(page: _Page, baseline: str, name: str, diff: Mapping[str, Any]) -> None:
    """Paired differences of one candidate against the baseline, with 95% CIs and a
    significance mark (✱: the interval excludes 0)."""
    paired = diff.get("paired", True)
    page.h3(tr("{candidate} against {baseline}").format(candidate=name, baseline=baseline))
    if not paired:
        page.note(tr("The two scenarios share no category: their replications are not "
                     "paired, and the intervals are Welch's (unpaired)."))
    heads = [tr("figure"), f"{tr('baseline')}: {baseline}", f"{tr('candidate')}: {name}",
             tr("difference ± 95% CI"), tr("significant"), tr("better")]
    page.rows(heads, _diff_rows(diff.get("overall") or {}), raw=True)
    cats = diff.get("by_category") or {}
    rows = [r for c, block in cats.items() for r in _diff_rows(block, c)]
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


def _point_figures(page: _Page, doc: dict[str, Any], profiles: list[dict[str, Any]] | None,
                   key: str, label: str) -> None:
    """By hour, heatmap and categories for one results document."""
    from sim.report.plots import plot_by_hour, plot_categories, plot_utilisation_heatmap

    target = (doc.get("targets") or {}).get("wait_minutes")
    if doc.get("by_hour"):
        page.figure(plot_by_hour({label: doc["by_hour"]},
                                 title=f"{label}: {tr('by hour of day')}"),
                    f"{key}_by_hour", f"{label}: {tr('mean wait and queue length by hour')}")
    if profiles:
        table = utilisation_table(profiles)
        if not table.empty:
            page.figure(plot_utilisation_heatmap(
                table, title=f"{label}: {tr('window utilisation by hour')}"),
                f"{key}_heatmap", f"{label}: {tr('window utilisation by hour')}")
    else:
        page.note(tr("Utilisation by hour needs per-ticket records: pass the scenario file "
                     "with --scenario to draw the heatmap."))
    if doc.get("by_category"):
        page.figure(plot_categories(
            doc["by_category"], target,
            title=f"{label}: {tr('abandonment and long waits by category')}"),
            f"{key}_categories", f"{label}: {tr('by category')}")


# --- results documents -------------------------------------------------------------


def _simulate_profiles(scenario_file: str, doc: dict[str, Any]
                       ) -> tuple[list[dict[str, Any]], bool]:
    """Re-run a document's replications with records; (profiles, reproduces the document)."""
    from sim.batch.analysis import run_profile
    from sim.spec.scenario import load_scenario
    from sim.stats.replications import run_replication

    scenario = load_scenario(scenario_file)
    if doc.get("days") and scenario.hall.days != doc["days"]:
        scenario = scenario.with_days(int(doc["days"]))
    profiles, arrivals = [], []
    for r in range(int(doc.get("replications", 1))):
        rep = run_replication(scenario, int(doc.get("seed", 1)), r, keep_records=True)
        assert rep.records is not None
        profiles.append(run_profile(scenario, rep.records))
        arrivals.append(rep.summary["overall"]["arrivals"])
    same = scenario.name == doc.get("scenario") and \
        abs(sum(arrivals) / len(arrivals) - float(doc["overall"]["arrivals"])) < 1e-6
    return profiles, same


def _document_report(path: Path, out: Path, scenarios: Sequence[str], svg: bool) -> Path:
    from sim.report.plots import plot_wait_cdf, pooled_quantiles, quantile_points

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), "", f"cannot read the results document ({exc})") from None
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
    if scenarios and len(scenarios) != len(docs):
        raise InputError(str(path), "", f"{len(scenarios)} --scenario file(s) for "
                                        f"{len(docs)} scenario(s) in the document")
    page = _Page(out, svg)
    first = next(iter(docs.values()))
    _meta_table(page, [
        (tr("source"), str(path)), (tr("scenarios"), ", ".join(docs)),
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
            difference_tables(page, base, label, diff)
    profiles: dict[str, list[dict[str, Any]] | None] = {}
    for k, (label, d) in enumerate(docs.items()):
        if scenarios:
            profiles[label], same = _simulate_profiles(scenarios[k], d)
            if not same:
                page.note(tr("Warning: {file} does not reproduce the document of '{scenario}' "
                             "(another scenario or a changed file); figures from records may "
                             "not match the document.").format(file=scenarios[k],
                                                               scenario=label))
        else:
            profiles[label] = None
    page.h2(tr("Waiting-time distribution"))
    target = (first.get("targets") or {}).get("wait_minutes")
    if scenarios:
        curves = {lab: q for lab in docs if (q := pooled_quantiles(profiles[lab] or []))
                  is not None}
        page.figure(plot_wait_cdf(curves, target), "wait_cdf", tr("waiting-time CDF"))
        page.note(tr("Each curve averages the quantile functions of the replications "
                     "(re-simulated from the scenario file with the document's seed)."))
    else:
        page.figure(plot_wait_cdf({lab: quantile_points(d) for lab, d in docs.items()}, target,
                                  sketch=True), "wait_cdf", tr("waiting-time CDF"))
        page.note(tr("Without --scenario only the reported quantiles (P50, P90, P95, max and "
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
    from sim.batch.analysis import DEFAULT_METRICS, main_effects, point_summary
    from sim.report.plots import plot_metric_vs_factors, plot_wait_cdf, pooled_quantiles
    from sim.spec.scenario import scenario_from_dict
    from sim.stats.metrics import results_document

    meta, tidy, points, runs = data.meta, data.tidy, data.points, data.runs
    summaries, profiles, facs = data.summaries, data.profiles, data.facs
    counts = runs["status"].value_counts().to_dict()
    page = _Page(out, svg)
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
    ps = point_summary(tidy, metrics)
    ps["value"] = [format_value(str(k).rsplit(".", 1)[-1], m, c, force_ci=True)
                   for k, m, c in zip(ps["metric"], ps["mean"], ps["ci95"])]
    wide = ps.pivot_table(index="point", columns="metric", values="value", aggfunc="first")
    table = points.set_index("point")[["scenario", *facs]].join(wide[metrics]).reset_index()
    table.columns = [tr("point"), tr("scenario"), *facs,
                     *(metric_heading(m.rsplit(".", 1)[-1]) for m in metrics)]
    page.table(table)
    bad = runs[runs["status"] != "ok"]
    if len(bad):
        page.h2(tr("Failed runs"))
        page.table(bad[["point", "scenario", "replication", "status", "error"]].head(50))
    bar.update()
    if facs:
        page.h2(tr("Metrics against each factor"))
        for m in metrics:
            bar.set_postfix_str(m)
            fig = plot_metric_vs_factors(main_effects(tidy, m), m)
            page.figure(fig, f"factors_{_slug(m)}",
                        tr("{metric} against each factor").format(metric=metric_label(m)))
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
        doc = results_document(scenario_from_dict(data.scen_data[ref]), seed,
                               [s for _, s in summaries[ref]],
                               {"hallsim_version": meta["hallsim_version"]})
        page.add(f"<p>{html.escape(tr('Reference point'))}: "
                 f"<b>{html.escape(str(labels[ref]))}</b></p>")
        summary_tables(page, doc)
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


def write_report(source: str | Path, out: str | Path, scenarios: Sequence[str] = (),
                 svg: bool = False, metrics: Sequence[str] | None = None) -> Path:
    """Write ``out/index.html`` and its figures from a results document or a store.

    Returns the path of ``index.html``. Raises :class:`InputError` for an
    unreadable or unrecognised source.
    """
    from sim.batch.store import is_store

    source, out = Path(source), Path(out)
    if not source.exists():
        raise InputError(str(source), "", "file not found")
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "", "exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    if is_store(source):
        if scenarios:
            raise InputError(str(source), "", "--scenario is for results documents; a store "
                                              "holds its scenarios")
        return _store_report(source, out, svg, metrics)
    return _document_report(source, out, scenarios, svg)
