"""Number fields that say what they accept instead of changing what was typed.

NiceGUI's ``ui.number`` with ``min``, ``max`` or ``precision`` corrects a typed value
when the field loses focus (2.5 windows become 3, -3 replications 1, 100000 become
10000) and the planner never learns. The page's number fields take none of these:
each has a :class:`Limit` (taken from the scenario model or :mod:`sim.files.limits`,
the limits the command line enforces), checked by NiceGUI's validation
(``ui.number(validation=...)``), which shows under the field, in the page's language,
what is wrong and what is allowed ("窗口数须为 1–1,000 的整数"). A job starts, and a
change is applied, only when its fields are valid (:func:`valid`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, get_args

from nicegui import ui

from sim.files.limits import (
    MAX_CV,
    MAX_DAYS,
    MAX_DURATION,
    MAX_RATE,
    MAX_REPLICATIONS,
    MAX_WINDOWS_PER_GROUP,
)


@dataclass(frozen=True)
class Limit:
    """What a number field accepts: a number (``whole``: a whole number) from ``least``
    (excluded when ``above``) to ``most``; ``optional``: empty too. None: no bound."""

    least: float | None = None
    most: float | None = None
    whole: bool = False
    above: bool = False
    optional: bool = False

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` (a field's value: a number or None) is allowed."""
        if value is None or value == "":
            return self.optional
        try:
            x = float(value)
        except (TypeError, ValueError):
            return False
        if not math.isfinite(x) or (self.whole and not x.is_integer()):
            return False
        if self.least is not None and (x <= self.least if self.above else x < self.least):
            return False
        return self.most is None or x <= self.most

    def scaled(self, factor: float) -> Limit:
        """The same limit on a value shown ``factor`` times larger (a share as %)."""
        return Limit(None if self.least is None else self.least * factor,
                     None if self.most is None else self.most * factor,
                     self.whole, self.above, self.optional)

    def with_optional(self) -> Limit:
        """The same limit, an empty field allowed too."""
        return Limit(self.least, self.most, self.whole, self.above, True)


def limit_of(model: Any, name: str) -> Limit:
    """The :class:`Limit` a pydantic ``model``'s field ``name`` declares (its ``ge``,
    ``gt``, ``le`` and whether it is an ``int``): the one definition of the bound."""
    info = model.model_fields[name]
    return _limit(info.annotation, list(info.metadata))


def limit_of_type(annotated: Any) -> Limit:
    """The :class:`Limit` of an ``Annotated[float, Field(...)]`` type the scenario model
    uses for several fields (:data:`sim.scenario.layout.Metres`)."""
    return _limit(annotated, [])


def _limit(annotation: Any, metadata: list[Any]) -> Limit:
    for arg in (annotation, *get_args(annotation)):  # Annotated[float, Field()] (| None)
        for part in getattr(arg, "__metadata__", ()):
            metadata += getattr(part, "metadata", [part])
    least = most = None
    above = False
    for m in metadata:
        if getattr(m, "ge", None) is not None:
            least = float(m.ge)
        if getattr(m, "gt", None) is not None:
            least, above = float(m.gt), True
        if getattr(m, "le", None) is not None:
            most = float(m.le)
    whole = annotation is int or int in get_args(annotation)  # int | None
    return Limit(least, most, whole=whole, above=above)


def _shown(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,g}"


#: what a field accepts, by (whole, has least, excluded least, has most): message ids
RULES = {
    (True, True, False, True): "{field} must be a whole number from {least} to {most}",
    (True, True, False, False): "{field} must be a whole number of at least {least}",
    (False, True, False, True): "{field} must be a number from {least} to {most}",
    (False, True, True, True): "{field} must be a number above {least} and at most {most}",
    (False, True, False, False): "{field} must be a number of at least {least}",
    (False, True, True, False): "{field} must be a number above {least}",
    (False, False, False, False): "{field} must be a number",
}


def problem(t: Callable[[str], str], name: str, limit: Limit) -> str:
    """What a field named ``name`` (already in the page's language) accepts, through
    ``t``: "窗口数须为 1–1,000 的整数"."""
    key = (limit.whole, limit.least is not None, limit.above, limit.most is not None)
    out = t(RULES[key]).format(field=name, least=_shown(limit.least or 0),
                               most=_shown(limit.most or 0))
    return t("{rule}, or empty").format(rule=out) if limit.optional else out


def number(t: Callable[[str], str], label: str, limit: Limit, value: Any = None,
           name: str | None = None, **kwargs: Any) -> Any:
    """A ``ui.number`` labelled ``label`` (English; ``t`` translates) that keeps what is
    typed and, when ``limit`` refuses it, says under the field what it accepts (the
    field named ``name``, English, else by its label). ``kwargs``: ``ui.number``'s
    (``step``, ``on_change``, ...; never ``min``, ``max`` or ``precision``, which
    would change a typed value)."""
    if {"min", "max", "precision"} & set(kwargs):
        raise TypeError("a number field takes a Limit, not min, max or precision")
    text = problem(t, t(name or label), limit)
    if isinstance(value, bool) or (value is not None and not isinstance(value, int | float)):
        value = None  # a file's "days: abc" (refused, said above the form): an empty field
    # hide-bottom-space: no room kept under every field for a message; one that shows
    # takes its room below the field, above what follows (never over it)
    return TypedNumber(t(label) if label else None, value=value,
                       validation=lambda v: None if limit.accepts(v) else text,
                       **kwargs).props("hide-bottom-space")


class TypedNumber(ui.number):
    """A ``ui.number`` that never writes its own spelling of a number over what is being
    typed. NiceGUI keeps the browser's text only while the value it holds for the field
    is that very text; ``ui.number`` holds "3.0" for a typed "3" (after "2.5") and None
    for an emptied field, so the update a validation message sends (the message shows or
    goes) put "3.0" into the field while the planner typed, and a number typed after
    clearing the field lost its first digit ("12" became "2") when the update came after
    it. Here the field holds the text as typed whenever it is the value."""

    _typed: Any = None

    def _event_args_to_value(self, e: Any) -> Any:
        self._typed = e.args
        return super()._event_args_to_value(e)

    def _value_to_model_value(self, value: Any) -> Any:
        if _spells(self._typed, value):
            return self._typed  # the browser's own text: kept as it stands
        return super()._value_to_model_value(value)


def _spells(typed: Any, value: Any) -> bool:
    """Whether the browser's text ``typed`` is ``value`` (an empty text: None)."""
    if not isinstance(typed, str):
        return False
    try:
        return (float(typed) if typed.strip() else None) == value
    except ValueError:
        return False


def valid(fields: Iterable[Any]) -> bool:
    """Check every field (each marks itself); whether all are valid."""
    return all([f.validate() for f in fields])  # a list: every field is marked


def read(field: Any) -> Any:
    """A valid field's value: an ``int`` when whole, None when empty."""
    value = field.value
    if value is None or value == "":
        return None
    return int(value) if float(value).is_integer() else float(value)


#: a change of demand in percent, the hall editor's and the forecast tab's: down to a
#: twentieth of today's (a cut of 100 % would leave no ticket at all, beyond it negative
#: rates), up to six times today's (a slip of the finger, 99999999999, once multiplied
#: every cell of the grid past its limit, with no way back but retyping)
DEMAND_CHANGE = Limit(-95, 500)
#: replications of a run or comparison (``hallsim run -r``): 1 to the limit
REPLICATIONS = Limit(1, MAX_REPLICATIONS, whole=True)
#: days of a replication (``--days``)
DAYS = Limit(1, MAX_DAYS, whole=True)
#: a master seed (``--seed``)
SEED = Limit(0, whole=True)
#: windows on duty in one period of a group's schedule
ON_DUTY = Limit(0, MAX_WINDOWS_PER_GROUP, whole=True)
#: tickets per hour (a rate or a profile's value)
RATE = Limit(0, MAX_RATE)
#: the parameters of a duration distribution the hall editor offers
DURATION_PARAMETERS = {"mean": Limit(0, MAX_DURATION, above=True),
                       "value": Limit(0, MAX_DURATION, above=True),
                       "cv": Limit(0, MAX_CV, above=True), "low": Limit(0, MAX_DURATION),
                       "mode": Limit(0, MAX_DURATION), "high": Limit(0, MAX_DURATION)}
