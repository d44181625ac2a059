"""Story: a planner starts ``hallsim serve`` with a slip of the hand: a file (or
``/dev/null``) for the workspace folder, port 99999, or a port another program already
holds. Each exits 2 naming the option, before the "open http://..." link is printed
(uvicorn used to print the link, then exit 3). And the server on this machine (no token)
answers this machine's pages only: a page of evil.example.com whose name was pointed at
127.0.0.1 (DNS rebinding), or that opens the page's websocket from its own site, is
refused; a host merely named "127.example.com" needs a token like any other name."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

pytest.importorskip("nicegui")  # the web extra (httpx comes with it)
httpx = pytest.importorskip("httpx")

from sim.cli.main import main  # noqa: E402
from sim.web.security import HostGate, needs_token  # noqa: E402


@pytest.mark.parametrize("where", ["file", "/dev/null", "/proc/hallsim-none"])
def test_a_workspace_that_is_no_folder_exits_2_naming_the_option(tmp_path, capsys, where):
    path = tmp_path / "notes.txt" if where == "file" else where
    if where == "file":
        path.write_text("x", encoding="utf-8")
    assert main(["serve", "--workspace", str(path), "--port", "1"]) == 2
    err = capsys.readouterr()
    assert f"{path}: option '--workspace': " in err.err and "open http" not in err.out


@pytest.mark.parametrize("port", ["99999", "0", "-1", "65536"])
def test_a_port_beyond_1_to_65535_is_refused_by_the_parser(capsys, port):
    with pytest.raises(SystemExit) as stop:
        main(["serve", "--port", port])
    assert stop.value.code == 2
    assert "argument --port: must be a port number from 1 to 65535" in capsys.readouterr().err


def test_a_port_in_use_exits_2_before_the_link_is_printed(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--workspace", str(tmp_path / "ws")]) == 2
    out = capsys.readouterr()
    assert f"option '--port': port {port} is in use" in out.err and "open http" not in out.out


def test_only_loopback_addresses_and_localhost_go_without_a_token():
    assert not any(needs_token(h) for h in ("127.0.0.1", "127.0.0.2", "localhost", "::1",
                                            "[::1]"))
    assert all(needs_token(h) for h in ("127.example.com", "127.0.0.1.nip.io", "0.0.0.0",
                                        "192.0.2.7", "localhost.example.com", ""))


async def _hello(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hall"})


def _get(host: str, origin: str | None = None) -> int:
    async def go() -> int:
        transport = httpx.ASGITransport(HostGate(_hello, "127.0.0.1"))
        headers = {"host": host} | ({"origin": origin} if origin else {})
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return (await c.get("/", headers=headers)).status_code

    return asyncio.run(go())


def test_a_page_of_another_site_is_refused_by_the_tokenless_server():
    assert _get("127.0.0.1:8080") == 200 and _get("localhost:8080") == 200
    assert _get("[::1]:8080") == 200
    assert _get("127.0.0.1:8080", origin="http://127.0.0.1:8080") == 200
    assert _get("evil.example.com") == 403  # DNS rebinding: the name points here
    assert _get("127.example.com:8080") == 403
    assert _get("127.0.0.1:8080", origin="http://evil.example.com") == 403  # socket.io, posts
    assert _get("127.0.0.1:8080", origin="http://127.0.0.1:9999") == 403  # another server
    assert _get("127.0.0.1:8080", origin="null") == 403


def test_a_websocket_from_another_site_is_closed():
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "websocket", "headers": [(b"host", b"127.0.0.1:8080"),
                                              (b"origin", b"http://evil.example.com")]}
    asyncio.run(HostGate(_hello, "127.0.0.1")(scope, None, send))
    assert sent == [{"type": "websocket.close", "code": 1008}]
