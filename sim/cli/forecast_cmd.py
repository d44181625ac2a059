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
    p.add_argument("--plan", required=True, type=input_file("--plan"), metavar="PLAN.csv",
                   help="the coming period's hourly plan")
    p.add_argument("--out", required=True, type=output_file("--out"), metavar="NEXT.yaml",
                   help="forecast scenario to write")
    p.add_argument("--name", default=None, help="scenario name (default: the calibrated "
                                                "name and the plan's file name)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(handler=cmd_forecast)


def cmd_forecast(args: argparse.Namespace) -> int:
    """``hallsim forecast``."""
    from sim.calibration.forecast import forecast
    from sim.calibration.plan import read_plan
    from sim.files.atomic import atomic_path

    result = forecast(args.scenario, read_plan(args.plan), args.name)
    with atomic_path(args.out) as tmp:
        tmp.write_text(result.text, encoding="utf-8")
    if not args.quiet:
        for line in result.replaced:
            print(f"replaced: {line}")
        print(f"carried from the calibration: {'; '.join(result.carried)}")
        print(f"scenario written to {args.out}")
    return EXIT_OK
