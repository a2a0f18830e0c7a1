"""B/I/O tags per role, to and from character spans."""

from __future__ import annotations

import numpy as np

ROLES = ("source", "cue", "content")
OUTSIDE, BEGIN, INSIDE = 0, 1, 2


def spans_from_tags(tags: np.ndarray, offsets: np.ndarray) -> list[tuple[int, int]]:
    """Character spans of the B(I*) runs in one role's tags (a stray I starts a span)."""
    spans: list[tuple[int, int]] = []
    start = end = -1
    for tag, (token_start, token_end) in zip(tags.tolist(), offsets.tolist(), strict=True):
        if tag == BEGIN or (tag == INSIDE and start < 0):
            if start >= 0:
                spans.append((start, end))
            start, end = token_start, token_end
        elif tag == INSIDE:
            end = token_end
        elif start >= 0:
            spans.append((start, end))
            start = -1
    if start >= 0:
        spans.append((start, end))
    return spans


def tags_from_spans(spans: list[tuple[int, int]], offsets: np.ndarray) -> np.ndarray:
    """One role's tags for the tokens that the character spans cover."""
    tags = np.zeros(len(offsets), dtype=np.int64)
    starts, ends = offsets[:, 0], offsets[:, 1]
    for span_start, span_end in spans:
        inside = np.nonzero((starts < span_end) & (ends > span_start))[0]
        if len(inside) == 0:
            continue
        if tags[inside[0]] == OUTSIDE:
            tags[inside[0]] = BEGIN
        for index in inside[1:]:
            if tags[index] == OUTSIDE:
                tags[index] = INSIDE
    return tags


def whole_words(tags: np.ndarray, continues_word: np.ndarray) -> np.ndarray:
    """Tags where a word is in a span as a whole or not at all ("Kremlin" is never half one).

    A word takes the tag of its first piece that is in a span, and its later
    pieces continue it.
    """
    result = tags.copy()
    first = 0
    for index in range(1, len(tags) + 1):
        if index < len(tags) and continues_word[index]:
            continue
        pieces = tags[first:index]
        tagged = np.nonzero(pieces != OUTSIDE)[0]
        result[first:index] = OUTSIDE
        if len(tagged):
            result[first] = pieces[tagged[0]]
            result[first + 1 : index] = INSIDE
        first = index
    return result
