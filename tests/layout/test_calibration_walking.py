"""Stories about calibration with a floor plan: the turnaround a ticket log measures
holds the customer's walk to the window; when the model walks it (the layout turns
walking on), calibration takes the layout's walk off the turnaround and says so."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.calibration.calibrate import Options, calibrate
from sim.calibration.tickets import TicketLog
from sim.cli.main import main
from sim.scenario.layout import mean_walk_to_window
from tests.calibration.test_turnaround import _rows
from tests.layout.halls import HALL, hall


def _log() -> TicketLog:
    """Three mornings of a full queue at one window: 4-minute services, 30 s between."""
    rows = []
    for day in range(3):
        for r in _rows("窗口1", "社保登记", 50, service=4.0, turn=0.5, first_call=0.0):
            r["ticket_time"] += pd.Timedelta(days=day)
            rows.append(r)
    return TicketLog(pd.DataFrame(rows).assign(source="log.csv"), files=("log.csv",))


def test_the_walk_the_layout_explains_is_taken_off_the_turnaround() -> None:
    cal = calibrate(_log(), Options(target_minutes=5.0, walk_minutes=0.2))
    assert cal.turnaround.minutes == pytest.approx(0.3)  # 30 s measured, 12 s walked
    assert cal.turnaround.walking == pytest.approx(0.2)
    assert cal.items["社保登记"].service.mean == pytest.approx(4.3, rel=1e-3)
    note = next(n for n in cal.notes if "window turnaround" in n)
    assert note.startswith("window turnaround 18 s added") and "less 12 s" in note


def test_a_walk_longer_than_the_turnaround_leaves_no_turnaround() -> None:
    cal = calibrate(_log(), Options(target_minutes=5.0, walk_minutes=2.0))
    assert cal.turnaround.minutes == 0 and cal.turnaround.walking == pytest.approx(0.5)


def test_the_mean_walk_weighs_each_item_by_its_calls() -> None:
    sc = hall(walking={"speed": 1.0})
    # 不动产登记 (area centre (9, 7.5)) to its windows at (4|7|10, 14): 11.5, 8.5, 7.5 m;
    # 社保 to (19, 8) and (19, 11): 10.5 and 13.5 m; at 1 m/s
    estate, social = (11.5 + 8.5 + 7.5) / 3 / 60, (10.5 + 13.5) / 2 / 60
    assert mean_walk_to_window(sc, {"不动产登记": 3, "社保": 1}) == \
        pytest.approx((3 * estate + social) / 4)
    assert mean_walk_to_window(hall(), {"不动产登记": 1}) == 0  # walking off


def test_calibrate_refuses_a_layout_without_walking(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "hall.yaml"
    scenario.write_text(yaml.safe_dump(copy.deepcopy(HALL), allow_unicode=True),
                        encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text("item,window\n", encoding="utf-8")
    assert main(["calibrate", str(log), "--out", str(tmp_path / "o.yaml"), "--layout",
                 str(scenario)]) == 2
    assert "layout.walking" in capsys.readouterr().err


def _plan_for(group: str) -> dict:
    """A floor plan of the log's hall: one window of group ``group``, walking on."""
    return {"outline": [[0, 0], [12, 0], [12, 10], [0, 10]],
            "entrances": {"正门": {"at": [6, 0]}},
            "ticket_machines": {"取号机": {"at": [6, 1]}},
            "waiting_areas": {"等候区": {"at": [2, 3], "size": [8, 3], "seats": 20}},
            "windows": {group: {"points": [[6, 9]]}},
            "walking": {"speed": 1.0}}


def test_a_layout_that_fits_the_calibrated_hall_is_copied_into_it(tmp_path: Path) -> None:
    from sim.calibration.calibrate import write_scenario
    from sim.scenario.model import load_scenario

    cal = calibrate(_log(), Options(target_minutes=5.0, walk_minutes=0.05))
    assert [g.id for g in cal.groups] == ["G1"]
    note = cal.attach_layout(_plan_for("G1"), "上月大厅.yaml")
    assert note.startswith("layout copied from 上月大厅.yaml")
    write_scenario(cal, tmp_path / "calibrated.yaml")
    sc = load_scenario(tmp_path / "calibrated.yaml")
    assert sc.layout is not None and sc.layout.walking_on  # runs with the walk it took off
    assert "# layout copied from 上月大厅.yaml" in (tmp_path / "calibrated.yaml").read_text(
        encoding="utf-8")


def test_a_layout_drawn_for_other_window_groups_is_left_out_and_the_header_says_why(
        tmp_path: Path) -> None:
    from sim.calibration.calibrate import write_scenario
    from sim.scenario.model import load_scenario

    cal = calibrate(_log(), Options(target_minutes=5.0, walk_minutes=0.05))
    note = cal.attach_layout(_plan_for("综合窗口"), "hall.yaml")
    assert note.startswith("layout of hall.yaml not copied") and "layout.windows" in note
    write_scenario(cal, tmp_path / "calibrated.yaml")
    assert load_scenario(tmp_path / "calibrated.yaml").layout is None
    assert "# layout of hall.yaml not copied" in (tmp_path / "calibrated.yaml").read_text(
        encoding="utf-8")
