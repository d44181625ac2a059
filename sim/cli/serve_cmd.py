"""``hallsim serve``: start the planner's web application (docs/web.md).

The application is an optional extra (``pip install -e ".[web]"``); this module
imports it only in the handler, so ``hallsim --help`` and the other verbs never load
it. Without the extra the verb exits 2 saying how to install it.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from sim.cli.args import EXIT_OK, nonneg_int
from sim.files.errors import InputError


def register(sub: Any) -> None:
    """Add the ``serve`` verb."""
    p = sub.add_parser("serve", help="start the planner's web application (extra [web])",
                       description="Start the web application on HOST:PORT with a workspace "
                                   "of scenarios and results. Bound to anything but "
                                   "127.0.0.1 it requires an access token (printed as a link "
                                   "at start).")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=nonneg_int, default=8080, help="port (default 8080)")
    p.add_argument("--workspace", default="hallsim-workspace", metavar="DIR",
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
    serve(args.host, args.port, args.workspace, token, max(1, args.workers))
    return EXIT_OK
