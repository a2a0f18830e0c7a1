"""``saywho watch`` as it is used: a feed on 127.0.0.1 that grows between cycles, a
webhook receiver that is down for part of the run, ``--once`` cycles in subprocesses,
some killed with SIGKILL mid-cycle; every alert reaches every sink exactly once."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from saywho.store.store import Store
from saywho.watch.deliver import JsonlSink
from saywho.watch.failpoints import VARIABLE

MODELS = ("--attributor", "rules", "--stance-model", "lexicon")
RULES = """\
- name: russia-on-trump
  statements: {country: Russia, about: Donald Trump}
- name: declared-vs-said
  contradictions: {country: Russia}
"""


def _page(title: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{body}</article></body></html>"
    ).encode()


ARTICLES = {
    "/news/kremlin-on-race": _page(
        "Kremlin weighs in on the US race",
        "MOSCOW, Oct 2 — Kremlin spokesman Dmitry Peskov said on Tuesday that Donald Trump was "
        "a sincere and pragmatic man who wanted good relations with Moscow.",
        "Russian Foreign Minister Sergei Lavrov criticised Donald Trump for imposing harsh "
        "sanctions, calling the policy a dangerous mistake.",
    ),
    "/news/berlin-and-moscow": _page(
        "Berlin and Moscow on Washington",
        "German Chancellor Olaf Scholz said that Donald Trump was a reckless and dangerous "
        "partner.",
        "Russian Foreign Minister Sergei Lavrov said that Joe Biden was a weak and confused "
        "leader.",
    ),
    "/news/no-favourite": _page(
        "Moscow says it has no favourite",
        "Kremlin spokesman Dmitry Peskov said that Russia has no favorite in the US election "
        "and does not support any candidate, including Donald Trump.",
        "Russian Foreign Ministry spokeswoman Maria Zakharova praised Donald Trump as a brave "
        "and honest leader.",
    ),
}


@dataclass
class Site:
    """A news site: /feed.xml lists ``items``; ETag and If-None-Match are honoured."""

    items: list[str] = field(default_factory=list)
    requests: list[tuple[str, int]] = field(default_factory=list)  # (path, status)
    base: str = ""

    def feed(self) -> bytes:
        entries = "".join(
            f"<item><title>{path}</title><link>{self.base}{path}</link></item>"
            for path in self.items
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
            f"{entries}</channel></rss>"
        ).encode()


@dataclass
class Receiver:
    """A webhook receiver that answers 503 while ``up`` is False."""

    up: bool = False
    received: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    refused: int = 0


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/feed.xml":
                body = state.feed()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._answer(304, b"", {"ETag": etag})
                else:
                    self._answer(200, body, {"ETag": etag, "Content-Type": "application/rss+xml"})
            elif self.path in ARTICLES:
                self._answer(200, ARTICLES[self.path], {"Content-Type": "text/html"})
            else:
                self._answer(404, b"not here", {})

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            state.requests.append((self.path, status))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    for base in _serve(Handler):
        state.base = base
        yield state


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if state.up:
                state.received.append((self.headers["Idempotency-Key"], json.loads(body)))
                self.send_response(204)
            else:
                state.refused += 1
                self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    for base in _serve(Handler):
        yield state, f"{base}/hook"


def _command(tmp: Path, feed: str, webhook: str) -> list[str]:
    rules = tmp / "rules.yaml"
    rules.write_text(RULES)
    return [
        sys.executable, "-m", "saywho", "watch", feed, "--once",
        "--db", str(tmp / "watch.db"), "--rules", str(rules),
        "--alerts", str(tmp / "alerts.jsonl"), "--webhook", webhook, "--retry-after", "0",
        "--delay", "0", "--allow-private-network", *MODELS,
    ]  # fmt: skip


def _cycle(
    command: list[str], failpoint: str | None = None, kill_after: float | None = None
) -> int:
    env = {VARIABLE: failpoint} if failpoint else {}
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**_environment(), **env},
    )
    if kill_after is not None:
        time.sleep(kill_after)
        process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode in (0, 1, -signal.SIGKILL), stderr.decode()
    return process.returncode


def _environment() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if key != VARIABLE}


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _keys(records: list[dict[str, object]]) -> list[tuple[str, str]]:
    return [(str(record["rule"]), str(record["key"])) for record in records]


def test_watch_cycles_with_kills_deliver_each_alert_once(
    tmp_path: Path, site: Site, receiver: tuple[Receiver, str]
) -> None:
    hook, hook_url = receiver
    command = _command(tmp_path, f"{site.base}/feed.xml", hook_url)
    alerts_file = tmp_path / "alerts.jsonl"
    site.items = ["/news/kremlin-on-race", "/news/berlin-and-moscow"]

    # 1. Webhook down; killed after the JSONL write, before it is marked delivered.
    assert _cycle(command, failpoint="jsonl-written") == -signal.SIGKILL
    first = _keys(_lines(alerts_file))
    assert len(first) == 2  # Peskov and Lavrov on Trump; Scholz is no Russian, Biden no Trump
    # 2. The rerun finds its lines in the file and writes nothing twice; webhook still down.
    assert _cycle(command) == 1  # the webhook failed: exit 1
    assert _keys(_lines(alerts_file)) == first
    assert hook.refused == 1 and not hook.received  # the first refusal holds back the rest

    # 3. The feed grows and the webhook comes back; this cycle is killed at a random moment.
    site.items.append("/news/no-favourite")
    hook.up = True
    _cycle(command, kill_after=1.0)
    # 4. Killed right after the webhook's first 2xx, before it is marked.
    _cycle(command, failpoint="webhook-posted")
    # 5, 6. Runs to the end; then nothing is new.
    assert _cycle(command) == 0
    delivered = _lines(alerts_file)
    assert _cycle(command) == 0
    assert _lines(alerts_file) == delivered  # the second --once writes none
    assert site.requests[-1] == ("/feed.xml", 304)  # an unchanged feed costs one 304

    with Store(tmp_path / "watch.db") as store:
        stored = {(alert.rule, alert.key) for alert in store.alerts(limit=1000)}
    in_file = _keys(delivered)
    assert len(in_file) == len(set(in_file)), "an alert was written twice"
    assert set(in_file) == stored
    trump = sorted(key for rule, key in stored if rule == "russia-on-trump")
    assert trump == [
        f"statement:url:{site.base}/news/kremlin-on-race#s1",
        f"statement:url:{site.base}/news/kremlin-on-race#s2",
        f"statement:url:{site.base}/news/no-favourite#s1",
        f"statement:url:{site.base}/news/no-favourite#s2",
    ]
    assert [key for rule, key in stored if rule == "declared-vs-said"] == [
        "contradiction:Russia|Donald Trump|neutral|negative,positive"
    ]
    # The webhook: every alert, once, except the one whose 2xx the kill at step 4 cut off
    # before it was marked (at-least-once; the Idempotency-Key lets a receiver drop it).
    received = [key for key, _ in hook.received]
    assert {(str(b["rule"]), str(b["key"])) for _, b in hook.received} == stored
    assert len(received) - len(set(received)) <= 1


def test_a_line_cut_short_by_a_kill_is_written_again_whole(tmp_path: Path) -> None:
    from saywho.store.alerts import NewAlert

    db, alerts_file = tmp_path / "cut.db", tmp_path / "alerts.jsonl"
    sink = JsonlSink(alerts_file)
    with Store(db) as store:
        store.record_alerts(
            [NewAlert("r", f"k{n}", "search", f"alert {n}", {"n": n}) for n in range(3)],
            [sink.name],
            None,
        )
        alerts_file.write_text('{"rule": "r", "key": "k0"}\n{"rule": "r", "ke')
        assert sink.deliver(store, time.time()).delivered == 2
        assert sink.deliver(store, time.time()).delivered == 0
    keys = _keys(_lines(alerts_file))
    assert sorted(keys) == [("r", "k0"), ("r", "k1"), ("r", "k2")]


def test_alerts_page_and_atom_feed(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from fastapi.testclient import TestClient

    from saywho.store.alerts import NewAlert
    from saywho.web import create_app

    db = tmp_path / "web.db"
    with Store(db) as store:
        for n in range(3):
            article = {"url": f"https://example.org/{n}", "outlet": "example.org", "title": "t"}
            alert = NewAlert("r", f"k{n}", "statements", f"Alert <{n}> & co", {"article": article})
            store.record_alerts([alert], [], None)
    with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
        page = client.get("/alerts")
        assert page.status_code == 200
        assert "Alert &lt;2&gt; &amp; co" in page.text and 'href="/alerts"' in page.text
        feed = client.get("/alerts.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(feed.content)
    assert root.tag == f"{atom}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{atom}{required}") is not None
    entries = root.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}title") for e in entries] == [
        f"[r] Alert <{n}> & co" for n in (2, 1, 0)
    ]  # newest first
    ids = [e.findtext(f"{atom}id") for e in entries]
    assert len(set(ids)) == 3 and all(i and i.startswith("urn:uuid:") for i in ids)
    link = entries[0].find(f"{atom}link")
    assert link is not None and link.get("href") == "https://example.org/2"
