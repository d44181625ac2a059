"""The hourly table of a results document (``by_hour``), as the page and the XLSX show it,
and the one label of an hour of day everywhere on the page (tables, charts, forecast)."""

from __future__ import annotations

from typing import Any

from sim.report.i18n import metric_heading, tr
from sim.report.tables import fmt_metric, wait_target

#: hourly figures shown, in order
HOUR_KEYS = ("wait_mean", "wait_p90", "p_wait_over_target", "p_wait_positive", "queue_mean")


def hour_span(hour: int | str) -> str:
    """An hour of day as the period it covers, ``13:00-14:00``: a figure by hour is
    the tickets taken in that clock hour (only 13:30-14:00 of it where the hall opens
    at 13:30), and the forecast's rows are the same hours."""
    h = int(hour)
    return f"{h:02d}:00-{h + 1:02d}:00"


def hour_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Headings and rows of the hourly table (each figure ± its 95 % half-width)."""
    by_hour = doc.get("by_hour") or {}
    target = wait_target(doc)
    heads = [tr("hour"), metric_heading("arrivals_per_day")] + \
        [metric_heading(k, target) for k in HOUR_KEYS]
    out = []
    for h, row in by_hour.items():
        ci = row.get("ci95") or {}
        out.append([hour_span(h), fmt_metric("arrivals_per_day", row.get("arrivals_per_day"))]
                   + [fmt_metric(k, row.get(k), ci.get(k)) for k in HOUR_KEYS])
    return heads, out
