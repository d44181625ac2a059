"""HTML reports of a calibration (fitted against observed service distributions, the
arrival profile with its bands, the inferred staffing, rows kept and skipped) and of
a backtest (predicted against observed waits and abandonment by hour, the errors,
their noise floor and the Erlang A baseline).

Both use the reports' one page template (:class:`sim.report.page.Page`: the CJK
font stack and subset, atomic writes, figures saved beside the page) and figures
with the CJK fallback font, so Chinese item and window names read as they are.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from sim.calibration.calibrate import Calibration
from sim.report.calibration_text import fit_basis, log_summary, note, scenario_name
from sim.report.i18n import metric_heading, metric_label, tr, tr_in
from sim.report.page import Page
from sim.report.plots import new_figure
from sim.stats.registry import metric


def _page(out: str | Path) -> Page:
    path = Path(out)
    path.mkdir(parents=True, exist_ok=True)
    return Page(path, svg=False)


def _service_panels(page: Page, cal: Calibration, k: int, name: str) -> None:
    """Per item: fitted against observed service CDF, the QQ plot, and the arrival
    profile against the observed mean counts with a 95 % Poisson band."""
    it = cal.items[name]
    f = cal.log.frame
    res = cal.options.resolution
    n_days = len(cal.days.dates)
    page.h2(name)
    page.note(tr("service: {basis}").format(basis=fit_basis(it.service)))
    page.note(tr("patience: {basis}").format(
        basis=fit_basis(it.patience) if it.patience else tr("none")))
    fig = new_figure(figsize=(13, 3.4))
    ax = fig.subplots(1, 3)
    # exactly the sample the service was fitted to (the window's occupancy: service and
    # turnaround, net of the speed and time-of-day factors)
    x = np.sort(it.fitted if it.fitted is not None else np.empty(0))
    if len(x):
        ax[0].step(x, np.arange(1, len(x) + 1) / len(x), label=tr("observed"))
        d = it.service.frozen()
        if d is not None:
            ax[0].plot(x, d.cdf(x),
                       label=tr("fitted {family}").format(family=tr(it.service.family)))
            p = (np.arange(1, len(x) + 1) - 0.5) / len(x)
            ax[1].plot(d.ppf(p), x, ".", ms=2)
            ax[1].axline((0, 0), slope=1, color="grey")
        ax[0].set_xlabel(tr("service + turnaround (min)") if cal.turnaround.minutes > 0
                         else tr("service (min)"))
        ax[0].set_title(tr("net of speed and time-of-day factors"), fontsize=9)
        ax[0].legend()
        ax[1].set_title(tr("QQ: fitted vs observed quantiles"))
        ax[1].set_xlabel(tr("fitted quantile (min)"))
        ax[1].set_ylabel(tr("observed quantile (min)"))
    mine = (f["item"] == name).to_numpy()
    minute, day = cal.log.minute[mine], cal.day_index[mine]
    counts = np.zeros((n_days, 1440 // res))
    np.add.at(counts, (day, (minute // res).astype(int)), 1)
    obs = counts[:, cal.bins].mean(axis=0) * 60 / res
    lam = it.rates * res / 60
    gaps = np.flatnonzero(np.diff(cal.bins) > 1) + 1  # a closure breaks the lines

    def cut(values: np.ndarray) -> np.ndarray:
        return np.insert(np.asarray(values, dtype=float), gaps, np.nan)

    hours = cut(cal.bins * res / 60)
    ax[2].plot(hours, cut(obs), "o", ms=3, label=tr("observed mean"))
    ax[2].plot(hours, cut(it.rates), label=tr("profile"))
    lo = stats.poisson.ppf(0.025, lam * n_days) / n_days * 60 / res
    hi = stats.poisson.ppf(0.975, lam * n_days) / n_days * 60 / res
    ax[2].fill_between(hours, cut(lo), cut(hi), alpha=0.3, label=tr("95% Poisson band"))
    ax[2].set_xlabel(tr("hour of day"))
    ax[2].set_ylabel(tr("tickets per hour"))
    ax[2].legend()
    fig.suptitle(name, fontsize=11)  # the figure names its item when seen on its own
    page.figure(fig, f"item-{k}", tr("{name}: service fit and arrival profile").format(name=name))


def calibration_report(cal: Calibration, out: str | Path) -> Path:
    """Write ``DIR/index.html`` (and its figures) for a calibration."""
    page = _page(out)
    page.h2(tr("Rows"))
    page.add("<pre>" + "\n".join(html.escape(line)
                                   for line in log_summary(cal.log.summary_lines())) + "</pre>")
    if cal.notes:
        page.h2(tr("Notes"))
        for text in cal.notes:
            page.note(note(text))
    for k, name in enumerate(cal.items):
        _service_panels(page, cal, k, name)
    res = cal.options.resolution
    fig = new_figure(figsize=(9, 3.4))
    ax = fig.subplots()
    bottom = np.zeros(len(cal.bins))
    for g in cal.groups:
        v = np.array([g.schedule[int(b)] for b in cal.bins])
        ax.bar(cal.bins * res / 60, v, width=res / 60, bottom=bottom, align="edge", label=g.id)
        bottom += v
    ax.set_xlabel(tr("hour of day"))
    ax.set_ylabel(tr("windows on duty"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(ncol=4, fontsize=7)
    page.h2(tr("Inferred staffing by time of day"))
    page.figure(fig, "staffing", tr("windows on duty by time of day, per group"))
    _credits(page, cal.log.credits)
    return page.write(tr("Calibration: {name}").format(name=scenario_name(cal.options.name)))


def backtest_report(doc: dict[str, Any], out: str | Path) -> Path:
    """Write ``DIR/index.html`` (and its figure) for a backtest document."""
    page = _page(out)
    page.note(tr("{days} days; arrivals: {arrivals}; staffing: {staffing}; {replications} "
                 "replications").format(days=doc["days"],
                                        arrivals=tr_in("backtest", doc["arrivals"]),
                                        staffing=tr_in("backtest", doc["staffing"]),
                                        replications=doc["replications"]))
    blocks = backtest_blocks(doc)
    _, heads, rows = blocks[0]
    page.rows(heads, rows)
    hours = [int(h) for h in doc["by_hour"]]
    # a closed stretch (12:00-14:00) breaks the lines instead of being drawn across
    x = np.array(hours, dtype=float)
    gaps = np.flatnonzero(np.diff(x) > 1) + 1
    x = np.insert(x, gaps, np.nan)
    fig = new_figure(figsize=(12, 3.6))
    for a, m in zip(fig.subplots(1, 2), ("wait_mean", "left_share")):  # registry keys
        rows = [doc["by_hour"][str(h)][m] for h in hours]

        scale = metric(m).scale  # shares are drawn in percent, as their label says

        def get(key: str, rows: list[dict[str, Any]] = rows, scale: float = scale
                ) -> np.ndarray:
            values = scale * np.array([np.nan if r[key] is None else r[key] for r in rows],
                                      dtype=float)
            return np.insert(values, gaps, np.nan)

        a.plot(x, get("observed"), "o", label=tr("observed"))
        a.plot(x, get("predicted"), label=tr("predicted"))
        a.fill_between(x, np.maximum(get("low"), 0.0), get("high"), alpha=0.3,
                       label=tr("95% band"))
        a.set_title(metric_label(m))
        a.set_xlabel(tr("hour of day"))
        a.set_ylabel(metric_heading(m))
        a.legend()
    page.figure(fig, "by-hour", tr("observed and predicted by hour"))
    for title, heads, rows in blocks[1:]:
        page.h2(title)
        page.rows(heads, rows)
    _credits(page, doc.get("credits", []))
    return page.write(tr("Backtest: {scenario}").format(scenario=scenario_name(doc["scenario"])))


def backtest_blocks(doc: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The tables of a backtest document as ``(title, headings, rows)``, figures as
    :class:`~sim.report.tables.Figure`: the errors (simulation, noise floor, Erlang A),
    the errors by item, and observed beside predicted by hour. One source for the HTML
    page and the web's spreadsheet."""
    from sim.report.tables import fmt

    def errors(e: dict[str, Any], hours: Any = "") -> list[Any]:
        return [fmt(e.get("wait_mape"), digits=2), fmt(e.get("wait_mae_minutes"), digits=2),
                fmt(e.get("abandon_mae_points"), digits=2), hours]

    heads = [tr("hourly mean-wait MAPE (%)"), tr("hourly mean-wait MAE (min)"),
             tr("abandonment MAE (points)"), tr("hours")]
    e, b = doc["errors"], doc["baseline_erlang_a"]["errors"]
    out = [(tr("Errors"), ["", *heads], [
        [tr("simulation"), *errors(e, e.get("hours", ""))],
        [tr("noise floor"), *errors(e.get("noise_floor") or {})],
        [tr("Erlang A baseline"), *errors(b, b.get("hours", ""))]])]
    out.append((tr("Errors by item"), [tr("item"), *heads],
                [[item, *errors(v, v.get("hours", ""))]
                 for item, v in (e.get("by_item") or {}).items()]))
    figures = ("wait_mean", "left_share")
    hour_heads = [tr("hour of day")]
    for m in figures:
        for part in ("observed", "predicted", "95% band"):
            hour_heads.append(tr("{figure}: {part}").format(figure=metric_heading(m),
                                                            part=tr(part)))
    rows = []
    for hour, row in doc["by_hour"].items():
        cells: list[Any] = [f"{int(hour):02d}:00"]
        for m in figures:
            scale, f = metric(m).scale, row[m]

            def value(key: str, f: dict[str, Any] = f, scale: float = scale) -> Any:
                return None if f.get(key) is None else scale * f[key]

            low, high = value("low"), value("high")
            cells += [fmt(value("observed"), digits=2), fmt(value("predicted"), digits=2),
                      "" if low is None or high is None else f"{low:.2f}–{high:.2f}"]
        rows.append(cells)
    out.append((tr("Observed and predicted by hour"), hour_heads, rows))
    return out


def _credits(page: Page, credits: Any) -> None:
    """The acknowledgements the logs' sources ask for (the Anonymous Bank's)."""
    for credit in credits:
        page.note(tr("Data source: {credit}").format(credit=credit))
