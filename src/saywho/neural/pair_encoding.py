"""Target-marked sentence pairs: ``mention [SEP] left < target > right``.

The first segment names the target; the second is the context with the target
bracketed, so the encoder sees both who is judged and where. A mask over the
target's own tokens lets the classifier pool them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from tokenizers import Tokenizer

from saywho.neural.token_windows import read_tokenizer, special_ids

MAX_TOKENS = 128
# Characters of context kept on each side of the target before tokenizing, so
# that truncation never cuts the target out of a long sentence.
CONTEXT_CHARS = 300
OPEN_MARK, CLOSE_MARK = "< ", " >"


@dataclass(frozen=True)
class TargetInText:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class EncodedPairs:
    input_ids: np.ndarray  # (batch, length) int64
    attention_mask: np.ndarray
    token_type_ids: np.ndarray
    target_mask: np.ndarray  # (batch, length) float32: 1 on the target's tokens


def load_tokenizer(path: str) -> Tokenizer:
    """A tokenizer (``read_tokenizer``) that truncates pairs and pads with its own token."""
    tokenizer = read_tokenizer(path)
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    try:
        pad = special_ids(tokenizer).pad
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    tokenizer.enable_padding(pad_id=pad, pad_token=tokenizer.id_to_token(pad))
    return tokenizer


def mark(item: TargetInText) -> tuple[str, int, int]:
    """The context window with the target bracketed, and the target's new offsets."""
    left_start = max(0, item.start - CONTEXT_CHARS)
    right_end = min(len(item.text), item.end + CONTEXT_CHARS)
    left = item.text[left_start : item.start]
    target = item.text[item.start : item.end]
    right = item.text[item.end : right_end]
    marked = f"{left}{OPEN_MARK}{target}{CLOSE_MARK}{right}"
    start = len(left) + len(OPEN_MARK)
    return marked, start, start + len(target)


def encode_pairs(tokenizer: Tokenizer, items: Sequence[TargetInText]) -> EncodedPairs:
    marked = [mark(item) for item in items]
    mentions = [" ".join(item.text[item.start : item.end].split()) for item in items]
    encodings = tokenizer.encode_batch(
        [(m, text) for m, (text, _, _) in zip(mentions, marked, strict=True)]
    )
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    types = np.array([e.type_ids for e in encodings], dtype=np.int64)
    target = np.zeros(ids.shape, dtype=np.float32)
    for row, (encoding, (_, start, end)) in enumerate(zip(encodings, marked, strict=True)):
        for column, (sequence, (a, b)) in enumerate(
            zip(encoding.sequence_ids, encoding.offsets, strict=True)
        ):
            if sequence == 1 and a < end and b > start:
                target[row, column] = 1.0
    return EncodedPairs(ids, mask, types, target)
