"""``saywho serve``: the dashboard and API on one uvicorn process."""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import sys

from saywho.model import ConfigError

TOKEN_ENV = "SAYWHO_TOKEN"
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from saywho.web.app import LOOPBACK_HOSTS, create_app

    token = None
    if args.allow_write:
        token = os.environ.get(TOKEN_ENV)
        if not token:
            token = secrets.token_urlsafe(32)
            # Printed once, here; the server never shows it again.
            print(
                f"saywho: POST endpoints need 'Authorization: Bearer {token}' "
                f"(set {TOKEN_ENV} to choose the token)",
                file=sys.stderr,
            )
    if not is_loopback(args.host):
        print(
            f"saywho: warning: listening on {args.host}: anyone who can reach it can read the "
            "database (there is no login for reading)",
            file=sys.stderr,
        )
    if args.host in WILDCARD_HOSTS:
        allowed: tuple[str, ...] | None = None  # the names clients use cannot be known
    else:
        allowed = tuple(dict.fromkeys((*LOOPBACK_HOSTS, _url_host(args.host))))
    if not 0 < args.port < 65536:
        raise ConfigError("--port must be between 1 and 65535")
    app = create_app(
        args.db,
        allow_write=args.allow_write,
        token=token,
        allowed_hosts=allowed,
        max_body_bytes=int(args.max_body_mb * 1024 * 1024),
    )
    print(
        f"saywho: serving {args.db} at http://{_url_host(args.host)}:{args.port}/", file=sys.stderr
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        server_header=False,
        # Behind no proxy: the peer address is the client's, whatever headers say.
        proxy_headers=False,
        # Past this many open requests, answer 503 at once rather than queue without end.
        limit_concurrency=200,
    )
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
