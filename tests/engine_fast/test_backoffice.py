"""Stories: a hall with a back office (no feedback into the front) on the fast engine keeps
the SimPy engine's records, case table and results figures, bit for bit.

The SimPy side is the run's own code (``run_replication(..., engine="simpy")``); the fast
side runs the front on the compiled loop and the cases after it
(:func:`sim.engine.fast.cases.run_fast_cases`), assembled as ``run_replication`` assembles
them: the flow's ``case``, ``journey`` and ``kind`` columns after the records', the case
table over the simulated days, the summary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

pytest.importorskip("numba")

from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sim.engine.arrivals import Customers, draw_customers  # noqa: E402
from sim.engine.case_draws import draw_cases  # noqa: E402
from sim.engine.cases import CaseFlow, CaseTable  # noqa: E402
from sim.engine.fast import choose_engine, unsupported  # noqa: E402
from sim.engine.fast.cases import run_fast_cases  # noqa: E402
from sim.engine.hall import Hall  # noqa: E402
from sim.engine.layout import HallLayout  # noqa: E402
from sim.engine.records import Records  # noqa: E402
from sim.files.errors import InputError  # noqa: E402
from sim.run.replications import run_replication  # noqa: E402
from sim.scenario.clock import MINUTES_PER_DAY  # noqa: E402
from sim.scenario.model import Scenario, load_scenario, scenario_from_dict  # noqa: E402
from sim.stats.metrics import summarise  # noqa: E402
from tests.engine.test_fast_door import door_halls, drawn_door_halls  # noqa: E402
from tests.engine_fast.same_records import differences  # noqa: E402
from tests.engine_fast.test_same_records import drawn_halls, halls  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _fast(scenario: Scenario, seed: int, index: int, customers: Customers | None = None
          ) -> tuple[Records, CaseTable, dict[str, Any], bool]:
    """Replication ``index`` with the front on the fast engine and the cases after it,
    assembled as ``run_replication`` assembles the SimPy engine's run; and whether a tie
    sent it to the SimPy engine."""
    layout = HallLayout.from_scenario(scenario)
    if customers is None:
        customers = draw_customers(scenario, seed, index)
    out = run_fast_cases(scenario, layout, customers, seed, index)
    records = out.records.with_columns(out.flow.ticket_columns(len(out.records)))
    cases = out.flow.table(scenario.hall.warmup_days * MINUTES_PER_DAY,
                           scenario.hall.days * MINUTES_PER_DAY)
    return records, cases, summarise(scenario, layout, records, cases), out.simpy


def _case_differences(a: CaseTable, b: CaseTable) -> list[str]:
    """The case table's fields in which two tables differ (dtype, shape or any bit)."""
    out = []
    for name in CaseTable.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray) and isinstance(y, np.ndarray):
            if x.dtype != y.dtype or not np.array_equal(x, y, equal_nan=True):
                out.append(name)
        elif json.dumps(x, sort_keys=True) != json.dumps(y, sort_keys=True):
            out.append(name)
    return out


def _same_run(scenario: Scenario, seed: int, index: int) -> bool:
    """Both engines' replication compared in full; whether the post-pass ran (no tie)."""
    slow = run_replication(scenario, seed, index, keep_records=True, engine="simpy")
    assert slow.records is not None and slow.cases is not None
    records, cases, summary, tie = _fast(scenario, seed, index)
    assert differences(slow.records, records) == []
    assert _case_differences(slow.cases, cases) == []
    assert json.dumps(summary, sort_keys=True) == json.dumps(slow.summary, sort_keys=True)
    return not tie


def _bundled_backoffices() -> list[str]:
    """Bundled scenarios with a back office that feeds nothing back into the front."""
    out = []
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        text = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(text, dict) or "backoffice" not in text or "hall" not in text:
            continue
        if unsupported(load_scenario(path), with_cases=True) is None:
            out.append(str(path.relative_to(ROOT)))
    return out


@pytest.mark.parametrize("path", _bundled_backoffices())
def test_every_bundled_back_office_hall_keeps_records_cases_and_figures(path: str):
    scenario = load_scenario(ROOT / path)
    for replication in (0, 1):
        assert _same_run(scenario, 7, replication), f"{path} #{replication} tied"


def test_the_bundled_back_offices_are_serial_parallel_and_sign_offs():
    names = _bundled_backoffices()
    for needed in ("company_setup_parallel", "company_setup_serial", "signoff_chief",
                   "signoff_five"):
        assert any(needed in n for n in names), needed
    # the figures include the back office's: lead times and every stage's use
    slow = run_replication(load_scenario(ROOT / "scenarios/reforms/signoff_five.yaml"), 7, 0,
                           engine="simpy")
    assert slow.summary["backoffice"] and "cases" in slow.summary["overall"]


def test_what_feeds_back_stays_on_the_simpy_engine():
    """Returns and collection visits come back to the front: named, and refused."""
    for path, field in (("reforms/returns_before.yaml", "returns"),
                        ("mechanisms/online_30.yaml", "delivery.collect_at"),
                        ("wuqing/before.yaml", "returns")):
        scenario = load_scenario(ROOT / "scenarios" / path)
        named = unsupported(scenario, with_cases=True)
        assert named is not None and named.endswith(field), (path, named)
        with pytest.raises(ValueError, match="feeds back"):
            run_fast_cases(scenario, HallLayout.from_scenario(scenario),
                           draw_customers(scenario, 1, 0), 1, 0)
    # without the post-pass a back office is not run by the fast engine (run_fast alone)
    signoff = load_scenario(ROOT / "scenarios/reforms/signoff_chief.yaml")
    assert unsupported(signoff) is not None
    assert unsupported(signoff).endswith("backoffice")  # type: ignore[union-attr]


def test_the_engine_choice_runs_a_back_office_fast_only_for_a_caller_with_the_post_pass():
    signoff = load_scenario(ROOT / "scenarios/reforms/signoff_five.yaml")
    assert choose_engine(signoff, "fast", with_cases=True).engine == "fast"
    with pytest.raises(InputError, match="backoffice"):
        choose_engine(signoff, "fast")
    returns = load_scenario(ROOT / "scenarios/reforms/returns_notice.yaml")
    with pytest.raises(InputError, match="returns"):
        choose_engine(returns, "fast", with_cases=True)


# --- a tie between a service end and the back office -------------------------------------


def _tie_hall() -> Scenario:
    """One window, one reviewer who reviews every case twice, whole minutes everywhere."""
    return scenario_from_dict({
        "name": "同时", "hall": {"open": ["08:00-17:00"], "days": 1},
        "backoffice": {"stages": {"审查": {"count": 1, "service": {
            "dist": "deterministic", "value": 10}}}, "routes": {"主线": ["审查", "审查"]}},
        "categories": {"执照": {"arrivals_per_hour": 1,
                              "service": {"dist": "deterministic", "value": 10},
                              "backoffice": {"share": 1.0, "route": "主线"}}},
        "windows": [{"id": "A", "count": 1, "serves": ["执照"]}]})


def _simpy_cases(scenario: Scenario, customers: Customers) -> tuple[Records, CaseTable]:
    """The SimPy engine's records (with the flow's columns) and case table of the hall
    with ``customers`` (the case draws of seed 1, replication 0), as a run assembles them."""
    layout = HallLayout.from_scenario(scenario)
    hall = Hall(layout, customers)
    flow = CaseFlow(scenario, draw_cases(scenario, customers, 1, 0), hall.env, hall.inject)
    records = hall.run(scenario.hall.days, flow)
    return (records.with_columns(flow.ticket_columns(len(records))),
            flow.table(scenario.hall.warmup_days * MINUTES_PER_DAY,
                       scenario.hall.days * MINUTES_PER_DAY))


@pytest.mark.parametrize("second, tied", [(540.0, True), (555.5, False)])
def test_a_service_end_due_with_a_review_end_goes_to_the_simpy_engine(second, tied):
    """The first case is served 09:00-09:10 and reviewed 09:10-09:20; a second ticket at
    09:00 is served 09:10-09:20: its end is due with the first review's, and which comes
    first decides who the reviewer takes next (the first case's second review: the hall's
    calendar took the review's end first, scheduled before the service's at 09:10). Only
    the hall's calendar knows that order: the replication is run on the SimPy engine, and
    the same. A second ticket at 09:15:30 ends apart from any review: the post-pass."""
    scenario = _tie_hall()
    customers = Customers(("执照",), np.array([540.0, second]), np.zeros(2, dtype=np.int32),
                          np.array([10.0, 10.0]), np.full(2, np.inf))
    records, cases, _summary, tie = _fast(scenario, 1, 0, customers)
    assert tie == tied
    slow_records, slow_cases = _simpy_cases(scenario, customers)
    assert differences(slow_records, records) == []
    assert _case_differences(slow_cases, cases) == []
    assert cases.bo_in.tolist() == [550.0, 560.0 if tied else 565.5]
    assert cases.bo_out.tolist() == [570.0, 590.0]


def test_services_ending_together_reach_the_back_office_in_the_calendar_order():
    """Two services end at 09:20: 医保's (the third ticket, called at 09:02 at window B, for 18
    minutes) and 社保's (the second, waiting for window A until 09:10, for 10 minutes). The
    hall's calendar takes 医保's first (scheduled first), so its case gets the one reviewer
    first (09:20-09:30) and 社保's waits (09:30-09:40), ticket numbers notwithstanding."""
    review = {"dist": "deterministic", "value": 10}
    scenario = scenario_from_dict({
        "name": "同时结束", "hall": {"open": ["08:00-17:00"], "days": 1},
        "backoffice": {"stages": {"审查": {"count": 1, "service": review}},
                       "routes": {"主线": ["审查"]}},
        "categories": {
            "咨询": {"arrivals_per_hour": 1, "service": review},
            "社保": {"arrivals_per_hour": 1, "service": review,
                   "backoffice": {"share": 1.0, "route": "主线"}},
            "医保": {"arrivals_per_hour": 1, "service": review,
                   "backoffice": {"share": 1.0, "route": "主线"}}},
        "windows": [{"id": "A", "count": 1, "serves": ["咨询", "社保"]},
                    {"id": "B", "count": 1, "serves": ["医保"]}]})
    customers = Customers(("咨询", "社保", "医保"), np.array([540.0, 541.0, 542.0]),
                          np.array([0, 1, 2], dtype=np.int32), np.array([10.0, 10.0, 18.0]),
                          np.full(3, np.inf))
    records, cases, _summary, tie = _fast(scenario, 1, 0, customers)
    assert not tie and records.end.tolist() == [550.0, 560.0, 560.0]
    slow_records, slow_cases = _simpy_cases(scenario, customers)
    assert differences(slow_records, records) == []
    assert _case_differences(slow_cases, cases) == []
    assert cases.bo_out.tolist() == [580.0, 570.0]  # cases in ticket order: 社保, 医保


def test_an_online_application_at_midnight_enters_as_the_flow_is_built():
    """A hall open day and night, one reviewer who reviews every case twice: an
    application online at 00:00 enters the back office as the case flow is built (before
    any event), so its first review's end at 00:10 comes before the application online
    at 00:10 (scheduled after it) and its second review goes before that application
    in the line; the citizen served 00:00-00:07 waits for the first review's end."""
    review = {"dist": "deterministic", "value": 10}
    scenario = scenario_from_dict({
        "name": "网办", "hall": {"open": ["00:00-24:00"], "days": 1},
        "backoffice": {"stages": {"审查": {"count": 1, "service": review}},
                       "routes": {"主线": ["审查", "审查"]}},
        "categories": {"执照": {"arrivals_per_hour": 1, "service": review,
                              "online": {"share": 0.5},
                              "backoffice": {"share": 1.0, "route": "主线"}}},
        "windows": [{"id": "A", "count": 1, "serves": ["执照"]}]})
    customers = Customers(("执照",), np.array([0.0, 0.0, 10.0]), np.zeros(3, dtype=np.int32),
                          np.array([10.0, 7.0, 10.0]), np.full(3, np.inf),
                          online=np.array([True, False, True]))
    records, cases, _summary, tie = _fast(scenario, 1, 0, customers)
    assert not tie
    slow_records, slow_cases = _simpy_cases(scenario, customers)
    assert differences(slow_records, records) == []
    assert _case_differences(slow_cases, cases) == []
    assert cases.bo_in.tolist() == [0.0, 7.0, 10.0]
    assert cases.bo_out.tolist() == [30.0, 50.0, 60.0]


# --- random halls with random back offices ------------------------------------------------

STAGES = ("受理", "核查", "审批", "制证")
WORK = ({"dist": "exponential", "mean": 30}, {"dist": "gamma", "mean": 120, "cv": 0.3},
        {"dist": "lognormal", "mean": 15, "cv": 1.0})


@st.composite
def routes(draw: st.DrawFn, stages: tuple[str, ...], depth: int = 0) -> list[Any]:
    """A route: 1-3 items in series, each a stage or (two levels deep at most) a
    parallel group of 2-3 branches, a branch a stage or a series."""
    items: list[Any] = []
    for _ in range(draw(st.integers(1, 3))):
        if depth < 2 and draw(st.booleans()):
            branches = [draw(st.sampled_from(stages)) if draw(st.booleans())
                        else draw(routes(stages, depth + 1))
                        for _ in range(draw(st.integers(2, 3)))]
            items.append({"parallel": branches})
        else:
            items.append(draw(st.sampled_from(stages)))
    return items


def _with_backoffice(draw: st.DrawFn, spec: dict[str, Any], online: bool) -> Scenario:
    """The hall ``spec`` with a random back office: 1-4 stages of 1-3 reviewers
    (continuous working times), a named route and inline ones in series and parallel,
    office hours of their own or the hall's; its categories (the first that may, the others
    at random) go there, some with results posted after some days and, if ``online``,
    some applying online (with the category's route or the named one)."""
    stages = STAGES[:draw(st.integers(1, 4))]
    spec["backoffice"] = {
        "stages": {s: {"count": draw(st.integers(1, 3)), "service": draw(st.sampled_from(WORK))}
                   for s in stages},
        "routes": {"主线": draw(routes(stages))}}
    if draw(st.booleans()):
        spec["backoffice"]["hours"] = ["09:00-11:30", "14:00-16:00"]
    eligible = [c for c in spec["categories"].values()
                if "appointments" not in c and "kiosk" not in c]
    assume(eligible)  # appointments and kiosks do not go with a back office
    for k, cat in enumerate(eligible):
        if k > 0 and draw(st.booleans()):
            continue
        route = "主线" if draw(st.booleans()) else draw(routes(stages))
        cat["backoffice"] = {"share": draw(st.sampled_from([0.5, 1.0])), "route": route}
        if draw(st.booleans()):
            cat["delivery"] = {"post_delay_days": {"dist": "exponential", "mean": 1}}
        if online and draw(st.booleans()):
            cat["online"] = {"share": 0.3} | ({"route": "主线"} if draw(st.booleans()) else {})
    return scenario_from_dict(spec)


@st.composite
def backoffice_halls(draw: st.DrawFn) -> tuple[Scenario, int]:
    """A hall of ``drawn_halls`` (or with a door: ``drawn_door_halls``) with a random back
    office (:func:`_with_backoffice`, online applicants too) and a seed."""
    scenario, seed = draw(drawn_door_halls() if draw(st.booleans()) else drawn_halls())
    return _with_backoffice(draw, scenario.to_dict(), online=True), seed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(backoffice_halls())
def test_random_back_office_halls_keep_records_cases_and_figures(hall):
    scenario, seed = hall
    assert unsupported(scenario, with_cases=True) is None
    assert _same_run(scenario, seed, 0)


@st.composite
def whole_minute_backoffice_halls(draw: st.DrawFn) -> tuple[Scenario, Customers]:
    """A whole-minute hall of ``halls`` (or with a door: ``door_halls``): services ending
    in the same minute everywhere, in the order the hall's calendar takes them, into a
    random back office (:func:`_with_backoffice`)."""
    scenario, customers = draw(door_halls() if draw(st.booleans()) else halls())
    return _with_backoffice(draw, scenario.to_dict(), online=False), customers


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(whole_minute_backoffice_halls())
def test_whole_minute_halls_feed_the_back_office_in_the_calendar_order(hall):
    scenario, customers = hall
    slow_records, slow_cases = _simpy_cases(scenario, customers)
    records, cases, summary, tie = _fast(scenario, 1, 0, customers)
    assert not tie
    assert differences(slow_records, records) == []
    assert _case_differences(slow_cases, cases) == []
    layout = HallLayout.from_scenario(scenario)
    assert json.dumps(summary, sort_keys=True) == json.dumps(
        summarise(scenario, layout, slow_records, slow_cases), sort_keys=True)


def test_a_run_of_a_back_office_hall_on_either_engine_gives_the_same_document():
    """What a planner runs: ``simulate`` with ``--engine fast`` takes the back office
    (announced as the fast engine) and gives the SimPy engine's results document."""
    from sim.run.replications import resolve_engine, simulate

    scenario = load_scenario(ROOT / "scenarios" / "reforms" / "company_setup_parallel.yaml")
    assert resolve_engine(scenario, "fast", announce=False) == "fast"
    docs = [simulate(scenario, seed=3, replications=2, engine=e).document()
            for e in ("simpy", "fast")]
    for d in docs:
        d.pop("meta", None)
    assert docs[0]["backoffice"] and docs[0] == docs[1]
