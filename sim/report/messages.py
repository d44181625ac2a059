"""Bad-input messages in the reader's language.

An :class:`~sim.files.errors.InputError` names the file, the field path and the
problem, in English: the command line's words, which scripts and outside checks read.
For a reader of another language (``hallsim --lang zh``, the web app in Chinese) the
problem is translated here, the file and the field path kept as they are (they are the
scenario's own words).

A problem is matched against the English :data:`TEMPLATES`, each a message id of the
catalogue with ``{placeholders}`` for the parts that vary ("5 windows staffed, but the
group has count 4" matches "{n} windows staffed, but the group has count {count}"), and
written with the catalogue's translation of the template. The problems pydantic words
("Input should be greater than or equal to 1") are templates too. A problem no
template matches stays in English, whole: a half-translated sentence would read worse.
Several problems ("...; field 'x': ...") are translated one by one, and so are the
problems a template holds (the optimiser's periods: :data:`NESTED`).
"""

from __future__ import annotations

import functools
import re
from pathlib import PurePath

from sim.files.errors import InputError
from sim.report.i18n import language, tr, tr_in

#: English problems with the parts that vary in braces: each is a catalogue message id
TEMPLATES: tuple[str, ...] = (
    # pydantic's own words
    "Input should be greater than or equal to {n}",
    "Input should be greater than {n}",
    "Input should be less than or equal to {n}",
    "Input should be less than {n}",
    "Input should be a valid integer, got a number with a fractional part",
    "Input should be a valid integer, unable to parse string as an integer",
    "Input should be a valid integer",
    "Input should be a valid number, unable to parse string as a number",
    "Input should be a valid number",
    "Input should be a finite number",
    "Input should be a valid string",
    "Input should be a valid boolean",
    "Input should be a valid dictionary",
    "Input should be a valid list",
    "Input should be {expected}",
    "List should have at least {n} item after validation, not {m}",
    "Dictionary should have at least {n} item after validation, not {m}",
    "Tuple should have at least {n} item after validation, not {m}",
    "List should have at least {n} items after validation, not {m}",
    "Dictionary should have at least {n} items after validation, not {m}",
    "Tuple should have at least {n} items after validation, not {m}",
    "List should have at most {n} items after validation, not {m}",
    "Tuple should have at most {n} items after validation, not {m}",
    "String should have at least {n} characters",
    "String should have at least {n} character",
    "String should have at most {n} characters",
    # reading a file
    "file not found",
    "is a folder, not a file",
    "cannot read file ({reason})",
    "is {kind}, not a regular file; give a file",
    # the scenario's loader and checks
    "required field is missing",
    "unknown field",
    "a number is expected, not {value}",
    "{n} windows staffed, but the group has count {count}",
    "no window serves category '{item}'",
    "category name '{item}' is empty or begins or ends with spaces: give the item's name",
    "duplicate window id '{group}'",
    "unknown category '{item}' (known: {known})",
    "speed given for '{item}', which the group does not serve",
    "primary category '{item}' is not among those the group serves",
    "window id may use letters (any script), digits and _ . : - only",
    "a label is one line of text without leading or trailing spaces",
    "time {time} lies outside the opening hours {hours}",
    "a profile must start at the opening time {time} (first entry is {first})",
    "profile times must be listed in increasing order",
    "a time-of-day profile needs at least one entry",
    "'{text}' is not a time of day \"HH:MM\"",
    "'{text}' is not a valid time of day",
    "warmup_days ({warmup}) must be below days ({days})",
    "low ({low}) must be below high ({high})",
    "unknown distribution '{name}' (choose one of {known})",
    "{value} is out of range: at most {limit} (see 'Limits' in docs/scenario-format.md)",
    # patches (hallsim decompose, sim/batch/decompose.py): what a patch names must be there
    "no such window group to remove (known: {known})",
    "no such item to remove (known: {known})",
    "no such journey to remove (known: {known})",
    "no such entry to remove (known: {known})",
    "no such window group (known: {known}); a new group needs count and serves",
    "the changes {names} together make an invalid scenario: {reasons}",
    # a metric's dotted path (sim/stats/registry.py)
    "unknown metric '{metric}': the first part must be one of {known}",
    "unknown metric '{metric}': expected {form}",
    "unknown metric '{metric}': no figure '{name}' (known: {known})",
    "unknown metric '{metric}': '{name}' is not reported in {section} (there: {known})",
    # a decomposition's --metric naming what the scenarios do not have
    "'{metric}': no item '{item}' in the base scenario or its changes (known: {known})",
    "'{metric}': no window group '{group}' in the base scenario or its changes (known: "
    "{known})",
    "'{metric}': no hour '{hour}' in the base scenario or its changes (known: {known})",
    "'{metric}': no journey '{journey}' in the base scenario or its changes (known: {known})",
    # the optimiser (the web task adds the hint where the hall's desks are the limit)
    "no staffing plan meets the service level: {reasons}. To let the optimiser open "
    "more windows than the hall has today, choose 'desks: no limit'.",
    "no staffing plan meets the service level: {reasons}",
    "period {period}: the {desks} desks cannot carry the load of {items} ({load} erlangs) "
    "at the service level",
    "period {period}: the window types cannot carry the load of {items} ({load} erlangs) "
    "at the service level",
    "period {period}: the {desks} desks cannot carry the load of {items} ({load} erlangs) "
    "at the service level: by the model's sizing these window types need about {need} windows "
    "then (the simulation may certify a few fewer): {types}",
    "period {period}: the {desks} desks cannot carry the load of {items} ({load} erlangs) "
    "at the service level: by the model's sizing these window types need about {need} windows "
    "then (the simulation may certify a few fewer)",
    "period {period}: likewise ({load} erlangs, about {need} windows)",
    "period {period}: likewise ({load} erlangs)",
    "and {n} more periods",
    # experiments (sim/batch/experiment.py) and YAML files
    "design point {point} makes an invalid scenario: field '{path}': {reasons}",
    "design point {point} makes an invalid scenario: {reasons}",
    "no such field in base scenario '{label}' ({file}): {reasons}",
    "no '{name}' at {where} (known: {known})",
    "'{where}' is a value ({value}), not a mapping or list",
    "period '{text}' overlaps the one before it",
    "invalid YAML at line {line}, column {column}: {detail}",
    # ticket logs
    "required column missing (the {field}; columns found: {found}): name its column (the "
    "page's column mapping, or --mapping MAP.yaml)",
    "required column missing: give the call time or the wait ('{wait}')",
    "required column missing: give the service duration or the end time ('{end}')",
    "holds clock times ('{example}'), not durations: give it as the end time (the service "
    "is then the end less the call)",
    "'{example}' is not a date and time: an end time reads YYYY-MM-DD HH:MM:SS (or an Excel "
    "date)",
    "unreadable encoding: neither UTF-8 nor GBK/GB18030 (bad byte at offset {offset})",
    "the file is empty",
    "the ticket dates fall in stretches more than {gap} days apart (tickets per stretch: "
    "{stretches}): a log covers one stretch of time; check the ticket times (a clock error, "
    "a mistyped year, an empty date read as 1899-12-30), or calibrate each stretch on its own",
    "{n} of {total} rows have unknown status words ({values}), which leaves too few tickets: "
    "give the log's words for each outcome (the page's status words, or status: in --mapping "
    "MAP.yaml; now {words})",
    "cannot read the table ({reason})",
    "no window served enough tickets to be kept (each needs {n} services naming it in the "
    "window column, 办理窗口 by default): the windows and their authorisation sets cannot be "
    "inferred",
    "no ticket rows (only a header)",
    # a forecast's plan (sim/calibration/plan.py, sim/calibration/forecast.py)
    "the plan has no row (only a header)",
    "unknown column (known: {known}, 'windows <group>'; Chinese headers as in "
    "docs/calibration.md)",
    "a second column for {name} (first: '{first}')",
    "required column missing ({need} or {alternatives})",
    "give staff either as windows or as clerks seen, not both",
    "give staff either per group or as one total, not both",
    "{value} is not an hour of day (0-23, '09:00' or '09:00-10:00')",
    "{value} is not a weekday (mon ... sun, 周一 ... 周日)",
    "'{text}' is not a number",
    "negative value {value}",
    "a mean service of 0 minutes: give the hour's mean service, or leave the cell empty to "
    "keep the calibrated one",
    "a second row for the same hour",
    "a second row for the same hour, weekday",
    "a second row for the same hour and item",
    "a second row for the same hour, weekday and item",
    "hour {hour} is outside the opening hours ({hours})",
    "unknown item '{item}' (the scenario's items: {items})",
    "{day} is not a working day of the scenario (weekends: {days})",
    "staff for window group '{group}', but the scenario has no such group (groups: {known})",
    "no row for the working day(s) {days}: a plan by weekday gives every working day",
    "staff at {hour} differs from another row of that hour (a scenario has one schedule for "
    "every day and item: write one plan per day type)",
    "clerks seen need the clerks-to-windows relation a calibration records in the "
    "scenario's comments (hallsim calibrate writes it); give windows instead",
    # the page's names
    "a scenario of that name is in the workspace: choose another name",
    "a name is needed",
    "no such scenario in the workspace",
    "no such scenario in the trash",
    "name longer than {n} characters",
    "'{text}' is not a plain file name: use letters, digits, Chinese characters, '-', '_' "
    "and '.' inside the name, no '/', '\\', ':' or leading dot",
    "'{text}' is a reserved device name on Windows",
    # the editors' own
    "give the new item's name",
    "an item named '{item}' already exists",
    "a number is needed",
    "that name is taken",
    # the command line's options and outputs (sim/cli, sim/files/atomic.py)
    "is also the input {other}: writing it would overwrite the input; choose another file",
    "is also given to {other}: one output would overwrite the other; choose two files",
    "is a directory; give a file name",
    "is a file; give a folder name",
    "cannot write a file here ({reason})",
    "cannot write a folder here ({reason})",
    "records file must end in .csv, .csv.gz or .parquet",
    "a plan file's name must end in .csv or .xlsx",
    # serve, stores, results documents and YAML values
    "is {kind}, not a folder; give a folder name",
    "port {port} is in use (another server is listening on it): choose another port",
    "cannot listen on {host} port {port} ({reason})",
    "a store of another hallsim version (layout {schema}; this version reads {expected}): "
    "run the experiment again into a new --store",
    "the store is damaged ({what}): run the experiment again into a new --store",
    "not a results document (hallsim run --json): {reasons}",
    "cannot read the results document: lists or mappings nested too deeply",
    "cannot read the results document: its text is neither UTF-8 nor GBK/GB18030",
    "cannot read the results document: a number too long to read",
    "'{value}' is not a valid date ({reason})",
    "'{value}' is not a valid date",
    "'{value}' is not a valid integer",
    "'{value}' is not a valid number",
    "'{value}' is not true or false",
    "a row for all items and rows for single items in the same hour: give the hour either as "
    "one total or item by item",
    "compare needs at least two scenario files",
    "unknown structure(s) {bad} (choose from {known})",
    "'{text}' is not a list of numbers",
    "give one or more factors above 0",
    "factor {name} has the name of a column of the results table ({columns}): its values "
    "would clash with that column's",
    "unknown figure '{name}' (choose one of {known})",
    "the store holds no finished run yet",
    "baseline point {n} has no finished run",
    "required: --plan PLAN.csv and --out NEXT.yaml (or --template PLAN.csv to write a plan "
    "to edit)",
    "--template writes a plan to edit: give it alone, or --plan and --out to forecast",
    "the fast engine needs numba: install the [fast] extra (pip install 'hallsim[fast]')",
    "the fast engine does not run '{field}' of scenario '{name}' (use --engine auto or simpy)",
    "the web application needs the [web] extra: pip install -e \".[web]\" (or pip install "
    "\"hallsim[web]\")",
    # the hall editor's
    "window group {group} now serves no item: tick one of its items in the authorisation "
    "table, or remove the group",
    # a floor plan (sim/scenario/layout.py)
    "the outline encloses less than 1 m²: give the corners of the hall in order",
    "unknown window group '{group}' (known: {known})",
    "window group '{group}' has no position: give its rows or points",
    "places {n} windows; the group has {count}",
    "a group in several rows needs the count of each row",
    "[{x}, {y}] lies outside the outline",
    "entrance shares add up to {total} ({percent} %): they must add up to 1 (100 %)",
    "the area reaches outside the outline (corner [{x}, {y}])",
    "window {n} of '{group}' at [{x}, {y}] stands on the same spot as window {m} of "
    "'{other}' (windows must be at least {gap} m apart)",
    "window {n} of '{group}' at [{x}, {y}] stands inside the waiting area '{area}'",
    # the floor plan editor's
    "'{part}' is not a point: write x,y in metres (e.g. 0,0; 30,0; 30,20; 0,20)",
    "no point given",
    "name '{name}' may use letters (any script), digits and _ . : - only",
    "give a name",
    # the replay tab's
    "no day {day} in the scenario: it simulates days 1 to {days}",
)

#: the reasons of the command line's engine line (sim/engine/fast/support.py,
#: ``EngineChoice``): "engine: simpy (REASON)"
ENGINE_REASONS: tuple[str, ...] = (
    "asked for",
    "numba is not installed: install the [fast] extra for the fast engine",
    "the fast engine does not run '{field}'",
    "a small run of {tickets} expected tickets: the fast engine pays for its loading from "
    "{least}",
    "it runs every field of the scenario",
)


#: placeholders whose value is itself a list of problems ("; " between them), each
#: translated
NESTED = frozenset({"reasons", "detail"})
#: placeholders whose value is a word of the catalogue (a ticket log's field: "status")
WORDS = frozenset({"field"})
#: placeholders whose value is a list of names (", " between them), listed in the
#: reader's way (、 in Chinese): the items of a period, what there is ("known: A, B")
LISTS = frozenset({"items", "known", "days", "hours", "types"})


@functools.cache
def _patterns(templates: tuple[str, ...] = TEMPLATES) -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for template in templates:
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(re.escape(p) if k % 2 == 0 else f"(?P<{p}>.+?)"
                        for k, p in enumerate(parts))
        out.append((re.compile(f"^{regex}$", re.DOTALL), template))
    return tuple(out)


def _one(problem: str, templates: tuple[str, ...] = TEMPLATES) -> str:
    for pattern, template in _patterns(templates):
        m = pattern.match(problem)
        if m is not None:
            values = m.groupdict()
            for key in NESTED & set(values):
                values[key] = tr("; ").join(_one(p) for p in values[key].split("; "))
            for key in WORDS & set(values):
                values[key] = tr(values[key])
            for key in LISTS & set(values):
                values[key] = values[key].replace(", ", tr_in("list", ", "))
            return tr(template).format(**values)
    return problem


_MORE = re.compile(r"; field '([^']*)': ")
#: the end of a message listing eight problems of more (:mod:`sim.scenario.loading`)
_REST = re.compile(r"; and (\d+) more$")


def problem_text(problem: str) -> str:
    """``problem`` (an :class:`InputError`'s) in the language in use: each of several
    problems ("...; field 'x': ...") on its own."""
    if language() == "en":
        return problem
    rest = _REST.search(problem)
    if rest is not None:  # said on its own, not read as part of the last problem
        problem = problem[:rest.start()]
    pieces = _MORE.split(problem)
    out = _one(pieces[0])
    for path, part in zip(pieces[1::2], pieces[2::2], strict=True):
        out += tr("; ") + tr("field '{path}': ").format(path=path) + _one(part)
    if rest is not None:
        out += tr("; ") + tr("and {n} more problems").format(n=rest[1])
    return out


def error_text(exc: InputError, file_name: bool = False) -> str:
    """The whole message of ``exc`` in the language in use: in English exactly the command
    line's (``hallsim: error: FILE: field 'PATH': PROBLEM``); in Chinese
    "错误：FILE，字段“PATH”：问题". With ``file_name`` a file is named without its folder
    (the page names workspace files, not paths on the server)."""
    if file_name and exc.source:
        exc = InputError(PurePath(exc.source).name, exc.path, exc.problem)
    if language() == "en":
        return f"hallsim: error: {exc}"
    where = f"{exc.source}，" if exc.source else ""
    return tr("error: ") + f"{where}{_place_text(exc.path)}{problem_text(exc.problem)}"


#: a table's cell, column or row as a field path ("row 3, column 取号量"; plans)
_CELL = re.compile(r"^(?:row (?P<row>\d+))?(?:, )?(?:column (?P<column>.+))?$", re.DOTALL)


def _place_text(path: str) -> str:
    """Where the problem is, in the language in use (not English): an option, a table's
    row and column (a plan's cell: "第 3 行“取号量”列"), or a field of the file."""
    if not path:
        return ""
    cell = _CELL.match(path)
    if cell is not None and (cell["row"] or cell["column"]):
        if cell["row"] and cell["column"]:
            return tr("row {row}, column '{column}': ").format(**cell.groupdict())
        if cell["row"]:
            return tr_in("table", "row {row}: ").format(row=cell["row"])
        return tr("column '{column}': ").format(column=cell["column"])
    kind = "option '{path}': " if path.startswith("--") else "field '{path}': "
    return tr(kind).format(path=path)


_WITH_FIELD = re.compile(r"^(?:(?P<source>.*?): )?(?:field|option) '(?P<path>[^']*)': "
                         r"(?P<problem>.*)$", re.DOTALL)


def error_text_of(message: str, file_name: bool = False) -> str:
    """:func:`error_text` of an :class:`InputError`'s text (as a worker process reports
    it): file, field path and problem taken apart again (a message without a field is
    read as ``FILE: PROBLEM`` when its problem is a known one or FILE is a path, else as
    the problem). ``file_name``: as :func:`error_text`'s."""
    if language() == "en" and not file_name:
        return f"hallsim: error: {message}"
    m = _WITH_FIELD.match(message)
    if m is not None:
        return error_text(InputError(m["source"] or "", m["path"], m["problem"]), file_name)
    source, sep, rest = message.partition(": ")
    if sep and (_one(rest) != rest or (file_name and ("/" in source or "\\" in source))):
        return error_text(InputError(source, "", rest), file_name)
    return error_text(InputError("", "", message))


def warning_text(text: str) -> str:
    """A warning (already in the language in use) as the reader's language marks one: the
    command line's ``hallsim: warning: TEXT`` in English, "注意：TEXT" in Chinese."""
    return f"hallsim: warning: {text}" if language() == "en" else tr("warning: ") + text


_ENGINE_LINE = re.compile(r"^engine: (?P<engine>\w+) \((?P<reason>.*)\)$", re.DOTALL)


def engine_text(line: str) -> str:
    """The command line's engine line ("engine: simpy (asked for)": which engine runs and
    why) in the language in use: in Chinese "引擎：simpy（按要求）", the engine's name kept
    (it is the ``--engine`` value); a reason no template knows stays in English."""
    m = _ENGINE_LINE.match(line)
    if language() == "en" or m is None:
        return line
    return tr("engine: {engine} ({reason})").format(
        engine=m["engine"], reason=_one(m["reason"], ENGINE_REASONS))
