"""Stories about what the optimiser is given: targets, desks, shifts and a week.

- a pool with a mean-wait and a tail target is sized by the stricter of the two;
- the hall's windows are a hard limit, and the plan says when it binds;
- a shift that runs past closing is refused unless overtime is allowed;
- the classic post-office covering problem (Dantzig's cyclic days-off model),
  written directly as a week with five-consecutive-days patterns, returns 23
  with its LP bound 22.33.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from optimize.plan import plan_document
from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import check_spec, spec_from_dict
from sim.files.errors import InputError
from sim.report.staffing_plan import plan_table
from sim.scenario.model import scenario_from_dict
from sim.stats.sizing import Target, windows_needed
from sim.stats.theory import erlang_c_vec, mmc_servers_for_service_level


def hall(categories: dict[str, Any], open_: list[str], count: int = 100, **extra: Any):
    return scenario_from_dict({"name": "办事大厅", "hall": {"open": open_, "days": 1},
                               "categories": categories,
                               "windows": [{"id": "窗口", "count": count, "serves": ["*"]}],
                               **extra}, "hall.yaml")


def test_a_pool_with_mean_and_tail_targets_is_sized_by_the_stricter():
    # 11 erlangs, service 10 min: E[W] <= 0.05 min needs 19 windows (Erlang C), while
    # the tail target P(W <= 20) >= 0.8 alone needs only 12
    mean_service, load = 10.0, 11.0
    tail, mean = Target("tail", 20.0, 0.8), Target("mean", 0.05)
    assert windows_needed(load, mean_service, tail) == 12
    n = windows_needed(load, mean_service, [tail, mean])
    assert n == 19
    for m, ok in ((n - 1, False), (n, True)):  # E[W] = C s / (m - a), checked directly
        wait = float(erlang_c_vec(m, load)) * mean_service / (m - load)
        assert (wait <= 0.05) is ok
    sc = hall({"企业开办": {"department": "市场", "arrivals_per_hour": 66,
                       "service": {"dist": "exponential", "mean": 10}},
               "食品许可": {"department": "市场", "arrivals_per_hour": 0.001,
                       "service": {"dist": "exponential", "mean": 10}}}, ["09:00-10:00"])
    spec = spec_from_dict({"structure": "dedicated", "period_minutes": 60,
                           "categories": {"食品许可": {"mean_wait_minutes": 0.05}}}, "spec")
    sol = solve(build_problem(sc, spec))
    assert sol.status == "optimal"
    assert sol.open["DED-市场"] == [19]


def test_the_halls_windows_are_a_hard_limit_and_the_plan_says_when_it_binds():
    cats = {"社保": {"department": "人社", "arrivals_per_hour": {"08:00": 30, "09:00": 90},
                   "service": {"dist": "exponential", "mean": 12}}}
    unlimited = solve(build_problem(hall(cats, ["08:00-10:00"]),
                                    spec_from_dict({"period_minutes": 60}, "s")))
    need = unlimited.open["DED-人社"][1]
    assert need == mmc_servers_for_service_level(90 / 60, 1 / 12, 20, 0.8)
    # the same hall with two windows fewer: no plan opens more, and the status says why
    capped = solve(build_problem(hall(cats, ["08:00-10:00"], count=need - 2),
                                 spec_from_dict({"period_minutes": 60}, "s")))
    assert capped.status == "infeasible"
    assert f"{need - 2} desks" in capped.diagnosis and "09:00" in capped.diagnosis
    # with just enough windows it fits exactly: the plan reports the binding limit
    sc = hall(cats, ["08:00-10:00"], count=need)
    problem = build_problem(sc, spec_from_dict({"period_minutes": 60}, "s"))
    sol = solve(problem)
    doc = plan_document(problem, sol)
    assert doc["desks"] == {"limit": need, "source": "hall", "binding": ["09:00"]}
    assert f"the desk limit binds: all {need} desks" in plan_table(doc)


def test_a_shift_ending_after_closing_is_refused_unless_overtime_is_allowed():
    sc = hall({"税务": {"arrivals_per_hour": 5, "service": {"dist": "exponential", "mean": 8}}},
              ["08:30-12:00", "13:30-17:00"])
    late = {"shifts": {"晚班": {"start": "13:30", "length": 300}}}  # ends 18:30, hall 17:00
    with pytest.raises(InputError) as err:
        check_spec(spec_from_dict(late, "spec.yaml"), sc, "spec.yaml")
    assert "optimize.shifts.晚班.length" in str(err.value)
    assert "after the hall closes at 17:00" in str(err.value)
    allowed = copy.deepcopy(late)
    allowed["shifts"]["晚班"]["overtime"] = True
    check_spec(spec_from_dict(allowed, "spec.yaml"), sc, "spec.yaml")


def test_the_post_office_covering_problem_is_written_as_a_week_and_returns_23():
    # Demands per day, each worker on five consecutive days then two off (any start
    # day): the optimum is 23 workers, the LP relaxation 22 1/3.
    demand = dict(zip(["一", "二", "三", "四", "五", "六", "日"],
                      [17, 13, 15, 19, 14, 16, 11]))
    sc = hall({"邮政": {"department": "邮局", "arrivals_per_hour": 0,
                      "service": {"dist": "exponential", "mean": 5}}}, ["08:00-16:00"])
    spec = spec_from_dict({
        "structure": "dedicated", "period_minutes": 480,
        "week": {"days": {d: {"min_windows": n} for d, n in demand.items()},
                 "patterns": {"五休二": {"days_on": 5, "cost": 1}}}}, "spec.yaml")
    problem = build_problem(sc, spec)
    sol = solve(problem)
    assert sol.status == "optimal"
    assert sol.cost == pytest.approx(23)
    assert sol.lp_bound == pytest.approx(22 + 1 / 3, abs=1e-6)
    assert sum(sol.shifts["DED-邮局"].values()) == 23
    on_duty = sol.open["DED-邮局"]
    assert all(have >= need for have, need in zip(on_duty, demand.values()))
    doc = plan_document(problem, sol)
    assert doc["lp_bound"] == pytest.approx(22.333333, abs=1e-5)
    assert doc["periods"][0] == "一 08:00"


def four_departments_in_six_windows(hours: list[str]):
    """Four departments of half an erlang each (3 an hour, 10 minutes), a hall of 6
    windows, each department at its own windows with a mean wait of a minute."""
    depts = ("市场", "税务", "人社", "公安")
    cats = {f"{d}业务": {"department": d, "arrivals_per_hour": 3,
                       "service": {"dist": "exponential", "mean": 10}} for d in depts}
    spec = spec_from_dict({"structure": "dedicated", "period_minutes": 60,
                           "categories": {c: {"mean_wait_minutes": 1.0} for c in cats}},
                          "spec")
    return build_problem(hall(cats, hours, count=6), spec)


#: the dedicated window types of the four departments (no group of the hall serves
#: exactly one department's items, so the types go by their ids)
DEPARTMENT_TYPES = ("DED-市场", "DED-税务", "DED-人社", "DED-公安")


def test_desks_too_few_for_dedicated_windows_say_how_many_the_structure_needs():
    """Four departments of half an erlang each fit in the hall's 6 windows if pooled, but
    a planner who keeps each department at its own windows needs two each for a mean wait
    of a minute: the refusal says the structure needs 8 windows then, not only that the
    6 desks cannot carry 2 erlangs (which reads as nonsense)."""
    per_department = windows_needed(0.5, 10.0, Target("mean", 1.0))
    assert per_department == 2  # M/M/1 waits 10 min at half load; M/M/2 about 0.67
    sol = solve(four_departments_in_six_windows(["09:00-10:00"]))
    assert sol.status == "infeasible"
    assert "the 6 desks cannot carry the load of" in sol.diagnosis
    assert "(2.00 erlangs)" in sol.diagnosis
    # and which types need them: two windows for each department
    assert sol.diagnosis.endswith(f"these window types need about {4 * per_department} windows "
                                  "then (the simulation may certify a few fewer): "
                                  + ", ".join(f"{t} 2" for t in DEPARTMENT_TYPES))
    from sim.report.i18n import set_language
    from sim.report.messages import problem_text

    try:
        set_language("zh")
        said = problem_text(sol.diagnosis)
    finally:
        set_language("en")
    assert said.endswith("按这种窗口分工，模型估算该时段约需 8 个窗口（经仿真验证可能略少）："
                         + "、".join(f"{t} 2" for t in DEPARTMENT_TYPES))


def test_a_refusal_names_the_items_once_when_the_next_periods_have_the_same():
    """The same four departments over a two-hour morning: the refusal names the items for
    the first hour and says "likewise" for the second, instead of the whole list twice
    (a hall of 18 items made a refusal of six screens' lines)."""
    sol = solve(four_departments_in_six_windows(["09:00-11:00"]))
    assert sol.status == "infeasible"
    first, second = sol.diagnosis.split("; period ")
    assert first.startswith("period 09:00: the 6 desks cannot carry the load of 市场业务")
    assert second == "10:00: likewise (2.00 erlangs, about 8 windows)"
    assert sol.diagnosis.count("税务业务") == 1
    from sim.report.i18n import set_language
    from sim.report.messages import problem_text

    try:
        set_language("zh")
        said = problem_text(f"no staffing plan meets the service level: {sol.diagnosis}")
    finally:
        set_language("en")
    assert "市场业务" in said and "约需 8 个窗口（经仿真验证可能略少）" in said
    assert said.endswith("时段 10:00：同上（2.00 个窗口的满负荷工作量，约需 8 个窗口）")


def test_an_exported_refusal_carries_its_reason_not_only_its_status():
    """The export of a plan the optimiser could not find said 无可行解 and nothing more: the
    planner who opens the spreadsheet tomorrow needs the reason beside it."""
    from sim.report.i18n import set_language
    from sim.report.plan_tables import plan_blocks

    problem = four_departments_in_six_windows(["09:00-10:00"])
    doc = plan_document(problem, solve(problem))
    try:
        set_language("zh")
        blocks = plan_blocks(doc)
    finally:
        set_language("en")
    assert blocks["headline"][2][0][0] == "无可行解"
    title, heads, rows = blocks["reason"]
    assert (title, heads) == ("为何没有排班方案", ["原因"])
    # worded as the command line and the page say it (a list of several periods alone
    # matched no message, and stayed in English)
    assert rows[0][0].startswith("没有能达到服务水平的排班方案：时段 09:00：现有 6 个窗口在目标"
                                 "服务水平下承担不了")
