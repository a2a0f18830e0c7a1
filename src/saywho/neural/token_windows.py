"""Long texts as overlapping windows of word pieces, for token tagging.

An article is longer than the encoder's reach; it is cut into windows of at
most WINDOW word pieces that overlap by OVERLAP, so that every token is seen
with context on both sides in some window. Scores of a token seen twice are
averaged when windows are stitched back together.
"""

from __future__ import annotations

import gzip
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

WINDOW = 254  # word pieces, plus [CLS] and [SEP] = 256
OVERLAP = 32


@dataclass(frozen=True)
class SpecialIds:
    """The ids that open, close and pad a window in one vocabulary."""

    first: int
    last: int
    pad: int


# WordPiece (MiniLM: [CLS] [SEP] [PAD]) and SentencePiece (XLM-R, e5: <s> </s> <pad>).
SPECIAL_TOKENS = (("[CLS]", "[SEP]", "[PAD]"), ("<s>", "</s>", "<pad>"))


@dataclass(frozen=True)
class TokenizedText:
    ids: np.ndarray  # (n,) word-piece ids, no special tokens
    offsets: np.ndarray  # (n, 2) character offsets into the text, no leading space
    continues_word: np.ndarray  # (n,) bool: a piece after the first of its word
    specials: SpecialIds


@dataclass(frozen=True)
class WindowBatch:
    input_ids: np.ndarray  # (batch, length) int64, [CLS] ... [SEP], padded
    attention_mask: np.ndarray
    token_type_ids: np.ndarray
    starts: tuple[int, ...]  # index of each window's first word piece in the text


def read_tokenizer(path: str) -> Tokenizer:
    """A tokenizer.json, or one gzipped (``.json.gz``: the e5 vocabulary is 16 MB raw)."""
    if path.endswith(".gz"):
        return Tokenizer.from_str(gzip.decompress(Path(path).read_bytes()).decode("utf-8"))
    return Tokenizer.from_file(path)


def load_plain_tokenizer(path: str) -> Tokenizer:
    tokenizer = read_tokenizer(path)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def special_ids(tokenizer: Tokenizer) -> SpecialIds:
    for tokens in SPECIAL_TOKENS:
        ids = [tokenizer.token_to_id(token) for token in tokens]
        if all(i is not None for i in ids):
            return SpecialIds(*ids)
    raise ValueError(f"no padding and window tokens: none of {SPECIAL_TOKENS} in the vocabulary")


def tokenize(tokenizer: Tokenizer, text: str) -> TokenizedText:
    encoding = tokenizer.encode(text, add_special_tokens=False)
    offsets = np.array(encoding.offsets, dtype=np.int64).reshape(-1, 2)
    # SentencePiece counts the space a word-initial piece stands for ("▁Kreml" is
    # " Kreml"); a span starts at its first letter.
    for row in offsets:
        while row[0] < row[1] and text[row[0]].isspace():
            row[0] += 1
    words = encoding.word_ids
    continues = np.array(
        [
            i > 0
            and words[i] is not None
            and words[i] == words[i - 1]
            and _inside_word(text, offsets[i][0])
            for i in range(len(words))
        ],
        dtype=bool,
    )
    return TokenizedText(
        np.array(encoding.ids, dtype=np.int64), offsets, continues, special_ids(tokenizer)
    )


def _inside_word(text: str, start: int) -> bool:
    """Whether a piece of a pre-tokenized word goes on the word of the piece before it:
    no punctuation on either side of where it starts. SentencePiece words run from
    space to space, so "Kremls," and "„Wir" are one word each until punctuation is
    split off here, as WordPiece's pre-tokenizer already splits it."""
    return (
        0 < start < len(text)
        and not _is_punctuation(text[start - 1])
        and not _is_punctuation(text[start])
    )


def _is_punctuation(character: str) -> bool:
    return unicodedata.category(character).startswith("P") or (
        character.isascii() and not character.isalnum() and not character.isspace()
    )


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
        ids = np.full((len(chosen), length), tokens.specials.pad, dtype=np.int64)
        mask = np.zeros((len(chosen), length), dtype=np.int64)
        for row, start in enumerate(chosen):
            piece = tokens.ids[start : start + WINDOW]
            ids[row, : len(piece) + 2] = [tokens.specials.first, *piece, tokens.specials.last]
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
