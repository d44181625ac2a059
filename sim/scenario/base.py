"""The one base class of every specification model: immutable, strict about field names,
and strict about numbers (a YAML ``true`` is not the number 1)."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


@cache
def _takes_bool(annotation: str) -> bool:
    """Whether a field's type (its ``repr``) admits a boolean (or anything at all)."""
    return "bool" in annotation or "Any" in annotation


def _spell_bools(value: Any) -> Any:
    """``value`` with booleans (itself, or the direct items of a list or mapping) spelled
    as the words YAML read them from, so that a numeric field refuses them by its own
    check, at its own field path."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and any(isinstance(v, bool) for v in value):
        return [_spell_bools(v) if isinstance(v, bool) else v for v in value]
    if isinstance(value, dict) and any(isinstance(v, bool) for v in value.values()):
        return {k: _spell_bools(v) if isinstance(v, bool) else v for k, v in value.items()}
    return value


class Frozen(BaseModel):
    """An immutable pydantic model that refuses unknown fields (a typo is an error) and
    booleans where a number is expected (pydantic would read ``true`` as 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _no_bool_for_numbers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fixed: dict[Any, Any] | None = None
        for name, field in cls.model_fields.items():
            key = field.alias if field.alias in data else name
            if key not in data or _takes_bool(repr(field.annotation)):
                continue
            value = data[key]
            spelled = _spell_bools(value)
            if spelled is not value:
                fixed = fixed if fixed is not None else dict(data)
                fixed[key] = spelled
        return fixed if fixed is not None else data
