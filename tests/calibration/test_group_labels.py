"""A calibrated hall's window groups carry the names their windows have in the log, so a
planner reads 综合窗口 (G1) in every table and figure, not G1 alone."""

from __future__ import annotations

from pathlib import Path

from sim.calibration.inferred_windows import group_label
from sim.cli.main import main
from sim.scenario.model import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_windows_numbered_in_one_name_give_the_group_that_name():
    assert group_label(("综合窗口-1", "综合窗口-2", "综合窗口-10")) == "综合窗口"
    assert group_label(("社保窗口 3", "社保窗口3号")) == "社保窗口"
    assert group_label(("Window 7",)) == "Window"


def test_windows_of_different_names_or_no_name_give_no_label():
    assert group_label(("AVI", "BENNY")) == ""  # a bank's agents: no shared name
    assert group_label(("12", "13")) == ""  # numbers alone
    assert group_label(("综" * 41 + "-1",)) == ""  # longer than a label may be


def test_the_sample_hall_calibrated_names_its_groups_as_its_log_does(tmp_path):
    out = tmp_path / "厅.yaml"
    assert main(["calibrate", str(ROOT / "sim/web/samples/示例大厅叫号导出.csv"), "--out",
                 str(out), "-q"]) == 0
    labels = {g.id: g.label for g in load_scenario(out).windows}
    assert labels == {"G1": "窗口综合窗口", "G2": "窗口社保窗口", "G3": "窗口不动产窗口"}
