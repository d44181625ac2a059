"""A staffing plan for a coming period: what ``hallsim forecast`` reads.

One row per hour of day, optionally per weekday and per item (CSV in UTF-8 or
GBK/GB18030, or XLSX, read as the log readers read a hall export). Columns
(English or Chinese header; case and spaces ignored):

- ``hour`` (小时, 时段): hour of day, ``9``, ``09:00`` or ``09:00-10:00``;
- ``weekday`` (星期), optional: ``mon`` ... ``sun``, ``周一`` ... ``周日``;
- ``item`` (事项, 取号事项), optional: the scenario's item name;
- ``tickets`` (取号量, 取号数): expected tickets taken in that hour of one day;
- ``mean_service`` (平均办理时间), optional: mean service time as logged, minutes;
- ``windows`` (窗口数), optional: windows on duty in the hour;
- ``clerks_seen`` (办理人员数, 在岗人员数), optional: distinct clerks seen serving in the hour;
- ``windows G1`` (窗口数 G1), optional: windows on duty of one window group.

Every bad cell is an :class:`InputError` naming the file, the row (the file's line,
the header being row 1) and the column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.hall_export import read_table
from sim.files.errors import InputError
from sim.files.limits import MAX_DURATION, MAX_RATE, MAX_WINDOWS
from sim.scenario.calendar import WEEKDAYS

HEADERS: dict[str, tuple[str, ...]] = {
    "hour": ("hour", "小时", "时段", "时间段"),
    "weekday": ("weekday", "星期", "周"),
    "item": ("item", "事项", "取号事项", "业务"),
    "tickets": ("tickets", "取号量", "取号数", "来件量"),
    "mean_service": ("mean_service", "平均办理时间", "平均办理时长"),
    "windows": ("windows", "窗口数", "开放窗口数"),
    "clerks_seen": ("clerks_seen", "办理人员数", "在岗人员数", "工作人员数"),
}
GROUP_PREFIXES = ("windows ", "窗口数 ")

_CN_DAYS = "一二三四五六日"
#: an hour of day: 9, 09:00 or 09:00-10:00 (a span of exactly that hour)
_HOUR = re.compile(r"^(\d{1,2})(?::00)?(?:\s*-\s*(\d{1,2}):00)?$")


def headed(plan: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A plan's columns under their headers in ``lang``: the field names (``en``) or
    the first Chinese header of each (``zh``: 小时, 取号量, ...), as :func:`read_plan`
    reads them back."""
    if lang != "zh":
        return plan
    return plan.rename(columns={k: v[1] for k, v in HEADERS.items()})


@dataclass
class Plan:
    """A read plan: one row per (weekday, hour, item) with NaN where a figure is not given.

    ``rows`` columns: ``row`` (the file's line), ``hour``, ``weekday`` (0-6 or -1),
    ``item`` (``""`` for all items), ``tickets``, ``mean_service``, ``windows``,
    ``clerks_seen`` and ``group:<id>`` per group column.
    """

    path: str
    rows: pd.DataFrame
    columns: dict[str, str]  # field -> header as written (for messages)

    @property
    def groups(self) -> list[str]:
        """The window groups given their own column."""
        return [c.split(":", 1)[1] for c in self.rows.columns if c.startswith("group:")]

    def has(self, name: str) -> bool:
        """Whether the plan gives a field (a column with at least one value)."""
        return name in self.rows and bool(self.rows[name].notna().any())


def _norm(text: str) -> str:
    return " ".join(str(text).strip().lower().replace("_", " ").split())


def _field_of(header: str) -> tuple[str, str] | None:
    """``(field, group)`` for a header, or None when unknown."""
    h = _norm(header)
    for name, names in HEADERS.items():
        if h in {_norm(n) for n in names}:
            return name, ""
    for prefix in GROUP_PREFIXES:
        if h.startswith(_norm(prefix) + " ") or h.startswith(prefix.strip()):
            group = str(header).strip()[len(prefix.strip()):].strip()
            if group:
                return "group", group
    return None


def _weekday(text: str) -> int | None:
    t = str(text).strip().lower()
    if t[:3] in WEEKDAYS:
        return WEEKDAYS.index(t[:3])
    for prefix in ("星期", "周", "礼拜"):
        if t.startswith(prefix) and len(t) == len(prefix) + 1:
            c = t[-1].replace("天", "日")
            if c in _CN_DAYS:
                return _CN_DAYS.index(c)
    return None


#: the most a plan's cell may hold, by field (the scenario's own limits: an hour's tickets
#: are its rate per hour, staff any number of windows the hall may have)
PLAN_LIMITS = {"tickets": MAX_RATE, "mean_service": MAX_DURATION, "windows": MAX_WINDOWS,
               "clerks_seen": MAX_WINDOWS, "group": MAX_WINDOWS}


def read_plan(path: str | Path) -> Plan:
    """Read and check a plan's cells (not yet against a scenario: see
    :func:`sim.calibration.forecast.forecast`)."""
    path = Path(path)
    raw = read_table(path)
    if raw.empty:
        raise InputError(str(path), "", "the plan has no row (only a header)")
    fields: dict[str, str] = {}
    groups: dict[str, str] = {}
    for col in raw.columns:
        found = _field_of(col)
        if found is None:
            known = ", ".join(h[0] for h in HEADERS.values())
            raise InputError(str(path), f"column {col}",
                             f"unknown column (known: {known}, 'windows <group>'; Chinese "
                             "headers as in docs/calibration.md)")
        name, group = found
        if name == "group":
            groups[group] = str(col)
        elif name in fields:
            raise InputError(str(path), f"column {col}",
                             f"a second column for {name} (first: '{fields[name]}')")
        else:
            fields[name] = str(col)
    for need in ("hour", "tickets"):
        if need not in fields:
            raise InputError(str(path), need, f"required column missing ({need} or "
                                              f"{' / '.join(HEADERS[need][1:])})")
    if "windows" in fields and "clerks_seen" in fields:
        raise InputError(str(path), f"column {fields['clerks_seen']}",
                         "give staff either as windows or as clerks seen, not both")
    if groups and ("windows" in fields or "clerks_seen" in fields):
        raise InputError(str(path), f"column {next(iter(groups.values()))}",
                         "give staff either per group or as one total, not both")
    out = pd.DataFrame({"row": np.arange(len(raw)) + 2})

    def where(k: int, name: str) -> str:
        return f"row {k + 2}, column {name}"

    hours = []
    for k, v in enumerate(raw[fields["hour"]]):
        m = _HOUR.match(str(v).strip()) if pd.notna(v) else None
        if m is None or int(m.group(1)) > 23 or (  # 09:00-12:00 is three hours, not one
                m.group(2) is not None and int(m.group(2)) != int(m.group(1)) + 1):
            raise InputError(str(path), where(k, fields["hour"]),
                             f"{v!r} is not an hour of day (0-23, '09:00' or '09:00-10:00')")
        hours.append(int(m.group(1)))
    out["hour"] = hours
    out["weekday"] = -1
    if "weekday" in fields:
        days = []
        for k, v in enumerate(raw[fields["weekday"]]):
            w = _weekday(v) if pd.notna(v) else None
            if w is None:
                raise InputError(str(path), where(k, fields["weekday"]),
                                 f"{v!r} is not a weekday (mon ... sun, 周一 ... 周日)")
            days.append(w)
        out["weekday"] = days
    out["item"] = (raw[fields["item"]].fillna("").astype(str).str.strip()
                   if "item" in fields else "")
    numeric = [(n, n, n != "tickets") for n in ("tickets", "mean_service", "windows",
                                                  "clerks_seen") if n in fields]
    numeric += [(f"group:{g}", c, True) for g, c in groups.items()]
    for name, _, optional in numeric:
        header = fields.get(name, groups.get(name.split(":", 1)[-1], name))
        col = raw[header]
        values = pd.to_numeric(col, errors="coerce")
        for k, (text, x) in enumerate(zip(col, values)):
            blank = pd.isna(text) or str(text).strip() == ""
            if blank and optional:
                continue
            if blank or not math.isfinite(x):
                raise InputError(str(path), where(k, header), f"{text!r} is not a number")
            if x < 0:
                raise InputError(str(path), where(k, header), f"negative value {x:g}")
            if x == 0 and name == "mean_service":
                raise InputError(str(path), where(k, header),
                                 "a mean service of 0 minutes: give the hour's mean service, "
                                 "or leave the cell empty to keep the calibrated one")
            limit = PLAN_LIMITS[name.split(":", 1)[0]]
            if x > limit:  # a typo (1e12) refused here, not as the forecast's rates
                raise InputError(str(path), where(k, header),
                                 f"{x:g} is out of range: at most {limit:g} (see 'Limits' in "
                                 "docs/scenario-format.md)")
        out[name] = values.to_numpy(dtype=float)
    key = out[["weekday", "hour", "item"]]
    dup = key.duplicated()
    if dup.any():
        k = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(str(path), f"row {k + 2}",
                         "a second row for the same hour" + (", weekday" if "weekday" in fields
                                                              else "")
                         + (" and item" if "item" in fields else ""))
    if "item" in fields:  # a total and items for one hour: which one holds?
        total = out["item"] == ""
        both = (total.groupby([out["weekday"], out["hour"]]).transform("nunique") > 1)
        if both.any():
            k = int(np.flatnonzero(both.to_numpy())[-1])
            raise InputError(str(path), f"row {k + 2}",
                             "a row for all items and rows for single items in the same "
                             "hour: give the hour either as one total or item by item")
    return Plan(str(path), out, {**fields, **{f"group:{g}": c for g, c in groups.items()}})
