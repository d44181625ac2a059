"""The difference tables of a comparison (``hallsim compare --json``), as the page and the
XLSX show them: the command line's rows (:func:`sim.report.tables.difference_row`), and
the command line's table of the items only one scenario has
(:func:`sim.report.tables.one_sided_block`)."""

from __future__ import annotations

from typing import Any

from sim.report.i18n import tr
from sim.report.tables import difference_row, one_sided_block, wait_target

Block = tuple[str, list[str], list[list[str]]]


def difference_blocks(doc: dict[str, Any]) -> list[Block]:
    """``(title, headings, rows)`` of each candidate's differences against the baseline:
    overall, then each shared item."""
    return [block for blocks in _differences(doc).values() for block in blocks]


def comparison_blocks(doc: dict[str, Any]) -> list[tuple[str, Block]]:
    """Each candidate's tables together, in the order a reader takes them: its overall
    differences, the items only it or the baseline has (``"one-sided"``: their figures,
    unpaired; the overall differences count their tickets), then each shared item's
    differences (``"difference"``). With three scenarios the second candidate's tables
    no longer sit inside the first's."""
    base, docs = doc["baseline"], doc["scenarios"]
    out: list[tuple[str, Block]] = []
    for name, blocks in _differences(doc).items():
        out += [("difference", b) for b in blocks[:1]]
        alone = one_sided_block(base, docs[base], name, docs[name])
        out += [("one-sided", alone)] if alone else []
        out += [("difference", b) for b in blocks[1:]]
    return out


def _differences(doc: dict[str, Any]) -> dict[str, list[Block]]:
    """Each candidate's difference blocks: overall, then each shared item."""
    base, target = doc["baseline"], wait_target(doc)
    out: dict[str, list[Block]] = {}
    for name, diff in doc["differences"].items():
        out[name] = []
        heads = [tr("metric"), base, name, tr("difference ± 95% CI"), tr("significant"),
                 tr("better")]
        how = tr("paired over replications") if diff.get("paired", True) else \
            tr("NOT paired: the scenarios share no category; Welch intervals")
        blocks = [(tr("overall"), diff.get("overall") or {})]
        blocks += [(tr("category {name}").format(name=c), d)
                   for c, d in (diff.get("by_category") or {}).items()]
        for title, block in blocks:
            if block:
                out[name].append((tr("{candidate} vs {baseline}, {block} ({how})").format(
                    candidate=name, baseline=base, block=title, how=how), heads,
                            [difference_row(k, d, base, name, target) for k, d in block.items()]))
    return out
