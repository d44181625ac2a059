"""Scenario files: safe YAML loading and validation into typed, immutable objects.

A scenario says what a hall is: its opening hours, the categories of tickets
(service items, 事项) with their arrival rates and service times, and the window
groups (窗口) with the categories each is authorised to serve. The format is
documented in ``docs/scenario-format.md``. :func:`load_scenario` raises
:class:`sim.files.errors.InputError` naming the file, the field path and the problem.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    Field,
    NonNegativeFloat,
    PrivateAttr,
    field_validator,
    model_validator,
)

from sim.files.errors import InputError, ScenarioError
from sim.files.limits import (
    MAX_DAY_FACTOR,
    MAX_DAYS,
    MAX_DURATION,
    MAX_LABEL,
    MAX_SPEED,
    MAX_WINDOWS_PER_GROUP,
)
from sim.scenario.authorisation import Authorisation, resolve_ref
from sim.scenario.backoffice import (
    ArrivalRate,
    BackOfficeSpec,
    CaseApproval,
    Delivery,
    Journey,
    Returns,
)
from sim.scenario.base import Frozen
from sim.scenario.calendar import Calendar
from sim.scenario.checks import check_scenario
from sim.scenario.clock import parse_hhmm, parse_period, parse_periods
from sim.scenario.distributions import Distribution
from sim.scenario.layout import Layout, check_layout
from sim.scenario.loading import (  # noqa: F401 - re-exported: many modules import them from here
    dump_scenario,
    load_scenario,
    scenario_from_dict,
    validation_error_to_input,
)
from sim.scenario.mechanisms import (
    MAX_PRIORITY,
    Appointments,
    Breaks,
    Guide,
    Kiosk,
    Level,
    Online,
    PriorityShare,
    WrongTicket,
    check_mechanisms,
)

__all__ = [
    "Category", "Hall", "Scenario", "ScenarioError", "Targets", "WindowGroup", "dump_scenario",
    "load_scenario", "scenario_from_dict", "validation_error_to_input",
]

CallRule = Literal["oldest_first", "own_first"]


class Hall(Frozen):
    """Opening hours and the length of one replication."""

    open: tuple[str, ...] = Field(min_length=1)
    days: int = Field(default=5, ge=1, le=MAX_DAYS, strict=True)
    warmup_days: int = Field(default=0, ge=0, strict=True)
    day_factors: tuple[Annotated[float, Field(gt=0, le=MAX_DAY_FACTOR)], ...] = Field(
        default=(1.0,), min_length=1)
    day_level_cv: float = Field(default=0.0, ge=0, le=10, allow_inf_nan=False)
    call_rule: CallRule = "oldest_first"

    _periods: tuple[tuple[float, float], ...] = PrivateAttr()

    @field_validator("open")
    @classmethod
    def _check_open(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        parse_periods(value)
        return value

    @model_validator(mode="after")
    def _check_days(self) -> Hall:
        if self.warmup_days >= self.days:
            raise ScenarioError(
                "hall.warmup_days",
                f"warmup_days ({self.warmup_days}) must be below days ({self.days})",
            )
        return self

    def model_post_init(self, __context: Any) -> None:  # noqa: D102
        self._periods = tuple(parse_period(p) for p in self.open)

    @property
    def periods(self) -> tuple[tuple[float, float], ...]:
        """Opening periods as ``(start, end)`` minutes after midnight."""
        return self._periods

    @property
    def open_minutes_per_day(self) -> float:
        """Minutes the hall issues tickets per day."""
        return sum(e - s for s, e in self._periods)

    def is_open_at(self, minute: float) -> bool:
        """Whether ``minute`` (after midnight) lies inside an opening period."""
        return any(s <= minute < e for s, e in self._periods)

    def day_factor(self, day: int) -> float:
        """Arrival multiplier of day ``day`` (0-based, cycling through ``day_factors``)."""
        return self.day_factors[day % len(self.day_factors)]


class Category(Frozen):
    """A service item (事项): its own queue, arrivals, service time and patience."""

    department: str | None = None
    zone: str | None = None
    arrivals_per_hour: ArrivalRate
    service: Distribution
    patience: Distribution | None = None
    service_by_time: dict[str, Annotated[float, Field(gt=0, le=MAX_SPEED)]] | None = None
    balk_at_queue: int | None = Field(default=None, ge=1, strict=True)
    backoffice: CaseApproval | None = None
    delivery: Delivery | None = None
    returns: Returns | None = None
    priority: Level | None = None
    priority_share: PriorityShare | None = None
    online: Online | None = None
    wrong_ticket: WrongTicket | None = None
    kiosk: Kiosk | None = None
    appointments: Appointments | None = None

    @property
    def level(self) -> int:
        """The priority level of the category's tickets (0 without ``priority``)."""
        return self.priority or 0

    @property
    def levels(self) -> tuple[int, ...]:
        """Every priority level a ticket of this category can have, highest first."""
        out = {self.level}
        if self.priority_share is not None and self.priority_share.share > 0:
            out.add(self.priority_share.priority)
        if self.appointments is not None:  # (even at share 0: reserved windows idle)
            out.add(self.booked_level)
        return tuple(sorted(out, reverse=True))

    @property
    def booked_level(self) -> int:
        """The priority level of booked tickets: ``appointments.priority``, else one above
        the category's level (the category's level without ``appointments``)."""
        a = self.appointments
        if a is None:
            return self.level
        return a.priority if a.priority is not None else min(self.level + 1, MAX_PRIORITY)

    @property
    def online_share(self) -> float:
        """Share of the category's customers applying online (0 without ``online``)."""
        return self.online.share if self.online is not None else 0.0

    def service_factor_at(self, minute: np.ndarray) -> np.ndarray:
        """Service-time multiplier of tickets taken at ``minute`` (from day 0's start):
        the ``service_by_time`` entry in force at that time of day (1 without one)."""
        minute = np.asarray(minute, dtype=float)
        if not self.service_by_time:
            return np.ones(len(minute))
        steps = sorted((parse_hhmm(k), float(v)) for k, v in self.service_by_time.items())
        times = np.array([t for t, _ in steps])
        values = np.array([v for _, v in steps])
        k = np.searchsorted(times, minute % 1440.0, side="right") - 1
        return values[np.maximum(k, 0)]

    @property
    def has_case_flow(self) -> bool:
        """Whether tickets of this category start cases followed beyond the window."""
        return self.backoffice is not None or self.returns is not None


class WindowGroup(Frozen):
    """A group of identical windows (窗口) with one authorisation set."""

    id: str = Field(min_length=1)
    label: str | None = Field(default=None, min_length=1, max_length=MAX_LABEL)
    """Extension: the group's name for people ("市场监管窗口"), shown by tables, charts,
    the floor plan and the page instead of ``id``; ``id`` stays the key everything
    refers to (patches, schedules, results)."""
    count: int = Field(ge=1, le=MAX_WINDOWS_PER_GROUP, strict=True)
    serves: tuple[str, ...] = Field(min_length=1)
    primary: tuple[str, ...] | None = None
    call_rule: CallRule | None = None
    schedule: dict[str, int] | None = None
    speed: dict[str, Annotated[float, Field(gt=0, le=MAX_SPEED)]] | None = None
    breaks: Breaks | None = None
    kiosk: bool = False
    reserved_for_booked: bool = False

    @property
    def name(self) -> str:
        """How the group is shown to people: its ``label``, else its ``id``."""
        return self.label or self.id

    def staffing(self) -> tuple[tuple[float, int], ...]:
        """``(minute of day, windows staffed from then on)`` steps, in time order.

        Without a schedule: the whole group from midnight. With one, the first
        step is at the opening time (validation makes sure of it).
        """
        if not self.schedule:
            return ((0.0, self.count),)
        return tuple(sorted((parse_hhmm(k), n) for k, n in self.schedule.items()))

    def staffed_at(self, minute: float) -> int:
        """Windows staffed at a minute of the day (open hours; the last step before it)."""
        steps = self.staffing()
        n = steps[0][1]
        for t, value in steps:
            if t <= minute:
                n = value
        return n

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not re.fullmatch(r"[\w.:-]+", value):
            raise ValueError("window id may use letters (any script), digits and _ . : - only")
        return value

    @field_validator("label")
    @classmethod
    def _check_label(cls, value: str | None) -> str | None:
        if value is not None and (value != value.strip() or not value.isprintable()):
            raise ValueError("a label is one line of text without leading or trailing spaces")
        return value


class Targets(Frozen):
    """Service-level thresholds reported in the results."""

    wait_minutes: Annotated[float, Field(gt=0, le=MAX_DURATION)] = 20.0
    """The service-level target T: a ticket called within T minutes meets it."""
    short_abandon_minutes: Annotated[NonNegativeFloat, Field(le=MAX_DURATION)] = 0.0
    """Abandonments within this many minutes of the ticket are left out of the service
    level (neither met nor missed; :mod:`sim.stats.service_level`)."""


class Scenario(Frozen):
    """A validated, immutable hall scenario."""

    name: str = Field(min_length=1)
    hall: Hall
    categories: dict[str, Category] = Field(min_length=1)
    windows: tuple[WindowGroup, ...] = Field(min_length=1)
    targets: Targets = Targets()
    calendar: Calendar | None = None
    backoffice: BackOfficeSpec | None = None
    journeys: dict[str, Journey] = Field(default_factory=dict)
    guide: Guide | None = None
    layout: Layout | None = None

    _auth: Authorisation = PrivateAttr()

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        self._auth = check_scenario(self)
        check_mechanisms(self)
        check_layout(self)
        return self

    # --- queries -----------------------------------------------------------------

    @property
    def window_count(self) -> int:
        """Windows of the hall in all: the sum of its window groups' counts (kiosk
        groups included)."""
        return sum(g.count for g in self.windows)

    @property
    def staffed_window_count(self) -> int:
        """Windows a clerk staffs: the window total without the self-service kiosk groups."""
        return sum(g.count for g in self.windows if not g.kiosk)

    @property
    def has_priorities(self) -> bool:
        """Whether tickets differ in priority level (some category sets one)."""
        return len({lv for c in self.categories.values() for lv in c.levels}) > 1

    @property
    def has_online(self) -> bool:
        """Whether some category has customers applying online."""
        return any(c.online_share > 0 for c in self.categories.values())

    @property
    def has_breaks(self) -> bool:
        """Whether some window group takes random breaks."""
        return any(g.breaks is not None for g in self.windows)

    @property
    def has_appointments(self) -> bool:
        """Whether some category takes appointments (``categories.X.appointments``, even
        at share 0: its booked queue exists, and reserved windows wait on it)."""
        return any(c.appointments is not None for c in self.categories.values())

    @property
    def has_kiosks(self) -> bool:
        """Whether some customers use self-service kiosks (``categories.X.kiosk``)."""
        return any(c.kiosk is not None and c.kiosk.share > 0 for c in self.categories.values())

    def kiosk_group(self, category: str) -> int:
        """Index in ``windows`` of the kiosk group serving ``category`` (-1 if none)."""
        for gi, g in enumerate(self.windows):
            if g.kiosk and category in self._auth.serves(g.id):
                return gi
        return -1

    def window_share(self, category: str) -> float:
        """Share of a category's customers who take a ticket for a staffed window: all but
        the online applicants, booked no-shows and the kiosk users who finish there,
        ``(1 - online.share) * (1 - booked share * no_show) * (1 - kiosk.share * (1 -
        kiosk.fail))``."""
        cat = self.categories[category]
        walk_in = 1.0 - cat.online_share
        k, a = cat.kiosk, cat.appointments
        if a is not None:  # booked no-shows never come
            walk_in *= 1.0 - a.share * a.no_show
        return walk_in * (1.0 - k.share * (1.0 - k.fail)) if k is not None else walk_in

    @property
    def has_wrong_tickets(self) -> bool:
        """Whether some customers take a wrong ticket (``categories.X.wrong_ticket``)."""
        return any(self.wrong_share(c) > 0 for c in self.categories)

    @property
    def has_door(self) -> bool:
        """Whether customers are followed from the door: a guide desk or wrong tickets."""
        return self.guide is not None or self.has_wrong_tickets

    def wrong_share(self, category: str) -> float:
        """Probability that a ticket a customer of ``category`` takes is wrong: the
        category's ``wrong_ticket.share``, times ``guide.wrong_ticket_factor`` when a
        guide desk is present (0 without ``wrong_ticket``)."""
        wrong = self.categories[category].wrong_ticket
        if wrong is None:
            return 0.0
        return wrong.share * (self.guide.wrong_ticket_factor if self.guide else 1.0)

    def incomplete_probabilities(self, category: str) -> tuple[float, float]:
        """``(first, again)``: the probability that a case's materials are incomplete at
        its first visit, and at a return visit (``one_time_notice`` if given, else the
        same), after the guide desk's pre-check (``guide.incomplete_factor``). (0, 0)
        without ``returns``."""
        r = self.categories[category].returns
        if r is None:
            return 0.0, 0.0
        again = r.one_time_notice if r.one_time_notice is not None else r.incomplete
        if self.guide is None or self.guide.incomplete_factor == 1.0:
            return r.incomplete, again
        f = self.guide.incomplete_factor
        return r.incomplete * f, again * f

    @property
    def authorisation(self) -> Authorisation:
        """Which window groups serve which categories, resolved once at validation."""
        return self._auth

    def resolve(self, ref: str, path: str = "") -> tuple[str, ...]:
        """Category names that a reference (name, ``department:X``, ``zone:X``, ``*``) names."""
        return resolve_ref(ref, self.categories, path)

    def serves(self, group_id: str) -> tuple[str, ...]:
        """Category names the window group is authorised for (``authorisation.serves``)."""
        return self._auth.serves(group_id)

    def primary(self, group_id: str) -> tuple[str, ...]:
        """The group's primary categories (``authorisation.primary``)."""
        return self._auth.primary(group_id)

    def speed_factor(self, group_id: str, category: str) -> float:
        """Service-time factor of the group on the category (``authorisation.speed_factor``)."""
        return self._auth.speed_factor(group_id, category)

    def group_names(self) -> dict[str, str]:
        """Each window group's name for people (:attr:`WindowGroup.name`), by id."""
        return {g.id: g.name for g in self.windows}

    def group(self, group_id: str) -> WindowGroup:
        """The window group with this id."""
        for g in self.windows:
            if g.id == group_id:
                return g
        raise KeyError(group_id)

    def call_rule(self, group_id: str) -> CallRule:
        """The call rule in force at a window group."""
        return self.group(group_id).call_rule or self.hall.call_rule

    def with_days(self, days: int) -> Scenario:
        """The same scenario over ``days`` days (warm-up kept if it still fits).

        ``days`` outside 1 .. :data:`~sim.files.limits.MAX_DAYS` raises :class:`InputError`
        naming the ``--days`` option, which is where such a value comes from.
        """
        if not 1 <= days <= MAX_DAYS:
            raise InputError("", "--days", f"{days:,} days: must be between 1 and the limit "
                                           f"of {MAX_DAYS:,} (see 'Limits' in "
                                           "docs/scenario-format.md)")
        hall = self.hall.model_dump(by_alias=True)
        hall["days"] = days
        hall["warmup_days"] = min(self.hall.warmup_days, days - 1)
        return scenario_from_dict({**self.to_dict(), "hall": hall})

    def to_dict(self) -> dict[str, Any]:
        """Plain data (as written in YAML), suitable for :func:`scenario_from_dict`."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")
