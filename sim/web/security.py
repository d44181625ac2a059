"""Access to the server: the token gate for servers bound beyond this machine.

Bound to 127.0.0.1 (the default) the application is open to this machine only and
needs no token unless one is given. Bound to any other address it needs a token:
given with ``--token`` or ``HALLSIM_TOKEN``, or made at start and printed as a
link (``http://HOST:PORT/?token=...``), as Jupyter does. The first request that
carries the right ``token`` query parameter gets a cookie; every other request
(pages, assets, uploads, downloads, the page's websocket) without the cookie or
the parameter is refused with 403 (websockets are closed).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

#: environment variable holding the token
ENV_VAR = "HALLSIM_TOKEN"
#: cookie that carries the token after the first request
COOKIE = "hallsim_token"
#: hosts that are this machine only
LOOPBACK = ("127.0.0.1", "localhost", "::1")

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]


def needs_token(host: str) -> bool:
    """Whether a server bound to ``host`` must require a token."""
    return host not in LOOPBACK and not host.startswith("127.")


def choose_token(host: str, given: str | None) -> str | None:
    """The token to require: the one given, else a new one when ``host`` needs one."""
    if given:
        return given
    return secrets.token_urlsafe(24) if needs_token(host) else None


def _cookie_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            jar.load(value.decode("latin-1"))
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


class TokenGate:
    """ASGI middleware refusing requests that do not carry the token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    def _ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Pass the request on if it carries the token; refuse it otherwise."""
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        if self._ok(_cookie_token(scope)):
            return await self.app(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if not self._ok((query.get("token") or [None])[0]):
            return await self._refuse(scope, receive, send)
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)
        cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()

        async def send_with_cookie(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        return await self.app(scope, receive, send_with_cookie)

    async def _refuse(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = (b"hallsim serve: this server needs its access token: open the link printed "
                b"when it started (http://HOST:PORT/?token=...)\n")
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
