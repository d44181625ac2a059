"""Results tables as an XLSX workbook and a CSV file (open in WPS and Excel without
mojibake), with numbers stored as numbers.

The tables are the command line's (:func:`sim.report.tables.summary_blocks`: overall,
by item, by window group), the hourly table of the page and, for a comparison, its
difference tables (:mod:`sim.report.plan_tables` for an optimiser's plan), with headings
in the language in use (Chinese under ``zh``). The page shows a figure as one cell,
``1.5 ±0.4``; a spreadsheet gets the figure and the 95 % half-width in numeric columns
of their own (:func:`numeric_table`), so that they
can be summed and charted. The numbers are the results document's own, unrounded, in
the display unit (percent for shares): each table cell is a
:class:`~sim.report.tables.Figure`, the printed text and the value it was made
from. XLSX stores text as Unicode; the CSV is UTF-8 with a byte order mark, which
Excel needs to read Chinese.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from sim.files.atomic import atomic_path
from sim.report.tables import Figure

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")

Table = tuple[str, list[str], list[list[Any]]]


def _without_remark(text: str) -> str:
    """``text`` without its closing remark in brackets ("（每次重复 5 天的均值 ± 95% 置信区间）",
    "(mean over replications of 5 day(s) ± 95% CI)"; brackets inside it included)."""
    text = text.rstrip()
    if not text.endswith((")", "）")):
        return text
    depth = 0
    for k in range(len(text) - 1, -1, -1):
        depth += text[k] in ")）"
        depth -= text[k] in "(（"
        if depth == 0:
            return text[:k].rstrip() or text
    return text


def _sheet_title(text: str, taken: set[str], short: dict[str, str] | None = None) -> str:
    """A sheet name (at most 31 characters, Excel's limit, unique in ``taken``) that keeps
    what tells the tables apart: the title without its closing remark in brackets, each
    scenario named by its short name (``short``: full -> short), and of a long title its
    start and its end ("…ai-pooled-31 对…，事项 company_setup": which comparison, which
    item)."""
    base = _BAD_SHEET.sub(" ", _without_remark(text)).strip()
    for name in sorted(short or {}, key=len, reverse=True):
        base = base.replace(name, (short or {})[name])
    if len(base) > 28:
        base = base[:13].rstrip() + "…" + base[-14:].lstrip()
    base = base or "sheet"
    title, k = base, 1
    while title in taken:
        k += 1
        title = f"{base[:25]} {k}"
    taken.add(title)
    return title


def _scenario_names(doc: dict[str, Any]) -> dict[str, str]:
    """A comparison's scenario names and their short forms (what tells them apart,
    :func:`sim.report.tables.short_names`), for its sheet names; empty otherwise."""
    from sim.report.tables import short_names

    names = list(doc.get("scenarios") or {}) if "differences" in doc else []
    shown = short_names(names, 12) if names else None
    return dict(zip(names, shown)) if shown else {}


def tables_of(doc: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """``(title, headings, rows)`` of every table of a results document, comparison or
    optimiser's plan (:func:`sim.report.plan_tables.plan_blocks`), cells as the page shows
    them."""
    from sim.report.plan_tables import is_plan, plan_blocks
    from sim.report.tables import summary_blocks
    from sim.web.hours import hour_rows

    if is_plan(doc):
        return list(plan_blocks(doc).values())
    from sim.web.effects import effects_block, is_decomposition

    if is_decomposition(doc):
        return [effects_block(doc, metric) for metric in doc["metrics"]]
    from sim.report.html import is_backtest

    if is_backtest(doc):
        from sim.report.calibration import backtest_blocks

        return backtest_blocks(doc)
    if "differences" in doc:
        from sim.web.differences import comparison_blocks

        out = []
        for label, d in doc["scenarios"].items():
            out += [(f"{label} {title}", h, r) for title, h, r in summary_blocks(d)]
        return out + [block for _, block in comparison_blocks(doc)]
    from sim.report.i18n import tr

    heads, cells = hour_rows(doc)
    return [*summary_blocks(doc), (tr("By hour"), heads, cells)]


def _clean(x: float | None) -> float | None:
    """``x`` to 12 significant digits: a share shown in percent is the document's figure
    times 100, whose binary noise (``4.7536000000000005``) a spreadsheet would print."""
    return None if x is None else float(f"{x:.12g}")


def _number(f: Figure) -> float | int | None:
    """A figure's value for a spreadsheet: a count printed without decimals stays whole
    (11, not 11.0), anything else as :func:`_clean`."""
    x = _clean(f.value)
    return int(x) if x is not None and x.is_integer() and "." not in f else x


#: the end of a heading saying its cells carry a 95 % CI ("差值 ± 95% 置信区间")
_PLUS_MINUS_CI = re.compile(r"\s*±\s*95\s*%\s*(?:CI|置信区间)\s*$")


def numeric_table(title: str, heads: list[str], cells: list[list[str]]) -> Table:
    """A table with every figure as a number: a column of :class:`~sim.report.tables.Figure`
    cells becomes the figure's exact value and, where the figures carry one, its 95 %
    half-width, and a unit printed in the cells (``pp``) moves to a column of its own;
    names, hours and yes/no stay text."""
    from sim.report.i18n import tr

    columns: list[tuple[list[str], list[list[Any]]]] = []
    for k, head in enumerate(heads):
        texts = [row[k] if k < len(row) else "" for row in cells]
        if k == 0 or not all(isinstance(t, Figure) for t in texts):
            columns.append(([head], [[str(t)] for t in texts]))
            continue
        figures = [t for t in texts if isinstance(t, Figure)]
        half = any(f.half is not None for f in figures)
        unit = any(f.unit for f in figures)
        if half:  # "difference ± 95% CI" heads the difference alone, its ± beside it
            head = _PLUS_MINUS_CI.sub("", head) or head
        names = [head] + [tr("{heading}: ± 95% CI half-width").format(heading=head)] * half \
            + [tr("{heading}: unit").format(heading=head)] * unit
        columns.append((names, [[_number(f)] + [_clean(f.half)] * half + [f.unit] * unit
                                for f in figures]))
    out_heads = [h for names, _ in columns for h in names]
    out_rows = [[x for _, col in columns for x in col[r]] for r in range(len(cells))]
    return title, out_heads, out_rows


def numeric_tables(doc: dict[str, Any]) -> list[Table]:
    """Every table of ``doc`` (:func:`tables_of`) with its figures as numbers."""
    return [numeric_table(*t) for t in tables_of(doc)]


def write_xlsx(doc: dict[str, Any], out: str | Path) -> Path:
    """Write the tables of ``doc`` as one sheet each (atomically); returns the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    short = _scenario_names(doc)
    for title, heads, cells in numeric_tables(doc):
        sheet = book.create_sheet(_sheet_title(title, taken, short))
        sheet.append([title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(heads)
        for c in sheet[2]:
            c.font = Font(bold=True)
        for row in cells:
            sheet.append(row)
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in list(column)[1:]) if cells else 10
            sheet.column_dimensions[column[0].column_letter].width = min(60, 2 * width + 2)
    with atomic_path(out) as tmp:
        book.save(tmp)
    return Path(out)


def write_csv(doc: dict[str, Any], out: str | Path) -> Path:
    """Write the tables of ``doc`` one below the other (title, headings, rows, an empty
    line) as UTF-8 with a byte order mark (atomically); returns the path."""
    with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        for title, heads, cells in numeric_tables(doc):
            writer.writerows([[title], heads, *cells, []])
    return Path(out)
