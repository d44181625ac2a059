"""Stories of a hall with a floor plan restaffed: the optimiser's staffed hall and
consolidation's structures keep the plan, their window groups standing at the hall's
windows, so that walking is simulated (and certified) too. Windows beyond the hall's
stand a metre in front of its windows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from optimize.consolidate import redistribute, structure_scenario
from optimize.spec import OptimizeSpec
from optimize.structures import generate
from sim.cli.main import main
from sim.scenario.layout import automatic_layout, regrouped_windows, window_positions
from sim.scenario.model import Scenario, load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]


def _walking_hall() -> Scenario:
    """The quickstart hall (A ×3, B ×4, C ×3) on its automatic plan, walking on."""
    sc = load_scenario(ROOT / "scenarios" / "quickstart.yaml")
    plan = automatic_layout(sc).model_dump(mode="json", exclude_none=True)
    return scenario_from_dict(sc.to_dict() | {"layout": plan | {"walking": {"speed": 1.0}}},
                              "步行大厅.yaml")


def test_new_groups_take_the_halls_windows_in_order_and_extra_ones_stand_in_front() -> None:
    sc = _walking_hall()
    assert sc.layout is not None
    spots = [[w.x, w.y] for w in window_positions(sc.layout, sc)]
    placed = regrouped_windows(sc.layout, sc, [("综合", 6), ("专窗", 5)])
    assert placed["综合"]["points"] == spots[:6]
    assert placed["专窗"]["points"][:4] == spots[6:]
    x, y = placed["专窗"]["points"][4]  # the 11th window: 1 m from the 1st, inwards
    assert ((x - spots[0][0]) ** 2 + (y - spots[0][1]) ** 2) ** 0.5 == pytest.approx(1.0,
                                                                                    abs=1e-3)
    assert y < spots[0][1]  # the windows are along the back wall: in front is lower y


def test_consolidations_structures_keep_the_floor_plan_and_walk() -> None:
    sc = _walking_hall()
    spec = OptimizeSpec()
    for structure in ("dedicated", "chain", "zone", "full"):
        types = generate(sc, spec, structure)
        other = structure_scenario(sc, types, redistribute(sc, types, 10), structure)
        assert other.layout is not None and other.layout.walking_on, structure
        assert sorted(other.layout.windows) == sorted(g.id for g in other.windows)


def test_the_staffed_hall_of_a_walking_hall_runs_with_its_walk(tmp_path: Path) -> None:
    hall = tmp_path / "步行大厅.yaml"
    hall.write_text(yaml.safe_dump(_walking_hall().to_dict(), allow_unicode=True),
                    encoding="utf-8")
    staffed = tmp_path / "staffed.yaml"
    assert main(["optimize", str(hall), "--out", str(tmp_path / "plan.yaml"),
                 "--scenario-out", str(staffed), "-q"]) == 0
    sc = load_scenario(staffed)
    assert sc.layout is not None and sc.layout.walking_on
    assert main(["run", str(staffed), "-r", "1", "--days", "1", "-q", "--json",
                 str(tmp_path / "r.json")]) == 0
    doc = yaml.safe_load((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["overall"]["walking_mean"] > 0
