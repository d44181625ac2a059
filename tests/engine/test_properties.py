"""Properties that every simulated hall must have, checked on random small halls.

Hypothesis builds scenario dicts (1-3 categories, 1-3 window groups with random
authorisations, optional patience, balking, schedules and speed factors, a hall
with a lunch break or open around the clock, 1-2 days, either call rule), runs
one replication and checks the per-ticket records against the rules in
``docs/scenario-format.md``: conservation of tickets, authorisation, opening
hours and overtime, one customer per window at a time, the staffing schedule,
"a free window calls", the call rules, routing, balking, patience and service
times, reproducibility and common random numbers.

Ties between event times have probability zero here (all times are continuous
draws). The engine's clock may differ from a drawn ticket time by one rounding
step (see ``test_a_ticket_served_at_once_is_called_at_its_own_ticket_time``), so
"called at arrival" and "not before arrival" allow ``EPS``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.arrivals import draw_customers
from sim.engine.records import ABANDONED, BALKED, OPEN, SERVED, Records
from sim.run.replications import simulate
from sim.scenario.clock import MINUTES_PER_DAY, parse_hhmm
from sim.scenario.model import Scenario, scenario_from_dict

SPLIT = ("08:30-12:00", "13:30-17:00")
CONTINUOUS = ("00:00-24:00",)
# times inside the opening hours, first one = the opening time
KEY_TIMES = {
    SPLIT: ("08:30", "09:15", "10:00", "11:30", "13:30", "15:00", "16:30"),
    CONTINUOUS: ("00:00", "06:00", "08:30", "12:00", "17:00", "22:00"),
}
NAMES = ("tax", "permits", "pension")
DEPARTMENTS = ("finance", "civil")

EPS = 1e-9  # minutes: far below any real wait, far above float rounding at 3,000 min

SETTINGS = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- strategies


def services() -> st.SearchStrategy[dict[str, Any]]:
    minutes = st.floats(1.0, 20.0)
    return st.one_of(
        st.builds(lambda m: {"dist": "exponential", "mean": m}, minutes),
        st.builds(lambda m, cv: {"dist": "lognormal", "mean": m, "cv": cv},
                  minutes, st.floats(0.2, 1.5)),
        st.builds(lambda v: {"dist": "deterministic", "value": v}, minutes),
    )


def patiences() -> st.SearchStrategy[dict[str, Any] | None]:
    return st.one_of(
        st.none(),
        st.builds(lambda m: {"dist": "exponential", "mean": m}, st.floats(2.0, 60.0)),
        st.builds(lambda m, cv: {"dist": "lognormal", "mean": m, "cv": cv},
                  st.floats(2.0, 60.0), st.floats(0.2, 1.0)),
    )


@st.composite
def time_profile(draw: st.DrawFn, hours: tuple[str, ...], values: st.SearchStrategy) -> dict:
    """A valid time-of-day profile: sorted keys inside opening hours, first = opening."""
    keys = KEY_TIMES[hours]
    rest = draw(st.lists(st.sampled_from(keys[1:]), unique=True, max_size=3))
    chosen = [keys[0], *sorted(rest, key=keys.index)]
    return {k: draw(values) for k in chosen}


@st.composite
def hall_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A random small hall, as the plain data a YAML file would hold."""
    hours = draw(st.sampled_from([SPLIT, CONTINUOUS]))
    days = draw(st.integers(1, 2))
    n_cats = draw(st.integers(1, 3))
    names = list(NAMES[:n_cats])
    rates = st.floats(1.0, 30.0)

    categories: dict[str, Any] = {}
    for name in names:
        cat: dict[str, Any] = {
            "arrivals_per_hour": draw(st.one_of(rates, time_profile(hours, rates))),
            "service": draw(services()),
        }
        dept = draw(st.sampled_from((None, *DEPARTMENTS)))
        if dept:
            cat["department"] = dept
        patience = draw(patiences())
        if patience:
            cat["patience"] = patience
        balk = draw(st.one_of(st.none(), st.integers(1, 8)))
        if balk:
            cat["balk_at_queue"] = balk
        categories[name] = cat

    n_groups = draw(st.integers(1, 3))
    serves = [draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
              for _ in range(n_groups)]
    for name in names:  # every category is served by someone
        if not any(name in s for s in serves):
            serves[draw(st.integers(0, n_groups - 1))].append(name)

    windows = []
    for k, served in enumerate(serves):
        count = draw(st.integers(1, 3))
        group: dict[str, Any] = {"id": "ABC"[k], "count": count}
        if set(served) == set(names) and draw(st.booleans()):
            group["serves"] = ["*"]
        else:
            group["serves"] = list(served)
        if draw(st.booleans()):
            group["schedule"] = draw(time_profile(hours, st.integers(0, count)))
        if draw(st.booleans()):
            slow = draw(st.lists(st.sampled_from(served), min_size=1, unique=True))
            group["speed"] = {c: draw(st.floats(0.5, 2.0)) for c in slow}
        rule = draw(st.sampled_from((None, "oldest_first", "own_first")))
        if rule:
            group["call_rule"] = rule
        windows.append(group)

    return {
        "name": "random-hall",
        "hall": {
            "open": list(hours),
            "days": days,
            "warmup_days": draw(st.integers(0, days - 1)),
            "call_rule": draw(st.sampled_from(("oldest_first", "own_first"))),
        },
        "categories": categories,
        "windows": windows,
    }


seeds = st.integers(0, 2**32 - 1)


# --------------------------------------------------------------------------- helpers


def simulate_once(data: dict[str, Any], seed: int) -> tuple[Scenario, Records]:
    scenario = scenario_from_dict(data, "hypothesis")
    result = simulate(scenario, seed=seed, replications=1, keep_records=True)
    return scenario, result.replications[0].records


def group_of(scenario: Scenario, rec: Records) -> np.ndarray:
    """Group index of each ticket's window (-1 if not served)."""
    return np.where(rec.window >= 0, rec.window_group[np.maximum(rec.window, 0)], -1)


def served_at_once(rec: Records) -> np.ndarray:
    """Tickets called the moment they were taken (a window was free)."""
    return np.abs(np.nan_to_num(rec.call, nan=-np.inf) - rec.arrival) <= EPS


def leave_time(rec: Records) -> np.ndarray:
    """When each ticket stopped waiting: call, abandonment, balking; inf if never."""
    leave = np.where(np.isnan(rec.call), rec.end, rec.call)
    return np.where(np.isnan(leave), np.inf, leave)


def staffed_at(scenario: Scenario, gi: int, t: float) -> int:
    """Windows of group ``gi`` on duty at absolute minute ``t`` by its schedule.

    Staffing changes only at schedule times of the simulated days; before the
    first one of day 0 the first value holds, after the last day the last one.
    """
    group = scenario.windows[gi]
    if not group.schedule:
        return group.count
    items = sorted((parse_hhmm(k), n) for k, n in group.schedule.items())
    day, tod = divmod(t, MINUTES_PER_DAY)
    if day >= scenario.hall.days:
        return items[-1][1]
    value = None
    for key, n in items:
        if key <= tod:
            value = n
    if value is None:
        value = items[-1][1] if day >= 1 else items[0][1]
    return value


def busy_counter(rec: Records, gi: int):
    """``busy(t)``: windows of group ``gi`` serving at ``t`` (intervals ``[call, end)``)."""
    mask = (rec.outcome == SERVED) & (rec.window >= 0)
    mask &= rec.window_group[np.maximum(rec.window, 0)] == gi
    calls, ends = np.sort(rec.call[mask]), np.sort(rec.end[mask])

    def busy(t: float) -> int:
        return int(np.searchsorted(calls, t, side="right") - np.searchsorted(ends, t, "right"))

    return busy


def routing_order(scenario: Scenario, category: str) -> list[int]:
    """Groups eligible for a category: primary groups first, then file order."""
    groups = [g.id for g in scenario.windows]
    prim = [k for k, g in enumerate(groups) if category in scenario.primary(g)]
    other = [k for k, g in enumerate(groups)
             if category in scenario.serves(g) and k not in prim]
    return prim + other


def call_tiers(scenario: Scenario, gi: int) -> list[set[str]]:
    gid = scenario.windows[gi].id
    served = scenario.serves(gid)
    if scenario.call_rule(gid) == "own_first":
        primary = set(scenario.primary(gid))
        rest = {c for c in served if c not in primary}
        return [primary, rest] if rest else [primary]
    return [set(served)]


class WaitingIndex:
    """Answers "was a ticket of these categories waiting?" from the records.

    Tickets of a category set sorted by arrival, with the running maximum of the
    time they stopped waiting: someone who arrived before ``a`` is still waiting
    at ``t`` iff that running maximum over arrivals ``< a`` exceeds ``t``.
    """

    def __init__(self, rec: Records, categories: set[int]) -> None:
        mask = np.isin(rec.category, list(categories)) & (rec.outcome != BALKED)
        order = np.argsort(rec.arrival[mask], kind="stable")
        self.arrival = rec.arrival[mask][order]
        self.running_max = np.maximum.accumulate(leave_time(rec)[mask][order]) \
            if mask.any() else np.array([])

    def someone_waiting(self, arrived_before: float, at: float) -> bool:
        k = int(np.searchsorted(self.arrival, arrived_before, side="left"))
        return k > 0 and self.running_max[k - 1] > at


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_every_ticket_ends_served_abandoned_balked_or_open(data, seed):
    scenario, rec = simulate_once(data, seed)
    assert set(np.unique(rec.outcome)) <= {SERVED, ABANDONED, BALKED, OPEN}
    doc = simulate(scenario, seed=seed, replications=1).document()
    kept = rec.arrival >= scenario.hall.warmup_days * MINUTES_PER_DAY
    for k, name in enumerate(rec.category_names):
        mine = rec.outcome[kept & (rec.category == k)]
        counts = {o: int(np.sum(mine == code)) for o, code in
                  (("served", SERVED), ("abandoned", ABANDONED), ("balked", BALKED),
                   ("open", OPEN))}
        assert sum(counts.values()) == len(mine)
        figures = doc["by_category"][name]
        assert figures["arrivals"] == len(mine)
        for outcome, n in counts.items():
            assert figures[outcome] == n, (name, outcome)


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_each_outcome_leaves_the_traces_it_should(data, seed):
    scenario, rec = simulate_once(data, seed)
    called = ~np.isnan(rec.call)
    served = rec.outcome == SERVED
    assert np.array_equal(called, served)
    assert np.array_equal(rec.window >= 0, served)
    for k, name in enumerate(rec.category_names):
        cat = scenario.categories[name]
        mine = rec.category == k
        if cat.patience is None:
            assert not np.any(mine & (rec.outcome == ABANDONED)), name
        else:  # with patience nobody is left "open": they leave eventually
            assert not np.any(mine & (rec.outcome == OPEN)), name
        if cat.balk_at_queue is None:
            assert not np.any(mine & (rec.outcome == BALKED)), name
    balked = rec.outcome == BALKED
    assert np.array_equal(rec.end[balked], rec.arrival[balked])
    is_open = rec.outcome == OPEN
    assert np.all(np.isnan(rec.end[is_open]))


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_no_window_serves_a_category_it_is_not_authorised_for(data, seed):
    scenario, rec = simulate_once(data, seed)
    groups = group_of(scenario, rec)
    for i in np.flatnonzero(rec.outcome == SERVED):
        group = rec.group_names[groups[i]]
        category = rec.category_names[rec.category[i]]
        assert category in scenario.serves(group), (i, category, group)


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_tickets_are_issued_only_while_open_and_closed_hours_see_only_overtime(data, seed):
    scenario, rec = simulate_once(data, seed)
    periods = scenario.hall.periods
    days = scenario.hall.days

    def inside(t: np.ndarray) -> np.ndarray:
        tod = np.mod(t, MINUTES_PER_DAY)
        return np.any([(s <= tod) & (tod < e) for s, e in periods], axis=0)

    assert np.all(inside(rec.arrival))
    assert np.all(rec.arrival < days * MINUTES_PER_DAY)

    called = ~np.isnan(rec.call)
    assert np.all(rec.call[called] >= rec.arrival[called] - EPS)
    last_day = int(np.nanmax(rec.call, initial=0.0) // MINUTES_PER_DAY) + 1
    closings = np.array(sorted(d * MINUTES_PER_DAY + e for d in range(last_day + 1)
                               for _, e in periods))
    late = np.flatnonzero(called & ~inside(np.nan_to_num(rec.call)))
    for i in late:
        # a call while closed is overtime: the ticket was already held at the
        # most recent closing (its arrival is before it) ...
        last_closing = closings[np.searchsorted(closings, rec.call[i], side="right") - 1]
        assert rec.arrival[i] < last_closing <= rec.call[i], i
        # ... and it was taken during an opening period that ended at or before it
        day, tod = divmod(rec.arrival[i], MINUTES_PER_DAY)
        period_end = next(e for s, e in periods if s <= tod < e)
        assert day * MINUTES_PER_DAY + period_end <= last_closing, i


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_waits_services_and_patience_are_what_the_customers_brought(data, seed):
    scenario, rec = simulate_once(data, seed)
    customers = draw_customers(scenario, seed, 0)
    assert np.array_equal(customers.arrival, rec.arrival)
    served = np.flatnonzero(rec.outcome == SERVED)
    wait = rec.call[served] - rec.arrival[served]
    assert np.all(wait >= -EPS)
    assert np.all(rec.end[served] >= rec.call[served])
    # nobody is called after their patience ran out
    assert np.all(wait <= customers.patience[served] + 1e-9)
    # service time = the customer's draw x the group's speed factor for the category
    groups = group_of(scenario, rec)
    factor = np.array([scenario.speed_factor(rec.group_names[groups[i]],
                                             rec.category_names[rec.category[i]])
                       for i in served])
    assert np.allclose(rec.end[served] - rec.call[served],
                       customers.work[served] * factor, rtol=1e-9, atol=1e-7)
    # the abandoned leave, never called, exactly when their patience runs out
    gone = np.flatnonzero(rec.outcome == ABANDONED)
    assert np.all(np.isnan(rec.call[gone]))
    assert np.all(rec.end[gone] >= rec.arrival[gone])
    assert np.allclose(rec.end[gone] - rec.arrival[gone], customers.patience[gone],
                       rtol=1e-9, atol=1e-7)


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_a_window_serves_one_customer_at_a_time(data, seed):
    _, rec = simulate_once(data, seed)
    for w in range(len(rec.window_names)):
        mine = rec.window == w
        order = np.argsort(rec.call[mine])
        calls, ends = rec.call[mine][order], rec.end[mine][order]
        assert np.all(calls[1:] >= ends[:-1]), rec.window_names[w]


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_never_more_windows_busy_than_the_schedule_staffs(data, seed):
    scenario, rec = simulate_once(data, seed)
    groups = group_of(scenario, rec)
    for gi in range(len(scenario.windows)):
        busy = busy_counter(rec, gi)
        for t in rec.call[groups == gi]:
            assert busy(t) <= staffed_at(scenario, gi, t), (gi, t)


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_a_ticket_waits_only_when_every_window_that_may_serve_it_is_busy(data, seed):
    scenario, rec = simulate_once(data, seed)
    busy = [busy_counter(rec, gi) for gi in range(len(scenario.windows))]
    order = {k: routing_order(scenario, c) for k, c in enumerate(rec.category_names)}
    groups = group_of(scenario, rec)
    at_once = served_at_once(rec)
    for i in range(len(rec)):
        t, eligible = rec.arrival[i], order[rec.category[i]]
        full = [busy[gi](t) >= staffed_at(scenario, gi, t) for gi in eligible]
        if at_once[i]:
            # served at once, by the first eligible group (in routing order) with room
            pos = eligible.index(groups[i])
            assert all(full[:pos]), (i, eligible, groups[i])
        else:
            assert all(full), (i, eligible)


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_an_arrival_goes_to_the_window_idle_longest(data, seed):
    scenario, rec = simulate_once(data, seed)
    calls = {w: np.sort(rec.call[rec.window == w]) for w in range(len(rec.window_names))}
    ends = {w: np.sort(rec.end[rec.window == w]) for w in range(len(rec.window_names))}

    def idle_since(w: int, t: float) -> float | None:
        """When window ``w`` last finished before ``t`` (-inf: never used; None: busy)."""
        k = int(np.searchsorted(ends[w], t, side="right"))
        if np.searchsorted(calls[w], t, side="left") > k:
            return None
        return float(ends[w][k - 1]) if k else -math.inf

    for i in np.flatnonzero(served_at_once(rec)):
        chosen, t = int(rec.window[i]), rec.arrival[i]
        gi = rec.window_group[chosen]
        if scenario.windows[gi].schedule:  # going off and on duty reorders the idle
            continue
        mine = idle_since(chosen, t)
        for other in np.flatnonzero(rec.window_group == gi):
            since = idle_since(int(other), t)
            if other == chosen or since is None:
                continue
            # nobody idle longer; never-used windows are taken in number order
            assert since > mine or (since == mine == -math.inf and other > chosen), \
                (i, rec.window_names[chosen], rec.window_names[other])


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_a_window_that_frees_up_calls_whoever_its_call_rule_picks(data, seed):
    scenario, rec = simulate_once(data, seed)
    cidx = {c: k for k, c in enumerate(rec.category_names)}
    groups = group_of(scenario, rec)
    served = np.flatnonzero(rec.outcome == SERVED)
    for gi in range(len(scenario.windows)):
        tiers = [{cidx[c] for c in tier} for tier in call_tiers(scenario, gi)]
        index = [WaitingIndex(rec, tier) for tier in tiers]
        everyone = WaitingIndex(rec, set().union(*tiers))
        busy = busy_counter(rec, gi)
        mine = served[groups[served] == gi]
        # (1) every call takes the longest-waiting ticket of the first non-empty tier
        for i in mine:
            t, c = rec.call[i], rec.category[i]
            tier = next(k for k, cats in enumerate(tiers) if c in cats)
            for earlier in index[:tier]:
                assert not earlier.someone_waiting(t, t), (i, "an earlier tier was waiting")
            assert not index[tier].someone_waiting(rec.arrival[i], t), \
                (i, "an older ticket of the same tier was waiting")
        # (2) a window that finishes calls the next customer at once if anyone it
        # serves is waiting -- unless the schedule just took it off duty
        for w in np.flatnonzero(rec.window_group == gi):
            at_w = rec.window == w
            ends, calls = rec.end[at_w], set(rec.call[at_w].tolist())
            for e in ends:
                if e in calls or not everyone.someone_waiting(e, e):
                    continue
                assert busy(e) >= staffed_at(scenario, gi, e), \
                    (rec.window_names[w], e, "went idle with customers waiting")


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_customers_balk_exactly_when_their_queue_is_at_the_limit(data, seed):
    scenario, rec = simulate_once(data, seed)
    leave = leave_time(rec)
    for k, name in enumerate(rec.category_names):
        limit = scenario.categories[name].balk_at_queue
        if limit is None:
            continue
        mine = np.flatnonzero(rec.category == k)
        at_once = served_at_once(rec)
        stayed = mine[rec.outcome[mine] != BALKED]
        arrivals, leaves = np.sort(rec.arrival[stayed]), np.sort(leave[stayed])
        for i in mine:
            t = rec.arrival[i]
            if at_once[i]:
                continue  # a window was free: no queue to look at
            waiting = int(np.searchsorted(arrivals, t, "left")
                          - np.searchsorted(leaves, t, "right"))
            if rec.outcome[i] == BALKED:
                assert waiting >= limit, (name, i, waiting)
            else:
                assert waiting < limit, (name, i, waiting)


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_the_same_seed_gives_the_same_records_twice(data, seed):
    _, first = simulate_once(data, seed)
    _, again = simulate_once(data, seed)
    for column in ("arrival", "category", "call", "end", "window", "outcome"):
        assert np.array_equal(getattr(first, column), getattr(again, column), equal_nan=True), \
            column


@SETTINGS
@given(data=hall_dicts(), seed=seeds)
def test_one_more_window_sees_the_very_same_customers(data, seed):
    _, before = simulate_once(data, seed)
    more = {**data, "windows": [dict(g) for g in data["windows"]]}
    more["windows"][0]["count"] += 1
    _, after = simulate_once(more, seed)
    assert np.array_equal(before.arrival, after.arrival)
    assert np.array_equal(before.category, after.category)


@SETTINGS
@given(data=hall_dicts(), seed=seeds, replications=st.integers(1, 3))
def test_overall_arrivals_are_the_sum_over_categories(data, seed, replications):
    scenario = scenario_from_dict(data, "hypothesis")
    doc = simulate(scenario, seed=seed, replications=replications).document()
    total = sum(figures["arrivals"] for figures in doc["by_category"].values())
    # figures in the document are rounded to 6 decimals
    assert math.isclose(doc["overall"]["arrivals"], total, abs_tol=1e-5)
    assert set(doc["by_category"]) == set(data["categories"])


def test_a_ticket_served_at_once_is_called_at_its_own_ticket_time():
    # found by the properties above: a hall open around the clock, a quiet night
    data = {
        "name": "night-desk",
        "hall": {"open": ["00:00-24:00"], "days": 1},
        "categories": {"tax": {
            "arrivals_per_hour": {"00:00": 6.0, "06:00": 1.0, "08:30": 2.0, "12:00": 1.0},
            "service": {"dist": "exponential", "mean": 1.0}}},
        "windows": [{"id": "A", "count": 1, "serves": ["tax"]}],
    }
    _, rec = simulate_once(data, 131392)
    at_once = served_at_once(rec)
    assert at_once[1]  # the second citizen finds the window free ...
    assert rec.call[1] == rec.arrival[1]  # ... and is called at their own ticket time
    assert np.all(rec.call[at_once] == rec.arrival[at_once])
