"""The tidy ticket table every log reader produces.

One row per ticket, whatever the log's format:

- ``item`` (事项, the scenario's category), ``department`` ("" if unknown),
  ``window`` ("" if never at a window), ``source`` (file name);
- ``ticket_time`` (datetime64: when the ticket was taken);
- ``wait`` (minutes): to the call for served and called-but-gone tickets, to the
  moment of leaving for abandoned ones, NaN for cancelled ones;
- ``service`` (minutes at the window; NaN unless served);
- ``outcome``: ``served``; ``no_show`` (called but gone, 过号: the customer's
  patience was shorter than ``wait``); ``abandoned`` (left after exactly ``wait``
  minutes, as a call centre's hang-up); ``cancelled`` (left at an unknown time).

:class:`TicketLog` carries the table with the count of skipped rows per reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.files.errors import InputError

#: minutes in a day: no wait or service in a hall is longer
DAY_MINUTES = 1440.0
OUTCOMES = ("served", "no_show", "abandoned", "cancelled")
COLUMNS = ("item", "department", "window", "ticket_time", "wait", "service", "outcome",
           "source")


@dataclass
class TicketLog:
    """A tidy ticket table and the rows that were skipped, counted by reason."""

    frame: pd.DataFrame
    skipped: Counter[str] = field(default_factory=Counter)
    files: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()  # acknowledgements a data source asks for

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def minute(self) -> np.ndarray:
        """Minutes after midnight of each ticket time."""
        t = self.frame["ticket_time"]
        return ((t - t.dt.normalize()) / pd.Timedelta(minutes=1)).to_numpy(dtype=float)

    @property
    def date(self) -> pd.Series:
        """The date (midnight) of each ticket time."""
        return self.frame["ticket_time"].dt.normalize()

    def skip(self, mask: np.ndarray | pd.Series, reason: str) -> None:
        """Drop the rows under ``mask``, counting them under ``reason``."""
        mask = np.asarray(mask, dtype=bool)
        n = int(mask.sum())
        if n:
            self.skipped[reason] += n
            self.frame = self.frame.loc[~mask].reset_index(drop=True)

    def skip_reasons(self, reasons: np.ndarray) -> None:
        """Drop every row whose entry in ``reasons`` is not empty, counted by that reason."""
        reasons = np.asarray(reasons, dtype=object)
        bad = reasons != ""
        if bad.any():
            self.skipped.update(pd.Series(reasons[bad]).value_counts().to_dict())
            self.frame = self.frame.loc[~bad].reset_index(drop=True)

    def summary_lines(self) -> list[str]:
        """Human-readable lines: rows kept and rows skipped per reason."""
        lines = [f"{len(self):,} tickets kept from {len(self.files)} file(s)"]
        for reason, n in sorted(self.skipped.items(), key=lambda kv: -kv[1]):
            lines.append(f"  skipped {n:,}: {reason}")
        return lines


def tidy(item: pd.Series, department: pd.Series | None, window: pd.Series | None,
         ticket_time: pd.Series, wait: pd.Series, service: pd.Series,
         outcome: pd.Series, source: str) -> pd.DataFrame:
    """Assemble the tidy columns (strings stripped, outcomes categorical)."""
    n = len(item)

    def text(s: pd.Series | None) -> pd.Series:
        if s is None:
            return pd.Series([""] * n, dtype="str")
        return s.astype("str").fillna("").str.strip().replace("nan", "")

    return pd.DataFrame({
        "item": text(item).to_numpy(),
        "department": text(department).to_numpy(),
        "window": text(window).to_numpy(),
        "ticket_time": pd.to_datetime(ticket_time).to_numpy(),
        "wait": pd.to_numeric(wait).to_numpy(dtype=float),
        "service": pd.to_numeric(service).to_numpy(dtype=float),
        "outcome": pd.Categorical(outcome.to_numpy(), categories=OUTCOMES),
        "source": pd.Categorical([source] * n),
    })


#: why a row of a later log is dropped: an earlier log has the same ticket
OVERLAP = "the same ticket in an earlier file (overlapping exports)"


def combine(logs: Sequence[TicketLog]) -> TicketLog:
    """One log from several (tables stacked, skip counts added). Monthly exports often
    overlap by a few days: a row of a later file that an earlier file already has (every
    field alike but the file's name) is dropped and counted, so a ticket counts once."""
    skipped: Counter[str] = Counter()
    for log in logs:
        skipped.update(log.skipped)
    key = [c for c in COLUMNS if c != "source"]
    seen = pd.DataFrame(columns=key)
    frames = []
    for log in logs:
        frame = log.frame
        if len(seen) and len(frame):
            match = frame[key].merge(seen.drop_duplicates(), on=key, how="left",
                                     indicator=True)["_merge"].to_numpy() == "both"
            if match.any():
                skipped[OVERLAP] += int(match.sum())
                frame = frame[~match]
        frames.append(frame)
        seen = pd.concat([seen, frame[key]], ignore_index=True) if len(seen) else frame[key]
    frame = pd.concat(frames, ignore_index=True)
    for col in ("outcome", "source"):
        frame[col] = frame[col].astype("category")
    frame["outcome"] = frame["outcome"].cat.set_categories(OUTCOMES)
    frame = frame.sort_values("ticket_time", kind="stable").reset_index(drop=True)
    credits = tuple(dict.fromkeys(c for log in logs for c in log.credits))
    return TicketLog(frame, skipped, tuple(f for log in logs for f in log.files), credits)


_ROW_CHECKS: tuple[tuple[str, Callable[[pd.DataFrame], pd.Series]], ...] = (
    ("ticket time missing or not a time", lambda f: f["ticket_time"].isna()),
    ("item missing", lambda f: f["item"] == ""),
    ("call time / wait missing or not a time",
     lambda f: (f["outcome"] != "cancelled") & f["wait"].isna()),
    ("call before ticket time (negative wait)", lambda f: f["wait"] < 0),
    ("served without a window", lambda f: (f["outcome"] == "served") & (f["window"] == "")),
    ("served without a service time (missing or negative)",
     lambda f: (f["outcome"] == "served") & ~(f["service"] >= 0)),
    # no ticket waits or is served overnight: a typo (99999:00:00) or a clock error, which
    # would pull its item's mean service from minutes to hours
    ("wait longer than a day (a clock or typing error)", lambda f: f["wait"] > DAY_MINUTES),
    ("service longer than a day (a clock or typing error)",
     lambda f: f["service"] > DAY_MINUTES),
)


def check_rows(log: TicketLog) -> None:
    """Skip rows whose fields are missing or contradict each other (every reader)."""
    for reason, bad in _ROW_CHECKS:
        log.skip(bad(log.frame).to_numpy(dtype=bool), reason)


#: days between two ticket dates beyond which they are not of one stretch of a log: the
#: dates of a clock error, a mistyped year or an empty date (Excel's 1899-12-30)
FAR_DAYS = 366
#: the largest share of a log its far-off tickets may be and be skipped (counted); more,
#: and the log is refused: which stretch is "the rest" is then not for hallsim to guess
FAR_SHARE = 0.1
#: why a row is skipped: its date is more than FAR_DAYS from the log's main stretch
FAR_DATE = "ticket date over a year from the rest of the log ({dates})"


def _span(first: pd.Timestamp, last: pd.Timestamp) -> str:
    return f"{first.date()}" if first == last else f"{first.date()} – {last.date()}"


def check_far_dates(log: TicketLog, column: str = "") -> None:
    """Skip, counted, the tickets dated more than :data:`FAR_DAYS` from the stretch of
    dates that holds most of the log (a ticket of 1899-12-30 in a log of 2024: an empty date
    read by Excel); refuse the log, naming ``column`` (the ticket time's) and the stretches,
    when they are more than :data:`FAR_SHARE` of it. Dates centuries apart would otherwise
    overflow the time arithmetic of the estimators, or make every weekday of a century a
    day without tickets."""
    if not len(log):
        return
    day = log.frame["ticket_time"].to_numpy().astype("datetime64[D]")
    dates, counts = np.unique(day, return_counts=True)
    ordinal = dates.astype(np.int64)  # days since 1970: no overflow, whatever the years
    stretch = np.concatenate([[0], np.cumsum(np.diff(ordinal) > FAR_DAYS)])
    if stretch[-1] == 0:
        return
    tickets = np.bincount(stretch, weights=counts).astype(int)
    main = int(np.argmax(tickets))
    spans = [(_span(pd.Timestamp(dates[stretch == k][0]), pd.Timestamp(dates[stretch == k][-1])),
              int(tickets[k])) for k in range(len(tickets))]
    far = int(tickets.sum() - tickets[main])
    if far > FAR_SHARE * len(log):
        shown = ", ".join(f"{span}: {n:,}" for span, n in spans[:5])
        if len(spans) > 5:
            shown += f", … ({len(spans) - 5:,} more)"
        raise InputError(", ".join(log.files), column,
                         f"the ticket dates fall in stretches more than {FAR_DAYS} days "
                         f"apart (tickets per stretch: {shown}): a log covers one stretch of "
                         "time; check the ticket times (a clock error, a mistyped year, an "
                         "empty date read as 1899-12-30), or calibrate each stretch on its own")
    others = [span for k, (span, _) in enumerate(spans) if k != main]
    shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
    log.skip(stretch[np.searchsorted(dates, day)] != main, FAR_DATE.format(dates=shown))
