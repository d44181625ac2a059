"""Story: a planner types names for scenarios and uploads files; whatever the name, the
file lands inside the workspace or the page says why not (exit-2 words)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.files.errors import InputError
from sim.web.workspace import Workspace, safe_name, stem_of


@pytest.mark.parametrize("name", [
    "../x", "..", "a/../../b", "/etc/passwd", "C:\\Windows\\x", "C:x", "\\\\server\\share",
    "CON", "con.yaml", "Lpt1", "nul.txt", "COM9.csv", ".hidden", "name.", "name. ", "",
    "   ", "a\x00b", "a:b", "x" * 101,
])
def test_names_that_would_leave_the_workspace_or_break_windows_are_refused(name: str) -> None:
    with pytest.raises(InputError) as err:
        safe_name(name)
    assert "field 'name'" in str(err.value)


@pytest.mark.parametrize("name", ["武清区行政审批局", "quickstart-2", "a.b", "调整后 方案_1"])
def test_chinese_and_plain_names_are_kept(name: str) -> None:
    assert safe_name(name) == name


def test_a_scenario_name_loses_its_yaml_suffix_and_lands_in_scenarios(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    path = ws.write_scenario("窗口方案.yaml", "name: x\n")
    assert path == tmp_path.resolve() / "scenarios" / "窗口方案.yaml"
    assert ws.scenarios() == ["窗口方案"]
    assert stem_of("b.yml") == "b"


def test_free_names_count_up_instead_of_overwriting(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    ws.write_scenario("快速上手", "name: x\n")
    assert ws.free_name("scenarios", "快速上手", ".yaml") == "快速上手-2"


def test_reading_a_missing_scenario_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such scenario"):
        Workspace(tmp_path).read_scenario("没有")


def test_a_scenarios_runs_follow_its_rename_and_go_with_it_to_the_trash(tmp_path) -> None:
    """试算 has a run. Renamed 二月方案, the run is 二月方案's; removed, the run goes to the
    trash beside it; a new 二月方案 made later starts with no run of the old hall."""
    import json
    import shutil

    from sim.web.workspace_panel import renamed

    ws = Workspace(tmp_path)
    hall = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"
    shutil.copyfile(hall, ws.scenario_path("试算"))
    run = ws.path("results", "试算-20261207-101010", ".json")
    run.write_text(json.dumps({"scenario": "试算", "overall": {"arrivals": 1}}), "utf-8")
    assert [s.name for s in ws.runs_of("试算")] == ["试算-20261207-101010"]
    ws.rename_scenario("试算", "二月方案", renamed)
    assert ws.runs_of("试算") == []
    assert [s.name for s in ws.runs_of("二月方案")] == ["二月方案-20261207-101010"]
    ws.remove_scenario("二月方案")
    shutil.copyfile(hall, ws.scenario_path("二月方案"))
    assert ws.runs_of("二月方案") == []
    trashed = sorted(p.name for p in (tmp_path / "trash").iterdir())
    assert len(trashed) == 2 and trashed[1].endswith(".二月方案-20261207-101010.json")
    # put back: the name is taken again by the new 二月方案, so it comes back as 二月方案-2,
    # its run with it
    (stem, was), = ws.trashed()
    assert was == "二月方案"
    assert ws.restore_scenario(stem) == "二月方案-2"
    assert [s.name for s in ws.runs_of("二月方案-2")] == ["二月方案-2-20261207-101010"]
    assert ws.runs_of("二月方案") == [] and ws.trashed() == []
