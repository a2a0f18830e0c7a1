"""One stored article: as a record for its page, and as the ``Article`` the pipeline made.

``article`` gives an ``ArticleRecord`` (ids, provenance and ledger evidence with
the stored text); ``stored_article`` rebuilds the ``saywho.model.Article`` that
was stored, so that ``saywho.output.article_to_dict`` writes it as the
``saywho.article/1`` JSON of ``saywho analyze``, the ledger's ``believed``
evidence included (schema 10). Statements stored before schema 6 have no
``cue_lemma`` (None).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import cast

from saywho.model import (
    Act,
    ActorType,
    Article,
    Document,
    Entity,
    EntityType,
    Evidence,
    Kind,
    LedgerRow,
    Medium,
    Polarity,
    Span,
    Speaker,
    Stance,
    Statement,
)
from saywho.store.queries import (
    EVIDENCE_COLUMNS,
    EVIDENCE_JOINS,
    OUTLET_NAME,
    evidence_example,
    statements,
)
from saywho.store.rows import (
    ArticleEntity,
    ArticleRecord,
    EvidenceExample,
    Provenance,
    StatementFilter,
    StatementRow,
)

_ARTICLE = (
    f"SELECT a.id, a.identity, a.source, a.url, {OUTLET_NAME}, a.title, a.published, "
    "a.language, a.text, a.notes, a.content_hash, n.saywho_version, n.models, a.ingested_at "
    "FROM articles a JOIN analyses n ON n.id = a.analysis_id "
    "LEFT JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ?"
)
_MENTIONS = (
    'SELECT e.name, e.type, e.actor_type, e.speaks_for, e.in_knowledge_base, m.start, m."end" '
    "FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? ORDER BY m.id"
)


def article(db: sqlite3.Connection, article_id: int) -> ArticleRecord | None:
    """One article with its entities, statements and ledger evidence."""
    row = db.execute(_ARTICLE, (article_id,)).fetchone()
    if row is None:
        return None
    evidence_rows = db.execute(
        f"SELECT {EVIDENCE_COLUMNS} FROM evidence e {EVIDENCE_JOINS} WHERE e.article_id = ? "
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
        entities=_entities(db, article_id),
        statements=statements(db, StatementFilter(article_id=article_id), -1, 0),
        evidence=[evidence_example(evidence) for evidence in evidence_rows],
    )


def _entities(db: sqlite3.Connection, article_id: int) -> list[ArticleEntity]:
    """The article's entities in order of first mention, each with its mentions."""
    mentions: dict[tuple[str, str, str, str | None, bool], list[tuple[int, int]]] = {}
    for name, entity_type, actor_type, speaks_for, known, start, end in db.execute(
        _MENTIONS, (article_id,)
    ):
        key = (name, entity_type, actor_type, speaks_for, bool(known))
        mentions.setdefault(key, []).append((start, end))
    return [
        ArticleEntity(name, entity_type, actor_type, spans, speaks_for, known)
        for (name, entity_type, actor_type, speaks_for, known), spans in mentions.items()
    ]


def stored_article(db: sqlite3.Connection, article_id: int) -> Article | None:
    """The stored analysis of one article as the pipeline's ``Article``."""
    record = article(db, article_id)
    if record is None:
        return None
    text = record.text
    document = Document(
        source=record.source,
        text=text,
        url=record.url,
        outlet=record.outlet,
        title=record.title,
        published=record.published,
        language=record.language,
    )
    return Article(
        document=document,
        entities=[_entity(entity, text) for entity in record.entities],
        statements=[_statement(row, text) for row in record.statements],
        ledger=_ledger(db, record.statements, record.evidence),
        notes=record.notes,
    )


# The store writes what the pipeline's Literal types allow; the casts say so to mypy.


def _entity(entity: ArticleEntity, text: str) -> Entity:
    return Entity(
        name=entity.name,
        type=cast(EntityType, entity.type),
        mentions=[Span(start, end, text[start:end]) for start, end in entity.mentions],
        actor_type=cast(ActorType, entity.actor_type),
        speaks_for=entity.speaks_for,
        in_knowledge_base=entity.in_knowledge_base,
    )


def _statement(row: StatementRow, text: str) -> Statement:
    speaker = cue = None
    if row.speaker_span is not None:
        speaker = Speaker(*row.speaker_span, row.speaker or "", row.speaker_entity)
    if row.cue_span is not None:
        cue = Span(*row.cue_span, row.cue or "")
    return Statement(
        id=row.local_id,
        speaker=speaker,
        cue=cue,
        cue_lemma=row.cue_lemma,
        content=[Span(start, end, text[start:end]) for start, end in row.content_spans],
        kind=cast(Kind, row.kind),
        act=cast(Act, row.act),
        medium=cast(Medium, row.medium),
        confidence=row.confidence,
        stances=[Stance(s.target, cast(Polarity, s.polarity), s.score) for s in row.stances],
    )


def _ledger(
    db: sqlite3.Connection, rows: Sequence[StatementRow], evidence: Sequence[EvidenceExample]
) -> list[LedgerRow]:
    """The article's ledger rows from its stored evidence, by actor and target."""
    local_ids = {row.id: row.local_id for row in rows}
    actors = sorted({item.actor for item in evidence})
    marks = ", ".join("?" * len(actors))
    actor_types: dict[str, str] = dict(
        db.execute(f"SELECT name, actor_type FROM actors WHERE name IN ({marks})", actors)
    )
    ledger: dict[tuple[str, str], LedgerRow] = {}
    for item in evidence:
        key = (item.actor, item.target)
        if key not in ledger:
            actor_type = cast(ActorType, actor_types.get(item.actor, "unknown"))
            ledger[key] = LedgerRow(item.actor, actor_type, item.target)
        found = Evidence(local_ids[item.statement_id], cast(Polarity, item.polarity))
        _side(ledger[key], item).append(found)
    return list(ledger.values())


def _side(row: LedgerRow, item: EvidenceExample) -> list[Evidence]:
    if item.believed:
        return row.believed
    return row.declared if item.declared else row.expressed
