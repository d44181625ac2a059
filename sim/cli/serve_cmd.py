"""``hallsim serve``: start the planner's web application (docs/web.md).

The application is an optional extra (``pip install -e ".[web]"``); this module
imports it only in the handler, so ``hallsim --help`` and the other verbs never load
it. Without the extra the verb exits 2 saying how to install it.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from sim.cli.args import EXIT_OK, nonneg_int, output_folder, port_number
from sim.files.errors import InputError


def register(sub: Any) -> None:
    """Add the ``serve`` verb."""
    p = sub.add_parser("serve", help="start the planner's web application (extra [web])",
                       description="Start the web application on HOST:PORT with a workspace "
                                   "of scenarios and results. Bound to anything but "
                                   "127.0.0.1 it requires an access token (printed as a link "
                                   "at start).")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=port_number, default=8080, help="port (default 8080)")
    p.add_argument("--workspace", default="hallsim-workspace",
                   type=output_folder("--workspace"), metavar="DIR",
                   help="workspace directory (default ./hallsim-workspace; created)")
    p.add_argument("--token", default=None,
                   help="access token (default: $HALLSIM_TOKEN; made up when --host is not "
                        "this machine)")
    p.add_argument("--workers", "-j", type=nonneg_int, default=1,
                   help="worker processes for runs (default 1)")
    p.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    """``hallsim serve``."""
    try:
        import nicegui  # noqa: F401
    except ModuleNotFoundError:
        raise InputError("", "", "the web application needs the [web] extra: "
                                 "pip install -e \".[web]\" (or pip install \"hallsim[web]\")") \
            from None
    from sim.web.app import serve
    from sim.web.security import ENV_VAR, choose_token

    token = choose_token(args.host, args.token or os.environ.get(ENV_VAR))
    check_port(args.host, args.port)
    serve(args.host, args.port, args.workspace, token, max(1, args.workers))
    return EXIT_OK


def check_port(host: str, port: int) -> None:
    """Refuse (exit 2), before the link is printed, a port the server could not listen
    on: one another program holds, or an address that is not this machine's. The socket
    is bound as the web server binds its own, and closed at once."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise InputError("", "--port", f"port {port} is in use (another server is "
                                           "listening on it): choose another port") from None
        reason = exc.strerror or str(exc)
        raise InputError("", "--host", f"cannot listen on {host} port {port} ({reason})") \
            from None
