"""The difference tables of a comparison (``hallsim compare --json``), as the page and the
XLSX show them: the command line's rows (:func:`sim.report.tables.difference_row`), and
the command line's table of the items only one scenario has
(:func:`sim.report.tables.one_sided_block`)."""

from __future__ import annotations

from typing import Any

from sim.report.i18n import tr
from sim.report.tables import difference_row, one_sided_block, wait_target


def difference_blocks(doc: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """``(title, headings, rows)`` of each candidate's differences against the baseline:
    overall, then each shared item."""
    base, target = doc["baseline"], wait_target(doc)
    out = []
    for name, diff in doc["differences"].items():
        heads = [tr("metric"), base, name, tr("difference ± 95% CI"), tr("significant"),
                 tr("better")]
        how = tr("paired over replications") if diff.get("paired", True) else \
            tr("NOT paired: the scenarios share no category; Welch intervals")
        blocks = [(tr("overall"), diff.get("overall") or {})]
        blocks += [(tr("category {name}").format(name=c), d)
                   for c, d in (diff.get("by_category") or {}).items()]
        for title, block in blocks:
            if block:
                out.append((tr("{candidate} vs {baseline}, {block} ({how})").format(
                    candidate=name, baseline=base, block=title, how=how), heads,
                            [difference_row(k, d, base, name, target) for k, d in block.items()]))
    return out


def one_sided_blocks(doc: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """``(title, headings, rows)`` of the items only the baseline or only a candidate
    has, for each candidate that has any: their figures, which cannot be paired."""
    base, docs = doc["baseline"], doc["scenarios"]
    found = [one_sided_block(base, docs[base], name, docs[name]) for name in doc["differences"]]
    return [b for b in found if b]
