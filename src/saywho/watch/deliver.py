"""Delivering alerts from the outbox (the ``deliveries`` rows) to each sink.

* **JSONL file.** Under an exclusive lock on the file, the keys already in it are
  read first; pending alerts not in it are appended in one write and flushed to
  disk, and only then marked delivered. A process killed between the write and
  the mark finds its lines on the next run and marks them without writing them
  again; a line cut short by a kill (no newline at the end) is cut off and
  written whole again. So the file holds each alert exactly once.
* **Webhook.** Each pending alert is POSTed as JSON with an ``Idempotency-Key``
  header (its rule and key); a 2xx marks it delivered. Any other answer or a
  network error leaves it, and every alert still pending for that sink, to be
  tried after a backoff that doubles with each attempt (``retry_after`` seconds
  at first, at most ``MAX_BACKOFF``). A kill between the receiver's 2xx and the
  mark sends that one alert again: a receiver that must see it once drops
  repeated ``Idempotency-Key``s.
"""

from __future__ import annotations

import fcntl
import http.client
import json
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import quote, urlsplit

from saywho.store.alerts import AlertRow
from saywho.store.store import Store
from saywho.watch.failpoints import failpoint

MAX_BACKOFF = 3600.0  # seconds
WEBHOOK_TIMEOUT = 10.0


@dataclass
class SinkSummary:
    sink: str
    delivered: int = 0
    failed: int = 0  # attempts that failed in this cycle
    error: str | None = None


class Sink(Protocol):
    @property
    def name(self) -> str: ...

    def deliver(self, store: Store, now: float) -> SinkSummary: ...


def alert_record(alert: AlertRow) -> dict[str, Any]:
    """What every sink receives for an alert (one JSON object)."""
    return {
        "rule": alert.rule,
        "key": alert.key,
        "type": alert.kind,
        "title": alert.title,
        "created": alert.created_at,
        **alert.payload,
    }


@dataclass(frozen=True)
class JsonlSink:
    path: Path

    @property
    def name(self) -> str:
        return f"jsonl:{self.path.resolve()}"

    def deliver(self, store: Store, now: float) -> SinkSummary:
        summary = SinkSummary(self.name)
        pending = [alert for alert, _ in store.pending_deliveries(self.name, now, limit=100_000)]
        if not pending:
            return summary
        with self.path.open("a+b") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            present = _keys_in(file)
            lines = [
                json.dumps(alert_record(alert), ensure_ascii=False, sort_keys=True) + "\n"
                for alert in pending
                if (alert.rule, alert.key) not in present
            ]
            file.write("".join(lines).encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
            failpoint("jsonl-written")
            store.mark_delivered(self.name, [alert.id for alert in pending])
        summary.delivered = len(lines)
        return summary


def _keys_in(file: IO[bytes]) -> set[tuple[str, str]]:
    """The (rule, key) of every alert line in the file; a cut-off last line is removed."""
    file.seek(0)
    data = file.read()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        file.truncate(cut)
        data = data[:cut]
    keys: set[tuple[str, str]] = set()
    for line in data.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "rule" in record and "key" in record:
            keys.add((str(record["rule"]), str(record["key"])))
    file.seek(0, os.SEEK_END)
    return keys


class WebhookError(Exception):
    pass


@dataclass(frozen=True)
class WebhookSink:
    url: str
    retry_after: float = 60.0
    timeout: float = WEBHOOK_TIMEOUT

    @property
    def name(self) -> str:
        return f"webhook:{self.url}"

    def deliver(self, store: Store, now: float) -> SinkSummary:
        summary = SinkSummary(self.name)
        pending = store.pending_deliveries(self.name, now)
        for number, (alert, attempts) in enumerate(pending):
            try:
                post_json(self.url, alert_record(alert), f"{alert.rule}/{alert.key}", self.timeout)
            except WebhookError as error:
                # The receiver is down or refusing: everything still pending waits.
                backoff = min(self.retry_after * 2**attempts, MAX_BACKOFF)
                waiting = [waiting.id for waiting, _ in pending[number:]]
                store.mark_failed(self.name, waiting, str(error), now + backoff)
                summary.failed += 1
                summary.error = str(error)
                break
            failpoint("webhook-posted")
            store.mark_delivered(self.name, [alert.id])
            summary.delivered += 1
        return summary


def post_json(url: str, body: dict[str, Any], key: str, timeout: float) -> None:
    """POST ``body`` as JSON; WebhookError with a one-line reason unless the answer is 2xx."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(f"not an http(s) URL: {url}")
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    data = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": quote(key, safe="/:#|,@"),
        "User-Agent": "saywho-watch",
    }
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST", path, body=data, headers=headers)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException, ssl.SSLError) as error:
        raise WebhookError(f"{url}: {error}") from error
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise WebhookError(f"{url}: HTTP {response.status} {response.reason}".rstrip())
