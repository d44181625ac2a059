"""What the fast engine covers: :func:`unsupported` names the first scenario field it does
not, and :func:`available` tells whether numba is installed (the ``[fast]`` extra).

Covered: time-of-day arrivals with day factors and a random day level, categories and
authorisation sets, window groups with schedules, speed factors and random breaks (with
the AB backup, drawn up front), both call rules, balking and reneging (lazy, with the
``reached`` moment), priority levels (with appointments' booked level and windows
reserved for booked tickets), self-service kiosks and the guide desk (both drawn up
front, as in the SimPy engine), wrong tickets (turned away at the window, the next ticket
taken at once, in the loop) and walking to the window (``layout.walking``). Journeys
(``journeys``: each step a ticket taken when the last is served, now or at the hall's
next opening) run in the loop too, their books kept by the SimPy engine's own runner
(:mod:`sim.engine.fast.journeys`). Back offices (``categories.X.backoffice``, results
posted, online applicants' cases) run after the front on the SimPy engine's own
back-office code, exactly (:func:`~sim.engine.fast.cases.run_fast_cases`). Journeys and
back offices need the case draws: they run where the caller runs that post-pass
(``with_cases``, as every run does), not in :func:`~sim.engine.fast.run_fast` (the front
alone). What feeds back into the front after the back office or days later
(:func:`feedback`: returns, collection visits) stays on the SimPy engine: returns draw
visits beyond the first four on demand and, with ``accept_with_deficiency``, enter the
back office later than the service end; collection visits wait for the back office,
which the fast engine runs after the front.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from dataclasses import dataclass

from sim.files.errors import InputError
from sim.scenario.model import Scenario


def loaded() -> bool:
    """Whether this process has loaded the compiled engine already (nothing more to pay)."""
    loop = sys.modules.get("sim.engine.fast.loop")
    return loop is not None and bool(loop.run_loop.signatures)


@functools.cache
def available() -> bool:
    """Whether numba can be imported (the ``[fast]`` extra is installed)."""
    return importlib.util.find_spec("numba") is not None


def feedback(scenario: Scenario) -> str | None:
    """The first field of ``scenario`` through which what follows the window comes back
    to it and the fast engine does not follow (``None``: none): a category's ``returns``
    (citizens sent away come back), its ``delivery.collect_at`` where some results are
    collected (a visit to an output window). ``journeys`` (each step a ticket after the
    last) feed back too, but the compiled loop takes their tickets itself
    (:mod:`sim.engine.fast.journeys`)."""
    return _first_field(scenario, front_alone=False)


def unsupported(scenario: Scenario, with_cases: bool = False) -> str | None:
    """The first field of ``scenario`` the fast engine does not run (``None``: it runs all).

    ``with_cases``: the caller runs the cases and journeys with the front
    (:func:`~sim.engine.fast.cases.run_fast_cases`), so categories with a back office
    and journeys are run too and only what feeds back otherwise (:func:`feedback`) is
    not; without it (a caller of :func:`~sim.engine.fast.run_fast`, which runs the front
    alone, with no draws of cases or journeys) a back office or journeys are not run
    either."""
    return _first_field(scenario, front_alone=not with_cases)


def _first_field(scenario: Scenario, front_alone: bool) -> str | None:
    """The first field that feeds back into the front beyond the journeys, or
    (``front_alone``) has a back office or journeys, category by category, then the
    journeys."""
    for name, cat in scenario.categories.items():
        if front_alone and cat.backoffice is not None:
            return f"categories.{name}.backoffice"
        if cat.returns is not None:
            return f"categories.{name}.returns"
        dl = cat.delivery
        if dl is not None and dl.collect_at is not None and dl.post_share < 1.0:
            return f"categories.{name}.delivery.collect_at"
    if front_alone and scenario.journeys:
        return "journeys"
    return None


#: the values of ``--engine`` and of an experiment's ``engine:``
ENGINES = ("auto", "fast", "simpy")
#: expected tickets of a run (all replications) from which ``auto`` runs the fast engine:
#: loading it (numba and its compiled code from the disk cache) takes about 0.5 to 1 s,
#: in which the SimPy engine handles some 100,000 to 200,000 tickets
FAST_FROM_TICKETS = 100_000


@dataclass(frozen=True)
class EngineChoice:
    """The engine that runs a scenario (``fast`` or ``simpy``) and why."""

    engine: str
    reason: str

    def line(self) -> str:
        """The one line the command line prints about it."""
        return f"engine: {self.engine} ({self.reason})"


def choose_engine(scenario: Scenario, requested: str = "auto", replications: int = 1,
                  with_cases: bool = False) -> EngineChoice:
    """The engine for ``replications`` replications of ``scenario`` under ``--engine
    requested``: ``auto`` runs the fast engine where it is installed, runs every field of
    the scenario (``with_cases``: as :func:`unsupported`) and the run is big enough to pay
    for loading it (:data:`FAST_FROM_TICKETS` expected tickets, or any run once it is
    loaded), the SimPy engine otherwise. ``fast`` where it cannot run raises
    :class:`~sim.files.errors.InputError` (exit 2)."""
    if requested not in ENGINES:
        raise InputError("", "--engine", f"unknown engine '{requested}' "
                         f"(use one of {', '.join(ENGINES)})")
    if requested == "simpy":
        return EngineChoice("simpy", "asked for")
    if not available():
        if requested == "fast":
            raise InputError("", "--engine", "the fast engine needs numba: install the [fast] "
                             "extra (pip install 'hallsim[fast]')")
        return EngineChoice("simpy", "numba is not installed: install the [fast] extra "
                            "for the fast engine")
    field = unsupported(scenario, with_cases)
    if field is not None:
        if requested == "fast":
            raise InputError("", "--engine", f"the fast engine does not run '{field}' of "
                             f"scenario '{scenario.name}' (use --engine auto or simpy)")
        return EngineChoice("simpy", f"the fast engine does not run '{field}'")
    if requested == "fast":
        return EngineChoice("fast", "asked for")
    from sim.engine.arrivals import expected_tickets

    tickets = expected_tickets(scenario) * replications
    if tickets < FAST_FROM_TICKETS and not loaded():
        return EngineChoice("simpy", f"a small run of {tickets:,.0f} expected tickets: the "
                            f"fast engine pays for its loading from {FAST_FROM_TICKETS:,}")
    return EngineChoice("fast", "it runs every field of the scenario")
