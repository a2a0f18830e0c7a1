"""The SQL of ``saywho watch``: alerts, their outbox, each rule's progress, feed validators.

An alert is unique by ``(rule, key)``: the rule's name and its evidence (an
article identity and statement id, a contradiction's actor and target...), so
evaluating a rule twice over the same rows adds nothing. Each alert gets one
``deliveries`` row per sink in the transaction that stores it; a sink's row is
marked delivered once it has the alert (``saywho.watch.deliver``). A statement
rule remembers the last statement id it has seen (``watch_rules``), written in
the same transaction as the alerts it found, with a digest of the rule so that
an edited rule starts again from the beginning. The watch's spread linking keeps
its progress there too, under ``SPREAD_PROGRESS`` (not a valid rule name): the
last article id it linked, in ``last_statement_id``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from saywho.ingest.fetch import Validators
from saywho.store.queries import OUTLET_NAME, Where, canonical_name


@dataclass(frozen=True)
class StatementWatch:
    """The statements a ``statements:`` rule asks for, after a statement id."""

    speaker: str | None = None
    country: str | None = None
    label: str | None = None  # outlet label
    about: str | None = None  # a target the statement takes a stance toward
    stance: str | None = None  # polarity toward ``about`` (any target without it)
    act: str | None = None
    medium: str | None = None


@dataclass(frozen=True)
class StatementMatch:
    id: int
    identity: str  # the article's
    local_id: str
    speaker: str | None
    speaker_entity: str | None
    content: str
    act: str
    medium: str
    published: str | None
    outlet: str | None
    url: str | None
    title: str | None
    polarity: str | None  # toward the rule's ``about``


@dataclass(frozen=True)
class NewAlert:
    rule: str
    key: str  # the evidence: unique within the rule
    kind: str  # the rule type: statements, contradictions, search
    title: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class AlertRow:
    id: int
    rule: str
    key: str
    kind: str
    title: str
    payload: dict[str, Any]
    created_at: str


@dataclass(frozen=True)
class RuleProgress:
    """A rule only ever looks at statements after ``last_statement_id``."""

    rule: str
    digest: str  # of the rule as written: another digest starts it again
    last_statement_id: int


@dataclass(frozen=True)
class CopyWatch:
    """The tracked articles of a ``copies:`` rule (all given must hold) and the link kinds."""

    label: str | None = None
    outlet: str | None = None  # domain or name, any case
    article: str | None = None  # URL or identity
    kinds: tuple[str, ...] = ("copy", "translation")


COPY_KINDS: tuple[str, ...] = CopyWatch.kinds


@dataclass(frozen=True)
class LinkedArticleRow:
    identity: str
    url: str | None
    title: str | None
    outlet: str | None
    published: str | None
    language: str | None


@dataclass(frozen=True)
class CopyMatch:
    kind: str
    overlap: float
    similarity: float | None
    original: LinkedArticleRow  # the tracked article
    copy: LinkedArticleRow  # published with it or after it, by another outlet


@dataclass(frozen=True)
class DeliveryCounts:
    delivered: int
    pending: int


_MATCH_COLUMNS = (
    "s.id, a.identity, s.local_id, s.speaker, s.speaker_entity, s.content, s.act, s.medium, "
    f"s.published, {OUTLET_NAME}, a.url, a.title"
)
SPREAD_PROGRESS = ":spread"  # the watch_rules row of the cycle's spread linking
_SIDE = (
    "{a}.identity, {a}.url, {a}.title, coalesce({o}.name, {o}.domain), {a}.published, {a}.language"
)
# Both directions of each link: the tracked article may be either side.
_COPY_MATCHES = f"""
WITH pairs (original, other, kind, overlap, similarity) AS (
    SELECT first_id, second_id, kind, overlap, similarity FROM article_links
    UNION ALL
    SELECT second_id, first_id, kind, overlap, similarity FROM article_links
)
SELECT p.kind, p.overlap, p.similarity, {_SIDE.format(a="t", o="ot")}, {_SIDE.format(a="c", o="oc")}
FROM pairs p
JOIN articles t ON t.id = p.original LEFT JOIN outlets ot ON ot.id = t.outlet_id
JOIN articles c ON c.id = p.other LEFT JOIN outlets oc ON oc.id = c.outlet_id
WHERE (t.outlet_id IS NULL OR c.outlet_id IS NULL OR t.outlet_id != c.outlet_id)
  AND (t.published IS NULL OR c.published IS NULL OR c.published >= t.published)
"""
_ALERT_COLUMNS = "a.id, a.rule, a.key, a.kind, a.title, a.payload, a.created_at"


def last_statement_id(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT COALESCE(MAX(id), 0) FROM statements").fetchone()
    return int(row[0])


def rule_progress(db: sqlite3.Connection, rule: str) -> RuleProgress | None:
    row = db.execute(
        "SELECT digest, last_statement_id FROM watch_rules WHERE rule = ?", (rule,)
    ).fetchone()
    return None if row is None else RuleProgress(rule, row[0], row[1])


def statement_matches(
    db: sqlite3.Connection, watch: StatementWatch, after: int, up_to: int, limit: int
) -> list[StatementMatch]:
    """Statements ``after`` < id <= ``up_to`` that ``watch`` asks for, by id."""
    where = Where()
    where.add("s.id > ? AND s.id <= ?", after, up_to)
    polarity = "NULL"
    join = ""
    join_parameters: tuple[object, ...] = ()
    if watch.about:
        polarity = "st.polarity"
        join = "JOIN stances st ON st.statement_id = s.id AND st.target = ?"
        join_parameters = (canonical_name(db, "entities", "name", watch.about),)
        if watch.stance:
            where.add("st.polarity = ?", watch.stance)
    elif watch.stance:
        where.add("s.id IN (SELECT statement_id FROM stances WHERE polarity = ?)", watch.stance)
    _add_speaker_filters(db, where, watch)
    rows = db.execute(
        f"SELECT {_MATCH_COLUMNS}, {polarity} FROM statements s "
        f"JOIN articles a ON a.id = s.article_id LEFT JOIN outlets o ON o.id = s.outlet_id "
        f"{join} WHERE {where.sql()} ORDER BY s.id LIMIT ?",
        (*join_parameters, *where.parameters, limit),
    ).fetchall()
    return [StatementMatch(*row) for row in rows]


def _add_speaker_filters(db: sqlite3.Connection, where: Where, watch: StatementWatch) -> None:
    if watch.speaker:
        where.add("s.speaker_entity = ?", canonical_name(db, "entities", "name", watch.speaker))
    if watch.country:
        where.add(
            "s.speaker_entity IN (SELECT name FROM actors WHERE country = ?)",
            canonical_name(db, "actors", "country", watch.country),
        )
    if watch.label:
        where.add(
            "s.outlet_id IN (SELECT outlet_id FROM outlet_labels WHERE label = ?)", watch.label
        )
    if watch.act:
        where.add("s.act = ?", watch.act)
    if watch.medium:
        where.add("s.medium = ?", watch.medium)


def record_alerts(
    db: sqlite3.Connection,
    alerts: Sequence[NewAlert],
    sinks: Sequence[str],
    progress: RuleProgress | None,
    now: str,
) -> int:
    """Store the alerts not stored yet, a delivery row per sink for each, and the rule's
    progress; returns how many were new. The caller holds a write transaction."""
    added = 0
    for alert in alerts:
        row = db.execute(
            "INSERT INTO alerts (rule, key, kind, title, payload, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (rule, key) DO NOTHING RETURNING id",
            (
                alert.rule,
                alert.key,
                alert.kind,
                alert.title,
                json.dumps(alert.payload, ensure_ascii=False, sort_keys=True),
                now,
            ),
        ).fetchone()
        if row is None:
            continue
        added += 1
        db.executemany(
            "INSERT INTO deliveries (alert_id, sink) VALUES (?, ?)",
            [(row[0], sink) for sink in sinks],
        )
    if progress is not None:
        save_rule_progress(db, progress)
    return added


def save_rule_progress(db: sqlite3.Connection, progress: RuleProgress) -> None:
    db.execute(
        "INSERT INTO watch_rules (rule, digest, last_statement_id) VALUES (?, ?, ?) "
        "ON CONFLICT (rule) DO UPDATE SET digest = excluded.digest, "
        "last_statement_id = excluded.last_statement_id",
        (progress.rule, progress.digest, progress.last_statement_id),
    )


def copy_matches(db: sqlite3.Connection, watch: CopyWatch) -> list[CopyMatch]:
    """Every stored link of ``watch.kinds`` from a tracked article to one of another
    outlet published with it or after it (ISO dates compared as text)."""
    where = Where()
    where.add(f"p.kind IN ({', '.join('?' * len(watch.kinds))})", *watch.kinds)
    if watch.label:
        where.add(
            "t.outlet_id IN (SELECT outlet_id FROM outlet_labels WHERE label = ?)", watch.label
        )
    if watch.outlet:
        where.add("(ot.domain = lower(?) OR lower(ot.name) = lower(?))", watch.outlet, watch.outlet)
    if watch.article:
        where.add("(t.url = ? OR t.identity = ?)", watch.article, watch.article)
    rows = db.execute(
        f"{_COPY_MATCHES} AND {where.sql()} ORDER BY c.id, t.id", where.parameters
    ).fetchall()
    return [
        CopyMatch(row[0], row[1], row[2], LinkedArticleRow(*row[3:9]), LinkedArticleRow(*row[9:15]))
        for row in rows
    ]


def article_identities(db: sqlite3.Connection, article_ids: Sequence[int]) -> dict[int, str]:
    rows = db.execute(
        "SELECT id, identity FROM articles WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(article_ids)),),
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def pending_deliveries(
    db: sqlite3.Connection, sink: str, now: float, limit: int
) -> list[tuple[AlertRow, int]]:
    """Alerts ``sink`` has not had yet and may be tried now, oldest first, with the
    attempts made so far."""
    rows = db.execute(
        f"SELECT {_ALERT_COLUMNS}, d.attempts FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
        "WHERE d.sink = ? AND d.delivered_at IS NULL AND d.next_attempt <= ? "
        "ORDER BY a.id LIMIT ?",
        (sink, now, limit),
    ).fetchall()
    return [(_alert_row(row), row[7]) for row in rows]


def mark_delivered(db: sqlite3.Connection, sink: str, alert_ids: Sequence[int], now: str) -> None:
    db.executemany(
        "UPDATE deliveries SET delivered_at = ?, attempts = attempts + 1, last_error = NULL "
        "WHERE sink = ? AND alert_id = ? AND delivered_at IS NULL",
        [(now, sink, alert_id) for alert_id in alert_ids],
    )


def mark_failed(
    db: sqlite3.Connection, sink: str, alert_ids: Sequence[int], error: str, next_attempt: float
) -> None:
    db.executemany(
        "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt = ? "
        "WHERE sink = ? AND alert_id = ? AND delivered_at IS NULL",
        [(error, next_attempt, sink, alert_id) for alert_id in alert_ids],
    )


def delivery_counts(db: sqlite3.Connection, sink: str) -> DeliveryCounts:
    row = db.execute(
        "SELECT COUNT(delivered_at), COUNT(*) - COUNT(delivered_at) FROM deliveries WHERE sink = ?",
        (sink,),
    ).fetchone()
    return DeliveryCounts(row[0], row[1])


def alerts(db: sqlite3.Connection, limit: int, offset: int) -> list[AlertRow]:
    """Stored alerts, newest first."""
    rows = db.execute(
        f"SELECT {_ALERT_COLUMNS} FROM alerts a ORDER BY a.id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    return [_alert_row(row) for row in rows]


def alert_total(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0])


def _alert_row(row: Sequence[Any]) -> AlertRow:
    return AlertRow(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6])


def feed_validators(db: sqlite3.Connection) -> dict[str, Validators]:
    rows = db.execute("SELECT url, etag, last_modified FROM feed_validators").fetchall()
    return {url: Validators(etag, modified) for url, etag, modified in rows}


def save_feed_validators(
    db: sqlite3.Connection, validators: dict[str, Validators], now: str
) -> None:
    db.executemany(
        "INSERT INTO feed_validators (url, etag, last_modified, checked_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
        "last_modified = excluded.last_modified, checked_at = excluded.checked_at",
        [(url, v.etag, v.last_modified, now) for url, v in validators.items()],
    )
