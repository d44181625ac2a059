"""Stories about the warm-up of a hall that never closes.

A researcher checks hallsim against Erlang C with a hall open round the clock: the run
starts empty, and near full load the queue takes days to forget it. A warm-up too short
for that is said, with the relaxation time (Morse 1955) and the warm-up that would do; a
hall that closes every day (its queue starts empty each morning, as the real one) and a
hotline whose queue empties every night are left alone. ``--days`` that leaves no room
for the file's warm-up says so instead of cutting it silently."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.run.replications import simulate
from sim.scenario.model import load_scenario, scenario_from_dict
from sim.stats.metrics import warnings_for
from sim.stats.warmup import (
    RELAXATION_FULL_WARNING,
    RELAXATION_WARNING,
    relaxation,
    start_bias,
    warmup_parts,
)

ROOT = Path(__file__).resolve().parents[2]


def mmc(rho: float, c: int = 5, days: int = 10, warmup: int = 1,
        open_: str = "00:00-24:00") -> dict:
    """An M/M/c hall of 10-minute services at load ``rho``."""
    return {"name": "M/M/c", "hall": {"open": [open_], "days": days, "warmup_days": warmup},
            "categories": {"户籍": {"arrivals_per_hour": rho * c * 6,
                                  "service": {"dist": "exponential", "mean": 10}}},
            "windows": [{"id": "综合窗口", "count": c, "serves": ["*"]}]}


def test_the_relaxation_time_is_morses_with_the_windows_as_one_fast_server() -> None:
    found = relaxation(scenario_from_dict(mmc(0.95)))
    assert found is not None
    assert found.load == pytest.approx(0.95) and found.windows == pytest.approx(5)
    assert found.minutes == pytest.approx(10 / (5 * (1 - math.sqrt(0.95)) ** 2))  # 52 h


def test_a_one_day_warm_up_at_95_percent_load_is_said_with_the_warm_up_that_would_do() -> None:
    scenario = scenario_from_dict(mmc(0.95))
    [(template, values)] = warmup_parts(scenario)
    assert template == RELAXATION_WARNING
    assert values["hours"] == "52.0" and values["warm"] == "1" and values["measured"] == "9"
    # (52 h / 9 days) exp(-1 day / 52 h) = 15 %; 7 days bring it under 1 %
    assert values["bias"] == "15%" and values["need"] == "7"
    tau = relaxation(scenario).minutes  # type: ignore[union-attr]
    assert start_bias(tau, 7 * 1440, 9 * 1440) <= 0.01 < start_bias(tau, 6 * 1440, 9 * 1440)
    assert warmup_parts(scenario_from_dict(mmc(0.95, days=16, warmup=7))) == []


def test_at_85_percent_one_day_is_plenty_and_nothing_is_said() -> None:
    assert warmup_parts(scenario_from_dict(mmc(0.85))) == []


def test_a_hall_that_closes_every_day_starts_empty_as_the_real_one_and_needs_no_warm_up(
        ) -> None:
    closing = scenario_from_dict(mmc(0.95, warmup=0, open_="08:30-17:00"))
    assert relaxation(closing) is None and warmup_parts(closing) == []


def test_a_hotline_whose_queue_empties_every_night_needs_no_warm_up() -> None:
    hotline = load_scenario(ROOT / "scenarios/tianjin_hotline/average_day.yaml")
    assert hotline.hall.warmup_days == 0 and warmup_parts(hotline) == []


def test_the_warning_comes_with_the_results_of_a_run() -> None:
    scenario = scenario_from_dict(mmc(0.95, days=2))
    doc = simulate(scenario, seed=1, replications=2).document()
    assert any("relaxation time" in w for w in warnings_for(scenario, doc))


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "户籍.yaml"
    path.write_text(yaml.safe_dump(mmc(0.95), allow_unicode=True), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "sim.cli.main", *args[:-1], "run",
                           str(path), "-r", "2", "-q", *args[-1:]],
                          cwd=ROOT, capture_output=True, text=True, check=True)


def test_days_that_leave_no_room_for_the_warm_up_say_so(tmp_path: Path) -> None:
    said = _run(tmp_path, "--lang", "zh", "--days=1").stderr
    cut = ("每次重复 1 天只容得下 0 天预热，而不是 hall.warmup_days 的 1 天"
           "（每次重复至少要统计 1 天）")
    assert cut in said
    assert "松弛时间" in said and "50%+" in said  # one measured day, nothing warmed up
    kept = _run(tmp_path, "--lang", "en", "--days=12").stderr
    assert "per replication" not in kept and "warm-up of 1 day(s), 11 measured day(s)" in kept


def test_windows_twice_as_slow_on_an_item_relax_as_slowly_as_twice_the_service() -> None:
    """The same queue written two ways: 20-minute services, or 10-minute ones on windows
    with ``speed: 2``. The relaxation time (104 hours) and the warm-up asked for are the
    same; the speed factor was left out of the service, halving both."""
    plain = scenario_from_dict(mmc(0.95) | {"categories": {"户籍": {
        "arrivals_per_hour": 0.95 * 5 * 3, "service": {"dist": "exponential", "mean": 20}}}})
    slowed = scenario_from_dict(mmc(0.95) | {
        "categories": {"户籍": {"arrivals_per_hour": 0.95 * 5 * 3,
                              "service": {"dist": "exponential", "mean": 10}}},
        "windows": [{"id": "综合窗口", "count": 5, "serves": ["*"], "speed": {"户籍": 2}}]})
    a, b = relaxation(plain), relaxation(slowed)
    assert a is not None and b is not None
    assert b.load == pytest.approx(a.load) and b.minutes == pytest.approx(a.minutes)
    assert a.minutes / 60 == pytest.approx(104.0, abs=0.1)
    assert warmup_parts(plain) == warmup_parts(slowed)


def test_a_week_with_quiet_weekends_relaxes_at_its_average_load() -> None:
    """Weekdays at 95 %, weekends at a fifth of that: the queue carried over the week
    relaxes at the week's average load (73 %), not the busiest day's."""
    week = scenario_from_dict(mmc(0.95, days=14, warmup=1) | {"hall": {
        "open": ["00:00-24:00"], "days": 14, "warmup_days": 1,
        "day_factors": [1, 1, 1, 1, 1, 0.2, 0.2]}})
    found = relaxation(week)
    assert found is not None and found.load == pytest.approx(0.95 * 5.4 / 7)


def test_so_near_full_that_no_warm_up_would_do_it_says_so_instead_of_asking_for_years(
        ) -> None:
    """At 99.9 % the warning asked for warmup_days 69599 (the limit is 3,660) and called
    the load 100 %. It now says the load as 99.9 % and that no run within the limit can
    warm it up."""
    [(template, values)] = warmup_parts(scenario_from_dict(mmc(0.999)))
    assert template == RELAXATION_FULL_WARNING
    assert values["load"] == "99.9%" and values["limit"] == "3,660"
    assert "need" not in values
    [(_, closer)] = warmup_parts(scenario_from_dict(mmc(0.99999)))
    assert closer["load"] == "99.999%"
