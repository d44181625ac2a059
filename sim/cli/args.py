"""Shared pieces of the command line: exit codes and argument types."""

from __future__ import annotations

import argparse

from sim.report.i18n import tr

EXIT_OK, EXIT_ERROR, EXIT_INPUT = 0, 1, 2


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            tr("'{text}' is not a number").format(text=text)) from None


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            tr("'{text}' is not a whole number").format(text=text)) from None


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(tr("must be at least 1 (got {value})").format(value=value))
    return value


def replications(text: str) -> int:
    """An argparse type: a number of replications, 1 to
    :data:`~sim.files.limits.MAX_REPLICATIONS` (checked before any work)."""
    from sim.files.limits import MAX_REPLICATIONS

    value = positive_int(text)
    if value > MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(
            tr("{value} replications: more than the limit of {limit} (see 'Limits' in "
               "docs/scenario-format.md)").format(value=f"{value:,}",
                                                  limit=f"{MAX_REPLICATIONS:,}"))
    return value


def period_minutes(text: str) -> int:
    """An argparse type: a period length in minutes, 1 to a day (1,440)."""
    value = positive_int(text)
    if value > 1440:
        raise argparse.ArgumentTypeError(
            tr("{value} minutes: a period is at most a day (1,440 minutes)").format(
                value=f"{value:,}"))
    return value


def nonneg_int(text: str) -> int:
    """An argparse type: a whole number of at least 0."""
    value = _whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(
            tr("must not be negative (got {value})").format(value=value))
    return value


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    value = _whole(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(
            tr("must be a port number from 1 to 65535 (got {value})").format(value=value))
    return value


def positive_float(text: str) -> float:
    """An argparse type: a number above 0."""
    value = _number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(
            tr("must be above 0 (got {value})").format(value=f"{value:g}"))
    return value


def nonneg_float(text: str) -> float:
    """An argparse type: a number of at least 0."""
    value = _number(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(tr("must not be negative (got {value})").format(
            value=f"{value:g}"))
    return value


class PathArg(str):
    """A path given on the command line, tagged with the option that named it and its
    role: ``input`` (a file the verb reads), ``output`` (a file it writes) or ``folder``
    (a folder it writes into). :func:`check_paths` reads the tags."""

    option: str
    role: str
    given_name: str = ""


def _path_type(option: str, role: str, suffixes: tuple[str, ...] = ()):
    def parse(text: str) -> PathArg:
        if suffixes and not text.lower().endswith(suffixes):
            raise argparse.ArgumentTypeError(
                tr("'{text}': the file name must end in {suffixes}").format(
                    text=text, suffixes=tr(" or ").join(suffixes)))
        value = PathArg(text)
        value.option, value.role = option, role
        return value
    parse.__name__ = "path"  # argparse names the type in its messages
    return parse


def input_file(option: str):
    """An argparse type: a file the verb reads (``option`` names it in messages)."""
    return _path_type(option, "input")


def named_input_file(option: str):
    """An argparse type: ``NAME=FILE``, a named file the verb reads (``decompose
    --change 集中=patch.yaml``). The path is an input like :func:`input_file`'s; its
    ``given_name`` attribute holds NAME."""
    def parse(text: str) -> PathArg:
        name, sep, path = (part.strip() for part in text.partition("="))
        if not sep or not name or not path:
            raise argparse.ArgumentTypeError(
                tr("'{text}' is not NAME=FILE (e.g. 集中=patch.yaml)").format(text=text))
        value = _path_type(option, "input")(path)
        value.given_name = name
        return value
    parse.__name__ = "NAME=FILE"
    return parse


def output_file(option: str, suffixes: tuple[str, ...] = ()):
    """An argparse type: a file the verb writes, checked by :func:`check_paths`; with
    ``suffixes``, its name must end in one of them (the format follows the name)."""
    return _path_type(option, "output", suffixes)


#: file names a figure may have: matplotlib writes the format its name ends in
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def output_folder(option: str):
    """An argparse type: a folder the verb writes into, checked by :func:`check_paths`."""
    return _path_type(option, "folder")


def _paths(args: argparse.Namespace) -> list[PathArg]:
    found: list[PathArg] = []
    for value in vars(args).values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, PathArg):
                found.append(item)
    return found


def _same(a: str, b: str) -> bool:
    import os

    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_paths(args: argparse.Namespace) -> None:
    """Refuse, before any work, inputs that are not regular files (missing, a folder, a
    named pipe, a device), outputs that would overwrite an input or another output,
    and outputs that cannot be written (a folder given for a file, a file for a folder,
    a place where nothing can be written). Raises :class:`~sim.files.errors.InputError`
    (exit 2) naming the option."""
    from sim.files.atomic import check_folder, check_output
    from sim.files.errors import InputError
    from sim.files.reading import check_input_file

    paths = _paths(args)
    inputs = [p for p in paths if p.role == "input"]
    outputs = [p for p in paths if p.role != "input"]
    for given in inputs:  # a pipe would wait for a writer for ever, a device never end
        try:
            check_input_file(given)
        except InputError as exc:
            option = given.option if given.option.startswith("--") else ""
            raise InputError(exc.source, option, exc.problem) from None
    for k, out in enumerate(outputs):
        for other in inputs:
            if _same(out, other):
                raise InputError(str(out), out.option,
                                 f"is also the input {other.option}: writing it would overwrite "
                                 "the input; choose another file")
        for other in outputs[:k]:
            if _same(out, other):
                raise InputError(str(out), out.option,
                                 f"is also given to {other.option}: one output would overwrite "
                                 "the other; choose two files")
    for out in outputs:
        if out.role == "folder":
            check_folder(out, out.option)
        else:
            check_output(out, out.option)


def add_engine_option(p: argparse.ArgumentParser, default: str | None = "auto") -> None:
    """``--engine fast|simpy|auto``: which hall engine runs the replications (both give the
    same records; docs/engine-order.md)."""
    p.add_argument("--engine", choices=("auto", "fast", "simpy"), default=default,
                   help="hall engine: fast (compiled, the [fast] extra), simpy (the "
                        "reference) or auto (default: fast where it runs the scenario)")


def use_engine_option(args: argparse.Namespace) -> None:
    """Run the engine ``--engine`` names (if the verb has the option), saying on stderr which
    engine runs and why unless ``--quiet``."""
    if not hasattr(args, "engine"):
        return
    import sys

    from sim.run.replications import use_engine

    def say(line: str) -> None:
        from sim.report.messages import engine_text

        print(f"hallsim: {engine_text(line)}", file=sys.stderr)

    use_engine(args.engine or "auto", None if getattr(args, "quiet", False) else say)
