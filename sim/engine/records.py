"""Per-ticket records of one replication, kept as numpy columns.

Columns follow the records contract in docs/results.md: ``ticket, category, day, arrival,
call, end, window, outcome`` (times in minutes from the start of day 0, NaN
where not reached; ``window`` -1 where not served).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas is imported on use: it costs ~0.3 s at start-up
    import pandas as pd

    from sim.engine.kiosks import KioskSessions

SERVED, ABANDONED, BALKED, OPEN = 0, 1, 2, 3
OUTCOMES = ("served", "abandoned", "balked", "open")
#: what a ticket is to its case or journey (the ``kind`` column)
KIND_NAMES = ("first", "return", "collect", "journey")
KIND_FIRST, KIND_RETURN, KIND_COLLECT, KIND_JOURNEY = 0, 1, 2, 3


@dataclass(frozen=True)
class Records:
    """Everything the engine observed in one replication.

    ``window`` indexes ``window_names`` (``"A-1"``: group id, dash, 1-based
    window number); ``window_group`` maps each window to its group index in
    ``group_names``. ``duty`` has a row ``(window, start, end)`` for every interval
    a window was on duty: staffed by its group's schedule while the hall is
    open, and serving a customer (after closing, or after its schedule took it
    off duty). Staffed time is read from it alone (:mod:`sim.stats.staffing`).
    """

    category_names: tuple[str, ...]
    window_names: tuple[str, ...]
    group_names: tuple[str, ...]
    window_group: np.ndarray
    arrival: np.ndarray
    category: np.ndarray
    call: np.ndarray
    end: np.ndarray
    window: np.ndarray
    outcome: np.ndarray
    duty: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    kiosk: KioskSessions | None = None  # self-service kiosk sessions (None: no kiosks used)

    def __len__(self) -> int:
        return len(self.arrival)

    def with_columns(self, columns: dict[str, np.ndarray]) -> Records:
        """These records with more ``extra`` columns (after the ones they have)."""
        return dataclasses.replace(self, extra={**self.extra, **columns})

    @property
    def day(self) -> np.ndarray:
        """Day (0-based) on which each ticket was taken."""
        return (self.arrival // 1440.0).astype(np.int32)

    @property
    def wait(self) -> np.ndarray:
        """Minutes from ticket to call (NaN for those never called)."""
        return self.call - self.arrival

    def to_frame(self, replication: int | None = None) -> pd.DataFrame:
        """One row per ticket with the contract's columns (plus ``replication`` if given)."""
        import pandas as pd

        names = np.asarray(self.window_names + ("",), dtype=object)  # window -1 -> ""
        frame = pd.DataFrame(
            {
                "ticket": np.arange(1, len(self) + 1),
                "category": pd.Categorical.from_codes(self.category, pd.Index(self.category_names)),
                "day": self.day,
                "arrival": self.arrival,
                "call": self.call,
                "end": self.end,
                "window": names[self.window],
                "outcome": pd.Categorical.from_codes(self.outcome.astype(np.int8),
                                                  pd.Index(OUTCOMES)),
            }
        )
        for name, column in self.extra.items():
            if name == "kind":
                labels = np.asarray(("",) + KIND_NAMES, dtype=object)
                frame[name] = labels[column.astype(int) + 1]
            elif column.dtype.kind == "f":  # times (door, guide_call): NaN = missing
                frame[name] = column
            else:  # -1 = not part of a case or journey: missing
                frame[name] = pd.arrays.IntegerArray(column.astype(np.int64), mask=column < 0)
        # tickets taken later in the run (returns, collections, journey steps) were
        # appended: list every ticket in order of ticket time and number it so
        frame = frame.iloc[np.argsort(self.arrival, kind="stable")].reset_index(drop=True)
        frame["ticket"] = np.arange(1, len(frame) + 1)
        if replication is not None:
            frame.insert(0, "replication", replication)
        return frame

    def duty_frame(self, replication: int | None = None) -> pd.DataFrame:
        """One row per interval a window was on duty: ``window`` (``GROUP-k``), ``start``
        and ``end`` (minutes from the start of day 0), in window and time order (plus a
        leading ``replication`` if given). Off duty is the rest: outside the group's
        schedule or the opening hours, and on a break (docs/results.md, duty)."""
        import pandas as pd

        rows = self.duty[np.lexsort((self.duty[:, 1], self.duty[:, 0]))] if len(self.duty) \
            else np.zeros((0, 3))
        names = np.asarray(self.window_names, dtype=object)
        frame = pd.DataFrame({"window": names[rows[:, 0].astype(int)],
                              "start": rows[:, 1], "end": rows[:, 2]})
        if replication is not None:
            frame.insert(0, "replication", replication)
        return frame


def write_records(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a records table as CSV or Parquet (by extension), atomically.

    CSV is UTF-8 with a byte-order mark, so that Excel shows Chinese window and
    category names (pandas and the log readers skip the mark). An empty text (the window
    of a ticket never served, the kind of a first ticket) is missing in both formats:
    empty in CSV, null in Parquet, so ``window.isna()`` means the same in either."""
    from sim.files.atomic import atomic_path

    path = Path(path)
    suffix = path.suffix.lower()
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            from pandas.api.types import is_string_dtype

            texts = [c for c in frame.columns if is_string_dtype(frame[c].dtype)]
            frame.assign(**{c: frame[c].mask(frame[c] == "") for c in texts}).to_parquet(
                tmp, index=False)
        elif suffix in (".csv", ".gz") or path.name.endswith(".csv.gz"):
            frame.to_csv(tmp, index=False, float_format="%.4f", encoding="utf-8-sig",
                         compression="gzip" if suffix == ".gz" else None)
        else:
            raise ValueError(f"unknown records format '{path.suffix}' (use .csv or .parquet)")
