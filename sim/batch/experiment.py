"""Experiment files: base scenarios, factors and a design, expanded into design points.

An experiment (``docs/experiments.md``) names one or more base scenarios, the
factors to vary (a scenario field by its path, e.g. ``windows.A.count``, or a
named transform such as ``arrival_scale``), a design (full factorial, an
explicit list of points, or a Latin hypercube over ranges), a number of
replications and a seed. :func:`load_experiment` validates the file and builds
every design point's scenario; :func:`run_experiment` runs every (design point,
replication) pair on an executor and records each finished run in a store.

Every design point uses the same seed and the same replication indices, so
replication ``r`` of every point sees the same customers wherever the points
share categories (common random numbers): paired differences between points
are meaningful.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import os
import re
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, ValidationError, field_validator

from sim.files.errors import InputError
from sim.files.limits import MAX_REPLICATIONS
from sim.files.yaml_reader import read_yaml
from sim.scenario.base import Frozen as _Model
from sim.scenario.model import (
    Scenario,
    load_scenario,
    scenario_from_dict,
    validation_error_to_input,
)

#: named transforms a factor may apply instead of setting a field
TRANSFORMS = ("arrival_scale", "speed_all_cross")


# --- the file ----------------------------------------------------------------------


class Range(_Model):
    """A continuous (or integer) range of a factor, for Latin hypercube designs."""

    low: float
    high: float
    integer: bool = False


#: most design points (base scenarios x design rows)
MAX_POINTS = 10_000
#: most runs (design points x replications) in one experiment
MAX_RUNS = 1_000_000
#: largest seed: the store keeps seeds as SQLite's signed 64-bit integers
MAX_SEED = 2 ** 63 - 1


class Design(_Model):
    """How design points are chosen from the factors."""

    type: Literal["factorial", "explicit", "lhs"] = "factorial"
    points: int | list[dict[str, Any]] | None = None
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)


#: columns of the tidy table that are not factors (a factor may not take one of these
#: names: its column would clash with theirs)
TIDY_COLUMNS = ("point", "scenario", "label", "replication", "seed", "metric", "section", "item",
                "name", "value", "status", "error")


class ExperimentSpec(_Model):
    """The experiment file as written (validated, not yet expanded)."""

    name: str = Field(min_length=1)
    scenarios: list[str] | dict[str, str] = Field(min_length=1)
    days: int | None = Field(default=None, ge=1)
    factors: dict[str, list[Any] | Range] = Field(default_factory=dict)
    design: Design | Literal["factorial", "explicit", "lhs"] = Design()
    replications: int = Field(ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(default=1, ge=0, le=MAX_SEED)
    baseline: dict[str, Any] | None = None
    on_invalid: Literal["stop", "record"] = "stop"
    engine: Literal["auto", "fast", "simpy"] | None = None  # same records: not hashed

    @field_validator("factors")
    @classmethod
    def _factor_names(cls, factors: dict[str, Any]) -> dict[str, Any]:
        clash = [f for f in factors if f in TIDY_COLUMNS]
        if clash:
            raise ValueError(
                f"factor {clash[0]!r} has the name of a column of the results table "
                f"({', '.join(TIDY_COLUMNS)}): its values would clash with that column's")
        return factors


# --- expanded experiment -----------------------------------------------------------


@dataclass(frozen=True)
class DesignPoint:
    """One design point: a base scenario with factor values applied.

    ``scenario`` is None when the values make an invalid scenario; ``error``
    then says why (only with ``on_invalid: record``).
    """

    point: int
    base: str
    factors: dict[str, Any]
    scenario: Scenario | None
    error: str | None = None

    def label(self) -> str:
        """Short human-readable name, e.g. ``P3 quickstart: arrival_scale=1.1``."""
        values = ", ".join(f"{k}={_fmt_value(v)}" for k, v in self.factors.items())
        return f"P{self.point} {self.base}" + (f": {values}" if values else "")


@dataclass(frozen=True)
class Experiment:
    """A validated experiment with every design point built."""

    name: str
    source: str
    factor_names: tuple[str, ...]
    points: tuple[DesignPoint, ...]
    replications: int
    seed: int
    design: str
    on_invalid: str
    baseline: int
    definition: dict[str, Any] = field(repr=False)
    engine: str | None = None  # hall engine (None: --engine's); results do not depend on it

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical definition (base scenarios' contents included)."""
        return definition_hash(self.definition)

    @property
    def runs(self) -> int:
        """Number of (design point, replication) runs."""
        return len(self.points) * self.replications


def definition_hash(definition: dict[str, Any]) -> str:
    """SHA-256 hex digest of a definition's canonical JSON."""
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fmt_value(value: Any) -> str:
    """A factor level as a design point's label shows it: text that reads as a number
    keeps its quotes (``hall.days="2"``), so that an error about a number says why."""
    if isinstance(value, str) and _reads_as_number(value):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- paths -------------------------------------------------------------------------


def split_path(path: str) -> list[str]:
    """Segments of a dotted field path; ``a[2]`` is the same as ``a.2``."""
    return [s for s in re.sub(r"\[(\d+)\]", r".\1", path).split(".") if s != ""]


def _children(node: Any) -> dict[str, Any] | None:
    """Addressable children of a node: dict keys, window-group ids, or list indices."""
    if isinstance(node, dict):
        return {str(k): k for k in node}
    if isinstance(node, list):
        if node and all(isinstance(x, dict) and "id" in x for x in node):
            return {str(x["id"]): k for k, x in enumerate(node)}
        return {str(k): k for k in range(len(node))}
    return None


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the field at ``path`` in plain scenario data, in place.

    Window groups are addressed by id (``windows.A.count``), mappings by key
    (``categories.tax.service.mean``), other lists by index. Keys containing
    dots (a window id ``A.1``) are matched greedily. Every segment must exist;
    otherwise :class:`KeyError` is raised with a message saying what exists.
    """
    segs = split_path(path)
    if not segs:
        raise KeyError("empty path")
    node: Any = data
    i = 0
    done: list[str] = []
    while i < len(segs):
        kids = _children(node)
        where = ".".join(done) or "the top level"
        if kids is None:
            raise KeyError(f"'{where}' is a value ({_fmt_value(node)}), not a mapping or list")
        for j in range(len(segs), i, -1):
            key = ".".join(segs[i:j])
            if key in kids:
                break
        else:
            known = ", ".join(list(kids)[:20]) or "nothing"
            raise KeyError(f"no '{segs[i]}' at {where} (known: {known})")
        done.append(key)
        if j == len(segs):
            node[kids[key]] = copy.deepcopy(value)
            return
        node = node[kids[key]]
        i = j


def apply_transform(data: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    """Apply a named transform to plain scenario data; returns new data.

    - ``arrival_scale: x`` multiplies every category's arrival rate (a number or
      every entry of a time-of-day profile) by ``x`` (> 0).
    - ``speed_all_cross: x`` multiplies, in every window group, the speed factor
      of each category the group serves but that is not among its primary
      categories (``windows[].primary``, by default what the first ``serves``
      entry names) by ``x`` (> 0). Factors already set are multiplied; the
      group's ``speed`` is rewritten with one entry per category.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 \
            or math.isinf(value):
        raise ValueError(f"{name} must be a number > 0 (got {_fmt_value(value)})")
    data = copy.deepcopy(data)
    if name == "arrival_scale":
        for cat in data.get("categories", {}).values():
            rate = cat.get("arrivals_per_hour")
            if isinstance(rate, dict):
                cat["arrivals_per_hour"] = {k: v * value for k, v in rate.items()}
            elif isinstance(rate, (int, float)):
                cat["arrivals_per_hour"] = rate * value
        return data
    if name == "speed_all_cross":
        scenario = scenario_from_dict(data)
        for g in data["windows"]:
            gid = g["id"]
            primary = scenario.authorisation.primary(gid)
            cross = [c for c in scenario.authorisation.serves(gid) if c not in primary]
            if not cross:
                continue
            speed = {}
            for c in scenario.authorisation.serves(gid):
                f = scenario.authorisation.speed_factor(gid, c) * (value if c in cross else 1.0)
                if f != 1.0:
                    speed[c] = f
            if speed:
                g["speed"] = speed
            else:
                g.pop("speed", None)
        return data
    raise ValueError(f"unknown transform '{name}' (known: {', '.join(TRANSFORMS)})")


def apply_factors(data: dict[str, Any], factors: dict[str, Any]) -> dict[str, Any]:
    """Apply factor values (paths and transforms, in order) to plain scenario data."""
    out = copy.deepcopy(data)
    for name, value in factors.items():
        if name in TRANSFORMS:
            out = apply_transform(out, name, value)
        else:
            set_path(out, name, value)
    return out


# --- loading -----------------------------------------------------------------------


def _check_size(source: str, where: str, rows: int, spec: ExperimentSpec) -> None:
    """Refuse a design above MAX_POINTS design points or MAX_RUNS runs, before expanding it."""
    n_bases = len(spec.scenarios)
    points = rows * n_bases
    if points > MAX_POINTS:
        raise InputError(source, where, f"{points:,} design points ({rows:,} per base scenario "
                         f"x {n_bases}) is more than the limit of {MAX_POINTS:,}; use a Latin "
                         "hypercube (design: lhs) or fewer levels")
    if points * spec.replications > MAX_RUNS:
        raise InputError(source, "replications", f"{points:,} design points x "
                         f"{spec.replications:,} replications = {points * spec.replications:,} "
                         f"runs, more than the limit of {MAX_RUNS:,}")


def _design_rows(spec: ExperimentSpec, source: str) -> tuple[str, list[str], list[dict[str, Any]]]:
    """Design type, factor names and the rows of factor values."""
    design = spec.design if isinstance(spec.design, Design) else Design(type=spec.design)
    factors = spec.factors
    for name, levels in factors.items():
        if isinstance(levels, list) and not levels:
            raise InputError(source, f"factors.{name}", "a factor needs at least one level")
        if isinstance(levels, Range):
            if design.type != "lhs":
                raise InputError(source, f"factors.{name}", "a range {low, high} needs "
                                 "design type lhs; give a list of levels instead")
            if levels.low > levels.high:
                raise InputError(source, f"factors.{name}", f"low ({levels.low:g}) is above "
                                 f"high ({levels.high:g})")
        elif design.type == "lhs":
            raise InputError(source, f"factors.{name}", "a Latin hypercube needs a range "
                             "{low: ..., high: ...} for every factor")
    if design.type == "factorial":
        if design.points is not None:
            raise InputError(source, "design.points", "a factorial design takes no points "
                             "(it crosses every level of every factor)")
        size = math.prod(len(v) for v in factors.values() if isinstance(v, list))
        _check_size(source, "factors", size, spec)
        names = list(factors)
        rows = [dict(zip(names, combo)) for combo in
                itertools.product(*(factors[n] for n in names))]  # type: ignore[arg-type]
        return "factorial", names, rows
    if design.type == "explicit":
        if factors:
            raise InputError(source, "factors", "an explicit design lists its factor values "
                             "in design.points; leave factors out")
        if not isinstance(design.points, list) or not design.points:
            raise InputError(source, "design.points", "an explicit design needs a non-empty "
                             "list of points (mappings from factor to value)")
        _check_size(source, "design.points", len(design.points), spec)
        names = list(design.points[0])
        for k, row in enumerate(design.points):
            if set(row) != set(names):
                raise InputError(source, f"design.points[{k}]", f"sets {sorted(row)}, but "
                                 f"the first point sets {sorted(names)}; every point must "
                                 "set the same factors")
            for name in row:
                if row[name] is None:
                    raise InputError(source, f"design.points[{k}].{name}", "empty value")
        return "explicit", names, [{n: row[n] for n in names} for row in design.points]
    # Latin hypercube
    if not isinstance(design.points, int) or isinstance(design.points, bool) \
            or design.points < 1:
        raise InputError(source, "design.points", "a Latin hypercube needs a number of "
                         "points >= 1")
    _check_size(source, "design.points", design.points, spec)
    if not factors:
        raise InputError(source, "factors", "a Latin hypercube needs at least one factor")
    names = list(factors)
    seed = spec.seed if design.seed is None else design.seed
    u = latin_hypercube(len(names), design.points, seed)
    rows = []
    for k in range(design.points):
        row = {}
        for d, name in enumerate(names):
            r = factors[name]
            assert isinstance(r, Range)
            if r.integer:
                lo, hi = math.ceil(r.low), math.floor(r.high)
                if hi < lo:
                    raise InputError(source, f"factors.{name}", "the range holds no integer")
                row[name] = int(min(hi, lo + math.floor(u[k, d] * (hi - lo + 1))))
            else:
                row[name] = round(r.low + float(u[k, d]) * (r.high - r.low), 6)
        rows.append(row)
    return "lhs", names, rows


def latin_hypercube(dims: int, points: int, seed: int) -> np.ndarray:
    """``points`` x ``dims`` Latin hypercube sample in [0, 1), seeded (scipy's qmc)."""
    from scipy.stats import qmc

    try:
        sampler = qmc.LatinHypercube(d=dims, rng=seed)
    except TypeError:  # scipy < 1.15 names it seed
        sampler = qmc.LatinHypercube(d=dims, seed=seed)
    return sampler.random(points)


def _base_scenarios(spec: ExperimentSpec, path: Path) -> dict[str, tuple[str, Scenario]]:
    """Label -> (file, scenario) of the base scenarios (paths relative to the file)."""
    items = spec.scenarios.items() if isinstance(spec.scenarios, dict) else \
        [(None, p) for p in spec.scenarios]
    out: dict[str, tuple[str, Scenario]] = {}
    for k, (label, rel) in enumerate(items):
        file = Path(rel) if Path(rel).is_absolute() else path.parent / rel
        where = f"scenarios.{label}" if label else f"scenarios[{k}]"
        try:
            scenario = load_scenario(file)
        except InputError as exc:  # the experiment and its field first, then the scenario's
            raise InputError(str(path), where, f"base scenario {exc}") from None
        if spec.days is not None:
            try:
                scenario = scenario.with_days(spec.days)
            except InputError as exc:
                raise InputError(str(path), "days", exc.problem) from None
        name = label or scenario.name
        if name in out:
            raise InputError(str(path), where, f"two base scenarios are called '{name}'; "
                             "give them labels (scenarios: {label: file, ...})")
        out[name] = (str(file), scenario)
    return out


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file and build every design point.

    Raises :class:`InputError` (exit 2) naming the field path for a bad file, a
    bad factor path, an empty factor, or (unless ``on_invalid: record``) a
    design point whose values make an invalid scenario.
    """
    path = Path(path)
    source = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(source, "", "an experiment must be a mapping with name, scenarios, "
                                     "factors, design, replications")
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as exc:
        raise validation_error_to_input(exc, source, data) from None
    kind, names, rows = _design_rows(spec, source)
    bases = _base_scenarios(spec, path)
    for name in names:
        if name in TRANSFORMS:
            continue
        for label, (file, scenario) in bases.items():
            try:
                set_path(scenario.to_dict(), name, None)
            except KeyError as exc:
                where = f"factors.{name}" if kind != "explicit" else f"design.points[0].{name}"
                raise InputError(source, where, f"no such field in base scenario '{label}' "
                                 f"({file}): {exc.args[0]}") from None
    points: list[DesignPoint] = []
    for label, (_file, scenario) in bases.items():
        base = scenario.to_dict()
        for k, row in enumerate(rows):
            pid = len(points)
            try:
                built = scenario_from_dict(apply_factors(base, row), f"P{pid}")
                points.append(DesignPoint(pid, label, row, built))
            except (InputError, ValueError) as exc:
                sub = exc.path if isinstance(exc, InputError) else ""
                problem = exc.problem if isinstance(exc, InputError) else str(exc)
                tmp = DesignPoint(pid, label, row, None)
                text = f"design point {tmp.label()} makes an invalid scenario" + \
                    (f": field '{sub}'" if sub else "") + f": {problem}"
                if spec.on_invalid == "stop":
                    raise InputError(source, _factor_path(kind, names, k, sub),
                                     text) from None
                points.append(DesignPoint(pid, label, row, None, text))
    baseline = _baseline(spec, source, points)
    definition = {
        "name": spec.name,
        "scenarios": {label: sc.to_dict() for label, (_f, sc) in bases.items()},
        "factors": names,
        "design": kind,
        "points": [{"point": p.point, "base": p.base, "factors": p.factors} for p in points],
        "replications": spec.replications,
        "seed": spec.seed,
        "on_invalid": spec.on_invalid,
    }
    return Experiment(spec.name, source, tuple(names), tuple(points), spec.replications,
                      spec.seed, kind, spec.on_invalid, baseline, definition, spec.engine)


def _factor_path(kind: str, names: list[str], row: int, sub: str) -> str:
    """The experiment field to blame for an invalid design point."""
    if kind == "explicit":
        return f"design.points[{row}]"
    hit = [n for n in names if sub and (sub == n or sub.startswith(n + "."))]
    if not hit and len(names) == 1:
        hit = names
    return f"factors.{hit[0]}" if hit else "factors"


def _baseline(spec: ExperimentSpec, source: str, points: list[DesignPoint]) -> int:
    """Index of the baseline point: the first one matching ``baseline`` (default: P0)."""
    if not spec.baseline:
        return 0
    want = dict(spec.baseline)
    base = want.pop("scenario", None)
    for p in points:
        if (base is None or p.base == base) and all(
                k in p.factors and p.factors[k] == v for k, v in want.items()):
            return p.point
    raise InputError(source, "baseline", f"no design point has {spec.baseline}")


@dataclass(frozen=True)
class Task:
    """One run: replication ``replication`` of a design point's scenario under ``seed``."""

    point: int
    replication: int
    seed: int
    scenario: Scenario
    engine: str | None = None  # fast or simpy (None: the process's choice)


@dataclass(frozen=True)
class Outcome:
    """What one run produced: its summary (``status`` ``ok``) or its error."""

    point: int
    replication: int
    seed: int
    status: str
    error: str | None
    summary: dict[str, Any] | None
    profile: dict[str, Any] | None
    wall_seconds: float
    worker: str


def run_task(task: Task) -> Outcome:
    """Run one task in whatever process it lands in; exceptions become a failed outcome.

    The summary is :func:`sim.run.replications.run_replication`'s; the profile (wait
    quantiles and utilisation by hour, see :func:`sim.batch.analysis.run_profile`)
    feeds the report's figures.
    """
    from sim.batch.analysis import run_profile
    from sim.run.replications import run_replication

    started = time.perf_counter()
    worker = f"{os.uname().nodename}:{os.getpid()}" if hasattr(os, "uname") else str(os.getpid())
    try:
        rep = run_replication(task.scenario, task.seed, task.replication, keep_records=True,
                              engine=task.engine)
        assert rep.records is not None
        profile = run_profile(task.scenario, rep.records)
        return Outcome(task.point, task.replication, task.seed, "ok", None, rep.summary,
                       profile, time.perf_counter() - started, worker)
    except Exception as exc:  # noqa: BLE001 - a failing run is recorded, the batch goes on
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return Outcome(task.point, task.replication, task.seed, "failed", tb, None, None,
                       time.perf_counter() - started, worker)


def tasks_of(experiment: Experiment, skip: Iterable[tuple[int, int]] = ()) -> list[Task]:
    """Runnable tasks (valid points only) not in ``skip``, point by point; each point's
    engine is chosen (and announced) here, once, not in the workers."""
    from sim.run.replications import resolve_engine

    done = set(skip)
    return [Task(p.point, r, experiment.seed, p.scenario, engine)
            for p in experiment.points if p.scenario is not None
            for engine in (resolve_engine(p.scenario, experiment.engine,
                                          replications=experiment.runs),)
            for r in range(experiment.replications) if (p.point, r) not in done]


@dataclass
class BatchReport:
    """What :func:`run_experiment` did."""

    total: int
    skipped: int
    ran: int = 0
    failed: int = 0
    invalid: int = 0
    wall_seconds: float = 0.0
    coordinator_seconds: float = 0.0

    def line(self) -> str:
        """One-line account for the terminal."""
        return (f"{self.total} runs: {self.skipped} already done, {self.ran} run now "
                f"({self.failed} failed), {self.invalid} on invalid design points; "
                f"{self.wall_seconds:.1f} s")


def run_experiment(
    experiment: Experiment,
    store: Any,
    executor: Any,
    progress: Callable[[int], None] | None = None,
    work: Callable[[Task], Outcome] = run_task,
) -> BatchReport:
    """Run every unfinished run of ``experiment`` on ``executor``, recording into ``store``.

    ``store`` is a :class:`sim.batch.store.Store` already checked against the
    experiment; runs it holds with status ``ok`` are skipped (resume). Each
    finished run is committed in its own transaction as it arrives, in
    completion order. Invalid design points (``on_invalid: record``) are
    recorded as ``invalid`` runs without being simulated. ``progress`` is
    called with the number of runs just finished.
    """
    started = time.perf_counter()
    done = store.finished()
    report = BatchReport(total=experiment.runs, skipped=len(done))
    for p in experiment.points:
        if p.scenario is None:
            for r in range(experiment.replications):
                if (p.point, r) not in done:
                    store.record(Outcome(p.point, r, experiment.seed, "invalid", p.error,
                                         None, None, 0.0, "coordinator"))
                    report.invalid += 1
                    if progress:
                        progress(1)
    tasks = tasks_of(experiment, done)
    coord = 0.0
    for task, outcome, exc in executor.map_unordered(work, tasks):
        t0 = time.perf_counter()
        if exc is not None:
            outcome = Outcome(task.point, task.replication, task.seed, "failed",
                              f"{type(exc).__name__}: {exc}", None, None, 0.0, executor.name)
        store.record(outcome)
        report.ran += 1
        report.failed += outcome.status != "ok"
        coord += time.perf_counter() - t0
        if progress:
            progress(1)
    report.coordinator_seconds = coord
    report.wall_seconds = time.perf_counter() - started
    return report

