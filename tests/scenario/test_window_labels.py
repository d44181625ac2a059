"""Story: the Yumen planner's window groups are MKT, TAX, RE ... in the YAML, which reads
well to the file's author and badly on a Chinese page. Each group may carry a display
name (``label: 市场监管窗口``); tables, charts and the floor plan show it, the results
document carries it beside the id, and the id stays the key and every figure stays the
same."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from sim.files.errors import InputError
from sim.report.floorplan import floorplan_svg
from sim.report.i18n import set_language
from sim.report.tables import summary_blocks
from sim.run.replications import simulate
from sim.scenario.model import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
YUMEN = ROOT / "scenarios" / "yumen" / "before.yaml"


def _quickstart(**labels: str) -> dict:
    data = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text(encoding="utf-8"))
    data["hall"]["days"] = 1
    for group in data["windows"]:
        if group["id"] in labels:
            group["label"] = labels[group["id"]]
    return data


def test_the_yumen_groups_read_in_chinese_and_keep_their_ids() -> None:
    hall = load_scenario(YUMEN)
    assert hall.group("MKT").label == "市场监管窗口"
    assert hall.group_names()["RE"] == "不动产窗口"
    assert all(g.label for g in hall.windows)
    assert [g.id for g in hall.windows][:3] == ["MKT", "TAX", "SI"]


@pytest.mark.parametrize("label", [" 税务窗口", "税务\n窗口", "", "窗" * 41])
def test_a_label_that_is_no_one_line_name_is_refused_at_its_field(label: str) -> None:
    with pytest.raises(InputError) as err:
        scenario_from_dict(_quickstart(C=label), "hall.yaml")
    assert "windows" in err.value.path and err.value.path.endswith("label")


def test_a_label_changes_no_figure_and_rides_beside_the_id() -> None:
    plain = simulate(scenario_from_dict(_quickstart(), "a.yaml"), seed=3,
                     replications=2).document()
    named = simulate(scenario_from_dict(_quickstart(A="商事登记窗口", C="税务窗口"), "a.yaml"),
                     seed=3, replications=2).document()
    assert named["window_labels"] == {"A": "商事登记窗口", "C": "税务窗口"}
    assert "window_labels" not in plain
    assert named["by_window"] == plain["by_window"]  # the ids stay the keys
    assert named["overall"] == plain["overall"]

    set_language("zh")
    try:
        title, _, rows = summary_blocks(named)[-1]
    finally:
        set_language("en")
    assert [str(r[0]) for r in rows] == ["商事登记窗口（A）", "B", "税务窗口（C）"]
    assert [str(r[0]) for r in summary_blocks(named)[-1][2]] == [
        "商事登记窗口 (A)", "B", "税务窗口 (C)"]


def test_the_floor_plan_names_the_group_by_its_label() -> None:
    data = _quickstart(B="社会事务窗口")
    svg = floorplan_svg(scenario_from_dict(copy.deepcopy(data), "a.yaml"))
    assert ">社会事务窗口</text>" in svg and ">B</text>" not in svg


def test_a_long_label_of_the_first_group_stays_inside_the_hall() -> None:
    """The planner named group A 市场监督管理局企业登记注册与食品经营许可综合受理窗口:
    centred under A's three windows by the left wall, the name ran over the wall and out
    of the drawing. It now slides along the row until it stands inside the walls."""
    import re

    from sim.report.floorplan import Canvas, _text_width
    from sim.scenario.layout import layout_of

    label = "市场监督管理局企业登记注册与食品经营许可综合受理窗口"
    sc = scenario_from_dict(_quickstart(A=label), "a.yaml")
    svg = floorplan_svg(sc)
    x = float(re.search(rf'<text x="([\d.]+)"[^>]*>{label}</text>', svg)[1])
    canvas = Canvas.of(layout_of(sc))
    left, right = canvas.px(canvas.xmin, 0)[0], canvas.px(canvas.xmax, 0)[0]
    half = _text_width(label) / 2
    assert left < x - half and x + half < right
    assert ">B</text>" in svg and ">C</text>" in svg  # the others where they were


def test_a_column_of_windows_by_a_side_wall_has_its_name_beside_it_not_across_it() -> None:
    """Xinglongtai's zones stand in columns along the side walls. Centred on the middle of
    an odd number of windows, 商事经营综合窗口 was written across the middle one's desk.
    The name now starts clear of the desks, on the hall's side of the column."""
    import re

    from sim.report.floorplan import WINDOW_D, WINDOW_W, Canvas, _text_width
    from sim.scenario.layout import layout_of, window_positions

    data = _quickstart(A="商事经营综合窗口", C="投资项目综合窗口")
    data["layout"] = {
        "outline": [[0, 0], [30, 0], [30, 20], [0, 20]],
        "entrances": {"正门": {"at": [15, 0]}}, "ticket_machines": {"取号机": {"at": [15, 2]}},
        "waiting_areas": {"等候区": {"at": [10, 8], "size": [10, 6], "seats": 40}},
        "windows": {"A": {"rows": [{"start": [1, 7], "direction": "+y", "spacing": 2.5}]},
                    "B": {"rows": [{"start": [11, 19], "direction": "+x", "spacing": 2.5}]},
                    "C": {"rows": [{"start": [29, 7], "direction": "+y", "spacing": 2.5}]}}}
    sc = scenario_from_dict(data, "分区成列.yaml")
    svg = floorplan_svg(sc)
    canvas = Canvas.of(layout_of(sc))
    desks = []
    for w in window_positions(layout_of(sc), sc):
        x, y = canvas.px(w.x, w.y)
        desks.append((x - WINDOW_W * 12, x + WINDOW_W * 12, y - WINDOW_D * 12,
                      y + WINDOW_D * 12))  # half a desk each way, 24 px a metre
    for label in ("商事经营综合窗口", "投资项目综合窗口"):
        m = re.search(rf'<text x="([\d.]+)" y="([\d.]+)"[^>]*>{label}</text>', svg)
        assert m is not None
        x, y, half = float(m[1]), float(m[2]), _text_width(label) / 2
        for x0, x1, y0, y1 in desks:  # the text's box (13 px high) meets no desk
            assert x + half < x0 or x - half > x1 or y < y0 or y - 13 > y1, label


def test_a_windows_tooltip_names_its_group_by_its_label() -> None:
    """Hovering a window of the coloured floor plan said "MKT: 窗口利用率（%） 67%": the id
    the page shows nowhere else. It now names the group as the tables do."""
    sc = scenario_from_dict(_quickstart(B="社会事务窗口"), "a.yaml")
    doc = {"by_window": {"A": {"utilisation": 0.5}, "B": {"utilisation": 0.67},
                         "C": {"utilisation": 0.4}}}
    set_language("zh")
    try:
        svg = floorplan_svg(sc, doc)
    finally:
        set_language("en")
    assert "<title>社会事务窗口（B）：窗口利用率（%） 67%</title>" in svg
    assert "<title>A：窗口利用率（%） 50%</title>" in svg  # a group without a label
    assert "<title>社会事务窗口 (B): " in floorplan_svg(sc, doc)  # English as before


@pytest.mark.parametrize(("label", "chinese"), [
    ("窗" * 41, "不能超过 40 个字符"),
    ("税务\n窗口", "显示名须为一行文字，首尾不能有空格"),
])
def test_a_refused_label_is_said_in_chinese(label: str, chinese: str) -> None:
    """A 41-character display name in the Chinese editor was refused in English ("String
    should have at most 40 characters"), under the field and above the form."""
    from sim.report.messages import error_text

    with pytest.raises(InputError) as err:
        scenario_from_dict(_quickstart(C=label), "hall.yaml")
    set_language("zh")
    try:
        text = error_text(err.value)
    finally:
        set_language("en")
    assert text == f"错误：hall.yaml，字段“windows.C.label”：{chinese}"


def test_fifteen_department_windows_have_their_names_clear_of_desks_and_each_other() -> None:
    """Xinglongtai split into its 15 departments (专窗), 24 windows on three walls: the
    names were drawn on top of each other and across desks. Each now finds a place near
    its windows where it meets no desk and no other name."""
    import re

    from optimize.consolidate import redistribute, structure_scenario
    from optimize.spec import OptimizeSpec
    from optimize.structures import generate
    from sim.report.floorplan import SCALE, WINDOW_D, WINDOW_W, Canvas, _text_width
    from sim.scenario.layout import layout_of, window_positions

    data = yaml.safe_load((ROOT / "scenarios" / "xinglongtai" / "after.yaml")
                          .read_text(encoding="utf-8"))
    data |= yaml.safe_load((ROOT / "scenarios" / "xinglongtai" / "layouts" / "rows.yaml")
                           .read_text(encoding="utf-8"))
    sc = scenario_from_dict(data, "兴隆台.yaml")
    types = generate(sc, OptimizeSpec(), "dedicated")
    staffed = structure_scenario(sc, types, redistribute(sc, types, 24), "专窗")
    svg = floorplan_svg(staffed)
    canvas = Canvas.of(layout_of(staffed))
    boxes = []
    for w in window_positions(layout_of(staffed), staffed):
        x, y = canvas.px(w.x, w.y)
        boxes.append((x - WINDOW_W * SCALE / 2, y - WINDOW_D * SCALE / 2,
                      x + WINDOW_W * SCALE / 2, y + WINDOW_D * SCALE / 2))
    names = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="middle" '
                       r'class="group">([^<]+)</text>', svg)
    assert len(names) == 15
    for x, y, name in names:
        half = _text_width(name) / 2
        box = (float(x) - half, float(y) - 11, float(x) + half, float(y) + 4)
        assert not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                       for b in boxes), name
        boxes.append(box)
