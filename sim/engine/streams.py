"""Random streams: one ``SeedSequence`` tree per run, one stream per purpose.

A stream is keyed by (seed, replication, purpose, name), where ``name`` is e.g. a
category name. Keying by name rather than by position means that two scenarios
sharing a category draw the same customers for it even when other categories
are added or removed: common random numbers across compared scenarios.
"""

from __future__ import annotations

import zlib
from enum import IntEnum

import numpy as np


class Purpose(IntEnum):
    """What a stream is used for."""

    ARRIVALS = 0
    SERVICE = 1
    PATIENCE = 2
    ROUTING = 3
    RETURNS = 4
    BACKOFFICE = 5
    DELIVERY = 6
    JOURNEY = 7
    DAY_LEVEL = 8


def name_key(name: str) -> int:
    """A stable 32-bit key for a name (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, replication: int, purpose: Purpose, name: str) -> np.random.Generator:
    """The generator for one purpose and name inside one replication."""
    key = (replication, int(purpose), name_key(name))
    seq = np.random.SeedSequence(entropy=seed, spawn_key=key)
    return np.random.Generator(np.random.PCG64(seq))


def visit_stream(seed: int, replication: int, name: str, case: int, visit: int
                 ) -> np.random.Generator:
    """The generator of one late return visit (beyond the pre-drawn ones) of one case."""
    return stream(seed, replication, Purpose.RETURNS, f"{name}#{case}#{visit}")
