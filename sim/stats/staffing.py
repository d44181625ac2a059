"""Staffed and busy window time: the one source of utilisation in every view.

Staffed time is read from the engine's on-duty intervals alone
(:attr:`sim.engine.records.Records.duty`: a window is on duty while its group's
schedule staffs it and the hall is open, and while it serves a customer, after
closing or after its schedule took it off duty). Busy time is the windows'
service intervals. Both are clipped to the statistics window ``[w_from, w_to)``
(warm-up end to horizon) and cut into hour bins; overall, per window group and
per hour of day are sums of the same pieces. A window serves only while on
duty, so busy <= staffed holds piece by piece, hence in every view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from sim.engine.records import SERVED, Records
from sim.scenario.clock import MINUTES_PER_DAY

HOURS_PER_DAY = 24


@dataclass(frozen=True)
class WindowTime:
    """Staffed and busy window-minutes per window group and hour of day (0-23),
    summed over the days of the statistics window."""

    group_names: tuple[str, ...]
    staffed_by_hour: np.ndarray  # (groups, 24) minutes
    busy_by_hour: np.ndarray  # (groups, 24) minutes

    @property
    def staffed(self) -> np.ndarray:
        """Staffed minutes per group."""
        return self.staffed_by_hour.sum(axis=1)

    @property
    def busy(self) -> np.ndarray:
        """Busy minutes per group."""
        return self.busy_by_hour.sum(axis=1)

    def utilisation(self) -> float:
        """Busy over staffed window time, all groups and hours (NaN if never staffed)."""
        return ratio(float(self.busy.sum()), float(self.staffed.sum()))

    def group_usage(self, group: int) -> Usage:
        """Busy and staffed minutes of group number ``group``."""
        return Usage(float(self.busy[group]), float(self.staffed[group]))

    def hourly_utilisation(self) -> np.ndarray:
        """Busy over staffed time per group and hour of day, (groups, 24); NaN where the
        group is never staffed in that hour."""
        return _ratios(self.busy_by_hour, self.staffed_by_hour)


def ratio(busy: float, staffed: float) -> float:
    """``busy / staffed``, NaN when nothing was staffed."""
    return busy / staffed if staffed > 0 else math.nan


class Usage(NamedTuple):
    """Busy and staffed minutes of a window group or a pool, and what they give: the
    utilisation and the ``by_window`` figures. Every utilisation hallsim reports is
    made here (windows, kiosk groups, the guide desk)."""

    busy: float
    staffed: float

    @property
    def utilisation(self) -> float:
        """Busy over staffed time (NaN if never staffed)."""
        return ratio(self.busy, self.staffed)

    def figures(self) -> dict[str, float]:
        """``utilisation``, ``busy_hours`` and ``staffed_hours``, as ``by_window`` reports them."""
        return {"utilisation": self.utilisation, "busy_hours": self.busy / 60.0,
                "staffed_hours": self.staffed / 60.0}


def _ratios(busy: np.ndarray, staffed: np.ndarray) -> np.ndarray:
    out = np.full(staffed.shape, np.nan)
    np.divide(busy, staffed, out=out, where=staffed > 0)
    return out


def minutes_by_bin(start: np.ndarray, end: np.ndarray, key: np.ndarray, n_keys: int,
                   w_from: float, w_to: float, width: float = 60.0) -> np.ndarray:
    """Minutes of the intervals ``[start, end)`` inside ``[w_from, w_to)``, per key and per
    bin of ``width`` minutes from ``w_from``: an array (keys, bins).

    Each interval is cut at the bin edges and every piece is measured on its
    own (no long cumulative sums), so the sums are exact to rounding. Long inputs are
    taken :data:`CHUNK` intervals at a time, each chunk's pieces added into the same
    cells in the same order (``np.add.at`` continues what ``np.bincount`` began: the
    same sums, bit for bit), so the temporaries stay small.
    """
    n_bins = max(0, math.ceil((w_to - w_from) / width))
    flat = np.zeros(n_keys * n_bins)
    for lo in range(0, len(start), CHUNK):
        hi = lo + CHUNK
        _add_minutes(flat, start[lo:hi], end[lo:hi], key[lo:hi], n_bins, w_from, w_to, width,
                     first=lo == 0)
    return flat.reshape(n_keys, n_bins)


#: intervals :func:`minutes_by_bin` cuts into pieces at a time
CHUNK = 1 << 16


def _add_minutes(flat: np.ndarray, start: np.ndarray, end: np.ndarray, key: np.ndarray,
                 n_bins: int, w_from: float, w_to: float, width: float, first: bool) -> None:
    """Add the minutes of one chunk of intervals into ``flat`` (keys x bins, flattened)."""
    s = np.maximum(np.asarray(start, dtype=float), w_from)
    e = np.minimum(np.asarray(end, dtype=float), w_to)
    keep = e > s
    s, e, key = s[keep], e[keep], np.asarray(key)[keep].astype(np.int64)
    if not len(s):
        return
    first_bin = np.floor((s - w_from) / width).astype(np.int64)
    last = np.minimum(np.ceil((e - w_from) / width).astype(np.int64) - 1, n_bins - 1)
    count = last - first_bin + 1
    piece = np.repeat(np.arange(len(s)), count)
    offset = np.arange(len(piece)) - np.repeat(np.cumsum(count) - count, count)
    bins = first_bin[piece] + offset
    lo = np.maximum(s[piece], w_from + bins * width)
    hi = np.minimum(e[piece], w_from + (bins + 1) * width)
    cell, minutes = key[piece] * n_bins + bins, np.maximum(hi - lo, 0.0)
    # summed piece by piece in order into each (key, bin) cell
    if first:
        flat += np.bincount(cell, weights=minutes, minlength=len(flat))
    else:
        np.add.at(flat, cell, minutes)


def window_time(rec: Records, w_from: float, w_to: float) -> WindowTime:
    """Staffed and busy window time of one replication over ``[w_from, w_to)``.

    ``w_from`` must be a whole number of days (the warm-up's end) so that bins
    are hours of the day.
    """
    if w_from % MINUTES_PER_DAY:
        raise ValueError(f"w_from must be a whole day, got {w_from}")
    n_groups = len(rec.group_names)
    duty = rec.duty
    duty_group = rec.window_group[duty[:, 0].astype(np.int64)]
    staffed = minutes_by_bin(duty[:, 1], duty[:, 2], duty_group, n_groups, w_from, w_to)
    served = (rec.outcome == SERVED) & (rec.window >= 0)
    busy = minutes_by_bin(rec.call[served], rec.end[served],
                          rec.window_group[rec.window[served]], n_groups, w_from, w_to)
    return WindowTime(rec.group_names, _fold_days(staffed), _fold_days(busy))


def _fold_days(by_bin: np.ndarray) -> np.ndarray:
    """(keys, hour bins from midnight) -> (keys, 24): summed over days."""
    n_keys, n_bins = by_bin.shape
    days = math.ceil(n_bins / HOURS_PER_DAY)
    padded = np.zeros((n_keys, days * HOURS_PER_DAY))
    padded[:, :n_bins] = by_bin
    return padded.reshape(n_keys, days, HOURS_PER_DAY).sum(axis=1)
