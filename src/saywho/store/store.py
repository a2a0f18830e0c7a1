"""``Store``: an embedded SQLite database of analyzed articles.

One article is one transaction: the identity and content-hash check, the
article row and everything its analysis found commit together or not at all.
The database runs in WAL mode, so readers query while an ingest writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Literal

from saywho.ingest.dates import normalize_published
from saywho.model import Article, ConfigError, Entity, RawDocument, Statement
from saywho.store import queries
from saywho.store.identity import content_hash, document_identity, outlet_domain
from saywho.store.provenance import fingerprint
from saywho.store.rows import (
    ArticleRecord,
    EntityRow,
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
)
from saywho.store.schema import migrate

DEFAULT_DB = Path("saywho.db")
BUSY_TIMEOUT_SECONDS = 30.0

SaveOutcome = Literal["ingested", "updated", "reanalyzed", "unchanged"]
# One piece of ledger evidence as ledger_pairs counts it: actor, target, declared, polarity.
EvidenceKey = tuple[str, str, int, str]
_PAIR_COUNTS = tuple(
    (declared, polarity) for declared in (1, 0) for polarity in ("negative", "neutral", "positive")
)
_COUNT_COLUMNS = [
    f"{'declared' if declared else 'expressed'}_{polarity}" for declared, polarity in _PAIR_COUNTS
]
# Fixed text built from the constant column names above.
_UPSERT_PAIR = (
    f"INSERT INTO ledger_pairs (actor, target, {', '.join(_COUNT_COLUMNS)}, evidence) "
    f"VALUES (?, ?, {', '.join('?' * (len(_COUNT_COLUMNS) + 1))}) "
    "ON CONFLICT (actor, target) DO UPDATE SET "
    + ", ".join(f"{c} = {c} + excluded.{c}" for c in [*_COUNT_COLUMNS, "evidence"])
)


@dataclass(frozen=True)
class StoredInput:
    """A stored article as input for reanalysis, with the hash of what was first read."""

    id: int
    document: RawDocument
    content_hash: str


class Store:
    """Open with ``Store(path)`` (creating and migrating it) or ``Store.existing(path)``.

    Use as a context manager, or call ``close``. Query methods return the
    dataclasses of ``saywho.store.rows``; they are what the CLI and the web
    dashboard both call.
    """

    def __init__(self, path: str | Path = DEFAULT_DB) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
            )
            # Text from hostile pages can hold bytes that are not UTF-8: show them as
            # U+FFFD rather than fail the whole query.
            self._db.text_factory = lambda data: data.decode("utf-8", "replace")
            self._db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL loses no committed transaction when the process dies;
            # only a power cut may roll back the last ones, which a re-run adds again.
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            migrate(self._db)
        except sqlite3.DatabaseError as error:
            raise ConfigError(f"{self.path}: cannot open the database: {error}") from error

    @classmethod
    def existing(cls, path: str | Path = DEFAULT_DB) -> Store:
        """Open a database that must exist already (queries should not create one)."""
        if not Path(path).is_file():
            raise ConfigError(f"{path}: no such database (create one with `saywho ingest`)")
        return cls(path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with write_transaction(self._db):
            yield self._db

    # --- writing -------------------------------------------------------------

    def has_identity(self, identity: str) -> bool:
        """Whether an article with this identity is stored, whatever its content."""
        row = self._db.execute("SELECT 1 FROM articles WHERE identity = ?", (identity,)).fetchone()
        return row is not None

    def is_unchanged(self, identity: str, digest: str) -> bool:
        """Whether this exact input is stored already (so it need not be analyzed)."""
        row = self._db.execute(
            "SELECT 1 FROM articles WHERE identity = ? AND content_hash = ?", (identity, digest)
        ).fetchone()
        return row is not None

    def save_article(
        self, article: Article, provenance: Provenance, content_hash: str | None = None
    ) -> SaveOutcome:
        """Store one analyzed article in one transaction.

        ``content_hash`` is the hash of the input as read (``identity.content_hash``);
        without it the analyzed document is hashed. An article already stored with
        the same identity is left alone when both its hash and its analysis are
        the same, and otherwise replaced whole, keeping its id.
        """
        document = article.document
        identity = document_identity(document)
        digest = content_hash or _document_hash(article)
        with self._transaction() as db:
            analysis_id = self._analysis_id(provenance)
            stored = db.execute(
                "SELECT id, content_hash, analysis_id FROM articles WHERE identity = ?",
                (identity,),
            ).fetchone()
            if stored is not None and stored[1] == digest and stored[2] == analysis_id:
                return "unchanged"
            outlet_id = self._outlet_id(document.url, document.outlet)
            published = normalize_published(document.published)
            values = (
                digest,
                document.source,
                document.url,
                outlet_id,
                document.title,
                published,
                document.language,
                document.text,
                json.dumps(article.notes, ensure_ascii=False),
                analysis_id,
                _now(),
            )
            if stored is None:
                article_id = db.execute(
                    "INSERT INTO articles (content_hash, source, url, outlet_id, title, "
                    "published, language, text, notes, analysis_id, ingested_at, identity) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (*values, identity),
                ).fetchone()[0]
                outcome: SaveOutcome = "ingested"
            else:
                article_id = stored[0]
                db.execute(
                    "UPDATE articles SET content_hash = ?, source = ?, url = ?, outlet_id = ?, "
                    "title = ?, published = ?, language = ?, text = ?, notes = ?, "
                    "analysis_id = ?, ingested_at = ? WHERE id = ?",
                    (*values, article_id),
                )
                removed = db.execute(
                    "SELECT e.actor, e.target, e.declared, e.polarity FROM evidence e "
                    "JOIN statements s ON s.id = e.statement_id WHERE s.article_id = ?",
                    (article_id,),
                ).fetchall()
                # Stances and evidence go with their statements (ON DELETE CASCADE).
                db.execute("DELETE FROM statements WHERE article_id = ?", (article_id,))
                db.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
                outcome = "updated" if stored[1] != digest else "reanalyzed"
            added = self._insert_analysis(article_id, article, published, outlet_id)
            self._adjust_ledger_pairs(removed if stored is not None else [], added)
        return outcome

    def _analysis_id(self, provenance: Provenance) -> int:
        key = fingerprint(provenance)
        row = self._db.execute("SELECT id FROM analyses WHERE fingerprint = ?", (key,)).fetchone()
        if row is not None:
            return int(row[0])
        return int(
            self._db.execute(
                "INSERT INTO analyses (fingerprint, saywho_version, models, created_at) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                (key, provenance.saywho_version, json.dumps(provenance.models), _now()),
            ).fetchone()[0]
        )

    def _outlet_id(self, url: str | None, outlet: str | None) -> int | None:
        domain = outlet_domain(url) or (outlet.strip().lower() if outlet else None)
        if not domain:
            return None
        name = outlet if outlet and outlet != domain else None
        row = self._db.execute(
            "INSERT INTO outlets (domain, name) VALUES (?, ?) ON CONFLICT (domain) "
            "DO UPDATE SET name = coalesce(outlets.name, excluded.name) RETURNING id",
            (domain, name),
        ).fetchone()
        return int(row[0])

    def _insert_analysis(
        self, article_id: int, article: Article, published: str | None, outlet_id: int | None
    ) -> list[EvidenceKey]:
        """Insert what the analysis found; returns the ledger evidence it added."""
        db = self._db
        for entity in article.entities:
            entity_id = self._entity_id(entity)
            db.executemany(
                'INSERT INTO mentions (article_id, entity_id, start, "end") VALUES (?, ?, ?, ?)',
                [(article_id, entity_id, span.start, span.end) for span in entity.mentions],
            )
        statement_ids = {
            statement.id: self._insert_statement(article_id, statement, published, outlet_id)
            for statement in article.statements
        }
        by_local_id = {statement.id: statement for statement in article.statements}
        entities = {entity.name: entity for entity in article.entities}
        added: list[EvidenceKey] = []
        for row in article.ledger:
            db.execute(
                "INSERT INTO actors (name, actor_type, country) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET country = coalesce(actors.country, "
                "excluded.country)",
                (row.actor, row.actor_type, _actor_country(row.actor, row.actor_type, entities)),
            )
            for declared, evidence_list in ((1, row.declared), (0, row.expressed)):
                for evidence in evidence_list:
                    statement = by_local_id[evidence.statement]
                    db.execute(
                        "INSERT INTO evidence (actor, target, declared, polarity, score, "
                        "confidence, published, outlet_id, statement_id, article_id) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            row.actor,
                            row.target,
                            declared,
                            evidence.polarity,
                            _stance_score(statement, row.target),
                            statement.confidence,
                            published,
                            outlet_id,
                            statement_ids[evidence.statement],
                            article_id,
                        ),
                    )
                    added.append((row.actor, row.target, declared, evidence.polarity))
        return added

    def _adjust_ledger_pairs(
        self, removed: Sequence[EvidenceKey], added: Sequence[EvidenceKey]
    ) -> None:
        """Keep ledger_pairs equal to the evidence counted per actor and target."""
        deltas: dict[tuple[str, str], list[int]] = {}
        for sign, keys in ((-1, removed), (1, added)):
            for actor, target, declared, polarity in keys:
                counts = deltas.setdefault((actor, target), [0] * (len(_PAIR_COUNTS) + 1))
                counts[_PAIR_COUNTS.index((declared, polarity))] += sign
                counts[-1] += sign
        for (actor, target), counts in deltas.items():
            self._db.execute(_UPSERT_PAIR, (actor, target, *counts))
            self._db.execute(
                "DELETE FROM ledger_pairs WHERE actor = ? AND target = ? AND evidence <= 0",
                (actor, target),
            )
            # MIN and MAX over the covering index (actor, target, published) are one seek each.
            self._db.execute(
                "UPDATE ledger_pairs SET "
                "first_published = (SELECT MIN(published) FROM evidence "
                "WHERE actor = ?1 AND target = ?2), "
                "last_published = (SELECT MAX(published) FROM evidence "
                "WHERE actor = ?1 AND target = ?2) WHERE actor = ?1 AND target = ?2",
                (actor, target),
            )

    def _entity_id(self, entity: Entity) -> int:
        # The first article to name an entity sets its attributes; the no-op update
        # makes RETURNING give the id of an existing row too.
        row = self._db.execute(
            "INSERT INTO entities (name, type, actor_type, speaks_for, in_knowledge_base) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, type) DO UPDATE SET name = excluded.name "
            "RETURNING id",
            (
                entity.name,
                entity.type,
                entity.actor_type,
                entity.speaks_for,
                int(entity.in_knowledge_base),
            ),
        ).fetchone()
        return int(row[0])

    def _insert_statement(
        self, article_id: int, statement: Statement, published: str | None, outlet_id: int | None
    ) -> int:
        speaker, cue = statement.speaker, statement.cue
        statement_id = int(
            self._db.execute(
                "INSERT INTO statements (article_id, local_id, speaker, speaker_entity, "
                "speaker_start, speaker_end, cue, cue_start, cue_end, content, content_spans, "
                "kind, medium, act, confidence, published, outlet_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    article_id,
                    statement.id,
                    speaker.text if speaker else None,
                    speaker.entity if speaker else None,
                    speaker.start if speaker else None,
                    speaker.end if speaker else None,
                    cue.text if cue else None,
                    cue.start if cue else None,
                    cue.end if cue else None,
                    statement.content_text,
                    json.dumps([[piece.start, piece.end] for piece in statement.content]),
                    statement.kind,
                    statement.medium,
                    statement.act,
                    statement.confidence,
                    published,
                    outlet_id,
                ),
            ).fetchone()[0]
        )
        self._db.executemany(
            "INSERT INTO stances (statement_id, target, polarity, score) VALUES (?, ?, ?, ?)",
            [(statement_id, s.target, s.polarity, s.score) for s in statement.stances],
        )
        return statement_id

    def apply_outlet_labels(
        self, domain: str, name: str | None, country: str | None, labels: Sequence[str]
    ) -> None:
        """Name an outlet, set its country and replace its labels (from a labels file)."""
        with self._transaction() as db:
            outlet_id = db.execute(
                "INSERT INTO outlets (domain, name, country) VALUES (?, ?, ?) "
                "ON CONFLICT (domain) DO UPDATE SET name = coalesce(excluded.name, outlets.name), "
                "country = coalesce(excluded.country, outlets.country) RETURNING id",
                (domain.lower(), name, country),
            ).fetchone()[0]
            db.execute("DELETE FROM outlet_labels WHERE outlet_id = ?", (outlet_id,))
            db.executemany(
                "INSERT INTO outlet_labels (label, outlet_id) VALUES (?, ?)",
                [(label, outlet_id) for label in dict.fromkeys(labels)],
            )

    def apply_actor_country(self, name: str, actor_type: str, country: str) -> None:
        """Set an actor's country (from a labels file), adding the actor if new."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO actors (name, actor_type, country) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET country = excluded.country",
                (name, actor_type, country),
            )

    # --- reanalysis ------------------------------------------------------------

    def stale_article_ids(self, provenance: Provenance) -> list[int]:
        """Articles whose analysis was made by another saywho or other models."""
        rows = self._db.execute(
            "SELECT a.id FROM articles a JOIN analyses n ON n.id = a.analysis_id "
            "WHERE n.fingerprint != ? ORDER BY a.id",
            (fingerprint(provenance),),
        ).fetchall()
        return [int(row[0]) for row in rows]

    def stored_input(self, article_id: int) -> StoredInput:
        """A stored article as a RawDocument: its clean text, to be analyzed as is."""
        row = self._db.execute(
            "SELECT a.source, a.text, a.url, a.title, a.published, coalesce(o.name, o.domain), "
            "a.content_hash FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id "
            "WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise KeyError(article_id)
        source, text, url, title, published, outlet, digest = row
        document = RawDocument(
            source=source, text=text, url=url, title=title, published=published, outlet=outlet
        )
        return StoredInput(article_id, document, digest)

    # --- queries ---------------------------------------------------------------

    def ledger(
        self,
        query: LedgerFilter | None = None,
        limit: int = 50,
        offset: int = 0,
        *,
        group_by: LedgerGrouping | None = None,
        examples: int = 2,
    ) -> list[LedgerEntry]:
        return queries.ledger(self._db, query or LedgerFilter(), limit, offset, group_by, examples)

    def statements(
        self, query: StatementFilter | None = None, limit: int = 50, offset: int = 0
    ) -> list[StatementRow]:
        return queries.statements(self._db, query or StatementFilter(), limit, offset)

    def stances(
        self, query: StatementFilter | None = None, limit: int = 50, offset: int = 0
    ) -> list[StanceRow]:
        return queries.stances(self._db, query or StatementFilter(), limit, offset)

    def search(
        self,
        text: str,
        query: SearchFilter | None = None,
        limit: int = 20,
        offset: int = 0,
        *,
        highlight: tuple[str, str] = ("**", "**"),
    ) -> list[SearchHit]:
        return queries.search(self._db, text, query or SearchFilter(), limit, offset, highlight)

    def entities(
        self, entity_type: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[EntityRow]:
        return queries.entities(self._db, entity_type, limit, offset)

    def outlets(
        self, label: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[OutletRow]:
        return queries.outlets(self._db, label, limit, offset)

    def article(self, article_id: int) -> ArticleRecord | None:
        return queries.article(self._db, article_id)

    def counts(self) -> StoreCounts:
        return queries.counts(self._db)

    def connection(self) -> sqlite3.Connection:
        """The underlying connection, for exports and benchmarks that stream whole tables."""
        return self._db


@contextmanager
def write_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """A transaction on an autocommit connection, rolled back on any error."""
    # IMMEDIATE takes the write lock before the identity check, so two writers
    # cannot both decide an article is new.
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _document_hash(article: Article) -> str:
    document = article.document
    return content_hash(
        RawDocument(
            source=document.source,
            text=document.text,
            url=document.url,
            title=document.title,
            published=document.published,
            outlet=document.outlet,
        )
    )


def _actor_country(name: str, actor_type: str, entities: dict[str, Entity]) -> str | None:
    if actor_type == "state":
        return name
    entity = entities.get(name)
    return entity.speaks_for if entity else None


def _stance_score(statement: Statement, target: str) -> float:
    return next((s.score for s in statement.stances if s.target == target), 0.0)
