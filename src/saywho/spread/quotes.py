"""Repeated quotes: the same words attributed in several articles.

A whole article copied is a cascade; a quotation lifted into other articles is
not, yet it is how a statement spreads ("Putin praised Trump's sincerity" in
forty outlets within hours). Statement contents are compared as word 3-shingles
(quotations are short), with the same MinHash and banding as copies; a pair of
statements from two articles sharing at least ``min_overlap`` of them is linked.
Contents under 12 words are left out: "no comment" is everywhere and proves
nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from saywho.spread.shingles import MinHasher, candidate_pairs, estimated_overlap, rows_per_band

QUOTE_SHINGLE_WORDS = 3
MIN_QUOTE_OVERLAP = 0.5


@dataclass(frozen=True)
class Quote:
    id: int  # the statement's
    article_id: int
    text: str  # what was said


@dataclass(frozen=True)
class QuoteLink:
    first: int  # statement ids, first < second
    second: int
    overlap: float  # estimated share of word 3-shingles in common


def find_quote_links(
    quotes: Sequence[Quote],
    copied: Collection[tuple[int, int]] = (),
    min_overlap: float = MIN_QUOTE_OVERLAP,
) -> list[QuoteLink]:
    """Links between statements of different articles that say the same words.

    ``copied`` are article id pairs (lower first) linked as copies: their shared
    statements are the copy's, already in its cascade, not a quotation lifted.
    """
    signatures = MinHasher().signatures([q.text for q in quotes], width=QUOTE_SHINGLE_WORDS)
    links = []
    for i, j in sorted(candidate_pairs(signatures, rows_per_band(min_overlap))):
        articles = sorted((quotes[i].article_id, quotes[j].article_id))
        if articles[0] == articles[1] or (articles[0], articles[1]) in copied:
            continue
        overlap = estimated_overlap(signatures[i], signatures[j])
        if overlap >= min_overlap:
            first, second = sorted((quotes[i].id, quotes[j].id))
            links.append(QuoteLink(first, second, round(overlap, 3)))
    return links
