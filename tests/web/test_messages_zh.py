"""Story: a planner on the Chinese page uploads logs the reader cannot use, names a
forecast after a scenario that exists, and asks the optimiser for the impossible; each
time the page says what is wrong in Chinese (the command line keeps its English), and
a log whose column is missing is refused when it is previewed, not after 校准."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing.user import User

from sim.files.errors import InputError
from sim.report.i18n import set_language
from sim.report.messages import error_text
from sim.web.bundled import sample_logs
from tests.web.conftest import quickstart_workspace, visible, wait_for

SAMPLE = next(iter(sample_logs().values()))
ROOT = Path(__file__).resolve().parents[2]


async def _upload(user: User, name: str, data: bytes) -> str:
    """Upload ``data`` as ``name`` in the import tab; the message the page shows."""
    upload = user.find("import-upload").elements.pop()
    assert isinstance(upload, ui.upload)
    await upload.handle_uploads([SmallFileUpload(name, "text/csv", data)])
    await wait_for(user, "import-error", 60)
    for _ in range(300):
        text = user.find("import-error").elements.pop().text
        if name in text:
            return text
        await asyncio.sleep(0.1)
    return text


def test_a_log_without_a_required_column_is_refused_at_preview_in_chinese(story) -> None:
    text = SAMPLE.read_text(encoding="utf-8-sig")
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=import")
        no_status = "\n".join(",".join(line.split(",")[:-1]) for line in text.splitlines())
        shown["missing"] = await _upload(user, "无状态.csv", no_status.encode("utf-8"))
        shown["name"] = user.find("import-name").elements.pop().value  # previewed all the same
        shown["broken"] = await _upload(user, "乱码.csv", b"\x81\x30\xff\xfe,\xff\n" * 3)

    story(play)
    assert shown["missing"].startswith("错误：")
    assert "缺少必需的列（状态；文件中的列：排队号" in shown["missing"]
    assert "required column" not in shown["missing"] and "字段“状态”：" in shown["missing"]
    assert shown["name"] == "校准-无状态"
    assert "无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030" in shown["broken"]
    assert "unreadable" not in shown["broken"]


def test_the_optimisers_refusal_says_why_in_chinese_and_what_to_choose() -> None:
    solver = (ROOT / "optimize" / "solve.py").read_text(encoding="utf-8")
    assert "cannot carry the load of" in solver and "erlangs) at the service level" in solver
    exc = InputError("示例.yaml", "", (
        "no staffing plan meets the service level: "
        "period 09:00: the 6 desks cannot carry the load of 社保办理, 税务登记 "
        "(7.25 erlangs) at the service level; period 10:00: the 6 desks cannot carry "
        "the load of 社保办理 (6.50 erlangs) at the service level. To let the optimiser "
        "open more windows than the hall has today, choose 'desks: no limit'."))
    try:
        set_language("zh")
        text = error_text(exc)
    finally:
        set_language("en")
    assert text == ("错误：示例.yaml，没有能达到服务水平的排班方案：时段 09:00：现有 6 "
                    "个窗口在目标服务水平下承担不了 社保办理、税务登记 的工作量（7.25 个窗口的"
                    "满负荷工作量）；时段 10:00：现有 6 个窗口在目标服务水平下承担不了 社保办理 的"
                    "工作量（6.50 个窗口的满负荷工作量）。如允许优化开设多于大厅现有数量的窗口，"
                    "请选择“窗口上限：不限”后重试。")
    assert error_text(exc) == f"hallsim: error: {exc}"  # English: the command line's words


def test_a_forecast_named_after_an_existing_scenario_is_refused_in_chinese(
        story, tmp_path: Path) -> None:
    quickstart_workspace(tmp_path)
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=forecast&scenario=quickstart")
        await user.should_see(marker="forecast-name", retries=50)
        user.find("forecast-name").elements.pop().value = "quickstart"
        user.find("forecast-start").click()
        await wait_for(user, "forecast-error", 30)
        shown["text"] = user.find("forecast-error").elements.pop().text

    story(play)
    assert shown["text"] == "错误：quickstart，字段“name”：工作区中已有同名方案：请换一个名称"


def test_remapping_the_missing_column_clears_the_message(story) -> None:
    """The district's export calls the status column 办理结果: the preview says the status
    is missing; the planner points 状态 at 办理结果 and the message goes."""
    text = SAMPLE.read_text(encoding="utf-8-sig").replace(",状态\n", ",办理结果\n", 1)
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=import")
        shown["missing"] = await _upload(user, "结果列.csv", text.encode("utf-8"))
        user.find("import-map-status").elements.pop().value = "办理结果"
        shown["after"] = visible(user, "import-error")

    story(play)
    assert "缺少必需的列（状态" in str(shown["missing"])
    assert shown["after"] is False


def test_a_workers_message_names_the_workspace_file_not_the_servers_path() -> None:
    """A job's error comes back as the command line's text, path and all; the page names
    the file as the planner knows it, in either language. The command line keeps the path."""
    from sim.report.i18n import set_language
    from sim.report.messages import error_text_of

    text = ("/srv/hallsim/ws/scenarios/玉门.yaml: field 'windows.MKT.count': "
            "Input should be greater than or equal to 1")
    try:
        set_language("zh")
        assert error_text_of(text, file_name=True) == \
            "错误：玉门.yaml，字段“windows.MKT.count”：应不小于 1"
        set_language("en")
        assert error_text_of(text, file_name=True) == (
            "hallsim: error: 玉门.yaml: field 'windows.MKT.count': "
            "Input should be greater than or equal to 1")
        assert error_text_of(text) == "hallsim: error: " + text
    finally:
        set_language("en")
