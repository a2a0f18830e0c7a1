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
from typing import IO, TYPE_CHECKING, Literal

from saywho.config import DEFAULT_LINK_OPTIONS
from saywho.dates import normalize_published
from saywho.model import Article, ConfigError, Entity, RawDocument, Statement
from saywho.store import export
from saywho.store.connection import open_connection, write_transaction
from saywho.store.contradictions import WEIGHT_COLUMNS, confidence_weight, store_pair_strengths
from saywho.store.export import ExportFormat, ExportTable
from saywho.store.identity import content_hash, document_identity, outlet_domain
from saywho.store.names import EvidenceKey, person_renames, rename_person
from saywho.store.provenance import fingerprint
from saywho.store.queries import LEDGER_COUNT_COLUMNS, LEDGER_COUNTS
from saywho.store.reader import DEFAULT_DB, StoreReader
from saywho.store.rows import Provenance
from saywho.store.schema import migrate

if TYPE_CHECKING:
    from saywho.config import LinkOptions
    from saywho.ingest.fetch import Validators
    from saywho.spread import SpreadArticle, TextEncoder
    from saywho.spread.links import Link
    from saywho.store.alerts import NewAlert, RuleProgress
    from saywho.store.spread import Progress, SpreadSummary

__all__ = ["DEFAULT_DB", "SaveOutcome", "Store", "StoredInput", "write_transaction"]

SaveOutcome = Literal["ingested", "updated", "reanalyzed", "unchanged"]
# Fixed text built from the constant column names of LEDGER_COUNT_COLUMNS and WEIGHT_COLUMNS:
# the six counts, the evidence, the six weights, the believed evidence.
_PAIR_SUMS = (*LEDGER_COUNT_COLUMNS, "evidence", *WEIGHT_COLUMNS, "believed")
_UPSERT_PAIR = (
    f"INSERT INTO ledger_pairs (actor, target, {', '.join(_PAIR_SUMS)}) "
    f"VALUES (?, ?, {', '.join('?' * len(_PAIR_SUMS))}) "
    "ON CONFLICT (actor, target) DO UPDATE SET "
    + ", ".join(f"{c} = {c} + excluded.{c}" for c in _PAIR_SUMS)
)


@dataclass(frozen=True)
class StoredInput:
    """A stored article as input for reanalysis, with the hash of what was first read."""

    id: int
    document: RawDocument
    content_hash: str


class Store(StoreReader):
    """The store: ``Store(path)`` creates and migrates a database, ``Store.existing(path)``
    opens one that must exist (queries should not create one).

    Use as a context manager, or call ``close``. Besides the read queries of
    ``StoreReader`` it writes articles (one transaction each), labels, spread
    links and vectors, and streams whole tables out (``export_table``).
    """

    def _connect(self) -> sqlite3.Connection:
        try:
            connection = open_connection(self.path, read_only=False)
            migrate(connection)
        except sqlite3.DatabaseError as error:
            raise ConfigError(f"{self.path}: cannot open the database: {error}") from error
        return connection

    @classmethod
    def existing(cls, path: str | Path = DEFAULT_DB) -> Store:
        """Open a database that must exist already (queries should not create one)."""
        if not Path(path).is_file():
            raise ConfigError(f"{path}: no such database (create one with `saywho ingest`)")
        return cls(path)

    def connection(self) -> sqlite3.Connection:
        """The underlying connection, for ``bench/`` only (it times SQLite itself and runs
        ``PRAGMA optimize``); saywho's own code asks the store's methods."""
        return self._db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # This connection's own commits do not move PRAGMA data_version: forget now.
        self._cache.clear()
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
        identity = document_identity(article.document)
        digest = content_hash or _document_hash(article)
        with self._transaction() as db:
            analysis_id = self._analysis_id(provenance)
            stored = db.execute(
                "SELECT id, content_hash, analysis_id FROM articles WHERE identity = ?",
                (identity,),
            ).fetchone()
            if stored is not None and stored[1] == digest and stored[2] == analysis_id:
                return "unchanged"
            document = article.document
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
            removed: list[EvidenceKey] = []
            if stored is None:
                article_id = self._insert_article(identity, values)
                outcome: SaveOutcome = "ingested"
            else:
                article_id = stored[0]
                removed = self._replace_article(article_id, values)
                outcome = "updated" if stored[1] != digest else "reanalyzed"
            added = self._insert_analysis(article_id, article, published, outlet_id)
            self._adjust_ledger_pairs(removed, added)
        return outcome

    def _insert_article(self, identity: str, values: tuple[object, ...]) -> int:
        return int(
            self._db.execute(
                "INSERT INTO articles (content_hash, source, url, outlet_id, title, "
                "published, language, text, notes, analysis_id, ingested_at, identity) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (*values, identity),
            ).fetchone()[0]
        )

    def _replace_article(self, article_id: int, values: tuple[object, ...]) -> list[EvidenceKey]:
        """Update a stored article's row and remove its analysis; returns the ledger
        evidence removed."""
        db = self._db
        db.execute(
            "UPDATE articles SET content_hash = ?, source = ?, url = ?, outlet_id = ?, "
            "title = ?, published = ?, language = ?, text = ?, notes = ?, "
            "analysis_id = ?, ingested_at = ? WHERE id = ?",
            (*values, article_id),
        )
        removed: list[EvidenceKey] = db.execute(
            "SELECT e.actor, e.target, e.declared, e.polarity, e.confidence, e.believed "
            "FROM evidence e "
            "JOIN statements s ON s.id = e.statement_id WHERE s.article_id = ?",
            (article_id,),
        ).fetchall()
        # Stances and evidence go with their statements (ON DELETE CASCADE).
        db.execute("DELETE FROM statements WHERE article_id = ?", (article_id,))
        db.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
        return removed

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
            sides = ((1, 0, row.declared), (0, 0, row.expressed), (0, 1, row.believed))
            for declared, believed, evidence_list in sides:
                for evidence in evidence_list:
                    statement = by_local_id[evidence.statement]
                    db.execute(
                        "INSERT INTO evidence (actor, target, declared, believed, polarity, "
                        "score, confidence, published, outlet_id, statement_id, article_id) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            row.actor,
                            row.target,
                            declared,
                            believed,
                            evidence.polarity,
                            _stance_score(statement, row.target),
                            statement.confidence,
                            published,
                            outlet_id,
                            statement_ids[evidence.statement],
                            article_id,
                        ),
                    )
                    added.append(
                        (
                            row.actor,
                            row.target,
                            declared,
                            evidence.polarity,
                            statement.confidence,
                            believed,
                        )
                    )
        return added

    def _adjust_ledger_pairs(
        self, removed: Sequence[EvidenceKey], added: Sequence[EvidenceKey]
    ) -> None:
        """Keep ledger_pairs equal to the evidence counted per actor and target."""
        # Per pair: the six counts, the evidence, the six weights, the believed evidence
        # (the order of _PAIR_SUMS).
        deltas: dict[tuple[str, str], list[int]] = {}
        counted = len(LEDGER_COUNTS)
        for sign, keys in ((-1, removed), (1, added)):
            for actor, target, declared, polarity, confidence, believed in keys:
                sums = deltas.setdefault((actor, target), [0] * len(_PAIR_SUMS))
                if believed:
                    sums[-1] += sign
                    continue
                which = LEDGER_COUNTS.index((bool(declared), polarity))
                sums[which] += sign
                sums[counted] += sign
                sums[counted + 1 + which] += sign * confidence_weight(confidence)
        for (actor, target), sums in deltas.items():
            self._db.execute(_UPSERT_PAIR, (actor, target, *sums))
            self._db.execute(
                "DELETE FROM ledger_pairs WHERE actor = ? AND target = ? AND evidence <= 0 "
                "AND believed <= 0",
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
        store_pair_strengths(self._db, deltas)

    def unify_person_names(self) -> list[tuple[str, str]]:
        """Give a person one name across the database; returns the renames, old → new.

        A one-word PERSON entity outside the knowledge base ("Okonkwo") becomes the
        one PERSON entity of two or more words that ends with it ("Maria Okonkwo"),
        in entities and mentions, statements' speakers, stance targets, ledger
        evidence, actors and ``ledger_pairs``, all in one transaction. A surname
        that two full names end with is left alone. ``saywho ingest`` and
        ``reanalyze`` run it once at the end; running it again changes nothing.
        """
        with self._transaction() as db:
            renames = person_renames(db)
            for old, new in renames:
                rename_person(db, old, new, self._adjust_ledger_pairs)
        return renames

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
                "speaker_start, speaker_end, cue, cue_start, cue_end, cue_lemma, content, "
                "content_spans, kind, medium, act, confidence, published, outlet_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
                    statement.cue_lemma,
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
            "INSERT INTO stances (statement_id, target, polarity, score, published) "
            "VALUES (?, ?, ?, ?, ?)",
            [(statement_id, s.target, s.polarity, s.score, published) for s in statement.stances],
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

    # --- spread and export ---------------------------------------------------------

    def update_spread(
        self,
        encoder: TextEncoder | None,
        options: LinkOptions = DEFAULT_LINK_OPTIONS,
        progress: Progress = lambda step, total: None,
    ) -> tuple[list[SpreadArticle], list[Link], SpreadSummary]:
        """``saywho spread``: link every stored article (vectors from ``encoder``, cached
        per content hash; None links by shared words only) and store the links."""
        from saywho.store import spread

        self._cache.clear()
        return spread.update_spread(self._db, encoder, options, progress)

    def link_new_articles(
        self, encoder: TextEncoder | None, options: LinkOptions, digest: str
    ) -> SpreadSummary:
        """``saywho watch``: link the articles stored since the last call against the
        window around them (the whole database the first time, or under a new
        ``digest``) and store those links."""
        from saywho.store import spread

        self._cache.clear()
        return spread.link_new_articles(self._db, encoder, options, digest, datetime.now(UTC))

    def export_table(
        self, table: ExportTable, output_format: ExportFormat, out: IO[str] | Path
    ) -> int:
        """Stream a whole table out as JSONL, CSV or Parquet (to a file path); returns
        the rows written."""
        return export.export_table(self._db, table, output_format, out)

    # --- watch (saywho.store.alerts) ---------------------------------------------------

    def record_alerts(
        self, alerts: Sequence[NewAlert], sinks: Sequence[str], progress: RuleProgress | None
    ) -> int:
        """In one transaction: the alerts not stored yet, one delivery row per sink for each,
        and the rule's progress. Returns how many alerts were new."""
        from saywho.store import alerts as watch

        with self._transaction() as db:
            return watch.record_alerts(db, alerts, sinks, progress, _now())

    def mark_delivered(self, sink: str, alert_ids: Sequence[int]) -> None:
        from saywho.store import alerts as watch

        with self._transaction() as db:
            watch.mark_delivered(db, sink, alert_ids, _now())

    def mark_failed(
        self, sink: str, alert_ids: Sequence[int], error: str, next_attempt: float
    ) -> None:
        """An attempt failed: try again at ``next_attempt`` (seconds since the epoch)."""
        from saywho.store import alerts as watch

        with self._transaction() as db:
            watch.mark_failed(db, sink, alert_ids, error, next_attempt)

    def save_feed_validators(self, validators: dict[str, Validators]) -> None:
        from saywho.store import alerts as watch

        with self._transaction() as db:
            watch.save_feed_validators(db, validators, _now())


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
