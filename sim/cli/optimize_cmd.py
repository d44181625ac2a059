"""Command-line verbs ``hallsim optimize`` and ``hallsim consolidate``.

``sim.cli.main`` imports this module to build its parser and calls :func:`register`;
heavy modules (PuLP, matplotlib, the engine) are imported inside the handlers.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from sim.cli.args import (
    EXIT_OK,
    add_engine_option,
    input_file,
    nonneg_float,
    nonneg_int,
    output_file,
    period_minutes,
    positive_float,
    positive_int,
)
from sim.files.errors import InputError

#: ``hallsim optimize --certify``: the plan did not pass certification
EXIT_NOT_CERTIFIED = 3
#: ``hallsim optimize``: the time limit ran out before the solver found any plan
EXIT_TIME_LIMIT = 4

OPTIMIZE_EPILOG = """exit codes:
  0  a plan (status optimal, feasible or certified)
  1  an unexpected error
  2  bad input, or status infeasible (no plan meets the service level: the message
     names the periods and items)
  3  status not_certified (--certify: the plan still falls short in simulation after
     --max-iterations re-solves; the short cells are listed)
  4  status time_limit (the time limit ran out before the solver found any plan;
     feasibility is not known: raise --time-limit or allow a --gap)"""


def register(subparsers: Any) -> None:
    """Add the ``optimize`` and ``consolidate`` verbs to ``hallsim``'s subparsers."""
    opt = subparsers.add_parser(
        "optimize", help="least-cost window staffing per period (MILP), optionally certified",
        description="Size cross-authorised window staffing per period at least cost so that "
                    "every item meets its service level (spec: docs/optimize.md); with "
                    "--certify, simulate the plan and add cuts until it passes.",
        epilog=OPTIMIZE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    opt.add_argument("scenario", type=input_file("SCENARIO"),
                     help="scenario YAML file (may hold an optimize: section)")
    opt.add_argument("--spec", type=input_file("--spec"),
                     help="optimisation spec YAML (instead of the optimize: section)")
    opt.add_argument("--structure", help="override the spec's window types: one or more of "
                                         "dedicated,chain,zone,full,auto (comma-separated)")
    opt.add_argument("--certify", action="store_true",
                     help="certify the plan by simulation (heuristic cuts, then a final "
                          "check on fresh seeds; exit 3 when not certified)")
    opt.add_argument("--replications", "-r", type=positive_int, default=None,
                     help="replications per certification run (default: spec, 10)")
    opt.add_argument("--seed", type=nonneg_int, default=None,
                     help="seed of certification runs (default: spec, 1)")
    opt.add_argument("--max-iterations", type=positive_int, default=None,
                     help="most re-solves in certification (default: spec, 8)")
    opt.add_argument("--criterion", choices=("lcb", "mean"), default=None,
                     help="certification: a cell passes when the one-sided 95%% lower "
                          "confidence bound of its service level meets the target (lcb, "
                          "default), or its point estimate does (mean)")
    opt.add_argument("--period-minutes", type=period_minutes, default=None,
                     help="length of staffing periods (default: spec, 30)")
    opt.add_argument("--solver", choices=("cbc", "highs"), default=None,
                     help="MILP solver (default: spec, cbc)")
    opt.add_argument("--time-limit", type=positive_float, default=None,
                     help="solver time limit in seconds (default: spec, 120)")
    opt.add_argument("--gap", type=nonneg_float, default=None,
                     help="relative optimality gap (default: spec, 0)")
    opt.add_argument("--lp", metavar="FILE", type=output_file("--lp"),
                     help="write the MILP in LP format here")
    opt.add_argument("--out", metavar="PLAN.yaml", type=output_file("--out"),
                     help="write the plan (YAML) here")
    opt.add_argument("--json", metavar="PLAN.json", type=output_file("--json"),
                     help="write the plan (JSON) here")
    opt.add_argument("--scenario-out", metavar="STAFFED.yaml", type=output_file("--scenario-out"),
                     help="write the staffed hall as a runnable scenario here")
    opt.add_argument("--workers", "-j", type=nonneg_int, default=1,
                     help="worker processes for certification runs (0 = all cores)")
    opt.add_argument("--quiet", "-q", action="store_true", help="no table")
    add_engine_option(opt)
    opt.set_defaults(handler=cmd_optimize)

    con = subparsers.add_parser(
        "consolidate", help="compare dedicated, chain, zone and full window structures",
        description="Waits at today's headcount redistributed over each structure's windows "
                    "(paired CIs against dedicated), the least cost meeting the service "
                    "level, and a speed sweep of chain against full.")
    con.add_argument("scenario", type=input_file("SCENARIO"),
                     help="scenario YAML file (may hold an optimize: section)")
    con.add_argument("--spec", type=input_file("--spec"), help="optimisation spec YAML")
    con.add_argument("--structures", default="dedicated,chain,zone,full",
                     help="comma-separated structures (default: dedicated,chain,zone,full)")
    con.add_argument("--slowdowns", default="1.0,1.1,1.2,1.3,1.4,1.5",
                     help="cross-authorised service-time factors for the speed sweep")
    con.add_argument("--certify", action="store_true", help="certify each least-cost plan")
    con.add_argument("--replications", "-r", type=positive_int, default=20,
                     help="replications per simulation (default 20)")
    con.add_argument("--seed", type=nonneg_int, default=1, help="master seed (default 1)")
    con.add_argument("--workers", "-j", type=nonneg_int, default=1,
                     help="worker processes (0 = all cores)")
    con.add_argument("--json", metavar="OUT", type=output_file("--json"),
                     help="write the study (JSON) here")
    con.add_argument("--figure", metavar="OUT.png", type=output_file("--figure", (".png",)),
                     help="write a figure (PNG) here")
    con.add_argument("--quiet", "-q", action="store_true", help="no table")
    add_engine_option(con)
    con.set_defaults(handler=cmd_consolidate)


#: the consolidation study's stages as it reports them (optimize/consolidate.py) and the
#: catalogue's template of each
_STAGES = (
    (re.compile(r"(?P<structure>.+): simulating today's headcount"),
     "{structure}: simulating today's headcount"),
    (re.compile(r"(?P<structure>.+): optimising"), "{structure}: optimising"),
    (re.compile(r"speed sweep: slowdown (?P<factor>\S+)"), "speed sweep: slowdown {factor}"),
)


def stage_text(message: str) -> str:
    """A stage of the consolidation study (the progress bar's note) in the language in use;
    English as reported."""
    from sim.report.i18n import language, tr

    if language() == "en":
        return message
    for pattern, template in _STAGES:
        m = pattern.fullmatch(message)
        if m:
            return tr(template).format(**m.groupdict())
    return message


def _spec_overrides(spec: Any, args: argparse.Namespace) -> Any:
    update: dict[str, Any] = {}
    if getattr(args, "period_minutes", None):
        update["period_minutes"] = args.period_minutes
    solver = {k: v for k, v in (("name", getattr(args, "solver", None)),
                                ("time_limit", getattr(args, "time_limit", None)),
                                ("gap", getattr(args, "gap", None))) if v is not None}
    if solver:
        update["solver"] = spec.solver.model_copy(update=solver)
    cert = {k: v for k, v in (("replications", getattr(args, "replications", None)),
                              ("seed", getattr(args, "seed", None)),
                              ("max_iterations", getattr(args, "max_iterations", None)),
                              ("criterion", getattr(args, "criterion", None)))
            if v is not None}
    if cert:
        merged = spec.certify.model_copy(update=cert)
        if merged.criterion == "lcb" and merged.replications < 2:
            raise InputError("", "--replications", "the lcb criterion needs at least 2 "
                             "replications (a confidence bound needs their spread): raise "
                             "--replications or use --criterion mean")
        update["certify"] = merged
    structure = getattr(args, "structure", None)
    if structure:
        names = tuple(s.strip() for s in structure.split(",") if s.strip())
        bad = [s for s in names if s not in ("dedicated", "chain", "zone", "full", "auto")]
        if bad or not names:
            raise InputError("", "--structure", f"unknown structure(s) {bad or structure!r} "
                             "(choose from dedicated, chain, zone, full, auto)")
        update["structure"] = names
        update["types"] = None
    return spec.model_copy(update=update) if update else spec


def _check_solver(name: str) -> None:
    if name == "highs":
        import pulp

        if not pulp.HiGHS(msg=False).available():
            raise InputError("", "--solver", "the HiGHS solver needs the highspy package "
                                             "(pip install highspy)")


def iteration_text(rec: dict[str, Any]) -> str:
    """One certification iteration as the command line reports it (in the language in
    use): kind, replications, cost, cells short and the worst of them."""
    from sim.report.i18n import tr, tr_in

    pilot = (tr("pilot {n} + ").format(n=rec["pilot_replications"])
             if rec.get("pilot_replications") else "")
    worst = (tr(", worst {item} at {period} short by {short}").format(
        item=rec["worst"]["item"], period=rec["worst"]["period"],
        short=f"{rec['worst_shortfall']:.2g}")
        if rec["cells_short"] else tr(", every cell meets its target"))
    return tr("  iteration {iteration} ({kind}, {pilot}{replications} replications): cost "
              "{cost}, {short} cells short{worst}").format(
        iteration=rec["iteration"], kind=tr_in("iteration", rec["kind"]), pilot=pilot,
        replications=rec["replications"], cost=f"{rec['cost']:.2f}",
        short=rec["cells_short"], worst=worst)


def cmd_optimize(args: argparse.Namespace) -> int:
    """``hallsim optimize``: solve (and certify) a staffing plan and write it."""
    import yaml

    from optimize.certify import certify
    from optimize.plan import plan_document, staffed_header, staffed_scenario
    from optimize.problem import build_problem
    from optimize.solve import solve
    from optimize.spec import load_inputs
    from sim.files.atomic import write_json_atomic, write_text_atomic
    from sim.report.i18n import tr
    from sim.report.staffing_plan import level_text, plan_table, shortfall_text
    from sim.scenario.model import dump_scenario

    scenario, spec = load_inputs(args.scenario, args.spec)
    spec = _spec_overrides(spec, args)
    _check_solver(spec.solver.name)
    problem = build_problem(scenario, spec)
    progress = None if args.quiet else (
        lambda rec: print(iteration_text(rec), file=sys.stderr))
    if args.certify:
        cert = certify(problem, workers=args.workers, report=progress)
        solution = cert.solution
        doc = plan_document(problem, solution, cert.status, cert.service_level,
                            cert.iterations, cert.short_cells)
    else:
        solution = solve(problem, lp_path=args.lp)
        doc = plan_document(problem, solution)
    if args.certify and args.lp:
        from optimize.milp import build_model
        from sim.files.atomic import atomic_path

        with atomic_path(args.lp) as tmp:
            build_model(problem, cert.cuts).lp.writeLP(str(tmp))
    if solution.status == "time_limit":
        if args.json:
            write_json_atomic(args.json, doc)
        print(f"hallsim: {tr('time limit: ')}{solution.diagnosis}", file=sys.stderr)
        return EXIT_TIME_LIMIT
    if solution.cost is None:
        if args.json:
            write_json_atomic(args.json, doc)
        from sim.report.plan_tables import NO_PLAN

        raise InputError(args.scenario, "", f"{NO_PLAN}{solution.diagnosis}")
    from sim.report.plan_tables import structure_labels

    # the structure's types named in the reader's language (全事项综合窗口 under --lang zh)
    staffed = staffed_scenario(problem, solution,
                               labels=structure_labels(t.id for t in problem.types))
    staffed_text = staffed_header(args.scenario, problem, doc) + dump_scenario(staffed)
    if args.json:
        write_json_atomic(args.json, doc)
    if args.out:
        write_text_atomic(args.out, yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    if args.scenario_out:
        write_text_atomic(args.scenario_out, staffed_text)
    if not args.quiet:
        print(plan_table(doc))
    if solution.diagnosis and doc["status"] == "feasible":
        print(f"hallsim: {tr('note: ')}{solution.diagnosis}", file=sys.stderr)
    if doc["status"] == "not_certified":
        cells = tr("; ").join(
            tr("{item} at {period} (bound {bound} against target {target}, short by "
               "{short})").format(item=v["item"], period=v["period"],
                                  bound=level_text(v["bound"], v), target=v["target"],
                                  short=shortfall_text(v))
            for v in doc.get("short_cells", [])[:8])
        print("hallsim: " + tr("not certified: {n} cells short: {cells}").format(
            n=len(doc.get("short_cells", [])), cells=cells), file=sys.stderr)
        return EXIT_NOT_CERTIFIED
    return EXIT_OK


def cmd_consolidate(args: argparse.Namespace) -> int:
    """``hallsim consolidate``: the consolidation study."""
    import math

    from optimize.consolidate import consolidate
    from optimize.spec import STRUCTURES, load_inputs
    from sim.files.atomic import write_json_atomic
    from sim.files.limits import MAX_SPEED
    from sim.report.consolidation import consolidation_figure, consolidation_table

    structures = tuple(s.strip() for s in args.structures.split(",") if s.strip())
    bad = [s for s in structures if s not in STRUCTURES]
    if bad or not structures:
        raise InputError("", "--structures", f"unknown structure(s) {bad or args.structures!r} "
                                             f"(choose from {', '.join(STRUCTURES)})")
    try:
        slowdowns = tuple(float(x) for x in args.slowdowns.split(",") if x.strip())
    except ValueError:
        raise InputError("", "--slowdowns", f"'{args.slowdowns}' is not a list of numbers") \
            from None
    if not slowdowns or not all(math.isfinite(x) and x > 0 for x in slowdowns):
        raise InputError("", "--slowdowns", "give one or more factors above 0")
    if max(slowdowns) > MAX_SPEED:  # a window's speed factor: checked here, not mid-run
        raise InputError("", "--slowdowns", f"{max(slowdowns):g} is out of range: at most "
                                            f"{MAX_SPEED:g} (see 'Limits' in "
                                            "docs/scenario-format.md)")
    scenario, spec = load_inputs(args.scenario, args.spec)
    if args.workers == 0:
        import os

        args.workers = os.cpu_count() or 1
    from optimize.consolidate import stages
    from sim.cli.progress import bar_name, progress_bar

    bar = progress_bar(stages(scenario, spec, structures, slowdowns), bar_name("consolidate"),
                       "stage", args.quiet, leave=False)
    started = [False]

    def say(message: str) -> None:
        if started[0]:
            bar.update(1)
        started[0] = True
        bar.set_postfix_str(stage_text(message))

    try:
        with bar:
            doc = consolidate(scenario, spec, structures, args.replications, args.seed,
                              args.certify, slowdowns, args.workers, say)
            bar.update(bar.total - bar.n)
    except ValueError as exc:
        raise InputError(args.scenario, "windows", str(exc)) from None
    if args.json:
        write_json_atomic(args.json, doc)
    if args.figure:
        consolidation_figure(doc, args.figure)
    if not args.quiet:
        print(consolidation_table(doc))
    return EXIT_OK
