"""Shared pieces of the command line: exit codes and argument types."""

from __future__ import annotations

import argparse

EXIT_OK, EXIT_ERROR, EXIT_INPUT = 0, 1, 2


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def replications(text: str) -> int:
    """An argparse type: a number of replications, 1 to
    :data:`~sim.files.limits.MAX_REPLICATIONS` (checked before any work)."""
    from sim.files.limits import MAX_REPLICATIONS

    value = positive_int(text)
    if value > MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(
            f"{value:,} replications: more than the limit of {MAX_REPLICATIONS:,} (see "
            "'Limits' in docs/scenario-format.md)")
    return value


def nonneg_int(text: str) -> int:
    """An argparse type: a whole number of at least 0."""
    value = _whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative (got {value})")
    return value


def positive_float(text: str) -> float:
    """An argparse type: a number above 0."""
    value = _number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0 (got {value:g})")
    return value


def nonneg_float(text: str) -> float:
    """An argparse type: a number of at least 0."""
    value = _number(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must not be negative (got {value:g})")
    return value


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
        print(f"hallsim: {line}", file=sys.stderr)

    use_engine(args.engine or "auto", None if getattr(args, "quiet", False) else say)
