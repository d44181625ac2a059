"""The hall engine: tickets, queues and windows on a SimPy event calendar.

The engine is built from a validated :class:`~sim.spec.scenario.Scenario` and a
table of :class:`~sim.engine.arrivals.Customers`; it returns :class:`~sim.engine.records.Records`
and does no I/O. Customers are not SimPy processes: each ticket costs one
arrival event and, if served, one service-end event, both plain callbacks on
the SimPy environment. Reneging is settled lazily and exactly: a window that
calls at time ``t`` skips (and records as abandoned, at their deadline) the
tickets whose patience ran out before ``t``, which is when they would have left.

Rules (see ``docs/scenario-format.md``):

- an arriving ticket goes to an idle eligible window if there is one: the first
  eligible group in order (groups for which the category is primary first, then
  file order) with an idle window, and there the window idle longest;
- otherwise it joins its category's queue (or balks, if ``balk_at_queue`` of its
  category are already waiting);
- a window that frees up calls by its call rule: ``oldest_first`` takes the
  longest-waiting ticket among all categories it serves; ``own_first`` looks at
  its primary categories first and at the rest only when those are empty;
- service time = the customer's draw x the group's speed factor for the category;
- staffing follows each group's ``schedule``; a window taken off duty finishes
  its customer first; windows on duty at a closing serve the tickets still held.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass

import numpy as np
import simpy

from sim.engine.arrivals import Customers
from sim.engine.cases import CaseFlow
from sim.engine.records import ABANDONED, BALKED, OPEN, SERVED, Records
from sim.spec.clock import MINUTES_PER_DAY
from sim.spec.scenario import Scenario

_WAITING, _DONE = 0, 1


@dataclass(frozen=True)
class HallLayout:
    """The scenario compiled into index tables the engine works with."""

    category_names: tuple[str, ...]
    group_names: tuple[str, ...]
    group_counts: tuple[int, ...]
    window_names: tuple[str, ...]
    window_group: np.ndarray
    eligible: tuple[tuple[int, ...], ...]  # per category: group indices in routing order
    tiers: tuple[tuple[tuple[int, ...], ...], ...]  # per group: call tiers of categories
    speed: np.ndarray  # (groups, categories) service-time factor
    staff_changes: tuple[tuple[float, int, int], ...]  # (minute of day, group, staffed)
    initial_staff: tuple[int, ...]
    balk_at: tuple[int, ...]  # per category, 0 = never balks

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> HallLayout:
        """Compile a scenario."""
        cats = tuple(scenario.categories)
        cidx = {c: k for k, c in enumerate(cats)}
        groups = scenario.windows
        names = tuple(g.id for g in groups)
        speed = np.ones((len(groups), len(cats)))
        tiers = []
        for gi, g in enumerate(groups):
            served = [cidx[c] for c in scenario.serves(g.id)]
            primary = [cidx[c] for c in scenario.primary(g.id)]
            for c in served:
                speed[gi, c] = scenario.speed_factor(g.id, cats[c])
            if scenario.call_rule(g.id) == "own_first":
                rest = [c for c in served if c not in primary]
                tiers.append((tuple(primary), tuple(rest)) if rest else (tuple(primary),))
            else:
                tiers.append((tuple(served),))
        eligible = []
        for c in cats:
            prim = [gi for gi, g in enumerate(groups) if c in scenario.primary(g.id)]
            other = [gi for gi, g in enumerate(groups)
                     if c in scenario.serves(g.id) and gi not in prim]
            eligible.append(tuple(prim + other))
        changes, initial = [], []
        for gi, g in enumerate(groups):
            steps = g.staffing()
            initial.append(steps[0][1])
            if g.schedule:
                changes.extend((t, gi, n) for t, n in steps)
        window_names = tuple(f"{g.id}-{k + 1}" for g in groups for k in range(g.count))
        window_group = np.array([gi for gi, g in enumerate(groups) for _ in range(g.count)],
                                dtype=np.int32)
        balk = tuple(scenario.categories[c].balk_at_queue or 0 for c in cats)
        return cls(cats, names, tuple(g.count for g in groups), window_names, window_group,
                   tuple(eligible), tuple(tuple(t) for t in tiers), speed,
                   tuple(sorted(changes)), tuple(initial), balk)


def run_hall(
    layout: HallLayout,
    customers: Customers,
    days: int,
    trace: list[tuple] | None = None,
    flow: CaseFlow | None = None,
) -> Records:
    """Simulate one replication and return its records.

    ``trace``, if a list is given, receives the event log as tuples
    ``(time, event, ticket, window)`` with events ``arrive``, ``call``, ``end``,
    ``abandon``, ``balk``, ``staff`` (ticket = -1, window = group's staffed count).
    ``flow`` (cases and journeys) may add tickets while the run goes on, and is
    told when its tickets are served or leave.
    """
    env = simpy.Environment()
    n = len(customers)
    arr_list = customers.arrival.tolist()
    cat_list = customers.category.tolist()
    work_list = customers.work.tolist()
    if np.isinf(customers.patience).all():
        deadline_list = [float("inf")] * n
    else:
        deadline_list = (customers.arrival + customers.patience).tolist()
    nan = float("nan")
    call = [nan] * n
    end = [nan] * n
    window = [-1] * n
    outcome = [OPEN] * n
    status = [_WAITING] * n

    n_groups = len(layout.group_names)
    n_cats = len(layout.category_names)
    queues: list[deque[int]] = [deque() for _ in range(n_cats)]
    eligible = layout.eligible
    tiers = layout.tiers
    speed = layout.speed.tolist()
    window_group = layout.window_group.tolist()
    balk_at = layout.balk_at
    has_balking = any(balk_at)
    waiting_count = [0] * n_cats
    deadline_heaps: list[list[tuple[float, int]]] = [[] for _ in range(n_cats)]

    first = [0] * n_groups
    for gi in range(1, n_groups):
        first[gi] = first[gi - 1] + layout.group_counts[gi - 1]
    idle: list[deque[int]] = [deque() for _ in range(n_groups)]
    off: list[list[int]] = [[] for _ in range(n_groups)]
    pending_off = [0] * n_groups
    pending_since: list[deque[float]] = [deque() for _ in range(n_groups)]
    off_schedule: list[tuple[int, float, float]] = []  # (group, off-duty time, service end)
    current = [-1] * len(window_group)
    for gi in range(n_groups):
        ws = list(range(first[gi], first[gi] + layout.group_counts[gi]))
        on = layout.initial_staff[gi]
        idle[gi].extend(ws[:on])
        off[gi].extend(reversed(ws[on:]))
    staffed = list(layout.initial_staff)

    Timeout = simpy.Timeout  # noqa: N806 - local alias for speed
    log = trace.append if trace is not None else None

    owned = flow.is_owned if flow is not None else None

    def mark_abandoned(i: int) -> None:
        status[i] = _DONE
        outcome[i] = ABANDONED
        end[i] = deadline_list[i]
        waiting_count[cat_list[i]] -= 1
        if log:
            log((deadline_list[i], "abandon", i, -1))
        if owned and owned(i):
            flow.left(i)

    def front(c: int, now: float) -> int:
        """The first ticket still waiting in queue ``c`` at ``now`` (-1 if none)."""
        q = queues[c]
        while q:
            i = q[0]
            if status[i] != _WAITING:
                q.popleft()
            elif deadline_list[i] < now:
                q.popleft()
                mark_abandoned(i)
            else:
                return i
        return -1

    def start(w: int, i: int, now: float) -> None:
        status[i] = _DONE
        call[i] = now
        window[i] = w
        current[w] = i
        ev = Timeout(env, work_list[i] * speed[window_group[w]][cat_list[i]], w)
        ev.callbacks.append(on_end)
        if log:
            log((now, "call", i, w))

    def next_for(gi: int, now: float) -> int:
        for tier in tiers[gi]:
            if len(tier) == 1:
                i = front(tier[0], now)
                if i >= 0:
                    queues[tier[0]].popleft()
                    waiting_count[tier[0]] -= 1
                    return i
                continue
            best, best_c, best_t = -1, -1, 0.0
            for c in tier:
                i = front(c, now)
                if i >= 0 and (best < 0 or arr_list[i] < best_t):
                    best, best_c, best_t = i, c, arr_list[i]
            if best >= 0:
                queues[best_c].popleft()
                waiting_count[best_c] -= 1
                return best
        return -1

    def on_end(ev: simpy.Event) -> None:
        w = ev._value
        now = env._now
        i = current[w]
        end[i] = now
        outcome[i] = SERVED
        current[w] = -1
        if log:
            log((now, "end", i, w))
        if owned and owned(i):
            flow.served(i, arr_list[i], now)
        gi = window_group[w]
        if pending_off[gi]:
            pending_off[gi] -= 1
            off_schedule.append((gi, pending_since[gi].popleft(), now))
            off[gi].append(w)
            return
        nxt = next_for(gi, now)
        if nxt >= 0:
            start(w, nxt, now)
        else:
            idle[gi].append(w)

    def on_arrival(ev: simpy.Event) -> None:
        i = ev._value
        now = arr_list[i]  # the clock may differ from it by a rounding step
        if i + 1 < n:
            nxt = Timeout(env, arr_list[i + 1] - env._now, i + 1)
            nxt.callbacks.append(on_arrival)
        admit(i, now)

    def on_injected(ev: simpy.Event) -> None:
        admit(ev._value, arr_list[ev._value])

    def inject(t: float, c: int, work: float, patience: float) -> int:
        """Add a ticket of category ``c`` taken at time ``t`` (>= now); return its index."""
        i = len(arr_list)
        arr_list.append(t)
        cat_list.append(c)
        work_list.append(work)
        deadline_list.append(t + patience)
        call.append(nan)
        end.append(nan)
        window.append(-1)
        outcome.append(OPEN)
        status.append(_WAITING)
        ev = Timeout(env, t - env._now, i)
        ev.callbacks.append(on_injected)
        return i

    def admit(i: int, now: float) -> None:
        c = cat_list[i]
        if log:
            log((now, "arrive", i, -1))
        for gi in eligible[c]:
            if idle[gi]:
                start(idle[gi].popleft(), i, now)
                return
        if has_balking and balk_at[c]:
            heap = deadline_heaps[c]
            while heap and heap[0][0] < now:
                _, j = heapq.heappop(heap)
                if status[j] == _WAITING:
                    mark_abandoned(j)
            if waiting_count[c] >= balk_at[c]:
                status[i] = _DONE
                outcome[i] = BALKED
                end[i] = now
                if log:
                    log((now, "balk", i, -1))
                if owned and owned(i):
                    flow.left(i)
                return
            if deadline_list[i] != float("inf"):
                heapq.heappush(heap, (deadline_list[i], i))
        queues[c].append(i)
        waiting_count[c] += 1

    def on_staff(ev: simpy.Event) -> None:
        gi, target = ev._value
        now = env._now
        have = staffed[gi]
        staffed[gi] = target
        if log:
            log((now, "staff", -1, target))
        if target < have:
            drop = have - target
            while drop and idle[gi]:
                off[gi].append(idle[gi].pop())
                drop -= 1
            for _ in range(drop):
                pending_off[gi] += 1
                pending_since[gi].append(now)
        else:
            add = target - have
            while add and pending_off[gi]:
                pending_off[gi] -= 1
                pending_since[gi].pop()
                add -= 1
            for _ in range(add):
                w = off[gi].pop()
                i = next_for(gi, now)
                if i >= 0:
                    start(w, i, now)
                else:
                    idle[gi].append(w)

    if n:
        ev = Timeout(env, arr_list[0], 0)
        ev.callbacks.append(on_arrival)
    if flow is not None:
        flow.attach(env, inject)
    for d in range(days):
        for t, gi, target in layout.staff_changes:
            at = d * MINUTES_PER_DAY + t
            if at > 0:
                ev = Timeout(env, at, (gi, target))
                ev.callbacks.append(on_staff)
    env.run()

    for c in range(n_cats):
        for i in queues[c]:
            if status[i] == _WAITING:
                if deadline_list[i] != float("inf"):
                    mark_abandoned(i)
                else:
                    status[i] = _DONE  # still waiting when the run stopped: outcome "open"
    return Records(
        category_names=layout.category_names,
        window_names=layout.window_names,
        group_names=layout.group_names,
        window_group=layout.window_group,
        arrival=np.array(arr_list),
        category=np.array(cat_list, dtype=np.int32),
        call=np.array(call),
        end=np.array(end),
        window=np.array(window, dtype=np.int32),
        outcome=np.array(outcome, dtype=np.int8),
        off_schedule=np.array(off_schedule, dtype=float).reshape(-1, 3),
    )
