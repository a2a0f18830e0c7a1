"""``saywho spread`` over a database: the stored articles in, links back.

``Store`` calls these functions on its connection (``Store.update_spread``,
``cascades``, ``cascade_rows``, ``quote_rows``, ``linked_articles``...); callers
outside the store ask those methods. Vectors are cached in ``article_vectors``
(per encoder and content hash), so a second run encodes only new or changed
articles; ``article_links`` and ``statement_links`` are replaced as a whole by
each run, so they always reflect one set of thresholds.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from saywho.config import DEFAULT_CASCADE_OPTIONS, DEFAULT_LINK_OPTIONS, CascadeOptions
from saywho.spread import (
    Cascade,
    LinkOptions,
    SpreadArticle,
    TextEncoder,
    build_cascades,
    find_links,
)
from saywho.spread.cascades import linked_groups
from saywho.spread.links import Link, published_moment
from saywho.spread.quotes import Quote, QuoteLink, find_quote_links
from saywho.store import alerts
from saywho.store.alerts import RuleProgress
from saywho.store.connection import write_transaction
from saywho.store.queries import query_bounds
from saywho.store.rows import (
    CascadeFilter,
    CascadeRow,
    LinkedArticle,
    QuotedElsewhere,
    QuoteRow,
)

_ARTICLE_COLUMNS = """
SELECT a.id, coalesce(a.title || char(10), '') || a.text, a.language,
       o.domain, a.published, a.content_hash
FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id"""
_ARTICLES = f"{_ARTICLE_COLUMNS} ORDER BY a.id"
# The articles an incremental link compares new ones with: stored before them and
# published in the window around them (ISO dates compared as text, a day wider on
# either side; find_links applies the exact window), or undated.
_WINDOW_ARTICLES = f"""{_ARTICLE_COLUMNS}
WHERE a.id <= ? AND (a.published IS NULL OR (a.published >= ? AND a.published < ?))
ORDER BY a.id"""
_NEW_ARTICLES = f"{_ARTICLE_COLUMNS} WHERE a.id > ? ORDER BY a.id"
_QUOTES_OF = (
    "SELECT id, article_id, content FROM statements "
    "WHERE article_id IN (SELECT value FROM json_each(?)) ORDER BY id"
)
# The articles in stored links, with their title (or first words) as text: enough to
# list cascades without reading every body.
_LINKED_ARTICLES = """
SELECT a.id, coalesce(a.title, substr(a.text, 1, 200)), a.language,
       o.domain, a.published
FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id
WHERE a.id IN (SELECT first_id FROM article_links UNION SELECT second_id FROM article_links)
"""
_LINKS_OF_ARTICLE = """
SELECT b.id, l.kind, l.overlap, l.similarity, b.title, coalesce(o.name, o.domain),
       b.published, b.language
FROM article_links l
JOIN articles b ON b.id = CASE WHEN l.first_id = ? THEN l.second_id ELSE l.first_id END
LEFT JOIN outlets o ON o.id = b.outlet_id
WHERE l.first_id = ? OR l.second_id = ?
ORDER BY CASE l.kind WHEN 'copy' THEN 0 WHEN 'translation' THEN 1 ELSE 2 END,
         b.published IS NULL, b.published, b.id
LIMIT ? OFFSET ?
"""

_QUOTES = "SELECT id, article_id, content FROM statements ORDER BY id"
_LINKED_STATEMENTS = """
SELECT s.id, s.article_id, coalesce(s.speaker_entity, s.speaker), s.content, s.published,
       o.domain
FROM statements s LEFT JOIN outlets o ON o.id = s.outlet_id
WHERE s.id IN (SELECT first_id FROM statement_links UNION SELECT second_id FROM statement_links)
"""

# Both directions of each quote link that touches one article's statements.
_QUOTED_ELSEWHERE = """
SELECT DISTINCT pairs.mine_id, theirs.article_id, coalesce(o.name, o.domain), theirs.published
FROM (
    SELECT mine.id AS mine_id, l.second_id AS theirs_id
    FROM statements mine JOIN statement_links l ON l.first_id = mine.id
    WHERE mine.article_id = :article
    UNION ALL
    SELECT mine.id, l.first_id
    FROM statements mine JOIN statement_links l ON l.second_id = mine.id
    WHERE mine.article_id = :article
) pairs
JOIN statements theirs ON theirs.id = pairs.theirs_id
LEFT JOIN outlets o ON o.id = theirs.outlet_id
ORDER BY pairs.mine_id, theirs.published IS NULL, theirs.published, theirs.article_id
"""

# Each outlet by its domain (what SpreadArticle.outlet holds here: names need not be
# unique), with the name to show and its labels.
_OUTLETS = """
SELECT o.domain, coalesce(o.name, o.domain), group_concat(l.label, char(31))
FROM outlets o LEFT JOIN outlet_labels l ON l.outlet_id = o.id GROUP BY o.id
"""

# Vectors are committed in chunks: an interrupted run keeps what it encoded.
_SAVE_EVERY = 256
# Called after each article encoded: (articles just encoded, articles to encode in all).
Progress = Callable[[int, int], None]


@dataclass
class SpreadSummary:
    articles: int = 0
    encoded: int = 0  # vectors computed in this run (the rest came from the cache)
    links: Counter[str] = field(default_factory=Counter)
    quote_links: int = 0
    new: int = 0  # articles linked for the first time (all of them in a whole run)

    def describe(self) -> str:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.links.items()))
        return (
            f"{self.articles} articles ({self.encoded} encoded now), "
            f"{sum(self.links.values())} links"
            + (f": {kinds}" if kinds else "")
            + f"; {self.quote_links} repeated-quote links"
        )


def stored_articles(connection: sqlite3.Connection) -> tuple[list[SpreadArticle], list[str]]:
    """Every stored article as a SpreadArticle, and its content hash."""
    rows = connection.execute(_ARTICLES).fetchall()
    articles = [SpreadArticle(row[0], row[1], row[2], row[3], row[4]) for row in rows]
    return articles, [row[5] for row in rows]


def article_vectors(
    connection: sqlite3.Connection,
    articles: Sequence[SpreadArticle],
    hashes: Sequence[str],
    encoder: TextEncoder,
    progress: Progress = lambda step, total: None,
) -> tuple[np.ndarray, int]:
    """One vector per article, from the cache where its hash matches; and how many
    were encoded now (and stored for next time)."""
    cached = {
        article_id: (digest, vector)
        for article_id, digest, vector in connection.execute(
            "SELECT article_id, content_hash, vector FROM article_vectors WHERE encoder = ?",
            (encoder.name,),
        )
    }
    rows: list[np.ndarray | None] = []
    missing = []
    for index, (article, digest) in enumerate(zip(articles, hashes, strict=True)):
        hit = cached.get(article.id)
        if hit is not None and hit[0] == digest:
            rows.append(np.frombuffer(hit[1], dtype=np.float32))
        else:
            rows.append(None)
            missing.append(index)
    for start in range(0, len(missing), _SAVE_EVERY):
        chunk = missing[start : start + _SAVE_EVERY]
        encoded = []
        for index in chunk:
            rows[index] = vector = encoder.encode([articles[index].text])[0]
            encoded.append((articles[index].id, encoder.name, hashes[index], vector.tobytes()))
            progress(1, len(missing))
        with write_transaction(connection):
            connection.executemany(
                "INSERT OR REPLACE INTO article_vectors "
                "(article_id, encoder, content_hash, vector) VALUES (?, ?, ?, ?)",
                encoded,
            )
    vectors = [row for row in rows if row is not None]
    return np.vstack(vectors) if vectors else np.zeros((0, 0), np.float32), len(missing)


def update_spread(
    connection: sqlite3.Connection,
    encoder: TextEncoder | None,
    options: LinkOptions = DEFAULT_LINK_OPTIONS,
    progress: Progress = lambda step, total: None,
) -> tuple[list[SpreadArticle], list[Link], SpreadSummary]:
    """Find the links between all stored articles and store them."""
    articles, hashes = stored_articles(connection)
    summary = SpreadSummary(articles=len(articles), new=len(articles))
    vectors = None
    if encoder is not None:
        vectors, summary.encoded = article_vectors(connection, articles, hashes, encoder, progress)
    links = find_links(articles, vectors, options)
    quotes = [Quote(*row) for row in connection.execute(_QUOTES)]
    copied = {(link.first, link.second) for link in links if link.kind == "copy"}
    quote_links = find_quote_links(quotes, copied)
    with write_transaction(connection):
        connection.execute("DELETE FROM article_links")
        connection.execute("DELETE FROM statement_links")
        _insert_links(connection, links, quote_links, quotes)
    summary.links.update(link.kind for link in links)
    summary.quote_links = len(quote_links)
    return articles, links, summary


def link_new_articles(
    connection: sqlite3.Connection,
    encoder: TextEncoder | None,
    options: LinkOptions,
    digest: str,
    now: datetime,
) -> SpreadSummary:
    """Link the articles stored since the last call (``saywho watch``) with each other
    and with the articles published within ``options.window_days`` of them; store the
    links that touch a new article, with the progress, in one transaction. The first
    call, or one with another ``digest`` (encoder and thresholds), links the whole
    database as ``update_spread`` does."""
    progress = alerts.rule_progress(connection, alerts.SPREAD_PROGRESS)
    if progress is None or progress.digest != digest:
        articles, _, summary = update_spread(connection, encoder, options)
        last = max((article.id for article in articles), default=0)
        with write_transaction(connection):
            alerts.save_rule_progress(
                connection, RuleProgress(alerts.SPREAD_PROGRESS, digest, last)
            )
        return summary
    after = progress.last_statement_id
    new = [_spread_row(row) for row in connection.execute(_NEW_ARTICLES, (after,))]
    if not new:
        return SpreadSummary()
    low, high = _window([article for article, _ in new], options.window_days, now)
    old = [_spread_row(row) for row in connection.execute(_WINDOW_ARTICLES, (after, low, high))]
    articles = [article for article, _ in old + new]
    summary = SpreadSummary(articles=len(articles), new=len(new))
    vectors = None
    if encoder is not None:
        hashes = [digest for _, digest in old + new]
        vectors, summary.encoded = article_vectors(connection, articles, hashes, encoder)
    found = find_links(articles, vectors, options)
    fresh = {article.id for article, _ in new}
    links = [link for link in found if link.first in fresh or link.second in fresh]
    quotes = [
        Quote(*row)
        for row in connection.execute(_QUOTES_OF, (json.dumps([a.id for a in articles]),))
    ]
    copied = {(link.first, link.second) for link in found if link.kind == "copy"}
    of_new = {quote.id for quote in quotes if quote.article_id in fresh}
    quote_links = [
        x for x in find_quote_links(quotes, copied) if x.first in of_new or x.second in of_new
    ]
    mark = RuleProgress(alerts.SPREAD_PROGRESS, digest, max(fresh))
    _store_new_links(connection, sorted(fresh), links, quote_links, quotes, mark)
    summary.links.update(link.kind for link in links)
    summary.quote_links = len(quote_links)
    return summary


def _spread_row(row: Sequence[Any]) -> tuple[SpreadArticle, str]:
    return SpreadArticle(row[0], row[1], row[2], row[3], row[4]), row[5]


def _window(articles: Sequence[SpreadArticle], days: float, now: datetime) -> tuple[str, str]:
    """ISO dates around the new articles' (an undated one counts as ``now``): a day
    wider than the window on either side."""
    moments = [published_moment(article.published) or now for article in articles]
    low = min(moments) - timedelta(days=days + 1)
    high = max(moments) + timedelta(days=days + 2)
    return low.date().isoformat(), high.date().isoformat()


def _store_new_links(
    connection: sqlite3.Connection,
    fresh: Sequence[int],
    links: Sequence[Link],
    quote_links: Sequence[QuoteLink],
    quotes: Sequence[Quote],
    mark: RuleProgress,
) -> None:
    """Replace the links of the new articles (a ``saywho spread`` may have found them
    already) and their statements' quote links; save the progress with them."""
    ids = json.dumps(list(fresh))
    with write_transaction(connection):
        connection.execute(
            "DELETE FROM article_links WHERE first_id IN (SELECT value FROM json_each(?)) "
            "OR second_id IN (SELECT value FROM json_each(?))",
            (ids, ids),
        )
        connection.execute(
            "DELETE FROM statement_links WHERE first_id IN (SELECT id FROM statements WHERE "
            "article_id IN (SELECT value FROM json_each(?))) OR second_id IN (SELECT id FROM "
            "statements WHERE article_id IN (SELECT value FROM json_each(?)))",
            (ids, ids),
        )
        _insert_links(connection, links, quote_links, quotes)
        alerts.save_rule_progress(connection, mark)


def _insert_links(
    connection: sqlite3.Connection,
    links: Sequence[Link],
    quote_links: Sequence[QuoteLink],
    quotes: Sequence[Quote],
) -> None:
    """Store article links and repeated-quotation links (inside the caller's transaction)."""
    connection.executemany(
        "INSERT INTO article_links (first_id, second_id, kind, overlap, similarity) "
        "VALUES (?, ?, ?, ?, ?)",
        [(x.first, x.second, x.kind, x.overlap, x.similarity) for x in links],
    )
    said = {quote.id: quote.text for quote in quotes}
    # An ingest may have analyzed an article again since its statements were read:
    # links to statements it replaced are left out (the next run finds the new ones).
    # Ids are reused, so a statement is checked by its words too.
    connection.executemany(
        "INSERT INTO statement_links (first_id, second_id, overlap) SELECT ?, ?, ? "
        "WHERE EXISTS (SELECT 1 FROM statements WHERE id = ? AND content = ?) "
        "AND EXISTS (SELECT 1 FROM statements WHERE id = ? AND content = ?)",
        [
            (x.first, x.second, x.overlap, x.first, said[x.first], x.second, said[x.second])
            for x in quote_links
        ],
    )


@dataclass(frozen=True)
class _Outlet:
    name: str
    labels: frozenset[str]


def _outlets(connection: sqlite3.Connection) -> dict[str, _Outlet]:
    return {
        domain: _Outlet(name, frozenset(labels.split("\x1f")) if labels else frozenset())
        for domain, name, labels in connection.execute(_OUTLETS)
    }


def _outlet_name(outlets: dict[str, _Outlet], domain: str) -> str:
    """The name an outlet is shown by (its domain when it has none on record)."""
    return outlets[domain].name if domain in outlets else domain


def cascade_rows(
    connection: sqlite3.Connection, cascades: Sequence[Cascade], query: CascadeFilter
) -> list[CascadeRow]:
    """The cascades that pass ``query``, as rows with their outlets' names and labels.

    A cascade's date is its first article's, bounded as the store's SQL filters
    bound dates (``saywho.dates``). The cascades' articles name their outlets by
    domain (``stored_cascades``).
    """
    bounds = query_bounds(query)
    outlets = _outlets(connection)
    rows = []
    for cascade in cascades:
        if query.coordinated and not cascade.coordinated:
            continue
        if not bounds.keeps(cascade.first.published):
            continue
        known = {domain: outlets[domain] for domain in cascade.outlets if domain in outlets}
        labels = sorted(set().union(*(outlet.labels for outlet in known.values())))
        if query.label and query.label not in labels:
            continue
        if query.outlet and not _has_outlet(known, query.outlet):
            continue
        rows.append(_cascade_row(cascade, labels, known))
    return rows


def _has_outlet(outlets: dict[str, _Outlet], wanted: str) -> bool:
    """An outlet given by domain or name (any case)."""
    wanted = wanted.lower()
    return any(wanted in (domain, outlet.name.lower()) for domain, outlet in outlets.items())


def _cascade_row(cascade: Cascade, labels: list[str], outlets: dict[str, _Outlet]) -> CascadeRow:
    kinds = Counter(link.kind for link in cascade.links)
    return CascadeRow(
        first_published=cascade.first.published,
        origin=_outlet_name(outlets, cascade.first.outlet) if cascade.first.outlet else None,
        outlets=len(cascade.outlets),
        articles=len(cascade.articles),
        coordinated=cascade.coordinated,
        languages=list(cascade.languages),
        links=", ".join(f"{count} {kind}" for kind, count in kinds.most_common()),
        title=cascade.first.text.split("\n", 1)[0].strip(),
        outlet_names=[_outlet_name(outlets, domain) for domain in cascade.outlets],
        labels=labels,
        article_ids=[article.id for article in cascade.articles],
        hours_after_first=_hours_after_first(cascade),
    )


def _hours_after_first(cascade: Cascade) -> list[float | None]:
    start = published_moment(cascade.first.published)
    hours = []
    for article in cascade.articles:
        moment = published_moment(article.published)
        gap = None if start is None or moment is None else (moment - start).total_seconds()
        hours.append(None if gap is None else round(gap / 3600, 2))
    return hours


def stored_cascades(
    connection: sqlite3.Connection, options: CascadeOptions = DEFAULT_CASCADE_OPTIONS
) -> list[Cascade]:
    """The cascades of the links the last ``saywho spread`` stored."""
    links = [
        Link(*row)
        for row in connection.execute(
            "SELECT first_id, second_id, kind, overlap, similarity FROM article_links "
            "WHERE kind IN ('copy', 'translation')"
        )
    ]
    articles = [SpreadArticle(*row) for row in connection.execute(_LINKED_ARTICLES)]
    return build_cascades(articles, links, options)


def linked_articles(
    connection: sqlite3.Connection, article_id: int, limit: int = 100, offset: int = 0
) -> list[LinkedArticle]:
    """The articles linked to one, copies first, then translations, then the same story."""
    rows = connection.execute(
        _LINKS_OF_ARTICLE, (article_id, article_id, article_id, limit, offset)
    )
    return [LinkedArticle(*row) for row in rows]


def link_count(connection: sqlite3.Connection, article_id: int) -> int:
    row = connection.execute(
        "SELECT (SELECT COUNT(*) FROM article_links WHERE first_id = ?) + "
        "(SELECT COUNT(*) FROM article_links WHERE second_id = ?)",
        (article_id, article_id),
    ).fetchone()
    return int(row[0])


@dataclass(frozen=True)
class _LinkedStatement:
    id: int
    article_id: int
    speaker: str | None
    content: str
    published: str | None
    outlet: str | None


def quote_rows(connection: sqlite3.Connection) -> list[QuoteRow]:
    """Every quotation repeated across articles (from the last ``saywho spread``), the
    most widely carried first; ``chosen_quotes`` filters them."""
    statements = {row[0]: _LinkedStatement(*row) for row in connection.execute(_LINKED_STATEMENTS)}
    pairs = connection.execute("SELECT first_id, second_id FROM statement_links").fetchall()
    names = _outlets(connection)
    rows = []
    for group in linked_groups(pairs):
        members = sorted(
            (statements[i] for i in group),
            key=lambda s: (s.published is None, s.published or "", s.id),
        )
        speakers = Counter(s.speaker for s in members if s.speaker)
        outlets = list(dict.fromkeys(s.outlet for s in members if s.outlet))  # domains
        rows.append(
            QuoteRow(
                first_published=members[0].published,
                speakers=[name for name, _ in speakers.most_common()],
                quote=members[0].content,
                outlets=len(outlets),
                articles=len({s.article_id for s in members}),
                outlet_names=[_outlet_name(names, domain) for domain in outlets],
                statement_ids=[s.id for s in members],
                article_ids=list(dict.fromkeys(s.article_id for s in members)),
            )
        )
    return sorted(rows, key=lambda r: (-r.outlets, -r.articles, r.first_published or ""))


def chosen_quotes(
    rows: Sequence[QuoteRow], speaker: str | None = None, min_outlets: int = 2
) -> list[QuoteRow]:
    """The quotations carried by at least ``min_outlets`` outlets, said by ``speaker``
    (any case) if given."""
    wanted = speaker.lower() if speaker else None
    return [
        row
        for row in rows
        if row.outlets >= min_outlets
        and (wanted is None or wanted in {name.lower() for name in row.speakers})
    ]


def quoted_elsewhere(
    connection: sqlite3.Connection, article_id: int
) -> dict[int, list[QuotedElsewhere]]:
    """Per statement of an article, the other articles that carry its words."""
    found: dict[int, list[QuotedElsewhere]] = {}
    for row in connection.execute(_QUOTED_ELSEWHERE, {"article": article_id}):
        found.setdefault(row[0], []).append(QuotedElsewhere(*row))
    return found


def link_total(connection: sqlite3.Connection) -> int:
    """How many article links the last ``saywho spread`` stored."""
    return int(connection.execute("SELECT COUNT(*) FROM article_links").fetchone()[0])
