"""A window's turnaround (叫号间隔): the time between the end of one service and the
window's next call while tickets it could serve were waiting.

A log records services, not the seconds around them: the clerk closes the case,
presses *next*, and the called customer walks to the window (a call-centre agent
finishes the call's notes). While tickets are waiting, none of that time is idle
capacity, yet a model fed with the services alone has windows that call the next
ticket the instant a service ends, and so more capacity than the hall has. The
estimate is the **median** gap, over every window, from the end of a service to the
same window's next call, counted only when at least one ticket of an item that
window serves (in the log) was waiting at that end. The median, not the mean: the
long gaps of a clerk's break or a skipped queue are not turnaround. Gaps below 0
(overlapping records) are left out; fewer than ``MIN_GAPS`` gaps give no estimate.

``hallsim calibrate`` adds the estimate to every fitted service time, so the
scenario's ``service`` is the window's occupancy per ticket (docs/calibration.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_GAPS = 30


@dataclass(frozen=True)
class Turnaround:
    """The estimated turnaround and its basis."""

    minutes: float  # the median gap (0 without an estimate)
    gaps: int  # gaps observed while an eligible ticket was waiting
    quartiles: tuple[float, float, float]  # of those gaps, in seconds (NaN without)

    def comment(self) -> str:
        """One line for the scenario's comments."""
        if self.gaps < MIN_GAPS:
            return (f"window turnaround: not estimated ({self.gaps} gaps with a ticket waiting, "
                    f"fewer than {MIN_GAPS}): services are used as logged")
        q1, q2, q3 = self.quartiles
        return (f"window turnaround {self.minutes * 60:.3g} s added to every service time: median "
                f"gap from a service's end to the window's next call while a ticket it serves "
                f"was waiting, over {self.gaps:,} gaps "
                f"(quartiles {q1:.3g} / {q2:.3g} / {q3:.3g} s)")


def _waiting_at(start: np.ndarray, stop: np.ndarray, t: np.ndarray) -> np.ndarray:
    """How many of the intervals ``[start, stop)`` (each sorted) hold each time ``t``."""
    return np.searchsorted(start, t, side="right") - np.searchsorted(stop, t, side="right")


def estimate_turnaround(frame: pd.DataFrame) -> Turnaround:
    """The turnaround of a tidy ticket log (columns ``item``, ``window``, ``ticket_time``,
    ``wait``, ``service``, ``outcome``; waits and services in minutes)."""
    t0 = ((frame["ticket_time"] - frame["ticket_time"].min()).dt.total_seconds()
          / 60.0).to_numpy()
    wait = frame["wait"].to_numpy(dtype=float)
    item = frame["item"].to_numpy()
    queued = wait > 0
    waits = {it: (np.sort(t0[queued & (item == it)]), np.sort((t0 + wait)[queued & (item == it)]))
             for it in pd.unique(item[queued])}
    served = (frame["outcome"] == "served").to_numpy() & frame["window"].notna().to_numpy()
    served &= frame["window"].astype(str).str.len().to_numpy() > 0
    call = t0 + wait
    end = call + frame["service"].fillna(0.0).to_numpy(dtype=float)
    window = frame["window"].to_numpy()
    gaps: list[np.ndarray] = []
    for w in pd.unique(window[served]):
        mine = served & (window == w)
        order = np.argsort(call[mine], kind="stable")
        c, e = call[mine][order], end[mine][order]
        if len(c) < 2:
            continue
        ends = e[:-1]
        waiting = np.zeros(len(ends), dtype=np.int64)
        for it in pd.unique(item[mine]):
            if it in waits:
                waiting += _waiting_at(*waits[it], ends)
        gap = c[1:] - ends
        gaps.append(gap[(waiting > 0) & (gap >= 0)])
    all_gaps = np.concatenate(gaps) if gaps else np.empty(0)
    if len(all_gaps) < MIN_GAPS:
        return Turnaround(0.0, len(all_gaps), (float("nan"),) * 3)
    q1, q2, q3 = (float(v) for v in np.percentile(all_gaps * 60.0, [25, 50, 75]))
    median = round(float(np.median(all_gaps)) * 60.0, 1) / 60.0  # to 0.1 s: logs keep seconds
    return Turnaround(median, len(all_gaps), (q1, q2, q3))
