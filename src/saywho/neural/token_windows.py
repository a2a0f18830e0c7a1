"""Long texts as overlapping windows of word pieces, for token tagging.

An article is longer than the encoder's reach; it is cut into windows of at
most WINDOW word pieces that overlap by OVERLAP, so that every token is seen
with context on both sides in some window. Scores of a token seen twice are
averaged when windows are stitched back together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from tokenizers import Tokenizer

WINDOW = 254  # word pieces, plus [CLS] and [SEP] = 256
OVERLAP = 32
CLS_ID, SEP_ID, PAD_ID = 101, 102, 0


@dataclass(frozen=True)
class TokenizedText:
    ids: np.ndarray  # (n,) word-piece ids, no special tokens
    offsets: np.ndarray  # (n, 2) character offsets into the text
    continues_word: np.ndarray  # (n,) bool: a piece after the first of its word


@dataclass(frozen=True)
class WindowBatch:
    input_ids: np.ndarray  # (batch, length) int64, [CLS] ... [SEP], padded
    attention_mask: np.ndarray
    token_type_ids: np.ndarray
    starts: tuple[int, ...]  # index of each window's first word piece in the text


def load_plain_tokenizer(path: str) -> Tokenizer:
    tokenizer = Tokenizer.from_file(path)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def tokenize(tokenizer: Tokenizer, text: str) -> TokenizedText:
    encoding = tokenizer.encode(text, add_special_tokens=False)
    offsets = np.array(encoding.offsets, dtype=np.int64).reshape(-1, 2)
    words = encoding.word_ids
    continues = np.array(
        [i > 0 and words[i] is not None and words[i] == words[i - 1] for i in range(len(words))],
        dtype=bool,
    )
    return TokenizedText(np.array(encoding.ids, dtype=np.int64), offsets, continues)


def window_starts(length: int) -> list[int]:
    if length <= WINDOW:
        return [0]
    step = WINDOW - OVERLAP
    starts = list(range(0, length - WINDOW, step))
    return [*starts, length - WINDOW]


def windows(tokens: TokenizedText, batch_size: int) -> Iterator[WindowBatch]:
    starts = window_starts(len(tokens.ids))
    for first in range(0, len(starts), batch_size):
        chosen = starts[first : first + batch_size]
        length = min(WINDOW, len(tokens.ids)) + 2
        ids = np.full((len(chosen), length), PAD_ID, dtype=np.int64)
        mask = np.zeros((len(chosen), length), dtype=np.int64)
        for row, start in enumerate(chosen):
            piece = tokens.ids[start : start + WINDOW]
            ids[row, : len(piece) + 2] = [CLS_ID, *piece, SEP_ID]
            mask[row, : len(piece) + 2] = 1
        yield WindowBatch(ids, mask, np.zeros_like(ids), tuple(chosen))


def stitch(scores: list[tuple[int, np.ndarray]], length: int) -> np.ndarray:
    """Per-token scores for the whole text from (window start, window scores) pairs.

    Window scores exclude [CLS]/[SEP]: shape (tokens in window, ...).
    """
    first = scores[0][1]
    total = np.zeros((length, *first.shape[1:]), dtype=np.float32)
    seen = np.zeros(length, dtype=np.float32)
    for start, window_scores in scores:
        end = start + len(window_scores)
        total[start:end] += window_scores
        seen[start:end] += 1
    return total / np.maximum(seen, 1).reshape(-1, *([1] * (total.ndim - 1)))
