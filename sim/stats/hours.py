"""Which hours of the day the hourly figures report: one rule for every ``by_hour`` view."""

from __future__ import annotations

from sim.scenario.model import Scenario


def hour_reported(scenario: Scenario, hour: int) -> bool:
    """Hours overlapping an opening period or the hour after it (closing overtime)."""
    return any(s < 60 * (hour + 1) and e + 60 > 60 * hour for s, e in scenario.hall.periods)


def reported_hours(scenario: Scenario) -> list[int]:
    """The hours of the day (0-23) that hourly figures report, in order."""
    return [h for h in range(24) if hour_reported(scenario, h)]
