"""Reader of the Anonymous Bank call-centre log (SEE Lab, Technion; Guedj & Mandelbaum 2000).

The data come from the Service Enterprise Engineering Lab (SEE Lab) of the
Technion – Israel Institute of Technology; its documentation asks every user to
acknowledge the source. Tab separated, 17 columns::

    vru+line call_id customer_id priority type date vru_entry vru_exit vru_time
    q_start q_exit q_time outcome ser_start ser_exit ser_time server

Dates are ``YYMMDD``, times ``H:MM:SS``, durations seconds. A call becomes a
ticket when it leaves the phone menu (``vru_exit``): its item is the service
``type``, its window the agent (``server``). ``AGENT`` calls are served (wait
``q_time``, service ``ser_time``); ``HANG`` calls that queued are abandoned after
exactly ``q_time`` seconds; hang-ups in the phone menu (no queue time) and
``PHANTOM`` calls are skipped and counted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.tickets import TicketLog, check_rows, tidy
from sim.files.errors import InputError

BANK_COLUMNS = ("vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry",
                "vru_exit", "vru_time", "q_start", "q_exit", "q_time", "outcome", "ser_start",
                "ser_exit", "ser_time", "server")
ACKNOWLEDGEMENT = ("Anonymous Bank call-centre data: Service Enterprise Engineering Lab (SEE Lab), "
                   "Technion - Israel Institute of Technology; Guedj & Mandelbaum (2000).")


def is_bank_header(line: str) -> bool:
    """Whether a file's first line is the bank log's header."""
    return line.startswith("vru+line") and "\t" in line


def read_bank(path: str | Path) -> TicketLog:
    """Read one month of the bank log into a :class:`TicketLog`."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, sep="\t", dtype=str, on_bad_lines="skip", engine="c",
                          encoding="latin-1")
    except FileNotFoundError:
        raise InputError(str(path), "", "file not found") from None
    except Exception as exc:  # noqa: BLE001
        raise InputError(str(path), "", f"cannot read the table ({exc})") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    for name in BANK_COLUMNS:
        if name not in raw.columns:
            raise InputError(str(path), name, "required column missing (bank log format)")
    if raw.empty:
        raise InputError(str(path), "", "no call rows (only a header)")
    outcome_word = raw["outcome"].str.strip()
    q_time = pd.to_numeric(raw["q_time"], errors="coerce")
    date = pd.to_datetime(raw["date"].str.strip(), format="%y%m%d", errors="coerce")

    def clock(name: str) -> pd.Series:
        return pd.to_timedelta(raw[name].str.strip(), errors="coerce")

    ticket_time = date + clock("vru_exit")
    outcome = outcome_word.map({"AGENT": "served", "HANG": "abandoned"})
    wait = q_time / 60.0
    service = pd.to_numeric(raw["ser_time"], errors="coerce").where(outcome == "served") / 60.0
    server = raw["server"].str.strip().where(outcome == "served", "")
    frame = tidy(raw["type"], raw["type"], server, ticket_time, wait, service,
                 outcome.fillna("cancelled"), path.name)
    log = TicketLog(frame, files=(str(path),), credits=(ACKNOWLEDGEMENT,))
    log.skip_reasons(np.select(
        [(outcome_word == "PHANTOM").to_numpy(),
         outcome.isna().to_numpy(),
         ((outcome_word == "HANG") & ~(q_time > 0)).to_numpy(),
         ((outcome_word == "AGENT") & server.isin(["", "NO_SERVER"])).to_numpy()],
        ["phantom call (PHANTOM)", "unknown outcome word",
         "hung up in the phone menu (never queued)", "served without an agent name"],
        default=""))
    check_rows(log)
    if not len(log):
        raise InputError(str(path), "", "no usable call row")
    return log
