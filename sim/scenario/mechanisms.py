"""Optional hall mechanisms of a scenario: priority classes, online applications, breaks.

Each is an optional field with a default that leaves the hall exactly as it is
without it (see ``docs/scenario-format.md``, "Hall mechanisms"):

- ``categories.X.priority`` and ``categories.X.priority_share``: the priority level
  of a category's tickets, and optionally of a share of its customers (say the
  elderly); a window calls the highest level first, then by its call rule;
- ``categories.X.online``: the share of a category's customers applying online,
  who skip the windows and go straight to the back office;
- ``windows[].breaks``: windows of a group going off duty at random, each for a
  random time, optionally covered by an AB backup clerk;
- ``windows[].kiosk`` and ``categories.X.kiosk``: self-service kiosks (自助终端)
  taking a share of a category's customers off the staffed windows;
- ``categories.X.appointments`` and ``windows[].reserved_for_booked``: booked
  customers (预约) arriving around their slots, called first or at reserved windows;
- ``categories.X.wrong_ticket`` and ``guide``: customers taking a wrong ticket are
  turned away at the window and queue again (a feedback loop); a guide desk
  (导引台) in front of the ticket machine lowers that share and pre-checks materials.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from sim.files.limits import MAX_WINDOWS_PER_GROUP
from sim.scenario.base import Frozen
from sim.scenario.distributions import Distribution

if TYPE_CHECKING:
    from sim.scenario.model import Scenario

MAX_PRIORITY = 9
"""Highest priority level (levels are 0 .. MAX_PRIORITY; 0 is the default)."""

Level = Annotated[int, Field(ge=0, le=MAX_PRIORITY, strict=True)]
"""A priority level: a window calls tickets of a higher level first."""

Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
"""A probability or share, 0 to 1."""


class PriorityShare(Frozen):
    """A share of a category's customers with a priority level of their own (e.g. the
    elderly, the disabled, key projects: 老年人、残疾人、重点项目)."""

    share: Share
    priority: Level
    label: str | None = None


class Online(Frozen):
    """The share of a category's customers who apply online (一网通办, 掌上办).

    They never take a ticket: the application enters the back office at the time
    the customer would have come (``route`` if given, otherwise the category's own
    route), and the result is posted or collected as ``delivery`` says.
    """

    share: Share
    route: str | None = None


class Backup(Frozen):
    """An AB backup post (AB岗): a covering clerk takes over a window on break with
    probability ``probability``, ``delay`` minutes after the break started."""

    probability: Share
    delay: Distribution


class Breaks(Frozen):
    """Random absences of a group's windows (each window on its own).

    A window on duty goes on a break after ``every`` minutes (measured from its
    return), finishing the customer it is serving first; the break lasts
    ``duration`` minutes, or until the backup clerk takes over if there is one.
    """

    every: Distribution
    duration: Distribution
    backup: Backup | None = None


MAX_WRONG_SHARE = 0.95
"""Highest share of wrong tickets (each ticket a customer takes is wrong with this
probability: 1 / (1 - share) tickets per customer, 20 at the limit)."""


class WrongTicket(Frozen):
    """Customers of a category who take a wrong ticket (取错号) without guidance.

    Each ticket such a customer takes is wrong with probability ``share``: the
    window it is called to turns the customer away after ``turn_away`` minutes,
    and the customer takes a new ticket at once (which may be wrong again: a
    geometric number of wrong tickets, ``share / (1 - share)`` on average). The
    wrong ticket queues for ``to`` (a category name; default the category itself).
    """

    share: Annotated[float, Field(ge=0, le=MAX_WRONG_SHARE, allow_inf_nan=False)]
    turn_away: Distribution
    to: str | None = None


class Guide(Frozen):
    """A guide desk (导引台) every customer arriving for a first visit passes before
    taking a ticket: ``count`` guides, first come first served, ``service`` minutes
    each. Guided customers take a wrong ticket ``wrong_ticket_factor`` times as
    often, and the guides' pre-check multiplies the probability that materials are
    incomplete (``returns.incomplete``, ``returns.one_time_notice``) by
    ``incomplete_factor``."""

    count: int = Field(ge=1, le=MAX_WINDOWS_PER_GROUP, strict=True)
    service: Distribution
    wrong_ticket_factor: Share = 1.0
    incomplete_factor: Share = 1.0


class Kiosk(Frozen):
    """The customers of a category who use a self-service kiosk (自助终端): each is willing
    with probability ``share``, uses a kiosk of the category's kiosk group for
    ``service`` minutes, and cannot finish there with probability ``fail`` (then takes
    a ticket for a staffed window)."""

    share: Share
    service: Distribution
    fail: Share = 0.0


MAX_SLOT_MINUTES = 24 * 60.0
"""Longest appointment slot, and largest punctuality shift (a day)."""


class Punctuality(Frozen):
    """When booked customers arrive, relative to their slot: ``shift`` minutes (negative
    = early) plus a ``spread`` draw (minutes, 0 or more; none = exactly ``shift``)."""

    shift: float = Field(default=0.0, ge=-MAX_SLOT_MINUTES, le=MAX_SLOT_MINUTES,
                         allow_inf_nan=False)
    spread: Distribution | None = None


class Appointments(Frozen):
    """Appointments (预约) of a category: a ``share`` of its customers book the first slot
    at or after the time they would have come (slots of ``slot_minutes`` from each
    opening, ``per_slot`` customers each), arrive as ``punctuality`` says, or not at all
    (``no_show``); booked tickets have priority level ``priority`` (default: one above
    the category's), and windows with ``reserved_for_booked`` serve only them."""

    share: Share
    slot_minutes: float = Field(gt=0, le=MAX_SLOT_MINUTES, allow_inf_nan=False)
    per_slot: int = Field(ge=1, le=10_000, strict=True)
    punctuality: Punctuality = Punctuality()
    no_show: Share = 0.0
    priority: Level | None = None


def _check_appointments(sc: Scenario) -> None:
    """Booked tickets have a level of their own; appointment items have no case flow;
    a reserved group serves a category with appointments."""
    from sim.files.errors import ScenarioError

    for c, cat in sc.categories.items():
        a = cat.appointments
        if a is None:
            continue
        path = f"categories.{c}.appointments"
        if cat.has_case_flow or cat.online is not None:
            raise ScenarioError(path, "not yet with 'backoffice', 'returns' or 'online'")
        walk_in = {cat.level} | ({cat.priority_share.priority}
                                 if cat.priority_share is not None else set())
        if cat.booked_level in walk_in:
            raise ScenarioError(f"{path}.priority", f"level {cat.booked_level} is also a "
                                                    "walk-in level of this category: booked "
                                                    "tickets need a level of their own")
    for g in sc.windows:
        if g.reserved_for_booked and not any(
                sc.categories[c].appointments is not None for c in sc.authorisation.serves(g.id)):
            raise ScenarioError(f"windows.{g.id}.reserved_for_booked",
                                "serves no category with 'appointments'")
        if g.reserved_for_booked and g.kiosk:
            raise ScenarioError(f"windows.{g.id}.reserved_for_booked", "not on kiosks")


def _check_kiosks(sc: Scenario) -> None:
    """A kiosk category has one kiosk group and a staffed window for the customers who
    cannot finish; kiosks serve simple items (no case flow), take no breaks and have
    no schedule."""
    from sim.files.errors import ScenarioError

    for g in sc.windows:
        if g.kiosk:
            for name in ("breaks", "schedule", "speed"):
                if getattr(g, name) is not None:
                    raise ScenarioError(f"windows.{g.id}.{name}",
                                        "kiosks have no staff: no breaks, schedule or speed")
    for c, cat in sc.categories.items():
        if cat.kiosk is None:
            continue
        path = f"categories.{c}.kiosk"
        kiosks = [g.id for g in sc.windows if g.kiosk and c in sc.authorisation.serves(g.id)]
        staffed = [g.id for g in sc.windows if not g.kiosk and c in sc.authorisation.serves(g.id)]
        if len(kiosks) != 1:
            raise ScenarioError(path, f"needs exactly one kiosk group (windows with 'kiosk: "
                                      f"true') serving '{c}', found {kiosks}")
        if not staffed:
            raise ScenarioError(path, "customers who cannot finish at a kiosk need a staffed "
                                      f"window serving '{c}'")
        if cat.has_case_flow:
            raise ScenarioError(path, "kiosks serve simple items: not with 'backoffice' or "
                                      "'returns'")
        if not cat.kiosk.service.mean > 0:
            raise ScenarioError(f"{path}.service", "must have a mean above 0 minutes")


def check_mechanisms(sc: Scenario) -> None:
    """Cross-references of the mechanisms: online applications go to a back-office route
    that exists; breaks and backups take time."""
    from sim.files.errors import ScenarioError

    _check_kiosks(sc)
    _check_appointments(sc)
    for c, cat in sc.categories.items():
        online = cat.online
        if online is None:
            continue
        path = f"categories.{c}.online"
        if cat.backoffice is None or sc.backoffice is None:
            raise ScenarioError(path, "online applications go to the back office: add "
                                      "'backoffice' to this category")
        if online.route is not None and online.route not in sc.backoffice.routes:
            raise ScenarioError(f"{path}.route", f"unknown route '{online.route}' "
                                                 f"(known: {list(sc.backoffice.routes)})")
    for c, cat in sc.categories.items():
        wrong = cat.wrong_ticket
        if wrong is not None and wrong.to is not None and wrong.to not in sc.categories:
            raise ScenarioError(f"categories.{c}.wrong_ticket.to",
                                f"unknown category '{wrong.to}' (known: {list(sc.categories)})")
    if sc.guide is not None and not sc.guide.service.mean > 0:
        raise ScenarioError("guide.service", "must have a mean above 0 minutes")
    for g in sc.windows:
        b = g.breaks
        if b is None:
            continue
        path = f"windows.{g.id}.breaks"
        for name, dist in (("every", b.every), ("duration", b.duration)):
            if not dist.mean > 0:
                raise ScenarioError(f"{path}.{name}", "must have a mean above 0 minutes")
