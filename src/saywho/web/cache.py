"""An answer cache for the read routes: each GET answer kept until the database changes.

Every page and API answer is a function of its URL and of what the database
holds, and many are aggregates over all statements that no index makes cheap
(a ledger filtered by date or confidence, contradictions under such a filter):
seconds on a million statements, while the same URLs are asked again and
again. So a 200 answer to a GET is kept, keyed by method, host and URL (the
Atom feed's links name the host), and served as it was, until any commit to
the database: the cache asks SQLite's ``PRAGMA data_version`` on its own
read-only connection before each request (microseconds), and a change there
empties it. An answer is stored under the version read *before* it was
computed, so one computed while a write committed is dropped at the next
request rather than served stale.

Only one request computes a missing answer: the others asking the same URL at
the same time wait for it (50 clients opening the same slow page would
otherwise compute it 50 times at once). Answers are bounded in number and in
bytes, least recently used first out; larger ones are not kept.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from saywho.store import StoreReader

MAX_ANSWERS = 2048
MAX_BYTES = 128 * 2**20
MAX_ANSWER_BYTES = 4 * 2**20
# Served as is; static files are cheap already and set their own caching headers.
UNCACHED_PREFIXES = ("/static/",)

Key = tuple[bytes, bytes, bytes]


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class _Capture:
    """The messages of one answer as the application sends them."""

    start: Message | None = None
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0

    def answer(self) -> Answer | None:
        """The whole answer if it may be kept: a 200 under the size limit."""
        if self.start is None or self.start["status"] != 200 or self.size > MAX_ANSWER_BYTES:
            return None
        return Answer(200, list(self.start.get("headers", [])), b"".join(self.chunks))


class AnswerCache:
    """ASGI middleware: GET answers kept while ``version()`` stays the same
    (``DataVersion`` gives the database's)."""

    def __init__(self, app: ASGIApp, *, version: Callable[[], object]) -> None:
        self.app = app
        self.version = version
        self._answers: OrderedDict[Key, Answer] = OrderedDict()
        self._bytes = 0
        self._seen_version: object = None
        # In-flight computations by URL and the version they started under: a request
        # that comes after a commit never waits for an answer computed before it.
        self._pending: dict[tuple[Key, object], asyncio.Future[Answer | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        version = self.version()
        if version != self._seen_version:
            self._answers.clear()
            self._bytes = 0
            self._seen_version = version
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        elif (key, version) in self._pending:
            # None when that request failed or its answer may not be kept: compute anew.
            answer = await asyncio.shield(self._pending[key, version])
        if answer is not None:
            await _replay(answer, send)
            return
        await self._compute(key, version, scope, receive, send)

    async def _compute(
        self, key: Key, version: object, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Answer through the application, keep the answer, and hand it to any waiters."""
        waiting: asyncio.Future[Answer | None] = asyncio.get_running_loop().create_future()
        # Two requests that waited for a failed one may both compute: the first leads.
        leading = self._pending.setdefault((key, version), waiting) is waiting
        capture = _Capture()

        async def capturing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                capture.start = message
            elif message["type"] == "http.response.body":
                capture.chunks.append(message.get("body", b""))
                capture.size += len(capture.chunks[-1])
            await send(message)

        answer = None
        try:
            await self.app(scope, receive, capturing_send)
            answer = capture.answer()
        finally:
            if leading:
                del self._pending[key, version]
            waiting.set_result(answer)
        if answer is not None and version == self._seen_version:
            self._keep(key, answer)

    def _keep(self, key: Key, answer: Answer) -> None:
        replaced = self._answers.pop(key, None)
        self._bytes += len(answer.body) - (len(replaced.body) if replaced else 0)
        self._answers[key] = answer
        while len(self._answers) > MAX_ANSWERS or self._bytes > MAX_BYTES:
            _, dropped = self._answers.popitem(last=False)
            self._bytes -= len(dropped.body)


class DataVersion:
    """The database's version as the cache compares it: ``PRAGMA data_version`` of a
    read-only connection, with which connection it is.

    The pragma's values are comparable only on one connection, and a connection
    stays on its thread; the event loop asks from one thread, but each thread
    (a test client may run the loop on a new one) gets its own connection, and
    a value from another connection never equals this one's.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._connections = itertools.count()

    def __call__(self) -> tuple[int, int]:
        reader: StoreReader | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = StoreReader(self.path)
            self._local.serial = next(self._connections)
        return self._local.serial, reader.data_version()


def _key(scope: Scope) -> Key | None:
    """What an answer depends on, or None for requests that are never kept."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    path: str = scope["path"]
    if path.startswith(UNCACHED_PREFIXES):
        return None
    host = next((value for name, value in scope["headers"] if name == b"host"), b"")
    return host, scope.get("raw_path") or path.encode(), scope.get("query_string", b"")


async def _replay(answer: Answer, send: Send) -> None:
    await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
    await send({"type": "http.response.body", "body": answer.body})
