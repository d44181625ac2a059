"""Fixtures of the web tests: a page driven by NiceGUI's own test client."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

pytest.importorskip("nicegui", reason="the web extra is not installed")

from nicegui.testing.user import User  # noqa: E402
from nicegui.testing.user_simulation import user_simulation  # noqa: E402

MAIN = Path(__file__).with_name("main_app.py")


def run_story(workspace: Path, story: Callable[[User], Awaitable[None]]) -> None:
    """Start the application on ``workspace`` in NiceGUI's test client and play ``story``."""

    async def play() -> None:
        os.environ["HALLSIM_TEST_WORKSPACE"] = str(workspace)
        async with user_simulation(main_file=MAIN) as user:
            await story(user)

    asyncio.run(play())


def visible(user: User, marker: str) -> bool:
    """Whether an element with ``marker`` is on the page and visible."""
    try:
        user.find(marker)
    except AssertionError:
        return False
    return True


async def wait_for(user: User, marker: str, seconds: float = 90) -> None:
    """Wait until an element with ``marker`` shows (a job's result), at most ``seconds``."""
    for _ in range(int(seconds * 10)):
        if visible(user, marker):
            return
        await asyncio.sleep(0.1)
    await user.should_see(marker=marker)


@pytest.fixture
def story(tmp_path: Path) -> Callable[[Callable[[User], Awaitable[None]]], None]:
    """``story(fn)`` plays ``fn(user)`` against a fresh workspace in ``tmp_path``."""
    return lambda fn: run_story(tmp_path / "workspace", fn)


def quickstart_workspace(tmp_path: Path) -> Path:
    """A workspace in ``tmp_path`` holding the bundled quickstart scenario; its folder."""
    import shutil

    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MAIN.parents[2] / "scenarios" / "quickstart.yaml", ws / "quickstart.yaml")
    return ws.parent
