"""The store's read queries: filters in, dataclasses out; parameterized SQL only.

Every filter value is a bound parameter; the only SQL assembled from pieces is
fixed text chosen here (column names, grouping expressions, clause lists). The
clause builders (``Where``, ``ledger_where``, ``add_time_and_place``,
``canonical_name``) are public so that the dashboard's own queries
(``saywho.web.queries``) filter exactly as these do.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from saywho.store.rows import (
    ArticleEntity,
    ArticleRecord,
    EntityRow,
    EvidenceExample,
    LedgerEntry,
    LedgerFilter,
    LedgerGrouping,
    OutletRow,
    Provenance,
    SearchFilter,
    SearchHit,
    StanceRow,
    StatementFilter,
    StatementRow,
    StoreCounts,
    TargetStance,
    TimeAndPlace,
)
from saywho.store.schema import schema_version

POLARITIES = ("negative", "neutral", "positive")
_OUTLET_NAME = "coalesce(o.name, o.domain)"
_FTS_SYNTAX_ERROR = re.compile(
    r"fts5: syntax error|unterminated string|no such column|unknown special query", re.I
)
_WORD = re.compile(r"\w+")
# Search ranks at most this many of the newest matches of each kind (see _best_matches).
RANKED_MATCHES = 5_000


class QueryError(ValueError):
    """A query the store cannot answer as asked (one line for the user)."""


@dataclass
class Where:
    clauses: list[str] = field(default_factory=list)
    parameters: list[object] = field(default_factory=list)

    def add(self, clause: str, *parameters: object) -> None:
        self.clauses.append(clause)
        self.parameters.extend(parameters)

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1"


def add_time_and_place(where: Where, query: TimeAndPlace, table: str) -> None:
    if query.since:
        where.add(f"{table}.published >= ?", day_start(query.since))
    if query.until:
        where.add(f"{table}.published < ?", moment_after(query.until))
    if query.outlet:
        where.add(
            f"{table}.outlet_id IN (SELECT id FROM outlets WHERE domain = lower(?) "
            "OR name = ? COLLATE NOCASE)",
            query.outlet,
            query.outlet,
        )
    if query.label:
        where.add(
            f"{table}.outlet_id IN (SELECT outlet_id FROM outlet_labels WHERE label = ?)",
            query.label,
        )
    if query.min_confidence is not None:
        where.add(f"{table}.confidence >= ?", query.min_confidence)


def day_start(value: str) -> str:
    """``value`` checked as an ISO date or date-time: the first moment a ``since`` keeps."""
    return checked_date(value, "since")


def moment_after(value: str) -> str:
    """The smallest ISO string after every moment of ``value`` (a whole day for a date)."""
    checked = checked_date(value, "until")
    if len(checked) == 10:
        return (date.fromisoformat(checked) + timedelta(days=1)).isoformat()
    # A date-time: everything that sorts at or before it, with any suffix.
    return checked + "\uffff"


def checked_date(value: str, name: str) -> str:
    """A date or date-time as given; one with a zone moved to UTC, to the precision given.

    Stored dates are UTC (``…Z``) or as the source wrote them without a zone, and
    bounds compare with them as text, a bound standing for every moment it is a
    prefix of (``until 2024-10-03T18:30`` keeps the whole minute). A zone would
    break that: ``18:30+02:00`` is the bound ``16:30``.
    """
    text = value.strip()
    try:
        date.fromisoformat(text[:10])
    except ValueError as error:
        raise QueryError(
            f"--{name} must be an ISO date such as 2024-09-30, not {value!r}"
        ) from error
    zone = _ZONE.search(text) if len(text) > 10 else None
    if zone is None:
        return text
    try:
        moment = datetime.fromisoformat(
            text[: zone.start()] + "+00:00" if zone.group() == "Z" else text
        )
    except ValueError as error:
        raise QueryError(f"--{name} must be an ISO date or date-time, not {value!r}") from error
    in_utc = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    return in_utc[: zone.start()]


_ZONE = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")


def canonical_name(db: sqlite3.Connection, table: str, column: str, name: str) -> str:
    """The stored spelling of ``name`` (any case); the name as given when none is stored."""
    row = db.execute(
        f"SELECT {column} FROM {table} WHERE {column} = ? COLLATE NOCASE "
        f"ORDER BY {column} = ? DESC LIMIT 1",
        (name, name),
    ).fetchone()
    return str(row[0]) if row else name


# --- ledger --------------------------------------------------------------------


@dataclass(frozen=True)
class _Grouping:
    key: str  # SQL expression of the group key
    join: str  # join needed by the key
    name: str  # SQL expression showing the group, over the key aliased "grp"


_GROUPINGS: dict[LedgerGrouping | None, _Grouping] = {
    None: _Grouping("NULL", "", "NULL"),
    "outlet": _Grouping(
        "e.outlet_id", "", "(SELECT coalesce(name, domain) FROM outlets WHERE id = grp)"
    ),
    "label": _Grouping("l.label", "JOIN outlet_labels l ON l.outlet_id = e.outlet_id", "grp"),
    "outlet-country": _Grouping("(SELECT country FROM outlets WHERE id = e.outlet_id)", "", "grp"),
}


def ledger_where(db: sqlite3.Connection, query: LedgerFilter, table: str) -> Where:
    where = Where()
    if query.actor:
        where.add(f"{table}.actor = ?", canonical_name(db, "actors", "name", query.actor))
    if query.target:
        where.add(f"{table}.target = ?", canonical_name(db, "entities", "name", query.target))
    if query.country:
        where.add(
            f"{table}.actor IN (SELECT name FROM actors WHERE country = ?)",
            canonical_name(db, "actors", "country", query.country),
        )
    add_time_and_place(where, query, table)
    return where


def needs_evidence(query: LedgerFilter, group_by: LedgerGrouping | None) -> bool:
    """Whether the ledger must count evidence rows (else ledger_pairs has the totals)."""
    return group_by is not None or any(
        value is not None
        for value in (query.since, query.until, query.outlet, query.label, query.min_confidence)
    )


def ledger(
    db: sqlite3.Connection,
    query: LedgerFilter,
    limit: int,
    offset: int,
    group_by: LedgerGrouping | None,
    examples: int,
) -> list[LedgerEntry]:
    """Per actor and target (and group): evidence counts by polarity, most evidence first."""
    grouping = _GROUPINGS[group_by]
    where = ledger_where(db, query, "e")
    if needs_evidence(query, group_by):
        counts = ", ".join(
            f"SUM(e.declared = {flag} AND e.polarity = '{polarity}')"
            for flag in (1, 0)
            for polarity in POLARITIES
        )
        rows = db.execute(
            f"SELECT g.*, {grouping.name}, a.actor_type, a.country FROM ("
            f"  SELECT e.actor, e.target, {grouping.key} AS grp, {counts}, COUNT(*) AS n, "
            f"  MIN(e.published), MAX(e.published) FROM evidence e {grouping.join} "
            f"  WHERE {where.sql()} GROUP BY e.actor, e.target, grp "
            f"  ORDER BY n DESC, e.actor, e.target, grp LIMIT ? OFFSET ?"
            f") g LEFT JOIN actors a ON a.name = g.actor "
            "ORDER BY g.n DESC, g.actor, g.target, g.grp",
            (*where.parameters, limit, offset),
        ).fetchall()
    else:
        totals = ledger_where(db, query, "p")
        rows = db.execute(
            "SELECT p.actor, p.target, NULL, p.declared_negative, p.declared_neutral, "
            "p.declared_positive, p.expressed_negative, p.expressed_neutral, "
            "p.expressed_positive, p.evidence, p.first_published, p.last_published, NULL, "
            "a.actor_type, a.country FROM ledger_pairs p LEFT JOIN actors a ON a.name = p.actor "
            f"WHERE {totals.sql()} ORDER BY p.evidence DESC, p.actor, p.target LIMIT ? OFFSET ?",
            (*totals.parameters, limit, offset),
        ).fetchall()
    entries: list[LedgerEntry] = []
    for row in rows:
        actor, target, group_key = row[0], row[1], row[2]
        declared = dict(zip(POLARITIES, row[3:6], strict=True))
        expressed = dict(zip(POLARITIES, row[6:9], strict=True))
        entry = LedgerEntry(
            actor=actor,
            actor_type=row[13] or "unknown",
            actor_country=row[14],
            target=target,
            group=None if row[12] is None else str(row[12]),
            declared=declared,
            expressed=expressed,
            evidence=row[9],
            first_published=row[10],
            last_published=row[11],
        )
        if examples > 0:
            for flag, counted in ((1, declared), (0, expressed)):
                if sum(counted.values()):
                    entry.examples += _ledger_examples(
                        db, where, grouping, actor, target, group_key, flag, examples
                    )
        entries.append(entry)
    return entries


def _ledger_examples(
    db: sqlite3.Connection,
    where: Where,
    grouping: _Grouping,
    actor: str,
    target: str,
    group_key: object,
    declared: int,
    limit: int,
) -> list[EvidenceExample]:
    """The most recent evidence of one ledger entry (declared or expressed)."""
    group_clause = "" if grouping.key == "NULL" else f" AND {grouping.key} IS ?"
    group_parameters = () if grouping.key == "NULL" else (group_key,)
    rows = db.execute(
        f"SELECT {_EVIDENCE_COLUMNS} FROM evidence e {grouping.join} {_EVIDENCE_JOINS} "
        f"WHERE {where.sql()} AND e.actor = ? AND e.target = ? AND e.declared = ?{group_clause} "
        "ORDER BY e.published DESC, e.confidence DESC LIMIT ?",
        (*where.parameters, actor, target, declared, *group_parameters, limit),
    ).fetchall()
    return [_evidence_example(row) for row in rows]


_EVIDENCE_COLUMNS = (
    "e.actor, e.target, e.statement_id, e.article_id, e.declared, e.polarity, e.confidence, "
    f"s.content, s.speaker, e.published, {_OUTLET_NAME}, a.url"
)
_EVIDENCE_JOINS = (
    "JOIN statements s ON s.id = e.statement_id JOIN articles a ON a.id = e.article_id "
    "LEFT JOIN outlets o ON o.id = e.outlet_id"
)


def _evidence_example(row: Sequence[Any]) -> EvidenceExample:
    return EvidenceExample(
        actor=row[0],
        target=row[1],
        statement_id=row[2],
        article_id=row[3],
        declared=bool(row[4]),
        polarity=row[5],
        confidence=row[6],
        content=row[7],
        speaker=row[8],
        published=row[9],
        outlet=row[10],
        url=row[11],
    )


# --- statements and stances ------------------------------------------------------


def _statement_where(db: sqlite3.Connection, query: StatementFilter) -> Where:
    where = Where()
    if query.speaker:
        where.add("s.speaker_entity = ?", canonical_name(db, "entities", "name", query.speaker))
    if query.about:
        where.add(
            "s.id IN (SELECT statement_id FROM stances WHERE target = ?)",
            canonical_name(db, "entities", "name", query.about),
        )
    if query.act:
        where.add("s.act = ?", query.act)
    if query.kind:
        where.add("s.kind = ?", query.kind)
    if query.country:
        where.add(
            "s.speaker_entity IN (SELECT name FROM actors WHERE country = ?)",
            canonical_name(db, "actors", "country", query.country),
        )
    if query.article_id is not None:
        where.add("s.article_id = ?", query.article_id)
    add_time_and_place(where, query, "s")
    return where


_STATEMENT_COLUMNS = (
    "s.id, s.article_id, s.local_id, s.speaker, s.speaker_entity, s.cue, s.content, "
    f"s.content_spans, s.kind, s.act, s.confidence, s.published, {_OUTLET_NAME}, a.title, a.url, "
    "s.medium"
)
_STATEMENT_JOINS = (
    "JOIN articles a ON a.id = s.article_id LEFT JOIN outlets o ON o.id = s.outlet_id"
)


def statements(
    db: sqlite3.Connection, query: StatementFilter, limit: int, offset: int
) -> list[StatementRow]:
    """Statements matching ``query``, newest first."""
    where = _statement_where(db, query)
    order = "s.id" if query.article_id is not None else "s.published DESC, s.id DESC"
    rows = db.execute(
        f"SELECT {_STATEMENT_COLUMNS} FROM statements s {_STATEMENT_JOINS} "
        f"WHERE {where.sql()} ORDER BY {order} LIMIT ? OFFSET ?",
        (*where.parameters, limit, offset),
    ).fetchall()
    return _with_stances(db, [_statement_row(row) for row in rows])


def _statement_row(row: Sequence[Any]) -> StatementRow:
    spans = json.loads(row[7])
    return StatementRow(
        id=row[0],
        article_id=row[1],
        local_id=row[2],
        speaker=row[3],
        speaker_entity=row[4],
        cue=row[5],
        content=row[6],
        content_spans=[(start, end) for start, end in spans],
        kind=row[8],
        act=row[9],
        confidence=row[10],
        published=row[11],
        outlet=row[12],
        title=row[13],
        url=row[14],
        medium=row[15],
    )


def _with_stances(db: sqlite3.Connection, rows: list[StatementRow]) -> list[StatementRow]:
    if not rows:
        return rows
    by_id = {row.id: row for row in rows}
    marks = ", ".join("?" * len(by_id))
    for statement_id, target, polarity, score in db.execute(
        f"SELECT statement_id, target, polarity, score FROM stances "
        f"WHERE statement_id IN ({marks}) ORDER BY statement_id, target",
        tuple(by_id),
    ):
        by_id[statement_id].stances.append(TargetStance(target, polarity, score))
    return rows


def stances(
    db: sqlite3.Connection, query: StatementFilter, limit: int, offset: int
) -> list[StanceRow]:
    """Stances of the statements matching ``query`` (``about`` picks the target), newest first."""
    where = _statement_where(db, query)
    target_clause = ""
    parameters: tuple[object, ...] = tuple(where.parameters)
    if query.about:
        target_clause = " AND t.target = ?"
        parameters += (canonical_name(db, "entities", "name", query.about),)
    rows = db.execute(
        "SELECT s.id, s.article_id, s.speaker_entity, t.target, t.polarity, t.score, "
        f"s.confidence, s.published, {_OUTLET_NAME} FROM stances t "
        "JOIN statements s ON s.id = t.statement_id LEFT JOIN outlets o ON o.id = s.outlet_id "
        f"WHERE {where.sql()}{target_clause} "
        "ORDER BY s.published DESC, s.id DESC, t.target LIMIT ? OFFSET ?",
        (*parameters, limit, offset),
    ).fetchall()
    return [StanceRow(*row) for row in rows]


# --- search ------------------------------------------------------------------------


def search(
    db: sqlite3.Connection,
    text: str,
    query: SearchFilter,
    limit: int,
    offset: int,
    highlight: tuple[str, str],
) -> list[SearchHit]:
    """Full-text matches in articles and statements, best first (FTS5 bm25).

    ``text`` may use FTS5 syntax (``"exact phrase"``, ``OR``, ``NEAR``, ``prefix*``);
    what is not valid FTS5 is searched as plain words, all of which must match.
    """
    if not text.strip():
        raise QueryError("the search text is empty")
    try:
        return _search(db, text, query, limit, offset, highlight)
    except sqlite3.OperationalError as error:
        if not _FTS_SYNTAX_ERROR.search(str(error)):
            raise
    words = _WORD.findall(text)
    if not words:
        raise QueryError(f"nothing to search for in {text!r}")
    plain = " ".join(f'"{word}"' for word in words)
    return _search(db, plain, query, limit, offset, highlight)


def _search(
    db: sqlite3.Connection,
    match: str,
    query: SearchFilter,
    limit: int,
    offset: int,
    highlight: tuple[str, str],
) -> list[SearchHit]:
    wanted = limit + offset
    place = TimeAndPlace(since=query.since, until=query.until, outlet=query.outlet)
    ranked: list[tuple[float, Literal["article", "statement"], int]] = []
    if query.scope in ("all", "articles"):
        ranked += _best_matches(db, "article", match, place, wanted)
    if query.scope in ("all", "statements"):
        ranked += _best_matches(db, "statement", match, place, wanted)
    ranked.sort()
    page = ranked[offset:wanted]
    return [_hit(db, kind, rowid, rank, match, highlight) for rank, kind, rowid in page]


@dataclass(frozen=True)
class _FullText:
    index: str
    table: str  # the alias t
    weights: str  # bm25 weights of the indexed columns
    snippet_tokens: int


_FULL_TEXT: dict[Literal["article", "statement"], _FullText] = {
    # Titles weigh more than body text; a speaker's name more than what was said.
    "article": _FullText("articles_fts", "articles", "4.0, 1.0", 16),
    "statement": _FullText("statements_fts", "statements", "1.0, 2.0", 24),
}


def _best_matches(
    db: sqlite3.Connection,
    kind: Literal["article", "statement"],
    match: str,
    place: TimeAndPlace,
    wanted: int,
) -> list[tuple[float, Literal["article", "statement"], int]]:
    """The ``wanted`` best (rank, kind, rowid), ranked first and described later.

    bm25 is computed for the newest ``RANKED_MATCHES`` matches only (the index
    hands them out newest first): a word in most documents would otherwise cost
    a score for each of them, and such a word says little about relevance
    anyway. Snippets and joins are then made for the page only.
    """
    text = _FULL_TEXT[kind]
    where = Where()
    add_time_and_place(where, place, "t")
    index = text.index
    join = f" JOIN {text.table} t ON t.id = {index}.rowid" if where.clauses else ""
    rows = db.execute(
        f"SELECT rank, rowid FROM (SELECT bm25({index}, {text.weights}) AS rank, "
        f"{index}.rowid AS rowid FROM {index}{join} WHERE {index} MATCH ? AND {where.sql()} "
        f"ORDER BY {index}.rowid DESC LIMIT {RANKED_MATCHES}) ORDER BY rank LIMIT ?",
        (match, *where.parameters, wanted),
    ).fetchall()
    return [(rank, kind, rowid) for rank, rowid in rows]


def _hit(
    db: sqlite3.Connection,
    kind: Literal["article", "statement"],
    rowid: int,
    rank: float,
    match: str,
    highlight: tuple[str, str],
) -> SearchHit:
    text = _FULL_TEXT[kind]
    [snippet] = db.execute(
        f"SELECT snippet({text.index}, -1, ?, ?, '…', {text.snippet_tokens}) "
        f"FROM {text.index} WHERE {text.index} MATCH ? AND rowid = ?",
        (*highlight, match, rowid),
    ).fetchone()
    if kind == "article":
        article_id, statement_id = rowid, None
    else:
        article_id, statement_id = _article_of_statement(db, rowid), rowid
    title, outlet, published, url = db.execute(
        f"SELECT a.title, {_OUTLET_NAME}, a.published, a.url FROM articles a "
        "LEFT JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    return SearchHit(kind, article_id, statement_id, title, outlet, published, url, snippet, rank)


def _article_of_statement(db: sqlite3.Connection, statement_id: int) -> int:
    return int(
        db.execute("SELECT article_id FROM statements WHERE id = ?", (statement_id,)).fetchone()[0]
    )


# --- entities, outlets, articles, counts ----------------------------------------------


def entities(
    db: sqlite3.Connection, entity_type: str | None, limit: int, offset: int
) -> list[EntityRow]:
    """Entities with how many articles mention them, most mentioned first."""
    where = Where()
    if entity_type:
        where.add("e.type = ?", entity_type.upper())
    rows = db.execute(
        "SELECT e.id, e.name, e.type, e.actor_type, e.speaks_for, "
        "COUNT(DISTINCT m.article_id), COUNT(m.id) AS n FROM entities e "
        f"JOIN mentions m ON m.entity_id = e.id WHERE {where.sql()} "
        "GROUP BY e.id ORDER BY n DESC, e.name LIMIT ? OFFSET ?",
        (*where.parameters, limit, offset),
    ).fetchall()
    return [EntityRow(*row) for row in rows]


def outlets(db: sqlite3.Connection, label: str | None, limit: int, offset: int) -> list[OutletRow]:
    """Outlets with their labels and how much the store holds from each, largest first."""
    where = Where()
    if label:
        where.add("o.id IN (SELECT outlet_id FROM outlet_labels WHERE label = ?)", label)
    rows = db.execute(
        "SELECT o.id, o.domain, o.name, o.country, "
        "(SELECT group_concat(label, '|') FROM (SELECT label FROM outlet_labels "
        " WHERE outlet_id = o.id ORDER BY label)), "
        "(SELECT COUNT(*) FROM articles WHERE outlet_id = o.id) AS n, "
        "(SELECT COUNT(*) FROM statements WHERE outlet_id = o.id), "
        "(SELECT MIN(published) FROM articles WHERE outlet_id = o.id), "
        "(SELECT MAX(published) FROM articles WHERE outlet_id = o.id) "
        f"FROM outlets o WHERE {where.sql()} ORDER BY n DESC, o.domain LIMIT ? OFFSET ?",
        (*where.parameters, limit, offset),
    ).fetchall()
    return [
        OutletRow(
            id=row[0],
            domain=row[1],
            name=row[2],
            country=row[3],
            labels=row[4].split("|") if row[4] else [],
            articles=row[5],
            statements=row[6],
            first_published=row[7],
            last_published=row[8],
        )
        for row in rows
    ]


def article(db: sqlite3.Connection, article_id: int) -> ArticleRecord | None:
    """One article with its entities, statements and ledger evidence."""
    row = db.execute(
        "SELECT a.id, a.identity, a.source, a.url, coalesce(o.name, o.domain), a.title, "
        "a.published, a.language, a.text, a.notes, a.content_hash, n.saywho_version, n.models, "
        "a.ingested_at FROM articles a JOIN analyses n ON n.id = a.analysis_id "
        "LEFT JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    mentions: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for name, entity_type, actor_type, start, end in db.execute(
        'SELECT e.name, e.type, e.actor_type, m.start, m."end" FROM mentions m '
        "JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? ORDER BY m.id",
        (article_id,),
    ):
        mentions.setdefault((name, entity_type, actor_type), []).append((start, end))
    evidence_rows = db.execute(
        f"SELECT {_EVIDENCE_COLUMNS} FROM evidence e {_EVIDENCE_JOINS} WHERE e.article_id = ? "
        "ORDER BY e.actor, e.target, e.statement_id",
        (article_id,),
    ).fetchall()
    return ArticleRecord(
        id=row[0],
        identity=row[1],
        source=row[2],
        url=row[3],
        outlet=row[4],
        title=row[5],
        published=row[6],
        language=row[7],
        text=row[8],
        notes=json.loads(row[9]),
        content_hash=row[10],
        provenance=Provenance(row[11], json.loads(row[12])),
        ingested_at=row[13],
        entities=[
            ArticleEntity(name, entity_type, actor_type, spans)
            for (name, entity_type, actor_type), spans in mentions.items()
        ],
        statements=statements(db, StatementFilter(article_id=article_id), -1, 0),
        evidence=[_evidence_example(evidence) for evidence in evidence_rows],
    )


def counts(db: sqlite3.Connection) -> StoreCounts:
    """How many rows each table holds, and the span of publication dates."""

    def count(table: str) -> int:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    first, last = db.execute("SELECT MIN(published), MAX(published) FROM articles").fetchone()
    return StoreCounts(
        articles=count("articles"),
        statements=count("statements"),
        stances=count("stances"),
        evidence=count("evidence"),
        entities=count("entities"),
        mentions=count("mentions"),
        outlets=count("outlets"),
        actors=count("actors"),
        links=count("article_links"),
        first_published=first,
        last_published=last,
        schema_version=schema_version(db),
    )
