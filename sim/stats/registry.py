"""The metric registry: every figure hallsim reports, defined once.

Each :class:`Metric` says what a figure is (English label, unit, kind), how to
read it (whether lower or higher is better), how its confidence interval is
formed, whether ``hallsim compare`` pairs it, and in which sections of a
replication's summary (and so of the results document) it appears. Every
consumer reads it from here: the results document (which figures carry a
``ci95``), the terminal tables, ``compare``, batch summaries and analysis,
plots and HTML reports, and message catalogues that translate the labels.

Public API::

    METRICS                      # key -> Metric, in reporting order
    metric("wait_mean")          # one Metric (KeyError for an unknown key)
    resolve("by_category.tax.wait_p90")  # Metric of a dotted path (ValueError if unknown)
    in_section("by_hour")        # Metrics reported in a section, in order
    compared("journeys")         # Metrics that compare pairs in a section
    ci_keys(section)             # keys that carry a ci95 in a section
    label(key) / axis_label(key) # "mean wait", "mean wait (min)"
    display(key, value)          # value in display units (shares as percent)
    in_section(BACKTEST)         # the figures a backtest sets beside a ticket log

Keys are the names of the summary fields (the results-document contract); a
key has one meaning in every section where it appears (``wait_mean`` is the
mean wait of served tickets overall, per category and per hour alike).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Direction = Literal["lower", "higher"] | None
Kind = Literal["share", "time", "count", "ratio"]
CiKind = Literal["t", "none"]

#: sections of a summary (and of the results document) that hold figures
SECTIONS = ("overall", "by_category", "by_window", "by_hour", "backoffice", "cases", "journeys",
            "by_area")
#: the figures a backtest sets beside a ticket log (``hallsim backtest``; not a summary
#: section: each appears overall, per hour and per item of the backtest document)
BACKTEST = "backtest"


@dataclass(frozen=True)
class Metric:
    """One reported figure.

    - ``key``: its field name in summaries and the results document;
    - ``label``: short English label, unit-free ("mean wait");
    - ``unit``: display unit ("min", "%", "tickets", "h", "days", "visits",
      "windows"...; "" for a pure number). Shares are stored as fractions and
      shown in percent;
    - ``direction``: "lower" or "higher" is better, or None (neither);
    - ``kind``: "share" (a fraction of a count), "time", "count" or "ratio";
    - ``ci``: "t" for a Student-t interval over replications
      (:mod:`sim.stats.ci`), "none" for figures shown without one;
    - ``compared``: whether ``compare`` and batch summaries pair it;
    - ``sections``: where it appears ("cases" = overall and per-category case
      figures of scenarios that follow cases; :data:`BACKTEST` = the figures of
      ``hallsim backtest``);
    - ``target_label``: for a figure judged against ``targets.wait_minutes``, its
      label with the target in minutes (``{minutes}``), used wherever the target is
      known, so that tables, figures and reports call one measure by one name.
    """

    key: str
    label: str
    unit: str
    direction: Direction
    kind: Kind
    ci: CiKind
    compared: bool
    sections: frozenset[str]
    target_label: str | None = None

    @property
    def scale(self) -> float:
        """Factor from stored value to display unit (100 for shares, else 1)."""
        return 100.0 if self.unit == "%" else 1.0

    @property
    def lower_is_better(self) -> bool | None:
        """True / False by direction; None when neither is better."""
        return None if self.direction is None else self.direction == "lower"

    @property
    def digits(self) -> int:
        """Decimals shown in tables (counts of means get one: 148.5, not 148)."""
        return 1

    def heading(self) -> str:
        """Label with its unit, for a table column or an axis ("mean wait (min)")."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


def _m(key: str, label: str, unit: str, direction: Direction, kind: Kind,
       sections: Iterable[str], ci: CiKind = "t", compared: bool = False,
       target_label: str | None = None) -> Metric:
    return Metric(key, label, unit, direction, kind, ci, compared, frozenset(sections),
                  target_label)


_HALL = ("overall", "by_category")
_CASES = ("cases",)

_ALL = (
    # waits of served tickets
    _m("wait_mean", "mean wait", "min", "lower", "time", (*_HALL, "by_hour", BACKTEST),
       compared=True),
    _m("wait_p50", "P50 wait", "min", "lower", "time", _HALL),
    _m("wait_p90", "P90 wait", "min", "lower", "time", (*_HALL, "by_hour"), compared=True),
    _m("wait_p95", "P95 wait", "min", "lower", "time", _HALL, compared=True),
    _m("wait_max", "max wait", "min", "lower", "time", _HALL),
    # the service level (sim.stats.service_level)
    _m("p_wait_over_target", "not called within target", "%", "lower", "share",
       (*_HALL, "by_hour", BACKTEST), compared=True,
       target_label="not called within {minutes} min"),
    _m("p_served_wait_over_target", "served, waited over target", "%", "lower", "share",
       _HALL, target_label="served, waited over {minutes} min"),
    _m("p_wait_positive", "waited at all", "%", "lower", "share", (*_HALL, "by_hour")),
    _m("abandon_share", "abandoned", "%", "lower", "share", _HALL, compared=True),
    _m("balk_share", "balked", "%", "lower", "share", _HALL, compared=True),
    # windows
    _m("utilisation", "utilisation", "%", None, "ratio", ("overall", "by_window", "backoffice"),
       compared=True),
    _m("busy_hours", "busy", "h / rep", None, "time", ("by_window",)),
    _m("staffed_hours", "staffed", "h / rep", None, "time", ("by_window",)),
    # tickets
    _m("arrivals", "tickets", "tickets", None, "count", _HALL, ci="none"),
    _m("served", "served", "tickets", None, "count", (*_HALL, "by_window"), ci="none",
       compared=True),
    _m("abandoned", "abandoned", "tickets", "lower", "count", _HALL, ci="none"),
    _m("balked", "balked", "tickets", "lower", "count", _HALL, ci="none"),
    _m("open", "still open", "tickets", None, "count", _HALL, ci="none"),
    # by hour of day
    _m("arrivals_per_day", "tickets per day", "tickets", None, "count", ("by_hour", BACKTEST)),
    _m("queue_mean", "mean queue", "waiting", "lower", "count", ("by_hour",)),
    # back office
    _m("jobs", "jobs started", "jobs", None, "count", ("backoffice",), ci="none"),
    # cases
    _m("cases", "cases", "cases", None, "count", _CASES, ci="none"),
    _m("cases_complete", "cases complete", "cases", None, "count", _CASES, ci="none"),
    _m("lost_share", "lost", "%", "lower", "share", (*_CASES, "journeys"), compared=True),
    _m("visits_per_case", "visits per case", "visits", "lower", "ratio", _CASES, compared=True),
    _m("one_visit_share", "done in one visit", "%", "higher", "share", _CASES, compared=True),
    _m("lead_time_days_mean", "mean lead time", "days", "lower", "time", _CASES, compared=True),
    _m("lead_time_days_p90", "P90 lead time", "days", "lower", "time", _CASES, compared=True),
    _m("lead_time_calendar_days_mean", "mean lead time (calendar)", "days", "lower", "time",
       _CASES),
    _m("delivered_days_mean", "mean time to delivery", "days", "lower", "time", _CASES,
       compared=True),
    _m("deficiency_share", "accepted with deficiency", "%", None, "share", _CASES),
    _m("on_time_share", "on time (promised)", "%", "higher", "share", _CASES, compared=True),
    _m("statutory_on_time_share", "on time (statutory)", "%", "higher", "share", _CASES),
    _m("censored_share", "unfinished at horizon", "%", "lower", "share", _CASES),
    # journeys
    _m("journeys", "journeys", "journeys", None, "count", ("journeys",), ci="none"),
    _m("completed", "completed", "journeys", None, "count", ("journeys",), ci="none"),
    _m("time_in_hall_mean", "mean time in hall", "min", "lower", "time",
       ("journeys", "overall"), compared=True),
    _m("tickets_mean", "tickets per journey", "tickets", "lower", "ratio", ("journeys",),
       compared=True),
    _m("visits_mean", "visits per journey", "visits", "lower", "ratio", ("journeys",),
       compared=True),
    _m("one_day_share", "done in one day", "%", "higher", "share", ("journeys",), compared=True),
    # walking (overall, when the layout turns it on: sim.stats.walking_figures)
    _m("walking_mean", "mean walk to the window", "min", "lower", "time", ("overall",)),
    _m("standing_max", "most standing in a waiting area", "customers", "lower", "count",
       ("overall", "by_area")),
    _m("standing_share", "waiting time spent standing", "%", "lower", "share",
       ("overall", "by_area")),
    _m("seats", "seats", "seats", None, "count", ("by_area",), ci="none"),
    _m("occupancy_mean", "mean waiting in the area", "customers", "lower", "count",
       ("by_area",)),
    _m("occupancy_max", "most waiting in the area", "customers", "lower", "count",
       ("by_area",)),
    _m("standing_mean", "mean standing in the area", "customers", "lower", "count",
       ("by_area",)),
    # the door: guide desk and wrong tickets (overall, when the scenario has them)
    _m("customers", "customers at the door", "customers", None, "count", ("overall",),
       ci="none"),
    _m("tickets_per_customer", "tickets per customer", "tickets", "lower", "ratio",
       ("overall",), compared=True),
    _m("wrong_ticket_share", "took a wrong ticket", "%", "lower", "share", ("overall",),
       compared=True),
    _m("guide_wait_mean", "mean wait at the guide desk", "min", "lower", "time", ("overall",),
       compared=True),
    _m("guide_utilisation", "guide utilisation", "%", None, "ratio", ("overall",)),
    # self-service kiosks (by_window entries of kiosk groups)
    _m("done_share", "finished at the kiosk", "%", "higher", "share", ("by_window",)),
    _m("wait_mean_kiosk", "mean wait for a kiosk", "min", "lower", "time", ("by_window",)),
    # a backtest against a ticket log, which tells only served tickets from the others
    _m("served_per_day", "served per day", "tickets", None, "count", (BACKTEST,)),
    _m("left_share", "left without service", "%", "lower", "share", (BACKTEST,)),
)

#: every metric by key, in reporting order
METRICS: dict[str, Metric] = {m.key: m for m in _ALL}

#: the headline figures: shown by batch summaries and reports when none are asked for
HEADLINE = ("wait_mean", "p_wait_over_target", "abandon_share", "utilisation")

#: overall figures whose ci95 the results-document contract lists first
CONTRACT_CI_KEYS = ("wait_mean", "wait_p90", "p_wait_over_target", "abandon_share",
                    "utilisation")


def metric(key: str) -> Metric:
    """The metric named ``key`` (a field name such as ``wait_mean``); KeyError if unknown."""
    try:
        return METRICS[key]
    except KeyError:
        raise KeyError(f"unknown metric '{key}' (known: {', '.join(METRICS)})") from None


def _section_of(section: str, key: str) -> str:
    """The registry section of a summary section (case figures live in overall/by_category)."""
    if section in ("overall", "by_category") and "cases" in METRICS[key].sections \
            and section not in METRICS[key].sections:
        return "cases"
    return section


def resolve(path: str) -> Metric:
    """The metric of a dotted summary path (``overall.wait_mean``,
    ``by_category.tax.wait_p90``, ``by_hour.08.queue_mean``,
    ``journeys.NAME.visits_mean``).

    Raises ValueError naming the problem when the section or the figure is
    unknown, or the figure does not appear in that section. Item names (a
    category, a window group, an hour) are not checked here: they depend on
    the scenario.
    """
    parts = path.split(".")
    section, key = parts[0], parts[-1]
    if section not in SECTIONS or section == "cases":
        raise ValueError(f"unknown metric '{path}': the first part must be one of "
                         f"{', '.join(s for s in SECTIONS if s != 'cases')}")
    if section == "overall" and len(parts) != 2 or section != "overall" and len(parts) < 3:
        form = "overall.NAME" if section == "overall" else f"{section}.ITEM.NAME"
        raise ValueError(f"unknown metric '{path}': expected {form}")
    if key not in METRICS:
        raise ValueError(f"unknown metric '{path}': no figure '{key}' (known: "
                         f"{', '.join(m.key for m in in_section(section))})")
    if _section_of(section, key) not in METRICS[key].sections:
        raise ValueError(f"unknown metric '{path}': '{key}' is not reported in {section} "
                         f"(there: {', '.join(m.key for m in in_section(section))})")
    return METRICS[key]


def in_section(section: str) -> list[Metric]:
    """Metrics reported in ``section``, in reporting order (overall and by_category
    include the case figures)."""
    extra = ("cases",) if section in ("overall", "by_category") else ()
    return [m for m in _ALL if section in m.sections or m.sections & set(extra)]


def compared(section: str) -> list[Metric]:
    """Metrics ``compare`` pairs in ``section`` (overall, by_category or journeys)."""
    return [m for m in in_section(section) if m.compared]


def ci_keys(section: str) -> tuple[str, ...]:
    """Keys of ``section`` that carry a Student-t ``ci95`` in the results document."""
    keys = [m.key for m in in_section(section) if m.ci == "t"]
    if section == "overall":
        keys = list(CONTRACT_CI_KEYS) + [k for k in keys if k not in CONTRACT_CI_KEYS]
    return tuple(keys)


def label(key: str) -> str:
    """English label of a metric key or dotted path (unknown keys: the key, readable)."""
    name = key.rsplit(".", 1)[-1]
    return METRICS[name].label if name in METRICS else name.replace("_", " ")


def axis_label(key: str) -> str:
    """Label with unit (``"mean wait (min)"``) of a metric key or dotted path."""
    name = key.rsplit(".", 1)[-1]
    return METRICS[name].heading() if name in METRICS else name.replace("_", " ")


def display(key: str, value: float | None) -> float | None:
    """``value`` of metric ``key`` (or dotted path) in display units; None/NaN stay None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    name = key.rsplit(".", 1)[-1]
    return value * (METRICS[name].scale if name in METRICS else 1.0)
