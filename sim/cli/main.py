"""The ``hallsim`` command line: ``run``, ``compare`` and ``validate``.

Exit codes (docs/cli.md): 0 success; 2 bad input, with a one-paragraph message
naming the file, the field path and the problem; 1 anything else.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any, NoReturn

from sim.cli.args import (
    EXIT_ERROR,
    EXIT_INPUT,
    EXIT_OK,
    add_engine_option,
    check_paths,
    input_file,
    nonneg_int,
    output_file,
    positive_int,
    replications,
    use_engine_option,
)
from sim.files.errors import InputError
from sim.version import VERSION


class _Parser(argparse.ArgumentParser):
    """hallsim's parsers: errors exit 2, help and errors in the language in use."""

    def error(self, message: str) -> NoReturn:  # argparse exits 2 on usage errors: keep that
        """Print usage and the message; exit 2 (bad input). English: ``hallsim: error:
        MESSAGE`` as ever; Chinese: "hallsim: 错误：MESSAGE" (argparse's words through the
        catalogue, :mod:`sim.cli.parser_text`)."""
        from sim.report.i18n import language, tr

        self.print_usage(sys.stderr)
        lead = "error: " if language() == "en" else tr("error: ")
        self.exit(EXIT_INPUT, f"hallsim: {lead}{message}\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        from sim.cli.parser_text import translating

        return translating(self.formatter_class)(prog=self.prog)


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=nonneg_int, default=1, help="master seed (default 1)")
    p.add_argument("--replications", "-r", type=replications, default=10,
                   help="independent replications (default 10; at most 10,000)")
    p.add_argument("--days", type=positive_int, default=None,
                   help="days per replication (default: the scenario's hall.days); "
                        "fewer than hall.warmup_days + 1 shorten the warm-up, with a warning")
    p.add_argument("--workers", "-j", type=nonneg_int, default=1,
                   help="worker processes for replications (0 = all cores; default 1); "
                        "results do not depend on it")
    p.add_argument("--json", metavar="OUT", type=output_file("--json"),
                   help="write the results document (JSON) here")
    p.add_argument("--quiet", "-q", action="store_true", help="no table, no progress bar")
    add_engine_option(p)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``hallsim`` command."""
    parser = _Parser(prog="hallsim", description="Simulate government service halls.")
    parser.add_argument("--version", action="version", version=f"hallsim {VERSION}")
    parser.add_argument("--lang", metavar="{en,zh}",
                        help="language of tables, reports and figures: en (default) or zh "
                             "(简体中文); also HALLSIM_LANG; may follow the verb")
    sub = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="simulate one scenario and summarise waits",
                         description="Simulate a scenario; print a summary table.")
    run.add_argument("scenario", type=input_file("SCENARIO"), help="scenario YAML file")
    _add_run_options(run)
    run.add_argument("--records", metavar="OUT", type=output_file("--records"),
                     help="write one row per ticket (.csv, .csv.gz or .parquet)")
    run.add_argument("--duty", metavar="OUT", type=output_file("--duty"),
                     help="write one row per interval a window was on duty (.csv, .csv.gz "
                          "or .parquet; hallsim replay --duty draws the rest as off duty)")

    cmp_ = sub.add_parser("compare", help="compare scenarios on the same seeds",
                          description="Run every scenario with the same seeds (common random "
                                      "numbers) and print paired differences against the first.")
    cmp_.add_argument("scenarios", nargs="+", type=input_file("SCENARIO"),
                      help="two or more scenario YAML files; the first "
                           "is the baseline")
    _add_run_options(cmp_)

    val = sub.add_parser("validate", help="check a scenario file and print capacity warnings",
                         description="Validate scenario files; exit 2 on the first bad one.")
    val.add_argument("scenarios", nargs="+", help="scenario YAML files")
    for register in _extension_registrars():
        register(sub)
    return parser


def _extension_registrars():
    """``register(subparsers)`` functions of verbs that live outside ``sim``.

    Each adds its subparsers and sets ``handler`` (a function ``args -> exit code``)
    with ``set_defaults``; modules are imported only to build the parser, and
    must import their heavy dependencies inside their handlers.
    """
    from sim.cli import (
        batch_cmd,
        calibrate_cmd,
        decompose_cmd,
        forecast_cmd,
        layout_cmd,
        optimize_cmd,
        serve_cmd,
    )

    return [optimize_cmd.register, batch_cmd.register, decompose_cmd.register,
            calibrate_cmd.register, forecast_cmd.register, serve_cmd.register,
            layout_cmd.register]


def _load(path: str, days: int | None,
          notes: list[tuple[str, dict[str, str]]] | None = None):
    """The scenario at ``path``, over ``days`` days if given (``--days``); a warm-up that
    ``days`` cuts short is added to ``notes`` (a warning's template and values)."""
    from sim.engine.arrivals import MAX_TICKETS, expected_tickets
    from sim.scenario.model import load_scenario
    from sim.stats.warmup import warmup_cut_parts

    scenario = load_scenario(path)
    if days is not None:
        was = scenario.hall.warmup_days
        scenario = scenario.with_days(days)
        if notes is not None:
            notes += warmup_cut_parts(was, scenario)
    expected = expected_tickets(scenario)
    if expected > MAX_TICKETS:
        raise InputError(path, "--days" if days is not None else "hall.days",
                         f"{expected:,.0f} tickets expected in one replication, more than the "
                         f"{MAX_TICKETS:,} one run can hold in memory: simulate fewer days "
                         "(and more replications)")
    return scenario


def _print_warning(path: str, template: str, values: dict[str, str]) -> None:
    """A warning on stderr in the language in use: ``hallsim: warning: FILE: TEXT`` in
    English (as it always was), "hallsim: 注意：FILE，TEXT" in Chinese (the template through
    the catalogue, as the page shows it)."""
    from sim.report.i18n import language, tr

    if language() == "en":
        print(f"hallsim: warning: {path}: {template.format(**values)}", file=sys.stderr)
    else:
        print(f"hallsim: {tr('warning: ')}{path}，{tr(template).format(**values)}",
              file=sys.stderr)


def _warn(scenario: Any, path: str) -> None:
    from sim.scenario.layout import crowded_areas
    from sim.stats.load import overloads

    for o in overloads(scenario):
        _print_warning(path, *o.parts())
    if scenario.layout is not None:
        for template, values in crowded_areas(scenario.layout):
            _print_warning(path, template, values)


def _warn_results(scenario: Any, doc: dict[str, Any], path: str) -> None:
    from sim.stats.metrics import warning_parts

    for template, values in warning_parts(scenario, doc):
        _print_warning(path, template, values)


def _simulate(scenario: Any, args: argparse.Namespace, keep_records: bool = False):
    from sim.run.replications import simulate

    def run(progress=None):
        return simulate(scenario, seed=args.seed, replications=args.replications,
                        workers=args.workers, keep_records=keep_records, progress=progress)

    if args.quiet or args.replications == 1:  # no bar to show: tqdm is not even imported
        return run()
    from sim.cli.progress import progress_bar

    with progress_bar(args.replications, scenario.name, "rep", leave=False) as bar:
        return run(bar.update)


def cmd_run(args: argparse.Namespace) -> int:
    """``hallsim run``."""
    from sim.files.atomic import write_json_atomic

    for given in (args.records, args.duty):
        if given and not given.lower().endswith((".csv", ".csv.gz", ".parquet")):
            raise InputError(given, "", "records file must end in .csv, .csv.gz or .parquet")
    notes: list[tuple[str, dict[str, str]]] = []
    scenario = _load(args.scenario, args.days, notes)
    for template, values in notes:
        _print_warning(args.scenario, template, values)
    _warn(scenario, args.scenario)
    result = _simulate(scenario, args, keep_records=bool(args.records or args.duty))
    doc = result.document()
    _warn_results(scenario, doc, args.scenario)
    if args.json:
        write_json_atomic(args.json, doc)
    if args.records:
        from sim.engine.records import write_records

        write_records(result.records_frame(), args.records)
    if args.duty:
        from sim.engine.records import write_records

        write_records(result.duty_frame(), args.duty)
    if not args.quiet:  # the table renderer (and wcwidth) only when a table is printed
        from sim.report.tables import summary_table

        print(summary_table(doc))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    """``hallsim compare``."""
    from sim.files.atomic import write_json_atomic
    from sim.report.tables import comparison_table, one_sided_table, summary_table, wait_target
    from sim.run.compare import compare_runs

    if len(args.scenarios) < 2:
        raise InputError("", "", "compare needs at least two scenario files")
    notes: list[list[tuple[str, dict[str, str]]]] = [[] for _ in args.scenarios]
    scenarios = [_load(p, args.days, n) for p, n in zip(args.scenarios, notes)]
    labels = _labels(args.scenarios, [s.name for s in scenarios])
    for s, p, said in zip(scenarios, args.scenarios, notes):
        for template, values in said:
            _print_warning(p, template, values)
        _warn(s, p)
    results = [_simulate(s, args) for s in scenarios]
    docs = {label: r.document() for label, r in zip(labels, results)}
    for s, p, label in zip(scenarios, args.scenarios, labels):
        _warn_results(s, docs[label], p)
    diffs = {label: compare_runs(results[0], r) for label, r in zip(labels[1:], results[1:])}
    for label, p in zip(labels[1:], args.scenarios[1:]):
        if not diffs[label].get("paired", True):
            _print_warning(p, "shares no category with the baseline {baseline}: replications "
                              "are not paired (no common random numbers); differences use "
                              "unpaired (Welch) intervals", {"baseline": args.scenarios[0]})
    if args.json:
        write_json_atomic(args.json, {
            "baseline": labels[0], "seed": args.seed, "replications": args.replications,
            "scenarios": docs, "differences": diffs,
        })
    if not args.quiet:
        for label in labels:
            print(summary_table(docs[label]) + "\n")
        for label in labels[1:]:
            target = wait_target(docs[labels[0]], docs[label])
            print(comparison_table(labels[0], label, diffs[label], target) + "\n")
            alone = one_sided_table(labels[0], docs[labels[0]], label, docs[label])
            print(alone + "\n" if alone else "", end="")
    return EXIT_OK


def _labels(paths: list[str], names: list[str]) -> list[str]:
    if len(set(names)) == len(names):
        return names
    labels = [f"{n} ({Path(p).as_posix()})" for n, p in zip(names, paths)]
    if len(set(labels)) < len(labels):  # the same file twice
        labels = [f"{label} #{k + 1}" for k, label in enumerate(labels)]
    return labels


def _validate_optimize_section(path: str) -> None:
    """Check a scenario file's ``optimize:`` section, if it has one (``optimize`` installed)."""
    from sim.files.yaml_reader import read_yaml

    raw = read_yaml(path)
    if isinstance(raw, dict) and "optimize" in raw:
        try:
            from optimize.spec import load_inputs
        except ModuleNotFoundError:  # pragma: no cover - optimize is part of the package
            return
        load_inputs(path)


def cmd_validate(args: argparse.Namespace) -> int:
    """``hallsim validate``."""
    from sim.engine.arrivals import expected_tickets
    from sim.report.i18n import tr

    for path in args.scenarios:
        scenario = _load(path, None)
        _validate_optimize_section(path)
        _warn(scenario, path)
        per_day = expected_tickets(scenario, day=0)
        windows = scenario.window_count
        print(tr("{path}: ok ({name}: {categories} categories, {groups} window groups with "
                 "{windows} windows, {tickets} expected tickets on day 1)").format(
            path=path, name=scenario.name, categories=len(scenario.categories),
            groups=len(scenario.windows), windows=windows, tickets=f"{per_day:,.0f}"))
    return EXIT_OK


BATCH_VERBS = ("run", "export", "summary", "status")


def _batch_shorthand(argv: list[str]) -> list[str]:
    """``hallsim batch EXPERIMENT.yaml ...`` means ``hallsim batch run EXPERIMENT.yaml ...``."""
    if len(argv) >= 2 and argv[0] == "batch" and argv[1] not in BATCH_VERBS \
            and not argv[1].startswith("-"):
        return ["batch", "run", *argv[1:]]
    return argv


def _pop_lang(argv: list[str]) -> tuple[str | None, list[str]]:
    """Take ``--lang X`` / ``--lang=X`` from anywhere in ``argv`` (it is global)."""
    lang, rest, k = None, [], 0
    while k < len(argv):
        arg = argv[k]
        if arg == "--":
            rest += argv[k:]
            break
        if arg == "--lang" and k + 1 < len(argv):
            lang, k = argv[k + 1], k + 2
            continue
        if arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        k += 1
    return lang, rest


def _exit_without_final_collection() -> None:
    """Spare the interpreter's last garbage collection at exit.

    At exit, Python walks every object still tracked by the garbage collector, which
    after pydantic, numpy and a run is some 0.05-0.1 s spent just before the process
    ends. Freezing them (:func:`gc.freeze`, an :mod:`atexit` handler; handlers run
    last in, first out, so this one runs before those registered earlier) leaves them
    out of that collection: buffers are still flushed and the other handlers run, but
    objects caught in reference cycles are not finalised. Done only when ``main`` is
    the process's entry point and for this module's verbs, whose outputs are written
    and closed (atomically) before they return.
    """
    gc.freeze()


#: characters of a bad-input message printed; a message quoting a huge bad value (a
#: 100 KB line of random bytes read as a name) is cut to one readable paragraph
MAX_MESSAGE = 1_000


def _shortened(message: str) -> str:
    """``message``, cut to :data:`MAX_MESSAGE` characters with a note of what was left out."""
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[:MAX_MESSAGE]}… ({len(message) - MAX_MESSAGE:,} more characters left out)"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hallsim`` console script; returns the exit code."""
    from sim.cli.parser_text import parser_language
    from sim.report.i18n import set_language

    entry_point = argv is None
    lang, argv = _pop_lang(_batch_shorthand(list(sys.argv[1:] if argv is None else argv)))
    # the language first: the parser's usage, errors and help speak it too
    try:
        set_language(lang)
        language_error = None
    except InputError as exc:  # reported after parsing, as before, in English
        set_language("en")
        language_error = exc
    with parser_language():
        args = build_parser().parse_args(argv)
    handlers = {"run": cmd_run, "compare": cmd_compare, "validate": cmd_validate}
    if entry_point and args.verb in handlers:
        atexit.register(_exit_without_final_collection)
    try:
        if language_error is not None:
            raise language_error
        check_paths(args)
        use_engine_option(args)
        handler = handlers.get(args.verb) or args.handler
        code = handler(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return code
    except InputError as exc:
        from sim.report.i18n import language
        from sim.report.messages import error_text

        # English: "hallsim: error: FILE: field 'PATH': PROBLEM"; --lang zh: the problem
        # in Chinese, the file and field as they are
        text = (f"hallsim: error: {_shortened(str(exc))}" if language() == "en"
                else f"hallsim: {_shortened(error_text(exc))}")
        print(text, file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        # a further Ctrl-C while the interpreter winds down must not turn the exit
        # status into a death by signal: the command has already stopped its workers
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        from sim.report.i18n import tr

        print("hallsim: " + tr("interrupted; nothing was written half"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of stdout went away (``hallsim ... | head``): stop quietly, as Unix
        # tools do; point stdout at devnull so the interpreter's final flush cannot fail
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, the shell's status for a killed pipe writer
    except Exception as exc:  # noqa: BLE001 - exit 1 with a message, traceback on request
        if os.environ.get("HALLSIM_DEBUG"):
            traceback.print_exc()
        print(f"hallsim: error: {type(exc).__name__}: {exc} (set HALLSIM_DEBUG=1 for a "
              f"traceback)", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
