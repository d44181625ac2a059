"""The back office at run time (the engine side of :mod:`sim.scenario.backoffice`, which
describes it): stages of reviewers on a working-day calendar.

Each stage is a pool of ``count`` reviewers serving cases first come, first
served. A reviewer's work is measured in working minutes of the back office's
hours: work begun near closing resumes at the next opening (next working day).
A route is run as a tree of series and parallel (fork–join) nodes with
continuations, each case carrying the work of every stage occurrence on its
route, drawn when the case was created (common random numbers).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import simpy

from sim.scenario.backoffice import BackOfficeSpec, RouteItem, fold_route
from sim.scenario.calendar import WorkingTime


@dataclass(frozen=True)
class Node:
    """A compiled route node: ``stage`` (with its occurrence index), ``series`` or ``parallel``."""

    kind: str
    stage: int = -1
    occurrence: int = -1
    children: tuple[Node, ...] = ()


def compile_route(spec: BackOfficeSpec,
                  items: str | tuple[RouteItem, ...]) -> tuple[Node, list[int]]:
    """The route as a node tree, and the stage index of each occurrence in DFS order."""
    compiler = _RouteCompiler(spec)
    root = fold_route(spec.routes[items] if isinstance(items, str) else items, compiler)
    return root, compiler.occurrences


class _RouteCompiler:
    """The route fold that builds nodes, following named routes, numbering occurrences."""

    def __init__(self, spec: BackOfficeSpec) -> None:
        self.spec = spec
        self.names = list(spec.stages)
        self.occurrences: list[int] = []

    def stage(self, name: str, path: str) -> Node:
        self.occurrences.append(self.names.index(name))
        return Node("stage", stage=self.names.index(name), occurrence=len(self.occurrences) - 1)

    def subroute(self, name: str, path: str) -> Node:
        return fold_route(self.spec.routes[name], self)

    def series(self, parts: list[Node], path: str) -> Node:
        return Node("series", children=tuple(parts))

    def parallel(self, branches: list[Node], path: str) -> Node:
        return Node("parallel", children=tuple(branches))


class BackOffice:
    """Stage pools on a SimPy environment; ``send`` runs a case down a route."""

    def __init__(self, env: simpy.Environment, spec: BackOfficeSpec, hours: WorkingTime) -> None:
        self.env = env
        self.hours = hours
        self.names = tuple(spec.stages)
        self.counts = [s.count for s in spec.stages.values()]
        self.free = list(self.counts)
        self.queues: list[deque] = [deque() for _ in self.names]
        self.jobs: list[tuple[int, float, float]] = []  # (stage, working-minute start, work)

    def send(self, node: Node, works: np.ndarray, done: Callable[[float], None]) -> None:
        """Run ``node`` for a case with per-occurrence ``works``; call ``done(time)`` after."""
        if node.kind == "stage":
            self._request(node.stage, float(works[node.occurrence]), done)
        elif node.kind == "series":
            self._series(node.children, 0, works, done)
        else:
            left = [len(node.children)]

            def joined(t: float) -> None:
                left[0] -= 1
                if left[0] == 0:
                    done(t)

            for child in node.children:
                self.send(child, works, joined)

    def _series(self, children: tuple[Node, ...], k: int, works: np.ndarray,
                done: Callable[[float], None]) -> None:
        if k == len(children):
            done(self.env.now)
            return
        self.send(children[k], works, lambda _t: self._series(children, k + 1, works, done))

    def _request(self, stage: int, work: float, done: Callable[[float], None]) -> None:
        if self.free[stage]:
            self.free[stage] -= 1
            self._start(stage, work, done)
        else:
            self.queues[stage].append((work, done))

    def _start(self, stage: int, work: float, done: Callable[[float], None]) -> None:
        now = self.env.now
        w0 = self.hours.minutes_before(now)
        self.jobs.append((stage, w0, work))
        finish = self.hours.clock_time(w0 + work)
        ev = simpy.Timeout(self.env, max(0.0, finish - now))
        ev.callbacks.append(lambda _ev: self._finish(stage, done))

    def _finish(self, stage: int, done: Callable[[float], None]) -> None:
        if self.queues[stage]:
            work, nxt = self.queues[stage].popleft()
            self._start(stage, work, nxt)
        else:
            self.free[stage] += 1
        done(self.env.now)

    def utilisation(self, w_from: float, w_to: float) -> dict[str, dict[str, float]]:
        """Per stage: busy share of reviewer working time in ``[w_from, w_to)`` (working
        minutes) and the number of jobs started in it."""
        return stage_utilisation(self.names, self.counts,
                                 np.array(self.jobs, dtype=float).reshape(-1, 3), w_from, w_to)


def stage_utilisation(names: tuple[str, ...], counts: list[int], jobs: np.ndarray,
                      w_from: float, w_to: float) -> dict[str, dict[str, float]]:
    """:meth:`BackOffice.utilisation` of the jobs ``jobs`` (rows ``stage, working-minute
    start, work`` in the order they started) of stages ``names`` with ``counts``
    reviewers."""
    out = {}
    for k, name in enumerate(names):
        mine = jobs[jobs[:, 0] == k]
        start, end = mine[:, 1], mine[:, 1] + mine[:, 2]
        busy = np.clip(np.minimum(end, w_to) - np.maximum(start, w_from), 0, None).sum()
        cap = counts[k] * (w_to - w_from)
        inside = int(((start >= w_from) & (start < w_to)).sum())
        out[name] = {"utilisation": float(busy / cap) if cap > 0 else float("nan"),
                     "jobs": inside}
    return out
