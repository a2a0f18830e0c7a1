"""Read queries only the dashboard needs, over ``Store.connection()``.

The filters are the store's own dataclasses and their SQL comes from the store's
own clause builders, so "since", "outlet" or "country" mean here exactly what
they mean to ``saywho ledger`` and to ``Store.ledger``; what this module adds is
the shape a page needs: the ledger as a matrix of its busiest actors and
targets, stance counts per month, the offsets the article page highlights, and
a list of articles, and the spread groups a reader pages through.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from saywho.config import CascadeOptions
from saywho.spread import Cascade
from saywho.store.queries import (
    POLARITIES,
    Where,
    add_time_and_place,
    canonical_name,
    ledger_where,
    needs_evidence,
)
from saywho.store.rows import LedgerEntry, LedgerFilter, QuoteRow, TimeAndPlace
from saywho.store.spread import quote_rows, stored_cascades

# --- the ledger as a matrix -------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    name: str
    evidence: int


@dataclass(frozen=True)
class LedgerMatrix:
    """The ``rows`` actors and ``columns`` targets with most evidence, and their cells."""

    actors: list[Ranked]
    targets: list[Ranked]
    cells: dict[tuple[str, str], LedgerEntry]
    more_actors: bool  # whether actors beyond ``actors`` have evidence too
    more_targets: bool

    def grid(self) -> list[list[LedgerEntry | None]]:
        return [
            [self.cells.get((actor.name, target.name)) for target in self.targets]
            for actor in self.actors
        ]


_COUNT_SUMS = ", ".join(
    f"SUM(e.declared = {flag} AND e.polarity = '{polarity}')"
    for flag in (1, 0)
    for polarity in POLARITIES
)


@dataclass(frozen=True)
class _Source:
    """Where a ledger query counts: each piece of evidence, or the stored totals per pair."""

    alias: str
    table: str
    weight: str  # evidence of the rows grouped
    pairs: str  # per actor and target: six counts, the total, first and last date


_EVIDENCE = _Source(
    "e",
    "evidence e",
    "COUNT(*)",
    f"SELECT e.actor, e.target, {_COUNT_SUMS}, COUNT(*), MIN(e.published), MAX(e.published) "
    "FROM evidence e WHERE {where} GROUP BY e.actor, e.target",
)
_TOTALS = _Source(
    "p",
    "ledger_pairs p",
    "SUM(p.evidence)",
    "SELECT p.actor, p.target, p.declared_negative, p.declared_neutral, p.declared_positive, "
    "p.expressed_negative, p.expressed_neutral, p.expressed_positive, p.evidence, "
    "p.first_published, p.last_published FROM ledger_pairs p WHERE {where}",
)


def ledger_matrix(
    db: sqlite3.Connection, query: LedgerFilter, rows: int, columns: int
) -> LedgerMatrix:
    """The ledger of ``query`` as actors x targets, each cell counted as ``Store.ledger`` counts.

    The busiest actors and targets are ranked first (a count, cheap), and only
    the cells between them are counted by polarity.
    """
    # The same choice Store.ledger makes: stored totals answer unless a filter
    # needs each piece of evidence.
    source = _EVIDENCE if needs_evidence(query, None) else _TOTALS
    where = ledger_where(db, query, source.alias)
    actors, more_actors = _ranked(db, source, where, "actor", rows)
    targets, more_targets = _ranked(db, source, where, "target", columns)
    cells: dict[tuple[str, str], LedgerEntry] = {}
    if actors and targets:
        actor_marks = ", ".join("?" * len(actors))
        target_marks = ", ".join("?" * len(targets))
        sql = source.pairs.format(
            where=f"{where.sql()} AND {source.alias}.actor IN ({actor_marks}) "
            f"AND {source.alias}.target IN ({target_marks})"
        )
        parameters = (
            *where.parameters,
            *(ranked.name for ranked in actors),
            *(ranked.name for ranked in targets),
        )
        for actor, target, *counts, n, first, last in db.execute(sql, parameters):
            cells[(actor, target)] = LedgerEntry(
                actor=actor,
                actor_type="unknown",  # not shown in a cell; the entity page has it
                actor_country=None,
                target=target,
                group=None,
                declared=dict(zip(POLARITIES, counts[:3], strict=True)),
                expressed=dict(zip(POLARITIES, counts[3:], strict=True)),
                evidence=n,
                first_published=first,
                last_published=last,
            )
    return LedgerMatrix(actors, targets, cells, more_actors, more_targets)


def _ranked(
    db: sqlite3.Connection, source: _Source, where: Where, column: str, limit: int
) -> tuple[list[Ranked], bool]:
    """The ``limit`` actors (or targets) with most evidence, and whether there are more.

    One row past the limit says "more" at no cost; counting them all would double
    the time of the query.
    """
    key = f"{source.alias}.{column}"
    found = db.execute(
        f"SELECT {key}, {source.weight} AS total FROM {source.table} "
        f"WHERE {where.sql()} GROUP BY {key} ORDER BY total DESC, {key} LIMIT ?",
        (*where.parameters, limit + 1),
    ).fetchall()
    return [Ranked(name, total) for name, total in found[:limit]], len(found) > limit


@dataclass(frozen=True)
class FilterChoices:
    """What the filter forms offer as suggestions."""

    outlets: list[str]
    labels: list[str]
    countries: list[str]


def filter_choices(db: sqlite3.Connection, limit: int = 200) -> FilterChoices:
    return FilterChoices(
        outlets=_column(
            db, "SELECT coalesce(name, domain) AS o FROM outlets ORDER BY o LIMIT ?", limit
        ),
        labels=_column(
            db, "SELECT DISTINCT label FROM outlet_labels ORDER BY label LIMIT ?", limit
        ),
        countries=_column(
            db,
            "SELECT DISTINCT country FROM actors WHERE country IS NOT NULL ORDER BY country "
            "LIMIT ?",
            limit,
        ),
    )


def _column(db: sqlite3.Connection, sql: str, *parameters: object) -> list[str]:
    return [str(row[0]) for row in db.execute(sql, parameters)]


# --- entities ------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityInfo:
    name: str
    type: str
    actor_type: str
    speaks_for: str | None
    country: str | None  # the ledger's: a state's own name, an official's state, a label
    articles: int
    mentions: int


def entity_info(db: sqlite3.Connection, name: str) -> EntityInfo | None:
    """The entity called ``name`` (any case), or a ledger actor known only as a state."""
    canonical = canonical_name(db, "entities", "name", name)
    row = db.execute(
        "SELECT e.name, e.type, e.actor_type, e.speaks_for, "
        "(SELECT COUNT(DISTINCT article_id) FROM mentions WHERE entity_id = e.id), "
        "(SELECT COUNT(*) FROM mentions WHERE entity_id = e.id) AS n "
        "FROM entities e WHERE e.name = ? ORDER BY n DESC LIMIT 1",
        (canonical,),
    ).fetchone()
    actor = db.execute(
        "SELECT name, actor_type, country FROM actors WHERE name = ?",
        (canonical_name(db, "actors", "name", name),),
    ).fetchone()
    if row is None and actor is None:
        return None
    if row is None:
        # A state only its officials brought into the ledger has no mention of its own.
        return EntityInfo(actor[0], "GPE", actor[1], None, actor[2], 0, 0)
    name, entity_type, actor_type, speaks_for, articles, mentions = row
    country = actor[2] if actor else None
    return EntityInfo(name, entity_type, actor_type, speaks_for, country, articles, mentions)


# --- stance over time ------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodCounts:
    period: str  # YYYY-MM
    counts: dict[str, int]  # by polarity


@dataclass(frozen=True)
class StanceSeries:
    periods: list[PeriodCounts]
    undated: int


def stance_toward(db: sqlite3.Connection, target: str) -> StanceSeries:
    """Every stance taken toward ``target``, by month of publication."""
    rows = db.execute(
        "SELECT substr(s.published, 1, 7) AS month, t.polarity, COUNT(*) FROM stances t "
        "JOIN statements s ON s.id = t.statement_id WHERE t.target = ? "
        "GROUP BY month, t.polarity ORDER BY month",
        (canonical_name(db, "entities", "name", target),),
    ).fetchall()
    return _series(rows)


def stance_from(db: sqlite3.Connection, actor: str) -> StanceSeries:
    """Every piece of ledger evidence of ``actor`` (a state counts its officials), by month."""
    rows = db.execute(
        "SELECT substr(published, 1, 7) AS month, polarity, COUNT(*) FROM evidence "
        "WHERE actor = ? GROUP BY month, polarity ORDER BY month",
        (canonical_name(db, "actors", "name", actor),),
    ).fetchall()
    return _series(rows)


def _series(rows: list[tuple[str | None, str, int]]) -> StanceSeries:
    periods: dict[str, dict[str, int]] = {}
    undated = 0
    for month, polarity, count in rows:
        if month is None:
            undated += count
        elif polarity in POLARITIES:
            periods.setdefault(month, dict.fromkeys(POLARITIES, 0))[polarity] += count
    return StanceSeries([PeriodCounts(m, c) for m, c in sorted(periods.items())], undated)


# --- articles --------------------------------------------------------------------------


@dataclass(frozen=True)
class Offsets:
    """Where a statement's speaker and cue are in the article text (end exclusive)."""

    speaker: tuple[int, int] | None
    cue: tuple[int, int] | None


def statement_offsets(db: sqlite3.Connection, article_id: int) -> dict[int, Offsets]:
    """Speaker and cue offsets of an article's statements, by statement id."""
    offsets: dict[int, Offsets] = {}
    for statement_id, speaker_start, speaker_end, cue_start, cue_end in db.execute(
        "SELECT id, speaker_start, speaker_end, cue_start, cue_end FROM statements "
        "WHERE article_id = ?",
        (article_id,),
    ):
        offsets[statement_id] = Offsets(
            None if speaker_start is None else (speaker_start, speaker_end),
            None if cue_start is None else (cue_start, cue_end),
        )
    return offsets


@dataclass(frozen=True)
class ArticleSummary:
    id: int
    url: str | None
    title: str | None
    outlet: str | None
    published: str | None
    language: str | None
    statements: int


def articles(
    db: sqlite3.Connection, query: TimeAndPlace, limit: int, offset: int
) -> list[ArticleSummary]:
    """Articles newest first (undated last), filtered by date, outlet and label."""
    where = Where()
    add_time_and_place(where, query, "a")
    rows = db.execute(
        "SELECT a.id, a.url, a.title, coalesce(o.name, o.domain), a.published, a.language, "
        "(SELECT COUNT(*) FROM statements WHERE article_id = a.id) FROM articles a "
        f"LEFT JOIN outlets o ON o.id = a.outlet_id WHERE {where.sql()} "
        "ORDER BY a.published IS NULL, a.published DESC, a.id DESC LIMIT ? OFFSET ?",
        (*where.parameters, limit, offset),
    ).fetchall()
    return [ArticleSummary(*row) for row in rows]


# --- spread -----------------------------------------------------------------------

_spread_cache = threading.local()
# Distinct cascade settings a worker thread remembers (each page of /spread reuses one).
_SPREAD_CACHE_SIZE = 8
T = TypeVar("T")


def cached_cascades(connection: sqlite3.Connection, options: CascadeOptions) -> list[Cascade]:
    """The stored cascades, rebuilt only when the database changed: building them
    reads every link (seconds for hundreds of thousands), and a reader pages."""
    return _while_unchanged(connection, options, lambda: stored_cascades(connection, options))


def cached_quotes(connection: sqlite3.Connection) -> list[QuoteRow]:
    """The repeated quotations, rebuilt only when the database changed."""
    return _while_unchanged(connection, "quotes", lambda: quote_rows(connection))


def _while_unchanged(connection: sqlite3.Connection, key: object, build: Callable[[], T]) -> T:
    """``build()``'s value, kept for this thread's connection until another connection
    commits (``PRAGMA data_version`` moves): one value per key, the latest."""
    version = connection.execute("PRAGMA data_version").fetchone()[0]
    entries: dict[object, tuple[int, object]] = getattr(_spread_cache, "entries", {})
    _spread_cache.entries = entries
    full_key = (id(connection), key)
    kept = entries.get(full_key)
    if kept is not None and kept[0] == version:
        return kept[1]  # type: ignore[return-value]
    if full_key not in entries and len(entries) >= _SPREAD_CACHE_SIZE:
        entries.clear()
    value = build()
    entries[full_key] = (version, value)
    return value
