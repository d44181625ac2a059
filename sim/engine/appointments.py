"""Appointments (预约): which customers book, their slots and when they come.

Per category with ``appointments``, from three streams of purpose ``appointment``
keyed by the category name and a part (one uniform or draw per customer, common
random numbers):

- ``book``: a customer books when their uniform is below ``share`` (raising the
  share books more of the same customers);
- the slot: booked customers, in the order of the times they would have come,
  each take the slot holding that time, or the first later one with room left (slots of
  ``slot_minutes`` from each opening of every simulated day, ``per_slot`` each);
  one who finds no slot in the simulated days does not come in this run;
- ``show``: a booked customer does not come when their uniform is below ``no_show``
  (the slot stays taken);
- ``offset``: the customer comes ``punctuality.shift`` plus a ``spread`` draw minutes
  after the slot; one who comes early is called from the slot time on (their ticket
  counts from the later of arrival and slot: waits are measured from it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.streams import Purpose, stream
from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class Bookings:
    """One category's customers (rows in the order they would have come): whether each
    comes (``comes``: all but booked no-shows and booked customers without a slot),
    whether they booked, their slot (NaN for walk-ins) and their ticket time (the
    natural arrival for walk-ins, the later of arrival and slot for booked ones)."""

    comes: np.ndarray
    booked: np.ndarray
    slot: np.ndarray
    ticket: np.ndarray


def slot_times(scenario: Scenario, slot_minutes: float) -> np.ndarray:
    """Start times of every slot of the simulated days (from each opening, while the
    period is open), in time order."""
    out = []
    for d in range(scenario.hall.days):
        for s, e in sorted(scenario.hall.periods):
            n = int(np.ceil((e - s) / slot_minutes - 1e-9))
            out.append(d * MINUTES_PER_DAY + s + slot_minutes * np.arange(n))
    return np.concatenate(out) if out else np.zeros(0)


def first_free_slots(wanted: np.ndarray, slots: np.ndarray, per_slot: int) -> np.ndarray:
    """Slot index of each booking (``wanted`` times in increasing order): the slot holding
    the wanted time, or the first later one with room left (-1: none left). Bookings
    in time order never find room before the previous booking's slot (those slots
    are full or end before the wanted time), so one pass suffices."""
    out = np.full(len(wanted), -1, dtype=np.int64)
    first = np.maximum(np.searchsorted(slots, wanted, side="right") - 1, 0)
    last, used = -1, 0
    for k, j0 in enumerate(first.tolist()):
        j = max(j0, last if used < per_slot else last + 1)
        if j >= len(slots):
            continue
        if j != last:
            last, used = j, 0
        used += 1
        out[k] = j
    return out


def book(scenario: Scenario, name: str, natural: np.ndarray, seed: int, replication: int
         ) -> Bookings:
    """The bookings of a category's customers (``natural``: the sorted times they would
    have come without appointments)."""
    a = scenario.categories[name].appointments
    assert a is not None
    n = len(natural)

    def rng(part: str) -> np.random.Generator:
        return stream(seed, replication, Purpose.APPOINTMENT, f"{name}\x00{part}")

    booked = rng("book").random(n) < a.share
    no_show = rng("show").random(n) < a.no_show
    spread = a.punctuality.spread
    offset = a.punctuality.shift + (spread.sample(rng("offset"), n) if spread is not None
                                    else np.zeros(n))
    slots = slot_times(scenario, a.slot_minutes)
    idx = np.full(n, -1, dtype=np.int64)
    idx[booked] = first_free_slots(natural[booked], slots, a.per_slot)
    slot = np.where(idx >= 0, slots[np.maximum(idx, 0)] if len(slots) else np.nan, np.nan)
    comes = ~booked | ((idx >= 0) & ~no_show)
    ticket = np.where(booked, np.maximum(slot + offset, slot), natural)
    return Bookings(comes, booked, slot, ticket)
