"""Write hallsim records as a hall queue system's export with Chinese headers.

Used to round-trip a simulated hall through :func:`sim.calibration.hall_export.read_hall_export`
(and by the benchmark). Simulated day ``d`` becomes the ``d``-th working date of
the scenario's calendar. A queue system calls a ticket whose holder has gone
when a window reaches it, at its turn: an abandoned ticket is written as called
but gone (过号) with the records' ``reached`` time as its call time (the engine
calls gone tickets as a queue system does: the moment a window would have called
the customer had they stayed), or as cancelled (取消) when no window reached it
before the run ended. That call time does not depend on the holder's patience,
which is what makes the censored fit of :mod:`sim.calibration.fitting` unbiased; the call
time of the next ticket served is later than the turn whenever the window found
the queue empty behind the gone ticket, and biased the fit (docs/calibration.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.hall_export import DEFAULT_COLUMNS, EXCEL_EPOCH
from sim.scenario.calendar import Calendar
from sim.scenario.model import Scenario


def _hms(minutes: np.ndarray) -> np.ndarray:
    s = np.rint(np.nan_to_num(minutes) * 60).astype(np.int64)
    out = pd.Series(s // 3600).astype(str).str.zfill(2) + ":" + \
        pd.Series(s // 60 % 60).astype(str).str.zfill(2) + ":" + \
        pd.Series(s % 60).astype(str).str.zfill(2)
    return np.where(np.isnan(minutes), "", out.to_numpy(dtype=object))


def export_frame(records: pd.DataFrame, scenario: Scenario, excel_serial: bool = False,
                 minutes: bool = False) -> pd.DataFrame:
    """The export table of a records frame (columns of ``docs/results.md``).

    ``excel_serial`` writes times as Excel serial numbers, ``minutes`` durations as
    minutes instead of ``HH:MM:SS``.
    """
    r = records.sort_values(["category", "arrival"], kind="stable").reset_index(drop=True)
    served = (r["outcome"] == "served").to_numpy()
    gone = (r["outcome"] == "abandoned").to_numpy()
    call = r["call"].to_numpy(dtype=float).copy()
    if "reached" in r:
        call[gone] = r["reached"].to_numpy(dtype=float)[gone]
    no_show = gone & ~np.isnan(call)
    keep = served | gone | (r["outcome"] == "balked").to_numpy()
    cal = scenario.calendar or Calendar()
    dates = pd.DatetimeIndex(cal.dates(int(r["day"].max()) + 1))
    day = r["day"].to_numpy()
    base = dates[day]
    arrival = r["arrival"].to_numpy(dtype=float)
    ticket_time = base + pd.to_timedelta(np.rint((arrival - 1440.0 * day) * 60), unit="s")
    call_time = base + pd.to_timedelta(np.rint((call - 1440.0 * day) * 60), unit="s")
    service = np.where(served, r["end"].to_numpy(dtype=float) - call, np.nan)
    wait = np.where(served | no_show, call - arrival, np.nan)
    status = np.where(served, "已办结", np.where(no_show, "过号", "取消"))
    depts = {c: (cat.department or "") for c, cat in scenario.categories.items()}

    def stamp(t: pd.DatetimeIndex) -> np.ndarray:
        if excel_serial:
            return np.round((t - EXCEL_EPOCH) / pd.Timedelta(days=1), 8)
        return np.where(t.isna(), "", t.strftime("%Y-%m-%d %H:%M:%S"))

    def duration(m: np.ndarray) -> np.ndarray:
        return np.round(m, 4) if minutes else _hms(m)

    window = r["window"].fillna("").astype(str).to_numpy()
    c = DEFAULT_COLUMNS
    out = pd.DataFrame({
        c["ticket"]: [f"A{k:05d}" for k in range(1, len(r) + 1)],
        c["item"]: r["category"].astype(str).to_numpy(),
        c["department"]: r["category"].astype(str).map(depts).to_numpy(),
        c["window"]: np.where(window != "", "窗口" + window, ""),
        c["clerk"]: np.where(window != "", "工作人员" + window, ""),
        c["ticket_time"]: stamp(ticket_time),
        c["call_time"]: stamp(call_time),
        c["wait"]: duration(wait),
        c["service"]: duration(service),
        c["status"]: status,
    })
    out = out[keep]
    return out.iloc[np.argsort(arrival[keep], kind="stable")].reset_index(drop=True)


def write_export(frame: pd.DataFrame, path: str | Path, encoding: str = "utf-8") -> None:
    """Write an export table as CSV (``encoding``: utf-8, utf-8-sig, gbk, gb18030) or XLSX."""
    from sim.files.atomic import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".xlsx":
            frame.to_excel(tmp, index=False, engine="openpyxl")
        else:
            frame.to_csv(tmp, index=False, encoding=encoding)
