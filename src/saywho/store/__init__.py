"""The store: analyzed articles in an embedded SQLite database, and the queries over it.

``Store`` writes one article per transaction and answers the ledger, statement,
stance, search, entity and outlet queries with the dataclasses of
``saywho.store.rows``; the CLI and the web dashboard call the same methods.
"""

from saywho.store.identity import article_identity, content_hash, normalize_url, raw_identity
from saywho.store.provenance import provenance_of
from saywho.store.queries import QueryError
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
from saywho.store.store import DEFAULT_DB, SaveOutcome, Store

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
    "article_identity",
    "content_hash",
    "normalize_url",
    "provenance_of",
    "raw_identity",
]
