"""Story: a planner starts the server on the office network. Requests without the token
are refused (403, websockets closed); the link printed at start works and sets a
cookie that later requests carry."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from sim.web.security import COOKIE, TokenGate, choose_token, needs_token


async def _hello(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hall"})


def _get(url: str, cookies: dict[str, str] | None = None) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(TokenGate(_hello, "s3cret"))
        async with httpx.AsyncClient(transport=transport, base_url="http://hall",
                                     cookies=cookies) as client:
            return await client.get(url)

    return asyncio.run(go())


def test_a_request_without_the_token_is_refused() -> None:
    r = _get("/")
    assert r.status_code == 403 and "token" in r.text


def test_a_wrong_token_is_refused() -> None:
    assert _get("/?token=guess").status_code == 403
    assert _get("/", cookies={COOKIE: "guess"}).status_code == 403


def test_the_printed_link_lets_in_and_leaves_a_cookie() -> None:
    r = _get("/?token=s3cret")
    assert r.status_code == 200 and r.text == "hall"
    assert f"{COOKIE}=s3cret" in r.headers["set-cookie"]
    assert _get("/_nicegui/static/x.js", cookies={COOKIE: "s3cret"}).status_code == 200


def test_a_websocket_without_the_token_is_closed() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(TokenGate(_hello, "s3cret")({"type": "websocket", "query_string": b"",
                                             "headers": []}, None, send))
    assert sent == [{"type": "websocket.close", "code": 1008}]


def test_only_servers_beyond_this_machine_make_up_a_token() -> None:
    assert not needs_token("127.0.0.1") and not needs_token("localhost")
    assert needs_token("0.0.0.0") and needs_token("192.0.2.7")
    assert choose_token("127.0.0.1", None) is None
    assert len(choose_token("0.0.0.0", None) or "") >= 24
    assert choose_token("127.0.0.1", "given") == "given"
