"""Fixtures of the layout tests: a headless Chromium driven by Playwright.

Browser tests carry the ``browser`` marker; without a Chromium they are skipped, unless
the environment variable ``CI`` is set (then a missing browser fails them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: the system's Chromium (never a downloaded one)
CHROMIUM = os.environ.get("HALLSIM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
#: flags for a quiet headless Chromium in a container
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (Playwright), shared by a module's tests."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM} (CI is set: browser tests must run)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
