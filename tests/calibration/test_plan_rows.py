"""Stories of a plan's rows that say something other than what a planner meant: an hour
written as a span of several hours, and an hour given both as a total and item by item."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.calibration.plan import read_plan
from sim.files.errors import InputError


def _plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "计划.csv"
    path.write_text(text, encoding="gbk")
    return path


@pytest.mark.parametrize("span", ["09:00-12:00", "09:00-09:30", "23:00-01:00"])
def test_a_span_other_than_one_hour_is_refused_not_read_as_its_first_hour(
        tmp_path: Path, span: str) -> None:
    """'09:00-12:00,100' was read as 100 tickets at 9 alone, 10 and 11 left as they were."""
    with pytest.raises(InputError) as err:
        read_plan(_plan(tmp_path, f"小时,取号量\n{span},100\n"))
    assert "row 2, column 小时" in str(err.value) and span in str(err.value)


@pytest.mark.parametrize("span, hour", [("09:00-10:00", 9), ("9", 9), ("23:00-24:00", 23)])
def test_an_hour_as_its_one_hour_span_is_that_hour(tmp_path: Path, span: str,
                                                    hour: int) -> None:
    plan = read_plan(_plan(tmp_path, f"小时,取号量\n{span},100\n"))
    assert plan.rows["hour"].tolist() == [hour]


def test_an_hour_given_as_a_total_and_item_by_item_is_refused(tmp_path: Path) -> None:
    """'9,PS,5' and '9,,100': the forecast kept PS at 5 and scaled the others by the total,
    giving the hour 26 tickets, neither figure planned."""
    with pytest.raises(InputError) as err:
        read_plan(_plan(tmp_path, "小时,事项,取号量\n9,PS,5\n9,,100\n10,,80\n"))
    assert "row 3" in str(err.value) and "one total or item by item" in str(err.value)


def test_items_in_one_hour_and_a_total_in_another_are_fine(tmp_path: Path) -> None:
    plan = read_plan(_plan(tmp_path, "小时,事项,取号量\n9,PS,5\n9,NW,7\n10,,80\n"))
    assert plan.rows[["hour", "item"]].values.tolist() == [[9, "PS"], [9, "NW"], [10, ""]]
