"""Stories of a hall with a floor plan restaffed: the optimiser's staffed hall and
consolidation's structures keep the plan, their window groups standing at the hall's
windows, so that walking is simulated (and certified) too. A group stands where the
hall's group of the same work stood; windows beyond the hall's extend their group's row,
then stand in rows in front of it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from optimize.consolidate import redistribute, structure_scenario
from optimize.spec import OptimizeSpec
from optimize.structures import generate
from sim.cli.main import main
from sim.scenario.layout import automatic_layout, check_layout, window_positions
from sim.scenario.model import Scenario, load_scenario, scenario_from_dict
from sim.scenario.regroup import regrouped_windows

ROOT = Path(__file__).resolve().parents[2]


def _walking_hall() -> Scenario:
    """The quickstart hall (A ×3, B ×4, C ×3) on its automatic plan, walking on."""
    sc = load_scenario(ROOT / "scenarios" / "quickstart.yaml")
    plan = automatic_layout(sc).model_dump(mode="json", exclude_none=True)
    return scenario_from_dict(sc.to_dict() | {"layout": plan | {"walking": {"speed": 1.0}}},
                              "步行大厅.yaml")


def test_new_groups_take_the_halls_windows_in_order_and_an_extra_one_extends_its_row(
) -> None:
    sc = _walking_hall()
    assert sc.layout is not None
    spots = [[w.x, w.y] for w in window_positions(sc.layout, sc)]
    placed = regrouped_windows(sc.layout, sc, [("综合", 6), ("专窗", 5)])
    assert placed["综合"]["points"] == spots[:6]
    assert placed["专窗"]["points"][:4] == spots[6:]
    # the 11th window: one spacing (2.5 m) past the group's last, along the back wall
    assert placed["专窗"]["points"][4] == [spots[-1][0] + 2.5, spots[-1][1]]


def _spots_of(sc: Scenario) -> dict[str, list[list[float]]]:
    assert sc.layout is not None
    out: dict[str, list[list[float]]] = {}
    for w in window_positions(sc.layout, sc):
        out.setdefault(w.group, []).append([w.x, w.y])
    return out


def test_a_plans_groups_stand_where_the_halls_groups_of_the_same_work_stood() -> None:
    # the plan lists its types in another order than the hall: C's work first, then A's
    sc = _walking_hall()
    assert sc.layout is not None
    old = _spots_of(sc)
    serves = {"DED-tax": ["tax", "social_insurance"], "DED-reg": ["business_registration"],
              "DED-social": list(sc.authorisation.serves("B"))}
    placed = regrouped_windows(sc.layout, sc, [("DED-tax", 3), ("DED-reg", 3),
                                               ("DED-social", 4)], serves)
    assert placed["DED-tax"]["points"] == old["C"]
    assert placed["DED-reg"]["points"] == old["A"]
    assert placed["DED-social"]["points"] == old["B"]


def test_a_group_that_grows_takes_the_nearest_free_window_then_adds_desks_beside_its_own(
) -> None:
    sc = _walking_hall()
    assert sc.layout is not None
    old = _spots_of(sc)
    serves = {"reg": ["business_registration"], "social": list(sc.authorisation.serves("B")),
              "tax": ["tax", "social_insurance"]}
    # registration grows to 4 while social shrinks to 3: it takes social's nearest window
    placed = regrouped_windows(sc.layout, sc, [("reg", 4), ("social", 3), ("tax", 3)], serves)
    reg = placed["reg"]["points"]
    assert reg[:3] == old["A"] and reg[3] == old["B"][0]
    assert placed["social"]["points"] == old["B"][1:]
    # tax grows to 8 in a full hall: its row goes on to the wall (one more desk), then a
    # row stands in front of its windows, a desk's depth and a gangway (2 m) before them
    placed = regrouped_windows(sc.layout, sc, [("reg", 3), ("social", 4), ("tax", 8)], serves)
    tax = placed["tax"]["points"]
    assert tax[:3] == old["C"]
    assert tax[3] == [31.0, 19.0]
    assert sorted(tax[4:7]) == [[x, y - 2.0] for x, y in old["C"]]
    # the waiting area (y 9 to 16) leaves no room for a second row in front: the eighth
    # desk goes on along the front row, on the side nearer the middle of tax's windows
    assert tax[7] == [21.0, 17.0]
    assert sc.layout is not None
    check_layout(scenario_from_dict(sc.to_dict() | {
        "windows": [{"id": "reg", "count": 3, "serves": serves["reg"]},
                    {"id": "social", "count": 4, "serves": serves["social"]},
                    {"id": "tax", "count": 8, "serves": serves["tax"]}],
        "layout": sc.layout.model_dump(mode="json", exclude_none=True) | {"windows": placed},
    }, "restaffed.yaml"))


def test_one_group_for_every_item_takes_every_window() -> None:
    sc = _walking_hall()
    assert sc.layout is not None
    everything = sorted(sc.categories)
    placed = regrouped_windows(sc.layout, sc, [("全事项综合窗口", 10)],
                               {"全事项综合窗口": everything})
    assert placed["全事项综合窗口"]["points"] == [
        [w.x, w.y] for w in window_positions(sc.layout, sc)]


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


def test_a_group_of_new_work_takes_free_windows_side_by_side() -> None:
    sc = _walking_hall()
    assert sc.layout is not None
    old = _spots_of(sc)
    placed = regrouped_windows(sc.layout, sc, [("reg", 3), ("新窗口", 3)],
                               {"reg": ["business_registration"]})
    assert placed["reg"]["points"] == old["A"]
    assert placed["新窗口"]["points"] == old["B"][:3]


def test_a_row_goes_on_in_its_own_direction_not_between_two_other_windows() -> None:
    """A type for items a, b and c takes A's column by the right wall and the two single
    windows of B and C on the back wall; its fifth desk continues A's column (2.5 m
    on), where the old rule took the 'row' from B's and C's windows, 10 m apart, and
    stood the desk alone in the middle of the hall."""
    cat = {"arrivals_per_hour": 5, "service": {"dist": "exponential", "mean": 5}}
    sc = scenario_from_dict({
        "name": "三面墙", "hall": {"open": ["08:30-12:00"], "days": 1},
        "categories": {"a": cat, "b": cat, "c": cat},
        "windows": [{"id": "A", "count": 2, "serves": ["a"]},
                    {"id": "B", "count": 1, "serves": ["b"]},
                    {"id": "C", "count": 1, "serves": ["c"]}],
        "layout": {"outline": [[0, 0], [30, 0], [30, 20], [0, 20]],
                   "entrances": {"正门": {"at": [15, 0]}},
                   "ticket_machines": {"取号机": {"at": [15, 2]}},
                   "waiting_areas": {"等候区": {"at": [4, 6], "size": [10, 7], "seats": 40}},
                   "windows": {"A": {"rows": [{"start": [29, 4], "direction": "+y",
                                               "spacing": 2.5}]},
                               "B": {"points": [[16, 19]]}, "C": {"points": [[26, 19]]}}}},
        "三面墙.yaml")
    assert sc.layout is not None
    placed = regrouped_windows(sc.layout, sc, [("ABC", 5)], {"ABC": ["a", "b", "c"]})
    assert placed["ABC"]["points"] == [[29.0, 4.0], [29.0, 6.5], [16.0, 19.0], [26.0, 19.0],
                                       [29.0, 9.0]]


@pytest.mark.parametrize("floor", ["rows", "across"])
def test_every_department_of_xinglongtai_stands_by_its_zones_windows(floor: str) -> None:
    """Xinglongtai's three zones (business, social, investment), each at its own wall
    (rows.yaml) or across the hall (across.yaml), split into 15 department windows
    (专窗) of 15 to 30 windows in all: every department's windows stand within 5 m of
    the windows its zone had by the walls, within 10 m across the hall (where desks
    added beyond the rows keep a gangway). (Taking the hall's windows in the plan's
    order stood investment departments 17 to 28 m away, beside the business zone.)"""
    import math

    data = yaml.safe_load((ROOT / "scenarios" / "xinglongtai" / "after.yaml")
                          .read_text(encoding="utf-8"))
    data |= yaml.safe_load((ROOT / "scenarios" / "xinglongtai" / "layouts" / f"{floor}.yaml")
                           .read_text(encoding="utf-8"))
    sc = scenario_from_dict(data, "兴隆台.yaml")
    assert sc.layout is not None
    zone_windows: dict[str, list[tuple[float, float]]] = {}
    for w in window_positions(sc.layout, sc):
        zone_windows.setdefault(w.group, []).append((w.x, w.y))
    types = generate(sc, OptimizeSpec(), "dedicated")
    assert len(types) == 15
    for total in (15, 20, 24, 30):
        other = structure_scenario(sc, types, redistribute(sc, types, total), "专窗")
        assert other.layout is not None  # and it passed check_layout
        for w in window_positions(other.layout, other):
            items = set(other.authorisation.serves(w.group))
            zone = next(g.id for g in sc.windows
                        if items <= set(sc.authorisation.serves(g.id)))
            metres = min(math.dist((w.x, w.y), p) for p in zone_windows[zone])
            assert metres <= (5.0 if floor == "rows" else 10.0), (floor, total, w.group,
                                                                  w.number, metres)


def test_a_row_of_close_windows_goes_on_along_the_wall() -> None:
    """Four windows 2 m apart on the back wall (closer than a desk and its gap, 2.1 m):
    a plan of nine there continued the row nowhere and built two columns 6 m into the
    hall. The row now goes on along the wall, 2.1 m a desk."""
    cat = {"arrivals_per_hour": 5, "service": {"dist": "exponential", "mean": 5}}
    sc = scenario_from_dict({
        "name": "窄排", "hall": {"open": ["08:30-12:00"], "days": 1},
        "categories": {"a": cat}, "windows": [{"id": "A", "count": 4, "serves": ["a"]}],
        "layout": {"outline": [[0, 0], [30, 0], [30, 20], [0, 20]],
                   "entrances": {"正门": {"at": [15, 0]}},
                   "ticket_machines": {"取号机": {"at": [15, 2]}},
                   "waiting_areas": {"等候区": {"at": [8, 6], "size": [14, 6], "seats": 40}},
                   "windows": {"A": {"rows": [{"start": [10, 19], "direction": "+x",
                                               "spacing": 2.0}]}}}}, "窄排.yaml")
    assert sc.layout is not None
    points = regrouped_windows(sc.layout, sc, [("N", 9)], {"N": ["a"]})["N"]["points"]
    assert all(y == 19.0 for _, y in points)  # all along the back wall
    xs = sorted(x for x, _ in points)
    assert {10.0, 12.0, 14.0, 16.0} <= set(xs)  # the hall's own four, then either way
    assert all(b - a >= 2.0 for a, b in zip(xs, xs[1:]))
