"""Documented limits on input files (docs/scenario-format.md, "Limits").

Each bound catches a typo (an extra zero, a wrong unit) before any work starts,
so a bad file is refused at once with the field that broke it, instead of
exhausting memory or time later. They are far above any real hall.
"""

from __future__ import annotations

MAX_FILE_BYTES = 5_000_000
"""Size of one input file (YAML), in bytes."""

MAX_NESTING = 64
"""Nesting depth of lists and mappings in one input file (``serves``, routes, ...)."""

MAX_WINDOWS_PER_GROUP = 1_000
"""Windows in one window group (``windows[].count``); also reviewers in one back-office stage."""

MAX_WINDOWS = 5_000
"""Windows in all groups together."""

MAX_DAYS = 3_660
"""Days of one replication (``hall.days``, ``--days``): ten years of working days and more."""

MAX_DAY_FACTOR = 100.0
"""An arrival multiplier in ``hall.day_factors``."""

MAX_RATE = 100_000.0
"""Tickets per hour of one category or journey (a rate or any profile value)."""

MAX_DURATION = 100_000.0
"""Any parameter of a duration distribution (mean, value, low, mode, high, empirical
values) in its unit (minutes, or working days for fields ending in ``_days``), and
``targets`` minutes: about 70 days in minutes."""

MAX_LABEL = 40
"""Characters of a window group's display name (``windows[].label``)."""

MAX_CV = 100.0
"""Coefficient of variation of a duration distribution."""

MAX_SPEED = 100.0
"""A window group's ``speed`` factor on a category."""

MAX_TICKETS = 50_000_000
"""Expected tickets in one replication: beyond it a run would exhaust memory (about 15 GB)."""

MAX_REPLICATIONS = 10_000
"""Replications of one run (``--replications``)."""

MAX_VALUES = 1_000_000
"""Values (numbers, strings, list and mapping entries) in one input file once YAML
aliases are expanded."""
