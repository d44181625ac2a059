"""Times of day: parsing ``"HH:MM"`` and opening periods, all in minutes."""

from __future__ import annotations

import re

import numpy as np

MINUTES_PER_DAY = 1440.0

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_hhmm(text: str) -> float:
    """Minutes after midnight for ``"HH:MM"`` (``"24:00"`` allowed as 1440)."""
    m = _HHMM.match(str(text).strip())
    if not m:
        raise ValueError(f"'{text}' is not a time of day \"HH:MM\"")
    h, mi = int(m.group(1)), int(m.group(2))
    if mi >= 60 or h > 24 or (h == 24 and mi != 0):
        raise ValueError(f"'{text}' is not a valid time of day")
    return float(h * 60 + mi)


def format_hhmm(minutes: float) -> str:
    """``"HH:MM"`` for minutes after midnight (rounded down to the minute)."""
    m = int(minutes // 1)
    return f"{m // 60:02d}:{m % 60:02d}"


def format_period(start: float, end: float) -> str:
    """``"HH:MM-HH:MM"`` for a stretch of the day in minutes (an end at midnight reads
    ``24:00``), as ``hall.open`` writes it."""
    return f"{format_hhmm(start)}-{format_hhmm(end) if end < 1440 else '24:00'}"


def parse_periods(texts: list[str] | tuple[str, ...]) -> list[tuple[float, float]]:
    """Parse a list of opening periods; they must be in time order and must not overlap."""
    periods = [parse_period(p) for p in texts]
    for (s0, e0), (s1, _e1), text in zip(periods, periods[1:], texts[1:]):
        if s1 < s0:
            raise ValueError("periods must be listed in time order")
        if s1 < e0:
            raise ValueError(f"period '{text}' overlaps the one before it")
    return periods


def parse_period(text: str) -> tuple[float, float]:
    """``(start, end)`` minutes for an opening period ``"HH:MM-HH:MM"``."""
    parts = str(text).split("-")
    if len(parts) != 2:
        raise ValueError(f"'{text}' is not an opening period \"HH:MM-HH:MM\"")
    start, end = parse_hhmm(parts[0]), parse_hhmm(parts[1])
    if not start < end:
        raise ValueError(f"opening period '{text}' ends before it starts")
    if start >= MINUTES_PER_DAY:
        raise ValueError(f"opening period '{text}' starts at 24:00")
    return start, end


def hour_of_day(minute: np.ndarray) -> np.ndarray:
    """The hour of day (0-23) of times in minutes from day 0's start: ``floor(t / 60)``
    mod 24, exact (floor division of floats is)."""
    return (np.asarray(minute, dtype=float) // 60.0).astype(int) % 24
