"""Scenario files: safe YAML loading and validation into typed, immutable objects.

A scenario says what a hall is: its opening hours, the categories of tickets
(service items, 事项) with their arrival rates and service times, and the window
groups (窗口) with the categories each is authorised to serve. The format is
documented in ``docs/scenario-format.md``. :func:`load_scenario` raises
:class:`sim.spec.errors.InputError` naming the file, the field path and the problem.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from sim.spec.backoffice import (
    BackOfficeSpec,
    CaseApproval,
    Delivery,
    Journey,
    Parallel,
    Returns,
    RouteItem,
    SubRoute,
)
from sim.spec.calendar import Calendar
from sim.spec.clock import format_hhmm, parse_hhmm, parse_period, parse_periods
from sim.spec.distributions import DIST_NAMES, Distribution
from sim.spec.errors import InputError

CallRule = Literal["oldest_first", "own_first"]


class ScenarioError(ValueError):
    """A semantic error found after the structure was validated, with its field path."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(problem)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Hall(_Frozen):
    """Opening hours and the length of one replication."""

    open: tuple[str, ...] = Field(min_length=1)
    days: int = Field(default=5, ge=1, strict=True)
    warmup_days: int = Field(default=0, ge=0, strict=True)
    day_factors: tuple[PositiveFloat, ...] = Field(default=(1.0,), min_length=1)
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


Rate = Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]
"""Tickets per hour: at most 100,000 (a bound that catches a typo before memory runs out)."""


class Category(_Frozen):
    """A service item (事项): its own queue, arrivals, service time and patience."""

    department: str | None = None
    zone: str | None = None
    arrivals_per_hour: Rate | dict[str, Rate]
    service: Distribution
    patience: Distribution | None = None
    balk_at_queue: int | None = Field(default=None, ge=1, strict=True)
    backoffice: CaseApproval | None = None
    delivery: Delivery | None = None
    returns: Returns | None = None

    @property
    def has_case_flow(self) -> bool:
        """Whether tickets of this category start cases followed beyond the window."""
        return self.backoffice is not None or self.returns is not None


class WindowGroup(_Frozen):
    """A group of identical windows (窗口) with one authorisation set."""

    id: str = Field(min_length=1)
    count: int = Field(ge=1, strict=True)
    serves: tuple[str, ...] = Field(min_length=1)
    primary: tuple[str, ...] | None = None
    call_rule: CallRule | None = None
    schedule: dict[str, int] | None = None
    speed: dict[str, PositiveFloat] | None = None

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


class Targets(_Frozen):
    """Service-level thresholds reported in the results."""

    wait_minutes: PositiveFloat = 20.0


class Scenario(_Frozen):
    """A validated, immutable hall scenario."""

    name: str = Field(min_length=1)
    hall: Hall
    categories: dict[str, Category] = Field(min_length=1)
    windows: tuple[WindowGroup, ...] = Field(min_length=1)
    targets: Targets = Targets()
    calendar: Calendar | None = None
    backoffice: BackOfficeSpec | None = None
    journeys: dict[str, Journey] = Field(default_factory=dict)

    _serves: dict[str, tuple[str, ...]] = PrivateAttr()
    _primary: dict[str, tuple[str, ...]] = PrivateAttr()

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        names = list(self.categories)
        self._serves, self._primary = {}, {}
        seen: set[str] = set()
        for g in self.windows:
            path = f"windows.{g.id}"
            if g.id in seen:
                raise ScenarioError(f"{path}.id", f"duplicate window id '{g.id}'")
            seen.add(g.id)
            served: list[str] = []
            for k, ref in enumerate(g.serves):
                for c in self.resolve(ref, f"{path}.serves[{k}]"):
                    if c not in served:
                        served.append(c)
            self._serves[g.id] = tuple(served)
            if g.primary is None:
                primary = list(self.resolve(g.serves[0], f"{path}.serves[0]"))
            else:
                primary = []
                for k, ref in enumerate(g.primary):
                    for c in self.resolve(ref, f"{path}.primary[{k}]"):
                        if c not in served:
                            raise ScenarioError(
                                f"{path}.primary[{k}]",
                                f"primary category '{c}' is not among those the group serves",
                            )
                        primary.append(c)
            self._primary[g.id] = tuple(primary)
            for ref in g.speed or {}:
                for c in self.resolve(ref, f"{path}.speed.{ref}"):
                    if c not in served:
                        raise ScenarioError(
                            f"{path}.speed.{ref}",
                            f"speed given for '{c}', which the group does not serve",
                        )
            if g.schedule is not None:
                for key, n in g.schedule.items():
                    if not 0 <= n <= g.count:
                        raise ScenarioError(
                            f"{path}.schedule.{key}",
                            f"{n} windows staffed, but the group has count {g.count}",
                        )
                self._check_profile_keys(g.schedule, f"{path}.schedule")
        served_any = {c for s in self._serves.values() for c in s}
        for c in names:
            if c not in served_any:
                raise ScenarioError(f"categories.{c}", f"no window serves category '{c}'")
            rate = self.categories[c].arrivals_per_hour
            if isinstance(rate, dict):
                self._check_profile_keys(rate, f"categories.{c}.arrivals_per_hour")
        self._check_process()
        return self

    def _check_process(self) -> None:
        bo = self.backoffice
        if bo is not None:
            if bo.hours is not None:
                if not bo.hours:
                    raise ScenarioError("backoffice.hours", "needs at least one period")
                try:
                    parse_periods(bo.hours)
                except ValueError as exc:
                    raise ScenarioError("backoffice.hours", str(exc)) from None
            for name, items in bo.routes.items():
                self._check_route(items, f"backoffice.routes.{name}")
            self._check_route_cycles()
        for c, cat in self.categories.items():
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
                    self._check_route(route, f"{path}.backoffice.route")
            r = cat.returns
            if r is not None and r.accept_with_deficiency is None and (
                    (r.one_time_notice if r.one_time_notice is not None else r.incomplete) >= 1):
                raise ScenarioError(f"{path}.returns.incomplete",
                                    "with materials always incomplete and no one-time notice or "
                                    "accept-with-deficiency below 1, no case could ever complete")
            if cat.delivery is not None:
                d = cat.delivery
                if cat.backoffice is None:
                    raise ScenarioError(f"{path}.delivery",
                                        "delivery applies to back-office results: add "
                                        "'backoffice' to this category")
                if d.post_share < 1.0:
                    if d.collect_at is None:
                        raise ScenarioError(f"{path}.delivery.collect_at",
                                            "results not posted are collected: name the "
                                            "output-window category to queue for")
                    if d.collect_at not in self.categories:
                        raise ScenarioError(f"{path}.delivery.collect_at",
                                            f"unknown category '{d.collect_at}'")
                    if d.collect_delay_days is None:
                        raise ScenarioError(f"{path}.delivery.collect_delay_days",
                                            "required when some results are collected")
        for j, journey in self.journeys.items():
            for k, step in enumerate(journey.steps):
                if step not in self.categories:
                    raise ScenarioError(f"journeys.{j}.steps[{k}]",
                                        f"unknown item '{step}' (known: {list(self.categories)})")
            if isinstance(journey.arrivals_per_hour, dict):
                self._check_profile_keys(journey.arrivals_per_hour,
                                         f"journeys.{j}.arrivals_per_hour")

    def _check_route(self, items: tuple[RouteItem, ...], path: str) -> None:
        bo = self.backoffice
        assert bo is not None
        if not items:
            raise ScenarioError(path, "a route needs at least one stage")
        for k, item in enumerate(items):
            where = f"{path}[{k}]"
            if isinstance(item, str):
                if item not in bo.stages:
                    raise ScenarioError(where, f"unknown stage '{item}' "
                                               f"(known: {list(bo.stages)})")
            elif isinstance(item, SubRoute):
                if item.route not in bo.routes:
                    raise ScenarioError(f"{where}.route", f"unknown route '{item.route}'")
            elif isinstance(item, Parallel):
                if len(item.parallel) < 2:
                    raise ScenarioError(f"{where}.parallel",
                                        "a parallel group needs at least two branches")
                for b, branch in enumerate(item.parallel):
                    self._check_route(
                        (branch,) if isinstance(branch, (str, SubRoute)) else branch,
                        f"{where}.parallel[{b}]")

    def _check_route_cycles(self) -> None:
        import graphlib

        bo = self.backoffice
        assert bo is not None

        def refs(items) -> set[str]:
            out: set[str] = set()
            for item in items:
                if isinstance(item, SubRoute):
                    out.add(item.route)
                elif isinstance(item, Parallel):
                    for branch in item.parallel:
                        if isinstance(branch, SubRoute):
                            out.add(branch.route)
                        elif not isinstance(branch, str):
                            out |= refs(branch)
            return out

        graph = {name: refs(items) for name, items in bo.routes.items()}
        try:
            tuple(graphlib.TopologicalSorter(graph).static_order())
        except graphlib.CycleError as exc:
            cycle = " -> ".join(exc.args[1])
            raise ScenarioError(f"backoffice.routes.{exc.args[1][0]}",
                                f"routes refer to each other in a cycle: {cycle}") from None

    def _check_profile_keys(self, profile: dict[str, Any], path: str) -> None:
        if not profile:
            raise ScenarioError(path, "a time-of-day profile needs at least one entry")
        first_open = self.hall.periods[0][0]
        times = []
        for key in profile:
            try:
                t = parse_hhmm(key)
            except ValueError as exc:
                raise ScenarioError(f"{path}.{key}", str(exc)) from None
            if not self.hall.is_open_at(t):
                raise ScenarioError(
                    f"{path}.{key}",
                    f"time {key} lies outside the opening hours {list(self.hall.open)}",
                )
            times.append(t)
        if times != sorted(times):
            raise ScenarioError(path, "profile times must be listed in increasing order")
        if times[0] != first_open:
            raise ScenarioError(
                path,
                f"a profile must start at the opening time {format_hhmm(first_open)} "
                f"(first entry is {format_hhmm(times[0])})",
            )

    # --- queries -----------------------------------------------------------------

    def resolve(self, ref: str, path: str = "") -> tuple[str, ...]:
        """Category names that a reference (name, ``department:X``, ``zone:X``, ``*``) names."""
        if ref == "*":
            return tuple(self.categories)
        for kind in ("department", "zone"):
            prefix = kind + ":"
            if ref.startswith(prefix):
                value = ref[len(prefix):]
                found = tuple(c for c, cat in self.categories.items()
                              if getattr(cat, kind) == value)
                if not found:
                    known = sorted({getattr(cat, kind) for cat in self.categories.values()
                                    if getattr(cat, kind)})
                    raise ScenarioError(path, f"unknown {kind} '{value}' (known: {known})")
                return found
        if ref not in self.categories:
            raise ScenarioError(path, f"unknown category '{ref}' (known: {list(self.categories)})")
        return (ref,)

    def serves(self, group_id: str) -> tuple[str, ...]:
        """Category names the window group is authorised for, in first-mention order."""
        return self._serves[group_id]

    def primary(self, group_id: str) -> tuple[str, ...]:
        """The group's primary categories (served first under ``own_first``)."""
        return self._primary[group_id]

    def speed_factor(self, group_id: str, category: str) -> float:
        """Service-time factor of the group's staff on the category (1.0 = specialist)."""
        group = self.group(group_id)
        factor = 1.0
        for ref, value in (group.speed or {}).items():
            if category in self.resolve(ref):
                factor = value
        return factor

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
        """The same scenario over ``days`` days (warm-up kept if it still fits)."""
        hall = self.hall.model_dump(by_alias=True)
        hall["days"] = days
        hall["warmup_days"] = min(self.hall.warmup_days, days - 1)
        return scenario_from_dict({**self.to_dict(), "hall": hall})

    def to_dict(self) -> dict[str, Any]:
        """Plain data (as written in YAML), suitable for :func:`scenario_from_dict`."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


# --- loading -----------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps ``10:00`` a string (YAML 1.1 would read it as 600) and
    refuses a key given twice in one mapping (YAML would silently keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value, not a list or mapping",
                    key_node.start_mark) from None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' appears twice in one mapping (first at line "
                    f"{seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers
          if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file safely; unreadable files and bad YAML raise :class:`InputError`."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(source, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, "", f"cannot read file ({exc})") from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(source, "", f"invalid YAML{where}: {problem}") from None


def _is_type_tag(item: str) -> bool:
    """Pydantic's names for union members (``constrained-float``, ``dict[str,...]``)."""
    return (item in DIST_NAMES or "[" in item or "-" in item or item[:1].isupper()
            or item in ("float", "int", "str", "bool", "list", "tuple", "dict", "none"))


def _format_loc(loc: tuple[Any, ...], data: Any) -> str:
    """A user-facing dotted path: window groups by id, union-member tags left out."""
    parts: list[str] = []
    node = data
    for k, item in enumerate(loc):
        last = k == len(loc) - 1
        if isinstance(item, str) and not (isinstance(node, dict) and item in node):
            # not a key of the data: a union member's tag, or the name of a missing field
            missing_field = isinstance(node, dict) and last and not _is_type_tag(item)
            if not missing_field:
                continue
        if isinstance(item, int) and parts and parts[-1] == "windows" and isinstance(node, list):
            entry = node[item] if item < len(node) else None
            wid = entry.get("id") if isinstance(entry, dict) else None
            parts.append(str(wid) if wid else str(item))
        else:
            parts.append(str(item))
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)


def _describe(err: dict[str, Any]) -> tuple[str, str]:
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, ScenarioError):
        return ctx_error.path, ctx_error.problem
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "union_tag_invalid":
        msg = f"unknown distribution '{err['ctx']['tag']}' (choose one of {', '.join(DIST_NAMES)})"
    elif err["type"] == "union_tag_not_found":
        msg = f"missing field 'dist' (choose one of {', '.join(DIST_NAMES)})"
    elif err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    return "", msg


def validation_error_to_input(exc: ValidationError, source: str, data: Any,
                              prefix: str = "") -> InputError:
    """Turn a pydantic error into one :class:`InputError` naming every failing field.

    ``prefix`` is put before every path (e.g. ``optimize`` for a section of a file).

    Alternatives of a union (a number *or* a profile) are joined with "or"; a
    container's length complaint caused by a bad member is left out.
    """
    found: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for err in exc.errors():
        path, msg = _describe(err)
        if not path:
            path = _format_loc(tuple(err["loc"]), data)
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        kinds.setdefault(path, err["type"])
        if msg not in found.setdefault(path, []):
            found[path].append(msg)
    paths = [p for p in found if not (kinds[p] == "too_short" and any(
        q != p and q.startswith(p + ".") for q in found))]
    problems = [(p, " or ".join(found[p])) for p in paths]
    first_path, first_msg = problems[0]
    more = "".join(f"; field '{p}': {m}" for p, m in problems[1:8])
    if len(problems) > 8:
        more += f"; and {len(problems) - 8} more"
    return InputError(source, first_path, first_msg + more)


def scenario_from_dict(data: Any, source: str = "<scenario>") -> Scenario:
    """Validate plain data (as read from YAML) into a :class:`Scenario`."""
    if not isinstance(data, dict):
        raise InputError(source, "", "a scenario must be a mapping with name, hall, categories, "
                                     "windows")
    if "optimize" in data:  # the optimiser's spec (docs/optimize.md); not part of the hall
        data = {k: v for k, v in data.items() if k != "optimize"}
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise validation_error_to_input(exc, source, data) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file."""
    return scenario_from_dict(read_yaml(path), str(path))


def dump_scenario(scenario: Scenario) -> str:
    """YAML text of a scenario that :func:`load_scenario` reads back unchanged."""
    return yaml.safe_dump(scenario.to_dict(), sort_keys=False, allow_unicode=True)
