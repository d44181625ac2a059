"""The capacity warning explained in a planner's terms, in the reader's language.

``hallsim run`` warns where offered load exceeds capacity (:func:`sim.stats.load.overloads`:
on the busiest day the run simulates, stretch by stretch). A planner who runs a plan the
optimiser certified reads that warning as "the plan is wrong". :func:`capacity_data`
(:func:`sim.web.tasks.capacity_data`, JSON-able, for the web page's worker to hand
over) gathers what explains it and :func:`capacity_lines` says it:

- which day (counted from 1, as planners count: 第 1 天) and why that one: the busiest
  day simulated, its day factor;
- in each stretch, the work that arrives in windows kept busy all the time (tickets per
  hour x mean service x the day factor) against the windows the schedule staffs then;
- what follows: the queue grows in such a stretch and shrinks afterwards; the simulated
  waits say whether the targets are still met;
- for a plan the optimiser wrote (the staffed scenario's first line,
  :func:`optimize.plan.staffed_origin`): whether certification simulated the plan on a
  day as busy as this one (then the stretches are ones the optimiser accepted because
  the simulated waits met the service level) or only on quieter days (then this day's
  load was never checked against the plan).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.scenario.clock import format_hhmm

_GENERAL = ("This compares, stretch by stretch on that day, the work that arrives (tickets "
            "per hour × mean service time × the day factor, counted in windows kept busy "
            "all the time) with the windows the schedule staffs. Where the work is larger, "
            "the queue grows during the stretch and shrinks only afterwards; the simulated "
            "waits below show whether the service targets are still met.")
_CERTIFIED = ("The optimiser certified this plan by simulating it on days with day factors "
              "{factors}, a day as busy as this one included. It keeps a plan in which the "
              "queue grows for a while when the simulated waits still meet the service "
              "level, so these stretches are not a fault of the plan.")
_QUIETER = ("The optimiser certified this plan by simulating it on days with day factors "
            "{factors} only: this day, at {factor}, is busier than any of them, so the plan "
            "was never checked against its load. Look at this day's waits, or certify the "
            "plan on the hall's busiest day.")


#: the head of an overload on the busiest of the days simulated (some quieter)
_BUSIEST = ("{days} (the busiest of the days simulated, day factor {factor}), {start}-{end}: "
            "the work arriving for {categories} is more than the staffed windows can do, "
            "by up to {excess}%.")
#: ... on every day simulated, all as busy (a hall without day factors): not "Days 1, 2,
#: 3, 4, 5 (the busiest ...)"
_EVERY_DAY = ("Every day simulated (all {n} as busy, day factor {factor}), {start}-{end}: "
              "the work arriving for {categories} is more than the staffed windows can do, "
              "by up to {excess}%.")
#: ... on the one day a run simulates
_ONE_DAY = ("{days} (the one day simulated, day factor {factor}), {start}-{end}: the work "
            "arriving for {categories} is more than the staffed windows can do, by up to "
            "{excess}%.")


def days_text(days: list[int], t: Callable[[str], str]) -> str:
    """Days (0-based) as a planner counts them: ``Day 1`` / ``第 1 天``; several
    ``Days 1, 6`` / ``第 1、6 天``."""
    from sim.report.i18n import language

    if len(days) == 1:
        return t("Day {day}").format(day=days[0] + 1)
    sep = "、" if language() == "zh" else ", "
    return t("Days {days}").format(days=sep.join(str(d + 1) for d in days))


def capacity_lines(data: dict[str, Any], t: Callable[[str], str] | None = None
                   ) -> list[tuple[str, list[str]]]:
    """The explanation of :func:`sim.web.tasks.capacity_data`: per overload a sentence and its
    stretches (``08:30-09:00: work for 64.9 windows, 60 staffed``), then, with no
    stretches, what it means and, for a plan the optimiser certified, what its
    certification covered. Empty without overloads."""
    from sim.report.i18n import tr

    t = t or tr
    found = data.get("overloads") or []
    if not found:
        return []
    out: list[tuple[str, list[str]]] = []
    simulated = data.get("simulated")  # days the run simulates (older data: unknown)
    for o in found:
        if simulated and simulated > 1 and len(o["days"]) == simulated:  # none busier
            template = _EVERY_DAY
        elif simulated == 1:
            template = _ONE_DAY
        else:
            template = _BUSIEST
        head = t(template).format(
            days=days_text(o["days"], t), factor=f"{o['factor']:g}", n=simulated,
            start=format_hhmm(o["start"]), end=format_hhmm(o["end"]),
            categories="、".join(o["categories"]) if _zh() else ", ".join(o["categories"]),
            excess=_excess(o["utilisation"]))
        rows = [_stretch(s, t) for s in o["stretches"]]
        out.append((head, rows))
    out.append((t(_GENERAL), []))
    origin = data.get("origin")
    if origin and origin.get("status") == "certified" and origin.get("factors"):
        factors = ("、" if _zh() else ", ").join(f"{f:g}" for f in origin["factors"])
        top = max(o["factor"] for o in found)
        if max(origin["factors"]) >= top - 1e-9:
            out.append((t(_CERTIFIED).format(factors=factors), []))
        else:
            out.append((t(_QUIETER).format(factors=factors, factor=f"{top:g}"), []))
    return out


def _stretch(s: dict[str, Any], t: Callable[[str], str]) -> str:
    """One stretch: the work in windows' worth against the windows staffed."""
    span = f"{format_hhmm(s['start'])}-{format_hhmm(s['end'])}"
    if s["needed"] == float("inf") or not s["staffed"]:
        return t("{span}: no staffed window serves these items").format(span=span)
    return t("{span}: work for {needed} windows, {staffed} staffed").format(
        span=span, needed=_above(s["needed"], s["staffed"]), staffed=s["staffed"])


def _above(needed: float, staffed: int) -> str:
    """The windows' worth of work ``needed``, with one decimal, or as many more (up to
    three) as it takes to read more than the ``staffed`` windows it exceeds (1.004, not
    1.0 against 1 staffed)."""
    for digits in (1, 2, 3):
        text = f"{needed:.{digits}f}"
        if float(text) > staffed:
            return text
    return text


def _excess(utilisation: float) -> str:
    """How far the work exceeds the windows, in percent: whole from 1 % up, with one
    decimal below it (at least 0.1: "0.4", not "1" beside 1.004 windows of work on 1)."""
    if utilisation == float("inf"):
        return "∞"
    percent = (utilisation - 1.0) * 100
    return f"{max(1, round(percent))}" if percent >= 0.95 else f"{max(0.1, percent):.1f}"


def _zh() -> bool:
    from sim.report.i18n import language

    return language() == "zh"
