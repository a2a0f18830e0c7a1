"""Near-duplicate text: MinHash signatures over word shingles, candidates by banding.

Two articles share a word 5-shingle when five consecutive words are the same.
The share of shingles they have in common (Jaccard) is what "this is a copy"
means here; MinHash estimates it from fixed-size signatures, and banding (LSH)
finds the pairs worth estimating without comparing every pair.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from itertools import combinations

import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 128
# A text with fewer distinct shingles (about 14 words) is never called a copy: a
# headline-only stub or "Developing story." shares all of its few shingles by chance.
MIN_SHINGLES = 10
# A band shared by more articles than this is boilerplate or a story republished
# everywhere: its members are proposed with the first of them only (a star, not all
# pairs), which keeps them in one cascade at a linear cost.
MAX_BUCKET = 50

_WORD = re.compile(r"\w+")
_EMPTY = np.iinfo(np.uint64).max


def shingle_hashes(text: str, width: int = SHINGLE_WORDS) -> np.ndarray:
    """The distinct word ``width``-shingles of ``text`` (case folded), as 64-bit hashes."""
    words = np.array(
        [zlib.crc32(word.encode()) for word in _WORD.findall(text.lower())], dtype=np.uint64
    )
    if len(words) == 0:
        return words
    count = max(1, len(words) - width + 1)
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):  # modular arithmetic: uint64 products wrap
        for offset in range(min(width, len(words))):
            combined = combined * np.uint64(1_000_003) + words[offset : offset + count]
    return np.unique(combined)


class MinHasher:
    """Signatures whose agreement estimates the Jaccard similarity of shingle sets."""

    def __init__(self, permutations: int = PERMUTATIONS, seed: int = 1) -> None:
        generator = np.random.default_rng(seed)
        self.multipliers = generator.integers(1, 2**63, permutations, dtype=np.uint64) | 1
        self.offsets = generator.integers(0, 2**63, permutations, dtype=np.uint64)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        if len(hashes) < MIN_SHINGLES:
            return np.full(len(self.multipliers), _EMPTY, dtype=np.uint64)
        with np.errstate(over="ignore"):  # modular arithmetic: uint64 products wrap
            mixed = hashes[None, :] * self.multipliers[:, None] + self.offsets[:, None]
        return (mixed >> np.uint64(32)).min(axis=1)  # type: ignore[no-any-return]

    def signatures(self, texts: Sequence[str], width: int = SHINGLE_WORDS) -> np.ndarray:
        rows = [self.signature(shingle_hashes(text, width)) for text in texts]
        return np.vstack(rows) if rows else np.empty((0, len(self.multipliers)), np.uint64)


def estimated_overlap(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets (0 for short texts);
    the standard error is at most 0.044 with 128 permutations."""
    if first[0] == _EMPTY or second[0] == _EMPTY:
        return 0.0
    return float(np.mean(first == second))


def rows_per_band(threshold: float, permutations: int = PERMUTATIONS) -> int:
    """The most rows per band (fewest candidate pairs) with which a pair sharing
    ``threshold`` - 0.1 of its shingles is still proposed 95 % of the time.

    Two rows at least: with one, any single agreeing permutation would propose
    nearly every pair of news articles.
    """
    for rows in (32, 16, 8, 4):
        bands = permutations // rows
        if 1 - (1 - max(threshold - 0.1, 0.0) ** rows) ** bands >= 0.95:
            return rows
    return 2


def candidate_pairs(signatures: np.ndarray, rows: int) -> set[tuple[int, int]]:
    """Index pairs (i < j) that agree on every row of at least one band of ``rows``."""
    pairs: set[tuple[int, int]] = set()
    usable = np.flatnonzero(signatures[:, 0] != _EMPTY)
    for band in range(signatures.shape[1] // rows):
        block = signatures[usable, band * rows : (band + 1) * rows]
        keys = block[:, 0].copy()
        with np.errstate(over="ignore"):  # modular arithmetic: a hash of the band's rows
            for column in range(1, rows):
                keys = keys * np.uint64(0x9E3779B97F4A7C15) + block[:, column]
        order = np.argsort(keys, kind="stable")  # equal keys keep index order
        ordered = keys[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        ends = np.r_[starts[1:], len(ordered)]
        for start, end in zip(starts, ends, strict=True):
            if end - start < 2:
                continue
            members = usable[order[start:end]].tolist()
            if len(members) > MAX_BUCKET:
                pairs.update((members[0], member) for member in members[1:])
            else:
                pairs.update(combinations(members, 2))
    return pairs
