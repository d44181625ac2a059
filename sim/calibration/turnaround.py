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

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

MIN_GAPS = 30


@dataclass(frozen=True)
class Turnaround:
    """The estimated turnaround and its basis."""

    minutes: float  # the median gap (0 without an estimate), less ``walking``
    gaps: int  # gaps observed while an eligible ticket was waiting
    quartiles: tuple[float, float, float]  # of those gaps, in seconds (NaN without)
    walking: float = 0.0  # minutes of it a layout's walk to the window explains

    def net_of_walking(self, walk: float) -> Turnaround:
        """The turnaround less the walk to the window a layout explains (``walk``
        minutes, at most the whole estimate): the model with that layout walks it, so it
        must not also sit in every service time (docs/layout.md)."""
        if self.gaps < MIN_GAPS or walk <= 0:
            return self
        taken = min(walk, self.minutes)
        return replace(self, minutes=self.minutes - taken, walking=taken)

    @classmethod
    def none(cls, gaps: int = 0) -> Turnaround:
        """No estimate (too few gaps, or not asked for): services are used as logged."""
        return cls(0.0, gaps, (math.nan, math.nan, math.nan))

    def comment(self) -> str:
        """One line for the scenario's comments."""
        if self.gaps < MIN_GAPS:
            return (f"window turnaround: not estimated ({self.gaps} gaps with a ticket waiting, "
                    f"fewer than {MIN_GAPS}): services are used as logged")
        q1, q2, q3 = self.quartiles
        walked = (f"; less {60 * self.walking:.3g} s of it, the walk to the window the layout "
                  "explains (the model walks it: layout.walking)" if self.walking else "")
        return (f"window turnaround {60 * self.minutes:.3g} s added to every service time: "
                f"median gap from a service's end to the window's next call while a ticket it "
                f"serves was waiting, over {self.gaps:,} gaps "
                f"(quartiles {q1:.3g} / {q2:.3g} / {q3:.3g} s){walked}")


def _waiting_at(start: np.ndarray, stop: np.ndarray, t: np.ndarray) -> np.ndarray:
    """How many tickets were waiting just before each time ``t``: taken before ``t`` and
    not called (or gone) before it (``start < t <= stop``; both arrays sorted). A ticket
    called at the very moment a service ends was waiting for that window."""
    return np.searchsorted(start, t, side="left") - np.searchsorted(stop, t, side="left")


def estimate_turnaround(frame: pd.DataFrame) -> Turnaround:
    """The turnaround of a tidy ticket log (columns ``item``, ``window``, ``ticket_time``,
    ``wait``, ``service``, ``outcome``; waits and services in minutes).

    Every call a window made enters its sequence: served tickets, and called-but-gone
    ones whose window is named (their service, if logged, is the time the window spent
    on them); a served ticket without a service time is left out. Times are taken in
    seconds and gaps rounded to 0.1 s (logs keep whole seconds; a gap of exactly 0
    must not come out as -1e-11 and be dropped as an overlap).
    """
    t0 = np.round((frame["ticket_time"] - frame["ticket_time"].min()).dt.total_seconds()
                  .to_numpy(dtype=float), 3)
    wait = frame["wait"].to_numpy(dtype=float) * 60.0
    service = frame["service"].to_numpy(dtype=float) * 60.0
    item = frame["item"].to_numpy()
    outcome = frame["outcome"].to_numpy()
    window = frame["window"].to_numpy()
    call = np.round(t0 + wait, 3)  # to the millisecond: equal times compare equal
    end = np.round(call + np.where(np.isfinite(service), service, 0.0), 3)
    queued = np.isfinite(wait) & (wait > 0)
    waits = {it: (np.sort(t0[queued & (item == it)]), np.sort(call[queued & (item == it)]))
             for it in pd.unique(item[queued])}
    named = (window != "") & pd.notna(window) & np.isfinite(wait)
    called = named & (((outcome == "served") & np.isfinite(service)) | (outcome == "no_show"))
    gaps: list[np.ndarray] = []
    for w in pd.unique(window[called]):
        mine = called & (window == w)
        if int(mine.sum()) < 2:
            continue
        order = np.argsort(call[mine], kind="stable")
        c, e = call[mine][order], end[mine][order]
        ends = e[:-1]
        waiting = np.zeros(len(ends), dtype=np.int64)
        for it in pd.unique(item[mine & (outcome == "served")]):
            if it in waits:
                waiting += _waiting_at(*waits[it], ends)
        gap = np.round(c[1:] - ends, 1)
        gaps.append(gap[(waiting > 0) & (gap >= 0)])
    seconds = np.concatenate(gaps) if gaps else np.empty(0)
    if len(seconds) < MIN_GAPS:
        return Turnaround.none(len(seconds))
    q1, q2, q3 = (float(v) for v in np.percentile(seconds, [25, 50, 75]))
    return Turnaround(q2 / 60.0, len(seconds), (q1, q2, q3))
