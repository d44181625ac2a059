"""The compiled event loop of the fast engine (numba, ``cache=True``).

One function, :func:`run_loop`, runs a replication of the hall over flat arrays (see
:class:`~sim.engine.fast.tables.FastTables`) and fills the record columns. It follows the
SimPy engine step for step (``docs/engine-order.md``): its calendar is a binary heap
ordered by ``(time, sequence number)``, the number counting every scheduling in the
order the SimPy engine schedules (SimPy orders by time, priority and insertion id, and
every event of the hall has the same priority); the arrival event and the service ends
are scheduled again with the same arithmetic (``now + delay``), so every time is the
same double. Queues are segments of one array (a ticket joins at most one queue once),
rosters are ring buffers (idle windows, longest idle first) and stacks (off duty).
Tickets added during the run (a wrong ticket's next one, a journey's next step) take the
rows after those taken so far; a journey's step is admitted by an event of its own
(``EV_INJECT``), as ``HallCore.inject`` schedules it.

The helpers are inlined into :func:`run_loop` (``inline="always"``): called functions
would pay for their array arguments on every event. This module imports numba: it is
imported only when the fast engine runs.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: event kinds on the calendar (``arg``: the window, the staff change's row, the injected
#: ticket, unused)
EV_ARRIVAL, EV_END, EV_STAFF, EV_OPEN, EV_CLOSE, EV_BREAK_DUE, EV_BREAK_OVER = 0, 1, 2, 3, 4, 5, 6
#: a ticket added during the run and taken later (a journey's step), as ``HallCore.inject``
EV_INJECT = 7
#: minutes of a day (the clock's unit: minutes from the start of day 0)
DAY = 1440.0
#: ticket outcomes (the values of :mod:`sim.engine.records`)
SERVED, ABANDONED, BALKED = 0, 1, 2


@njit(cache=True, inline="always")
def _heap_push(ht, hi, hp, base, size, t, i, p):
    """Put ``(t, i)`` with payload ``p`` into the binary heap at ``base`` holding ``size``
    entries, ordered by ``t`` then ``i`` (the caller counts the new entry)."""
    k = size
    while k > 0:
        up = (k - 1) >> 1
        if ht[base + up] < t or (ht[base + up] == t and hi[base + up] < i):
            break
        ht[base + k], hi[base + k], hp[base + k] = ht[base + up], hi[base + up], hp[base + up]
        k = up
    ht[base + k], hi[base + k], hp[base + k] = t, i, p


@njit(cache=True, inline="always")
def _heap_pop(ht, hi, hp, base, size):
    """Remove the first entry of the binary heap at ``base`` holding ``size`` entries;
    return its ``(t, i, payload)`` (the caller counts the removal)."""
    t0, i0, p0 = ht[base], hi[base], hp[base]
    size -= 1
    if size > 0:
        t, i, p = ht[base + size], hi[base + size], hp[base + size]
        k = 0
        while True:
            c = 2 * k + 1
            if c >= size:
                break
            r = c + 1
            if r < size and (ht[base + r] < ht[base + c] or (
                    ht[base + r] == ht[base + c] and hi[base + r] < hi[base + c])):
                c = r
            if t < ht[base + c] or (t == ht[base + c] and i < hi[base + c]):
                break
            ht[base + k], hi[base + k], hp[base + k] = ht[base + c], hi[base + c], hp[base + c]
            k = c
        ht[base + k], hi[base + k], hp[base + k] = t, i, p
    return t0, i0, p0


@njit(cache=True, inline="always")
def _push(ht, hs, hp, ctr, t, kind, arg):
    """Schedule an event at time ``t`` (sequence number: the next one)."""
    _heap_push(ht, hs, hp, 0, ctr[1], t, ctr[0], arg * 8 + kind)
    ctr[0] += 1
    ctr[1] += 1


@njit(cache=True, inline="always")
def _pop(ht, hs, hp, ctr):
    """Remove the first event; return ``(time, kind, arg)``."""
    t, _seq, p = _heap_pop(ht, hs, hp, 0, ctr[1])
    ctr[1] -= 1
    return t, p & 7, p >> 3


@njit(cache=True, inline="always")
def _abandon(i, deadline, waiting, outcome, end, queue, q_waiting):
    """Ticket ``i`` left at its deadline (found when a window or an arrival looked)."""
    waiting[i] = 0
    outcome[i] = ABANDONED
    end[i] = deadline[i]
    q_waiting[queue[i]] -= 1


@njit(cache=True, inline="always")
def _front(q, line, q_head, q_tail, waiting):
    """The first ticket of queue ``q`` not yet settled (-1 if none), gone or not."""
    while q_head[q] < q_tail[q]:
        i = line[q_head[q]]
        if waiting[i]:
            return i
        q_head[q] += 1
    return -1


@njit(cache=True, inline="always")
def _called(q, i, now, q_head, waiting, deadline, outcome, end, queue, q_waiting, reached):
    """Ticket ``i``, at the front of queue ``q``, is called at ``now`` and leaves the line:
    True if its holder is there; False if they left before now (reached: 过号)."""
    q_head[q] += 1
    if deadline[i] < now:
        reached[i] = now
        _abandon(i, deadline, waiting, outcome, end, queue, q_waiting)
        return False
    q_waiting[q] -= 1
    return True


@njit(cache=True, inline="always")
def _next_for(g, now, tier_ptr, tier_q_ptr, tier_q, arrival, line, q_head, q_tail, waiting,
              deadline, outcome, end, queue, q_waiting, reached):
    """The ticket a window of group ``g`` calls at ``now`` (-1 if none), off its queue:
    tier by tier, the oldest ticket at the fronts of the tier's queues (the first queue
    of the tier on a tie); fronts whose holders have gone are reached on the way."""
    for tier in range(tier_ptr[g], tier_ptr[g + 1]):
        lo, hi = tier_q_ptr[tier], tier_q_ptr[tier + 1]
        while True:
            best, best_q, best_t = -1, -1, 0.0
            for k in range(lo, hi):
                q = tier_q[k]
                i = _front(q, line, q_head, q_tail, waiting)
                if i >= 0 and (best < 0 or arrival[i] < best_t):
                    best, best_q, best_t = i, q, arrival[i]
            if best < 0:
                break
            if _called(best_q, best, now, q_head, waiting, deadline, outcome, end, queue,
                       q_waiting, reached):
                return best
    return -1


@njit(cache=True, inline="always")
def _start(w, i, now, env_now, waiting, call, window, current, since, work, speed,
           window_group, category, walk, ht, hs, hp, ctr):
    """Window ``w`` calls ticket ``i`` at ``now``; its service ends the work at the group's
    speed, after the customer's walk to the window (``walk``: categories x windows, empty
    without walking), after the calendar's now (``env_now``)."""
    waiting[i] = 0
    call[i] = now
    window[i] = w
    current[w] = i
    _duty_begin(w, now, since)
    delay = work[i] * speed[window_group[w], category[i]]
    if walk.shape[0] > 0:
        delay += walk[category[i], w]
    _push(ht, hs, hp, ctr, env_now + delay, EV_END, w)


@njit(cache=True, inline="always")
def _due_after(w, now, break_k, up_ptr, up, until, ht, hs, hp, ctr):
    """Schedule window ``w``'s next break, ``up`` minutes after ``now`` (none beyond the
    plan's last one or its end)."""
    k = up_ptr[w] + break_k[w]
    if k < up_ptr[w + 1] and now + up[k] < until:
        _push(ht, hs, hp, ctr, now + up[k], EV_BREAK_DUE, w)


@njit(cache=True, inline="always")
def _step_time(now, open_start, open_end):
    """When a citizen whose step was served at ``now`` takes the next step's ticket: now if
    the hall is open at that minute of the day, else at its next opening (the hall's
    periods ``open_start``/``open_end``, minutes after midnight), computed as
    :meth:`~sim.engine.cases.JourneyRunner.served` and
    :meth:`~sim.scenario.calendar.WorkingTime.next_open` compute it."""
    minute = now % DAY
    for k in range(open_start.shape[0]):
        if open_start[k] <= minute < open_end[k]:
            return now
    day = now // DAY
    tod = now - day * DAY
    for k in range(open_start.shape[0]):
        if tod < open_end[k]:
            return day * DAY + max(tod, open_start[k])
    return (day + 1) * DAY + open_start[0]


@njit(cache=True, inline="always")
def _ring(first, head, k, count):
    """Where the ``k``-th idle window of a group sits in its ring buffer (``k <= count``;
    no division)."""
    x = head + k
    if x >= count:
        x -= count
    return first + x


@njit(cache=True, inline="always")
def _duty_begin(w, now, since):
    if since[w] < 0:
        since[w] = now


@njit(cache=True, inline="always")
def _duty_end(w, now, since, dw, ds, de, dn):
    start = since[w]
    if start >= 0:
        if now > start:
            k = dn[0]
            dw[k], ds[k], de[k] = w, start, now
            dn[0] = k + 1
        since[w] = -1.0


@njit(cache=True, inline="always")
def _room(dw, ds, de, dn, need):
    """The duty row arrays with room for ``need`` more rows (doubled when short)."""
    if dn[0] + need <= dw.shape[0]:
        return dw, ds, de
    m = dn[0]
    grow = 2 * dw.shape[0] + need
    dw2, ds2, de2 = np.empty(grow, dtype=np.int64), np.empty(grow), np.empty(grow)
    dw2[:m], ds2[:m], de2[:m] = dw[:m], ds[:m], de[:m]
    return dw2, ds2, de2


@njit(cache=True, inline="always")
def _to_idle(i, now, env_now, q, elig_ptr, elig, idle, idle_head, idle_len, group_first,
             group_count, waiting, call, window, current, since, work, speed, window_group,
             category, walk, ht, hs, hp, ctr):
    """Ticket ``i`` of queue ``q`` arriving at ``now`` (the calendar at ``env_now``) goes to
    the idle window of the first eligible group with one: True, or False if none is idle.
    (Arrivals are split in two helpers: numba inlines none of 31 arguments or more.)"""
    for e in range(elig_ptr[q], elig_ptr[q + 1]):
        g = elig[e]
        if idle_len[g] > 0:
            w = idle[group_first[g] + idle_head[g]]
            idle_head[g] = _ring(0, idle_head[g], 1, group_count[g])
            idle_len[g] -= 1
            _start(w, i, now, env_now, waiting, call, window, current, since, work,
                   speed, window_group, category, walk, ht, hs, hp, ctr)
            return True
    return False


@njit(cache=True, inline="always")
def _to_queue(i, now, q, balk_at, line, q_off, q_tail, q_waiting, h_time, h_tick, h_size,
              waiting, deadline, outcome, end, queue):
    """Ticket ``i`` arriving at ``now`` with no idle window joins its queue ``q``, or balks
    if ``balk_at[q]`` of its tickets are still waiting."""
    if balk_at[q] == 0:
        line[q_tail[q]] = i
        q_tail[q] += 1
        q_waiting[q] += 1
        return
    while h_size[q] > 0 and h_time[q_off[q]] < now:
        _d, j, _j = _heap_pop(h_time, h_tick, h_tick, q_off[q], h_size[q])
        h_size[q] -= 1
        if waiting[j]:
            _abandon(j, deadline, waiting, outcome, end, queue, q_waiting)
    if q_waiting[q] >= balk_at[q]:
        waiting[i] = 0
        outcome[i] = BALKED
        end[i] = now
    else:
        d = deadline[i]
        if d != np.inf:  # kept for the balking count, by (deadline, ticket)
            _heap_push(h_time, h_tick, h_tick, q_off[q], h_size[q], d, i, i)
            h_size[q] += 1
        line[q_tail[q]] = i
        q_tail[q] += 1
        q_waiting[q] += 1


@njit(cache=True)
def _rosters(group_first, group_count, initial_staff, n_windows):
    """Each group's roster at the start: idle windows (a ring buffer per group, longest
    idle first), off-duty ones (a stack), none leaving, ``initial_staff`` staffed."""
    n_groups = group_count.shape[0]
    idle = np.empty(n_windows, dtype=np.int64)
    idle_head = np.zeros(n_groups, dtype=np.int64)
    idle_len = np.zeros(n_groups, dtype=np.int64)
    off = np.empty(n_windows, dtype=np.int64)
    off_len = np.zeros(n_groups, dtype=np.int64)
    leaving = np.zeros(n_groups, dtype=np.int64)
    staffed = np.zeros(n_groups, dtype=np.int64)
    for g in range(n_groups):
        first, count, on = group_first[g], group_count[g], initial_staff[g]
        for k in range(on):
            idle[first + k] = first + k
        idle_len[g] = on
        for k in range(count - on):
            off[first + k] = first + count - 1 - k
        off_len[g] = count - on
        staffed[g] = on
    return idle, idle_head, idle_len, off, off_len, leaving, staffed


@njit(cache=True)
def _restaff(g, target, now, staffed, idle, idle_head, idle_len, off, off_len, leaving,
             group_first, group_count, since, dw, ds, de, dn, todo):
    """Group ``g`` staffs ``target`` windows from ``now``. Fewer: idle windows go off duty
    at once (the most recently idle first), then busy ones are marked to leave. More:
    windows marked to leave stay, then off-duty ones come on (the last to go first),
    written to ``todo`` to call in turn; returns how many."""
    have = staffed[g]
    staffed[g] = target
    if target < have:
        drop = have - target
        while drop > 0 and idle_len[g] > 0:
            idle_len[g] -= 1
            w = idle[_ring(group_first[g], idle_head[g], idle_len[g], group_count[g])]
            off[group_first[g] + off_len[g]] = w
            off_len[g] += 1
            _duty_end(w, now, since, dw, ds, de, dn)
            drop -= 1
        leaving[g] += drop
        return 0
    add = target - have
    kept = min(add, leaving[g])
    leaving[g] -= kept
    n_todo = 0
    for _ in range(add - kept):
        off_len[g] -= 1
        todo[n_todo] = off[group_first[g] + off_len[g]]
        n_todo += 1
    return n_todo


@njit(cache=True)
def _break_due(w, now, window_group, current, pending, idle, idle_head, idle_len,
               group_first, group_count, break_k, up_ptr, up, down, until, since, dw, ds, de,
               dn, ht, hs, hp, ctr):
    """Window ``w``'s break is due: a busy window goes when its customer is done, an idle
    one goes now (out of the idle line, the rest in order), one off duty by the schedule
    skips it and waits for the next."""
    g = window_group[w]
    if current[w] >= 0:
        pending[w] = 1
        return
    pos = -1
    for k in range(idle_len[g]):
        if idle[_ring(group_first[g], idle_head[g], k, group_count[g])] == w:
            pos = k
            break
    if pos < 0:
        break_k[w] += 1
        _due_after(w, now, break_k, up_ptr, up, until, ht, hs, hp, ctr)
        return
    for k in range(pos, idle_len[g] - 1):
        idle[_ring(group_first[g], idle_head[g], k, group_count[g])] = \
            idle[_ring(group_first[g], idle_head[g], k + 1, group_count[g])]
    idle_len[g] -= 1
    _duty_end(w, now, since, dw, ds, de, dn)
    _push(ht, hs, hp, ctr, now + down[up_ptr[w] + break_k[w]], EV_BREAK_OVER, w)


@njit(cache=True)
def _idle_duty(is_open, now, idle, idle_head, idle_len, group_first, group_count, since, dw,
               ds, de, dn):
    """The hall opens (its idle staffed windows come on duty) or closes (they go off)."""
    for g in range(group_count.shape[0]):
        for k in range(idle_len[g]):
            w = idle[_ring(group_first[g], idle_head[g], k, group_count[g])]
            if is_open:
                _duty_begin(w, now, since)
            else:
                _duty_end(w, now, since, dw, ds, de, dn)


@njit(cache=True)
def _settle(line, q_head, q_tail, waiting, deadline, outcome, end, queue, q_waiting):
    """Tickets still queued when the calendar ran out: abandoned if impatient, else open."""
    for q in range(q_head.shape[0]):
        for k in range(q_head[q], q_tail[q]):
            i = line[k]
            if waiting[i]:
                if deadline[i] != np.inf:
                    _abandon(i, deadline, waiting, outcome, end, queue, q_waiting)
                else:
                    waiting[i] = 0


@njit(cache=True, inline="always")
def _ticket_columns(n):
    """The record columns of ``n`` tickets, as none was called yet: call, end, window,
    outcome (open), reached, rank, and the waiting flags."""
    return (np.full(n, np.nan), np.full(n, np.nan), np.full(n, -1, dtype=np.int32),
            np.full(n, 3, dtype=np.int8), np.full(n, np.nan), np.full(n, -1, dtype=np.int64),
            np.ones(n, dtype=np.int8))


@njit(cache=True, inline="always")
def _queues(n, balk_at, q_off):
    """The queues, empty: segments of one array in ticket order (``line``, each queue's
    head and tail from ``q_off``, its count of tickets waiting), and the deadline heaps
    kept alongside for balking (room for ``n`` tickets only if a queue balks)."""
    n_queues = balk_at.shape[0]
    any_balk = False
    for q in range(n_queues):
        if balk_at[q] > 0:
            any_balk = True
    room = max(n, 1) if any_balk else 1
    return (np.empty(max(n, 1), dtype=np.int64), q_off[:n_queues].copy(),
            q_off[:n_queues].copy(), np.zeros(n_queues, dtype=np.int64), np.empty(room),
            np.empty(room, dtype=np.int64), np.zeros(n_queues, dtype=np.int64))


@njit(cache=True, inline="always")
def _first_events(arrival, order, n_first, n_inject, static_time, static_kind, static_arg,
                  n_hours, has_break, break_k, up_ptr, up, until, ht, hs, hp, ctr):
    """Put the run's first events on the calendar in the SimPy engine's order: the first
    arrival, the journeys' first steps, then the openings, closings and staff changes with
    each window's first break after the ``n_hours`` hour events. Returns the arrival
    event's due time (the clock the later arrivals are scheduled from)."""
    clock = 0.0
    if n_first > 0:
        clock = 0.0 + arrival[order[0]]
        _push(ht, hs, hp, ctr, clock, EV_ARRIVAL, 0)
    for i in range(n_first, n_first + n_inject):  # the journeys' first steps
        _push(ht, hs, hp, ctr, 0.0 + arrival[i], EV_INJECT, i)
    n_static = static_time.shape[0]
    for k in range(n_static):
        if k == n_hours:
            for w in range(has_break.shape[0]):
                if has_break[w]:
                    _due_after(w, 0.0, break_k, up_ptr, up, until, ht, hs, hp, ctr)
        _push(ht, hs, hp, ctr, 0.0 + static_time[k], static_kind[k], static_arg[k])
    if n_hours == n_static:
        for w in range(has_break.shape[0]):
            if has_break[w]:
                _due_after(w, 0.0, break_k, up_ptr, up, until, ht, hs, hp, ctr)
    return clock


@njit(cache=True, inline="always")
def _wrong_ticket(i, t_new, now, taken, cust, c_wrong, c_wrong_to, ta_ptr, ta, c_cat,
                  c_work, c_patience, base_q, arrival, category, work, deadline, queue):
    """The customer of the served wrong ticket ``i``, turned away at ``now``, takes ticket
    ``t_new`` at once: wrong again while ``taken[i] < c_wrong``, else the right one; its
    deadline is ``now`` plus the customer's patience. Returns the new ticket's queue."""
    c = cust[i]
    if taken[i] < c_wrong[c]:
        cat = c_wrong_to[c]
        work[t_new] = ta[ta_ptr[c] + taken[i]]
        taken[t_new] = taken[i] + 1
    else:
        cat = c_cat[c]
        work[t_new] = c_work[c]
        taken[t_new] = 0
    arrival[t_new] = now
    category[t_new] = cat
    cust[t_new] = c
    deadline[t_new] = now + c_patience[c]
    q = base_q[cat]
    queue[t_new] = q
    return q


@njit(cache=True, inline="always")
def _next_step(i, t_new, now, journey, step, j_ptr, s_cat, s_work, s_patience, s_queue,
               arrival, category, work, deadline, queue, open_start, open_end,
               ht, hs, hp, ctr):
    """After journey step ``i`` is served at ``now``: if the journey has a next step, its
    ticket ``t_new`` is taken now (or at the next opening) and admitted by an event of its
    own. Returns True if a ticket was added."""
    j = journey[i]
    row = j_ptr[j] + step[i] + 1
    if row >= j_ptr[j + 1]:
        return False
    t = _step_time(now, open_start, open_end)
    arrival[t_new] = t
    category[t_new] = s_cat[row]
    work[t_new] = s_work[row]
    deadline[t_new] = t + s_patience[row]
    queue[t_new] = s_queue[row]
    journey[t_new] = j
    step[t_new] = step[i] + 1
    _push(ht, hs, hp, ctr, now + (t - now), EV_INJECT, t_new)
    return True


@njit(cache=True, inline="always")
def _goes_off(w, leaving, off, off_len, group_first, window_group):
    """Window ``w``, free now, goes off duty if its group's schedule dropped a window while
    it served (or was on a break): True, else False (it stays to call)."""
    g = window_group[w]
    if leaving[g] > 0:
        leaving[g] -= 1
        off[group_first[g] + off_len[g]] = w
        off_len[g] += 1
        return True
    return False


@njit(cache=True)
def run_loop(arrival, category, work, deadline, queue, order,
             window_group, speed, group_first, group_count, initial_staff,
             tier_ptr, tier_q_ptr, tier_q, elig_ptr, elig, balk_at, q_off,
             static_time, static_kind, static_arg, n_hours, staff_group, staff_target,
             open_at_start, has_break, up_ptr, up, down, until, walk,
             n_first, door, taken, cust, c_wrong, c_wrong_to, c_cat, c_work, c_patience,
             ta_ptr, ta, base_q, n_inject, journey, step, j_ptr, s_cat, s_work, s_patience,
             s_queue, open_start, open_end):
    """Run one replication; return ``(tickets, call, end, window, outcome, reached, duty
    window, duty start, duty end, rank)`` (duty rows unsorted; ``rank``: the order in
    which the served tickets' service ends were taken off the calendar, -1 if none).
    Windows with ``has_break`` take breaks: ``up[up_ptr[w]:up_ptr[w + 1]]`` minutes on
    duty before each, ``down`` its length. ``walk[c, w]``: minutes a called customer of
    category ``c`` walks to window ``w`` before the service (an empty array: nobody
    walks).

    The first ``n_first`` tickets are handed out at their ticket times, in ``order``; the
    ticket columns (``arrival`` to ``queue``) have room for the tickets added during the
    run. With ``door``, a served ticket with ``taken[i] > 0`` is the customer's
    ``taken[i]``-th wrong one: customer ``cust[i]`` (row of the ``c_`` columns) is turned
    away and takes the next ticket at once, admitted before the window calls (wrong again,
    for ``c_wrong_to`` with the next turn-away time ``ta[ta_ptr[c] + taken[i]]``, while
    ``taken[i] < c_wrong[c]``, else the right one: ``c_cat``, ``c_work``); an added ticket
    joins its category's own queue (``base_q``) and its deadline is its time plus the
    customer's patience.

    Journeys: the ``n_inject`` tickets after the first ones are the journeys' first steps,
    injected at their ticket times (on the calendar after the first arrival, in ticket
    order). ``journey[i]`` is the journey of ticket ``i`` (-1: none) and ``step[i]`` its
    step; journey ``j``'s steps are rows ``j_ptr[j]:j_ptr[j + 1]`` of the ``s_`` columns
    (category, work, patience, queue). A served step that is not the journey's last adds
    the next step's ticket before anything else of that service end (the flow is told
    before the window moves on): taken now if the hall is open (``open_start``,
    ``open_end``), else at its next opening, and admitted by an event of its own.
    Returns the number of tickets (the columns' rows in use)."""
    n = arrival.shape[0]  # room for every ticket the run may take
    n_windows = window_group.shape[0]
    call, end, window, outcome, reached, rank, waiting = _ticket_columns(n)
    n_ends = 0
    line, q_head, q_tail, q_waiting, h_time, h_tick, h_size = _queues(n, balk_at, q_off)
    idle, idle_head, idle_len, off, off_len, leaving, staffed = _rosters(
        group_first, group_count, initial_staff, n_windows)
    current = np.full(n_windows, -1, dtype=np.int64)
    pending = np.zeros(n_windows, dtype=np.int8)  # a break due while serving
    break_k = np.zeros(n_windows, dtype=np.int64)  # the next break's index
    since = np.full(n_windows, -1.0)
    cap = 4 * n_windows + 16
    dw = np.empty(cap, dtype=np.int64)
    ds = np.empty(cap)
    de = np.empty(cap)
    dn = np.zeros(1, dtype=np.int64)
    # the calendar; a journey has one pending event at most: its step's ticket or its
    # service end
    size = static_time.shape[0] + 2 * n_windows + 2 + j_ptr.shape[0]
    ht = np.empty(size)
    hs = np.empty(size, dtype=np.int64)
    hp = np.empty(size, dtype=np.int64)  # payload: arg * 8 + kind
    ctr = np.zeros(2, dtype=np.int64)  # next sequence number, heap size
    # the arrival event's due time, as the calendar computes it
    clock = _first_events(arrival, order, n_first, n_inject, static_time, static_kind,
                          static_arg, n_hours, has_break, break_k, up_ptr, up, until,
                          ht, hs, hp, ctr)
    with_journeys = journey.shape[0] > 0
    is_open = open_at_start
    if is_open:
        _idle_duty(True, 0.0, idle, idle_head, idle_len, group_first, group_count, since,
                   dw, ds, de, dn)
    next_arrival = 0
    n_t = n_first + n_inject  # tickets taken so far
    env_now = 0.0
    todo = np.empty(n_windows, dtype=np.int64)  # windows that call now, in this order
    while ctr[1] > 0:
        if dn[0] + n_windows > dw.shape[0]:  # room for every row one event may add
            dw, ds, de = _room(dw, ds, de, dn, n_windows)
        env_now, kind, arg = _pop(ht, hs, hp, ctr)
        n_todo = 0
        due = -1  # a window back from a break: its next break is scheduled after its call
        if kind == EV_ARRIVAL:
            k = next_arrival
            next_arrival = k + 1
            if k + 1 < n_first:
                delay = arrival[order[k + 1]] - clock
                if delay < 0.0:
                    delay = 0.0
                clock = clock + delay
                _push(ht, hs, hp, ctr, env_now + delay, EV_ARRIVAL, 0)
            i = order[k]
            # the ticket's own time (the clock may be a rounding step off); admitted as
            # _to_idle and _to_queue admit, written out: as calls they cost this hot path
            # a third of the loop's speed
            now = arrival[i]
            q = queue[i]
            for e in range(elig_ptr[q], elig_ptr[q + 1]):
                g = elig[e]
                if idle_len[g] > 0:
                    w = idle[group_first[g] + idle_head[g]]
                    idle_head[g] = _ring(0, idle_head[g], 1, group_count[g])
                    idle_len[g] -= 1
                    _start(w, i, now, env_now, waiting, call, window, current, since, work,
                           speed, window_group, category, walk, ht, hs, hp, ctr)
                    break
            else:
                if balk_at[q] == 0:
                    line[q_tail[q]] = i
                    q_tail[q] += 1
                    q_waiting[q] += 1
                    continue
                while h_size[q] > 0 and h_time[q_off[q]] < now:
                    _d, j, _j = _heap_pop(h_time, h_tick, h_tick, q_off[q], h_size[q])
                    h_size[q] -= 1
                    if waiting[j]:
                        _abandon(j, deadline, waiting, outcome, end, queue, q_waiting)
                if q_waiting[q] >= balk_at[q]:
                    waiting[i] = 0
                    outcome[i] = BALKED
                    end[i] = now
                else:
                    d = deadline[i]
                    if d != np.inf:  # kept for the balking count, by (deadline, ticket)
                        _heap_push(h_time, h_tick, h_tick, q_off[q], h_size[q], d, i, i)
                        h_size[q] += 1
                    line[q_tail[q]] = i
                    q_tail[q] += 1
                    q_waiting[q] += 1
            continue
        elif kind == EV_END:
            w = arg
            i = current[w]
            end[i] = env_now
            outcome[i] = SERVED
            rank[i] = n_ends
            n_ends += 1
            current[w] = -1
            if door and taken[i] > 0:  # a wrong ticket: turned away, the next one taken now
                t_new = n_t
                n_t = t_new + 1
                q = _wrong_ticket(i, t_new, env_now, taken, cust, c_wrong, c_wrong_to, ta_ptr,
                                  ta, c_cat, c_work, c_patience, base_q, arrival, category,
                                  work, deadline, queue)
                if not _to_idle(t_new, env_now, env_now, q, elig_ptr, elig, idle, idle_head,
                                idle_len, group_first, group_count, waiting, call, window,
                                current, since, work, speed, window_group, category, walk, ht,
                                hs, hp, ctr):
                    _to_queue(t_new, env_now, q, balk_at, line, q_off, q_tail, q_waiting,
                              h_time, h_tick, h_size, waiting, deadline, outcome, end, queue)
            elif (with_journeys and journey[i] >= 0  # a journey's step: the next one's ticket
                  and _next_step(i, n_t, env_now, journey, step, j_ptr, s_cat, s_work,
                                 s_patience, s_queue, arrival, category, work, deadline, queue,
                                 open_start, open_end, ht, hs, hp, ctr)):
                n_t += 1
            if pending[w]:  # due for a break while serving: it goes now
                pending[w] = 0
                _duty_end(w, env_now, since, dw, ds, de, dn)
                _push(ht, hs, hp, ctr, env_now + down[up_ptr[w] + break_k[w]], EV_BREAK_OVER, w)
                continue
            g = window_group[w]
            if leaving[g] > 0:  # _goes_off written out: as a call it cost M/M/c 8 %
                leaving[g] -= 1
                off[group_first[g] + off_len[g]] = w
                off_len[g] += 1
                _duty_end(w, env_now, since, dw, ds, de, dn)
                continue
            todo[0] = w
            n_todo = 1
        elif kind == EV_INJECT:  # a ticket added during the run is taken now
            i = arg
            q = queue[i]
            if not _to_idle(i, arrival[i], env_now, q, elig_ptr, elig, idle, idle_head,
                            idle_len, group_first, group_count, waiting, call, window, current,
                            since, work, speed, window_group, category, walk, ht, hs, hp, ctr):
                _to_queue(i, arrival[i], q, balk_at, line, q_off, q_tail, q_waiting, h_time,
                          h_tick, h_size, waiting, deadline, outcome, end, queue)
            continue
        elif kind == EV_STAFF:
            n_todo = _restaff(staff_group[arg], staff_target[arg], env_now, staffed, idle,
                              idle_head, idle_len, off, off_len, leaving, group_first,
                              group_count, since, dw, ds, de, dn, todo)
            if n_todo == 0:
                continue
        elif kind == EV_BREAK_DUE:
            _break_due(arg, env_now, window_group, current, pending, idle, idle_head, idle_len,
                       group_first, group_count, break_k, up_ptr, up, down, until, since,
                       dw, ds, de, dn, ht, hs, hp, ctr)
            continue
        elif kind == EV_BREAK_OVER:  # back: leaves if the schedule dropped one, else calls
            w = arg
            break_k[w] += 1
            due = w
            if not _goes_off(w, leaving, off, off_len, group_first, window_group):
                todo[0] = w
                n_todo = 1
        else:  # the hall opens (idle windows come on duty) or closes (they go off)
            is_open = kind == EV_OPEN
            _idle_duty(is_open, env_now, idle, idle_head, idle_len, group_first, group_count,
                       since, dw, ds, de, dn)
            continue
        # windows free now call by their call rule, each in turn, or wait idle (on duty
        # while the hall is open; a window that just served is on duty already)
        for t in range(n_todo):
            w = todo[t]
            g = window_group[w]
            i = _next_for(g, env_now, tier_ptr, tier_q_ptr, tier_q, arrival, line, q_head,
                          q_tail, waiting, deadline, outcome, end, queue, q_waiting, reached)
            if i >= 0:
                _start(w, i, env_now, env_now, waiting, call, window, current, since, work,
                       speed, window_group, category, walk, ht, hs, hp, ctr)
            else:
                idle[_ring(group_first[g], idle_head[g], idle_len[g], group_count[g])] = w
                idle_len[g] += 1
                if is_open:
                    _duty_begin(w, env_now, since)
                else:
                    _duty_end(w, env_now, since, dw, ds, de, dn)
        if due >= 0:
            _due_after(due, env_now, break_k, up_ptr, up, until, ht, hs, hp, ctr)
    dw, ds, de = _room(dw, ds, de, dn, n_windows)
    for w in range(n_windows):  # nothing left to do: every window goes home
        _duty_end(w, env_now, since, dw, ds, de, dn)
    _settle(line, q_head, q_tail, waiting, deadline, outcome, end, queue, q_waiting)
    m = dn[0]
    return (n_t, call[:n_t], end[:n_t], window[:n_t], outcome[:n_t], reached[:n_t], dw[:m],
            ds[:m], de[:m], rank[:n_t])
