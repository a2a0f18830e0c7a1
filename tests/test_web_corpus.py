"""A small database for the web tests, made by the real ``saywho ingest``; some pages are hostile.

``web_database(tmp_path_factory)`` ingests the articles below (written for these
tests) with a labels file, once per test session, and then writes bytes that
are not UTF-8 into one title, as a database written by another tool could hold.
The API tests and the browser tests both read it. The tests in this module
check that the hostile strings really are in the database, so that the tests
that look for them escaped are not passing vacuously.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from starlette.types import ASGIApp

from saywho.cli import main

# Strings that would run script or inject markup if a page printed them unescaped.
SCRIPT_TITLE = "<script>window.__pwned = 'title'</script>Debate night in Ohio"
IMG_PAYLOAD = "<img src=x onerror=\"window.__pwned='img'\">"
BODY_SCRIPT = "<script>window.__pwned='body'</script>"
JS_URL = "javascript:window.__pwned='url'//news"
HOSTILE_OUTLET = "<b onmouseover=\"window.__pwned='outlet'\">Evil Outlet</b>"
HOSTILE_ACTOR = "Mallory <svg onload=window.__pwned=1>"
ATTRIBUTE_BREAK = '"><svg onload=window.__pwned=2>'
HOSTILE_URL = 'https://evil.example/path?q="><script>window.__pwned=3</script>'
# Not valid UTF-8: a lone continuation byte and a truncated sequence around ASCII.
BROKEN_TITLE = b"Broken \x80 bytes \xe2\x82 in the title"

ARTICLES = [
    {
        "url": "https://kremlin-wire.example/2024/07/no-favourite",
        "outlet": "Kremlin Wire",
        "published": "2024-07-15",
        "title": "Moscow says it has no favourite in the American race",
        "text": (
            "The Kremlin said on Monday that Russia has no favorite in the American election.\n\n"
            '"We do not support any candidate," Dmitry Peskov told reporters in Moscow.\n\n'
            'Sergei Lavrov accused Kamala Harris of "reckless warmongering" in Europe.\n\n'
            'Sergei Lavrov praised Donald Trump as "a pragmatic and sensible man."'
        ),
    },
    {
        "url": "https://kremlin-wire.example/2024/08/respect",
        "outlet": "Kremlin Wire",
        "published": "2024-08-20",
        "title": "Peskov: Russia respects the choice of American voters",
        "text": (
            "Dmitry Peskov said Russia has no preference between the candidates.\n\n"
            "Maria Zakharova criticized Kamala Harris for her hostile remarks about Russia.\n\n"
            '"Donald Trump is a strong and honest leader," Maria Zakharova said on television.'
        ),
    },
    {
        "url": "https://daily-ledger.example/politics/rally",
        "outlet": "The Daily Ledger",
        "published": "2024-09-05",
        "title": "Rally season heats up",
        "text": (
            '"Kamala Harris is a disaster for this country," said Donald Trump at a rally.\n\n'
            "Kamala Harris said Donald Trump was unfit to lead and dangerous for democracy.\n\n"
            "Joe Biden praised Kamala Harris for her courage and her record."
        ),
    },
    {
        "url": "https://daily-ledger.example/politics/october",
        "outlet": "The Daily Ledger",
        "published": "2024-10-02",
        "title": "October surprise talk",
        "text": (
            "Donald Trump attacked Joe Biden over the economy, calling his record a failure.\n\n"
            '"Sergei Lavrov is spreading lies," said Kamala Harris in a statement.\n\n'
            "Dmitry Peskov said Russia has no favorite and will work with any president."
        ),
    },
    {
        "url": JS_URL,
        "outlet": HOSTILE_OUTLET,
        "published": "2024-09-10",
        "title": SCRIPT_TITLE,
        "text": (
            f'"{IMG_PAYLOAD} is a disgrace to this country," said Donald Trump about '
            "Kamala Harris.\n\n"
            "Mallory Vex said Kamala Harris is a terrible candidate and Donald Trump is "
            "wonderful.\n\n"
            f'{BODY_SCRIPT} Readers were told to <a href="javascript:alert(1)">click here</a>.'
        ),
    },
    {
        "url": HOSTILE_URL,
        "outlet": "evil.example",
        "published": "2024-10-20",
        "title": f"Quotes {ATTRIBUTE_BREAK} and odd characters",
        "text": (
            f"Kamala Harris said Donald Trump lies about everything {ATTRIBUTE_BREAK}.\n\n"
            "A reader wrote in with a damaged character \udc80 and a right-to-left "
            "override \u202e that should do nothing."
        ),
    },
    {
        "source": "undated-brief",
        "outlet": "Undated Times",
        "title": "A brief without a date",
        "text": "Joe Biden said Donald Trump was a threat to the country.",
    },
]

LABELS = f"""
outlets:
  - domain: kremlin-wire.example
    name: Kremlin Wire
    country: Russia
    labels: [state-affiliated]
  - domain: daily-ledger.example
    name: The Daily Ledger
    country: United States
    labels: [independent]
actors:
  - name: {json.dumps(HOSTILE_ACTOR)}
    type: person
    aliases: [Mallory Vex]
    speaks_for: Russia
"""

_built: dict[str, Path] = {}


def web_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus as a saywho database, built once per test session."""
    if "db" not in _built:
        folder = tmp_path_factory.mktemp("web-corpus")
        records = folder / "articles.jsonl"
        # ensure_ascii keeps the lone surrogate as a JSON escape, as a feed could send it.
        records.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", "utf-8")
        labels = folder / "labels.yaml"
        labels.write_text(LABELS, "utf-8")
        db = folder / "web.db"
        assert main(["ingest", str(records), "--db", str(db), "--labels", str(labels)]) == 0
        with sqlite3.connect(db) as connection:
            connection.execute(
                "UPDATE articles SET title = CAST(? AS TEXT) WHERE title = ?",
                (BROKEN_TITLE, "A brief without a date"),
            )
        _built["db"] = db
    return _built["db"]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_database(tmp_path_factory)


def test_hostile_strings_are_stored_as_written(corpus_db: Path) -> None:
    with sqlite3.connect(corpus_db) as db:
        db.text_factory = bytes
        titles = {row[0] for row in db.execute("SELECT title FROM articles")}
        urls = {row[0] for row in db.execute("SELECT url FROM articles")}
        texts = b"\n".join(row[0] for row in db.execute("SELECT text FROM articles"))
        outlets = {row[0] for row in db.execute("SELECT name FROM outlets")}
        actors = {row[0] for row in db.execute("SELECT actor FROM evidence")}
    assert SCRIPT_TITLE.encode() in titles
    assert BROKEN_TITLE in titles
    assert JS_URL.encode() in urls
    assert HOSTILE_URL.encode() in urls
    assert HOSTILE_OUTLET.encode() in outlets
    assert HOSTILE_ACTOR.encode() in actors
    assert BODY_SCRIPT.encode() in texts
    assert b"<img src=x" in texts
    assert ATTRIBUTE_BREAK.encode() in texts


@contextmanager
def live_server(app: ASGIApp) -> Iterator[str]:
    """``app`` served by uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
