"""The one base class of every specification model: immutable, strict about field names."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """An immutable pydantic model that refuses unknown fields (a typo is an error)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
