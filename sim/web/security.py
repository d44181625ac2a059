"""Access to the server: the token gate for servers bound beyond this machine.

Bound to 127.0.0.1 (the default) the application is open to this machine only and
needs no token unless one is given. Bound to any other address it needs a token:
given with ``--token`` or ``HALLSIM_TOKEN``, or made at start and printed as a
link (``http://HOST:PORT/?token=...``), as Jupyter does. The first request that
carries the right ``token`` query parameter gets a cookie; every other request
(pages, assets, uploads, downloads, the page's websocket) without the cookie or
the parameter is refused with 403 (websockets are closed).

Without a token the server is open to this machine's programs, but not to web pages of
other sites that this machine's browser shows: :class:`HostGate` refuses a request whose
``Host`` is not this machine (a page of evil.example.com whose name was made to point at
127.0.0.1, "DNS rebinding") and one whose ``Origin`` is another site (a page that opens
the application's websocket or posts to it from elsewhere).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

#: environment variable holding the token
ENV_VAR = "HALLSIM_TOKEN"
#: cookie that carries the token after the first request
COOKIE = "hallsim_token"

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, an IPv6 one in brackets or not) is this
    machine only: ``localhost`` or a loopback address (127.0.0.0/8, ::1). Any other name,
    ``127.example.com`` included, may point anywhere."""
    name = host.strip().lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


def needs_token(host: str) -> bool:
    """Whether a server bound to ``host`` must require a token."""
    return not is_loopback(host)


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
        await refuse(scope, send, b"hallsim serve: this server needs its access token: open "
                                  b"the link printed when it started "
                                  b"(http://HOST:PORT/?token=...)\n")


async def refuse(scope: Scope, send: Any, body: bytes) -> None:
    """Refuse a request: a websocket closed (policy violation), else 403 with ``body``."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return value.decode("latin-1")
    return None


def _host_of(netloc: str) -> str:
    """The host of ``HOST[:PORT]`` (an IPv6 address in brackets)."""
    if netloc.startswith("["):
        return netloc[1:].partition("]")[0]
    return netloc.rpartition(":")[0] if netloc.count(":") == 1 else netloc


class HostGate:
    """ASGI middleware of a server without a token: a request must name this machine as
    its ``Host`` (a loopback name or address, or ``bound``, the address the server listens
    on), and one that says where it comes from (``Origin``: a websocket, a post) must come
    from the page itself, the same ``Host``. Others are refused: 403 (websockets closed)."""

    def __init__(self, app: ASGIApp, bound: str = "127.0.0.1") -> None:
        self.app = app
        self.bound = bound.strip().lower().removeprefix("[").removesuffix("]")

    def allowed(self, scope: Scope) -> bool:
        """Whether the request's ``Host`` and ``Origin`` are this machine's page."""
        netloc = (_header(scope, b"host") or "").strip().lower()
        host = _host_of(netloc)
        if not netloc or not (is_loopback(host) or host == self.bound):
            return False
        origin = _header(scope, b"origin")
        if origin is None:
            return True
        parts = urlsplit(origin.strip().lower())
        return parts.scheme in ("http", "https") and parts.netloc == netloc

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Pass the request on if it is this machine's page's; refuse it otherwise."""
        if scope["type"] not in ("http", "websocket") or self.allowed(scope):
            return await self.app(scope, receive, send)
        await refuse(scope, send, b"hallsim serve: this server answers pages of this machine "
                                  b"only: open it as http://127.0.0.1:PORT/ (or localhost)\n")
