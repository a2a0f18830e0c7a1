"""``saywho serve``: the dashboard and API on one uvicorn process.

The command's options are declared in ``saywho.cli.serve``, which reads them into
``ServeSettings``; this module never sees the command line.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class ServeSettings:
    """Where the server reads and listens, and whether it takes POST requests."""

    db: Path
    host: str
    port: int
    allow_write: bool  # the POST endpoints, each needing the token
    max_body_bytes: int


def serve(settings: ServeSettings) -> int:
    """Serve on one uvicorn process until interrupted."""
    import uvicorn

    from saywho.web.app import create_app

    token = _token() if settings.allow_write else None
    if not is_loopback(settings.host):
        print(
            f"saywho: warning: listening on {settings.host}: anyone who can reach it can read "
            "the database (there is no login for reading)",
            file=sys.stderr,
        )
    if not 0 < settings.port < 65536:
        raise ConfigError("--port must be between 1 and 65535")
    app = create_app(
        settings.db,
        allow_write=settings.allow_write,
        token=token,
        allowed_hosts=_allowed_hosts(settings.host),
        max_body_bytes=settings.max_body_bytes,
    )
    address = f"http://{_url_host(settings.host)}:{settings.port}/"
    print(f"saywho: serving {settings.db} at {address}", file=sys.stderr)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        server_header=False,
        # Behind no proxy: the peer address is the client's, whatever headers say.
        proxy_headers=False,
        # Past this many open requests, answer 503 at once rather than queue without end.
        limit_concurrency=200,
    )
    return 0


def _token() -> str:
    """The bearer token of the POST endpoints: SAYWHO_TOKEN, or one generated and printed."""
    token = os.environ.get(TOKEN_ENV)
    if not token:
        token = secrets.token_urlsafe(32)
        # Printed once, here; the server never shows it again.
        print(
            f"saywho: POST endpoints need 'Authorization: Bearer {token}' "
            f"(set {TOKEN_ENV} to choose the token)",
            file=sys.stderr,
        )
    return token


def _allowed_hosts(host: str) -> tuple[str, ...] | None:
    """The Host headers to answer; None where the names clients use cannot be known."""
    from saywho.web.app import LOOPBACK_HOSTS

    if host in WILDCARD_HOSTS:
        return None
    return tuple(dict.fromkeys((*LOOPBACK_HOSTS, _url_host(host))))


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
