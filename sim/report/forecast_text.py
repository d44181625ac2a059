"""What a forecast replaced and carried, in the reader's language: one summary for the
web app's forecast tab and for ``hallsim --lang zh forecast`` (in English the command line
prints the forecast's own detailed lines, :attr:`sim.calibration.forecast.Forecast.replaced`,
as it always did)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: what a forecast replaces, by key (:attr:`sim.calibration.forecast.Forecast.keys`)
REPLACED = {
    "tickets": "tickets per hour (shared among the items as the hall shares the hour)",
    "tickets_journeys": ("tickets per hour, journey steps included (shared among the items "
                         "and journeys as the hall shares the hour)"),
    "day_factors": "day factors (the plan's weekday totals)",
    "service": "mean service per hour (families and variability carried)",
    "staff": "windows on duty per hour (shared among the window groups as before)",
}
#: what a forecast carries from the calibrated hall
CARRIED = ("service time families, patience, window groups and their authorisation, "
           "opening hours, calendar, targets, and every hour the plan does not give")


def forecast_summary(keys: list[str], hours: list[int], current: str,
                     t: Callable[[str], str] | None = None,
                     opening: Sequence[Sequence[float]] = ()) -> list[str]:
    """``Replaced (08:30-12:00): …`` for each key the forecast replaced, then ``Carried from
    CURRENT: …``, through ``t`` (:func:`sim.report.i18n.tr` by default). The plan's clock
    hours are said as the hall is open in them (``opening``: its periods, minutes)."""
    from sim.calibration.forecast import hour_runs
    from sim.report.i18n import tr, tr_in
    from sim.scenario.clock import format_period

    t = t or tr
    runs = [(60.0 * a, 60.0 * b) for a, b in hour_runs(hours)]
    if opening:  # each run cut to the periods the hall is open in it
        runs = [(max(a, s), min(b, e)) for a, b in runs for s, e in opening
                if s < b and e > a] or runs
    # as clock times ("08:30-12:00、14:30-18:00"), in the reader's way of listing
    span = tr_in("list", ", ").join(format_period(a, b) for a, b in runs)
    lines = [t("Replaced ({hours}): {what}").format(hours=span, what=t(REPLACED[k]))
             for k in keys]
    lines.append(t("Carried from {name}: {what}").format(name=current, what=t(CARRIED)))
    return lines
