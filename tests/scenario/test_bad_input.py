"""Stories about bad input: every mistake a planner can make in a scenario file or on
the command line ends with exit code 2 and one clear paragraph on stderr naming the
file, the field path and what is wrong -- never a Python traceback -- and nothing is
ever left half-written.

The contract is in docs/cli.md (exit codes and error messages).
"""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.cli.main import main

# A small, valid hall: two categories, one window group serving both.
GOOD: dict[str, Any] = {
    "name": "small-hall",
    "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": 1},
    "categories": {
        "tax": {
            "department": "finance",
            "zone": "business",
            "arrivals_per_hour": 6,
            "service": {"dist": "exponential", "mean": 8},
        },
        "permits": {
            "arrivals_per_hour": 4,
            "service": {"dist": "deterministic", "value": 5},
        },
    },
    "windows": [{"id": "A", "count": 2, "serves": ["tax", "permits"]}],
}


def scenario(**top: Any) -> dict[str, Any]:
    """A deep copy of the good scenario, with top-level fields replaced."""
    data = copy.deepcopy(GOOD)
    data.update(copy.deepcopy(top))
    return data


def write(tmp_path: Path, data: Any, name: str = "hall.yaml") -> Path:
    """Write a scenario (a dict/list as YAML, or raw text) and return its path."""
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], path: Path | str, *extra: str) -> tuple[int, str]:
    """``hallsim run PATH -r 1 --quiet [extra]`` in-process: (exit code, stderr)."""
    code = main(["run", str(path), "-r", "1", "--quiet", *extra])
    return code, capsys.readouterr().err


def hallsim(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``hallsim`` command, as a user would run it."""
    env = {k: v for k, v in os.environ.items() if k != "HALLSIM_DEBUG"}
    return subprocess.run(["hallsim", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def assert_bad_input(code: int, err: str, path: Path | str, field: str | None,
                     *words: str) -> None:
    """Exit 2; stderr names the file, the field path and the problem; no traceback."""
    assert code == 2, err
    assert "Traceback" not in err
    assert str(path) in err, f"file name missing from: {err!r}"
    if field is not None:
        assert f"field '{field}'" in err, f"field path {field!r} missing from: {err!r}"
    for word in words:
        assert word.lower() in err.lower(), f"{word!r} missing from: {err!r}"
    message = err.strip()
    assert message.startswith("hallsim: error:")
    assert "\n" not in message, f"not one paragraph: {err!r}"


def fails(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: Any, field: str | None,
          *words: str) -> str:
    """Write ``data``, run it, and check it is refused as bad input; return stderr."""
    path = write(tmp_path, data)
    code, err = run(capsys, path)
    assert_bad_input(code, err, path, field, *words)
    return err


def with_window(**changes: Any) -> dict[str, Any]:
    data = scenario()
    data["windows"][0].update(changes)
    return data


def with_tax(**changes: Any) -> dict[str, Any]:
    data = scenario()
    data["categories"]["tax"].update(changes)
    return data


def with_hall(**changes: Any) -> dict[str, Any]:
    data = scenario()
    data["hall"].update(changes)
    return data


# ------------------------------------------------------------------ the good file works


def test_the_good_scenario_used_below_runs_cleanly(tmp_path, capsys):
    code, err = run(capsys, write(tmp_path, scenario()))
    assert code == 0, err
    assert err == ""


# ------------------------------------------------------------------ wrong types


def test_a_window_count_written_in_words_is_refused(tmp_path, capsys):
    err = fails(tmp_path, capsys, with_window(count="two"), "windows.A.count", "integer")
    # the one group is bad, but the file still has one: no "windows is empty" noise
    assert "at least 1 item" not in err


def test_an_arrival_rate_of_many_is_refused(tmp_path, capsys):
    err = fails(tmp_path, capsys, with_tax(arrivals_per_hour="many"),
                "categories.tax.arrivals_per_hour", "number")
    assert "constrained-float" not in err  # pydantic's union tags are not user fields


# ------------------------------------------------------------------ distributions


def test_a_negative_mean_service_time_is_refused(tmp_path, capsys):
    fails(tmp_path, capsys, with_tax(service={"dist": "exponential", "mean": -3}),
          "categories.tax.service.mean", "greater than 0")


def test_a_zero_mean_service_time_is_refused(tmp_path, capsys):
    fails(tmp_path, capsys, with_tax(service={"dist": "lognormal", "mean": 0, "cv": 0.5}),
          "categories.tax.service.mean", "greater than 0")


def test_a_weibull_service_time_is_refused_and_the_known_ones_are_listed(tmp_path, capsys):
    fails(tmp_path, capsys, with_tax(service={"dist": "weibull", "mean": 8}),
          "categories.tax.service", "unknown distribution", "weibull", "exponential")


def test_a_service_time_without_dist_says_which_distributions_exist(tmp_path, capsys):
    fails(tmp_path, capsys, with_tax(service={"mean": 8}),
          "categories.tax.service", "dist", "exponential")


# ------------------------------------------------------------------ references in serves


def test_a_misspelt_category_in_serves_is_refused(tmp_path, capsys):
    fails(tmp_path, capsys, with_window(serves=["tax", "permit"]),
          "windows.A.serves[1]", "unknown category", "permit")


def test_an_unknown_department_in_serves_is_refused(tmp_path, capsys):
    fails(tmp_path, capsys, with_window(serves=["tax", "permits", "department:health"]),
          "windows.A.serves[2]", "unknown department", "health")


def test_an_unknown_zone_in_serves_is_refused(tmp_path, capsys):
    fails(tmp_path, capsys, with_window(serves=["permits", "zone:social"]),
          "windows.A.serves[1]", "unknown zone", "social")


def test_a_category_that_no_window_serves_is_refused(tmp_path, capsys):
    fails(tmp_path, capsys, with_window(serves=["tax"]),
          "categories.permits", "no window serves")


# ------------------------------------------------------------------ windows


def test_a_window_group_of_zero_windows_is_refused(tmp_path, capsys):
    err = fails(tmp_path, capsys, with_window(count=0), "windows.A.count",
                "greater than or equal to 1")
    assert "at least 1 item" not in err


def test_a_schedule_staffing_more_windows_than_the_group_has_is_refused(tmp_path, capsys):
    fails(tmp_path, capsys, with_window(schedule={"08:30": 2, "10:00": 3}),
          "windows.A.schedule.10:00", "3 windows", "count 2")


# ------------------------------------------------------------------ opening hours


def test_a_malformed_opening_period_is_refused(tmp_path, capsys):
    fails(tmp_path, capsys, with_hall(open=["8:30to12", "13:30-17:00"]),
          "hall.open", "8:30to12", "opening period")


def test_overlapping_opening_periods_are_refused(tmp_path, capsys):
    fails(tmp_path, capsys, with_hall(open=["08:30-12:00", "11:30-17:00"]),
          "hall.open", "overlaps")


def test_an_arrival_profile_during_the_lunch_closure_is_refused(tmp_path, capsys):
    profile = {"08:30": 6, "12:30": 3}
    fails(tmp_path, capsys, with_tax(arrivals_per_hour=profile),
          "categories.tax.arrivals_per_hour.12:30", "outside the opening hours")


def test_warmup_as_long_as_the_run_is_refused(tmp_path, capsys):
    fails(tmp_path, capsys, with_hall(days=2, warmup_days=2), "hall.warmup_days", "below")


# ------------------------------------------------------------------ the file itself


def test_a_scenario_without_a_name_is_refused(tmp_path, capsys):
    data = scenario()
    del data["name"]
    fails(tmp_path, capsys, data, "name", "missing")


def test_a_typo_in_a_top_level_field_is_refused(tmp_path, capsys):
    data = scenario()
    data["windowz"] = data.pop("windows")
    err = fails(tmp_path, capsys, data, "windowz", "unknown field")
    assert "field 'windows'" in err  # ...and the real field is then missing


def test_invalid_yaml_is_refused_with_its_line(tmp_path, capsys):
    text = 'name: broken\nhall: {open: ["08:30-12:00", days: 1}\n'
    fails(tmp_path, capsys, text, None, "invalid YAML", "line")


def test_a_yaml_list_instead_of_a_mapping_is_refused(tmp_path, capsys):
    fails(tmp_path, capsys, [scenario()], None, "mapping")


def test_a_missing_file_is_refused(tmp_path, capsys):
    path = tmp_path / "no-such-hall.yaml"
    code, err = run(capsys, path)
    assert_bad_input(code, err, path, None, "not found")


# ------------------------------------------------------------------ command-line options


def test_records_to_a_text_file_are_refused_before_simulating(tmp_path, capsys):
    out = tmp_path / "out.txt"
    code, err = run(capsys, write(tmp_path, scenario()), "--records", str(out))
    assert_bad_input(code, err, out, None, ".csv", ".parquet")
    assert not out.exists()


def test_zero_replications_is_a_usage_error_with_exit_code_2(tmp_path):
    proc = hallsim("run", str(write(tmp_path, scenario())), "--replications", "0")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "--replications" in proc.stderr and "at least 1" in proc.stderr


# ------------------------------------------------------------------ the real command


@pytest.mark.parametrize(
    ("story", "data", "words"),
    [
        ("unbalanced-bracket", 'name: x\nhall: {open: ["08:30-12:00"\n', ["invalid YAML"]),
        ("unknown-zone", with_window(serves=["permits", "zone:social"]),
         ["windows.A.serves[1]", "unknown zone"]),
        ("negative-mean", with_tax(service={"dist": "exponential", "mean": -1}),
         ["categories.tax.service.mean", "greater than 0"]),
    ],
)
def test_the_installed_command_exits_2_without_a_traceback(tmp_path, story, data, words):
    path = write(tmp_path, data, f"{story}.yaml")
    proc = hallsim("run", str(path), "-r", "1", "--quiet")
    assert_bad_input(proc.returncode, proc.stderr, path, None, *words)
    assert proc.stdout == ""


def test_the_installed_command_reports_a_missing_file_without_a_traceback(tmp_path):
    path = tmp_path / "nowhere" / "hall.yaml"
    proc = hallsim("run", str(path), "-r", "1", "--quiet")
    assert_bad_input(proc.returncode, proc.stderr, path, None, "not found")


# ------------------------------------------------------------------ overload warning


def test_a_hall_overloaded_from_ten_to_eleven_runs_but_warns_about_that_hour(tmp_path, capsys):
    data = scenario()
    # 30 tax tickets an hour x 8 min = 4 erlangs against 2 windows, 10:00-11:00 only
    data["categories"]["tax"]["arrivals_per_hour"] = {"08:30": 6, "10:00": 30, "11:00": 6}
    data["windows"] = [{"id": "A", "count": 2, "serves": ["tax"]},
                       {"id": "B", "count": 1, "serves": ["permits"]}]
    path = write(tmp_path, data)
    code, err = run(capsys, path)
    assert code == 0, err
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert len(warnings) == 1, err
    assert str(path) in warnings[0]
    assert "10:00" in warnings[0] and "11:00" in warnings[0]
    assert "tax" in warnings[0]
    assert "permits" not in warnings[0]
    assert "08:30" not in warnings[0] and "13:30" not in warnings[0]
