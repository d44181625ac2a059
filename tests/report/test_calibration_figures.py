"""Story: a planner opens the calibration and backtest reports of the bundled sample log
(a hall closed 12:00-13:30). Each figure says what it shows: the item's name on its own
figure, the QQ plot's axes, the backtest's units; and no line is drawn across the lunch
closure as if the hall had been open."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.cli.main import main
from sim.report.page import Page

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sim" / "web" / "samples" / "示例大厅叫号导出.csv"


@pytest.fixture
def figures(monkeypatch):
    """The figures the reports draw, by name."""
    drawn: dict = {}
    keep = Page.figure

    def figure(self, fig, name, alt):
        drawn[name] = fig
        keep(self, fig, name, alt)

    monkeypatch.setattr(Page, "figure", figure)
    return drawn


def test_the_reports_figures_name_their_item_axes_and_units_and_skip_the_lunch_break(
        tmp_path: Path, figures) -> None:
    hall = tmp_path / "hall.yaml"
    assert main(["--lang", "zh", "calibrate", str(SAMPLE), "--out", str(hall), "-q",
                 "--report", str(tmp_path / "cal")]) == 0
    item = figures["item-0"]
    assert item._suptitle is not None and item._suptitle.get_text() == "社保办理"
    qq = item.axes[1]
    assert (qq.get_xlabel(), qq.get_ylabel()) == ("拟合分布的分位数（分钟）", "观测分位数（分钟）")
    profile = item.axes[2].lines[1].get_xdata()
    assert np.isnan(profile).sum() == 1  # one break: the lunch closure
    assert main(["--lang", "zh", "backtest", str(hall), str(SAMPLE), "--json",
                 str(tmp_path / "bt.json"), "-r", "2", "-q",
                 "--report", str(tmp_path / "bt")]) == 0
    wait, left = figures["by-hour"].axes[:2]
    assert (wait.get_ylabel(), left.get_ylabel()) == ("平均等待（分钟）", "未办理离开（%）")
    hours = wait.lines[1].get_xdata()
    assert np.isnan(hours).sum() == 1 and 12 not in set(hours[~np.isnan(hours)])
