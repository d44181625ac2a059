"""Stories of items taken out of a hall and added to it, in Chinese.

A planner removes the tax and social insurance items with the bin beside each: their
rows leave the authorisation (授权) grid at once. Window group C served only those two;
the page says so in Chinese (it now serves no item: tick one or remove the group), not
in pydantic's English, and ticking 出件 for C puts it right. Clicking 添加事项 with no
name says what is missing under the name field, beside the button, not at the top of
the page as a file's field path."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml
from nicegui.testing.user import User

from tests.web.conftest import quickstart_workspace, visible


def test_removed_items_leave_the_grid_and_an_empty_group_is_named(story,
                                                                   tmp_path: Path) -> None:
    ws = quickstart_workspace(tmp_path)
    seen: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?tab=editor&scenario=quickstart")
        await user.should_see(marker="auth-tax-C")
        user.find("item-remove-tax").click()
        await user.should_see("已删除事项“tax”", retries=50)
        await user.should_not_see(marker="item-remove-tax", retries=50)  # redrawn
        user.find("item-remove-social_insurance").click()
        await user.should_see("已删除事项“social_insurance”", retries=50)
        await user.should_not_see(marker="item-remove-social_insurance", retries=50)
        seen["rows gone"] = not any(visible(user, f"auth-{item}-{g}")
                                    for item in ("tax", "social_insurance")
                                    for g in "ABC")
        seen["error"] = user.find("editor-error").elements.pop().text
        user.find("auth-certificate_pickup-C").elements.pop().value = True
        await asyncio.sleep(0.2)
        seen["error after"] = visible(user, "editor-error")
        user.find("editor-save").click()
        await user.should_see("已保存")

    story(play)
    assert seen["rows gone"]
    assert "窗口组 C 现在不办理任何事项" in str(seen["error"]), seen["error"]
    assert "Tuple" not in str(seen["error"]) and "windows.C.serves" in str(seen["error"])
    assert seen["error after"] is False
    saved = yaml.safe_load((ws / "scenarios" / "quickstart.yaml").read_text("utf-8"))
    assert {g["id"]: g["serves"] for g in saved["windows"]}["C"] == ["certificate_pickup"]


def test_an_item_without_a_name_is_refused_beside_the_button(story, tmp_path: Path) -> None:
    quickstart_workspace(tmp_path)
    seen: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?tab=editor&scenario=quickstart")
        await user.should_see(marker="item-add")
        user.find("item-add").click()
        field = user.find("item-add-name").elements.pop()
        for _ in range(50):  # the click is handled
            if field.error:
                break
            await asyncio.sleep(0.1)
        seen["under the field"] = field.error
        seen["top of the page"] = visible(user, "editor-error")
        field.value = "出生登记"
        seen["after typing"] = field.error

    story(play)
    assert seen["under the field"] == "请填写新事项的名称"
    assert seen["top of the page"] is False
    assert seen["after typing"] is None


def test_an_item_a_waiting_area_seats_is_kept_and_the_note_says_where_to_change_it() -> None:
    """兴隆台's business waiting area seats 企业开办's customers by name: removing 企业开办
    is refused, and the note sends the planner to the floor plan tab's waiting area, not
    to ``layout.waiting_areas.商事等候区.serves.0`` alone."""
    from sim.report.i18n import set_language, tr
    from sim.web.editor import still_used, used_by

    root = Path(__file__).resolve().parents[2] / "scenarios" / "xinglongtai"
    hall = yaml.safe_load((root / "after.yaml").read_text("utf-8"))
    hall["layout"] = yaml.safe_load((root / "layouts" / "rows.yaml").read_text("utf-8"))["layout"]
    item = next(iter(hall["categories"]))
    hall["layout"]["waiting_areas"]["商事等候区"]["serves"] = [item]
    field = still_used(hall, item, "兴隆台.yaml")
    assert field == "layout.waiting_areas.商事等候区.serves.0"
    set_language("zh")
    try:
        note = used_by(tr, item, field)
    finally:
        set_language("en")
    assert note == (f"事项“{item}”未删除：等候区“商事等候区”安排了它的群众；"
                    "请先在“平面布局”中把它从该等候区去掉"
                    "\n（字段“layout.waiting_areas.商事等候区.serves.0”）")
