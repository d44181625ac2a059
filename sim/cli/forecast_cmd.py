"""``hallsim forecast``: a calibrated hall carried to a coming period's plan
(docs/calibration.md, "Forecast")."""

from __future__ import annotations

import argparse

from sim.cli.args import EXIT_OK, input_file, output_file


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``forecast`` verb."""
    p = sub.add_parser("forecast", help="carry a calibrated scenario to next period's plan",
                       description="Replace a calibrated scenario's tickets per hour, mean "
                                   "service and staff by a plan's (CSV/XLSX, one row per hour, "
                                   "optionally per weekday and item; staff as windows or as "
                                   "clerks seen) and write a scenario that runs as is.")
    p.add_argument("scenario", type=input_file("CALIBRATED"), metavar="CALIBRATED.yaml",
                   help="scenario written by hallsim calibrate")
    p.add_argument("--plan", type=input_file("--plan"), metavar="PLAN.csv",
                   help="the coming period's hourly plan")
    p.add_argument("--out", type=output_file("--out"), metavar="NEXT.yaml",
                   help="forecast scenario to write")
    p.add_argument("--template", type=output_file("--template"), metavar="PLAN.csv",
                   help="instead: write the scenario's own hall as a plan to edit (per open "
                        "hour: tickets, mean service as a log shows it, windows on duty; "
                        "Chinese headers with --lang zh; UTF-8 with BOM for Excel)")
    p.add_argument("--name", default=None, help="scenario name (default: the calibrated "
                                                "name and the plan's file name)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(handler=cmd_forecast)


def cmd_forecast(args: argparse.Namespace) -> int:
    """``hallsim forecast``."""
    from sim.calibration.forecast import current_plan, forecast
    from sim.calibration.plan import headed, read_plan
    from sim.files.atomic import atomic_path
    from sim.files.errors import InputError
    from sim.report.i18n import language

    if args.template:
        if args.plan or args.out:
            raise InputError("", "--template", "--template writes a plan to edit: give it "
                                               "alone, or --plan and --out to forecast")
        plan = headed(current_plan(args.scenario), language())
        with atomic_path(args.template) as tmp:
            plan.to_csv(tmp, index=False, encoding="utf-8-sig")
        if not args.quiet:
            from sim.report.i18n import tr

            print(tr("plan of {n} hours written to {plan}: edit it, then hallsim forecast "
                     "{scenario} --plan {plan} --out NEXT.yaml").format(
                n=len(plan), plan=args.template, scenario=args.scenario))
        return EXIT_OK
    if not args.plan or not args.out:
        missing = "--plan" if not args.plan else "--out"
        raise InputError("", missing, "required: --plan PLAN.csv and --out NEXT.yaml (or "
                                      "--template PLAN.csv to write a plan to edit)")
    result = forecast(args.scenario, read_plan(args.plan), args.name)
    with atomic_path(args.out) as tmp:
        tmp.write_text(result.text, encoding="utf-8")
    if args.quiet:
        return EXIT_OK
    if language() == "en":
        for line in result.replaced:
            print(f"replaced: {line}")
        print(f"carried from the calibration: {'; '.join(result.carried)}")
        print(f"scenario written to {args.out}")
    else:  # the web app's summary, in the reader's language
        from sim.report.forecast_text import forecast_summary
        from sim.report.i18n import tr

        print("\n".join(forecast_summary(result.keys, result.hours, args.scenario,
                                         opening=result.opening)))
        print(tr("Scenario written to {path}").format(path=args.out))
    return EXIT_OK
