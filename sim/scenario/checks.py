"""Cross-reference checks of a scenario, run once its fields are valid on their own.

Each check is a plain function that raises :class:`ScenarioError` with the field
path of the first problem it finds: window ids, authorisation references, staffing
schedules, time-of-day profiles, the documented limits that span several fields,
back-office routes, delivery and journeys. :func:`check_scenario` runs them in
order and returns the resolved :class:`Authorisation`.
"""

from __future__ import annotations

import graphlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sim.files.errors import ScenarioError
from sim.files.limits import MAX_CV, MAX_DURATION, MAX_WINDOWS
from sim.scenario.authorisation import Authorisation, GroupAuthorisation, authorise_group
from sim.scenario.backoffice import BackOfficeSpec, RouteItem, fold_route
from sim.scenario.clock import format_hhmm, parse_hhmm, parse_periods

if TYPE_CHECKING:
    from sim.scenario.model import Hall, Scenario, WindowGroup


def check_scenario(sc: Scenario) -> Authorisation:
    """Every cross-reference check, in file order; the resolved authorisation table."""
    auth = check_windows(sc)
    check_categories(sc, auth)
    check_durations(sc)
    check_backoffice(sc)
    check_case_flow(sc)
    check_journeys(sc)
    return auth


def check_windows(sc: Scenario) -> Authorisation:
    """Unique ids, resolvable authorisation, schedules within the group and the hours."""
    groups: dict[str, GroupAuthorisation] = {}
    for g in sc.windows:
        path = f"windows.{g.id}"
        if g.id in groups:
            raise ScenarioError(f"{path}.id", f"duplicate window id '{g.id}'")
        groups[g.id] = authorise_group(g, sc.categories, path)
        check_schedule(g, sc.hall, path)
    total = sc.window_count
    if total > MAX_WINDOWS:
        raise ScenarioError("windows", f"{total:,} windows in all, more than the limit of "
                                       f"{MAX_WINDOWS:,} (see 'Limits' in docs/scenario-format.md)")
    return Authorisation.of(groups)


def check_schedule(group: WindowGroup, hall: Hall, path: str) -> None:
    """A staffing schedule never staffs more windows than the group has, in open hours."""
    if group.schedule is None:
        return
    for key, n in group.schedule.items():
        if not 0 <= n <= group.count:
            raise ScenarioError(f"{path}.schedule.{key}",
                                f"{n} windows staffed, but the group has count {group.count}")
    check_profile_keys(group.schedule, hall, f"{path}.schedule")


def check_categories(sc: Scenario, auth: Authorisation) -> None:
    """Every category is served by some window group and has a valid arrival profile."""
    served = auth.served()
    for c, cat in sc.categories.items():
        if not c.strip() or c != c.strip():
            raise ScenarioError(f"categories.{c}", f"category name '{c}' is empty or begins or "
                                "ends with spaces: give the item's name")
        if c not in served:
            raise ScenarioError(f"categories.{c}", f"no window serves category '{c}'")
        if isinstance(cat.arrivals_per_hour, dict):
            check_profile_keys(cat.arrivals_per_hour, sc.hall, f"categories.{c}.arrivals_per_hour")
        if cat.service_by_time is not None:
            check_profile_keys(cat.service_by_time, sc.hall, f"categories.{c}.service_by_time")


def check_profile_keys(profile: Mapping[str, Any], hall: Hall, path: str) -> None:
    """A time-of-day profile: valid ``HH:MM`` keys, inside the opening hours, in increasing
    order, the first at the opening time."""
    if not profile:
        raise ScenarioError(path, "a time-of-day profile needs at least one entry")
    first_open = hall.periods[0][0]
    times = []
    for key in profile:
        try:
            t = parse_hhmm(key)
        except ValueError as exc:
            raise ScenarioError(f"{path}.{key}", str(exc)) from None
        if not hall.is_open_at(t):
            raise ScenarioError(f"{path}.{key}",
                                f"time {key} lies outside the opening hours {list(hall.open)}")
        times.append(t)
    if times != sorted(times):
        raise ScenarioError(path, "profile times must be listed in increasing order")
    if times[0] != first_open:
        raise ScenarioError(path, f"a profile must start at the opening time "
                                  f"{format_hhmm(first_open)} (first entry is "
                                  f"{format_hhmm(times[0])})")


def check_distribution(dist: Any, path: str) -> None:
    """A duration distribution's parameters lie within the documented magnitudes."""
    if dist is None:
        return
    for name, value in dist.model_dump(by_alias=True).items():
        limit = MAX_CV if name == "cv" else MAX_DURATION
        values = value if isinstance(value, (list, tuple)) else [value]
        for k, v in enumerate(values):
            if isinstance(v, (int, float)) and v > limit:
                where = f"{path}.{name}" + (f".{k}" if values is value else "")
                raise ScenarioError(where, f"{v:g} is out of range: at most {limit:g} (see "
                                           "'Limits' in docs/scenario-format.md)")


def check_durations(sc: Scenario) -> None:
    """Every distribution of the scenario within the documented magnitudes."""
    for c, cat in sc.categories.items():
        path = f"categories.{c}"
        check_distribution(cat.service, f"{path}.service")
        check_distribution(cat.patience, f"{path}.patience")
        if cat.delivery is not None:
            check_distribution(cat.delivery.post_delay_days, f"{path}.delivery.post_delay_days")
            check_distribution(cat.delivery.collect_delay_days,
                               f"{path}.delivery.collect_delay_days")
        if cat.returns is not None:
            check_distribution(cat.returns.delay_days, f"{path}.returns.delay_days")
            deficiency = cat.returns.accept_with_deficiency
            if deficiency is not None:
                check_distribution(deficiency.supplement_days,
                                   f"{path}.returns.accept_with_deficiency.supplement_days")
    if sc.backoffice is not None:
        for name, stage in sc.backoffice.stages.items():
            check_distribution(stage.service, f"backoffice.stages.{name}.service")


class _RouteCheck:
    """The route fold that checks references: stages and named routes exist, forks fork."""

    def __init__(self, spec: BackOfficeSpec) -> None:
        self.spec = spec

    def stage(self, name: str, path: str) -> None:
        if name not in self.spec.stages:
            raise ScenarioError(path, f"unknown stage '{name}' (known: {list(self.spec.stages)})")

    def subroute(self, name: str, path: str) -> None:
        if name not in self.spec.routes:
            raise ScenarioError(path, f"unknown route '{name}'")

    def series(self, parts: list[None], path: str) -> None:
        if not parts:
            raise ScenarioError(path, "a route needs at least one stage")

    def parallel(self, branches: list[None], path: str) -> None:
        if len(branches) < 2:
            raise ScenarioError(path, "a parallel group needs at least two branches")


class _RouteRefs:
    """The route fold that collects the names of the routes a route refers to."""

    def stage(self, name: str, path: str) -> set[str]:
        return set()

    def subroute(self, name: str, path: str) -> set[str]:
        return {name}

    def series(self, parts: list[set[str]], path: str) -> set[str]:
        return set().union(*parts)

    def parallel(self, branches: list[set[str]], path: str) -> set[str]:
        return set().union(*branches)


def check_route(spec: BackOfficeSpec, items: Sequence[RouteItem], path: str) -> None:
    """A route names known stages and routes, and each parallel group has two branches."""
    fold_route(items, _RouteCheck(spec), path)


def check_backoffice(sc: Scenario) -> None:
    """Back-office hours, every named route, and no cycle among the routes."""
    bo = sc.backoffice
    if bo is None:
        return
    if bo.hours is not None:
        if not bo.hours:
            raise ScenarioError("backoffice.hours", "needs at least one period")
        try:
            parse_periods(bo.hours)
        except ValueError as exc:
            raise ScenarioError("backoffice.hours", str(exc)) from None
    for name, items in bo.routes.items():
        check_route(bo, items, f"backoffice.routes.{name}")
    graph = {name: fold_route(items, _RouteRefs()) for name, items in bo.routes.items()}
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise ScenarioError(f"backoffice.routes.{exc.args[1][0]}",
                            f"routes refer to each other in a cycle: {cycle}") from None


def check_case_flow(sc: Scenario) -> None:
    """Per category: a back-office route that exists, returns that can end, a delivery
    that can reach the citizen."""
    bo = sc.backoffice
    for c, cat in sc.categories.items():
        path = f"categories.{c}"
        if cat.backoffice is not None:
            if bo is None:
                raise ScenarioError(f"{path}.backoffice",
                                    "a category routed to the back office needs a top-level "
                                    "'backoffice' section with its stages")
            route = cat.backoffice.route
            if isinstance(route, str):
                if route not in bo.routes:
                    raise ScenarioError(f"{path}.backoffice.route",
                                        f"unknown route '{route}' (known: {list(bo.routes)})")
            else:
                check_route(bo, route, f"{path}.backoffice.route")
        r = cat.returns
        if r is not None and r.accept_with_deficiency is None and (
                (r.one_time_notice if r.one_time_notice is not None else r.incomplete) >= 1):
            raise ScenarioError(f"{path}.returns.incomplete",
                                "with materials always incomplete and no one-time notice or "
                                "accept-with-deficiency below 1, no case could ever complete")
        if cat.delivery is not None:
            check_delivery(sc, c, path)


def check_delivery(sc: Scenario, category: str, path: str) -> None:
    """Delivery applies to back-office results; collected results name their window."""
    cat = sc.categories[category]
    d = cat.delivery
    assert d is not None
    if cat.backoffice is None:
        raise ScenarioError(f"{path}.delivery", "delivery applies to back-office results: add "
                                                "'backoffice' to this category")
    if d.post_share < 1.0:
        if d.collect_at is None:
            raise ScenarioError(f"{path}.delivery.collect_at",
                                "results not posted are collected: name the output-window "
                                "category to queue for")
        if d.collect_at not in sc.categories:
            raise ScenarioError(f"{path}.delivery.collect_at",
                                f"unknown category '{d.collect_at}'")
        if d.collect_delay_days is None:
            raise ScenarioError(f"{path}.delivery.collect_delay_days",
                                "required when some results are collected")


def check_journeys(sc: Scenario) -> None:
    """Journeys visit known items and have valid arrival profiles."""
    for j, journey in sc.journeys.items():
        for k, step in enumerate(journey.steps):
            if step not in sc.categories:
                raise ScenarioError(f"journeys.{j}.steps[{k}]",
                                    f"unknown item '{step}' (known: {list(sc.categories)})")
        if isinstance(journey.arrivals_per_hour, dict):
            check_profile_keys(journey.arrivals_per_hour, sc.hall,
                               f"journeys.{j}.arrivals_per_hour")
