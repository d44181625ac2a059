"""The records of a run, assembled from the hall core's ticket table and duty log."""

from __future__ import annotations

from array import array

import numpy as np

from sim.engine.layout import HallLayout
from sim.engine.records import Records
from sim.engine.tickets import Tickets


def _column(values: array[float] | array[int], dtype: type) -> np.ndarray:
    """A ticket column (a typed array) as a numpy array: a copy of its buffer."""
    return np.array(values, dtype=dtype)


def assemble_records(layout: HallLayout, tickets: Tickets, duty: np.ndarray) -> Records:
    """The records of a run: the layout's names, the ticket table's columns and the duty
    intervals (``(window, start, end)`` rows); the mechanisms add their columns after."""
    return Records(
        category_names=layout.category_names,
        window_names=layout.window_names,
        group_names=layout.group_names,
        window_group=layout.window_group,
        arrival=_column(tickets.arrival, np.float64),
        category=_column(tickets.category, np.int32),
        call=_column(tickets.call, np.float64),
        end=_column(tickets.end, np.float64),
        window=_column(tickets.window, np.int32),
        outcome=_column(tickets.outcome, np.int8),
        duty=duty,
    )
