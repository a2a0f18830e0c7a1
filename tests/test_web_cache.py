"""The answer cache of ``saywho serve`` (``saywho.web.cache``): GET answers kept until the
database changes, one computation for concurrent requests of the same URL."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send
from test_web_corpus import web_database

from saywho.store import Store
from saywho.web import create_app
from saywho.web.cache import AnswerCache

T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: a browser test earlier in the session may
    leave an event loop running in the main thread, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class CountingApp:
    """An ASGI app that answers ``status`` with a body that counts its calls."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.calls = 0
        self.status = status
        self.delay = delay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        body = f"answer {self.calls}".encode()
        await asyncio.sleep(self.delay)
        await send({"type": "http.response.start", "status": self.status, "headers": []})
        await send({"type": "http.response.body", "body": body})


def _scope(path: str, method: str = "GET", query: bytes = b"") -> Scope:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1")],
    }


async def _get(app: AnswerCache, scope: Scope) -> tuple[int, bytes]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_an_answer_is_kept_until_the_version_moves() -> None:
    inner, version = CountingApp(), [1]
    cache = AnswerCache(inner, version=lambda: version[0])

    async def run() -> list[tuple[int, bytes]]:
        first = await _get(cache, _scope("/ledger", query=b"actor=Russia"))
        again = await _get(cache, _scope("/ledger", query=b"actor=Russia"))
        other = await _get(cache, _scope("/ledger", query=b"actor=China"))
        version[0] = 2  # another connection committed
        after = await _get(cache, _scope("/ledger", query=b"actor=Russia"))
        return [first, again, other, after]

    first, again, other, after = _run(run())
    assert first == again == (200, b"answer 1")
    assert other == (200, b"answer 2")
    assert after == (200, b"answer 3")


def test_concurrent_requests_for_one_url_compute_it_once() -> None:
    inner = CountingApp(delay=0.05)
    cache = AnswerCache(inner, version=lambda: 1)

    async def run() -> list[tuple[int, bytes]]:
        return await asyncio.gather(*(_get(cache, _scope("/contradictions")) for _ in range(20)))

    answers = _run(run())
    assert inner.calls == 1
    assert set(answers) == {(200, b"answer 1")}


def test_a_request_after_a_commit_does_not_wait_for_an_answer_begun_before_it() -> None:
    inner, version = CountingApp(delay=0.05), [1]
    cache = AnswerCache(inner, version=lambda: version[0])

    async def run() -> list[tuple[int, bytes]]:
        before = asyncio.ensure_future(_get(cache, _scope("/ledger")))
        await asyncio.sleep(0.01)  # the first is computing when the write commits
        version[0] = 2
        after = await _get(cache, _scope("/ledger"))
        again = await _get(cache, _scope("/ledger"))
        return [await before, after, again]

    before, after, again = _run(run())
    assert (before, after, again) == ((200, b"answer 1"), (200, b"answer 2"), (200, b"answer 2"))
    assert inner.calls == 2


@pytest.mark.parametrize(
    ("status", "method", "path"),
    [(404, "GET", "/articles/9"), (200, "POST", "/api/analyze"), (200, "GET", "/static/app.js")],
)
def test_errors_writes_and_static_files_are_never_kept(status: int, method: str, path: str) -> None:
    inner = CountingApp(status=status)
    cache = AnswerCache(inner, version=lambda: 1)

    async def run() -> None:
        for _ in range(3):
            await _get(cache, _scope(path, method))

    _run(run())
    assert inner.calls == 3


def test_the_server_answers_what_the_database_holds_after_a_write(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    db = tmp_path / "web.db"
    shutil.copy(web_database(tmp_path_factory), db)
    client = TestClient(create_app(db), base_url="http://127.0.0.1")
    before = client.get("/api/outlets", params={"label": "bench-label"}).json()["items"]
    assert before == []
    assert client.get("/api/outlets", params={"label": "bench-label"}).json()["items"] == []

    with Store(db) as store:  # another connection commits
        store.apply_outlet_labels("new-outlet.example", "New Outlet", None, ["bench-label"])

    after = client.get("/api/outlets", params={"label": "bench-label"}).json()["items"]
    assert [row["domain"] for row in after] == ["new-outlet.example"]


def test_answers_are_kept_per_host(tmp_path_factory: pytest.TempPathFactory) -> None:
    app = create_app(web_database(tmp_path_factory))
    by_ip = TestClient(app, base_url="http://127.0.0.1").get("/alerts.atom").text
    by_name = TestClient(app, base_url="http://localhost").get("/alerts.atom").text
    assert "http://127.0.0.1/alerts.atom" in by_ip
    assert "http://localhost/alerts.atom" in by_name
