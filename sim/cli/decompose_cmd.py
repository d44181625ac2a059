"""The ``hallsim decompose`` verb (registered by :mod:`sim.cli.main`)::

    hallsim decompose BASE.yaml --change NAME=PATCH.yaml [--change ...]
                      [--replications R] [--seed N] [--days D] [--metric M ...]
                      [--json OUT] [--figure OUT.png] [--store STORE] [-j N] [--quiet]

Splits the effect of a reform (the base plus every change) between its changes:
Shapley values per replication on common random numbers, with Student-t 95 %
intervals over the paired replications, and the interaction terms of the full
factorial (docs/decompose.md). Runs on the batch layer: with ``--store`` an
interrupted decomposition resumes where it stopped.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.cli.args import (
    EXIT_OK,
    FIGURE_SUFFIXES,
    add_engine_option,
    input_file,
    named_input_file,
    nonneg_int,
    output_file,
    positive_int,
    replications,
)

#: metric drawn in the waterfall when no --metric is given
FIGURE_METRIC = "overall.wait_mean"


def register(sub: Any) -> None:
    """Add the ``decompose`` verb to the ``hallsim`` subparsers."""
    p = sub.add_parser(
        "decompose", help="split a reform's effect between its changes (Shapley, CRN)",
        description="Run every combination of the changes (2^k scenarios, common random "
                    "numbers) and attribute the total effect on each metric to each change "
                    "(Shapley values per replication, 95%% CIs), with the interaction terms "
                    "of the full factorial. A patch is a partial scenario merged into the "
                    "base (docs/decompose.md).")
    p.add_argument("base", type=input_file("BASE"), help="base scenario YAML file")
    p.add_argument("--change", "-c", action="append", required=True, metavar="NAME=PATCH.yaml",
                   type=named_input_file("--change"),
                   help="a named change: a partial scenario merged into the base (repeat; "
                        "applied in the order given)")
    p.add_argument("--replications", "-r", type=replications, default=10,
                   help="paired replications per combination (default 10)")
    p.add_argument("--seed", type=nonneg_int, default=1, help="master seed (default 1)")
    p.add_argument("--days", type=positive_int, default=None,
                   help="days per replication (default: the base's hall.days)")
    p.add_argument("--permutations", type=positive_int, default=None,
                   help="random orders (each with its reverse) of a sampled design, used "
                        "above 6 changes (default 16)")
    p.add_argument("--metric", "-m", action="append", metavar="METRIC",
                   help="metric to decompose by dotted path, e.g. overall.wait_mean or "
                        "by_category.不动产登记.wait_mean; '*' matches any key (repeatable; "
                        "default: mean wait, P(wait > target), abandonment, visits per case, "
                        "lead time, time in hall, window-hours, where produced)")
    p.add_argument("--json", metavar="OUT", type=output_file("--json"),
                   help="write the decomposition document here")
    p.add_argument("--figure", metavar="OUT.png", type=output_file("--figure", FIGURE_SUFFIXES),
                   help="write a waterfall figure here (.png, "
                        ".svg or .pdf)")
    p.add_argument("--store", metavar="STORE", type=output_file("--store"),
                   help="results store (SQLite) to record runs in and resume from "
                        "(default: a temporary one)")
    p.add_argument("--workers", "-j", type=nonneg_int, default=1,
                   help="local worker processes (0 = all cores; default 1); results do not "
                        "depend on it")
    p.add_argument("--quiet", "-q", action="store_true", help="no table, no progress bar")
    add_engine_option(p)
    p.set_defaults(handler=cmd_decompose)


def cmd_decompose(args: argparse.Namespace) -> int:
    """``hallsim decompose``."""
    from sim.batch.decompose import (
        DEFAULT_PERMUTATIONS,
        TOTALS,
        check_metric_paths,
        load_change,
        plan_decomposition,
        run_decomposition,
    )
    from sim.batch.executors import make_executor
    from sim.cli.batch_cmd import check_metric_names
    from sim.cli.progress import bar_name, progress_bar
    from sim.files.atomic import write_json_atomic

    check_metric_names([m for m in args.metric or [] if m not in TOTALS])
    changes = [load_change(path.given_name, path) for path in args.change]
    plan = plan_decomposition(args.base, changes, args.replications, seed=args.seed,
                              days=args.days,
                              permutations=args.permutations or DEFAULT_PERMUTATIONS)
    check_metric_paths(plan, args.metric)  # the items it names: before any run
    exp = plan.experiment
    if not args.quiet:
        from sim.report.i18n import tr

        print(tr("decompose {name}: {k} changes, {combinations} combinations ({design} "
                 "design) x {replications} replications = {runs} runs").format(
            name=plan.base_name, k=plan.k, combinations=len(plan.masks), design=tr(plan.design),
            replications=exp.replications, runs=exp.runs), file=sys.stderr)
    executor = make_executor(workers=args.workers or None, inline=args.workers == 1)
    with executor, tempfile.TemporaryDirectory(prefix="hallsim-decompose-") as tmp:
        store = args.store or str(Path(tmp) / "store.sqlite")
        with progress_bar(exp.runs, bar_name("decompose"), "run", args.quiet, leave=False) as bar:
            doc = run_decomposition(plan, store, executor, metrics=args.metric,
                                    progress=bar.update)
    left_out = [m for m in args.metric or [] if "*" not in m and m not in doc["metrics"]]
    if left_out:
        from sim.report.i18n import tr
        from sim.report.messages import warning_text

        print(warning_text(tr("left out, undefined in the base scenario's runs: {metrics}")
                           .format(metrics=", ".join(left_out))), file=sys.stderr)
    if args.json:
        write_json_atomic(args.json, doc)
    if args.figure:
        metrics = [m for m in (args.metric or []) if m in doc["metrics"]]
        metric = metrics[0] if metrics else (
            FIGURE_METRIC if FIGURE_METRIC in doc["metrics"] else next(iter(doc["metrics"])))
        save_waterfall(doc, metric, args.figure)
    if not args.quiet:
        print(decomposition_table(doc))
    return EXIT_OK


def _pm(metric: str, entry: Mapping[str, Any], sign: bool = False) -> str:
    """A level or an effect of ``metric`` in its display unit, ``± half-width``."""
    from sim.report.tables import fmt_metric

    return fmt_metric(metric, entry["mean"], entry.get("ci"), digits=2, sign=sign)


def _scale_key(metric: str) -> str:
    """The registry key whose display scale ``metric`` takes."""
    from sim.batch.decompose import TOTALS

    return TOTALS.get(metric, metric)


def _share(share: float | None) -> Any:
    """A share of the total effect in whole percent ("32%"; "0%", never "-0%"), ``-``
    where it is undefined (the total is nil)."""
    from sim.report.tables import Figure, fmt

    if fmt(share) == "-":
        return Figure()
    assert share is not None
    percent = 100 * share
    return Figure(f"{0.0 if round(percent) == 0 else percent:.0f}%", percent, unit="%")


def decomposition_rows(doc: Mapping[str, Any], metric: str) -> tuple[str, list[list[str]]]:
    """The unit and the rows of ``metric``'s table (in the language in use): base, after
    all changes, total effect and each change's Shapley value with its share, its effect
    alone and the interactions, each ``mean ± 95% CI``."""
    from sim.report.i18n import tr, tr_unit
    from sim.report.tables import Figure, fmt

    d = doc["metrics"][metric]
    key = _scale_key(metric)
    blank = Figure("")  # no share: a cell a spreadsheet leaves empty
    shares = list(d["shapley_share"].values())
    total = d["total_effect"]["mean"]
    # a share of a nil total is undefined: "-" for the total as for each change
    defined = any(fmt(x) != "-" for x in shares) if shares else \
        fmt(total) != "-" and total != 0
    rows = [[tr("base"), _pm(key, d["base"]), blank],
            [tr("all changes"), _pm(key, d["all_changes"]), blank],
            [tr("total effect"), _pm(key, d["total_effect"], sign=True),
             _share(1.0 if defined else None)]]
    for name, entry in d["shapley"].items():
        rows.append(["  " + tr("Shapley {name}").format(name=name),
                     _pm(key, entry, sign=True), _share(d["shapley_share"][name])])
    for name, entry in d.get("alone", {}).items():
        rows.append(["  " + tr("alone {name}").format(name=name),
                     _pm(key, entry, sign=True), blank])
    for name, entry in d.get("interactions", {}).items():
        rows.append(["  " + tr("interaction {name}").format(name=name),
                     _pm(key, entry, sign=True), blank])
    unit = tr("%; effects in percentage points") if d["unit"] == "%" else tr_unit(d["unit"])
    return unit, rows


def decomposition_table(doc: Mapping[str, Any]) -> str:
    """The terminal table: per metric, base, after, total and each change's share (headings
    in the language in use)."""
    from sim.report.i18n import tr, with_unit
    from sim.report.tables import text_table

    lines = [tr("decomposition of {base} ({design} design, {combinations} combinations x "
                "{replications} replications, seed {seed}; 95% CIs over paired replications)")
             .format(base=doc["base"], design=tr(doc["design"]),
                     combinations=doc["combinations"], replications=doc["replications"],
                     seed=doc["seed"])]
    for metric in doc["metrics"]:
        unit, rows = decomposition_rows(doc, metric)
        title = with_unit(f"{metric_title(doc, metric)} [{metric}]", unit)
        lines.append("\n" + text_table(["", tr("mean ± 95% CI"), tr("share")], rows,
                                        title=title))
    return "\n".join(lines)


def metric_title(doc: Mapping[str, Any], metric: str) -> str:
    """The name of a decomposed ``metric`` of ``doc`` in the language in use (the table's
    heading, the waterfall's title, the page's metric picker)
    (:func:`sim.batch.decompose.metric_label`); a metric the registry does not define
    (a document of another version) by the document's label."""
    from sim.batch.decompose import TOTALS, metric_label
    from sim.report.i18n import metric_name, tr
    from sim.stats.registry import METRICS

    if TOTALS.get(metric, metric.rsplit(".", 1)[-1]) not in METRICS:
        return tr(str(doc["metrics"][metric]["label"]))
    return metric_label(metric, metric_name, tr)


_BETTER, _WORSE, _NEUTRAL = "tab:green", "tab:red", "tab:blue"


def _colour(step: float, direction: str | None) -> str:
    """Green for a step that improves the metric (by the registry's direction), red
    for one that worsens it, blue where neither direction is better."""
    if direction is None or step == 0:
        return _NEUTRAL
    return _BETTER if (step < 0) == (direction == "lower") else _WORSE


def waterfall(doc: Mapping[str, Any], metric: str, ax: Any = None) -> Any:
    """Waterfall of one metric: base, each change's Shapley value (with its 95 % CI), after.

    Returns the matplotlib figure. Chinese change names render through the
    report's CJK fonts when available.
    """
    import matplotlib.pyplot as plt

    try:
        from sim.report.fonts import use_cjk_fonts

        use_cjk_fonts()
    except ImportError:  # pragma: no cover - older report package
        pass
    from sim.report.i18n import tr, tr_unit, with_unit
    from sim.stats.registry import display

    d = doc["metrics"][metric]
    scale = display(_scale_key(metric), 1.0) or 1.0
    names = list(d["shapley"])
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.6 + 1.3 * (len(names) + 2), 4.2))
    else:
        fig = ax.figure
    base, after = d["base"]["mean"] * scale, d["all_changes"]["mean"] * scale
    level = base
    tops = [base, after]
    ax.bar(0, base, color="0.55")
    for j, name in enumerate(names, start=1):
        step = d["shapley"][name]["mean"] * scale
        half = d["shapley"][name]["ci"] * scale
        ax.bar(j, step, bottom=level, color=_colour(step, d.get("direction")))
        ax.errorbar(j, level + step, yerr=0 if math.isnan(half) else half, color="k",
                    capsize=4, lw=1)
        ax.plot([j - 1.4, j + 0.4], [level, level], color="0.3", lw=0.6, ls=":")
        level += step
        tops += [level, level - step]
    ax.bar(len(names) + 1, after, color="0.3")
    low, high = min(0.0, *tops), max(0.0, *tops)
    ax.set_ylim(low - 0.08 * (high - low) * (low < 0), high + 0.08 * (high - low))
    ax.set_xticks(range(len(names) + 2), [tr("base"), *names, tr("all changes")])
    unit = d["unit"]
    label = metric_title(doc, metric)
    ax.set_ylabel(with_unit(label, tr_unit(unit) if unit else ""))
    ax.set_title(tr("{metric}: Shapley attribution, 95% CI over {n} paired replications")
                 .format(metric=label, n=d["replications_used"]), fontsize=9)
    fig.tight_layout()
    return fig


def save_waterfall(doc: Mapping[str, Any], metric: str, out: str) -> None:
    """Write :func:`waterfall` of ``metric`` to ``out`` atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.files.atomic import atomic_path

    fig = waterfall(doc, metric)
    with atomic_path(Path(out)) as tmp:
        fig.savefig(tmp, dpi=130, format=Path(out).suffix.lstrip(".").lower())
    plt.close(fig)


__all__: Sequence[str] = ["register", "cmd_decompose", "decomposition_table", "metric_title",
                          "waterfall",
                          "save_waterfall"]
