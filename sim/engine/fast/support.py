"""What the fast engine covers: :func:`unsupported` names the first scenario field it does
not, and :func:`available` tells whether numba is installed (the ``[fast]`` extra).

Covered: time-of-day arrivals with day factors and a random day level, categories and
authorisation sets, window groups with schedules and speed factors, both call rules,
balking and reneging (lazy, with the ``reached`` moment), priority levels (with
appointments' booked level and windows reserved for booked tickets), online applicants
and self-service kiosks (drawn up front, as in the SimPy engine). Left to the SimPy
engine: random breaks, the guide desk and wrong tickets, and whatever follows tickets
beyond the window (back office cases, returns, journeys).
"""

from __future__ import annotations

import importlib.util

from sim.scenario.model import Scenario


def available() -> bool:
    """Whether numba can be imported (the ``[fast]`` extra is installed)."""
    return importlib.util.find_spec("numba") is not None


def unsupported(scenario: Scenario) -> str | None:
    """The first field of ``scenario`` the fast engine does not run (``None``: it runs all)."""
    for gi, g in enumerate(scenario.windows):
        if g.breaks is not None:
            return f"windows[{gi}].breaks"
    if scenario.guide is not None:
        return "guide"
    for name, cat in scenario.categories.items():
        if scenario.wrong_share(name) > 0:
            return f"categories.{name}.wrong_ticket"
        if cat.backoffice is not None:
            return f"categories.{name}.backoffice"
        if cat.returns is not None:
            return f"categories.{name}.returns"
    if scenario.journeys:
        return "journeys"
    return None
