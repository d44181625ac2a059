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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.spec.errors import InputError
from sim.version import VERSION

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;
     padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;
     margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
img{max-width:100%;margin:.5em 0;border:1px solid #eee}
.note{color:#555;font-size:.9em}.meta td{text-align:left}
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

    def table(self, frame: pd.DataFrame, digits: int = 3) -> None:
        """Append a table of a DataFrame, floats to ``digits`` decimals."""
        def cell(v: Any) -> str:
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return "-"
            if isinstance(v, float):
                return f"{v:.{digits}f}"
            return html.escape(str(v))

        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
        body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                       for row in frame.itertuples(index=False))
        self.add(f"<table><tr>{head}</tr>{body}</table>")

    def write(self, title: str) -> Path:
        """Write ``index.html`` atomically and return its path."""
        from sim.spec.files import write_text_atomic

        doc = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
               f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
               f"<h1>{html.escape(title)}</h1>" + "\n".join(self.parts) + "</body></html>\n")
        index = self.out / "index.html"
        write_text_atomic(index, doc)
        return index


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:60]


def _meta_table(page: _Page, rows: Sequence[tuple[str, Any]]) -> None:
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in rows)
    page.add(f'<table class="meta">{body}</table>')


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
        page.figure(plot_by_hour({label: doc["by_hour"]}, title=f"{label}: by hour of day"),
                    f"{key}_by_hour", f"{label}: mean wait and queue length by hour")
    if profiles:
        table = utilisation_table(profiles)
        if not table.empty:
            page.figure(plot_utilisation_heatmap(table, title=f"{label}: window utilisation "
                                                              "by hour"),
                        f"{key}_heatmap", f"{label}: utilisation heatmap")
    else:
        page.note("Utilisation by hour needs per-ticket records: pass the scenario file "
                  "with --scenario to draw the heatmap.")
    if doc.get("by_category"):
        page.figure(plot_categories(doc["by_category"], target,
                                    title=f"{label}: abandonment and long waits by category"),
                    f"{key}_categories", f"{label}: by category")


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
        ("source", str(path)), ("scenarios", ", ".join(docs)),
        ("seed", first.get("seed")), ("replications", first.get("replications")),
        ("days per replication", first.get("days")),
        ("hallsim version (results)", (first.get("meta") or {}).get("hallsim_version", "?")),
        ("hallsim version (report)", VERSION),
    ])
    profiles: dict[str, list[dict[str, Any]] | None] = {}
    for k, (label, d) in enumerate(docs.items()):
        if scenarios:
            profiles[label], same = _simulate_profiles(scenarios[k], d)
            if not same:
                page.note(f"Warning: {scenarios[k]} does not reproduce the document of "
                          f"'{label}' (another scenario or a changed file); figures from "
                          "records may not match the document.")
        else:
            profiles[label] = None
    page.h2("Waiting-time distribution")
    target = (first.get("targets") or {}).get("wait_minutes")
    if scenarios:
        curves = {lab: q for lab in docs if (q := pooled_quantiles(profiles[lab] or []))
                  is not None}
        page.figure(plot_wait_cdf(curves, target), "wait_cdf", "waiting-time CDF")
        page.note("Each curve averages the quantile functions of the replications "
                  "(re-simulated from the scenario file with the document's seed).")
    else:
        page.figure(plot_wait_cdf({lab: quantile_points(d) for lab, d in docs.items()}, target,
                                  sketch=True), "wait_cdf", "waiting-time CDF points")
        page.note("Without --scenario only the reported quantiles (P50, P90, P95, max and "
                  "the share over the target) are known: the lines join them.")
    for label, d in docs.items():
        page.h2(f"Scenario {label}")
        _point_figures(page, d, profiles[label], _slug(label), label)
    return page.write(f"hallsim report: {', '.join(docs)}")


# --- stores ------------------------------------------------------------------------


def _store_report(path: Path, out: Path, svg: bool, metrics: Sequence[str] | None) -> Path:
    from sim.batch.analysis import DEFAULT_METRICS, main_effects, point_summary
    from sim.batch.store import Store
    from sim.report.plots import plot_metric_vs_factors, plot_wait_cdf, pooled_quantiles
    from sim.spec.scenario import scenario_from_dict
    from sim.stats.metrics import results_document

    with Store.open(path) as store:
        meta = store.meta()
        tidy = store.metrics_frame()
        points = store.points_frame()
        runs = store.runs_frame()
        scen_data = store.point_scenarios()
        summaries = {p: store.summaries(p) for p in points["point"]}
        profiles = {p: store.profiles(p) for p in points["point"]}
        facs = store.factor_names()
    counts = runs["status"].value_counts().to_dict()
    page = _Page(out, svg)
    _meta_table(page, [
        ("experiment", meta["experiment_name"]), ("store", str(path)),
        ("definition hash", meta["experiment_hash"][:16]),
        ("base scenarios", ", ".join(dict.fromkeys(points["scenario"]))),
        ("factors", ", ".join(facs) or "none"), ("design points", len(points)),
        ("replications per point", meta["replications"]),
        ("seed (every point: common random numbers)", meta["seed"]),
        ("runs", ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))),
        ("hallsim version (runs)", meta["hallsim_version"]),
        ("hallsim version (report)", VERSION),
    ])
    if tidy.empty:
        page.note("The store holds no finished run yet.")
        return page.write(f"hallsim report: {meta['experiment_name']}")
    known = set(tidy["metric"])
    metrics = [m for m in (metrics or DEFAULT_METRICS) if m in known]
    page.h2("Design points (mean ± 95% CI over replications)")
    ps = point_summary(tidy, metrics)
    ps["value"] = [f"{m:.3f} ± {c:.3f}" if not math.isnan(m) else "-"
                   for m, c in zip(ps["mean"], ps["ci95"])]
    wide = ps.pivot_table(index="point", columns="metric", values="value", aggfunc="first")
    table = points.set_index("point")[["scenario", *facs]].join(wide[metrics]).reset_index()
    page.table(table)
    bad = runs[runs["status"] != "ok"]
    if len(bad):
        page.h2("Failed runs")
        page.table(bad[["point", "scenario", "replication", "status", "error"]].head(50))
    if facs:
        page.h2("Metrics against each factor")
        for m in metrics:
            fig = plot_metric_vs_factors(main_effects(tidy, m), m)
            page.figure(fig, f"factors_{_slug(m)}", f"{m} against each factor")
    baseline = int(meta.get("baseline", 0))
    seed = int(meta["seed"])
    for base in dict.fromkeys(points["scenario"]):
        mine = [p for p in points[points["scenario"] == base]["point"] if summaries[p]]
        if not mine:
            continue
        page.h2(f"Base scenario {base}")
        labels = points.set_index("point")["label"]
        curves = {}
        for p in mine[:10]:
            q = pooled_quantiles(profiles[p])
            if q is not None:
                curves[str(labels[p]).split(": ", 1)[-1] if facs else f"P{p}"] = q
        ref = baseline if baseline in mine else mine[0]
        doc = results_document(scenario_from_dict(scen_data[ref]), seed,
                               [s for _, s in summaries[ref]],
                               {"hallsim_version": meta["hallsim_version"]})
        target = (doc.get("targets") or {}).get("wait_minutes")
        if curves:
            page.figure(plot_wait_cdf(curves, target, title=f"{base}: waiting time "
                                                            "distribution"),
                        f"{_slug(base)}_cdf", f"{base}: waiting-time CDF")
            more = f" (first 10 of {len(mine)} points)" if len(mine) > 10 else ""
            page.note(f"One curve per design point{more}: the mean over replications of "
                      "their wait quantile functions.")
        page.add(f"<p>Reference point: <b>{html.escape(str(labels[ref]))}</b></p>")
        _point_figures(page, doc, profiles[ref], f"{_slug(base)}_P{ref}", f"P{ref} {base}")
    return page.write(f"hallsim report: {meta['experiment_name']}")


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
