"""The application factory: routes, error pages and the security middlewares."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.staticfiles import StaticFiles

from saywho import __version__
from saywho.store.queries import QueryError
from saywho.web import analyze, api
from saywho.web.cache import AnswerCache, DataVersion
from saywho.web.pages import (
    alerts,
    articles,
    contradictions,
    entities,
    ledger,
    overview,
    search,
    spread,
)
from saywho.web.security import BodyLimit, SecurityHeaders, WriteGuard
from saywho.web.stores import StoreProvider
from saywho.web.templating import render

if TYPE_CHECKING:
    # Only a type here: importing the pipeline imports spaCy, which the server loads
    # on the first POST /api/analyze, not at start-up.
    from saywho.pipeline import Pipeline

STATIC = Path(__file__).parent / "static"
# The Host header a browser sends to a server on this machine. Anything else is
# refused, so a page on another site cannot reach the server through DNS rebinding.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
# Threads for the synchronous pages and API calls. SQLite releases the GIL while
# it queries, so a few threads keep every core busy; more only take turns under
# the GIL and stretch every request (PolNeAR, 10 clients, 2 cores: the ledger's
# p95 about 15 % higher with anyio's default of 40 threads than with 4).
WORKER_THREADS = max(2, 2 * (os.cpu_count() or 1))
API_PREFIX = "/api/"
ROUTERS = (
    overview.router,
    ledger.router,
    contradictions.router,
    articles.router,
    entities.router,
    search.router,
    spread.router,
    alerts.router,
    api.router,
    analyze.router,
)


def create_app(
    db_path: str | Path,
    allow_write: bool = False,
    token: str | None = None,
    *,
    allowed_hosts: Sequence[str] | None = LOOPBACK_HOSTS,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    pipeline: Pipeline | None = None,
) -> FastAPI:
    """The dashboard and API over the database at ``db_path`` (which must exist).

    ``allow_write`` turns on the POST endpoints, each of which then needs
    ``token`` as a bearer token. ``allowed_hosts`` None accepts any Host header
    (for a server bound to all interfaces). ``pipeline`` is the analysis
    pipeline of ``POST /api/analyze``; without one it is loaded on first use.
    """
    if allow_write and not token:
        raise ValueError("writing needs a token")
    app = FastAPI(
        lifespan=_lifespan,
        title="saywho",
        version=__version__,
        summary="Who said what about whom, with what stance: the store of `saywho ingest`.",
        # The interactive docs pages load their scripts from a CDN, which the
        # Content-Security-Policy (rightly) forbids; the description itself is served.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        # Nothing about requests leaves this machine.
        telemetry={
            "tracing": False,
            "metrics": False,
            "logs": False,
            "operation_spans": False,
            "auto_configure": False,
        },
    )
    app.state.stores = StoreProvider(Path(db_path))
    app.state.analyzer = analyze.Analyzer(pipeline)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(QueryError, _query_error)
    # Added innermost first: the answer cache innermost, so a kept answer passes every
    # guard and gets the security headers like any other; headers outermost, so every
    # response carries them. The
    # body cap is ours rather than FastAPI's max_body_size, whose 413 for a declared
    # Content-Length is sent from outside every middleware, without these headers.
    app.add_middleware(AnswerCache, version=DataVersion(Path(db_path)))
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(WriteGuard, allow_write=allow_write, token=token)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _error(
    request: Request, status: int, message: str, details: list[str] | None = None
) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": details or message}, status)
    return render(
        "error.html", status, page="error", status=status, message=message, details=details or []
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    response = _error(request, error.status_code, str(error.detail))
    if error.headers:
        response.headers.update(error.headers)
    return response


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    if _wants_json(request):
        return JSONResponse({"detail": jsonable_encoder(error.errors())}, 422)
    details = [
        f"{'.'.join(str(part) for part in problem['loc'][1:])}: {problem['msg']}"
        for problem in error.errors()
    ]
    return _error(request, 400, "Some parameters are not valid.", details)


async def _query_error(request: Request, error: Exception) -> Response:
    return _error(request, 400, str(error))
