"""The relation between clerks seen serving in an hour and windows on duty.

A log shows who served, not who was on duty; the calibration infers the windows on
duty (:func:`sim.calibration.inferred_windows.on_duty`). A planner, or next month's
log, often has only the simple count: the distinct clerks (windows) seen serving
in an hour. The calibration fits, over every working day and open hour of the
log, the plain factor ``windows on duty = factor x clerks seen`` (the ratio of
their sums) and, for comparison, the least-squares affine line. Both and their fit
are written as one comment line of the calibrated scenario, which
``hallsim forecast`` reads back to convert a plan's clerks seen into windows with
the factor. The factor is used: on the bank's months the affine line, fitted to
noisy day-hour counts, flattens (slope 0.54-0.61, intercept 0.8-1.2), puts too
few windows at the peak and forecast the other month worse (docs/calibration.md).
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
    r"clerks-to-windows: windows on duty = (?P<f>[0-9.]+) x clerks seen in the hour .*?"
    r"least-squares line (?P<a>-?[0-9.]+) \+ (?P<b>-?[0-9.]+) x clerks seen")


@dataclass(frozen=True)
class StaffingRelation:
    """``windows on duty = factor x seen`` (used) and the least-squares line
    ``intercept + slope x seen`` (recorded for comparison)."""

    intercept: float
    slope: float
    factor: float
    cells: int = 0  # day-hours fitted on
    r2: float = math.nan  # of the factor
    mae: float = math.nan  # mean absolute error of the factor, windows
    line_r2: float = math.nan
    line_mae: float = math.nan

    def windows(self, seen: np.ndarray) -> np.ndarray:
        """Windows on duty for clerks seen (0 seen: 0 windows; never negative)."""
        seen = np.asarray(seen, dtype=float)
        return np.where(seen > 0, self.factor * seen, 0.0)

    def comment(self) -> str:
        """One line for the calibrated scenario's header (read back by :func:`parse`)."""
        return (f"{PREFIX} windows on duty = {self.factor:.4f} x clerks seen in the hour "
                f"(ratio of sums over {self.cells:,} working day-hours; R^2 {_r2(self.r2)}, "
                f"mean absolute error {self.mae:.2f} windows); least-squares line "
                f"{self.intercept:.3f} + {self.slope:.4f} x clerks seen (R^2 "
                f"{_r2(self.line_r2)}, mean absolute error {self.line_mae:.2f}); the log has "
                "no roster: windows on duty are the calibration's estimate")


def _r2(x: float) -> str:
    return f"{x:.2f}" if math.isfinite(x) else "n/a, windows on duty hardly vary"


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
    factor = float(y.sum() / x.sum())

    spread = float(np.sum((y - y.mean()) ** 2))

    def r2(pred: np.ndarray) -> float:
        # windows on duty that hardly vary (a hall open with all windows all day) leave
        # nothing to explain: R^2 is undefined there, not a huge negative number
        if spread <= 1e-3 * len(y):
            return math.nan
        return 1.0 - float(np.sum((y - pred) ** 2) / spread)

    line = intercept + slope * x
    return StaffingRelation(float(intercept), float(slope), factor, int(len(x)),
                            r2(factor * x), float(np.mean(np.abs(y - factor * x))),
                            r2(line), float(np.mean(np.abs(y - line))))


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
