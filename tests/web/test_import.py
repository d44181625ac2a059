"""Story: a planner imports a ticket log. The bundled Chinese sample previews with the
columns the reader guessed, calibrates in a worker, shows rows kept and skipped, the
fitted items and the inferred window groups, and leaves a scenario the command line
runs, and its backtest against the same log. A broken XLSX, a GBK log, a name that would
leave the workspace and an oversized upload each get a message in the page; the page
keeps serving."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing.user import User

from sim.files.errors import InputError
from sim.scenario.loading import load_scenario
from sim.web.bundled import sample_logs
from sim.web.importlog import check_upload, fit_text, summary_text
from sim.web.tasks import preview_log
from sim.web.workspace import MAX_UPLOAD_BYTES
from tests.web.conftest import wait_for

SAMPLE = next(iter(sample_logs().values()))


def test_the_sample_previews_with_every_default_column_found() -> None:
    p = preview_log(str(SAMPLE), None)
    assert p["format"] == "hall" and p["mapping"]["item"] == "取号事项"
    # every column but the end time, which an export with durations does without
    assert all(v for f, v in p["mapping"].items() if f != "end_time") and len(p["rows"]) == 8
    assert p["mapping"]["end_time"] == ""


def test_a_gbk_log_previews_like_the_utf8_one(tmp_path: Path) -> None:
    gbk = tmp_path / "日志.csv"
    gbk.write_bytes(SAMPLE.read_text(encoding="utf-8-sig").encode("gbk"))
    assert preview_log(str(gbk), None)["rows"] == preview_log(str(SAMPLE), None)["rows"]


def test_oversized_empty_and_escaping_uploads_are_refused() -> None:
    with pytest.raises(InputError, match="upload limit"):
        check_upload("log.csv", MAX_UPLOAD_BYTES + 1)
    with pytest.raises(InputError, match="empty"):
        check_upload("log.csv", 0)
    with pytest.raises(InputError, match="upload"):
        check_upload("..\\..\\x.csv", 10)


def test_the_bundled_sample_calibrates_into_a_runnable_scenario(story, tmp_path: Path) -> None:
    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=import")
        user.find("import-sample-use").click()
        await wait_for(user, "import-preview")
        user.find("import-name").elements.pop().value = "示例大厅校准"
        user.find("import-calibrate").click()
        await wait_for(user, "calibrate-summary", 120)
        await user.should_see("tickets kept from 1 file(s)", retries=50)
        groups = user.find("calibrate-groups").elements.pop().rows
        assert len(groups) == 3
        user.find("backtest-start").click()
        await wait_for(user, "backtest-summary", 120)
        await user.should_see("In-sample backtest over 10 days", retries=50)
        # the backtest's two charts count different tickets, and say so
        await user.should_see("are those of served tickets; the share not called within",
                              retries=50)
        # a reload shows the log, the calibration and its backtest again
        await user.open("/?lang=en&tab=import")
        await wait_for(user, "calibrate-summary", 30)
        await wait_for(user, "backtest-summary", 30)
        assert len(user.find("calibrate-groups").elements.pop().rows) == 3

    story(play)
    scenario = load_scenario(tmp_path / "workspace" / "scenarios" / "示例大厅校准.yaml")
    assert set(scenario.categories) == {"企业开办", "税务登记", "社保办理", "不动产登记"}


def test_calibrating_again_never_replaces_a_scenario_the_planner_edited(story,
                                                                       tmp_path: Path) -> None:
    """She calibrated the sample last week and edited the hall since. Importing the same
    log again proposes a new name; typing the old one is refused, the edits kept."""
    scenarios = tmp_path / "workspace" / "scenarios"
    scenarios.mkdir(parents=True)
    edited = scenarios / f"calibrated-{SAMPLE.stem}.yaml"
    edited.write_text("# edited by hand: target 15 min\n", encoding="utf-8")

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=import")
        user.find("import-sample-use").click()
        await wait_for(user, "import-preview")
        field = user.find("import-name").elements.pop()
        assert field.value == f"calibrated-{SAMPLE.stem}-2"
        field.value = edited.stem
        user.find("import-calibrate").click()
        await user.should_see("a scenario of that name is in the workspace", retries=50)

    story(play)
    assert edited.read_text(encoding="utf-8") == "# edited by hand: target 15 min\n"


def test_a_broken_xlsx_shows_the_readers_message_and_the_page_goes_on(story) -> None:
    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=import")
        upload = user.find("import-upload").elements.pop()
        assert isinstance(upload, ui.upload)
        await upload.handle_uploads([SmallFileUpload("坏.xlsx", "application/zip",
                                                     b"PK\x03\x04 not really a workbook")])
        await wait_for(user, "import-error", 60)
        text = user.find("import-error").elements.pop().text
        assert text.startswith("hallsim: error: ") and "坏.xlsx" in text
        await user.open("/?lang=en&tab=workspace")
        await user.should_see("Bundled scenarios", retries=50)

    story(play)


def _ctx(lang: str):
    from sim.web.common import Context

    return Context(lang, None, None)  # summary_text and fit_text use only the language


def test_the_rows_kept_and_skipped_read_in_chinese_on_a_chinese_page() -> None:
    lines = ["2,660 tickets kept from 1 file(s)",
             "  skipped 2: service under 10 s (not a real service: left out)",
             "  skipped 1: ticket taken outside the opening hours",
             "  skipped 1: unknown status word (作废)",
             "  skipped 1: a reason no catalogue knows"]
    assert summary_text(_ctx("en"), lines) == "\n".join(lines)  # word for word
    zh = summary_text(_ctx("zh"), lines).splitlines()
    assert zh == ["保留 2,660 条取号记录（来自 1 个文件）",
                  "  跳过 2 条：办理时间不足 10 秒（不算真实办理，不计入）",
                  "  跳过 1 条：取号时间在办公时间之外",
                  "  跳过 1 条：无法识别的状态词（作废）",
                  "  跳过 1 条：a reason no catalogue knows"]


def test_every_reason_the_readers_skip_a_row_for_is_in_the_catalogue() -> None:
    from sim.calibration.tickets import _ROW_CHECKS

    for reason, _ in _ROW_CHECKS:
        shown = summary_text(_ctx("zh"), [f"  skipped 1: {reason}"])
        assert not any("a" <= ch <= "z" for ch in shown), shown


def test_a_fitted_family_is_named_in_the_pages_language() -> None:
    fit = {"family": "lognormal", "mean": 9.151, "cv": 0.6905}
    assert fit_text(_ctx("en"), fit) == "lognormal, mean 9.15 min, cv 0.69"
    assert fit_text(_ctx("zh"), fit) == "对数正态分布，均值 9.15 分钟，变异系数 0.69"


BANK_DATA = Path(__file__).parents[2].parent / "shared" / "data" / "anonymous-bank" / "1999-01.txt"
BANK_HEADER = ("vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\t"
               "vru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\t"
               "server\r\n")


def _bank_log(folder: Path) -> Path:
    """Three calls in the bank's tab-separated format, lines ended as the bank's are."""
    calls = ["AA0101\t1\t11\t2\tPS\t990104\t7:00:01\t7:00:06\t5\t7:00:06\t7:01:00\t54\tAGENT"
             "\t7:01:00\t7:03:00\t120\tMICHAL",
             "AA0101\t2\t12\t2\tPS\t990104\t7:10:01\t7:10:06\t5\t7:10:06\t7:11:06\t60\tHANG"
             "\t0:00:00\t0:00:00\t0\tNO_SERVER",
             "AA0101\t3\t13\t0\tNW\t990104\t7:20:01\t7:20:09\t8\t7:20:09\t7:20:39\t30\tAGENT"
             "\t7:20:39\t7:25:39\t300\tDORIT"]
    path = folder / "1999-01.txt"
    path.write_bytes((BANK_HEADER + "".join(c + "\r\n" for c in calls)).encode("latin-1"))
    return path


def test_a_bank_log_previews_its_first_calls_read_as_they_are(tmp_path: Path) -> None:
    p = preview_log(str(_bank_log(tmp_path)), None)
    assert p["format"] == "bank" and p["mapping"] == {} and not p["problem"]
    assert p["columns"][0] == "vru+line" and p["columns"][-1] == "server"
    assert [r[-1] for r in p["rows"]] == ["MICHAL", "NO_SERVER", "DORIT"]


@pytest.mark.skipif(not BANK_DATA.exists(), reason="Anonymous Bank log not present")
def test_the_real_bank_log_previews_eight_calls_of_seventeen_fields() -> None:
    p = preview_log(str(BANK_DATA), None)
    assert p["format"] == "bank" and len(p["rows"]) == 8
    assert all(len(r) == len(p["columns"]) == 17 for r in p["rows"])


def test_an_uploaded_bank_log_shows_its_first_calls_without_a_mapping(story, tmp_path: Path
                                                                       ) -> None:
    data = _bank_log(tmp_path).read_bytes()

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=import")
        upload = user.find("import-upload").elements.pop()
        assert isinstance(upload, ui.upload)
        await upload.handle_uploads([SmallFileUpload("1999-01.txt", "text/plain", data)])
        await wait_for(user, "import-preview", 60)
        shown = user.find("import-preview").elements.pop().rows
        assert [r["c4"] for r in shown] == ["PS", "PS", "NW"]
        await user.should_see("Format: bank (read as it is, no mapping needed)")
        await user.should_not_see(marker="import-map-item")

    story(play)


def test_the_upload_box_says_what_to_do_in_chinese(story) -> None:
    """An upload box is a grey bar with a + until it says how it is used."""
    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=import")
        upload = user.find("import-upload").elements.pop()
        assert upload.props["label"] == "点击 + 选择文件，或拖放到此处"  # the kinds: above it

    story(play)


def test_a_failed_upload_leaves_nothing_of_the_log_before_to_calibrate(story) -> None:
    """She looked at the sample, then uploads a screenshot renamed 截图.xlsx. The page
    said the file could not be read (in English: "File is not a zip file") and still
    showed the sample with an enabled 校准, which calibrated the sample under her name.
    Now the sample's preview, mapping and 校准 go, and the reason reads in Chinese."""
    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=import")
        user.find("import-sample-use").click()
        await wait_for(user, "import-calibrate")
        upload = user.find("import-upload").elements.pop()
        assert isinstance(upload, ui.upload)
        await upload.handle_uploads([SmallFileUpload("截图.xlsx", "application/zip",
                                                     b"\x89PNG\r\n\x1a\n not a workbook")])
        await wait_for(user, "import-error", 60)
        await user.should_not_see(marker="import-preview")
        await user.should_not_see(marker="import-calibrate")
        await user.should_not_see(marker="import-map-item")
        text = user.find("import-error").elements.pop().text
        assert text.startswith("错误：截图.xlsx，") and "不是可读取的 XLSX 工作簿" in text
        assert "zip" not in text
        # a readable log afterwards is shown, and calibrates, as before
        user.find("import-sample-use").click()
        await wait_for(user, "import-calibrate")
        await user.should_not_see(marker="import-error")

    story(play)


def test_the_name_refused_goes_once_the_name_is_given_and_reads_as_the_form(story) -> None:
    """She cleared 方案名称 and pressed 校准: the page said 字段“name”：需要名称, the file's
    word, and kept saying it after she typed a name (and a target of -5, which its field
    refused). The message names the field as the form does, and goes with the fix."""
    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=import")
        user.find("import-sample-use").click()
        await wait_for(user, "import-calibrate")
        name = user.find("import-name").elements.pop()
        name.value = ""
        user.find("import-calibrate").click()
        await wait_for(user, "calibrate-error", 10)
        assert user.find("calibrate-error").elements.pop().text == "错误：字段“方案名称”：需要名称"
        name.value = "示例大厅校准"
        await user.should_not_see(marker="calibrate-error", retries=20)
        user.find("import-target").elements.pop().value = -5
        user.find("import-calibrate").click()
        await user.should_see("目标等待（分钟）须为", retries=20)
        await user.should_not_see(marker="calibrate-error")

    story(play)
