"""Stories about inputs beyond the documented limits (docs/scenario-format.md, "Limits"),
and about files that look odd but are valid.

The fuzz corpus (tests/fuzz, run by tests/cli/test_fuzz_corpus.py) replays each bad
file through ``hallsim validate``; here the cases reported in the field also go
through ``hallsim run``, which must refuse them just as early.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.cli.main import main
from sim.files.errors import InputError
from sim.files.limits import MAX_DAYS, MAX_WINDOWS_PER_GROUP
from sim.files.yaml_reader import read_yaml
from sim.scenario.model import load_scenario, scenario_from_dict

CORPUS = Path(__file__).resolve().parents[1] / "fuzz"

REPORTED = ["count_huge", "days_huge", "serves_nested_5000", "service_mean_1e308", "rate_nan",
            "patience_inf", "day_factor_huge"]


@pytest.mark.parametrize("name", REPORTED)
def test_run_refuses_the_reported_bad_files_before_any_work(name, capsys):
    folder = CORPUS / f"scenario_{name}"
    case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    path = folder / "hall.yaml"
    code = main(["run", str(path), "-r", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert str(path) in err and case["field"] in err and "Traceback" not in err


def small_hall(**hall) -> dict:
    return {"name": "小厅", "hall": {"open": ["08:30-12:00"], "days": 1, **hall},
            "categories": {"企业开办": {"arrivals_per_hour": 6,
                                      "service": {"dist": "exponential", "mean": 8}}},
            "windows": [{"id": "窗口A", "count": 2, "serves": ["企业开办"]}]}


def test_nan_and_infinity_are_named_as_such(tmp_path):
    path = tmp_path / "hall.yaml"
    text = yaml.safe_dump(small_hall(), allow_unicode=True)
    for written, words in ((".nan", "NaN is not allowed"), (".inf", "infinity is not allowed"),
                           ("-.inf", "infinity is not allowed"), ("1e400", "infinity")):
        path.write_text(text.replace("arrivals_per_hour: 6", f"arrivals_per_hour: {written}"),
                        encoding="utf-8")
        with pytest.raises(InputError) as err:
            load_scenario(path)
        assert err.value.path == "categories.企业开办.arrivals_per_hour"
        assert words in err.value.problem
        assert "unable to parse" not in str(err.value)


def test_a_huge_day_factor_is_blamed_on_that_factor_not_on_the_days():
    with pytest.raises(InputError) as err:
        scenario_from_dict(small_hall(day_factors=[1.0, 0.8, 1e300]), "hall.yaml")
    assert err.value.path == "hall.day_factors.2"


def test_the_limits_themselves_are_allowed():
    data = small_hall(days=MAX_DAYS)
    data["windows"][0]["count"] = MAX_WINDOWS_PER_GROUP
    scenario = scenario_from_dict(data)
    assert scenario.hall.days == MAX_DAYS
    with pytest.raises(InputError) as err:
        scenario_from_dict(small_hall(days=MAX_DAYS + 1))
    assert err.value.path == "hall.days"


def test_nesting_beyond_the_limit_names_the_field_instead_of_overflowing_the_stack(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("windows:\n  - serves: " + "[" * 100_000 + "]" * 100_000 + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml(path)
    assert err.value.path.startswith("windows.0.serves.0.0")
    assert "nested more than" in err.value.problem


def test_days_beyond_the_limit_on_the_command_line_blame_the_option():
    scenario = scenario_from_dict(small_hall())
    with pytest.raises(InputError) as err:
        scenario.with_days(MAX_DAYS + 1)
    assert err.value.path == "--days"


def test_a_gbk_encoded_scenario_with_chinese_names_is_valid(tmp_path, capsys):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(yaml.safe_dump(small_hall(), allow_unicode=True).encode("gbk"))
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err
    assert load_scenario(path).windows[0].id == "窗口A"


def test_a_utf8_file_with_a_byte_order_mark_is_valid(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_text(yaml.safe_dump(small_hall(), allow_unicode=True), encoding="utf-8-sig")
    assert list(load_scenario(path).categories) == ["企业开办"]


def test_targets_short_abandon_minutes_defaults_to_zero_and_reads_back():
    assert scenario_from_dict(small_hall()).targets.short_abandon_minutes == 0.0
    data = small_hall() | {"targets": {"wait_minutes": 15, "short_abandon_minutes": 2}}
    scenario = scenario_from_dict(data)
    assert scenario.targets.short_abandon_minutes == 2.0
    assert scenario_from_dict(scenario.to_dict()) == scenario
