"""``StoreReader``: every read query of the store, over one connection.

``Store`` (``saywho.store.store``) is a ``StoreReader`` that also writes and
migrates; ``StoreReader(path)`` itself opens an existing database read-only
(``query_only``, no migration), as the web dashboard does for each of its
threads. Every method returns the dataclasses of ``saywho.store.rows`` (or the
pipeline's ``Article``), so no caller outside ``saywho.store`` runs SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

from saywho.config import DEFAULT_CASCADE_OPTIONS, CascadeOptions
from saywho.model import Article, ConfigError
from saywho.store import articles as one_article
from saywho.store import contradictions as contradiction_queries
from saywho.store import dashboard, queries
from saywho.store.connection import open_connection
from saywho.store.rows import (
    ArticleRecord,
    ArticleSummary,
    CascadeFilter,
    CascadeRow,
    Contradiction,
    EntityInfo,
    EntityRow,
    FilterChoices,
    LedgerEntry,
    LedgerFilter,
    LedgerGrouping,
    LedgerMatrix,
    LinkedArticle,
    OutletRow,
    QuotedElsewhere,
    QuoteRow,
    SearchFilter,
    SearchHit,
    StanceRow,
    StanceSeries,
    StatementFilter,
    StatementRow,
    StoreCounts,
    TimeAndPlace,
)
from saywho.store.schema import MIGRATIONS, schema_version

if TYPE_CHECKING:
    from saywho.ingest.fetch import Validators
    from saywho.spread import Cascade
    from saywho.store.alerts import (
        AlertRow,
        CopyMatch,
        CopyWatch,
        DeliveryCounts,
        RuleProgress,
        StatementMatch,
        StatementWatch,
    )

DEFAULT_DB = Path("saywho.db")
# Distinct values a reader keeps while the database is unchanged (see _while_unchanged).
CACHED_VALUES = 8
T = TypeVar("T")


class StoreReader:
    """Read queries over one connection; use as a context manager, or call ``close``.

    ``StoreReader(path)`` opens an existing database to read only: it never
    migrates, and refuses one at another schema version than this saywho's.
    """

    def __init__(self, path: str | Path = DEFAULT_DB) -> None:
        self.path = Path(path)
        self._db = self._connect()
        # Per key: (PRAGMA data_version when built, value); see _while_unchanged.
        self._cache: dict[object, tuple[int, object]] = {}

    def _connect(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise ConfigError(f"{self.path}: no such database (create one with `saywho ingest`)")
        try:
            connection = open_connection(self.path, read_only=True)
            version = schema_version(connection)
        except sqlite3.DatabaseError as error:
            raise ConfigError(f"{self.path}: cannot open the database: {error}") from error
        if version != len(MIGRATIONS):
            connection.close()
            raise ConfigError(
                f"{self.path}: the database is at schema version {version}, this saywho reads "
                f"{len(MIGRATIONS)}; open it with a saywho command that writes (saywho labels, "
                "ingest) to bring it up to date, or upgrade saywho"
            )
        return connection

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- ledger, statements, search (the CLI's queries) --------------------------------

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

    def contradictions(
        self,
        query: LedgerFilter,
        *,
        min_strength: float = 0.0,
        limit: int | None = None,
        offset: int = 0,
        examples: int | None = None,
    ) -> list[Contradiction]:
        """Each actor and target whose declarations disagree with what it expresses,
        strongest first (``saywho.store.contradictions``); ``examples`` caps the
        statements listed on each side (None: all)."""
        return contradiction_queries.contradictions(
            self._db,
            query,
            min_strength=min_strength,
            limit=limit,
            offset=offset,
            examples=examples,
        )

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

    def counts(self) -> StoreCounts:
        return queries.counts(self._db)

    # --- articles ------------------------------------------------------------------------

    def article(self, article_id: int) -> ArticleRecord | None:
        """One article with its entities, statements, ledger evidence and provenance."""
        return one_article.article(self._db, article_id)

    def stored_article(self, article_id: int) -> Article | None:
        """One article as the pipeline's ``Article`` (``saywho.article/1`` through
        ``article_to_dict``), as ``saywho analyze`` gave it, ``believed`` evidence included;
        statements stored before schema 6 have no ``cue_lemma``."""
        return one_article.stored_article(self._db, article_id)

    def has_article(self, article_id: int) -> bool:
        return dashboard.has_article(self._db, article_id)

    def articles(
        self, query: TimeAndPlace | None = None, limit: int = 50, offset: int = 0
    ) -> list[ArticleSummary]:
        """Articles newest first (undated last), filtered by date, outlet and label."""
        return dashboard.articles(self._db, query or TimeAndPlace(), limit, offset)

    # --- the dashboard's shapes ------------------------------------------------------------

    def ledger_matrix(self, query: LedgerFilter, rows: int, columns: int) -> LedgerMatrix:
        """The busiest ``rows`` actors x ``columns`` targets, each cell a ``ledger`` entry."""
        return dashboard.ledger_matrix(self._db, query, rows, columns)

    def filter_choices(self, limit: int = 200) -> FilterChoices:
        return dashboard.filter_choices(self._db, limit)

    def entity_info(self, name: str) -> EntityInfo | None:
        return dashboard.entity_info(self._db, name)

    def stance_toward(self, target: str) -> StanceSeries:
        return dashboard.stance_toward(self._db, target)

    def stance_from(self, actor: str) -> StanceSeries:
        return dashboard.stance_from(self._db, actor)

    # --- spread (the links the last `saywho spread` stored) ----------------------------

    def cascades(self, options: CascadeOptions = DEFAULT_CASCADE_OPTIONS) -> list[Cascade]:
        """The cascades of the stored links, rebuilt only when the database changed:
        building them reads every link (seconds for hundreds of thousands)."""
        from saywho.store.spread import stored_cascades

        return self._while_unchanged(options, lambda: stored_cascades(self._db, options))

    def cascade_rows(self, cascades: list[Cascade], query: CascadeFilter) -> list[CascadeRow]:
        """The cascades that pass ``query``, with their outlets' names and labels."""
        from saywho.store.spread import cascade_rows

        return cascade_rows(self._db, cascades, query)

    def quote_rows(self) -> list[QuoteRow]:
        """Every quotation repeated across articles, most widely carried first
        (rebuilt only when the database changed)."""
        from saywho.store.spread import quote_rows

        return self._while_unchanged("quotes", lambda: quote_rows(self._db))

    def quotes(self, speaker: str | None = None, min_outlets: int = 2) -> list[QuoteRow]:
        """The repeated quotations carried by at least ``min_outlets`` outlets, said by
        ``speaker`` (any case) if given."""
        from saywho.store.spread import chosen_quotes

        return chosen_quotes(self.quote_rows(), speaker, min_outlets)

    def linked_articles(
        self, article_id: int, limit: int = 100, offset: int = 0
    ) -> list[LinkedArticle]:
        """The articles linked to one: copies first, then translations, then the same story."""
        from saywho.store.spread import linked_articles

        return linked_articles(self._db, article_id, limit, offset)

    def link_count(self, article_id: int) -> int:
        """How many articles are linked to one."""
        from saywho.store.spread import link_count

        return link_count(self._db, article_id)

    def link_total(self) -> int:
        """How many article links the last ``saywho spread`` stored."""
        from saywho.store.spread import link_total

        return link_total(self._db)

    def quoted_elsewhere(self, article_id: int) -> dict[int, list[QuotedElsewhere]]:
        """Per statement of an article, the other articles that carry its words."""
        from saywho.store.spread import quoted_elsewhere

        return quoted_elsewhere(self._db, article_id)

    # --- watch: alerts, their outbox, rule progress (saywho.store.alerts) ------------

    def alerts(self, limit: int = 50, offset: int = 0) -> list[AlertRow]:
        """Stored alerts, newest first."""
        from saywho.store import alerts

        return alerts.alerts(self._db, limit, offset)

    def alert_total(self) -> int:
        from saywho.store import alerts

        return alerts.alert_total(self._db)

    def last_statement_id(self) -> int:
        from saywho.store import alerts

        return alerts.last_statement_id(self._db)

    def rule_progress(self, rule: str) -> RuleProgress | None:
        from saywho.store import alerts

        return alerts.rule_progress(self._db, rule)

    def copy_matches(self, watch: CopyWatch) -> list[CopyMatch]:
        """Stored copy and translation links from an article a ``copies:`` rule tracks."""
        from saywho.store import alerts

        return alerts.copy_matches(self._db, watch)

    def article_identities(self, article_ids: Sequence[int]) -> dict[int, str]:
        from saywho.store import alerts

        return alerts.article_identities(self._db, article_ids)

    def statement_matches(
        self, watch: StatementWatch, after: int, up_to: int, limit: int
    ) -> list[StatementMatch]:
        """Statements with ``after`` < id <= ``up_to`` that a ``statements:`` rule asks for."""
        from saywho.store import alerts

        return alerts.statement_matches(self._db, watch, after, up_to, limit)

    def pending_deliveries(
        self, sink: str, now: float, limit: int = 500
    ) -> list[tuple[AlertRow, int]]:
        from saywho.store import alerts

        return alerts.pending_deliveries(self._db, sink, now, limit)

    def delivery_counts(self, sink: str) -> DeliveryCounts:
        from saywho.store import alerts

        return alerts.delivery_counts(self._db, sink)

    def feed_validators(self) -> dict[str, Validators]:
        from saywho.store import alerts

        return alerts.feed_validators(self._db)

    def data_version(self) -> int:
        """``PRAGMA data_version``: it moves when another connection commits (values
        compare on this connection only)."""
        version: int = self._db.execute("PRAGMA data_version").fetchone()[0]
        return version

    def _while_unchanged(self, key: object, build: Callable[[], T]) -> T:
        """``build()``'s value, kept until another connection commits (``PRAGMA
        data_version`` moves; ``Store`` forgets it when it writes itself): one value
        per key, the latest, and at most ``CACHED_VALUES`` keys."""
        version = self.data_version()
        kept = self._cache.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]  # type: ignore[return-value]
        if key not in self._cache and len(self._cache) >= CACHED_VALUES:
            self._cache.clear()
        value = build()
        self._cache[key] = (version, value)
        return value
