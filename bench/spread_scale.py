"""How linking scales: ``find_links`` on synthetic corpora, beside all-pairs cosine.

    python bench/spread_scale.py [--sizes 10000:7,100000:365]

Each corpus is N articles of 300 random words spread over D days, with random
unit vectors (encoding is measured by bench/semeval.py; here it is the linking).
saywho compares vectors within its 7-day window, in date order, and proposes
copies by MinHash banding. The baseline is what a notebook would do: the cosine
of every pair, in blocks, thresholded; it runs only where it takes under a few
minutes. One thread; seconds of wall time, start-up excluded; peak memory of
the process so far.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import numpy as np

from saywho.config import DEFAULT_LINK_OPTIONS
from saywho.spread import SpreadArticle, find_links
from saywho.spread.shingles import MinHasher

ALL_PAIRS_LIMIT = 40_000  # articles; beyond this the baseline takes many minutes
_BLOCK = 512


def corpus(size: int, days: int, seed: int = 0) -> tuple[list[SpreadArticle], np.ndarray]:
    words = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(20_000)]
    start = datetime(2026, 1, 1)
    articles = [
        SpreadArticle(
            index,
            " ".join(words.choices(vocabulary, k=300)),
            "en",
            f"outlet{index % 50}",
            (start + timedelta(days=words.random() * days)).isoformat(),
        )
        for index in range(size)
    ]
    vectors = np.random.default_rng(seed).standard_normal((size, 512)).astype(np.float32)
    return articles, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def all_pairs(vectors: np.ndarray, threshold: float) -> int:
    found = 0
    for start in range(0, len(vectors), _BLOCK):
        scores = vectors[start : start + _BLOCK] @ vectors.T
        found += int(np.triu(scores >= threshold, k=start + 1).sum())
    return found


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000:7,100000:365", help="N:DAYS,...")
    args = parser.parse_args()
    print("| articles | days | MinHash ms/article | saywho link s | all-pairs cosine s | peak MB |")
    print("|---|---|---|---|---|---|")
    for item in args.sizes.split(","):
        size, days = (int(part) for part in item.split(":"))
        articles, vectors = corpus(size, days)
        started = time.perf_counter()
        signatures = MinHasher().signatures([article.text for article in articles])
        hashed = time.perf_counter()
        find_links(articles, vectors, signatures=signatures)
        linked = time.perf_counter()
        baseline = ""
        if size <= ALL_PAIRS_LIMIT:
            all_pairs(vectors, DEFAULT_LINK_OPTIONS.story_similarity)
            baseline = f"{time.perf_counter() - linked:.1f}"
        print(
            f"| {size:,} | {days} | {1000 * (hashed - started) / size:.2f} | "
            f"{linked - hashed:.1f} | {baseline or 'not run'} | {peak_mb():.0f} |"
        )


if __name__ == "__main__":
    main()
