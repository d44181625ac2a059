"""The optimisation spec: what the staffing optimiser may choose and what it must meet.

A spec is the ``optimize:`` section of a scenario file or a separate YAML file
(``--spec``); ``docs/optimize.md`` documents every field. It is validated
with pydantic into immutable objects; :func:`load_inputs` returns the hall
scenario and the spec, and raises :class:`sim.files.errors.InputError` naming the
file, the field path (``optimize.types.T1.serves[0]``) and the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)

from sim.files.errors import InputError
from sim.files.limits import MAX_WINDOWS
from sim.files.yaml_reader import read_yaml
from sim.scenario.base import Frozen as _Frozen
from sim.scenario.clock import MINUTES_PER_DAY, format_hhmm, parse_hhmm
from sim.scenario.model import (
    Scenario,
    ScenarioError,
    scenario_from_dict,
    validation_error_to_input,
)

Structure = Literal["dedicated", "chain", "zone", "full", "auto"]
STRUCTURES: tuple[str, ...] = ("dedicated", "chain", "zone", "full")


class ServiceLevel(_Frozen):
    """A service level: ``P(wait <= wait_minutes) >= alpha``, or a mean-wait cap."""

    wait_minutes: NonNegativeFloat | None = None
    alpha: float = 0.8
    mean_wait_minutes: PositiveFloat | None = None

    @field_validator("alpha")
    @classmethod
    def _check_alpha(cls, value: float) -> float:
        if not 0.0 < value < 1.0:
            raise ValueError(f"alpha must lie strictly between 0 and 1 (got {value})")
        return value


class TypeSpec(_Frozen):
    """An explicit window type: an authorisation set, its cost and its staff's speed."""

    serves: tuple[str, ...] = Field(min_length=1)
    cost_per_hour: NonNegativeFloat | None = None
    speed: dict[str, PositiveFloat] | None = None
    home: str | None = None


class Lunch(_Frozen):
    """An unpaid break inside a shift."""

    start: str
    minutes: PositiveFloat

    @field_validator("start")
    @classmethod
    def _check_start(cls, value: str) -> str:
        parse_hhmm(value)
        return value


class ShiftSpec(_Frozen):
    """A shift template: start time, length (minutes, lunch included) and a lunch break."""

    start: str
    length: PositiveFloat
    lunch: Lunch | None = None
    cost: NonNegativeFloat | None = None
    overtime: bool = False

    @field_validator("start")
    @classmethod
    def _check_start(cls, value: str) -> str:
        parse_hhmm(value)
        return value

    @property
    def paid_minutes(self) -> float:
        """Minutes worked: the length less the lunch break."""
        return self.length - (self.lunch.minutes if self.lunch else 0.0)


class DaySpec(_Frozen):
    """One day of a week model: its arrival factor and a floor on windows open."""

    factor: NonNegativeFloat = 1.0
    min_windows: NonNegativeInt = Field(default=0, le=MAX_WINDOWS)


class PatternSpec(_Frozen):
    """A work pattern spanning days: ``days_on`` consecutive days, any start day,
    wrapping round the week; ``cost`` per person per week (default: the shift's
    cost on each day worked)."""

    days_on: PositiveInt
    cost: NonNegativeFloat | None = None


class WeekSpec(_Frozen):
    """A week model: days with their own demand, staffed by patterns spanning days."""

    days: dict[str, DaySpec] = Field(min_length=1)
    patterns: dict[str, PatternSpec] | None = None

    @model_validator(mode="after")
    def _check_patterns(self) -> WeekSpec:
        for pid, pat in (self.patterns or {}).items():
            if pat.days_on > len(self.days):
                raise ValueError(f"pattern '{pid}' works {pat.days_on} days, more than the "
                                 f"week's {len(self.days)} days")
        return self


class CertifySpec(_Frozen):
    """Settings of the certification loop (simulation and cuts)."""

    replications: PositiveInt = 10
    max_iterations: PositiveInt = 8
    seed: int = Field(default=1, ge=0)
    days: PositiveInt | None = None
    criterion: Literal["lcb", "mean"] = "lcb"
    min_tickets: PositiveFloat = 10.0
    max_replications: PositiveInt = 80

    @model_validator(mode="after")
    def _bound_needs_a_spread(self) -> CertifySpec:
        if self.criterion == "lcb" and self.replications < 2:
            raise ValueError("the lcb criterion needs at least 2 replications (a confidence "
                             "bound needs their spread): raise replications or use "
                             "criterion: mean")
        return self


class SolverSpec(_Frozen):
    """MILP solver, time limit (seconds) and relative optimality gap."""

    name: Literal["cbc", "highs"] = "cbc"
    time_limit: PositiveFloat = 120.0
    gap: NonNegativeFloat = 0.0


class OptimizeSpec(_Frozen):
    """Everything the optimiser needs beyond the hall scenario."""

    structure: Structure | tuple[Structure, ...] = "auto"
    types: dict[str, TypeSpec] | None = None
    period_minutes: PositiveInt = Field(default=30, le=MINUTES_PER_DAY)
    cost_per_window_hour: NonNegativeFloat = 1.0
    training_cost: NonNegativeFloat = 0.0
    cross_speed: PositiveFloat = 1.0
    service_level: ServiceLevel = ServiceLevel()
    categories: dict[str, ServiceLevel] = Field(default_factory=dict)
    desks: PositiveInt | Literal["hall", "none"] = "hall"
    week: WeekSpec | None = None
    min_windows: NonNegativeInt = Field(default=0, le=MAX_WINDOWS)
    shifts: dict[str, ShiftSpec] | None = None
    day_factor: Literal["max", "mean"] | PositiveFloat = "max"
    certify: CertifySpec = CertifySpec()
    solver: SolverSpec = SolverSpec()

    @field_validator("types", "shifts")
    @classmethod
    def _not_empty(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None and not value:
            raise ValueError("give at least one entry, or leave the field out")
        return value

    def structures(self) -> tuple[str, ...]:
        """The named structures to generate when no explicit ``types`` are given."""
        chosen = (self.structure,) if isinstance(self.structure, str) else self.structure
        if "auto" in chosen:
            return STRUCTURES
        return tuple(dict.fromkeys(chosen))

    def level(self, category: str) -> ServiceLevel:
        """The service level required of one category (its override, else the default)."""
        return self.categories.get(category, self.service_level)


# --- loading and checking ------------------------------------------------------------


def spec_from_dict(data: Any, source: str, prefix: str = "optimize") -> OptimizeSpec:
    """Validate plain data into an :class:`OptimizeSpec` (structure only, no references)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(source, prefix, "the optimisation spec must be a mapping")
    try:
        return OptimizeSpec.model_validate(data)
    except ValidationError as exc:
        raise validation_error_to_input(exc, source, data, prefix) from None


def check_spec(spec: OptimizeSpec, scenario: Scenario, source: str,
               prefix: str = "optimize") -> None:
    """Check the spec's references and times against the scenario; raise InputError."""
    dot = f"{prefix}." if prefix else ""
    try:
        for tid, t in (spec.types or {}).items():
            served: set[str] = set()
            for k, ref in enumerate(t.serves):
                served.update(scenario.resolve(ref, f"{dot}types.{tid}.serves[{k}]"))
            for ref in t.speed or {}:
                for c in scenario.resolve(ref, f"{dot}types.{tid}.speed.{ref}"):
                    if c not in served:
                        raise ScenarioError(f"{dot}types.{tid}.speed.{ref}",
                                            f"speed given for '{c}', which type {tid} "
                                            "does not serve")
        for name in spec.categories:
            if name not in scenario.categories:
                raise ScenarioError(f"{dot}categories.{name}",
                                    f"unknown category '{name}' "
                                    f"(known: {list(scenario.categories)})")
        if spec.types:
            served_any = {c for t in spec.types.values() for ref in t.serves
                          for c in scenario.resolve(ref)}
            missing = [c for c in scenario.categories if c not in served_any]
            if missing:
                raise ScenarioError(f"{dot}types",
                                    f"no window type may serve {', '.join(missing)}: "
                                    "every item needs a type authorised for it")
    except ScenarioError as exc:
        raise InputError(source, exc.path, exc.problem) from None
    periods = scenario.hall.periods
    first, last = periods[0][0], periods[-1][1]
    for sid, s in (spec.shifts or {}).items():
        path = f"{dot}shifts.{sid}"
        start = parse_hhmm(s.start)
        if not first <= start < last:
            raise InputError(source, f"{path}.start",
                             f"shift starts at {s.start}, outside the hall's day "
                             f"{scenario.hall.open[0].split('-')[0]}-"
                             f"{scenario.hall.open[-1].split('-')[1]}")
        if s.length > last - first and not s.overtime:
            raise InputError(source, f"{path}.length",
                             f"a shift of {s.length:g} minutes is longer than the hall's day "
                             f"({last - first:g} minutes from first opening to last closing)")
        if start + s.length > last + 1e-9 and not s.overtime:
            raise InputError(source, f"{path}.length",
                             f"the shift ends at {format_hhmm(start + s.length)}, after the "
                             f"hall closes at {format_hhmm(last)}; shorten it or set "
                             "'overtime: true'")
        if s.lunch is not None:
            ls = parse_hhmm(s.lunch.start)
            if not (start <= ls and ls + s.lunch.minutes <= start + s.length):
                raise InputError(source, f"{path}.lunch",
                                 "the lunch break must lie inside the shift")


def load_inputs(scenario_path: str | Path,
                spec_path: str | Path | None = None) -> tuple[Scenario, OptimizeSpec]:
    """Read a scenario (with an optional ``optimize:`` section) and its spec.

    The spec comes from ``spec_path`` if given (a file whose top level is either the
    spec itself or a mapping with one key ``optimize``), else from the scenario's
    ``optimize:`` section, else defaults. The ``optimize:`` section is removed before
    the hall is validated, so the returned scenario is a plain hall scenario.
    """
    source = str(scenario_path)
    raw = read_yaml(scenario_path)
    section: Any = None
    if isinstance(raw, dict) and "optimize" in raw:
        raw = dict(raw)
        section = raw.pop("optimize")
    scenario = scenario_from_dict(raw, source)
    if spec_path is not None:
        spec_source = str(spec_path)
        data = read_yaml(spec_path)
        if isinstance(data, dict) and set(data) == {"optimize"}:
            prefix, data = "optimize", data["optimize"]
        else:
            prefix = ""
        spec = spec_from_dict(data, spec_source, prefix)
        check_spec(spec, scenario, spec_source, prefix)
    else:
        spec = spec_from_dict(section, source)
        check_spec(spec, scenario, source)
    return scenario, spec
