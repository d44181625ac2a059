"""The hourly table of a results document (``by_hour``), as the page and the XLSX show it,
and the one label of an hour of day everywhere on the page (tables, charts, forecast)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sim.report.i18n import metric_heading, tr
from sim.report.tables import fmt_metric, wait_target
from sim.scenario.clock import format_hhmm, parse_period

#: hourly figures shown, in order
HOUR_KEYS = ("wait_mean", "wait_p90", "p_wait_over_target", "p_wait_positive", "queue_mean")


def hour_span(hour: int | str, opening: Sequence[str] = ()) -> str:
    """An hour of day as the period it covers, ``13:00-14:00``: a figure by hour is
    the tickets taken in that clock hour, and the forecast's rows are the same hours.
    With the hall's ``opening`` periods (``["08:30-12:00", "13:30-17:00"]``: a results
    document's ``opening``, a scenario's ``hall.open``) the hour is cut to the part the
    hall is open, ``13:30-14:00`` where it opens at 13:30; an hour it is closed
    throughout (the hour after closing) keeps its clock span."""
    h = int(hour)
    lo, hi = 60.0 * h, 60.0 * h + 60.0
    inside = [(s, e) for s, e in (parse_period(p) for p in opening) if s < hi and e > lo]
    if inside:
        lo, hi = max(lo, inside[0][0]), min(hi, inside[-1][1])
    return f"{format_hhmm(lo)}-{format_hhmm(hi)}"


def closed_throughout(hour: int | str, opening: Sequence[str]) -> bool:
    """Whether the hall is closed for the whole clock hour ``hour`` (a lunch break, the
    hour after closing): no ticket is taken then, but those taken before may still wait."""
    lo, hi = 60.0 * int(hour), 60.0 * int(hour) + 60.0
    return not any(s < hi and e > lo for s, e in (parse_period(p) for p in opening))


def opening_of(*docs: Mapping[str, Any]) -> list[str]:
    """The opening periods the documents share (a results document's ``opening``); none
    when they differ or a document does not say (an older one): hours keep their clock
    span."""
    found = {tuple(doc.get("opening") or ()) for doc in docs}
    return list(found.pop()) if len(found) == 1 else []


def hour_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Headings and rows of the hourly table (each figure ± its 95 % half-width)."""
    by_hour = doc.get("by_hour") or {}
    target = wait_target(doc)
    opening = opening_of(doc)
    heads = [tr("hour"), metric_heading("arrivals_per_day")] + \
        [metric_heading(k, target) for k in HOUR_KEYS]
    out = []
    for h, row in by_hour.items():
        ci = row.get("ci95") or {}
        out.append([hour_span(h, opening),
                    fmt_metric("arrivals_per_day", row.get("arrivals_per_day"))]
                   + [fmt_metric(k, row.get(k), ci.get(k)) for k in HOUR_KEYS])
    return heads, out


def closed_hours_note(doc: dict[str, Any]) -> str:
    """What the hourly table's hours with the hall closed throughout show (a lunch break,
    the hour after closing: no ticket taken, yet a queue, of tickets taken before and
    still waiting), naming them; "" when there are none."""
    opening = opening_of(doc)
    closed = [hour_span(h, opening) for h in doc.get("by_hour") or {}
              if opening and closed_throughout(h, opening)]
    if not closed:
        return ""
    from sim.report.i18n import tr_in

    return tr("{hours}: the hall is closed; their queue is of tickets taken before and "
              "still waiting").format(hours=tr_in("list", ", ").join(closed))
