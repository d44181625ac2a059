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


@pytest.fixture
def story(tmp_path: Path) -> Callable[[Callable[[User], Awaitable[None]]], None]:
    """``story(fn)`` plays ``fn(user)`` against a fresh workspace in ``tmp_path``."""
    return lambda fn: run_story(tmp_path / "workspace", fn)
