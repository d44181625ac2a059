"""The relation between clerks seen serving in an hour and windows on duty.

A log shows who served, not who was on duty; the calibration infers the windows on
duty (:func:`sim.calibration.inferred_windows.on_duty`). A planner, or next month's
log, often has only the simple count: the distinct clerks (windows) seen serving
in an hour. The calibration fits, over every working day and open hour of the
log, ``windows on duty = intercept + slope x clerks seen`` by least squares, and
also the plain factor (windows on duty / clerks seen over all day-hours). Both and
their fit are written as one comment line of the calibrated scenario, which
``hallsim forecast`` reads back to convert a plan's clerks seen into windows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calibration.inferred_windows import Group

PREFIX = "clerks-to-windows:"
_PATTERN = re.compile(
    r"clerks-to-windows: windows on duty = (?P<a>-?[0-9.]+) \+ (?P<b>-?[0-9.]+) x clerks seen "
    r"in the hour .*?factor (?P<f>[0-9.]+)")


@dataclass(frozen=True)
class StaffingRelation:
    """``windows on duty = intercept + slope x seen``; ``factor`` = windows / seen overall."""

    intercept: float
    slope: float
    factor: float
    cells: int = 0  # day-hours fitted on
    r2: float = math.nan
    mae: float = math.nan  # mean absolute error of the affine relation, windows

    def windows(self, seen: np.ndarray) -> np.ndarray:
        """Windows on duty for clerks seen (0 seen: 0 windows; never negative)."""
        seen = np.asarray(seen, dtype=float)
        return np.where(seen > 0, np.maximum(self.intercept + self.slope * seen, 0.0), 0.0)

    def comment(self) -> str:
        """One line for the calibrated scenario's header (read back by :func:`parse`)."""
        return (f"{PREFIX} windows on duty = {self.intercept:.3f} + {self.slope:.4f} x clerks "
                f"seen in the hour (least squares over {self.cells:,} working day-hours; "
                f"R^2 {self.r2:.2f}, mean absolute error {self.mae:.2f} windows); plain "
                f"factor {self.factor:.4f} (windows on duty / clerks seen); the log has no "
                "roster, windows on duty are the calibration's estimate")


def parse(text: str) -> StaffingRelation | None:
    """The relation recorded in a calibrated scenario's text, or None."""
    m = _PATTERN.search(text)
    if m is None:
        return None
    return StaffingRelation(float(m["a"]), float(m["b"]), float(m["f"]))


def seen_per_hour(window: np.ndarray, call_minute: np.ndarray, day: np.ndarray,
                  n_days: int) -> np.ndarray:
    """Distinct windows seen serving (a call) per day and hour of day (days x 24)."""
    frame = pd.DataFrame({"w": window, "d": day,
                          "h": np.clip((call_minute // 60).astype(int), 0, 23)})
    frame = frame[frame["w"].astype(str) != ""]
    n = frame.groupby(["d", "h"])["w"].nunique()
    out = np.zeros((n_days, 24))
    if len(n):
        out[n.index.get_level_values(0), n.index.get_level_values(1)] = n.to_numpy()
    return out


def on_duty_per_hour(groups: list[Group], bins: np.ndarray, resolution: int) -> np.ndarray:
    """Windows on duty per day and hour (days x 24): the mean over the hour's open bins
    of the groups' summed :attr:`Group.on_duty_days`; NaN for hours with no open bin."""
    total = sum(g.on_duty_days for g in groups)
    n_days = total.shape[0]
    out = np.full((n_days, 24), np.nan)
    hours = np.asarray(bins) * resolution // 60
    for h in np.unique(hours):
        out[:, h] = total[:, np.asarray(bins)[hours == h]].mean(axis=1)
    return out


def fit(seen: np.ndarray, on: np.ndarray) -> StaffingRelation:
    """Least-squares affine relation over the day-hours with clerks seen and an open bin."""
    ok = (seen > 0) & np.isfinite(on)
    x, y = seen[ok], on[ok]
    if len(x) < 3 or np.ptp(x) == 0:
        factor = float(y.sum() / x.sum()) if x.sum() > 0 else 1.0
        return StaffingRelation(0.0, factor, factor, int(len(x)))
    slope, intercept = np.polyfit(x, y, 1)
    pred = intercept + slope * x
    r2 = 1.0 - float(np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2))
    return StaffingRelation(float(intercept), float(slope), float(y.sum() / x.sum()),
                            int(len(x)), r2, float(np.mean(np.abs(y - pred))))


def learn(groups: list[Group], frame: pd.DataFrame, day: np.ndarray, bins: np.ndarray,
          resolution: int) -> StaffingRelation:
    """The relation of a calibrated log: ``frame`` holds ``window``, ``outcome``,
    ``minute`` (ticket time) and ``wait``; ``day`` each row's working-day index."""
    served = (frame["outcome"] == "served").to_numpy()
    call = frame["minute"].to_numpy(dtype=float) + frame["wait"].fillna(0.0).to_numpy()
    n_days = groups[0].on_duty_days.shape[0]
    seen = seen_per_hour(frame["window"].astype(str).to_numpy()[served], call[served],
                         day[served], n_days)
    return fit(seen, on_duty_per_hour(groups, bins, resolution))
