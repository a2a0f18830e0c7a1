"""Pairs of articles that carry the same text or tell the same story.

Three kinds of link, strongest first:

- ``copy``: the same language and at least ``copy_overlap`` of their word
  5-shingles in common (estimated by MinHash): one republished the other, or both
  one wire text.
- ``translation``: different languages and text vectors at least
  ``translation_similarity`` alike.
- ``same story``: text vectors at least ``story_similarity`` alike (the encoder
  ranks pairs by how much of a story they share; the threshold is tuned on
  SemEval-2022 Task 8, see docs/spread.md).

Only articles published within ``window_days`` of each other are compared by
vector (undated ones with all), so the cost grows with the news of a period,
not with the square of the archive.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import numpy as np

from saywho.config import DEFAULT_LINK_OPTIONS, LinkOptions
from saywho.spread.shingles import (
    MinHasher,
    candidate_pairs,
    estimated_overlap,
    rows_per_band,
)

LinkKind = Literal["copy", "translation", "same story"]
LINK_KINDS: tuple[LinkKind, ...] = ("copy", "translation", "same story")
_BLOCK = 512


@dataclass(frozen=True)
class SpreadArticle:
    id: int
    text: str  # headline and body
    language: str | None
    outlet: str | None
    published: str | None  # ISO 8601 date or date-time


@dataclass(frozen=True)
class Link:
    first: int  # article ids, first < second
    second: int
    kind: LinkKind
    overlap: float  # estimated share of word 5-shingles in common, 0 .. 1
    similarity: float | None  # cosine of the text vectors; None without an encoder


def find_links(
    articles: Sequence[SpreadArticle],
    vectors: np.ndarray | None,
    options: LinkOptions = DEFAULT_LINK_OPTIONS,
    signatures: np.ndarray | None = None,
) -> list[Link]:
    """Links between ``articles``; ``vectors`` (one unit row per article) or None for
    copies only; ``signatures`` are MinHash signatures if the caller has them."""
    if signatures is None:
        signatures = MinHasher().signatures([article.text for article in articles])
    days = np.array([_day(article.published) for article in articles], dtype=np.float64)
    copies = candidate_pairs(signatures, rows_per_band(options.copy_overlap))
    alike = _similar_pairs(days, vectors, options) if vectors is not None else {}
    links = []
    for i, j in sorted(copies | alike.keys()):
        overlap = estimated_overlap(signatures[i], signatures[j])
        similarity = alike.get((i, j))
        # A copy found by its text, published outside the window, is judged by its
        # text alone: the window bounds every vector decision.
        if similarity is None and vectors is not None and _near(days, i, j, options):
            similarity = float(vectors[i] @ vectors[j])
        kind = _kind(articles[i], articles[j], overlap, similarity, options)
        if kind is not None:
            low, high = sorted((articles[i].id, articles[j].id))
            links.append(Link(low, high, kind, round(overlap, 3), _rounded(similarity)))
    return links


def _kind(
    first: SpreadArticle,
    second: SpreadArticle,
    overlap: float,
    similarity: float | None,
    options: LinkOptions,
) -> LinkKind | None:
    # An unknown language (too little text to tell) matches any.
    same_language = None in (first.language, second.language) or first.language == second.language
    if same_language and overlap >= options.copy_overlap:
        return "copy"
    if similarity is None:
        return None
    if not same_language and similarity >= options.translation_similarity:
        return "translation"
    if similarity >= options.story_similarity:
        return "same story"
    return None


def _near(days: np.ndarray, first: int, second: int, options: LinkOptions) -> bool:
    gap = abs(days[first] - days[second])
    return bool(np.isnan(gap) or gap <= options.window_days)


def _similar_pairs(
    days: np.ndarray, vectors: np.ndarray, options: LinkOptions
) -> dict[tuple[int, int], float]:
    """Index pairs (i < j) within the time window whose vectors reach the lower of the
    story and translation thresholds.

    Dated articles are taken in date order, a block at a time, against the later
    articles within the window of the block: the work grows with the news of a
    window, not with the square of the archive. Undated articles are compared with all.
    """
    dated = np.flatnonzero(~np.isnan(days))
    # Dated articles by date, then the undated: a window is then a slice, not a copy.
    order = np.concatenate(
        [dated[np.argsort(days[dated], kind="stable")], np.flatnonzero(np.isnan(days))]
    )
    ordered = np.ascontiguousarray(vectors[order])
    ordered_days = days[order[: len(dated)]]
    found: dict[tuple[int, int], float] = {}
    threshold = min(options.story_similarity, options.translation_similarity)
    window = options.window_days
    for start in range(0, len(dated), _BLOCK):
        stop = min(start + _BLOCK, len(dated))
        # Later articles only: a pair with an earlier one came up in that one's block.
        high = np.searchsorted(ordered_days, ordered_days[stop - 1] + window, side="right")
        for first, second, score in _alike(
            ordered, order, slice(start, stop), slice(start, high), threshold
        ):
            if _near(days, first, second, options):
                found[(first, second)] = score
    for start in range(len(dated), len(order), _BLOCK):
        rows = slice(start, min(start + _BLOCK, len(order)))
        for first, second, score in _alike(ordered, order, rows, slice(0, len(order)), threshold):
            found[(first, second)] = score
    return found


def _alike(
    ordered: np.ndarray, order: np.ndarray, rows: slice, columns: slice, threshold: float
) -> Iterator[tuple[int, int, float]]:
    """Pairs of article indices (lower first), one from ``rows`` and one from ``columns``
    of the reordered vectors, that reach the threshold. Thresholding comes first:
    few pairs pass it."""
    scores = ordered[rows] @ ordered[columns].T
    for i, j in zip(*np.nonzero(scores >= threshold), strict=True):
        first, second = int(order[rows.start + i]), int(order[columns.start + j])
        if first != second:
            yield min(first, second), max(first, second), float(scores[i, j])


def _day(published: str | None) -> float:
    """Days since the epoch, or NaN when the date is missing or unreadable."""
    moment = published_moment(published)
    return float("nan") if moment is None else moment.timestamp() / 86400


def published_moment(published: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (UTC when no zone is given)."""
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
