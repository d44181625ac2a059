"""Story: a district's queue system writes its own status words: 办理完毕 for a served
ticket and 未到场 for one that did not come when called. Read with the default words, no
row is usable; the planner types the district's words in the import tab (as
``hallsim calibrate --mapping MAP.yaml`` would take them) and the log reads exactly as the
bundled sample it was made from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing.user import User

from sim.calibration.readers import read_logs
from sim.files.errors import InputError
from sim.web.bundled import sample_logs
from sim.web.importlog import parse_words
from sim.web.tasks import calibrate_log
from tests.web.conftest import visible, wait_for

SAMPLE = next(iter(sample_logs().values()))


def _district_log() -> bytes:
    text = SAMPLE.read_text(encoding="utf-8-sig")
    return text.replace(",已办结", ",办理完毕").replace(",过号", ",未到场").encode("utf-8")


def test_status_words_typed_with_chinese_or_latin_commas_are_split() -> None:
    assert parse_words("办理完毕，已办结、 完成, 结束") == ["办理完毕", "已办结", "完成", "结束"]
    assert parse_words("  ") == []


def test_the_page_reads_a_log_with_the_districts_own_status_words(story,
                                                                  tmp_path: Path) -> None:
    district = tmp_path / "区县导出.csv"
    district.write_bytes(_district_log())
    with pytest.raises(InputError, match="unknown status word"):  # the default words
        read_logs([district], None)
    shown: list[str] = []

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=import")
        upload = user.find("import-upload").elements.pop()
        await upload.handle_uploads([SmallFileUpload("区县导出.csv", "text/csv",
                                                     _district_log())])
        await wait_for(user, "import-preview", 60)
        user.find("import-status-served").elements.pop().value = "办理完毕"
        user.find("import-status-no_show").elements.pop().value = "未到场，弃号"
        user.find("import-name").elements.pop().value = "区县大厅"
        user.find("import-calibrate").click()
        await wait_for(user, "calibrate-summary", 120)
        shown.append(user.find("calibrate-summary").elements.pop().text)

    story(play)
    sample = calibrate_log([str(SAMPLE)], None, "示例", str(tmp_path / "示例.yaml"),
                           str(tmp_path / "report"))  # the sample with the default words
    assert shown == ["\n".join(sample["summary"])]
    assert sample["kept"] > 2600
    assert (tmp_path / "workspace" / "scenarios" / "区县大厅.yaml").exists()


def test_a_reload_shows_the_columns_and_words_the_calibration_was_made_with(
        story, tmp_path: Path) -> None:
    """The district's export heads its items 业务名称 and says 办理完毕: she maps the
    column, types the words, calibrates, and reloads. The calibration came back, but the
    mapping went back to the reader's guesses ("-") and the words to the defaults, under a
    red "required column missing", so 校准 again failed. Both now come back as made."""
    text = _district_log().decode("utf-8").replace("取号事项", "业务名称", 1)
    seen: dict[str, Any] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=import")
        upload = user.find("import-upload").elements.pop()
        await upload.handle_uploads([SmallFileUpload("区县导出.csv", "text/csv",
                                                     text.encode("utf-8"))])
        await wait_for(user, "import-preview", 60)
        user.find("import-map-item").elements.pop().value = "业务名称"
        user.find("import-status-served").elements.pop().value = "办理完毕"
        user.find("import-status-no_show").elements.pop().value = "未到场，弃号"
        user.find("import-name").elements.pop().value = "区县大厅"
        user.find("import-calibrate").click()
        await wait_for(user, "calibrate-summary", 120)
        await user.open("/?lang=zh&tab=import")
        await wait_for(user, "calibrate-summary", 30)
        seen["item"] = user.find("import-map-item").elements.pop().value
        seen["served"] = user.find("import-status-served").elements.pop().value
        seen["error"] = visible(user, "import-error")

    story(play)
    assert seen == {"item": "业务名称", "served": "办理完毕", "error": False}
