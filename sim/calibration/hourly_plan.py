"""A period's hourly aggregates taken from its own log, written as a forecast plan.

Used to check ``hallsim forecast`` on real data: the plan holds only what a
planner would know of the coming month, per hour of day averaged over its working
days: tickets, mean service (as logged) and distinct clerks seen serving. The
log is first put through the calibration's rules for the scenario
(:func:`sim.calibration.backtest.restrict`: short services, the scenario's items,
working days and opening hours), so the plan counts the tickets a backtest counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibration.backtest import restrict
from sim.calibration.calibrate import Options
from sim.calibration.staffing_relation import seen_per_hour
from sim.calibration.tickets import TicketLog
from sim.scenario.model import Scenario


def hourly_plan(log: TicketLog, scenario: Scenario, options: Options) -> pd.DataFrame:
    """Columns ``hour``, ``tickets``, ``mean_service`` (minutes) and ``clerks_seen``."""
    dates, day = restrict(log, scenario, options)
    n_days = len(dates)
    f = log.frame
    minute = log.minute
    hour = (minute // 60).astype(int)
    served = (f["outcome"] == "served").to_numpy()
    call = minute + f["wait"].fillna(0.0).to_numpy()
    seen = seen_per_hour(f["window"].astype(str).to_numpy()[served], call[served],
                         day[served], n_days)
    frame = pd.DataFrame({"hour": hour, "served": served,
                          "service": np.where(served, f["service"].to_numpy(dtype=float),
                                              np.nan)})
    by = frame.groupby("hour")
    out = pd.DataFrame({"tickets": by.size() / n_days,
                        "mean_service": by["service"].mean()})
    out["clerks_seen"] = seen.mean(axis=0)[out.index]
    return out.reset_index().round({"tickets": 3, "mean_service": 4, "clerks_seen": 3})
