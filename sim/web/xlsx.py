"""Results tables as an XLSX workbook (opens in WPS and Excel without mojibake).

The sheets hold the command line's tables (:func:`sim.report.tables.summary_blocks`:
overall, by item, by window group) and the hourly table of the page, with headings
in the language in use (Chinese under ``zh``); a comparison adds its difference
tables. XLSX stores text as Unicode, so Chinese headers need no encoding choice.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sim.files.atomic import atomic_path

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str, taken: set[str]) -> str:
    base = _BAD_SHEET.sub(" ", text).strip()[:28] or "sheet"
    title, k = base, 1
    while title in taken:
        k += 1
        title = f"{base[:25]} {k}"
    taken.add(title)
    return title


def tables_of(doc: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """``(title, headings, rows)`` of every table of a results document or comparison."""
    from sim.report.tables import summary_blocks
    from sim.web.hours import hour_rows

    if "differences" in doc:
        from sim.web.differences import difference_blocks

        out = []
        for label, d in doc["scenarios"].items():
            out += [(f"{label} {title}", h, r) for title, h, r in summary_blocks(d)]
        return out + difference_blocks(doc)
    from sim.report.i18n import tr

    heads, cells = hour_rows(doc)
    return [*summary_blocks(doc), (tr("By hour"), heads, cells)]


def write_xlsx(doc: dict[str, Any], out: str | Path) -> Path:
    """Write the tables of ``doc`` as one sheet each (atomically); returns the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for title, heads, cells in tables_of(doc):
        sheet = book.create_sheet(_sheet_title(title, taken))
        sheet.append([title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(heads)
        for c in sheet[2]:
            c.font = Font(bold=True)
        for row in cells:
            sheet.append(row)
        for k, column in enumerate(sheet.columns):
            width = max(len(str(c.value or "")) for c in list(column)[1:]) if cells else 10
            sheet.column_dimensions[column[0].column_letter].width = min(60, 2 * width + 2)
            del k
    with atomic_path(out) as tmp:
        book.save(tmp)
    return Path(out)
