"""Reader of hallsim's own ``--records`` output (CSV or Parquet): a simulated hall's log.

Simulated day ``d`` becomes the ``d``-th working date of the default calendar
(Mondays to Fridays from 2024-01-01) so that weekday factors can be estimated;
replications follow one another. Served tickets' service is ``end - call``;
abandoned ones left after ``end - arrival`` (their patience); balked ones
left on arrival; tickets still open at the end of the run are skipped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.tickets import TicketLog, check_rows, tidy
from sim.files.errors import InputError
from sim.scenario.calendar import Calendar

RECORD_COLUMNS = ("category", "day", "arrival", "call", "end", "window", "outcome")


def is_records_header(line: str) -> bool:
    """Whether a CSV header line is that of hallsim records."""
    names = {c.strip() for c in line.split(",")}
    return {"category", "arrival", "call", "end", "outcome"} <= names


def read_records_log(path: str | Path) -> TicketLog:
    """Read a hallsim records file into a :class:`TicketLog`."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".parquet":
            raw = pd.read_parquet(path)
        else:
            raw = pd.read_csv(path, dtype={"window": str, "category": str, "outcome": str})
    except FileNotFoundError:
        raise InputError(str(path), "", "file not found") from None
    except Exception as exc:  # noqa: BLE001
        raise InputError(str(path), "", f"cannot read the records ({exc})") from None
    for name in RECORD_COLUMNS:
        if name not in raw.columns:
            raise InputError(str(path), name, "required column missing (hallsim records)")
    if raw.empty:
        raise InputError(str(path), "", "no ticket rows")
    day = pd.to_numeric(raw["day"], errors="coerce").fillna(-1).astype(int).to_numpy()
    if "replication" in raw.columns:
        rep = pd.to_numeric(raw["replication"], errors="coerce").fillna(0).astype(int).to_numpy()
        day = day + rep * (day.max() + 1)
    day = np.maximum(day, 0)
    dates = pd.DatetimeIndex(Calendar().dates(int(day.max()) + 1))
    arrival = pd.to_numeric(raw["arrival"], errors="coerce")
    minute = arrival - 1440.0 * pd.to_numeric(raw["day"], errors="coerce")
    ticket_time = pd.Series(dates[day]) + pd.to_timedelta(minute.to_numpy() * 60.0, unit="s")
    call = pd.to_numeric(raw["call"], errors="coerce")
    end = pd.to_numeric(raw["end"], errors="coerce")
    word = raw["outcome"].astype(str).str.strip()
    outcome = word.map({"served": "served", "abandoned": "abandoned", "balked": "abandoned"})
    wait = (call - arrival).where(word == "served", end - arrival)
    wait = wait.where(word != "balked", 0.0)
    service = (end - call).where(word == "served")
    window = raw["window"].fillna("").astype(str)
    frame = tidy(raw["category"], None, window, ticket_time, wait, service,
                 outcome.fillna("cancelled"), path.name)
    log = TicketLog(frame, files=(str(path),))
    log.skip_reasons(np.select([(word == "open").to_numpy(), outcome.isna().to_numpy()],
                               ["still open at the end of the run", "unknown outcome"], ""))
    check_rows(log)
    if not len(log):
        raise InputError(str(path), "", "no usable ticket row")
    return log
