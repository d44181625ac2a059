"""What happens around and behind the windows: approval stages, result delivery,
return visits and citizen journeys (the scenario's optional process sections).

These are the validated *specifications*; :mod:`sim.engine.backoffice` and
:mod:`sim.engine.cases` run them. All durations are minutes (stage service times are
*working* minutes of the back office's hours); delays marked ``_days`` are in
working days. See ``docs/scenario-format.md``.
"""

from __future__ import annotations

from typing import Union

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat

from sim.spec.distributions import Distribution


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Parallel(_Frozen):
    """A fork–join: the case goes down every branch at once and waits for all."""

    parallel: tuple[Union[str, SubRoute, tuple[RouteItem, ...]], ...]  # noqa: UP007


class SubRoute(_Frozen):
    """A reference to a named route of ``backoffice.routes``."""

    route: str


RouteItem = Union[str, Parallel, SubRoute]  # noqa: UP007
Parallel.model_rebuild()


class Stage(_Frozen):
    """A pool of reviewers (审查, 勘验, 决定, 制证 …) serving cases first come, first served."""

    count: int = Field(default=1, ge=1)
    service: Distribution


class BackOfficeSpec(_Frozen):
    """The back office: its working hours, its stages and its named routes."""

    hours: tuple[str, ...] | None = None
    stages: dict[str, Stage] = Field(min_length=1)
    routes: dict[str, tuple[RouteItem, ...]] = Field(default_factory=dict)


class CaseApproval(_Frozen):
    """Per category: which accepted cases go to the back office, by which route."""

    share: float = Field(default=1.0, ge=0.0, le=1.0)
    route: Union[str, tuple[RouteItem, ...]]  # noqa: UP007
    promised_days: PositiveFloat | None = None
    statutory_days: PositiveFloat | None = None


class Delivery(_Frozen):
    """How a result reaches the citizen: posted, or collected at an output window (出件)."""

    post_share: float = Field(default=1.0, ge=0.0, le=1.0)
    post_delay_days: Distribution | None = None
    collect_at: str | None = None
    collect_delay_days: Distribution | None = None


class Deficiency(_Frozen):
    """Accept with deficiency (容缺受理): supplied later, without a visit."""

    supplement_days: Distribution


class Returns(_Frozen):
    """Incomplete materials send the citizen away to come back another day."""

    incomplete: float = Field(ge=0.0, le=1.0)
    delay_days: Distribution
    one_time_notice: float | None = Field(default=None, ge=0.0, le=1.0)
    accept_with_deficiency: Deficiency | None = None


class Journey(_Frozen):
    """Several items one citizen needs, visited one after another (a ticket each)."""

    arrivals_per_hour: NonNegativeFloat | dict[str, NonNegativeFloat]
    steps: tuple[str, ...] = Field(min_length=1)
