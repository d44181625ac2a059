"""Stories about the ``layout`` section: a planner gives the hall's floor plan; every
mistake in it is refused with the field that is wrong; a scenario without one still
gets a plan drawn from its zones."""

from __future__ import annotations

import glob

import pytest

from sim.files.errors import InputError
from sim.scenario.layout import automatic_layout, layout_of, waiting_area_of, window_positions
from sim.scenario.model import load_scenario, scenario_from_dict
from tests.layout.halls import hall, hall_data


def _refused(**changes: object) -> InputError:
    with pytest.raises(InputError) as caught:
        hall(**changes)
    return caught.value


def test_a_row_puts_each_window_spacing_metres_further_on() -> None:
    sc = hall()
    placed = {w.element_id: (w.x, w.y) for w in window_positions(sc.layout, sc)}
    assert placed == {"window-不动产-1": (4, 14), "window-不动产-2": (7, 14),
                      "window-不动产-3": (10, 14), "window-社保-1": (19, 8),
                      "window-社保-2": (19, 11)}


def test_a_group_in_two_rows_gives_each_rows_count() -> None:
    rows = [{"start": [4, 14], "count": 2, "spacing": 3},
            {"start": [4, 12], "direction": "+y", "count": 1}]
    sc = hall(windows={**hall_data()["layout"]["windows"], "不动产": {"rows": rows}})
    assert [(w.x, w.y) for w in window_positions(sc.layout, sc)][:3] == [(4, 14), (7, 14), (4, 12)]


def test_a_window_outside_the_walls_is_refused_naming_its_group() -> None:
    err = _refused(windows={"不动产": {"rows": [{"start": [4, 14], "spacing": 9}]},
                            "社保": {"points": [[19, 8], [19, 11]]}})
    assert err.path == "layout.windows.不动产"
    assert "[22, 14] lies outside the outline" in err.problem
    assert err.source == "小型大厅.yaml"


def test_a_group_placed_with_the_wrong_count_is_refused() -> None:
    err = _refused(windows={"不动产": {"rows": [{"start": [4, 14]}]},
                            "社保": {"points": [[19, 8]]}})
    assert (err.path, err.problem) == ("layout.windows.社保.points",
                                       "places 1 windows; the group has 2")


def test_rows_that_do_not_add_up_to_the_group_are_refused() -> None:
    rows = [{"start": [4, 14], "count": 2}, {"start": [4, 12], "count": 2}]
    err = _refused(windows={"不动产": {"rows": rows}, "社保": {"points": [[19, 8], [19, 11]]}})
    assert (err.path, err.problem) == ("layout.windows.不动产.rows",
                                       "places 4 windows; the group has 3")


def test_a_group_left_off_the_plan_is_refused() -> None:
    err = _refused(windows={"不动产": {"rows": [{"start": [4, 14]}]}})
    assert err.path == "layout.windows"
    assert "window group '社保' has no position" in err.problem


def test_an_unknown_group_is_refused() -> None:
    err = _refused(windows={**hall_data()["layout"]["windows"], "税务": {"points": [[1, 1]]}})
    assert err.path == "layout.windows.税务"
    assert "unknown window group '税务'" in err.problem


def test_two_windows_on_one_spot_are_refused() -> None:
    err = _refused(windows={"不动产": {"rows": [{"start": [4, 14]}]},
                            "社保": {"points": [[19, 8], [9.2, 14]]}})
    assert err.path == "layout.windows.社保"
    assert "window 2 of '社保' at [9.2, 14] stands on the same spot as window 3 of '不动产'" \
        in err.problem


def test_a_waiting_area_through_the_wall_is_refused() -> None:
    err = _refused(waiting_areas={"等候区": {"at": [10, 5], "size": [12, 5], "seats": 40}})
    assert err.path == "layout.waiting_areas.等候区.at"
    assert "outside the outline (corner [22, 5])" in err.problem


def test_more_seats_than_the_floor_holds_are_questioned_not_refused(tmp_path, capsys) -> None:
    """100,000 seats typed into a 60 m² area: two a square metre is the most, 120 here.
    The hall still loads (a model may shrink an area to a point on purpose), and
    ``hallsim validate`` says it."""
    import yaml

    from sim.cli.main import main
    from sim.scenario.layout import crowded_areas

    fits = hall(waiting_areas={"等候区": {"at": [3, 5], "size": [12, 5], "seats": 120}})
    assert crowded_areas(fits.layout) == []
    crowded = hall(waiting_areas={"等候区": {"at": [3, 5], "size": [12, 5], "seats": 100_000}})
    ((template, values),) = crowded_areas(crowded.layout)
    assert template.format(**values).startswith(
        "waiting area '等候区' (layout.waiting_areas): 100,000 seats in 60 m², more than the "
        "120 that fit")
    path = tmp_path / "厅.yaml"
    path.write_text(yaml.safe_dump(crowded.to_dict(), allow_unicode=True), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "warning: " in (err := capsys.readouterr().err) and "100,000 seats in 60 m²" in err


def test_a_ticket_machine_outside_and_an_unknown_item_are_refused() -> None:
    err = _refused(ticket_machines={"取号机": {"at": [10, -1]}})
    assert err.path == "layout.ticket_machines.取号机.at"
    area = {"等候区": {"at": [3, 5], "size": [12, 5], "seats": 40, "serves": ["户籍"]}}
    assert _refused(waiting_areas=area).path == "layout.waiting_areas.等候区.serves.0"


def test_an_outline_without_area_and_a_bad_direction_are_refused() -> None:
    assert _refused(outline=[[0, 0], [20, 0], [40, 0]]).path == "layout.outline"
    err = _refused(windows={"不动产": {"rows": [{"start": [4, 14], "direction": "up"}]},
                            "社保": {"points": [[19, 8], [19, 11]]}})
    assert err.path == "layout.windows.不动产.rows.0.direction"


def test_entrance_shares_must_add_up_to_one() -> None:
    err = _refused(entrances={"正门": {"at": [10, 0], "share": 0.7},
                              "侧门": {"at": [0, 7], "share": 0.7}})
    assert err.path == "layout.entrances"


def test_items_wait_where_an_area_serves_them_else_in_the_open_area() -> None:
    areas = {"社保等候区": {"at": [15, 5], "size": [3, 5], "seats": 10, "serves": ["社保"]},
             "等候区": {"at": [3, 5], "size": [12, 5], "seats": 40}}
    sc = hall(waiting_areas=areas)
    assert waiting_area_of(sc.layout, sc) == {"不动产登记": "等候区", "社保": "社保等候区"}


def test_without_a_layout_each_zone_gets_a_row_of_windows_along_the_back_wall() -> None:
    data = hall_data()
    del data["layout"]
    sc = scenario_from_dict(data)
    lay = layout_of(sc)
    assert lay == automatic_layout(sc) and not lay.walking_on
    placed = window_positions(lay, sc)
    assert [(w.group, w.x) for w in placed] == [("不动产", 3), ("不动产", 5.5), ("不动产", 8),
                                                ("社保", 12), ("社保", 14.5)]
    assert {w.y for w in placed} == {19}
    area = lay.waiting_areas["waiting_area"]
    assert area.seats == 30 and area.at[1] + area.size[1] < 19  # in front of the windows


def test_every_bundled_scenario_gets_an_automatic_layout_that_passes_the_checks() -> None:
    checked = 0
    for path in sorted(glob.glob("scenarios/**/*.yaml", recursive=True)):
        try:
            sc = load_scenario(path)
        except InputError:
            continue  # patches and optimiser specs are not whole scenarios
        data = sc.to_dict() | {"layout": automatic_layout(sc).model_dump(mode="json",
                                                                         exclude_none=True)}
        again = scenario_from_dict(data, source=path)
        assert len(window_positions(again.layout, again)) == sum(g.count for g in sc.windows)
        checked += 1
    assert checked >= 20


def test_the_xinglongtai_floor_plans_fit_the_ten_window_hall() -> None:
    from sim.batch.decompose import load_change, merge_patch

    base = load_scenario("scenarios/xinglongtai/after.yaml")
    for name in ("rows", "across"):
        patch = load_change(name, f"scenarios/xinglongtai/layouts/{name}.yaml").patch
        sc = scenario_from_dict(merge_patch(base.to_dict(), patch), source=name)
        assert sc.layout is not None and sc.layout.walking_on
        assert len(window_positions(sc.layout, sc)) == 10
