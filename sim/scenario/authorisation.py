"""Authorisation: which window groups may serve which categories, resolved once.

A window group's ``serves`` (and ``primary`` and ``speed``) entries name
categories by name, ``department:X``, ``zone:X`` or ``*``. They are resolved
once, when the scenario is validated, into an immutable :class:`Authorisation`
table that the engine, the offered-load check, the batch layer and the
optimiser all read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

from sim.files.errors import ScenarioError


class _Labelled(Protocol):
    @property
    def department(self) -> str | None: ...

    @property
    def zone(self) -> str | None: ...


class _Group(Protocol):
    @property
    def serves(self) -> tuple[str, ...]: ...

    @property
    def primary(self) -> tuple[str, ...] | None: ...

    @property
    def speed(self) -> Mapping[str, float] | None: ...


def resolve_ref(ref: str, categories: Mapping[str, _Labelled], path: str = "") -> tuple[str, ...]:
    """Category names that a reference (name, ``department:X``, ``zone:X``, ``*``) names.

    An unknown name, department or zone raises :class:`ScenarioError` at ``path``.
    """
    if ref == "*":
        return tuple(categories)
    for kind in ("department", "zone"):
        prefix = kind + ":"
        if ref.startswith(prefix):
            value = ref[len(prefix):]
            found = tuple(c for c, cat in categories.items() if getattr(cat, kind) == value)
            if not found:
                known = sorted({getattr(cat, kind) for cat in categories.values()
                                if getattr(cat, kind)})
                raise ScenarioError(path, f"unknown {kind} '{value}' (known: {known})")
            return found
    if ref not in categories:
        raise ScenarioError(path, f"unknown category '{ref}' (known: {list(categories)})")
    return (ref,)


def resolve_refs(refs: Iterable[str], categories: Mapping[str, _Labelled],
                 path: str) -> tuple[str, ...]:
    """Categories named by several references (``path[k]`` each), in first-mention order."""
    out: list[str] = []
    for k, ref in enumerate(refs):
        out.extend(c for c in resolve_ref(ref, categories, f"{path}[{k}]") if c not in out)
    return tuple(out)


@dataclass(frozen=True)
class GroupAuthorisation:
    """One window group's resolved authorisation."""

    serves: tuple[str, ...]
    """Categories the group may serve, in first-mention order."""
    primary: tuple[str, ...]
    """Categories served first under ``own_first`` (the first ``serves`` entry by default)."""
    speed: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """Service-time factor by category, where it is given."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "speed", MappingProxyType(dict(self.speed)))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle (for worker processes) through plain data: a mapping proxy does not pickle."""
        return (GroupAuthorisation, (self.serves, self.primary, dict(self.speed)))


def authorise_group(group: _Group, categories: Mapping[str, _Labelled],
                    path: str) -> GroupAuthorisation:
    """Resolve a group's ``serves``, ``primary`` and ``speed`` (field paths under ``path``)."""
    served = resolve_refs(group.serves, categories, f"{path}.serves")
    if group.primary is None:
        primary = resolve_ref(group.serves[0], categories, f"{path}.serves[0]")
    else:
        primary_list: list[str] = []
        for k, ref in enumerate(group.primary):
            for c in resolve_ref(ref, categories, f"{path}.primary[{k}]"):
                if c not in served:
                    raise ScenarioError(f"{path}.primary[{k}]",
                                        f"primary category '{c}' is not among those the "
                                        "group serves")
                primary_list.append(c)
        primary = tuple(primary_list)
    speed: dict[str, float] = {}
    for ref, value in (group.speed or {}).items():
        for c in resolve_ref(ref, categories, f"{path}.speed.{ref}"):
            if c not in served:
                raise ScenarioError(f"{path}.speed.{ref}",
                                    f"speed given for '{c}', which the group does not serve")
            speed[c] = value  # a later entry overrides an earlier one
    return GroupAuthorisation(served, primary, speed)


@dataclass(frozen=True)
class Authorisation:
    """The resolved authorisation table of a hall: per window group id, in file order."""

    groups: Mapping[str, GroupAuthorisation]

    @classmethod
    def of(cls, groups: Mapping[str, GroupAuthorisation]) -> Authorisation:
        """A table over these groups (copied into a read-only mapping)."""
        return cls(MappingProxyType(dict(groups)))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle (for worker processes) through plain data: a mapping proxy does not pickle."""
        return (Authorisation.of, (dict(self.groups),))

    def serves(self, group_id: str) -> tuple[str, ...]:
        """Category names the group is authorised for, in first-mention order."""
        return self.groups[group_id].serves

    def primary(self, group_id: str) -> tuple[str, ...]:
        """The group's primary categories (served first under ``own_first``)."""
        return self.groups[group_id].primary

    def speed_factor(self, group_id: str, category: str) -> float:
        """Service-time factor of the group's staff on the category (1.0 = specialist)."""
        return self.groups[group_id].speed.get(category, 1.0)

    def serving(self, category: str) -> tuple[str, ...]:
        """Ids of the groups authorised for a category, in file order."""
        return tuple(g for g, a in self.groups.items() if category in a.serves)

    def served(self) -> set[str]:
        """Every category some group serves."""
        return {c for a in self.groups.values() for c in a.serves}
