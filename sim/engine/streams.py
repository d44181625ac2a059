"""Random streams: one ``SeedSequence`` tree per run, one stream per purpose.

A stream is keyed by (seed, replication, purpose, name): the ``SeedSequence`` of
``entropy=seed`` and ``spawn_key=(replication, purpose, *name_words(name), ...)``,
where ``name`` is e.g. a category name. Keying by name rather than by position
means that two scenarios sharing a category draw the same customers for it even
when other categories are added, removed or reordered: common random numbers
across compared scenarios.

A name enters the key as four 32-bit words of its BLAKE2b-128 digest (UTF-8
bytes): stable across runs, machines and Python versions, and with 128 bits a
collision between two names of one scenario has probability about ``n² / 2^129``
(nil for any real hall). Keys of one purpose always have the same length, so a
key is never a prefix of another of the same purpose.
"""

from __future__ import annotations

import hashlib
from enum import IntEnum

import numpy as np

#: 32-bit words of a name's digest in a stream key
NAME_WORDS = 4


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
    LATE_VISIT = 9
    PRIORITY = 10
    ONLINE = 11
    BREAKS = 12
    DOOR = 13
    GUIDE = 14
    APPOINTMENT = 15
    KIOSK = 16


def name_words(name: str) -> tuple[int, ...]:
    """A name as :data:`NAME_WORDS` stable 32-bit words (BLAKE2b-128 of its UTF-8 bytes)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=4 * NAME_WORDS).digest()
    return tuple(int.from_bytes(digest[4 * k:4 * k + 4], "little") for k in range(NAME_WORDS))


def stream_key(replication: int, purpose: Purpose, name: str, *extra: int) -> tuple[int, ...]:
    """The ``spawn_key`` of a stream: replication, purpose, the name's words, then ``extra``."""
    return (replication, int(purpose), *name_words(name), *extra)


def stream(seed: int, replication: int, purpose: Purpose, name: str) -> np.random.Generator:
    """The generator for one purpose and name inside one replication."""
    seq = np.random.SeedSequence(entropy=seed, spawn_key=stream_key(replication, purpose, name))
    return np.random.Generator(np.random.PCG64(seq))


def visit_stream(seed: int, replication: int, name: str, case: int, visit: int
                 ) -> np.random.Generator:
    """The generator of one late return visit (beyond the pre-drawn ones) of one case:
    keyed by the category name, the case's row among the category's cases and the visit."""
    key = stream_key(replication, Purpose.LATE_VISIT, name, case, visit)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
