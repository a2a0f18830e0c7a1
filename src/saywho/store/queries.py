"""The store's read queries: filters in, dataclasses out; parameterized SQL only.

Every filter value is a bound parameter; the only SQL assembled from pieces is
fixed text chosen here (column names, grouping expressions, clause lists). The
clause builders (``Where``, ``ledger_where``, ``add_time_and_place``,
``canonical_name``) are shared by the store's other read modules
(``saywho.store.dashboard``, ``saywho.store.articles``), so that "since",
"outlet" or "country" mean one thing in every query.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args

from saywho.dates import DateBounds, DateError, date_bounds
from saywho.model import Polarity
from saywho.store.rows import (
    EntityRow,
    EvidenceExample,
    LedgerEntry,
    LedgerFilter,
    LedgerGrouping,
    OutletRow,
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

POLARITIES: tuple[Polarity, ...] = get_args(Polarity)
# The six counts of a ledger entry, declared (True) then expressed, each by polarity;
# the count columns of ledger_pairs are named after them.
LEDGER_COUNTS: tuple[tuple[bool, Polarity], ...] = tuple(
    (declared, polarity) for declared in (True, False) for polarity in POLARITIES
)
LEDGER_COUNT_COLUMNS: tuple[str, ...] = tuple(
    f"{'declared' if declared else 'expressed'}_{polarity}" for declared, polarity in LEDGER_COUNTS
)
LedgerSide = Literal["declared", "expressed", "believed"]
# The evidence ``e`` of each side of a ledger entry. What an actor is only reported to
# believe (schema 10) has declared 0 but is not expressed: every count of the expressed
# side must leave it out, or thought would count as speech.
LEDGER_SIDES: dict[LedgerSide, str] = {
    "declared": "e.declared = 1",
    "expressed": "e.declared = 0 AND e.believed = 0",
    "believed": "e.believed = 1",
}


def counted_side(declared: bool) -> str:
    """The clause on evidence ``e`` of the declared (True) or the expressed side."""
    return LEDGER_SIDES["declared" if declared else "expressed"]


OUTLET_NAME = "coalesce(o.name, o.domain)"
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
    bounds = query_bounds(query)
    if bounds.since is not None:
        where.add(f"{table}.published >= ?", bounds.since)
    if bounds.before is not None:
        where.add(f"{table}.published < ?", bounds.before)
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


class _Dated(Protocol):
    @property
    def since(self) -> str | None: ...
    @property
    def until(self) -> str | None: ...


def query_bounds(query: _Dated) -> DateBounds:
    """The date bounds of a filter (``saywho.dates``); a date that is not one is a QueryError."""
    try:
        return date_bounds(query.since, query.until)
    except DateError as error:
        raise QueryError(str(error)) from error


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


@dataclass(frozen=True)
class LedgerSource:
    """Where a ledger query counts: each piece of evidence, or the stored totals per pair."""

    alias: str
    table: str
    weight: str  # the evidence of the rows grouped
    # The rows that hold declared or expressed evidence: not believed evidence, nor a
    # pair that has only that (whose evidence is 0).
    counted: str


_EVIDENCE = LedgerSource("e", "evidence e", "COUNT(*)", "e.believed = 0")
_TOTALS = LedgerSource("p", "ledger_pairs p", "SUM(p.evidence)", "p.evidence > 0")


def ledger_source(query: LedgerFilter, group_by: LedgerGrouping | None = None) -> LedgerSource:
    """The stored totals answer unless a filter or the grouping needs each piece of evidence."""
    needs_evidence = group_by is not None or any(
        value is not None
        for value in (query.since, query.until, query.outlet, query.label, query.min_confidence)
    )
    return _EVIDENCE if needs_evidence else _TOTALS


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


def ledger(
    db: sqlite3.Connection,
    query: LedgerFilter,
    limit: int,
    offset: int,
    group_by: LedgerGrouping | None,
    examples: int,
    among: tuple[Sequence[str], Sequence[str]] | None = None,
) -> list[LedgerEntry]:
    """Per actor and target (and group): evidence counts by polarity, most evidence first.

    ``among`` (actors, targets) keeps only the pairs of those actors and targets.
    """
    grouping = _GROUPINGS[group_by]
    source = ledger_source(query, group_by)
    where = ledger_where(db, query, source.alias)
    if among is not None:
        for column, names in zip(("actor", "target"), among, strict=True):
            marks = ", ".join("?" * len(names))
            where.add(f"{source.alias}.{column} IN ({marks})", *names)
    sql = _ledger_by_evidence(grouping, where) if source is _EVIDENCE else _ledger_by_totals(where)
    rows = db.execute(sql, (*where.parameters, limit, offset)).fetchall()
    entries = [_ledger_entry(row) for row in rows]
    if examples > 0 and entries:
        evidence_where = where if source is _EVIDENCE else ledger_where(db, query, "e")
        for entry, row in zip(entries, rows, strict=True):
            sides: dict[LedgerSide, int] = {
                "declared": sum(entry.declared.values()),
                "expressed": sum(entry.expressed.values()),
                "believed": entry.believed,
            }
            for side in (side for side, counted in sides.items() if counted):
                entry.examples += _ledger_examples(
                    db, evidence_where, grouping, entry, row[2], side, examples
                )
    return entries


def _ledger_by_evidence(grouping: _Grouping, where: Where) -> str:
    """Counted from each piece of evidence, grouped: one row as ``_ledger_entry`` reads it."""
    counts = ", ".join(
        f"SUM({counted_side(declared)} AND e.polarity = '{polarity}')"
        for declared, polarity in LEDGER_COUNTS
    )
    # Without a grouping the pairs are grouped by actor and target alone, which the
    # covering indexes deliver in order (a constant group key would cost a sort).
    keys = "e.actor, e.target" if grouping.key == "NULL" else "e.actor, e.target, grp"
    return (
        f"SELECT g.*, {grouping.name}, a.actor_type, a.country FROM ("
        f"  SELECT e.actor, e.target, {grouping.key} AS grp, {counts}, SUM(e.believed = 0) AS n, "
        f"  MIN(e.published), MAX(e.published), SUM(e.believed) FROM evidence e {grouping.join} "
        f"  WHERE {where.sql()} GROUP BY {keys} "
        f"  ORDER BY n DESC, {keys} LIMIT ? OFFSET ?"
        f") g LEFT JOIN actors a ON a.name = g.actor "
        "ORDER BY g.n DESC, g.actor, g.target, g.grp"
    )


def _ledger_by_totals(where: Where) -> str:
    """Read from the stored totals per pair: the same row shape as ``_ledger_by_evidence``."""
    counts = ", ".join(f"p.{column}" for column in LEDGER_COUNT_COLUMNS)
    return (
        f"SELECT p.actor, p.target, NULL, {counts}, p.evidence, p.first_published, "
        "p.last_published, p.believed, NULL, a.actor_type, a.country FROM ledger_pairs p "
        f"LEFT JOIN actors a ON a.name = p.actor WHERE {where.sql()} "
        "ORDER BY p.evidence DESC, p.actor, p.target LIMIT ? OFFSET ?"
    )


def _ledger_entry(row: Sequence[Any]) -> LedgerEntry:
    """The one builder of ledger entries: actor, target, group key, the six counts of
    ``LEDGER_COUNTS``, evidence, first and last date, believed evidence, group name, actor
    type and country."""
    counts = dict(zip(LEDGER_COUNTS, row[3:9], strict=True))
    return LedgerEntry(
        actor=row[0],
        actor_type=row[14] or "unknown",
        actor_country=row[15],
        target=row[1],
        group=None if row[13] is None else str(row[13]),
        declared={polarity: counts[(True, polarity)] for polarity in POLARITIES},
        expressed={polarity: counts[(False, polarity)] for polarity in POLARITIES},
        evidence=row[9],
        first_published=row[10],
        last_published=row[11],
        believed=row[12],
    )


def _ledger_examples(
    db: sqlite3.Connection,
    where: Where,
    grouping: _Grouping,
    entry: LedgerEntry,
    group_key: object,
    side: LedgerSide,
    limit: int,
) -> list[EvidenceExample]:
    """The most recent evidence of one side of a ledger entry."""
    group_clause = "" if grouping.key == "NULL" else f" AND {grouping.key} IS ?"
    group_parameters = () if grouping.key == "NULL" else (group_key,)
    # The side as fixed text, not a parameter: only then may SQLite read the declared
    # side from the partial index evidence_declared.
    rows = db.execute(
        f"SELECT {EVIDENCE_COLUMNS} FROM evidence e {grouping.join} {EVIDENCE_JOINS} "
        f"WHERE {where.sql()} AND e.actor = ? AND e.target = ? "
        f"AND {LEDGER_SIDES[side]}{group_clause} "
        "ORDER BY e.published DESC, e.confidence DESC LIMIT ?",
        (*where.parameters, entry.actor, entry.target, *group_parameters, limit),
    ).fetchall()
    return [evidence_example(row) for row in rows]


EVIDENCE_COLUMNS = (
    "e.actor, e.target, e.statement_id, e.article_id, e.declared, e.polarity, e.confidence, "
    f"s.content, s.speaker, e.published, {OUTLET_NAME}, a.url, e.believed"
)
EVIDENCE_JOINS = (
    "JOIN statements s ON s.id = e.statement_id JOIN articles a ON a.id = e.article_id "
    "LEFT JOIN outlets o ON o.id = e.outlet_id"
)


def evidence_example(row: Sequence[Any]) -> EvidenceExample:
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
        believed=bool(row[12]),
    )


# --- statements and stances ------------------------------------------------------


def _statement_where(
    db: sqlite3.Connection, query: StatementFilter, *, about: bool = True
) -> Where:
    """The filter's clauses on statements ``s``; ``about`` False leaves the target out
    (for a query that reads the target's stances ``t`` itself)."""
    where = Where()
    if query.speaker:
        where.add("s.speaker_entity = ?", canonical_name(db, "entities", "name", query.speaker))
    if query.about and about:
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
    f"s.content_spans, s.kind, s.act, s.confidence, s.published, {OUTLET_NAME}, a.title, a.url, "
    "s.medium, s.speaker_start, s.speaker_end, s.cue_start, s.cue_end, s.cue_lemma"
)
_STATEMENT_JOINS = (
    "JOIN articles a ON a.id = s.article_id LEFT JOIN outlets o ON o.id = s.outlet_id"
)


def statements(
    db: sqlite3.Connection, query: StatementFilter, limit: int, offset: int
) -> list[StatementRow]:
    """Statements matching ``query``, newest first (one article's: in its order)."""
    about = _about(db, query) if query.article_id is None else None
    where = _statement_where(db, query, about=about is None)
    source, order = "statements s", "s.published DESC, s.id DESC"
    if query.article_id is not None:
        order = "s.id"
    elif about is not None:
        # Read from the target's stances in the order of stances_target_published (their
        # published is their statement's): the newest first without sorting them all.
        source = "stances t JOIN statements s ON s.id = t.statement_id"
        order = "t.published DESC, t.statement_id DESC"
        where.add("t.target = ?", about)
    rows = db.execute(
        f"SELECT {_STATEMENT_COLUMNS} FROM {source} {_STATEMENT_JOINS} "
        f"WHERE {where.sql()} ORDER BY {order} LIMIT ? OFFSET ?",
        (*where.parameters, limit, offset),
    ).fetchall()
    return _with_stances(db, [_statement_row(row) for row in rows])


def _about(db: sqlite3.Connection, query: StatementFilter) -> str | None:
    """The stored name of the filter's target, if it has one."""
    return canonical_name(db, "entities", "name", query.about) if query.about else None


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
        speaker_span=None if row[16] is None else (row[16], row[17]),
        cue_span=None if row[18] is None else (row[18], row[19]),
        cue_lemma=row[20],
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
    about = _about(db, query)
    where = _statement_where(db, query, about=about is None)
    order = "s.published DESC, s.id DESC, t.target"
    if about is not None:
        # One stance per statement and target: in the order of stances_target_published.
        where.add("t.target = ?", about)
        order = "t.published DESC, t.statement_id DESC"
    rows = db.execute(
        "SELECT s.id, s.article_id, s.speaker_entity, t.target, t.polarity, t.score, "
        f"s.confidence, s.published, {OUTLET_NAME} FROM stances t "
        "JOIN statements s ON s.id = t.statement_id LEFT JOIN outlets o ON o.id = s.outlet_id "
        f"WHERE {where.sql()} ORDER BY {order} LIMIT ? OFFSET ?",
        (*where.parameters, limit, offset),
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
            raise QueryError(f"cannot search for {text!r}: {error}") from error
    words = _WORD.findall(text)
    if not words:
        raise QueryError(f"nothing to search for in {text!r}")
    plain = " ".join(f'"{word}"' for word in words)
    try:
        return _search(db, plain, query, limit, offset, highlight)
    except sqlite3.OperationalError as error:
        # FTS5 refuses some text the store does not yet reword.
        raise QueryError(f"cannot search for {text!r}: {error}") from error


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
        f"SELECT a.title, {OUTLET_NAME}, a.published, a.url FROM articles a "
        "LEFT JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    return SearchHit(kind, article_id, statement_id, title, outlet, published, url, snippet, rank)


def _article_of_statement(db: sqlite3.Connection, statement_id: int) -> int:
    return int(
        db.execute("SELECT article_id FROM statements WHERE id = ?", (statement_id,)).fetchone()[0]
    )


# --- entities, outlets, counts ----------------------------------------------


def entities(
    db: sqlite3.Connection, entity_type: str | None, limit: int, offset: int
) -> list[EntityRow]:
    """Entities with how many articles mention them, most mentioned first (the counts
    the mentions triggers keep on each entity: schema 9)."""
    where = Where()
    if entity_type:
        where.add("e.type = ?", entity_type.upper())
    rows = db.execute(
        "SELECT e.id, e.name, e.type, e.actor_type, e.speaks_for, e.article_count, "
        f"e.mention_count FROM entities e WHERE e.mention_count > 0 AND {where.sql()} "
        "ORDER BY e.mention_count DESC, e.name LIMIT ? OFFSET ?",
        (*where.parameters, limit, offset),
    ).fetchall()
    return [EntityRow(*row) for row in rows]


def outlets(db: sqlite3.Connection, label: str | None, limit: int, offset: int) -> list[OutletRow]:
    """Outlets with their labels and how much the store holds from each, largest first."""
    where = Where()
    if label:
        where.add("o.id IN (SELECT outlet_id FROM outlet_labels WHERE label = ?)", label)
    # The counts are the outlets' own (kept by triggers: schema 9), so the page is read
    # in the order of outlets_articles; first and last dates are one seek each.
    rows = db.execute(
        "SELECT o.id, o.domain, o.name, o.country, "
        "(SELECT group_concat(label, '|') FROM (SELECT label FROM outlet_labels "
        " WHERE outlet_id = o.id ORDER BY label)), o.article_count, o.statement_count, "
        "(SELECT MIN(published) FROM articles WHERE outlet_id = o.id), "
        "(SELECT MAX(published) FROM articles WHERE outlet_id = o.id) "
        f"FROM outlets o WHERE {where.sql()} "
        "ORDER BY o.article_count DESC, o.domain LIMIT ? OFFSET ?",
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


def counts(db: sqlite3.Connection) -> StoreCounts:
    """How many rows each table holds, and the span of publication dates.

    The three largest tables are counted from the summaries kept in step with them
    (schema 9): COUNT(*) reads a whole index, a tenth of a second per table at a
    million statements.
    """

    def one(sql: str) -> Any:
        return db.execute(sql).fetchone()[0]

    def count(table: str) -> int:
        return int(one(f"SELECT COUNT(*) FROM {table}"))

    return StoreCounts(
        articles=count("articles"),
        statements=count("statements"),
        stances=int(one("SELECT TOTAL(stances) FROM stance_months")),
        evidence=int(one("SELECT TOTAL(evidence) FROM ledger_actors")),
        entities=count("entities"),
        mentions=int(one("SELECT TOTAL(mention_count) FROM entities")),
        outlets=count("outlets"),
        actors=count("actors"),
        links=count("article_links"),
        # One aggregate each: SQLite reads MIN or MAX alone from the index, both together
        # from every row.
        first_published=one("SELECT MIN(published) FROM articles"),
        last_published=one("SELECT MAX(published) FROM articles"),
        schema_version=schema_version(db),
    )
