"""Reader of a hall queue system's (叫号系统) ticket export with Chinese headers.

Default columns: 排队号 (ticket), 取号事项 (item), 部门 (department), 办理窗口
(window), 窗口办理人员 (clerk), 取号时间 (ticket time), 呼叫时间 (call time), 等待时间
(wait), 办理时间 (service duration), 状态 (status). CSV in UTF-8 (with or without
BOM) or GBK/GB18030, or XLSX. Times are ``YYYY-MM-DD HH:MM:SS`` (``/`` also
accepted) or Excel serial numbers; durations ``HH:MM:SS`` or minutes. Status
words: served 已办结/办结/完成/已完成, called but gone 过号/未到/弃号, cancelled
取消/已取消. A mapping file (:func:`load_mapping`) renames columns and status words
for vendors that differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from sim.calibration.tickets import TicketLog, check_rows, tidy
from sim.files.errors import InputError

DEFAULT_COLUMNS: dict[str, str] = {
    "ticket": "排队号",
    "item": "取号事项",
    "department": "部门",
    "window": "办理窗口",
    "clerk": "窗口办理人员",
    "ticket_time": "取号时间",
    "call_time": "呼叫时间",
    "wait": "等待时间",
    "service": "办理时间",
    "end_time": "结束时间",
    "status": "状态",
}
DEFAULT_STATUS: dict[str, tuple[str, ...]] = {
    "served": ("已办结", "办结", "完成", "已完成"),
    "no_show": ("过号", "未到", "弃号"),
    "cancelled": ("取消", "已取消"),
}
#: fields every export needs; besides them the call time or the wait, and the service
#: duration or the end time (:func:`check_columns`)
REQUIRED = ("item", "ticket_time", "status", "window")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_REASON_FIELD = (("ticket time", "ticket_time"), ("item", "item"), ("call", "call_time"),
                 ("served without a window", "window"), ("served without a service", "service"),
                 ("unknown status", "status"))


class Mapping(BaseModel):
    """Column names and status words of one vendor's export (defaults: the names above)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, str] = {}
    status: dict[str, tuple[str, ...]] = {}

    def column(self, field: str) -> str:
        """The header of a field in the file."""
        return self.columns.get(field, DEFAULT_COLUMNS[field])

    def status_words(self) -> dict[str, str]:
        """Status word -> outcome."""
        words: dict[str, str] = {}
        for outcome, defaults in DEFAULT_STATUS.items():
            for word in self.status.get(outcome, defaults):
                words[word.strip()] = outcome
        return words


def load_mapping(path: str | Path | None) -> Mapping:
    """Read a mapping YAML file (``columns:`` field -> header, ``status:`` outcome -> words)."""
    from sim.files.yaml_reader import read_yaml
    from sim.scenario.model import validation_error_to_input

    if path is None:
        return Mapping()
    data = read_yaml(path)
    if data is None:
        return Mapping()
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        raise validation_error_to_input(exc, str(path), data) from None
    for key in mapping.columns:
        if key not in DEFAULT_COLUMNS:
            raise InputError(str(path), f"columns.{key}",
                             f"unknown field (known: {', '.join(DEFAULT_COLUMNS)})")
    for key in mapping.status:
        if key not in DEFAULT_STATUS:
            raise InputError(str(path), f"status.{key}",
                             f"unknown outcome (known: {', '.join(DEFAULT_STATUS)})")
    return mapping


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` or ``gb18030`` (a superset of GBK); InputError if neither decodes."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise InputError(str(path), "", f"unreadable encoding: neither UTF-8 nor GBK/GB18030 "
                                        f"(bad byte at offset {utf8_error.start})") from None


def read_table(path: Path) -> pd.DataFrame:
    """The raw table of a CSV (any supported encoding) or XLSX file, cells as read."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return pd.read_excel(path, engine="openpyxl", dtype=object)
        return pd.read_csv(path, encoding=detect_encoding(path), dtype=str,
                           skipinitialspace=True, on_bad_lines="skip", engine="c")
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(str(path), "", "file not found") from None
    except pd.errors.EmptyDataError:
        raise InputError(str(path), "", "the file is empty") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
        raise InputError(str(path), "", f"cannot read the table ({exc})") from None


def parse_times(col: pd.Series) -> pd.Series:
    """Timestamps from text (``YYYY-MM-DD HH:MM:SS`` or ``/``), datetimes or Excel serials."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return pd.to_datetime(col, errors="coerce")
    if col.dtype == object:  # datetime cells of a spreadsheet, any year (9999 included)
        col = col.map(lambda v: v.isoformat(sep=" ") if hasattr(v, "isoformat") else v)
    num = pd.to_numeric(col, errors="coerce")
    out = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns]")
    serial = num.notna() & (num > 1) & (num < 200_000)
    if serial.any():
        out[serial] = EXCEL_EPOCH + pd.to_timedelta(np.rint(num[serial] * 86400.0), unit="s")
    rest = ~serial & col.notna()
    if rest.any():
        text = col[rest].astype(str).str.strip().str.replace("/", "-", regex=False)
        # an offset ("…+08:00", "…Z") dropped: the clock time as the log shows it
        text = text.str.replace(r"(?<=\d)(?:Z|[+-]\d{2}:?\d{2})$", "", regex=True)
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        if parsed.dtype != out.dtype:  # a year pandas cannot hold (9999): unreadable
            held = (parsed >= pd.Timestamp.min) & (parsed <= pd.Timestamp.max)
            parsed = parsed.where(held).astype(out.dtype)
        out[rest] = parsed
    return out


def parse_minutes(col: pd.Series) -> pd.Series:
    """Durations in minutes from ``HH:MM:SS`` text, time/timedelta cells, or plain minutes."""
    if pd.api.types.is_timedelta64_dtype(col):
        return col / pd.Timedelta(minutes=1)
    num = pd.to_numeric(col, errors="coerce")
    rest = num.isna() & col.notna()
    if rest.any():
        text = col[rest].astype(str).str.strip()
        num[rest] = pd.to_timedelta(text, errors="coerce") / pd.Timedelta(minutes=1)
    return num.astype(float)


def check_columns(path: str | Path, columns: list[str], mapping: Mapping) -> None:
    """InputError naming the first field ``mapping`` reads from a column the file lacks
    (``columns``: the file's headers, stripped)."""
    have = set(columns)
    for field in REQUIRED:
        if mapping.column(field) not in have:
            raise InputError(str(path), mapping.column(field),
                             f"required column missing (the {field.replace('_', ' ')}; "
                             f"columns found: {', '.join(map(str, columns[:12]))}): name "
                             f"its column (the page's column mapping, or --mapping MAP.yaml)")
    if mapping.column("call_time") not in have and mapping.column("wait") not in have:
        raise InputError(str(path), mapping.column("call_time"),
                         f"required column missing: give the call time or the wait "
                         f"('{mapping.column('wait')}')")
    if mapping.column("service") not in have and mapping.column("end_time") not in have:
        raise InputError(str(path), mapping.column("service"),
                         f"required column missing: give the service duration or the end "
                         f"time ('{mapping.column('end_time')}')")


def read_hall_export(path: str | Path, mapping: Mapping | None = None) -> TicketLog:
    """Read one export file into a :class:`TicketLog` (bad rows skipped and counted)."""
    path = Path(path)
    mapping = mapping or Mapping()
    raw = read_table(path)
    raw.columns = [str(c).strip().lstrip("\ufeff") for c in raw.columns]
    check_columns(path, list(raw.columns), mapping)
    have = set(raw.columns)
    if raw.empty:
        raise InputError(str(path), "", "no ticket rows (only a header)")

    def col(field: str) -> pd.Series | None:
        name = mapping.column(field)
        return raw[name] if name in have else None

    ticket_time = parse_times(raw[mapping.column("ticket_time")])
    call_col = col("call_time")
    wait = pd.Series(np.nan, index=raw.index)
    if call_col is not None:
        call = parse_times(call_col)
        wait = (call - ticket_time) / pd.Timedelta(minutes=1)
    wait_col = col("wait")
    if wait_col is not None:
        wait = wait.fillna(parse_minutes(wait_col))
    words = mapping.status_words()
    status = raw[mapping.column("status")].astype("str").str.strip()
    outcome = status.map(words)
    _check_status_words(path, mapping, status, outcome)
    service = _service(path, raw, mapping, ticket_time, wait, outcome == "served")
    cancelled = outcome == "cancelled"
    wait = wait.where(~cancelled | wait.notna())
    service = service.where(outcome == "served")
    frame = tidy(raw[mapping.column("item")], col("department"), raw[mapping.column("window")],
                 ticket_time, wait, service, outcome.fillna("cancelled"), path.name)
    log = TicketLog(frame, files=(str(path),))
    unknown = outcome.isna().to_numpy()
    if unknown.any():
        examples = ", ".join(sorted(set(status[unknown].head(1000)))[:5])
        log.skip(unknown, f"unknown status word ({examples})")
    check_rows(log)
    if not len(log):
        reasons = "; ".join(f"{n} {r}" for r, n in log.skipped.most_common(3))
        top = log.skipped.most_common(1)[0][0]
        field = next((f for key, f in _REASON_FIELD if top.startswith(key)), "")
        if field == "service" and mapping.column("service") not in have:
            field = "end_time"  # the services came from the end times
        raise InputError(str(path), mapping.column(field) if field else "",
                         f"no usable ticket row ({reasons})")
    return log


#: the largest share of an export's rows whose status no status word covers for the rest
#: to be read (the unknown ones skipped and counted); more, and the export is refused
UNKNOWN_STATUS_SHARE = 0.5


def _check_status_words(path: Path, mapping: Mapping, status: pd.Series,
                        outcome: pd.Series) -> None:
    """InputError naming the status column, its values no status word covers (with their
    rows) and the words in force, when those values leave (almost) nothing to read: most
    rows, or every row a served ticket could be (a vendor's own word for "served", such as
    办理完成, would otherwise leave only its called-but-gone tickets, and the calibration
    would blame the windows)."""
    unknown = outcome.isna()
    n = int(unknown.sum())
    if not n or (n <= UNKNOWN_STATUS_SHARE * len(status) and (outcome == "served").any()):
        return
    counts = status[unknown].replace("", "(empty)").value_counts()
    values = ", ".join(f"'{v}': {c:,}" for v, c in counts.head(5).items())
    if len(counts) > 5:
        values += f", … ({len(counts) - 5:,} more)"
    words = ", ".join(f"{o} {'/'.join(mapping.status.get(o, d))}"
                      for o, d in DEFAULT_STATUS.items())
    raise InputError(str(path), mapping.column("status"),
                     f"{n:,} of {len(status):,} rows have unknown status words ({values}), "
                     "which leaves too few tickets: give the log's words for each outcome "
                     "(the page's status words, or status: in --mapping MAP.yaml; now "
                     f"{words})")


def _service(path: Path, raw: pd.DataFrame, mapping: Mapping, ticket_time: pd.Series,
             wait: pd.Series, served: pd.Series) -> pd.Series:
    """Service minutes: the duration column, else (and where it is empty) the end time
    less the call (ticket time plus wait). A duration column holding clock times is
    refused, naming it, unless an end-time column (another one) gives the service; end
    times that do not read as dates and times are refused likewise, rather than read as
    no service at all."""
    have = set(raw.columns)
    name, end_name = mapping.column("service"), mapping.column("end_time")
    has_end = end_name in have
    service = pd.Series(np.nan, index=raw.index)
    if name in have and name != end_name:
        service = parse_minutes(raw[name])
        given = raw[name].notna() & served
        if given.any() and service[given].isna().mean() > 0.5:
            stamps = parse_times(raw[name][given])
            if stamps.notna().mean() > 0.5:
                if has_end:  # clock times (the start of service, say): the end gives it
                    service[:] = np.nan
                else:
                    example = raw[name][given][stamps.notna()].iloc[0]
                    raise InputError(str(path), name,
                                     f"holds clock times ('{example}'), not durations: give "
                                     "it as the end time (the service is then the end less "
                                     "the call)")
    if has_end:
        end = parse_times(raw[end_name])
        given = raw[end_name].notna() & served & service.isna()
        if given.any() and end[given].isna().mean() > 0.5:
            example = raw[end_name][given].iloc[0]
            raise InputError(str(path), end_name,
                             f"'{example}' is not a date and time: an end time reads "
                             "YYYY-MM-DD HH:MM:SS (or an Excel date)")
        call = ticket_time + pd.to_timedelta(wait, unit="min")
        service = service.fillna((end - call) / pd.Timedelta(minutes=1))
    return service


def describe_columns(mapping: Mapping | None = None) -> dict[str, Any]:
    """The headers in force (for messages and docs)."""
    mapping = mapping or Mapping()
    return {field: mapping.column(field) for field in DEFAULT_COLUMNS}
