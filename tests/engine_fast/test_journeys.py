"""Stories: journeys (each step a ticket, the next taken when the last is served) on the
fast engine keep the SimPy engine's records, journey table and figures, bit for bit.

The compiled loop takes a step's ticket as the SimPy engine's ``JourneyRunner`` does: the
first steps injected after the first arrival, in start order; at a step's service end
(before the window moves on) the next step's ticket, now if the hall is open, else at its
next opening, admitted by an event of its own (docs/engine-order.md, "Journeys"). The
journey table is kept by the SimPy engine's own runner, replayed on the loop's tickets.
The SimPy side is the run's own code (``run_replication(..., engine="simpy")``, or a
``Hall`` with a ``CaseFlow``), the fast side ``run_fast_cases`` assembled as a run
assembles it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("numba")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sim.batch.decompose import merge_patch  # noqa: E402
from sim.engine.arrivals import Customers, draw_customers  # noqa: E402
from sim.engine.case_draws import JourneyDraws, draw_cases  # noqa: E402
from sim.engine.cases import COMPLETE, LOST, OPEN, CaseFlow, CaseTable  # noqa: E402
from sim.engine.fast import choose_engine, unsupported  # noqa: E402
from sim.engine.fast.cases import run_fast_cases  # noqa: E402
from sim.engine.hall import Hall  # noqa: E402
from sim.engine.layout import HallLayout  # noqa: E402
from sim.engine.records import ABANDONED, BALKED, SERVED, Records  # noqa: E402
from sim.files.yaml_reader import read_yaml  # noqa: E402
from sim.run.replications import simulate  # noqa: E402
from sim.scenario.clock import MINUTES_PER_DAY  # noqa: E402
from sim.scenario.model import Scenario, load_scenario, scenario_from_dict  # noqa: E402
from tests.engine.test_fast_door import door_halls, drawn_door_halls  # noqa: E402
from tests.engine_fast.same_records import differences  # noqa: E402
from tests.engine_fast.test_backoffice import (  # noqa: E402
    _case_differences,
    _same_run,
    _with_backoffice,
)
from tests.engine_fast.test_same_records import drawn_halls, halls  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
YUMEN = ROOT / "scenarios" / "yumen"


def _yumen(patch: str | None) -> Scenario:
    """Yumen before the reform, with one of its patches merged in (as ``decompose``)."""
    base = read_yaml(YUMEN / "before.yaml")
    if patch is not None:
        base = merge_patch(base, read_yaml(YUMEN / "patches" / f"{patch}.yaml"))
    return scenario_from_dict(base)


def _both(scenario: Scenario, customers: Customers, draws: Any
          ) -> tuple[tuple[Records, CaseTable], tuple[Records, CaseTable]]:
    """The SimPy engine's records (with the flow's columns) and case table of the hall
    with ``customers`` and the case draws ``draws``, and the fast engine's, as a run
    assembles them."""
    layout = HallLayout.from_scenario(scenario)
    w_from = scenario.hall.warmup_days * MINUTES_PER_DAY
    w_to = scenario.hall.days * MINUTES_PER_DAY
    hall = Hall(layout, customers)
    flow = CaseFlow(scenario, draws, hall.env, hall.inject)
    records = hall.run(scenario.hall.days, flow)
    slow = records.with_columns(flow.ticket_columns(len(records))), flow.table(w_from, w_to)
    out = run_fast_cases(scenario, layout, customers, 1, 0, draws=draws)
    assert not out.simpy
    fast = (out.records.with_columns(out.flow.ticket_columns(len(out.records))),
            out.flow.table(w_from, w_to))
    return slow, fast


def _same(scenario: Scenario, customers: Customers, draws: Any) -> tuple[Records, CaseTable]:
    """Both engines compared in full; the fast engine's records and table."""
    (slow_records, slow_cases), (records, cases) = _both(scenario, customers, draws)
    assert differences(slow_records, records) == []
    assert _case_differences(slow_cases, cases) == []
    return records, cases


# --- the bundled journeys: Yumen and its patches ------------------------------------------


@pytest.mark.parametrize("patch", [None, "bundling", "concentration", "cross_authorisation"])
def test_yumen_and_its_patches_keep_records_journeys_and_figures(patch):
    scenario = _yumen(patch)
    assert scenario.journeys and unsupported(scenario, with_cases=True) is None
    for seed, replication in ((7, 0), (7, 1), (2024, 3)):
        assert _same_run(scenario, seed, replication), f"{patch} {seed}#{replication}"


@pytest.mark.parametrize("path", ["yumen/after.yaml", "reforms/journey_bundle.yaml",
                                  "reforms/journey_windows.yaml"])
def test_every_bundled_journey_hall_keeps_records_journeys_and_figures(path):
    scenario = load_scenario(ROOT / "scenarios" / path)
    for replication in (0, 1):
        assert _same_run(scenario, 11, replication), f"{path} #{replication}"


def test_a_run_of_yumen_on_either_engine_gives_the_same_document():
    """What a planner runs: ``simulate`` with ``--engine fast`` takes the journeys (the
    fast engine, no longer refused) and gives the SimPy engine's results document, the
    journeys' figures included."""
    scenario = _yumen("bundling")
    assert choose_engine(scenario, "fast", with_cases=True).engine == "fast"
    docs = [simulate(scenario, seed=5, replications=3, engine=e).document()
            for e in ("simpy", "fast")]
    for d in docs:
        d.pop("meta", None)
    assert docs[0]["journeys"] and docs[0] == docs[1]


def test_the_front_alone_still_names_the_journeys():
    """``run_fast`` runs the front alone (no draws of journeys): journeys are named for
    it; with the cases' post-pass (every run) they are run."""
    scenario = _yumen(None)
    assert unsupported(scenario) == "journeys"
    assert unsupported(scenario, with_cases=True) is None


# --- stories of one journey ----------------------------------------------------------------


def _hall(categories: dict[str, Any], windows: list[dict[str, Any]], steps: list[str],
          open_: tuple[str, ...] = ("08:00-12:00", "13:00-17:00"), days: int = 1
          ) -> Scenario:
    return scenario_from_dict({
        "name": "一件事", "hall": {"open": list(open_), "days": days},
        "categories": categories,
        "journeys": {"开办": {"arrivals_per_hour": 1, "steps": steps}},
        "windows": windows})


def _journeys(scenario: Scenario, times: list[float], work: list[list[float]],
              patience: list[list[float]] | None = None) -> JourneyDraws:
    """Hand-made journeys of the scenario's one journey type: start times and per step
    work and patience (none: infinite)."""
    n = len(times)
    w = np.array(work, dtype=np.float64).reshape(n, -1)
    p = (np.array(patience, dtype=np.float64).reshape(n, -1) if patience is not None
         else np.full(w.shape, np.inf))
    return JourneyDraws(names=tuple(scenario.journeys), times=np.array(times, dtype=np.float64),
                        kind=np.zeros(n, dtype=np.int64), local=np.arange(n), work=(w,),
                        patience=(p,))


def _draws(scenario: Scenario, customers: Customers, journeys: JourneyDraws) -> Any:
    return dataclasses.replace(draw_cases(scenario, customers, 1, 0), journeys=journeys)


def _customers(names: tuple[str, ...], arrival: list[float], category: list[int],
               work: list[float], patience: list[float] | None = None) -> Customers:
    n = len(arrival)
    return Customers(names, np.array(arrival, dtype=np.float64),
                     np.array(category, dtype=np.int32), np.array(work, dtype=np.float64),
                     np.array(patience if patience is not None else [np.inf] * n))


TEN = {"dist": "deterministic", "value": 10}


def test_a_step_served_at_the_lunch_closing_takes_the_next_ticket_at_the_reopening():
    """Two journeys of two steps. One, served at A 11:30-11:40, takes its next ticket at
    once (11:40, the hall open); the other, served 11:50-12:00, finds the hall closed at
    12:00 (the closing comes first) and takes it at the reopening, 13:00."""
    scenario = _hall({"登记": {"arrivals_per_hour": 0, "service": TEN},
                      "税务": {"arrivals_per_hour": 0, "service": TEN}},
                     [{"id": "A", "count": 1, "serves": ["登记"]},
                      {"id": "B", "count": 1, "serves": ["税务"]}], ["登记", "税务"])
    customers = _customers(("登记", "税务"), [], [], [])
    draws = _draws(scenario, customers, _journeys(scenario, [710.0, 690.0],
                                                  [[10.0, 5.0], [10.0, 5.0]]))
    records, cases = _same(scenario, customers, draws)
    # tickets: the first steps in start order (11:30 first), then the second steps
    assert records.arrival.tolist() == [690.0, 710.0, 700.0, 780.0]
    assert records.extra["journey"].tolist() == [1, 0, 1, 0]
    assert records.call.tolist() == [690.0, 710.0, 700.0, 780.0]
    assert cases.j_end.tolist() == [785.0, 705.0]
    assert cases.j_status.tolist() == [COMPLETE, COMPLETE]
    assert cases.j_visits.tolist() == [1, 1]  # one day each
    assert cases.j_hall_minutes.tolist() == [75.0, 15.0]


def test_a_journey_that_outlasts_the_day_comes_back_the_next_mornings():
    """Steps of 200 minutes in a hall open 09:00-12:00 for three days: every step another
    morning. The second journey, begun on the last day at 11:40, ends after the simulated
    days (the hall keeps going until the journeys end); its middle step, of no work, is
    served as it is taken and the last step's ticket taken at once."""
    cats = {c: {"arrivals_per_hour": 0, "service": {"dist": "deterministic", "value": 200}}
            for c in ("甲", "乙", "丙")}
    scenario = _hall(cats, [{"id": "W", "count": 2, "serves": ["*"]}], ["甲", "乙", "丙"],
                     open_=("09:00-12:00",), days=3)
    customers = _customers(("甲", "乙", "丙"), [545.0], [0], [30.0])
    day = MINUTES_PER_DAY
    draws = _draws(scenario, customers, _journeys(
        scenario, [540.0, 2 * day + 700.0], [[200.0] * 3, [200.0, 0.0, 200.0]]))
    records, cases = _same(scenario, customers, draws)
    assert cases.j_end.tolist() == [2 * day + 740.0, 3 * day + 740.0]
    assert cases.j_visits.tolist() == [3, 2]
    assert cases.j_tickets.tolist() == [3, 3]
    assert records.arrival[-2:].tolist() == [3 * day + 540.0, 3 * day + 540.0]
    assert records.end[-2] == 3 * day + 540.0
    assert (records.outcome == SERVED).all()


def test_a_citizen_who_gives_up_or_balks_at_a_step_loses_the_journey():
    """Window B (税务, at most 3 waiting) is busy until 10:39; two customers wait. The
    first journey's second step (taken at 09:10, 5 minutes of patience) queues third and
    gives up at 09:15; the second's (09:20) finds two waiting (the third gone) and queues;
    the third's (09:35) finds three waiting and balks. The first and third journeys are
    lost after two tickets; the second ends at 11:09 after its third step at A."""
    scenario = _hall({"登记": {"arrivals_per_hour": 0, "service": TEN},
                      "税务": {"arrivals_per_hour": 0, "service": TEN, "balk_at_queue": 3}},
                     [{"id": "A", "count": 1, "serves": ["登记"]},
                      {"id": "B", "count": 1, "serves": ["税务"]}], ["登记", "税务", "登记"])
    customers = _customers(("登记", "税务"), [539.0, 541.0, 542.0], [1, 1, 1],
                           [100.0, 10.0, 10.0])
    inf = np.inf
    draws = _draws(scenario, customers, _journeys(
        scenario, [540.0, 550.0, 565.0], [[10.0, 5.0, 5.0]] * 3,
        [[inf, 5.0, inf], [inf, inf, inf], [inf, inf, inf]]))
    records, cases = _same(scenario, customers, draws)
    # tickets 3-5: the first steps; 6-8: the second steps; 9: the second's third
    assert records.outcome[3:].tolist() == [SERVED] * 3 + [ABANDONED, SERVED, BALKED, SERVED]
    assert records.end[[6, 8, 9]].tolist() == [555.0, 575.0, 669.0]
    assert cases.j_status.tolist() == [LOST, COMPLETE, LOST]
    assert cases.j_tickets.tolist() == [2, 3, 2]
    assert cases.j_end[1] == 669.0 and np.isnan(cases.j_end[[0, 2]]).all()
    assert "reached" in records.extra  # a step with patience makes the run impatient


def test_the_next_step_is_admitted_after_what_was_due_before_it():
    """One window; a journey's first step is served 09:00-09:10 and a customer comes at
    09:10. The service end comes first (scheduled at 09:00), the next step's ticket is
    taken then, but admitted by an event of its own, after the customer's arrival (due
    at 09:10 already): the customer gets the window, the step waits its turn."""
    scenario = _hall({"登记": {"arrivals_per_hour": 0, "service": TEN}},
                     [{"id": "A", "count": 1, "serves": ["登记"]}], ["登记", "登记"])
    customers = _customers(("登记",), [545.0, 550.0], [0, 0], [5.0, 10.0])
    draws = _draws(scenario, customers, _journeys(scenario, [540.0], [[10.0, 10.0]]))
    records, cases = _same(scenario, customers, draws)
    # tickets: two customers, the first step, the second step
    assert records.arrival.tolist() == [545.0, 550.0, 540.0, 550.0]
    assert records.call.tolist() == [550.0, 555.0, 540.0, 565.0]
    assert cases.j_end.tolist() == [575.0]


# --- random halls with journeys -----------------------------------------------------------


def _add_journeys(draw: st.DrawFn, spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with 1-3 journey types of 1-4 steps over its categories (repeats too)."""
    items = list(spec["categories"])
    spec["journeys"] = {
        f"一件事{k + 1}": {"arrivals_per_hour": draw(st.sampled_from([0.5, 2, 6])),
                         "steps": draw(st.lists(st.sampled_from(items), min_size=1,
                                                max_size=4))}
        for k in range(draw(st.integers(1, 3)))}
    return spec


@st.composite
def whole_minute_journey_halls(draw: st.DrawFn) -> tuple[Scenario, Customers, JourneyDraws]:
    """A whole-minute hall of ``halls`` (schedules dropping to zero, breaks, balking,
    priority levels, a lunch break, walking, patience), or with a door
    (``door_halls``: a guide desk, wrong tickets), and hand-made whole-minute journeys:
    steps ending as others arrive, at closings, after the last day, patience running out
    at a call."""
    scenario, customers = draw(door_halls() if draw(st.booleans()) else halls())
    scenario = scenario_from_dict(_add_journeys(draw, scenario.to_dict()))
    days = scenario.hall.days
    minutes = st.integers(7 * 60 + 50, 17 * 60 + 10)
    times, kind, local, works, pats = [], [], [], [], []
    for jt, journey in enumerate(scenario.journeys.values()):
        n = draw(st.integers(0, 12))
        t = sorted(draw(minutes) + MINUTES_PER_DAY * draw(st.integers(0, days - 1))
                   for _ in range(n))
        steps = len(journey.steps)
        works.append(np.array([[draw(st.integers(0, 40)) for _ in range(steps)]
                               for _ in range(n)], dtype=np.float64).reshape(n, steps))
        pats.append(np.array([[draw(st.sampled_from([np.inf, np.inf, 0.0, 5.0, 30.0]))
                               for _ in range(steps)] for _ in range(n)],
                             dtype=np.float64).reshape(n, steps))
        times += t
        kind += [jt] * n
        local += list(range(n))
    journeys = JourneyDraws(tuple(scenario.journeys), np.array(times, dtype=np.float64),
                            np.array(kind, dtype=np.int64), np.array(local, dtype=np.int64),
                            tuple(works), tuple(pats))
    return scenario, customers, journeys


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(whole_minute_journey_halls())
def test_random_whole_minute_halls_with_journeys_keep_records_and_journeys(hall):
    scenario, customers, journeys = hall
    assert unsupported(scenario, with_cases=True) is None
    _same(scenario, customers, _draws(scenario, customers, journeys))


@st.composite
def drawn_journey_halls(draw: st.DrawFn) -> tuple[Scenario, int]:
    """A hall of ``drawn_halls`` (profiles, day factors and levels, patience, balking,
    priority shares, kiosks, appointments, schedules, breaks, walking), or with a door
    (``drawn_door_halls``), with drawn journeys, some with a random back office behind
    the window (``_with_backoffice``, online applicants too)."""
    scenario, seed = draw(drawn_door_halls() if draw(st.booleans()) else drawn_halls())
    spec = _add_journeys(draw, scenario.to_dict())
    if draw(st.booleans()):
        return _with_backoffice(draw, spec, online=True), seed
    return scenario_from_dict(spec), seed


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn_journey_halls())
def test_random_drawn_halls_with_journeys_keep_records_journeys_and_figures(hall):
    scenario, seed = hall
    assert unsupported(scenario, with_cases=True) is None
    for replication in (0, 1):
        _same_run(scenario, seed, replication)  # a tie with the back office: SimPy's own


def test_journey_tables_of_a_run_are_not_empty():
    """The stories above compare something: Yumen's journeys end in all three ways."""
    scenario = _yumen(None)
    layout = HallLayout.from_scenario(scenario)
    out = run_fast_cases(scenario, layout, draw_customers(scenario, 7, 0), 7, 0)
    status = out.flow.table(0.0, scenario.hall.days * MINUTES_PER_DAY).j_status
    assert (status == COMPLETE).sum() > 50 and (status == LOST).any()
    assert set(status.tolist()) <= {COMPLETE, LOST, OPEN}
