"""An HTML page of the reports: headings, notes, tables and figures saved beside it,
written atomically with the CJK font stack and the font subset its text needs.

One page template serves every report (``hallsim report``, the calibration and
backtest reports), so that Chinese item, department and window names read the
same everywhere (docs/reports.md).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.fonts import CSS_FONT_STACK, WEB_FAMILY, needs_cjk, write_font_subset
from sim.report.i18n import language
from sim.report.tables import cell

#: file name of the CJK font subset written beside ``index.html``
FONT_FILE = "cjk-subset.otf"

_CSS = """
body{font-family:%(stack)s;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;
     margin-top:2em}h3{font-size:1.05em;margin-top:1.4em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
img{max-width:100%%;margin:.5em 0;border:1px solid #eee}
.note{color:#555;font-size:.9em}.meta td{text-align:left}
.sig{font-weight:bold;color:#b00}
"""


class Page:
    """Accumulates HTML and saves figures beside it."""

    def __init__(self, out: Path, svg: bool) -> None:
        self.out = out
        self.svg = svg
        self.parts: list[str] = []
        self.files: list[Path] = []
        self.names: set[str] = set()  # figure file names taken (folded to lower case)

    def add(self, text: str) -> None:
        """Append raw HTML."""
        self.parts.append(text)

    def h2(self, text: str) -> None:
        """Append a section heading."""
        self.add(f"<h2>{html.escape(text)}</h2>")

    def h3(self, text: str) -> None:
        """Append a sub-section heading."""
        self.add(f"<h3>{html.escape(text)}</h3>")

    def note(self, text: str) -> None:
        """Append a note paragraph."""
        self.add(f'<p class="note">{html.escape(text)}</p>')

    def figure(self, fig: Any, name: str, alt: str) -> None:
        """Save a figure as PNG (and SVG if asked) beside the page and show it. A
        ``name`` already taken on this page gets a number (two scenarios whose names
        differ only where a file name cannot: "大厅 A" and "大厅_A")."""
        from sim.files.atomic import atomic_path

        unique, k = name, 1
        while unique.lower() in self.names:  # lower: a case-blind file system
            k += 1
            unique = f"{name}_{k}"
        self.names.add(unique.lower())
        png = self.out / f"{unique}.png"
        with atomic_path(png) as tmp:
            fig.savefig(tmp, format="png")
        self.files.append(png)
        if self.svg:
            svg = self.out / f"{unique}.svg"
            with atomic_path(svg) as tmp:
                fig.savefig(tmp, format="svg")
            self.files.append(svg)
        self.add(f'<img src="{html.escape(png.name)}" alt="{html.escape(alt)}">')

    def rows(self, headers: Sequence[str], rows: Sequence[Sequence[Any]],
             raw: bool = False) -> None:
        """Append a table; cells are escaped text unless ``raw`` (trusted HTML)."""
        cell = (lambda v: str(v)) if raw else (lambda v: html.escape(str(v)))
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                       for row in rows)
        self.add(f"<table><tr>{head}</tr>{body}</table>")

    def table(self, frame: pd.DataFrame, headings: Mapping[str, str] | None = None) -> None:
        """Append a table of a DataFrame, cells by :func:`sim.report.tables.cell` (the
        terminal's), ``headings`` naming columns (others by name)."""
        self.rows([(headings or {}).get(str(c), str(c)) for c in frame.columns],
                  [[cell(v) for v in row] for row in frame.itertuples(index=False)])

    def write(self, title: str) -> Path:
        """Write ``index.html`` atomically (with the CJK font subset it needs) and
        return its path."""
        from sim.files.atomic import write_text_atomic

        body = f"<h1>{html.escape(title)}</h1>" + "\n".join(self.parts)
        face = ""
        if write_font_subset(needs_cjk([title, body]), self.out / FONT_FILE):
            face = (f'@font-face{{font-family:"{WEB_FAMILY}";src:local("Noto Sans CJK SC"),'
                    f'url("{FONT_FILE}") format("opentype")}}')
        lang = "zh-CN" if language() == "zh" else "en"
        doc = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
               f"<title>{html.escape(title)}</title>"
               f"<style>{face}{_CSS % {'stack': CSS_FONT_STACK}}</style></head><body>"
               f"{body}</body></html>\n")
        index = self.out / "index.html"
        write_text_atomic(index, doc)
        return index
