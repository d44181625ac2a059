"""The back office compiled (numba, ``cache=True``): what :class:`~sim.engine.backoffice.
BackOffice` does on a SimPy calendar, step for step, for the cases the front hands over.

:func:`run_backoffice` takes the routes as flat node tables
(:class:`~sim.engine.fast.routes.Routes`), each
case's route and stage works, and the cases' entries in the order the SimPy engine's
calendar holds them; it returns each case's time out of the back office, the jobs in the
order they started (``stage, working-minute start, work``, as ``BackOffice.jobs``) and
the due time of every event it scheduled (for the caller's tie check). Its calendar is
ordered by ``(time, sequence number)`` like SimPy's; a stage's reviewers serve first come,
first served; a job's end is ``now + max(0, finish - now)`` with ``finish`` from the
working-time conversions of :class:`~sim.scenario.calendar.WorkingTime`, in the same
double arithmetic. A route is walked as :meth:`BackOffice.send` walks it: a series one
child after another, a parallel group's branches sent in order and joined when the last
is done.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.engine.fast.loop import _heap_pop, _heap_push
from sim.engine.fast.routes import SERIES, STAGE

MINUTES_PER_DAY = 1440.0


@njit(cache=True, inline="always")
def _minutes_before(t, starts, ends, per_day):
    """Working minutes elapsed in ``[0, t)`` (``WorkingTime.minutes_before``)."""
    day = t // MINUTES_PER_DAY
    tod = t - day * MINUTES_PER_DAY
    within = 0.0
    for k in range(starts.shape[0]):
        s = starts[k]
        if tod > s:
            within += min(tod, ends[k]) - s
    return day * per_day + within


@njit(cache=True, inline="always")
def _clock_time(w, starts, ends, cum, per_day):
    """The earliest clock time by which ``w`` working minutes have elapsed
    (``WorkingTime.clock_time``)."""
    if w <= 0:
        return starts[0]
    day, rem = divmod(w, per_day)
    if rem == 0:
        return (day - 1) * MINUTES_PER_DAY + ends[ends.shape[0] - 1]
    k = 0
    while k < cum.shape[0] and cum[k] < rem:  # searchsorted, side left
        k += 1
    k -= 1
    return day * MINUTES_PER_DAY + starts[k] + (rem - cum[k])


@njit(cache=True, inline="always")
def _start(s, wk, tok, now, ctr, jobs, j_stage, ht, hs, hp, due, starts, ends, cum, per_day):
    """Stage ``s`` starts job ``tok`` of ``wk`` working minutes at ``now``: the job is
    kept (its stage, working-minute start and work) and its end scheduled; ``ctr``: jobs,
    calendar size, next sequence number, due times kept (-1: none kept yet)."""
    w0 = _minutes_before(now, starts, ends, per_day)
    k = ctr[0]
    j_stage[k], jobs[k, 0], jobs[k, 1] = s, w0, wk
    ctr[0] = k + 1
    finish = _clock_time(w0 + wk, starts, ends, cum, per_day)
    t = now + max(0.0, finish - now)
    _heap_push(ht, hs, hp, 0, ctr[1], t, ctr[2], tok)
    ctr[1] += 1
    ctr[2] += 1
    if ctr[3] >= 0:
        due[ctr[3]] = t
        ctr[3] += 1


@njit(cache=True, inline="always")
def _done(n, c, now, parent, kind, state, case_frame, case_root, child_ptr, children, todo,
          out):
    """Node ``n`` of case ``c`` is done at ``now``: up the route until a series has a next
    child (put on ``todo``: returns 1) or a join still waits (returns 0); a case whose
    root is done leaves at ``now`` (``out[c]``)."""
    while True:
        up = parent[n]
        if up < 0:
            out[c] = now
            return 0
        f = case_frame[c] + up - case_root[c]
        if kind[up] == SERIES:
            state[f] += 1
            k = state[f]
            if k < child_ptr[up + 1] - child_ptr[up]:
                todo[0] = children[child_ptr[up] + k]
                return 1
        else:
            state[f] -= 1
            if state[f] > 0:
                return 0
        n = up


@njit(cache=True)
def run_backoffice(ev_time, ev_case, immediate, kind, stage, occ, parent, child_ptr, children,
                   case_root, case_frame, works, case_work, counts, q_off, starts, ends, cum,
                   per_day):
    """Run the back office. Entries: case ``ev_case[e]`` enters at ``ev_time[e]``, in this
    order; the first ``immediate`` are sent at once (at time 0, before any event), the
    others scheduled. A case runs the route from node ``case_root[c]`` with the works
    ``works[case_work[c] + occurrence]``; its series counters and joins use
    ``state[case_frame[c] + node - case_root[c]]``. Stage ``s`` has ``counts[s]``
    reviewers and its queue room at ``q_off[s]:q_off[s + 1]``. Returns ``(out, job stage,
    jobs, due)``: each case's time out (NaN: never entered), the jobs in the order they
    started (their stages; their working-minute starts and works) and the due times of
    the events scheduled after the entries."""
    n_cases = case_root.shape[0]
    n_nodes = kind.shape[0]
    n_jobs_max = q_off[q_off.shape[0] - 1]
    out = np.full(n_cases, np.nan)
    state = np.zeros(max(1, case_frame[n_cases]), dtype=np.int64)
    free = counts.copy()
    q_tok = np.empty(max(1, n_jobs_max), dtype=np.int64)
    q_work = np.empty(max(1, n_jobs_max))
    q_head = q_off[:-1].copy()
    q_tail = q_off[:-1].copy()
    j_stage = np.empty(n_jobs_max, dtype=np.int64)
    jobs = np.empty((n_jobs_max, 2))  # working-minute start, work
    size = ev_time.shape[0] + n_jobs_max + 1
    ht = np.empty(size)
    hs = np.empty(size, dtype=np.int64)
    hp = np.empty(size, dtype=np.int64)
    due = np.empty(n_jobs_max)
    ctr = np.array([0, 0, 0, -1], dtype=np.int64)  # jobs, calendar size, sequence, due
    todo = np.empty(n_nodes + 1, dtype=np.int64)  # nodes to send, a stack (depth first)
    now = 0.0
    e = 0
    n_ev = ev_time.shape[0]
    while True:
        # the next thing to do: an entry sent at once, or the calendar's next event
        token = -1
        entering = False
        if e < immediate:
            c = ev_case[e]
            e += 1
            entering = True
        elif e < n_ev:  # the entries go on the calendar, in order
            for k in range(e, n_ev):
                _heap_push(ht, hs, hp, 0, ctr[1], 0.0 + ev_time[k], ctr[2], -1 - ev_case[k])
                ctr[1] += 1
                ctr[2] += 1
            e = n_ev
            ctr[3] = 0  # the due times of what is scheduled from now on are kept
            continue
        elif ctr[1] > 0:
            now, _s, p = _heap_pop(ht, hs, hp, 0, ctr[1])
            ctr[1] -= 1
            if p < 0:
                c = -1 - p
                entering = True
            else:
                token = p
        else:
            break
        if entering:  # the case is sent down its route from the root
            n_todo = 1
            todo[0] = case_root[c]
        else:  # a job ends: the stage takes its next case, then the job's case goes on
            c = token // n_nodes
            n = token - c * n_nodes
            s = stage[n]
            if q_head[s] < q_tail[s]:
                _start(s, q_work[q_head[s]], q_tok[q_head[s]], now, ctr, jobs, j_stage, ht,
                       hs, hp, due, starts, ends, cum, per_day)
                q_head[s] += 1
            else:
                free[s] += 1
            n_todo = _done(n, c, now, parent, kind, state, case_frame, case_root, child_ptr,
                           children, todo, out)
        while n_todo > 0:  # send nodes, depth first, children in order
            n_todo -= 1
            n = todo[n_todo]
            if kind[n] == STAGE:
                s = stage[n]
                wk = works[case_work[c] + occ[n]]
                tok = c * n_nodes + n
                if free[s] > 0:
                    free[s] -= 1
                    _start(s, wk, tok, now, ctr, jobs, j_stage, ht, hs, hp, due, starts, ends,
                           cum, per_day)
                else:
                    q_tok[q_tail[s]] = tok
                    q_work[q_tail[s]] = wk
                    q_tail[s] += 1
            else:
                f = case_frame[c] + n - case_root[c]
                lo, hi = child_ptr[n], child_ptr[n + 1]
                if kind[n] == SERIES:
                    state[f] = 0
                    todo[n_todo] = children[lo]
                    n_todo += 1
                else:
                    state[f] = hi - lo
                    for k in range(hi - 1, lo - 1, -1):
                        todo[n_todo] = children[k]
                        n_todo += 1
    return out, j_stage[:ctr[0]], jobs[:ctr[0]], due[:max(ctr[3], 0)]
