"""Stories about the floor-plan figure: the SVG parses, has one element per window where
the layout puts it, and colours windows by a figure read from a results document."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.files.errors import InputError
from sim.report.floorplan import SCALE, Canvas, colour, floorplan_svg, scale_range
from sim.scenario.layout import window_positions
from tests.layout.halls import HALL, hall

SVG = "{http://www.w3.org/2000/svg}"


def _elements(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {e.get("id"): e for e in root.iter() if e.get("id")}


def test_every_window_is_one_element_at_its_layout_position() -> None:
    sc = hall()
    found = _elements(floorplan_svg(sc))
    canvas = Canvas.of(sc.layout)
    windows = {i: e for i, e in found.items() if i.startswith("window-")}
    assert sorted(windows) == ["window-不动产-1", "window-不动产-2", "window-不动产-3",
                               "window-社保-1", "window-社保-2"]
    for w in window_positions(sc.layout, sc):
        g = windows[w.element_id]
        assert (float(g.get("data-x")), float(g.get("data-y"))) == (w.x, w.y)
        rect = g.find(f"{SVG}rect")
        centre = (float(rect.get("x")) + float(rect.get("width")) / 2,
                  float(rect.get("y")) + float(rect.get("height")) / 2)
        assert centre == pytest.approx(canvas.px(w.x, w.y))


def test_the_waiting_area_is_drawn_to_scale_and_the_front_is_at_the_bottom() -> None:
    sc = hall()
    area = _elements(floorplan_svg(sc))["area-等候区"]
    assert float(area.get("width")) == 12 * SCALE and float(area.get("height")) == 5 * SCALE
    canvas = Canvas.of(sc.layout)
    assert float(area.get("y")) == canvas.px(3, 10)[1]  # its far edge (y = 10 m) on top
    assert canvas.px(10, 0)[1] > canvas.px(10, 15)[1]


def test_windows_take_the_colour_of_their_groups_utilisation() -> None:
    doc = {"overall": {}, "by_window": {"不动产": {"utilisation": 0.9, "served": 50},
                                        "社保": {"utilisation": 0.3, "served": 40}}}
    found = _elements(floorplan_svg(hall(), doc, "utilisation"))
    fills = {i: e.find(f"{SVG}rect").get("fill") for i, e in found.items()
             if i.startswith("window-")}
    low, high = scale_range([0.9, 0.3], "utilisation")
    assert fills["window-不动产-2"] == colour(0.9, low, high)
    assert fills["window-社保-1"] == colour(0.3, low, high) != fills["window-不动产-1"]


def test_a_hall_busy_to_the_full_is_scaled_up_to_100_percent_not_beyond() -> None:
    """Every group at 100 %: the legend read 95 % / 100 % / 105 %, a utilisation no window
    can have. The scale now ends at 100 % (90-100 %); a served count is not capped."""
    assert scale_range([1.0, 1.0], "utilisation") == pytest.approx((0.9, 1.0))
    assert scale_range([0.98, 0.999], "utilisation")[1] == pytest.approx(1.0)
    assert scale_range([100.0, 100.0], "served")[1] > 100


def test_a_zone_is_coloured_by_the_mean_wait_of_its_served_tickets() -> None:
    doc = {"overall": {}, "by_category": {"不动产登记": {"wait_mean": 12.0, "served": 30},
                                          "社保": {"wait_mean": 4.0, "served": 10}}}
    found = _elements(floorplan_svg(hall(), doc, "wait_mean"))
    assert "不动产: " in found["window-不动产-1"].find(f"{SVG}title").text
    assert "12.0" in found["window-不动产-1"].find(f"{SVG}title").text


def test_a_document_of_another_hall_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        floorplan_svg(hall(), {"overall": {}, "by_window": {"X": {"utilisation": 1}}})
    assert caught.value.path == "--results"


def test_plan_view_writes_the_svg_and_refuses_a_broken_results_file(tmp_path: Path) -> None:
    import yaml

    scenario = tmp_path / "hall.yaml"
    scenario.write_text(yaml.safe_dump(HALL, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "hall.svg"
    assert main(["plan-view", str(scenario), "--out", str(out)]) == 0
    assert "window-社保-2" in _elements(out.read_text(encoding="utf-8"))
    bad = tmp_path / "r.json"
    bad.write_text(json.dumps({"nothing": 1}), encoding="utf-8")
    assert main(["plan-view", str(scenario), "--results", str(bad), "--out",
                 str(tmp_path / "b.svg")]) == 2
    assert not (tmp_path / "b.svg").exists()


def test_a_floor_plan_named_png_is_refused_rather_than_written_as_svg(tmp_path: Path,
                                                                       capsys) -> None:
    import yaml

    scenario = tmp_path / "hall.yaml"
    scenario.write_text(yaml.safe_dump(HALL, allow_unicode=True), encoding="utf-8")
    for verb in (["plan-view", str(scenario)],
                 ["replay", str(scenario), "--records", str(scenario)]):
        with pytest.raises(SystemExit) as stop:
            main([*verb, "--out", str(tmp_path / "plan.png")])
        assert stop.value.code == 2
        assert "must end in" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [scenario]


def test_the_report_of_a_store_shows_the_floor_plan_of_its_hall(tmp_path: Path) -> None:
    import yaml

    scenario = tmp_path / "hall.yaml"
    scenario.write_text(yaml.safe_dump(HALL, allow_unicode=True), encoding="utf-8")
    experiment = tmp_path / "exp.yaml"
    experiment.write_text(yaml.safe_dump({
        "name": "一个大厅", "scenarios": {"小型大厅": str(scenario)}, "days": 1,
        "factors": {"arrival_scale": [1.0]}, "replications": 2, "seed": 3},
        allow_unicode=True), encoding="utf-8")
    store = tmp_path / "runs.sqlite"
    assert main(["batch", "run", str(experiment), "--store", str(store), "-q"]) == 0
    assert main(["report", str(store), "--out", str(tmp_path / "r")]) == 0
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert page.count('id="window-不动产-') == 3 and 'id="area-等候区"' in page


def test_redrawing_a_plan_with_the_same_characters_cuts_the_font_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The floor plan editor redraws the plan at every number she types. Each drawing cut
    the Chinese font anew (about half a second, so a warning showed 1.2 s after the
    keystroke); the subset is now kept per set of characters, and a name typed in new
    characters still gets them."""
    import sim.report.floorplan as floorplan

    cut: list[str] = []
    real = floorplan.write_font_subset

    def counting(chars: str, out: Path) -> bool:
        cut.append(chars)
        return real(chars, out)

    monkeypatch.setattr(floorplan, "write_font_subset", counting)
    floorplan._font_face.cache_clear()
    sc = hall()
    first = floorplan_svg(sc)
    assert floorplan_svg(sc) == first and len(cut) == 1
    assert sc.layout is not None
    areas = {name + "（新）": area for name, area in sc.layout.waiting_areas.items()}
    renamed = sc.model_copy(update={"layout": sc.layout.model_copy(
        update={"waiting_areas": areas})})
    floorplan_svg(renamed)
    assert len(cut) == 2 and "新" in cut[1] and "新" not in cut[0]
