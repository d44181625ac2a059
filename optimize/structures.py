"""Window types (authorisation sets) given explicitly or generated as named structures.

A *window type* is a kind of window the optimiser may open: the items (categories)
its staff are authorised for, the staff's speed on each, and its cost. Named
structures generate types from the scenario's departments and zones:

- ``dedicated``: one type per department, serving that department's items;
- ``chain``: one type per department serving its own items and those of the next
  department, in a ring (the "long chain" of flexibility research);
- ``zone``: one type per zone, serving every item of the zone;
- ``full``: one type serving every item;
- ``auto``: all of the above as candidates (duplicate authorisation sets dropped).

A category without a department is a department of its own; one without a zone
belongs to a zone named after its department. Speeds: a type's staff work at
``cross_speed`` (a service-time factor) on items outside their *home*
department; dedicated and chain types have their own department as home, zone
and full types spanning several departments have none (generalists, slower on
every item). Each department a type serves beyond the first is one *extra
authorisation*, priced at ``training_cost`` per person holding the type per day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from optimize.spec import OptimizeSpec
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class WindowType:
    """A window type: what its staff may serve, how fast, and at what cost."""

    id: str
    structure: str
    serves: tuple[str, ...]
    primary: tuple[str, ...]
    speed: dict[str, float]
    cost_per_hour: float
    extra_authorisations: int

    def factor(self, category: str) -> float:
        """Service-time factor of this type's staff on a category (1.0 = specialist)."""
        return self.speed.get(category, 1.0)


def department_of(scenario: Scenario, category: str) -> str:
    """The department a category belongs to (the category itself if it names none)."""
    return scenario.categories[category].department or f"item:{category}"


def zone_of(scenario: Scenario, category: str) -> str:
    """The zone a category belongs to (its department's name if it names none)."""
    return scenario.categories[category].zone or department_of(scenario, category)


def departments(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Departments in first-mention order, each with its categories."""
    out: dict[str, list[str]] = {}
    for c in scenario.categories:
        out.setdefault(department_of(scenario, c), []).append(c)
    return {d: tuple(cs) for d, cs in out.items()}


def zones(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Zones in first-mention order, each with its categories."""
    out: dict[str, list[str]] = {}
    for c in scenario.categories:
        out.setdefault(zone_of(scenario, c), []).append(c)
    return {z: tuple(cs) for z, cs in out.items()}


def _safe(text: str) -> str:
    return re.sub(r"[^\w.:-]", "_", text.removeprefix("item:")) or "_"


def _make(scenario: Scenario, spec: OptimizeSpec, tid: str, structure: str,
          serves: tuple[str, ...], home: str | None) -> WindowType:
    depts = list(dict.fromkeys(department_of(scenario, c) for c in serves))
    if home is None and len(depts) == 1:
        home = depts[0]
    speed = {c: spec.cross_speed for c in serves
             if department_of(scenario, c) != home and spec.cross_speed != 1.0}
    primary = tuple(c for c in serves if department_of(scenario, c) == home) or serves
    return WindowType(tid, structure, serves, primary, speed, spec.cost_per_window_hour,
                      len(depts) - 1)


def generate(scenario: Scenario, spec: OptimizeSpec, structure: str) -> list[WindowType]:
    """The window types of one named structure (``dedicated``, ``chain``, ``zone``, ``full``)."""
    depts = departments(scenario)
    names = list(depts)
    if structure == "dedicated":
        return [_make(scenario, spec, f"DED-{_safe(d)}", structure, cs, d)
                for d, cs in depts.items()]
    if structure == "chain":
        out = []
        for i, d in enumerate(names):
            nxt = names[(i + 1) % len(names)]
            serves = depts[d] + (depts[nxt] if nxt != d else ())
            out.append(_make(scenario, spec, f"CHAIN-{_safe(d)}", structure, serves, d))
        return out
    if structure == "zone":
        return [_make(scenario, spec, f"ZONE-{_safe(z)}", structure, cs, None)
                for z, cs in zones(scenario).items()]
    if structure == "full":
        return [_make(scenario, spec, "FULL", structure, tuple(scenario.categories), None)]
    raise ValueError(f"unknown structure '{structure}'")


def explicit(scenario: Scenario, spec: OptimizeSpec) -> list[WindowType]:
    """The window types written out in ``spec.types``."""
    out = []
    for tid, t in (spec.types or {}).items():
        served: list[str] = []
        for ref in t.serves:
            served.extend(c for c in scenario.resolve(ref) if c not in served)
        speed: dict[str, float] = {}
        for ref, value in (t.speed or {}).items():
            for c in scenario.resolve(ref):
                speed[c] = float(value)
        depts = list(dict.fromkeys(department_of(scenario, c) for c in served))
        home = t.home if t.home is not None else depts[0]
        primary = tuple(c for c in served if department_of(scenario, c) == home) or tuple(served)
        cost = spec.cost_per_window_hour if t.cost_per_hour is None else t.cost_per_hour
        out.append(WindowType(tid, "explicit", tuple(served), primary,
                              {c: f for c, f in speed.items() if f != 1.0}, float(cost),
                              len(depts) - 1))
    return out


def window_types(scenario: Scenario, spec: OptimizeSpec,
                 structures: tuple[str, ...] | None = None) -> list[WindowType]:
    """Candidate types: explicit ones if the spec has them, else the named structures.

    ``structures`` overrides the spec's choice (the consolidation study uses it).
    Generated types with the same authorisation set and speeds as an earlier one
    are dropped, so ``auto`` has no duplicates (e.g. ``chain`` with one department).
    """
    if spec.types and structures is None:
        return explicit(scenario, spec)
    out: list[WindowType] = []
    seen: set[tuple] = set()
    ids: set[str] = set()
    for s in structures or spec.structures():
        for t in generate(scenario, spec, s):
            key = (frozenset(t.serves), tuple(sorted(t.speed.items())))
            if key in seen:
                continue
            seen.add(key)
            tid, k = t.id, 1
            while tid in ids:
                k += 1
                tid = f"{t.id}-{k}"
            ids.add(tid)
            out.append(replace(t, id=tid))
    return out
