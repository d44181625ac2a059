"""The ``hallsim batch`` and ``hallsim report`` verbs (registered by :mod:`sim.cli.main`).

::

    hallsim batch run EXPERIMENT.yaml --store STORE [--workers N]
                      [--scheduler ADDRESS | --cluster local] [--engine E] [--quiet]
    hallsim batch export STORE --out FILE.{csv,parquet} [--table metrics|runs|wide]
    hallsim batch summary STORE [--metric M ...] [--baseline P]
    hallsim batch status STORE
    hallsim report (RESULTS.json | STORE) --out DIR [--records RECORDS] [--svg]

Heavy modules (Dask, matplotlib) are imported inside the handlers.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from sim.cli.args import (
    EXIT_OK,
    add_engine_option,
    input_file,
    nonneg_int,
    output_file,
    output_folder,
)


def register(sub: Any) -> None:
    """Add the ``batch`` and ``report`` verbs to the ``hallsim`` subparsers."""
    batch = sub.add_parser(
        "batch", help="run experiments: many design points x replications, resumable",
        description="Batch experiments (docs/experiments.md): run an experiment file into a "
                    "results store, export the tidy table, summarise it.")
    bsub = batch.add_subparsers(dest="batch_verb", required=True, metavar="{run,export,summary,"
                                                                           "status}")

    run = bsub.add_parser(
        "run", help="run (or resume) an experiment into a store",
        description="Run every (design point, replication) of an experiment and record each "
                    "finished run in STORE. Re-running the same command resumes: runs already "
                    "recorded as ok are skipped. Results do not depend on the executor or the "
                    "number of workers.")
    run.add_argument("experiment", type=input_file("EXPERIMENT"), help="experiment YAML file")
    run.add_argument("--store", required=True, type=output_file("--store"),
                     help="results store (SQLite file; created, or "
                          "resumed if it holds the same experiment)")
    run.add_argument("--workers", "-j", type=nonneg_int, default=0,
                     help="local worker processes, or LocalCluster workers with --cluster local "
                          "(0 = all cores; default 0)")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="send runs to a Dask distributed scheduler (e.g. tcp://host:8786); "
                            "exit 2 if none answers within 5 s")
    where.add_argument("--cluster", choices=["local"],
                       help="start a Dask LocalCluster here and send runs to it")
    where.add_argument("--inline", action="store_true",
                       help="run in this process, one at a time (debugging)")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no summary")
    add_engine_option(run, default=None)  # absent: the experiment file's engine, else auto
    run.set_defaults(handler=cmd_batch_run)

    exp = bsub.add_parser("export", help="write the tidy results table (CSV or Parquet)",
                          description="Write the results of a store as a table.")
    exp.add_argument("store", type=input_file("STORE"), help="results store")
    exp.add_argument("--out", required=True, type=output_file("--out", (".csv", ".parquet")),
                     help="output file, .csv or .parquet")
    exp.add_argument("--table", choices=["metrics", "runs", "wide"], default="metrics",
                     help="metrics: one row per run and metric (tidy, default); runs: one row "
                          "per run with status, error, wall time; wide: one row per run, one "
                          "column per metric")
    exp.set_defaults(handler=cmd_batch_export)

    summ = bsub.add_parser("summary", help="per-point means, paired differences, main effects",
                           description="Print per-point means with 95% CIs, paired "
                                       "differences against a baseline point and main "
                                       "effects of each factor.")
    summ.add_argument("store", type=input_file("STORE"), help="results store")
    summ.add_argument("--metric", "-m", action="append", metavar="METRIC",
                      help="metric to show, e.g. overall.wait_mean or by_category.tax.wait_p90 "
                           "(repeatable; default: overall wait_mean, p_wait_over_target, "
                           "abandon_share, utilisation)")
    summ.add_argument("--baseline", type=nonneg_int, default=None,
                      help="baseline design point number (default: the experiment's)")
    summ.set_defaults(handler=cmd_batch_summary)

    stat = bsub.add_parser("status", help="how many runs are done, failed, left",
                           description="Count the runs of a store by status and list failures.")
    stat.add_argument("store", type=input_file("STORE"), help="results store")
    stat.set_defaults(handler=cmd_batch_status)

    rep = sub.add_parser(
        "report", help="HTML report with figures from a results document or a store",
        description="Write DIR/index.html with PNG figures: waiting-time CDF, wait and queue "
                    "by hour, window utilisation heatmap, abandonment and share over target "
                    "by category, and (for a store) metrics against each factor. Reports read "
                    "results and records; they never run the simulation.")
    rep.add_argument("source", type=input_file("SOURCE"),
                     help="results document (hallsim run/compare --json) or store")
    rep.add_argument("--out", required=True, type=output_folder("--out"), help="output directory")
    rep.add_argument("--records", action="append", type=input_file("--records"), metavar="FILE",
                     help="records of a results document's runs (hallsim run --records: "
                          ".parquet, .csv, .csv.gz) for the waiting-time CDF; repeat, in the "
                          "document's order, for a compare document")
    rep.add_argument("--scenario", action="append", help=argparse.SUPPRESS)
    rep.add_argument("--svg", action="store_true", help="also write SVG figures")
    rep.add_argument("--metric", "-m", action="append", metavar="METRIC",
                     help="metrics plotted against the factors (store only; repeatable)")
    rep.set_defaults(handler=cmd_report)


def cmd_batch_run(args: argparse.Namespace) -> int:
    """``hallsim batch run``."""
    from sim.batch.executors import make_executor
    from sim.batch.experiment import load_experiment

    experiment = load_experiment(args.experiment)
    if args.engine:  # --engine overrides the experiment file's engine
        experiment = dataclasses.replace(experiment, engine=args.engine)
    # the executor first: an unreachable --scheduler is bad input, and no store is made
    executor = make_executor(workers=args.workers or None, scheduler=args.scheduler,
                             cluster=args.cluster, inline=args.inline)
    with executor:  # an interrupt or error ends the workers at once (close(abort=True))
        return _run_into_store(args, experiment, executor)


def _run_into_store(args: argparse.Namespace, experiment: Any, executor: Any) -> int:
    from sim.batch.experiment import run_experiment
    from sim.batch.store import Store
    from sim.cli.progress import progress_bar
    from sim.report.i18n import tr

    with Store.for_experiment(args.store, experiment) as store:
        done = len(store.finished())
        if not args.quiet:
            invalid = sum(p.scenario is None for p in experiment.points)
            print(tr("{name}: {points} design points x {replications} replications = {runs} "
                     "runs ({done} already done{invalid}); hash {hash}").format(
                name=experiment.name, points=len(experiment.points),
                replications=experiment.replications, runs=experiment.runs, done=done,
                invalid=tr(", {n} invalid points").format(n=invalid) if invalid else "",
                hash=experiment.hash[:12]), file=sys.stderr)
        with progress_bar(experiment.runs, experiment.name, "run", args.quiet, initial=done,
                          smoothing=0.1) as bar:
            try:
                report = run_experiment(experiment, store, executor, progress=bar.update)
            except KeyboardInterrupt:
                kept = len(store.finished())
                print("\nhallsim: " + tr(
                    "batch interrupted: {kept} of {runs} runs are finished and kept in "
                    "{store}; run the same command again to resume (finished runs are not "
                    "run again)").format(kept=kept, runs=experiment.runs, store=args.store),
                    file=sys.stderr)
                raise
        counts = store.counts()
    if not args.quiet:
        print(tr("{report}; store {store}: {counts}").format(
            report=_report_line(report), store=args.store, counts=_counts(counts)),
            file=sys.stderr)
    return EXIT_OK


def cmd_batch_export(args: argparse.Namespace) -> int:
    """``hallsim batch export``."""
    from sim.batch.store import Store, export

    with Store.open(args.store) as store:
        n = export(store, args.out, args.table)
    from sim.report.i18n import tr

    print(tr("{path}: {n} rows").format(path=args.out, n=n), file=sys.stderr)
    return EXIT_OK


def cmd_batch_summary(args: argparse.Namespace) -> int:
    """``hallsim batch summary``."""
    from sim.batch.analysis import check_metrics, paired_comparison
    from sim.batch.store import Store
    from sim.files.errors import InputError
    from sim.report.tables import batch_summary

    check_metric_names(args.metric)
    with Store.open(args.store) as store:
        tidy = store.metrics_frame()
        baseline = args.baseline if args.baseline is not None else \
            int(store.meta().get("baseline", 0))
        name = store.meta()["experiment_name"]
    if tidy.empty:
        raise InputError(args.store, "", "the store holds no finished run yet")
    try:
        check_metrics(tidy, args.metric)
    except ValueError as exc:
        raise InputError(args.store, "--metric", f"{exc}; see hallsim batch export") from None
    finished = sorted(set(tidy["point"]))
    if baseline not in finished:
        if args.baseline is not None:
            raise InputError(args.store, "--baseline",
                             f"baseline point {baseline} has no finished run")
        from sim.cli.main import _print_warning

        # the experiment's baseline is invalid or not run yet: the first point that ran
        _print_warning(args.store, "the experiment's baseline point P{baseline} has no "
                                   "finished run: differences against P{first}, the first "
                                   "point that has (choose another with --baseline)",
                       {"baseline": baseline, "first": finished[0]})
        baseline = int(finished[0])
    unpaired = paired_comparison(tidy, baseline, args.metric)
    if len(unpaired) and not unpaired["paired"].all():
        points = sorted(set(unpaired.loc[~unpaired["paired"], "point"]))
        from sim.cli.main import _print_warning

        _print_warning(args.store, "design point(s) {points} share no category with the "
                                   "baseline {baseline}: not paired (Welch intervals)",
                       {"points": ", ".join(f"P{p}" for p in points),
                        "baseline": f"P{baseline}"})
    print(f"{name} ({args.store})\n")
    print(batch_summary(tidy, args.metric, baseline))
    return EXIT_OK


def check_metric_names(metrics: list[str] | None) -> None:
    """Exit 2 (InputError) on a metric name the registry does not know."""
    from sim.files.errors import InputError
    from sim.stats.registry import resolve

    for m in metrics or []:
        try:
            resolve(m)
        except ValueError as exc:
            raise InputError("", "--metric", str(exc)) from None


def cmd_batch_status(args: argparse.Namespace) -> int:
    """``hallsim batch status``."""
    from sim.batch.store import Store

    with Store.open(args.store) as store:
        meta = store.meta()
        counts = store.counts()
        total = len(store.points_frame()) * int(meta["replications"])
        runs = store.runs_frame()
    from sim.report.i18n import tr

    done = sum(counts.values())
    print(tr("{name} (hash {hash}, hallsim {version}): {total} runs, {done} recorded "
             "({counts}), {left} left to run").format(
        name=meta["experiment_name"], hash=meta["experiment_hash"][:12],
        version=meta["hallsim_version"], total=total, done=done, counts=_counts(counts),
        left=total - done))
    bad = runs[runs["status"] != "ok"]
    for rec in bad.head(20).itertuples(index=False):
        print(tr("  P{point} replication {replication}: {status}: {error}").format(
            point=rec.point, replication=rec.replication, status=_status(rec.status),
            error=rec.error))
    if len(bad) > 20:
        print(tr("  ... and {n} more").format(n=len(bad) - 20))
    if len(bad):
        print(tr("A resume (hallsim batch run with the same store) runs these {n} again; an "
                 "invalid design point stays invalid until the experiment changes.").format(
            n=len(bad)))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """``hallsim report``."""
    from sim.files.errors import InputError
    from sim.report.html import write_report

    if args.scenario:
        raise InputError("", "--scenario", "reports no longer run the engine: write the "
                                           "records with hallsim run --records FILE and pass "
                                           "--records FILE (docs/reports.md)")
    check_metric_names(args.metric)
    index = write_report(args.source, args.out, records=args.records or [], svg=args.svg,
                         metrics=args.metric)
    from sim.report.i18n import tr

    print(tr("report written to {path}").format(path=index), file=sys.stderr)
    return EXIT_OK


def _status(status: str) -> str:
    """A run's status in a store ("ok", "failed", "invalid") in the language in use."""
    from sim.report.i18n import tr_in

    return tr_in("run status", status)


def _counts(counts: dict[str, int]) -> str:
    """Runs by status, "100 ok, 2 failed" (in Chinese "成功 100，失败 2")."""
    from sim.report.i18n import language, tr

    if language() == "en":
        return ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    return tr(", ").join(f"{_status(s)} {n}" for s, n in sorted(counts.items()))


def _report_line(report: Any) -> str:
    """The batch's one-line account (:meth:`~sim.batch.experiment.BatchReport.line`) in the
    language in use."""
    from sim.report.i18n import language, tr

    if language() == "en":
        return str(report.line())
    return tr("{total} runs: {skipped} already done, {ran} run now ({failed} failed), "
              "{invalid} on invalid design points; {seconds} s").format(
        total=report.total, skipped=report.skipped, ran=report.ran, failed=report.failed,
        invalid=report.invalid, seconds=f"{report.wall_seconds:.1f}")
