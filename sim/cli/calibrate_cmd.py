"""``hallsim calibrate`` and ``hallsim backtest``: from a ticket log to a scenario, and
back to the log's days to check it (docs/calibration.md)."""

from __future__ import annotations

import argparse

from sim.cli.args import (
    EXIT_OK,
    input_file,
    nonneg_int,
    output_file,
    output_folder,
    positive_float,
    positive_int,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` and ``backtest`` verbs."""
    cal = sub.add_parser("calibrate", help="estimate a scenario from queue-system ticket logs",
                         description="Read ticket logs (hall export CSV/XLSX, hallsim records, "
                                     "the Anonymous Bank log) and write a scenario whose every "
                                     "estimated field carries its basis as a comment.")
    cal.add_argument("logs", nargs="+", type=input_file("LOG"), metavar="LOG",
                     help="ticket log files")
    cal.add_argument("--out", required=True, type=output_file("--out"), metavar="SCENARIO.yaml",
                     help="scenario to write")
    cal.add_argument("--report", type=output_folder("--report"), metavar="DIR",
                     help="write an HTML calibration report here")
    cal.add_argument("--mapping", type=input_file("--mapping"), metavar="MAP.yaml",
                     help="column names and status words of a vendor's export")
    cal.add_argument("--resolution", type=positive_int, default=30,
                     help="minutes per arrival-profile and schedule step (default 30)")
    cal.add_argument("--short-service", type=positive_float, default=10.0, metavar="SECONDS",
                     help="services shorter than this are left out (default 10 s)")
    cal.add_argument("--target", type=positive_float, default=20.0, metavar="MINUTES",
                     help="targets.wait_minutes of the scenario (default 20)")
    cal.add_argument("--name", default=None, help="scenario name (default: from the first log)")
    cal.add_argument("--patience-family", choices=("auto", "exponential", "gamma", "lognormal"),
                     default="auto",
                     help="patience distribution: chosen by a likelihood-ratio test (auto, "
                          "default) or imposed (see docs/calibration.md on checking the choice "
                          "by an in-sample backtest)")
    cal.add_argument("--no-turnaround", action="store_true",
                     help="fit services as logged, without the window turnaround estimated "
                          "from the log")
    cal.add_argument("--layout", metavar="SCENARIO.yaml",
                     help="a scenario of this hall whose layout turns walking on: its mean "
                          "walk from the seats to a window is taken off the turnaround (the "
                          "model walks it instead; docs/layout.md)")
    cal.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    cal.set_defaults(handler=cmd_calibrate)

    bt = sub.add_parser("backtest", help="simulate a log's days and compare with the log",
                        description="Simulate the days of logs the scenario was not fitted on "
                                    "and set predicted beside observed waits, P(wait > target), "
                                    "abandonment and tickets served, per hour and item.")
    bt.add_argument("scenario", type=input_file("SCENARIO"),
                    help="scenario YAML (e.g. from hallsim calibrate)")
    bt.add_argument("logs", nargs="+", type=input_file("LOG"), metavar="LOG",
                    help="ticket log files")
    bt.add_argument("--json", required=True, type=output_file("--json"), metavar="OUT",
                    help="write the comparison here")
    bt.add_argument("--report", type=output_folder("--report"), metavar="DIR",
                    help="write an HTML backtest report here")
    bt.add_argument("--arrivals", choices=("log", "model"), default="log",
                    help="replay the log's tickets (default) or draw them from the scenario")
    bt.add_argument("--staffing", choices=("scenario", "log"), default="scenario",
                    help="staff every day with the scenario's schedule (default) or with each "
                         "day's windows on duty inferred from the log (needs --arrivals log)")
    bt.add_argument("--mapping", type=input_file("--mapping"), metavar="MAP.yaml",
                    help="as for calibrate")
    bt.add_argument("--short-service", type=positive_float, default=10.0, metavar="SECONDS",
                    help="as for calibrate (default 10 s)")
    bt.add_argument("--replications", "-r", type=positive_int, default=20,
                    help="replications (default 20)")
    bt.add_argument("--seed", type=nonneg_int, default=1, help="master seed (default 1)")
    bt.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    bt.set_defaults(handler=cmd_backtest)


def _layout_walk(path: str | None) -> tuple[float, dict | None]:
    """The mean walk to the window of the scenario at ``path`` and its ``layout`` section
    (0 and None without one)."""
    if path is None:
        return 0.0, None
    from sim.files.errors import InputError
    from sim.scenario.layout import mean_walk_to_window
    from sim.scenario.model import load_scenario
    from sim.stats.load import ticket_segments

    scenario = load_scenario(path)
    if scenario.layout is None or not scenario.layout.walking_on:
        raise InputError(path, "layout.walking", "--layout needs a scenario whose layout "
                                                 "turns walking on (layout.walking)")
    calls = {c: sum((e - s) * r for s, e, r in segs) / 60.0  # a day, as sim.stats.load counts
             for c, segs in ticket_segments(scenario).items()}
    layout = scenario.layout.model_dump(mode="json", exclude_none=True)
    return mean_walk_to_window(scenario, calls), layout


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``hallsim calibrate``."""
    from pathlib import Path

    from sim.calibration.calibrate import Options, calibrate, write_scenario
    from sim.calibration.hall_export import load_mapping
    from sim.calibration.readers import read_logs
    mapping = load_mapping(args.mapping)
    walk, layout = _layout_walk(args.layout)  # a bad --layout exits before the logs are read
    log = read_logs(args.logs, mapping)
    name = args.name or f"calibrated from {Path(args.logs[0]).stem}"
    cal = calibrate(log, Options(resolution=args.resolution,
                                 short_service_seconds=args.short_service,
                                 target_minutes=args.target, name=name,
                                 patience_family=args.patience_family,
                                 turnaround=not args.no_turnaround,
                                 walk_minutes=walk))
    layout_note = cal.attach_layout(layout, args.layout) if layout is not None else ""
    write_scenario(cal, args.out)
    if args.report:
        from sim.report.calibration import calibration_report

        calibration_report(cal, args.report)
    if not args.quiet:
        from sim.report.calibration_text import log_summary, note
        from sim.report.i18n import language, tr

        for line in log_summary(log.summary_lines()):
            print(line)
        print(tr("{items} items, {groups} window groups ({windows} windows); scenario written "
                 "to {path}").format(items=len(cal.items), groups=len(cal.groups),
                                     windows=sum(len(g.windows) for g in cal.groups),
                                     path=args.out))
        if layout_note:
            print(layout_note[0].upper() + layout_note[1:] if language() == "en"
                  else note(layout_note))
    return EXIT_OK


def cmd_backtest(args: argparse.Namespace) -> int:
    """``hallsim backtest``."""
    from sim.calibration.backtest import backtest
    from sim.calibration.calibrate import Options
    from sim.calibration.hall_export import load_mapping
    from sim.calibration.readers import read_logs
    from sim.files.atomic import write_json_atomic
    from sim.scenario.model import load_scenario

    scenario = load_scenario(args.scenario)
    log = read_logs(args.logs, load_mapping(args.mapping))
    doc = backtest(scenario, log, arrivals=args.arrivals, replications=args.replications,
                   seed=args.seed, staffing=args.staffing,
                   options=Options(short_service_seconds=args.short_service,
                                   target_minutes=scenario.targets.wait_minutes))
    write_json_atomic(args.json, doc)
    if args.report:
        from sim.report.calibration import backtest_report

        backtest_report(doc, args.report)
    if not args.quiet:
        from sim.report.calibration_text import log_summary
        from sim.report.i18n import tr

        # the rows left out, as calibrate says them: a log whose items the scenario does not
        # have loses those tickets (and the errors are of the rest)
        for line in log_summary(log.summary_lines()):
            print(line)
        e, b = doc["errors"], doc["baseline_erlang_a"]["errors"]
        nf = e["noise_floor"]
        points = tr(" points")
        print(tr("{days} days, {tickets} tickets; hourly mean-wait MAPE {mape} (Erlang A "
                 "baseline {baseline_mape}), abandonment MAE {mae} (baseline "
                 "{baseline_mae})").format(
            days=doc["days"], tickets=f"{doc['rows']['kept']:,}",
            mape=_fig(e["wait_mape"], " %", 1), baseline_mape=_fig(b["wait_mape"], " %", 1),
            mae=_fig(e["abandon_mae_points"], points),
            baseline_mae=_fig(b["abandon_mae_points"], "")))
        print(tr("noise floor (a model without error, {replications} replications): MAPE "
                 "{mape}, abandonment MAE {mae}").format(
            replications=nf["replications"], mape=_fig(nf["wait_mape"], " %", 1),
            mae=_fig(nf["abandon_mae_points"], points)))
        out = doc["outside_band"]
        if out["hours"] or out["items"]:
            print(tr("observed outside the simulated 95% band: hours {hours}; items "
                     "{items}").format(hours=", ".join(out["hours"]),
                                       items=", ".join(out["items"])))
    return EXIT_OK


def _fig(x: float | None, unit: str, digits: int = 2) -> str:
    """A figure of the backtest document for the terminal (``n/a`` where undefined)."""
    from sim.report.i18n import tr

    return tr("n/a") if x is None else f"{x:.{digits}f}{unit}"
