"""The command line's messages in the page's language.

The command line words its errors in English (``hallsim: error: FILE: field 'PATH':
problem``), and keeps doing so; the page shows the same message with each problem it
knows rewritten through the catalogue (English message ids in :data:`FORMS`, Chinese
entries in ``sim/report/locale``), the file name and values kept. A problem the page
does not know is shown as the command line words it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sim.report.i18n import tr

Form = tuple[re.Pattern[str], str, Callable[[dict[str, str]], dict[str, str]] | None]


def _field(values: dict[str, str]) -> dict[str, str]:
    """A ticket-log field as the column mapping labels it ("ticket_time" -> 取号时间)."""
    from sim.web.importlog import FIELDS

    field = values["field"]
    key = field.replace(" ", "_")
    return values | {"field": tr(FIELDS.get(key, field))}


def _reasons(values: dict[str, str]) -> dict[str, str]:
    """The optimiser's periods that cannot be staffed, each in the page's language."""
    return values | {"reasons": tr("; ").join(localised(r) for r in
                                              values["reasons"].split("; "))}


#: problems the page rewrites: pattern (English, as the command line words it), the
#: catalogue's message id, and what to do with the values first
FORMS: tuple[Form, ...] = (
    (re.compile(r"no staffing plan meets the service level: (?P<reasons>.+)"),
     "no staffing plan meets the service level: {reasons}. To let the optimiser open "
     "more windows than the hall has today, choose 'desks: no limit'.", _reasons),
    (re.compile(r"period (?P<period>\S+): the (?P<desks>\d+) desks cannot carry the load "
                r"of (?P<items>.+) \((?P<load>[\d.]+) erlangs\) at the service level"),
     "period {period}: the {desks} desks cannot carry the load of {items} ({load} "
     "erlangs) at the service level", None),
    (re.compile(r"period (?P<period>\S+): the window types cannot carry the load of "
                r"(?P<items>.+) \((?P<load>[\d.]+) erlangs\) at the service level"),
     "period {period}: the window types cannot carry the load of {items} ({load} "
     "erlangs) at the service level", None),
    (re.compile(r"and (?P<n>\d+) more periods"), "and {n} more periods", None),
    (re.compile(r"required column missing \(the (?P<field>[^;]+); columns found: "
                r"(?P<found>.*)\)"),
     "required column missing (the {field}; columns found: {found})", _field),
    (re.compile(r"required column missing: give the call time or the wait "
                r"\('(?P<wait>[^']*)'\)"),
     "required column missing: give the call time or the wait ('{wait}')", None),
    (re.compile(r"unreadable encoding: neither UTF-8 nor GBK/GB18030 \(bad byte at "
                r"offset (?P<offset>\d+)\)"),
     "unreadable encoding: neither UTF-8 nor GBK/GB18030 (bad byte at offset {offset})",
     None),
    (re.compile(r"no ticket rows \(only a header\)"), "no ticket rows (only a header)", None),
    (re.compile(r"a scenario of that name is in the workspace: choose another name"),
     "a scenario of that name is in the workspace: choose another name", None),
)

#: where the command line names the field at fault
_FIELD = re.compile(r"(?P<lead>^|: )field '(?P<path>[^']*)': ")


def localised(text: str) -> str:
    """``text`` (a message of the command line) with every problem :data:`FORMS` knows
    in the language in use; the rest as it is."""
    for pattern, msgid, prepare in FORMS:
        m = pattern.search(text)
        if m:
            values = {k: v or "" for k, v in m.groupdict().items()}
            values = prepare(values) if prepare else values
            text = text[:m.start()] + tr(msgid).format(**values) + text[m.end():]
            break
    return _FIELD.sub(lambda m: m["lead"] + tr("field '{path}': ").format(path=m["path"]),
                      text)
