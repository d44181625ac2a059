"""The back office as described (the scenario side of :mod:`sim.engine.backoffice`, which
runs it): what happens around and behind the windows: approval stages, result delivery,
return visits and citizen journeys (the scenario's optional process sections).

These are the validated *specifications*; :mod:`sim.engine.backoffice` and
:mod:`sim.engine.cases` run them. All durations are minutes (stage service times are
*working* minutes of the back office's hours); delays marked ``_days`` are in
working days. See ``docs/scenario-format.md``.

A route is a list of items; an item is a stage name, ``{route: NAME}`` (a named
route of ``backoffice.routes``) or ``{parallel: [BRANCH, ...]}``, a branch being an
item or a list of items. :func:`fold_route` is the one walker over this grammar.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Protocol, TypeVar, Union

from pydantic import Discriminator, Field, Tag

from sim.files.limits import MAX_DURATION, MAX_RATE, MAX_WINDOWS_PER_GROUP
from sim.scenario.base import Frozen
from sim.scenario.distributions import Distribution

Days = Annotated[float, Field(gt=0, le=MAX_DURATION)]
"""A number of working days (positive, at most the duration limit)."""

HourlyRate = Annotated[float, Field(ge=0, le=MAX_RATE, allow_inf_nan=False)]
"""Arrivals per hour, at most :data:`sim.files.limits.MAX_RATE`."""


def _item_kind(value: Any) -> str | None:
    """Tag of a route item: a stage name, a named route or a parallel group."""
    if isinstance(value, str):
        return "<stage>"
    if isinstance(value, dict):
        return "<parallel>" if "parallel" in value else "<route>" if "route" in value else None
    if isinstance(value, Parallel):
        return "<parallel>"
    return "<route>" if isinstance(value, SubRoute) else None


def _branch_kind(value: Any) -> str | None:
    """Tag of a parallel branch: one item (a stage name or named route) or a list of items."""
    if isinstance(value, (list, tuple)):
        return "<series>"
    if isinstance(value, (str, SubRoute)) or (isinstance(value, dict) and "route" in value):
        return _item_kind(value)
    return None


def _route_kind(value: Any) -> str | None:
    """Tag of a category's route: a route name or a list of items."""
    if isinstance(value, str):
        return "<name>"
    return "<items>" if isinstance(value, (list, tuple)) else None


class Parallel(Frozen):
    """A fork–join: the case goes down every branch at once and waits for all."""

    parallel: tuple[Branch, ...]


class SubRoute(Frozen):
    """A reference to a named route of ``backoffice.routes``."""

    route: str


RouteItem = Annotated[
    Union[Annotated[str, Tag("<stage>")], Annotated[Parallel, Tag("<parallel>")],  # noqa: UP007
          Annotated[SubRoute, Tag("<route>")]],
    Discriminator(_item_kind, custom_error_type="route_item",
                  custom_error_message="a route item is a stage name, {route: NAME} or "
                                       "{parallel: [BRANCH, ...]}"),
]
"""One item of a route."""

Branch = Annotated[
    Union[Annotated[str, Tag("<stage>")], Annotated[SubRoute, Tag("<route>")],  # noqa: UP007
          Annotated[tuple[RouteItem, ...], Tag("<series>")]],
    Discriminator(_branch_kind, custom_error_type="route_branch",
                  custom_error_message="a parallel branch is a stage name, {route: NAME} or a "
                                       "list of route items"),
]
"""One branch of a parallel group."""

Parallel.model_rebuild()

T = TypeVar("T")


class RouteFold(Protocol[T]):
    """What :func:`fold_route` makes of each part of a route (``path`` is its field path)."""

    def stage(self, name: str, path: str) -> T:
        """A stage occurrence."""

    def subroute(self, name: str, path: str) -> T:
        """A reference to a named route (not followed by the walker)."""

    def series(self, parts: list[T], path: str) -> T:
        """Items one after the other."""

    def parallel(self, branches: list[T], path: str) -> T:
        """Branches at once (a fork–join)."""


def fold_route(items: Sequence[RouteItem], fold: RouteFold[T], path: str = "") -> T:
    """Walk a route depth-first in order and combine its parts with ``fold``.

    Items are numbered ``path[k]``, a parallel group's branches
    ``path[k].parallel[b]``; a branch that is a list is a series. Named routes
    are handed to ``fold.subroute``, which decides whether to follow them.
    """

    def series(seq: Sequence[RouteItem], where: str) -> T:
        return fold.series([item(x, f"{where}[{k}]") for k, x in enumerate(seq)], where)

    def item(x: RouteItem | tuple[RouteItem, ...], where: str) -> T:
        if isinstance(x, str):
            return fold.stage(x, where)
        if isinstance(x, SubRoute):
            return fold.subroute(x.route, f"{where}.route")
        if isinstance(x, tuple):
            return series(x, where)
        return fold.parallel([item(b, f"{where}.parallel[{k}]")
                              for k, b in enumerate(x.parallel)], f"{where}.parallel")

    return series(items, path)


class Stage(Frozen):
    """A pool of reviewers (审查, 勘验, 决定, 制证 …) serving cases first come, first served."""

    count: int = Field(default=1, ge=1, le=MAX_WINDOWS_PER_GROUP)
    service: Distribution


class BackOfficeSpec(Frozen):
    """The back office: its working hours, its stages and its named routes."""

    hours: tuple[str, ...] | None = None
    stages: dict[str, Stage] = Field(min_length=1)
    routes: dict[str, tuple[RouteItem, ...]] = Field(default_factory=dict)


class CaseApproval(Frozen):
    """Per category: which accepted cases go to the back office, by which route."""

    share: float = Field(default=1.0, ge=0.0, le=1.0)
    route: Annotated[
        Union[Annotated[str, Tag("<name>")],  # noqa: UP007
              Annotated[tuple[RouteItem, ...], Tag("<items>")]],
        Discriminator(_route_kind, custom_error_type="route",
                      custom_error_message="a route is the name of one of backoffice.routes "
                                           "or a list of route items"),
    ]
    promised_days: Days | None = None
    statutory_days: Days | None = None


class Delivery(Frozen):
    """How a result reaches the citizen: posted, or collected at an output window (出件)."""

    post_share: float = Field(default=1.0, ge=0.0, le=1.0)
    post_delay_days: Distribution | None = None
    collect_at: str | None = None
    collect_delay_days: Distribution | None = None


class Deficiency(Frozen):
    """Accept with deficiency (容缺受理): supplied later, without a visit."""

    supplement_days: Distribution


class Returns(Frozen):
    """Incomplete materials send the citizen away to come back another day."""

    incomplete: float = Field(ge=0.0, le=1.0)
    delay_days: Distribution
    one_time_notice: float | None = Field(default=None, ge=0.0, le=1.0)
    accept_with_deficiency: Deficiency | None = None


def _rate_kind(value: Any) -> str:
    """Tag of an arrival rate: a time-of-day profile (a mapping) or one number."""
    return "<profile>" if isinstance(value, dict) else "<number>"


ArrivalRate = Annotated[
    Union[Annotated[HourlyRate, Tag("<number>")],  # noqa: UP007
          Annotated[dict[str, HourlyRate], Tag("<profile>")]],
    Discriminator(_rate_kind),
]
"""Tickets per hour: one number, or a ``{"HH:MM": rate}`` profile by time of day."""


class Journey(Frozen):
    """Several items one citizen needs, visited one after another (a ticket each)."""

    arrivals_per_hour: ArrivalRate
    steps: tuple[str, ...] = Field(min_length=1)
