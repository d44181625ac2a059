"""Random breaks of windows (``windows[].breaks``): each window's plan, drawn up front
(played out in the hall by :class:`~sim.engine.break_duty.BreakDuty`).

A window's plan is a sequence of (time on duty until the next break, length of the
break) pairs. The lengths already account for the AB backup: a break covered by a
backup clerk (probability ``backup.probability``) ends after ``min(duration,
delay)``. Each quantity comes from a stream of its own keyed by the window's name,
so compared scenarios that share a window share its breaks (common random numbers);
the plan holds enough breaks to cover the simulated days, and no break starts
after them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.streams import Purpose, stream
from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.mechanisms import Breaks
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class BreakPlan:
    """Per window (``None`` for windows of groups without breaks): ``up[k]`` minutes on
    duty before break ``k`` and its length ``down[k]``; no break starts at ``until`` or
    later."""

    up: tuple[list[float] | None, ...]
    down: tuple[list[float] | None, ...]
    until: float


def _window_plan(b: Breaks, name: str, until: float, seed: int, replication: int
                 ) -> tuple[list[float], list[float]]:
    def rng(part: str) -> np.random.Generator:
        return stream(seed, replication, Purpose.BREAKS, f"{name}\x00{part}")

    streams = {p: rng(p) for p in ("up", "down", "cover", "delay")}
    n = int(until / (b.every.mean + b.duration.mean)) + 16
    up = b.every.sample(streams["up"], n)
    while up.sum() < until:  # rare: draw on from the same streams (prefixes stay equal)
        up = np.concatenate([up, b.every.sample(streams["up"], n)])
    n = len(up)
    down = np.concatenate([b.duration.sample(streams["down"], n)])
    if b.backup is not None:
        covered = streams["cover"].random(n) < b.backup.probability
        delay = b.backup.delay.sample(streams["delay"], n)
        down = np.where(covered, np.minimum(down, delay), down)
    return up.tolist(), down.tolist()


def draw_break_plan(scenario: Scenario, seed: int, replication: int) -> BreakPlan | None:
    """Every window's breaks in one replication (``None`` when no group has breaks)."""
    if not scenario.has_breaks:
        return None
    until = scenario.hall.days * MINUTES_PER_DAY
    ups: list[list[float] | None] = []
    downs: list[list[float] | None] = []
    for g in scenario.windows:
        for k in range(g.count):
            if g.breaks is None:
                ups.append(None)
                downs.append(None)
                continue
            up, down = _window_plan(g.breaks, f"{g.id}-{k + 1}", until, seed, replication)
            ups.append(up)
            downs.append(down)
    return BreakPlan(tuple(ups), tuple(downs), until)
