"""Read ticket logs of any supported format into one tidy :class:`TicketLog`.

The format is recognised from the file: ``.parquet`` is hallsim records;
``.xlsx`` a hall export; a text file by its header line (the bank log's
``vru+line``, hallsim records' ``category,...,outcome``, else a hall export).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.calibration.bank import is_bank_header, read_bank
from sim.calibration.hall_export import Mapping, detect_encoding, read_hall_export
from sim.calibration.records_log import is_records_header, read_records_log
from sim.calibration.tickets import TicketLog, check_far_dates, combine
from sim.files.errors import InputError
from sim.files.reading import check_input_file


def log_format(path: Path) -> str:
    """``bank``, ``records`` or ``hall`` for a log file."""
    check_input_file(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "records"
    if suffix in (".xlsx", ".xlsm"):
        return "hall"
    with open(check_input_file(path), "rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise InputError(str(path), "", "the file is empty")
    first = head.split(b"\n", 1)[0].decode("latin-1")
    if is_bank_header(first):
        return "bank"
    if is_records_header(first):
        return "records"
    detect_encoding(path)  # fails early, naming the file, on an unreadable encoding
    return "hall"


def read_log(path: str | Path, mapping: Mapping | None = None) -> TicketLog:
    """Read one log file of any supported format."""
    path = Path(path)
    kind = log_format(path)
    if kind == "bank":
        return read_bank(path)
    if kind == "records":
        return read_records_log(path)
    return read_hall_export(path, mapping)


def read_logs(paths: Sequence[str | Path], mapping: Mapping | None = None) -> TicketLog:
    """Read and stack several log files (sorted by ticket time); tickets dated far from
    the rest of the log are skipped, or the log refused (:func:`check_far_dates`)."""
    if not paths:
        raise InputError("", "", "no log file given")
    log = combine([read_log(p, mapping) for p in paths])
    # the ticket time's column in the user's terms (a hall export's; the other formats'
    # dates are made by the reader or the bank's and cannot lie far apart)
    check_far_dates(log, (mapping or Mapping()).column("ticket_time"))
    return log
