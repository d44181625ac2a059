"""Stories of bad input in the reader's language: a Chinese planning office runs
``hallsim --lang zh validate`` (or edits in the Chinese page) and reads what is wrong in
Chinese, with the file and the field as they are; English stays the command line's words,
byte for byte; a problem no template knows stays whole, in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sim.cli.main import main
from sim.files.errors import InputError
from sim.report.i18n import set_language
from sim.report.messages import TEMPLATES, error_text, error_text_of, problem_text
from tests.report.test_i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


def _bad_hall(tmp_path: Path, change) -> Path:
    data = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text("utf-8"))
    change(data)
    path = tmp_path / "大厅.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_every_template_has_its_chinese_with_the_same_placeholders() -> None:
    zh = catalogue()
    for template in TEMPLATES:
        assert zh.get(template), template
        assert set(re.findall(r"\{\w+\}", template)) == set(re.findall(r"\{\w+\}",
                                                                       zh[template]))


@pytest.mark.parametrize(("change", "field", "chinese"), [
    (lambda d: d["windows"][1].__setitem__("count", 0), "windows.B.count", "应不小于 1"),
    (lambda d: d["windows"][0]["schedule"].__setitem__("09:30", 5),
     "windows.A.schedule.09:30", "在岗 5 个窗口，但该窗口组只有 3 个窗口"),
    (lambda d: d["windows"][0].__setitem__("serves", ["tax"]), "categories.business_registration",
     "没有窗口办理事项“business_registration”"),
    (lambda d: d["categories"]["tax"]["arrivals_per_hour"].__setitem__("07:00", 3),
     "categories.tax.arrivals_per_hour.07:00", "时间 07:00 不在办公时间"),
    (lambda d: d["windows"][0].__setitem__("colour", "red"), "windows.A.colour", "未知字段"),
    (lambda d: d["hall"].__setitem__("open", ["08:30-12:00", "11:00-13:00"]), "hall.open",
     "时段“11:00-13:00”与前一个时段重叠"),
])
def test_a_chinese_office_reads_the_problem_in_chinese_with_file_and_field(
        tmp_path: Path, capsys, change, field: str, chinese: str) -> None:
    path = _bad_hall(tmp_path, change)
    assert main(["--lang", "zh", "validate", str(path)]) == 2
    zh = capsys.readouterr().err
    assert zh.startswith(f"hallsim: 错误：{path}，字段“{field}”：") and chinese in zh
    assert main(["validate", str(path)]) == 2
    en = capsys.readouterr().err
    assert en.startswith(f"hallsim: error: {path}: field '{field}': ")
    assert not re.search("[\u4e00-\u9fff]", en.replace(str(path), ""))


def test_several_problems_are_translated_one_by_one() -> None:
    set_language("zh")
    text = problem_text("Input should be greater than 0; field 'windows.B.count': "
                        "Input should be a valid integer")
    assert text == "应大于 0；字段“windows.B.count”：应为整数"


def test_a_problem_no_template_knows_stays_whole_in_english() -> None:
    set_language("zh")
    odd = "the moon is not a window group"
    assert problem_text(odd) == odd
    assert error_text(InputError("a.yaml", "x", odd)) == f"错误：a.yaml，字段“x”：{odd}"


def test_english_is_the_command_lines_message_unchanged() -> None:
    exc = InputError("a.yaml", "windows.B.count", "Input should be greater than or equal to 1")
    assert error_text(exc) == "hallsim: error: a.yaml: field 'windows.B.count': Input should " \
                              "be greater than or equal to 1"
    assert error_text_of(str(exc)) == error_text(exc)


def test_a_workers_message_is_taken_apart_again() -> None:
    set_language("zh")
    exc = InputError("/ws/大厅.yaml", "windows.A.schedule.09:30",
                     "5 windows staffed, but the group has count 3")
    assert error_text_of(str(exc)) == error_text(exc)
    assert error_text_of("/ws/x.csv: required field is missing") == \
        "错误：/ws/x.csv，缺少必填字段"
    assert error_text_of("TypeError: boom") == "错误：TypeError: boom"


def test_the_commonest_mistake_a_missing_file_reads_in_chinese(tmp_path: Path, capsys) -> None:
    """A mistyped file name, and a folder given for a file: the whole line in Chinese."""
    missing = tmp_path / "没有这个.yaml"
    assert main(["--lang", "zh", "run", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == f"hallsim: 错误：{missing}，找不到文件"
    assert main(["--lang", "zh", "validate", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == f"hallsim: 错误：{tmp_path}，这是文件夹，不是文件"


def test_validate_speaks_chinese_its_warnings_and_its_verdict(tmp_path: Path, capsys) -> None:
    """The quickstart hall with its morning tax demand tripled: validate warns of the
    overload and still passes the file, in Chinese; in English exactly as before."""
    def heavy(d: dict) -> None:
        d["categories"]["tax"]["arrivals_per_hour"] = {
            k: 3 * v for k, v in d["categories"]["tax"]["arrivals_per_hour"].items()}

    path = _bad_hall(tmp_path, heavy)
    assert main(["--lang", "zh", "validate", str(path)]) == 0
    out = capsys.readouterr()
    assert out.err.startswith(f"hallsim: 注意：{path}，") and "到达负荷超出办理能力" in out.err
    assert out.out.startswith(f"{path}：检查通过（quickstart：4 个事项，3 个窗口组共 10 个窗口")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr()
    assert out.err.startswith(f"hallsim: warning: {path}: offered load exceeds capacity")
    assert out.out.startswith(f"{path}: ok (quickstart: 4 categories, 3 window groups")


def test_a_hall_with_many_problems_says_how_many_more_in_chinese(tmp_path: Path) -> None:
    """A planner scaled her demand by a slip of the finger: every cell of the grid is now
    over the limit. The message names eight problems and says how many more: in Chinese
    it ended "应不大于 100000; and 4 more", the English tail read as part of the last
    problem."""
    from sim.scenario.model import load_scenario

    def flood(d: dict) -> None:
        for c in d["categories"].values():
            rate = c["arrivals_per_hour"]
            c["arrivals_per_hour"] = {k: 1e9 for k in rate} if isinstance(rate, dict) else 1e9

    path = _bad_hall(tmp_path, flood)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.problem.endswith(" more")  # the command line's English, as before
    set_language("zh")
    text = error_text(caught.value, file_name=True)
    assert "and" not in text and "more" not in text
    assert re.search(r"应不大于 100000；另有 \d+ 处问题$", text), text


def test_a_researchers_experiment_and_yaml_mistakes_read_in_chinese() -> None:
    """A design point that makes an invalid hall, a factor naming no field, and a YAML
    typo: the researcher under --lang zh read them in English."""
    set_language("zh")
    assert problem_text("design point P1 (arrival_scale=1.2) makes an invalid scenario: field "
                        "'windows.0.count': Input should be a valid integer") == \
        "设计点 P1 (arrival_scale=1.2) 得到的方案无效：字段“windows.0.count”：应为整数"
    assert problem_text("no such field in base scenario 'base' (a.yaml): no 'foo' at hall "
                        "(known: open, days)") == \
        "基准方案“base”（a.yaml）中没有这个字段：hall 下没有“foo”（现有：open、days）"
    assert problem_text("invalid YAML at line 21, column 3: expected ',' or ']', but got "
                        "'<scalar>'").startswith("YAML 格式有误（第 21 行，第 3 列）：")


def test_a_factor_named_like_a_results_column_and_a_plural_count_read_in_chinese() -> None:
    """A factor ``name`` would clash with the tidy table's ``name`` column; an outline of two
    corners is "at least 3 items" (pydantic's plural, which the singular template missed)."""
    set_language("zh")
    assert problem_text("factor 'name' has the name of a column of the results table (point, "
                        "name): its values would clash with that column's") == \
        "因素 'name' 与结果表的列同名（point, name）：其取值会与该列冲突，请换一个因素"
    assert problem_text("Tuple should have at least 3 items after validation, not 2") == \
        "至少需要 3 项，现有 2 项"


def test_a_floor_plan_mistake_reads_in_chinese(tmp_path: Path, capsys) -> None:
    """The planner moves the front wall in: the door is left outside the hall."""
    hall = yaml.safe_load((ROOT / "scenarios" / "xinglongtai" / "after.yaml")
                          .read_text("utf-8"))
    hall["layout"] = yaml.safe_load((ROOT / "scenarios" / "xinglongtai" / "layouts" /
                                     "rows.yaml").read_text("utf-8"))["layout"]
    hall["layout"]["outline"] = [[0, 1], [30, 1], [30, 20], [0, 20]]
    path = tmp_path / "兴隆台.yaml"
    path.write_text(yaml.safe_dump(hall, allow_unicode=True), encoding="utf-8")
    assert main(["--lang", "zh", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "字段“layout.entrances.正门.at”：[15, 0] 位于大厅轮廓之外" in err, err


def test_entrance_shares_are_said_in_percent_as_the_page_asks_for_them(tmp_path: Path,
                                                                      capsys) -> None:
    """Two doors of 70 % each: the page's fields are in percent, so is the message (the
    file's fraction beside it in English, where the file is what the reader edits)."""
    hall = yaml.safe_load((ROOT / "scenarios" / "xinglongtai" / "after.yaml")
                          .read_text("utf-8"))
    hall["layout"] = yaml.safe_load((ROOT / "scenarios" / "xinglongtai" / "layouts" /
                                     "rows.yaml").read_text("utf-8"))["layout"]
    hall["layout"]["entrances"] = {"正门": {"at": [15, 0], "share": 0.7},
                                   "侧门": {"at": [0, 10], "share": 0.7}}
    path = tmp_path / "兴隆台.yaml"
    path.write_text(yaml.safe_dump(hall, allow_unicode=True), encoding="utf-8")
    assert main(["--lang", "zh", "validate", str(path)]) == 2
    assert "各入口的客流比例之和为 140%（即 1.4）：须为 100%" in capsys.readouterr().err
    assert main(["validate", str(path)]) == 2
    assert "entrance shares add up to 1.4 (140 %): they must add up to 1 (100 %)" in \
        capsys.readouterr().err


def test_a_window_among_the_seats_is_refused_in_chinese(tmp_path: Path, capsys) -> None:
    """增加一排 put a new row of windows inside the waiting area: the hall is refused,
    naming the group and the area, instead of drawing windows over the seats."""
    hall = yaml.safe_load((ROOT / "scenarios" / "xinglongtai" / "after.yaml")
                          .read_text("utf-8"))
    hall["layout"] = yaml.safe_load((ROOT / "scenarios" / "xinglongtai" / "layouts" /
                                     "rows.yaml").read_text("utf-8"))["layout"]
    hall["layout"]["windows"]["INV"] = {"rows": [{"start": [24, 9], "direction": "+y",
                                                  "spacing": 2.5}]}
    path = tmp_path / "兴隆台.yaml"
    path.write_text(yaml.safe_dump(hall, allow_unicode=True), encoding="utf-8")
    assert main(["--lang", "zh", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "字段“layout.windows.INV”：窗口组“INV”的第 1 个窗口 [24, 9] 位于等候区“投资等候区”之内" \
        in err, err
