"""The floor-plan verbs (registered by :mod:`sim.cli.main`)::

    hallsim plan-view SCENARIO [--results R.json] [--colour-by FIGURE] --out hall.svg
    hallsim replay SCENARIO --records R.csv [--duty D.csv] [--day D] [--replication N]
                   --out day.html

``plan-view`` draws the hall's floor plan (the scenario's ``layout``, else the automatic
one) as an SVG, windows coloured by a figure of a results document
(:mod:`sim.report.floorplan`). ``replay`` writes one self-contained HTML file that
plays a simulated day from a records file (:mod:`sim.report.replay`). docs/layout.md.
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.args import EXIT_OK, input_file, nonneg_int, output_file


def register(sub: Any) -> None:
    """Add the ``plan-view`` and ``replay`` verbs to the ``hallsim`` subparsers (the floor
    plan's modules are imported by the handlers: building the parser stays cheap)."""
    p = sub.add_parser("plan-view", help="draw the hall's floor plan as SVG",
                       description="Draw the floor plan of a scenario (its 'layout', else an "
                                   "automatic one from its zones) as an SVG, windows coloured "
                                   "by a figure of a results document (docs/layout.md).")
    p.add_argument("scenario", type=input_file("SCENARIO"), help="scenario YAML file")
    p.add_argument("--results", metavar="R.json", type=input_file("--results"),
                   help="results document (hallsim run --json) to colour the windows by")
    p.add_argument("--colour-by", "--color-by", dest="colour_by", default="utilisation",
                   metavar="FIGURE",
                   help="figure to colour by: a window group's utilisation or served tickets, "
                        "or its zone's mean wait (default utilisation)")
    p.add_argument("--out", required=True, metavar="OUT.svg",
                   type=output_file("--out", (".svg",)),
                   help="SVG file to write (the name must end in .svg)")
    p.set_defaults(handler=cmd_plan_view)

    r = sub.add_parser("replay", help="write an HTML replay of a simulated day",
                       description="Write one self-contained, offline HTML file that replays "
                                   "a day of a records file (hallsim run --records) on the "
                                   "hall's floor plan: tickets as dots waiting, walking and "
                                   "at their window, with play, speed and a time slider.")
    r.add_argument("scenario", type=input_file("SCENARIO"),
                   help="scenario YAML file the records came from")
    r.add_argument("--records", required=True, metavar="R.csv", type=input_file("--records"),
                   help="records file (.csv, .csv.gz or .parquet)")
    r.add_argument("--duty", metavar="D.csv", type=input_file("--duty"), default=None,
                   help="the windows' on-duty intervals of the same run (hallsim run --duty): "
                        "windows off duty (not staffed, or on a break) are drawn so")
    r.add_argument("--day", type=nonneg_int, default=0,
                   help="day to replay (0-based, as the records' 'day' column; default 0; "
                        "the page shows it counted from 1: --day 0 is Day 1)")
    r.add_argument("--replication", type=nonneg_int, default=None,
                   help="replication to replay when the records hold several (default: the "
                        "first)")
    r.add_argument("--out", required=True, metavar="OUT.html",
                   type=output_file("--out", (".html", ".htm")),
                   help="HTML file to write")
    r.set_defaults(handler=cmd_replay)


def read_results(path: str) -> dict[str, Any]:
    """A results document (``hallsim run --json``); :class:`InputError` if unreadable."""
    from sim.files.reading import read_json
    from sim.report.document import check_results

    data = read_json(path, "the results document", "--results")
    check_results(data, path, option="--results")
    return data


def cmd_plan_view(args: argparse.Namespace) -> int:
    """``hallsim plan-view``."""
    from sim.files.atomic import write_text_atomic
    from sim.files.errors import InputError
    from sim.report.floorplan import COLOUR_BY, floorplan_svg
    from sim.scenario.model import load_scenario

    if args.colour_by not in COLOUR_BY:
        raise InputError("", "--colour-by", f"unknown figure '{args.colour_by}' (choose one "
                                            f"of {', '.join(COLOUR_BY)})")
    scenario = load_scenario(args.scenario)
    doc = read_results(args.results) if args.results else None
    try:
        svg = floorplan_svg(scenario, doc, args.colour_by)
    except InputError as exc:
        raise InputError(args.results or "", exc.path, exc.problem) from None
    write_text_atomic(args.out, svg)
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    """``hallsim replay``."""
    from sim.files.atomic import write_text_atomic
    from sim.report.replay import day_of_duty, day_of_records, replay_html
    from sim.scenario.model import load_scenario

    scenario = load_scenario(args.scenario)
    day = day_of_records(args.records, args.day, args.replication)
    duty = (day_of_duty(args.duty, args.day, args.replication) if args.duty is not None
            else None)
    write_text_atomic(args.out, replay_html(scenario, day, duty))
    return EXIT_OK
