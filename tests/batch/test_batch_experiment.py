"""Stories about experiment files: how factors, transforms and designs expand into design
points, and how a bad file stops with exit code 2 naming the field and the design point."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.batch.experiment import apply_factors, load_experiment, set_path
from sim.cli.main import main
from sim.files.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = str(ROOT / "scenarios" / "quickstart.yaml")
AFTER = str(ROOT / "scenarios" / "xinglongtai" / "after.yaml")


def write_exp(tmp_path: Path, **fields: Any) -> Path:
    """An experiment file on quickstart (1 day, 2 replications) with fields replaced."""
    data: dict[str, Any] = {"name": "t", "scenarios": [QUICKSTART], "days": 1,
                            "factors": {"windows.B.count": [3, 4]}, "replications": 2}
    data.update(fields)
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def batch_error(capsys: pytest.CaptureFixture[str], path: Path, tmp_path: Path) -> str:
    code = main(["batch", "run", str(path), "--store", str(tmp_path / "s.sqlite"), "-q",
                 "--inline"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert not (tmp_path / "s.sqlite").exists(), "nothing is written for a bad experiment"
    return err


def test_factorial_points_cross_every_level_on_every_base_scenario(tmp_path: Path) -> None:
    exp = load_experiment(write_exp(tmp_path, scenarios={"q": QUICKSTART, "x": AFTER},
                                    factors={"arrival_scale": [1.0, 1.2],
                                             "targets.wait_minutes": [10, 20, 30]}))
    assert len(exp.points) == 2 * 2 * 3 and exp.runs == 24
    assert [p.base for p in exp.points] == ["q"] * 6 + ["x"] * 6
    assert exp.points[5].factors == {"arrival_scale": 1.2, "targets.wait_minutes": 30}
    assert exp.points[5].scenario.targets.wait_minutes == 30
    tax = exp.points[5].scenario.categories["tax"].arrivals_per_hour
    assert tax["09:30"] == pytest.approx(18 * 1.2)
    assert all(p.scenario.hall.days == 1 for p in exp.points)


def test_speed_all_cross_multiplies_only_non_primary_categories(tmp_path: Path) -> None:
    exp = load_experiment(write_exp(tmp_path, factors={"speed_all_cross": [1.2]}))
    sc = exp.points[0].scenario
    # C serves [tax, social_insurance]; primary = tax; social_insurance was already 1.25
    assert sc.speed_factor("C", "tax") == 1.0
    assert sc.speed_factor("C", "social_insurance") == pytest.approx(1.25 * 1.2)
    # B serves zone:social and its primary is all of zone:social: nothing is cross
    assert sc.speed_factor("B", "social_insurance") == 1.0
    assert sc.group("B").speed is None


def test_paths_address_window_groups_by_id_and_dict_keys() -> None:
    data = {"windows": [{"id": "A.1", "count": 1}, {"id": "B", "count": 2}],
            "categories": {"tax": {"service": {"mean": 5}}}}
    set_path(data, "windows.A.1.count", 4)
    set_path(data, "categories.tax.service.mean", 7.5)
    assert data["windows"][0]["count"] == 4 and data["categories"]["tax"]["service"]["mean"] == 7.5
    with pytest.raises(KeyError, match="no 'Z' at windows"):
        set_path(data, "windows.Z.count", 1)
    new = apply_factors(data, {"windows.B.count": 5})
    assert new["windows"][1]["count"] == 5 and data["windows"][1]["count"] == 2


def test_latin_hypercube_is_seeded_and_stratified(tmp_path: Path) -> None:
    fields = {"factors": {"windows.B.count": {"low": 3, "high": 6, "integer": True},
                          "arrival_scale": {"low": 0.8, "high": 1.2}},
              "design": {"type": "lhs", "points": 8, "seed": 3}}
    a = load_experiment(write_exp(tmp_path, **fields))
    b = load_experiment(write_exp(tmp_path, **fields))
    assert [p.factors for p in a.points] == [p.factors for p in b.points]
    scales = sorted(p.factors["arrival_scale"] for p in a.points)
    # one point in each eighth of the range: the Latin hypercube property
    assert [int((s - 0.8) / 0.05) for s in scales] == list(range(8))
    assert {p.factors["windows.B.count"] for p in a.points} <= {3, 4, 5, 6}


def test_explicit_design(tmp_path: Path) -> None:
    exp = load_experiment(write_exp(tmp_path, factors={}, design={
        "type": "explicit",
        "points": [{"windows.B.count": 2, "arrival_scale": 1.0},
                   {"windows.B.count": 5, "arrival_scale": 1.3}]}))
    assert [p.factors for p in exp.points] == [{"windows.B.count": 2, "arrival_scale": 1.0},
                                               {"windows.B.count": 5, "arrival_scale": 1.3}]
    assert exp.points[1].scenario.group("B").count == 5


def test_bad_path_exits_2_naming_the_factor(capsys, tmp_path: Path) -> None:
    err = batch_error(capsys, write_exp(tmp_path, factors={"windows.Z.count": [1, 2]}),
                      tmp_path)
    assert "field 'factors.windows.Z.count'" in err and "no 'Z' at windows" in err
    assert "known: A, B, C" in err


def test_empty_factor_exits_2(capsys, tmp_path: Path) -> None:
    err = batch_error(capsys, write_exp(tmp_path, factors={"arrival_scale": []}), tmp_path)
    assert "field 'factors.arrival_scale': a factor needs at least one level" in err


def test_invalid_value_exits_2_naming_the_design_point(capsys, tmp_path: Path) -> None:
    err = batch_error(capsys, write_exp(tmp_path, factors={"windows.B.count": [4, 0],
                                                           "arrival_scale": [1.0]}), tmp_path)
    assert "field 'factors.windows.B.count'" in err
    assert "design point P1 quickstart: windows.B.count=0, arrival_scale=1" in err
    assert "greater than or equal to 1" in err


def test_unknown_experiment_field_and_bad_transform_value(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="field 'replicatons': unknown field"):
        load_experiment(write_exp(tmp_path, replicatons=3))
    with pytest.raises(InputError, match="arrival_scale must be a number > 0"):
        load_experiment(write_exp(tmp_path, factors={"arrival_scale": [-1]}))
