"""Story: on the Chinese floor plan tab a planner mistypes a corner (「30,2O」, a letter O
for a zero), empties an entrance's name, then gives it a space. Each time the page says
what is wrong in Chinese, from the message catalogue, not in the checks' English."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nicegui.testing.user import User

from tests.web.conftest import quickstart_workspace


def test_the_floor_plans_refusals_are_in_chinese(story, tmp_path: Path) -> None:
    quickstart_workspace(tmp_path)
    said: list[str] = []

    async def play(user: User) -> None:
        await user.open("/?tab=layout&scenario=quickstart")
        await user.should_see(marker="layout-outline")
        for marker, typed in (("layout-outline", "0,0; 30,0; 30,2O; 0,20"),
                              ("layout-entrances-0-name", ""),
                              ("layout-entrances-0-name", "北 门")):
            user.find(marker).elements.pop().value = typed
            await asyncio.sleep(0.1)
            said.append(user.find("layout-error").elements.pop().text)
            user.find("layout-automatic").click()  # back to a valid plan
            await asyncio.sleep(0.2)

    story(play)
    assert "“30,2O”不是一个点" in said[0], said
    assert "请填写名称" in said[1], said
    assert "名称“北 门”只能使用文字、数字和 _ . : -" in said[2], said
    for text in said:
        assert not any(word in text for word in ("is not a point", "may use", "name "))
