"""A real browser on the real server: ``hallsim serve`` in a subprocess, Debian's Chromium
driven by Playwright (never a browser Playwright downloads).

Every request the page makes is recorded (:attr:`Browser.requests`) and every console
error (:attr:`Browser.errors`), for the tests to check that nothing leaves this machine
and nothing fails. Outside CI the tests are skipped when no Chromium is installed; in CI
(``CI=true``) a missing Chromium fails them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]


def chromium() -> str:
    """Path of the system's Chromium, or skip (fail in CI) when there is none."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI must run the browser tests: install Debian's chromium")
    pytest.skip("no Chromium installed (apt-get install chromium)")


def free_port() -> int:
    """A TCP port free on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env() -> dict[str, str]:
    """This environment without pytest's marker (NiceGUI would run as its own test server)."""
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


@contextmanager
def server(workspace: Path, *extra: str, env: dict[str, str] | None = None
           ) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``hallsim serve`` on a free port; yields its base address and process."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli.main", "serve", "--port", str(port), "--workspace",
         str(workspace), *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=_server_env() | (env or {}))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/_nicegui/auto/static/x", timeout=1)
            except urllib.error.HTTPError:
                break  # the server answers (404 or 403): it is up
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(f"hallsim serve ended: {proc.stdout.read()}") from None
                time.sleep(0.1)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass
class Browser:
    """A page of Chromium with what it requested and the errors it logged."""

    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    shots: Path | None = None

    def by(self, test_id: str) -> Any:
        """The element with ``data-testid=test_id``."""
        return self.page.get_by_test_id(test_id)

    def fill(self, test_id: str, text: str) -> None:
        """Type ``text`` into the input with ``test_id`` (Quasar puts the id on the native
        input of a text or number field)."""
        element = self.by(test_id)
        if element.evaluate("e => e.tagName") != "INPUT":
            element = element.locator("input")
        element.fill(text)

    def shot(self, name: str) -> None:
        """Save a 1366x768 screenshot as ``web-NAME.png`` when screenshots are asked for."""
        if self.shots is not None:
            self.page.wait_for_timeout(700)  # charts finish their animation
            self.page.screenshot(path=str(self.shots / f"web-{name}.png"))

    def outside(self) -> list[str]:
        """Requests to anywhere but this server."""
        return [u for u in self.requests
                if not u.startswith((self.base + "/", "data:", "blob:"))]


@contextmanager
def browser(base: str) -> Iterator[Browser]:
    """Chromium at 1366x768 on ``base``, in Chinese (``zh-CN``)."""
    from playwright.sync_api import sync_playwright

    path = chromium()
    shots = os.environ.get("HALLSIM_WEB_SCREENSHOTS")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=LAUNCH_ARGS)
        try:
            context = b.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                    accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(20_000)
            out = Browser(page, base, shots=Path(shots) if shots else None)
            page.on("request", lambda r: out.requests.append(r.url))
            page.on("console", lambda m: out.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: out.errors.append(str(e)))
            yield out
        finally:
            b.close()


def slow_link(page: Any, latency_ms: int) -> None:
    """Delay everything between ``page`` and the server by ``latency_ms`` each way
    (Chromium's own network emulation, which the page's websocket goes through too)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": latency_ms, "downloadThroughput": -1,
        "uploadThroughput": -1})
