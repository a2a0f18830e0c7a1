"""What keeps hostile pages and other local programs from using the server.

Three ASGI middlewares, outermost first: security headers on every response
(a strict Content-Security-Policy among them), a guard that refuses every
request that is not a read unless writing was allowed and the request carries
the token, and a cap on request bodies. Plus ``safe_href``, the only way a
stored URL becomes a link.
"""

from __future__ import annotations

import hmac
import json
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script or style anywhere: an injected <script> or style attribute
# that escaping somehow missed still does not run.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # Article links lead to outlets' sites: they need not learn what was being browsed.
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LINK_SCHEMES = frozenset({"http", "https"})


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every HTTP response, errors and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(header for header in SECURITY_HEADERS if header[0] not in names),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette's own 500 page is sent from outside every middleware, so
            # it would go out without these headers: answer here, then let the
            # server log the error.
            if not started:
                await _json_error(send_with_headers, 500, "internal server error")
            raise


class WriteGuard:
    """Refuses every request that is not a read: 403 when writing is off, 401 without the token.

    It runs before routing and before the body is read, so no POST endpoint,
    present or future, can forget the check, and a refused request costs nothing.
    """

    def __init__(self, app: ASGIApp, *, allow_write: bool, token: str | None) -> None:
        if allow_write and not token:
            raise ValueError("writing needs a token")
        self.app = app
        self.allow_write = allow_write
        self.token = token.encode() if token else b""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READ_METHODS:
            await self.app(scope, receive, send)
            return
        if not self.allow_write:
            await _json_error(
                send, 403, "writing is off: start `saywho serve` with --allow-write to allow it"
            )
            return
        if not self._authorized(scope):
            await _json_error(
                send,
                401,
                "missing or wrong token: send 'Authorization: Bearer TOKEN'",
                ((b"www-authenticate", b"Bearer"),),
            )
            return
        await self.app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, credentials = value.partition(b" ")
                # Constant time, so response times do not tell how much of a guess was right.
                return scheme.lower() == b"bearer" and hmac.compare_digest(
                    credentials.strip(), self.token
                )
        return False


class BodyTooLarge(HTTPException):
    """Raised inside ``receive`` once a streamed request body passes the cap.

    An HTTPException, so the application's error handling answers 413: FastAPI
    turns any other error met while reading a body into "400 error parsing the body".
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, _too_large(max_bytes))


class BodyLimit:
    """413 for request bodies over ``max_bytes``, declared (Content-Length) or streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_bytes):
                await _json_error(send, 413, _too_large(self.max_bytes))
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)


def _too_large(max_bytes: int) -> str:
    return f"request body over {max_bytes:,} bytes"


async def _json_error(
    send: Send, status: int, detail: str, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def safe_href(url: str | None) -> str | None:
    """``url`` if it may be a link (http or https with a host), else None.

    Stored URLs come from the pages themselves: ``javascript:``, ``data:`` and
    the like are shown as text, never made clickable.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return None
    return url.strip()
