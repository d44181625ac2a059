"""The command line's progress bars: one rule for every verb.

A bar is drawn on stderr only when stderr is a terminal (tqdm's ``disable=None``) and the
user did not ask for quiet: redirected to a log file, a bar would write a line of
carriage returns for every update. tqdm is imported on first use (it costs start-up time
a quiet run does not need).
"""

from __future__ import annotations

import sys
from typing import Any


def progress_bar(total: int, desc: str, unit: str, quiet: bool = False, **options: Any) -> Any:
    """A tqdm bar on stderr, off when ``quiet`` or when stderr is not a terminal. ``unit``
    ("rep", "run", "stage") is worded in the language in use (the catalogue's entries in
    context ``progress``); ``desc`` is shown as given (a scenario's name, or a verb's
    name the caller has translated with :func:`bar_name`)."""
    from tqdm import tqdm

    from sim.report.i18n import tr_in

    return tqdm(total=total, desc=desc, unit=tr_in("progress", unit), file=sys.stderr,
                disable=True if quiet else None, **options)


def bar_name(verb: str) -> str:
    """The name a verb's bar shows ("decompose", "consolidate") in the language in use."""
    from sim.report.i18n import tr_in

    return tr_in("progress", verb)
