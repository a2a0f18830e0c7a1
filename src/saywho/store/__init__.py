"""The store: analyzed articles in an embedded SQLite database, and the queries over it.

The one way to the database: every SQL statement of saywho is in this package.
``Store`` writes one article per transaction (and spread links, labels, exports);
its read queries, which it shares with the read-only ``StoreReader`` the web
dashboard opens, answer with the dataclasses of ``saywho.store.rows``. The CLI
and the web call the same methods.
"""

from saywho.store.identity import article_identity, content_hash, normalize_url, raw_identity
from saywho.store.provenance import provenance_of
from saywho.store.queries import QueryError
from saywho.store.reader import DEFAULT_DB, StoreReader
from saywho.store.rows import (
    ArticleRecord,
    EntityRow,
    EvidenceExample,
    LedgerEntry,
    LedgerFilter,
    OutletRow,
    Provenance,
    SearchFilter,
    SearchHit,
    StanceRow,
    StatementFilter,
    StatementRow,
    StoreCounts,
)
from saywho.store.store import SaveOutcome, Store

__all__ = [
    "DEFAULT_DB",
    "ArticleRecord",
    "EntityRow",
    "EvidenceExample",
    "LedgerEntry",
    "LedgerFilter",
    "OutletRow",
    "Provenance",
    "QueryError",
    "SaveOutcome",
    "SearchFilter",
    "SearchHit",
    "StanceRow",
    "StatementFilter",
    "StatementRow",
    "Store",
    "StoreCounts",
    "StoreReader",
    "article_identity",
    "content_hash",
    "normalize_url",
    "provenance_of",
    "raw_identity",
]
