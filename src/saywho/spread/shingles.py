"""Near-duplicate text: MinHash signatures over word shingles, candidates by banding.

Two articles share a word 5-shingle when five consecutive words are the same.
The share of shingles they have in common (Jaccard) is what "this is a copy"
means here; MinHash estimates it from fixed-size signatures, and banding (LSH)
finds the pairs worth estimating without comparing every pair.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations

import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 128
# 32 bands of 4 rows: a pair sharing 40 % of its shingles becomes a candidate with
# probability 0.56, one sharing 60 % with 0.98, one sharing 20 % with 0.05.
BANDS = 32

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
        if len(hashes) == 0:
            return np.full(len(self.multipliers), _EMPTY, dtype=np.uint64)
        with np.errstate(over="ignore"):  # modular arithmetic: uint64 products wrap
            mixed = hashes[None, :] * self.multipliers[:, None] + self.offsets[:, None]
        return (mixed >> np.uint64(32)).min(axis=1)  # type: ignore[no-any-return]

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self.signature(shingle_hashes(text)) for text in texts]).reshape(
            len(texts), len(self.multipliers)
        )


def estimated_overlap(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets (0 for empty texts)."""
    if first[0] == _EMPTY or second[0] == _EMPTY:
        return 0.0
    return float(np.mean(first == second))


def candidate_pairs(signatures: np.ndarray, bands: int = BANDS) -> set[tuple[int, int]]:
    """Index pairs (i < j) that agree on every row of at least one band."""
    rows = signatures.shape[1] // bands
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: defaultdict[bytes, list[int]] = defaultdict(list)
        block = np.ascontiguousarray(signatures[:, band * rows : (band + 1) * rows])
        for index, key in enumerate(block):
            if key[0] != _EMPTY:
                buckets[key.tobytes()].append(index)
        for members in buckets.values():
            pairs.update(combinations(members, 2))
    return pairs
