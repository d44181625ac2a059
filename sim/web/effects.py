"""The tables of an effect decomposition (``hallsim decompose --json``), as the decompose
tab and the export show them: each metric's rows as the command line prints them
(:func:`sim.cli.decompose_cmd.decomposition_rows`) under the metric's name and unit."""

from __future__ import annotations

from typing import Any

from sim.report.i18n import tr


def metric_title(doc: dict[str, Any], metric: str) -> str:
    """A decomposed metric's label in the language in use ("平均等待"; the metric picker
    and the waterfall's title), as the command line's table names it
    (:func:`sim.cli.decompose_cmd.metric_title`); the key (``overall.wait_mean``) is
    the option's value."""
    from sim.cli.decompose_cmd import metric_title as title

    return title(doc, metric)


def effects_block(doc: dict[str, Any], metric: str) -> tuple[str, list[str], list[list[Any]]]:
    """``(title, headings, rows)`` of ``metric``'s effects: base, all changes, total
    effect, each change's Shapley value with its share, alone and interactions."""
    from sim.cli.decompose_cmd import decomposition_rows
    from sim.report.i18n import with_unit

    unit, rows = decomposition_rows(doc, metric)
    return (with_unit(metric_title(doc, metric), unit), ["", tr("mean ± 95% CI"), tr("share")],
            [[r[0].strip(), *r[1:]] for r in rows])


def is_decomposition(doc: Any) -> bool:
    """Whether a document is an effect decomposition (``hallsim decompose --json``)."""
    return isinstance(doc, dict) and "changes" in doc and "metrics" in doc
