"""Read queries in the shape the dashboard's pages need (``saywho serve``).

The filters are the store's own dataclasses and the clauses come from
``saywho.store.queries``, so "since", "outlet" or "country" mean here what they
mean to ``saywho ledger``; what this module adds is the shape of a page: the
ledger as a matrix of its busiest actors and targets (each cell the entry
``Store.ledger`` gives), stance counts per month, suggestions for the filter
forms, one entity, and a list of articles.
"""

from __future__ import annotations

import sqlite3

from saywho.store.queries import (
    OUTLET_NAME,
    POLARITIES,
    LedgerSource,
    Where,
    add_time_and_place,
    canonical_name,
    ledger,
    ledger_source,
    ledger_where,
)
from saywho.store.rows import (
    ArticleSummary,
    EntityInfo,
    FilterChoices,
    LedgerFilter,
    LedgerMatrix,
    PeriodCounts,
    Ranked,
    StanceSeries,
    TimeAndPlace,
)

# --- the ledger as a matrix ------------------------------------------------------------


def ledger_matrix(
    db: sqlite3.Connection, query: LedgerFilter, rows: int, columns: int
) -> LedgerMatrix:
    """The ledger of ``query`` as actors x targets, each cell the entry ``Store.ledger`` gives.

    The busiest actors and targets are ranked first (a count, cheap), and only
    the cells between them are counted by polarity.
    """
    source = ledger_source(query)
    where = ledger_where(db, query, source.alias)
    actors, more_actors = _ranked(db, source, query, where, "actor", rows)
    targets, more_targets = _ranked(db, source, query, where, "target", columns)
    cells = {}
    if actors and targets:
        among = ([ranked.name for ranked in actors], [ranked.name for ranked in targets])
        entries = ledger(db, query, -1, 0, None, 0, among=among)
        cells = {(entry.actor, entry.target): entry for entry in entries}
    return LedgerMatrix(actors, targets, cells, more_actors, more_targets)


# The totals per actor and per target (schema 9), for a ranking that no filter on the
# other side narrows.
_TOTALS_BY_NAME = {"actor": "ledger_actors", "target": "ledger_targets"}


def _ranked(
    db: sqlite3.Connection,
    source: LedgerSource,
    query: LedgerFilter,
    where: Where,
    column: str,
    limit: int,
) -> tuple[list[Ranked], bool]:
    """The ``limit`` actors (or targets) with most evidence, and whether there are more.

    One row past the limit says "more" at no cost; counting them all would double
    the time of the query. Only declared and expressed evidence ranks: an actor is not
    ranked for what it is only reported to believe.
    """
    other_side = query.target if column == "actor" else query.actor or query.country
    if source.alias == "p" and not other_side:
        # Read in the order of ledger_actors_evidence (or _targets_): the filters left
        # (this side's name, an actor's country) are on the name, the total is stored.
        table = _TOTALS_BY_NAME[column]
        names = ledger_where(db, query, "p")
        sql = (
            f"SELECT p.{column}, p.evidence FROM {table} p WHERE {names.sql()} "
            f"ORDER BY p.evidence DESC, p.{column} LIMIT ?"
        )
    else:
        key = f"{source.alias}.{column}"
        names = Where([*where.clauses, source.counted], list(where.parameters))
        sql = (
            f"SELECT {key}, {source.weight} AS total FROM {source.table} "
            f"WHERE {names.sql()} GROUP BY {key} ORDER BY total DESC, {key} LIMIT ?"
        )
    found = db.execute(sql, (*names.parameters, limit + 1)).fetchall()
    return [Ranked(name, total) for name, total in found[:limit]], len(found) > limit


def filter_choices(db: sqlite3.Connection, limit: int = 200) -> FilterChoices:
    """What the filter forms suggest: outlet names, labels and actor countries."""
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


# --- entities ----------------------------------------------------------------------------


def entity_info(db: sqlite3.Connection, name: str) -> EntityInfo | None:
    """The entity called ``name`` (any case), or a ledger actor known only as a state."""
    canonical = canonical_name(db, "entities", "name", name)
    row = db.execute(
        "SELECT e.name, e.type, e.actor_type, e.speaks_for, e.article_count, e.mention_count "
        "FROM entities e WHERE e.name = ? ORDER BY e.mention_count DESC LIMIT 1",
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


# --- stance over time --------------------------------------------------------------------


def stance_toward(db: sqlite3.Connection, target: str) -> StanceSeries:
    """Every stance taken toward ``target``, by month of publication (the monthly
    counts the stances triggers keep: schema 9)."""
    rows = db.execute(
        "SELECT nullif(month, ''), polarity, stances FROM stance_months WHERE target = ?",
        (canonical_name(db, "entities", "name", target),),
    ).fetchall()
    return _series(rows)


def stance_from(db: sqlite3.Connection, actor: str) -> StanceSeries:
    """Every piece of ledger evidence of ``actor`` (a state counts its officials), by
    month (the monthly counts the evidence triggers keep: schema 9)."""
    rows = db.execute(
        "SELECT nullif(month, ''), polarity, evidence FROM actor_months WHERE actor = ?",
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


# --- articles ----------------------------------------------------------------------------


def articles(
    db: sqlite3.Connection, query: TimeAndPlace, limit: int, offset: int
) -> list[ArticleSummary]:
    """Articles newest first (undated last), filtered by date, outlet and label."""
    where = Where()
    add_time_and_place(where, query, "a")
    # The page is chosen first (unfiltered: in the order of the articles_newest index),
    # its statements counted after: for the page's articles, not for every article.
    rows = db.execute(
        f"SELECT a.id, a.url, a.title, {OUTLET_NAME}, a.published, a.language, "
        "(SELECT COUNT(*) FROM statements WHERE article_id = a.id) FROM ("
        f"  SELECT a.id FROM articles a WHERE {where.sql()} "
        "  ORDER BY a.published IS NULL, a.published DESC, a.id DESC LIMIT ? OFFSET ?"
        ") page JOIN articles a ON a.id = page.id LEFT JOIN outlets o ON o.id = a.outlet_id "
        "ORDER BY a.published IS NULL, a.published DESC, a.id DESC",
        (*where.parameters, limit, offset),
    ).fetchall()
    return [ArticleSummary(*row) for row in rows]


def has_article(db: sqlite3.Connection, article_id: int) -> bool:
    return db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None
