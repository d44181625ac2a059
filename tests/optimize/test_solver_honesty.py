"""Stories about an honest solver: a time limit is not infeasibility, the time is
shared fairly between period blocks, the plan says how good it is (bound and gap),
and HiGHS keeps its banner off stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pulp
import pytest
import yaml

import optimize.solve as solve_module
from optimize.problem import build_problem
from optimize.solve import identical_periods, solve
from optimize.spec import spec_from_dict
from sim.cli.main import main
from sim.scenario.model import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]

HALL = {
    "name": "三个部门",
    "hall": {"open": ["08:00-10:00"], "days": 1},
    "categories": {
        "税务登记": {"department": "税务", "arrivals_per_hour": {"08:00": 20, "09:00": 35},
                 "service": {"dist": "exponential", "mean": 8}},
        "社保": {"department": "人社", "arrivals_per_hour": 12,
               "service": {"dist": "exponential", "mean": 12}},
        "营业执照": {"department": "市场", "arrivals_per_hour": 9,
                 "service": {"dist": "exponential", "mean": 15}},
    },
    "windows": [{"id": "窗口", "count": 40, "serves": ["*"]}],
}


def problem(**spec):
    return build_problem(scenario_from_dict(HALL, "hall.yaml"),
                         spec_from_dict({"period_minutes": 30, **spec}, "spec"))


def problem_of_four_distinct_periods(**spec):
    """The hall with 社保 arrivals changing every half hour: four different MILPs."""
    hall = {**HALL, "categories": {**HALL["categories"], "社保": {
        **HALL["categories"]["社保"],
        "arrivals_per_hour": {"08:00": 12, "08:30": 14, "09:00": 10, "09:30": 16}}}}
    return build_problem(scenario_from_dict(hall, "hall.yaml"),
                         spec_from_dict({"period_minutes": 30, **spec}, "spec"))


class Clock:
    """A fake ``time.perf_counter`` that moves only when a fake solver runs."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class StuckSolver(pulp.LpSolver):
    """Runs to its time limit and finds nothing (as HiGHS did on a hard hall)."""

    def __init__(self, clock: Clock, limits: list[float], mip: bool = True,
                 time_limit: float | None = None):
        super().__init__(mip=mip, msg=False, timeLimit=time_limit)
        self.clock, self.limits = clock, limits
        self.log_file = "/nonexistent"
        self.dual_bound = None

    def actualSolve(self, lp, **kwargs):  # noqa: N802
        self.limits.append((self.mip, self.timeLimit))
        self.clock.now += self.timeLimit or 0.0
        lp.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
        return pulp.LpStatusNotSolved


class SlowSolver(StuckSolver):
    """Runs to its time limit and returns a plan it has not proven optimal."""

    def actualSolve(self, lp, **kwargs):  # noqa: N802
        self.limits.append((self.mip, self.timeLimit))
        self.clock.now += self.timeLimit or 0.0
        lp.assignStatus(pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible)
        return pulp.LpStatusOptimal


def patch_solver(monkeypatch, kind: type[StuckSolver]) -> tuple[Clock, list]:
    clock, limits = Clock(), []
    monkeypatch.setattr(solve_module.time, "perf_counter", clock)
    monkeypatch.setattr(solve_module, "_cbc_bound", lambda path: None)
    monkeypatch.setattr(solve_module, "make_solver",
                        lambda name, limit, gap, warm_start=False, mip=True:
                        kind(clock, limits, mip, limit))
    return clock, limits


def test_a_time_limit_without_any_plan_is_time_limit_not_infeasible(monkeypatch):
    patch_solver(monkeypatch, StuckSolver)

    def no_diagnosis(*args, **kwargs):
        raise AssertionError("diagnose must not re-solve a problem that merely timed out")

    monkeypatch.setattr(solve_module, "diagnose", no_diagnosis)
    monkeypatch.setattr(solve_module, "period_start", lambda *a: None)
    sol = solve(problem(solver={"time_limit": 12}))
    assert sol.status == "time_limit"
    assert sol.cost is None
    assert "time limit" in sol.diagnosis and "feasibility is not known" in sol.diagnosis


def test_the_cli_exits_4_with_a_time_limit_message(monkeypatch, tmp_path, capsys):
    patch_solver(monkeypatch, StuckSolver)
    monkeypatch.setattr(solve_module, "period_start", lambda *a: None)
    scen = tmp_path / "hall.yaml"
    scen.write_text(yaml.safe_dump(HALL, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "PLAN.json"
    code = main(["optimize", str(scen), "--time-limit", "5", "--json", str(out)])
    err = capsys.readouterr().err
    assert code == 4
    assert "time limit" in err and "infeasible" not in err
    assert json.loads(out.read_text())["status"] == "time_limit"


def test_the_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["optimize", "--help"])
    text = capsys.readouterr().out
    assert "3  status not_certified" in text and "4  status time_limit" in text


def test_each_period_block_gets_its_share_of_what_remains(monkeypatch):
    _, limits = patch_solver(monkeypatch, SlowSolver)
    monkeypatch.setattr(solve_module, "period_start", lambda *a: None)
    total = 40.0
    p = problem_of_four_distinct_periods(solver={"time_limit": total})
    sol = solve(p)
    blocks = len(p.periods)
    assert blocks == 4
    # each block's LP relaxation and MILP run within that block's share
    per_block = [sum(lim for _mip, lim in limits[2 * b:2 * b + 2]) for b in range(blocks)]
    assert sum(per_block) <= total + 1e-6
    assert max(per_block) <= total / blocks + 1e-6
    assert min(per_block) >= total / blocks - 1e-6
    assert sol.cost is not None  # every block returned a plan


def test_the_plan_reports_the_lp_bound_the_bound_and_the_gap():
    p = problem(structure="auto", solver={"gap": 0.0})
    sol = solve(p)
    assert sol.status == "optimal"
    assert sol.lp_bound is not None and sol.bound is not None
    assert sol.lp_bound <= sol.bound + 1e-6 <= sol.cost + 2e-6
    assert sol.gap == pytest.approx(0.0, abs=1e-6)
    from optimize.plan import plan_document
    from sim.report.staffing_plan import plan_table

    doc = plan_document(p, sol)
    assert doc["gap"] == pytest.approx(0.0, abs=1e-6) and doc["lp_bound"] <= doc["cost"]
    assert "lower bound" in plan_table(doc)


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_a_solve_prints_nothing_on_stdout(solver):
    pytest.importorskip("highspy")
    code = (
        "import yaml\n"
        "from optimize.problem import build_problem\n"
        "from optimize.solve import solve\n"
        "from optimize.spec import spec_from_dict\n"
        "from sim.scenario.model import scenario_from_dict\n"
        f"hall = yaml.safe_load({yaml.safe_dump(HALL, allow_unicode=True)!r})\n"
        "p = build_problem(scenario_from_dict(hall, 'h'), "
        f"spec_from_dict({{'solver': {{'name': {solver!r}}}}}, 's'))\n"
        "assert solve(p).status == 'optimal'\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""


class HardPeriodSolver(StuckSolver):
    """Solves the LP relaxation at once and every period's MILP in one second, except
    the 08:00 period's, which needs ``hard_seconds`` of solver time to find a plan."""

    hard_seconds = 15.0

    def actualSolve(self, lp, **kwargs):  # noqa: N802
        self.limits.append((self.mip, self.timeLimit))
        hard = any(v.name.endswith("_0800") for v in lp.variables())
        if self.mip and hard and (self.timeLimit or 0.0) < self.hard_seconds:
            self.clock.now += self.timeLimit or 0.0
            lp.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
            return pulp.LpStatusNotSolved
        self.clock.now += 1.0 if self.mip else 0.1
        lp.assignStatus(pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible)
        return pulp.LpStatusOptimal


def test_a_period_that_misses_its_share_is_retried_with_the_time_left(monkeypatch):
    clock, limits = patch_solver(monkeypatch, HardPeriodSolver)
    monkeypatch.setattr(solve_module, "period_start", lambda *a: None)
    sol = solve(problem_of_four_distinct_periods(solver={"time_limit": 40}))
    # 08:00 had 10 s (a quarter of 40) and found nothing; the three other periods
    # took 1.1 s each, so the retry had the remaining 26.7 s and found a plan
    milp_limits = [lim for mip, lim in limits if mip]
    assert milp_limits[0] < 10 and milp_limits[-1] > 25
    assert sol.cost is not None and sol.status != "time_limit"
    assert clock.now <= 40 + 1e-6


def test_a_period_still_without_a_plan_says_what_each_attempt_had(monkeypatch):
    monkeypatch.setattr(HardPeriodSolver, "hard_seconds", 100.0)
    clock, _ = patch_solver(monkeypatch, HardPeriodSolver)
    monkeypatch.setattr(solve_module, "period_start", lambda *a: None)
    sol = solve(problem_of_four_distinct_periods(solver={"time_limit": 40}))
    assert sol.status == "time_limit"
    assert "08:00 (10.0 s, then 26.7 s on retry)" in sol.diagnosis
    assert "3 of 4 periods have a plan" in sol.diagnosis
    assert clock.now == pytest.approx(40.0)


def test_a_limit_too_short_for_any_solver_call_keeps_the_erlang_plans(monkeypatch):
    _, limits = patch_solver(monkeypatch, SlowSolver)
    p = problem_of_four_distinct_periods(solver={"time_limit": 0.04})
    sol = solve(p)
    assert limits == []  # no solver was started: each share was under MIN_SOLVER_SECONDS
    assert sol.status == "feasible" and sol.bound is None
    assert "left no solver time for periods 08:00, 08:30, 09:00, 09:30" in sol.diagnosis
    # each period has the windows its Erlang-sized plan opens
    erlang = solve(p, time_limit=60)  # the real solver, for comparison: never cheaper
    assert sol.cost >= erlang.cost - 1e-9


def test_periods_with_the_same_load_are_solved_once_and_share_the_plan(monkeypatch):
    # 08:00 and 08:30 carry the same loads, and so do 09:00 and 09:30: two MILPs
    p = problem(structure="dedicated")
    assert identical_periods(p, []) == {0: (1,), 2: (3,)}
    once = solve(p)
    monkeypatch.setattr(solve_module, "identical_periods",
                        lambda problem, cuts: {q: () for q in range(len(problem.periods))})
    each = solve(p)
    assert once.cost == pytest.approx(each.cost) and once.open == each.open
    assert once.stats["variables"] * 2 == each.stats["variables"]
