"""Metrics: pure functions of records, per replication and over replications.

A replication's *summary* is a flat dict of figures; the results document
(docs/results.md) reports, for each figure, the mean over replications and a Student-t
95% half-width (0 when there is a single replication).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine.cases import COMPLETE, LOST, CaseTable
from sim.engine.cases import OPEN as OPEN_CASE
from sim.engine.hall import HallLayout
from sim.engine.records import ABANDONED, BALKED, OPEN, SERVED, Records
from sim.scenario.clock import MINUTES_PER_DAY, hour_of_day
from sim.scenario.model import Scenario
from sim.stats import registry
from sim.stats.ci import mean_ci
from sim.stats.door import door_figures
from sim.stats.hours import hour_reported
from sim.stats.kiosk_figures import kiosk_by_window
from sim.stats.service_level import miss_share, target_misses
from sim.stats.staffing import window_time
from sim.stats.walking_figures import walking_figures

WAIT_KEYS = ("wait_mean", "wait_p50", "wait_p90", "wait_p95", "wait_max")


def _waits(wait: np.ndarray, target: float) -> dict[str, float]:
    """Wait figures of served tickets (``wait`` = their waits, ticket to call)."""
    if len(wait) == 0:
        return {k: math.nan for k in WAIT_KEYS}
    p50, p90, p95 = np.percentile(wait, [50, 90, 95])
    return {
        "wait_mean": float(wait.mean()),
        "wait_p50": float(p50),
        "wait_p90": float(p90),
        "wait_p95": float(p95),
        "wait_max": float(wait.max()),
    }


@dataclass(frozen=True)
class Misses:
    """Every ticket of a replication judged once by the one service-level rule
    (:func:`sim.stats.service_level.target_misses`, ticket by ticket): counted and
    missed at the target ``targets.wait_minutes`` and at 0 minutes."""

    counted: np.ndarray
    missed: np.ndarray
    counted0: np.ndarray
    missed0: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario, rec: Records) -> Misses:
        """Judge the tickets of ``rec`` (the horizon is the end of the simulated days)."""
        target = scenario.targets.wait_minutes
        short = float(getattr(scenario.targets, "short_abandon_minutes", 0.0) or 0.0)
        horizon = scenario.hall.days * MINUTES_PER_DAY
        cols = rec.arrival, rec.call, rec.end, rec.outcome
        return cls(*target_misses(*cols, target, short, horizon),
                   *target_misses(*cols, 0.0, short, horizon))


def service_levels(scenario: Scenario, rec: Records, keep: np.ndarray,
                   misses: Misses) -> dict[str, float]:
    """Service-level figures of the tickets selected by ``keep``.

    - ``p_wait_over_target``: share of counted tickets not called within
      ``targets.wait_minutes`` (:func:`sim.stats.service_level.target_misses`:
      abandoned, balked and long-waiting open tickets count as misses, short
      abandonments are left out);
    - ``p_wait_positive``: the same rule with a target of 0 minutes: the share
      not called at once (Erlang C's P(wait > 0));
    - ``p_served_wait_over_target``: the share of *served* tickets that waited
      more than the target (the former, served-only figure).

    ``misses``: every ticket of ``rec`` judged once (:meth:`Misses.of`).
    """
    target = scenario.targets.wait_minutes
    m = misses
    served = rec.outcome[keep] == SERVED
    wait = (rec.call[keep] - rec.arrival[keep])[served]
    return {
        "p_wait_over_target": miss_share(m.counted[keep], m.missed[keep]),
        "p_served_wait_over_target": float(np.mean(wait > target)) if len(wait) else math.nan,
        "p_wait_positive": miss_share(m.counted0[keep], m.missed0[keep]),
    }


def _counts(outcome: np.ndarray) -> dict[str, float]:
    n = len(outcome)
    ab = int(np.sum(outcome == ABANDONED))
    bk = int(np.sum(outcome == BALKED))
    return {
        "arrivals": n,
        "served": int(np.sum(outcome == SERVED)),
        "abandoned": ab,
        "balked": bk,
        "open": int(np.sum(outcome == OPEN)),
        "abandon_share": ab / n if n else math.nan,
        "balk_share": bk / n if n else math.nan,
    }


def queue_area(start: np.ndarray, stop: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Integral of the number of intervals ``[start, stop)`` open over each bin of ``edges``.

    Exact and vectorised: ``F(e) = sum_i (min(e, stop_i) - min(e, start_i))`` is
    evaluated at every edge from sorted cumulative sums; bin areas are its
    differences.
    """
    def cum_min(points: np.ndarray) -> np.ndarray:
        s = np.sort(points, kind="stable")  # the same values; linear on the (nearly) sorted times
        csum = np.concatenate(([0.0], np.cumsum(s)))
        k = np.searchsorted(s, edges, side="right")
        return csum[k] + edges * (len(s) - k)

    return np.diff(cum_min(stop) - cum_min(start))


def _hourly_p90(hour: np.ndarray, wait: np.ndarray) -> np.ndarray:
    """The 90th percentile of the waits of each hour of the day (NaN for an hour nobody
    was served in), as ``numpy.percentile`` computes it for the overall ``wait_p90``."""
    out = np.full(24, math.nan)
    # grouped by hour with a stable sort of small integers (a radix sort, linear time);
    # the percentile of a group does not depend on the order within it
    wait = wait[np.argsort(hour.astype(np.int8), kind="stable")]
    counts = np.bincount(hour, minlength=24)
    ends = np.cumsum(counts)
    for h in np.flatnonzero(counts):
        out[h] = np.percentile(wait[ends[h] - counts[h]:ends[h]], 90)
    return out


def summarise(scenario: Scenario, layout: HallLayout, rec: Records,
              cases: CaseTable | None = None) -> dict[str, Any]:
    """The figures of one replication: overall, by category, by window group, by hour
    and, when the scenario follows cases and journeys, their figures too."""
    target = scenario.targets.wait_minutes
    days = scenario.hall.days
    w0 = scenario.hall.warmup_days * MINUTES_PER_DAY
    horizon = days * MINUTES_PER_DAY
    in_window = (rec.arrival >= w0) & (rec.arrival < horizon)
    keep = in_window
    outcome = rec.outcome[keep]
    wait = (rec.call - rec.arrival)[keep]
    served = outcome == SERVED
    cat = rec.category[keep]

    # Staffed and busy window time: one source (sim.stats.staffing), the engine's
    # on-duty intervals and the services, clipped to [warm-up end, horizon).
    window = window_time(rec, w0, horizon)
    n_groups = len(layout.group_names)
    s_mask = (rec.outcome == SERVED) & keep
    served_by_group = np.bincount(layout.window_group[rec.window[s_mask]], minlength=n_groups)

    misses = Misses.of(scenario, rec)  # every ticket judged once; figures read subsets

    def levels(mask: np.ndarray) -> dict[str, float]:
        return service_levels(scenario, rec, mask, misses)

    tickets = _counts(outcome) | _waits(wait[served], target) | levels(keep)
    overall = tickets | {"utilisation": window.utilisation()}

    by_category = {}
    for k, name in enumerate(rec.category_names):
        m = cat == k
        if m.all():  # every kept ticket is of this category: the same figures, not recomputed
            by_category[name] = dict(tickets)
            continue
        by_category[name] = (_counts(outcome[m]) | _waits(wait[m & served], target)
                             | levels(keep & (rec.category == k)))

    by_window = {
        name: {
            "served": int(served_by_group[gi]),
            **window.group_usage(gi).figures(),
        }
        for gi, name in enumerate(layout.group_names)
    }
    if rec.kiosk is not None:  # kiosk groups: figures of their sessions
        by_window |= kiosk_by_window(scenario, rec, w0, horizon)
    out = {"overall": overall, "by_category": by_category, "by_window": by_window,
           "by_hour": _by_hour(scenario, rec, w0, days, keep, misses)}
    level = rec.extra.get("priority")
    if level is not None:  # priority classes: the same figures per level
        out["by_priority"] = {
            str(lv): (_counts(outcome[m]) | _waits(wait[m & served], target)
                      | levels(keep & (level == lv)))
            for lv in sorted({x for c in scenario.categories.values() for x in c.levels})
            for m in [level[keep] == lv]}
    booked = rec.extra.get("booked")
    if booked is not None:  # appointments: walk-ins and booked customers apart
        out["by_booking"] = {
            name: (_counts(outcome[m]) | _waits(wait[m & served], target)
                   | levels(keep & (booked == b)))
            for name, b in (("walk_in", 0), ("booked", 1)) for m in [booked[keep] == b]}
    if "customer" in rec.extra:  # a guide desk or wrong tickets: customers from the door
        overall |= door_figures(scenario, rec, w0, horizon)
    if "walking" in rec.extra:  # the layout turns walking on
        walking, out["by_area"] = walking_figures(scenario, rec, w0, horizon)
        overall |= walking
    if cases is not None:
        _add_case_figures(scenario, cases, w0, horizon, out)
    return out


def _case_figures(scenario: Scenario, cases: CaseTable, mask: np.ndarray,
                  promised: float | None, statutory: float | None,
                  horizon: float = math.inf) -> dict[str, float]:
    n = int(mask.sum())
    status = cases.status[mask]
    # cases still running at the end of the simulated days: their remaining work
    # ran in a hall and back office with no new cases (lead times biased low)
    censored = (status == OPEN_CASE) | ((status == COMPLETE) & ~(cases.result[mask] < horizon))
    done = status == COMPLETE
    visits = cases.visits[mask][done]
    has_result = ~np.isnan(cases.result[mask])
    first, result = cases.first[mask][has_result], cases.result[mask][has_result]
    lead = (result - first) / MINUTES_PER_DAY
    cal = _calendar_days(scenario, first, result)
    nan = math.nan
    out = {
        "cases": n,
        "cases_complete": int(done.sum()),
        "lost_share": float(np.mean(status == LOST)) if n else nan,
        "visits_per_case": float(visits.mean()) if len(visits) else nan,
        "one_visit_share": float(np.mean(visits == 1)) if len(visits) else nan,
        "lead_time_days_mean": float(lead.mean()) if len(lead) else nan,
        "lead_time_days_p90": float(np.percentile(lead, 90)) if len(lead) else nan,
        "lead_time_calendar_days_mean": float(cal.mean()) if len(cal) else nan,
        "delivered_days_mean": float(np.nanmean(
            (cases.received[mask] - cases.first[mask])[done] / MINUTES_PER_DAY))
        if done.any() else nan,
        "deficiency_share": float(np.mean(cases.deficient[mask])) if n else nan,
        "censored_share": float(np.mean(censored)) if n else nan,
    }
    if promised is not None:
        out["on_time_share"] = float(np.mean(lead <= promised)) if len(lead) else nan
    if statutory is not None:
        out["statutory_on_time_share"] = float(np.mean(lead <= statutory)) if len(lead) else nan
    return out


def _calendar_days(scenario: Scenario, first: np.ndarray, result: np.ndarray) -> np.ndarray:
    """Calendar days between clock times, through the working-day calendar."""
    if scenario.calendar is None or len(first) == 0:
        return (result - first) / MINUTES_PER_DAY
    last_day = int(result.max() // MINUTES_PER_DAY) + 1
    offsets = scenario.calendar.calendar_offsets(last_day + 1)

    def cal(t: np.ndarray) -> np.ndarray:
        d = (t // MINUTES_PER_DAY).astype(int)
        return offsets[d] + (t - d * MINUTES_PER_DAY) / MINUTES_PER_DAY

    return cal(result) - cal(first)


def _add_case_figures(scenario: Scenario, cases: CaseTable, w0: float, horizon: float,
                      out: dict[str, Any]) -> None:
    started = (cases.first >= w0) & (cases.first < horizon)
    names = list(scenario.categories)
    # every replication reports the same keys, also one that drew no case of an item
    for k, name in enumerate(names):
        cat = scenario.categories[name]
        if not cat.has_case_flow:
            continue
        bo = cat.backoffice
        out["by_category"][name] |= _case_figures(
            scenario, cases, started & (cases.category == k),
            bo.promised_days if bo else None, bo.statutory_days if bo else None, horizon)
    if any(c.has_case_flow for c in scenario.categories.values()):
        out["overall"] |= _case_figures(scenario, cases, started, None, None, horizon)
    if cases.online is not None:  # online applications: case figures by channel
        out["by_channel"] = {
            channel: _case_figures(scenario, cases, started & (cases.online == online),
                                   None, None, horizon)
            for channel, online in (("hall", False), ("online", True))}
    if cases.stages:
        out["backoffice"] = cases.stages
    if cases.journey_names:
        js = (cases.j_start >= w0) & (cases.j_start < horizon)
        journeys = {}
        for j, name in enumerate(cases.journey_names):
            m = js & (cases.journey == j)
            done = m & (cases.j_status == COMPLETE)
            n = int(m.sum())
            journeys[name] = {
                "journeys": n,
                "completed": int(done.sum()),
                "lost_share": float(np.mean(cases.j_status[m] == LOST)) if n else math.nan,
                "time_in_hall_mean": float(cases.j_hall_minutes[done].mean())
                if done.any() else math.nan,
                "tickets_mean": float(cases.j_tickets[done].mean()) if done.any() else math.nan,
                "visits_mean": float(cases.j_visits[done].mean()) if done.any() else math.nan,
                "one_day_share": float(np.mean(cases.j_visits[done] == 1))
                if done.any() else math.nan,
            }
        out["journeys"] = journeys


def _by_hour(scenario: Scenario, rec: Records, w0: float, days: int, keep: np.ndarray,
             misses: Misses) -> dict[str, Any]:
    """Per hour of day, over tickets taken within the statistics window (``keep``: after
    the warm-up, before the horizon): tickets per day, mean wait of those served, the
    service level (``p_wait_over_target``) and P(wait > 0) by the one rule of
    :mod:`sim.stats.service_level` (``misses``), and the mean number waiting."""
    stat_days = days - scenario.hall.warmup_days
    horizon = days * MINUTES_PER_DAY
    leave = np.where(np.isnan(rec.call), rec.end, rec.call)
    leave = np.where(np.isnan(leave), horizon, leave)
    edges = w0 + 60.0 * np.arange(stat_days * 24 + 1)
    area = queue_area(rec.arrival, leave, edges).reshape(stat_days, 24).sum(axis=0)
    del leave  # a million-ticket run's peak memory is here: no copies it does not need

    every = bool(keep.all())

    def kept(x: np.ndarray) -> np.ndarray:
        return x if every else x[keep]

    arrival, call, outcome = kept(rec.arrival), kept(rec.call), kept(rec.outcome)
    hour = hour_of_day(arrival)
    wait = call - arrival
    served = outcome == SERVED
    counted, missed = kept(misses.counted), kept(misses.missed)
    counted0, missed0 = kept(misses.counted0), kept(misses.missed0)
    arrivals = np.bincount(hour, minlength=24)
    n_served = np.bincount(hour[served], minlength=24)
    wait_sum = np.bincount(hour[served], weights=wait[served], minlength=24)

    def share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        n = np.bincount(hour[den], minlength=24)
        k = np.bincount(hour[num & den], minlength=24)
        return np.where(n > 0, k / np.maximum(n, 1), math.nan)

    over, positive = share(missed, counted), share(missed0, counted0)
    p90 = _hourly_p90(hour[served], wait[served])
    out = {}
    for h in range(24):
        if not hour_reported(scenario, h):
            continue
        out[f"{h:02d}"] = {
            "arrivals_per_day": float(arrivals[h] / stat_days),
            "wait_mean": float(wait_sum[h] / n_served[h]) if n_served[h] else math.nan,
            "wait_p90": float(p90[h]),
            "queue_mean": float(area[h] / (60.0 * stat_days)),
            "p_wait_over_target": float(over[h]),
            "p_wait_positive": float(positive[h]),
        }
    return out


#: above this share of cases unfinished at the horizon, results carry a warning
CENSORED_WARNING_SHARE = 0.05


#: the validity warnings' words (one definition each: :func:`warnings_for` fills them in
#: for the terminal, the web page translates them through the catalogue first)
CENSORED_WARNING = ("{where}: {share} of cases were unfinished at the end of the {days} "
                    "simulated days; lead times are biased low (simulate more days)")
WARMUP_WARNING = ("categories.{name}.returns.delay_days: mean return delay {delay} days is "
                  "longer than hall.warmup_days ({warm}); the first days after the warm-up "
                  "miss return visits (raise warmup_days)")


def warnings_for(scenario: Scenario, doc: dict[str, Any]) -> list[str]:
    """Warnings about the validity of a results document's figures, as printed
    (:func:`warning_parts` filled in)."""
    return [template.format(**values) for template, values in warning_parts(scenario, doc)]


def warning_parts(scenario: Scenario, doc: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """Warnings about the validity of a results document's figures, each as its template
    (:data:`CENSORED_WARNING`, :data:`WARMUP_WARNING`,
    :data:`sim.stats.warmup.RELAXATION_WARNING`) and the values to fill in.

    - cases truncated by the horizon: more than ``CENSORED_WARNING_SHARE`` of
      the cases started in the statistics window were still running at the
      end of the simulated days (``censored_share``), so lead times and case
      figures are biased low;
    - a warm-up shorter than the mean return delay of a category with
      returns: the first statistics days miss the return visits of cases
      started before day 0, so hall load is understated;
    - a hall that never closes with a warm-up too short for its queue to forget the
      empty start (:func:`sim.stats.warmup.warmup_parts`): waits are biased low.
    """
    out = []
    for where, block in [("overall", doc.get("overall", {}))] + [
            (f"by_category.{c}", b) for c, b in doc.get("by_category", {}).items()]:
        share = block.get("censored_share")
        if share is not None and share > CENSORED_WARNING_SHARE:
            out.append((CENSORED_WARNING, {"where": where, "share": f"{100 * share:.1f}%",
                                           "days": str(scenario.hall.days)}))
            if where == "overall":
                break
    warm = scenario.hall.warmup_days
    for name, cat in scenario.categories.items():
        r = cat.returns
        if r is not None and r.incomplete > 0 and warm < r.delay_days.mean:
            out.append((WARMUP_WARNING, {"name": name, "delay": f"{r.delay_days.mean:g}",
                                         "warm": str(warm)}))
    from sim.stats.warmup import warmup_parts

    return out + warmup_parts(scenario)


# --- over replications -------------------------------------------------------------


def combine(figures: Sequence[dict[str, float]]) -> tuple[dict[str, float], dict[str, float]]:
    """Means over replications of every figure, and their 95% half-widths."""
    keys = list(dict.fromkeys(k for f in figures for k in f))  # a figure missing: NaN
    both = {k: mean_ci([f.get(k, math.nan) for f in figures]) for k in keys}
    return {k: v[0] for k, v in both.items()}, {k: v[1] for k, v in both.items()}


def clean(value: Any, digits: int = 6) -> Any:
    """Round floats for the JSON document and turn NaN into ``None``."""
    if isinstance(value, dict):
        return {k: clean(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v, digits) for v in value]
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else round(v, digits)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _combined_section(summaries: Sequence[dict[str, Any]], section: str
                      ) -> dict[str, dict[str, Any]]:
    """Each item of ``section`` combined over replications, with the ``ci95`` of the
    section's registry keys (:func:`sim.stats.registry.ci_keys`)."""
    keys = registry.ci_keys(section)
    out = {}
    for name in summaries[0][section]:
        point, ci = combine([s[section][name] for s in summaries])
        out[name] = point | {"ci95": {k: ci[k] for k in keys if k in ci}}
    return out


def results_document(
    scenario: Scenario, seed: int, summaries: Sequence[dict[str, Any]], meta: dict[str, Any]
) -> dict[str, Any]:
    """The results document (docs/results.md) from per-replication summaries."""
    overall, half = combine([s["overall"] for s in summaries])
    by_category = _combined_section(summaries, "by_category")
    by_window = _combined_section(summaries, "by_window")
    by_hour = _combined_section(summaries, "by_hour")
    extra = {}
    for block in ("backoffice", "journeys", "by_priority", "by_channel", "by_booking",
                  "by_area"):
        if block in summaries[0]:
            extra[block] = {}
            for name in summaries[0][block]:
                items = [s[block][name] for s in summaries]
                point, ci = combine([{k: v for k, v in i.items() if k != "by_hour"}
                                     for i in items])
                extra[block][name] = point | {"ci95": ci}
                if "by_hour" in items[0]:  # a waiting area's occupancy by hour of day
                    hourly = {}
                    for hh in items[0]["by_hour"]:
                        point, ci = combine([i["by_hour"][hh] for i in items])
                        hourly[hh] = point | {"ci95": ci}
                    extra[block][name]["by_hour"] = hourly
    labels = {g.id: g.label for g in scenario.windows if g.label}
    if labels:  # extension: the groups' names for people, by id (by_window's keys)
        extra["window_labels"] = labels
    return clean({
        "scenario": scenario.name,
        "seed": seed,
        "replications": len(summaries),
        "days": scenario.hall.days,
        "opening": list(scenario.hall.open),
        "overall": overall,
        # every overall figure has its half-width; the contract's five come first
        "ci95": {k: half[k] for k in registry.CONTRACT_CI_KEYS}
        | {k: half[k] for k in half if k not in registry.CONTRACT_CI_KEYS},
        "by_category": by_category,
        "by_window": by_window,
        "by_hour": by_hour,
        **extra,
        "targets": {"wait_minutes": scenario.targets.wait_minutes},
        "meta": meta,
    })
