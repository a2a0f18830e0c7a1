"""Story similarity on SemEval-2022 Task 8 (multilingual news article similarity).

    python bench/semeval.py --shared ../shared

What ``saywho spread`` links as the same story, measured on human judgements of
article pairs (Overall: 1 = very similar ... 4 = very dissimilar; 18 language
pairs, many cross-lingual). Reported on the test half:

- Pearson correlation of each system's similarity with the negated Overall score
  (the task's metric, sign flipped so higher is better);
- precision, recall and F1 of "same story" (gold: Overall <= 2) at a threshold
  chosen on the training half (saywho ships its choice as
  ``LinkOptions.story_similarity``; the run says if the two differ);
- texts encoded per second on one core (one thread).

The peer baseline, measured in the same run, is the cosine of word TF-IDF vectors
(IDF from the training texts). saywho's MinHash overlap, its copy signal, is shown
at its copy threshold, for what it is: pairs in this set are rarely copies.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

os.environ.setdefault("SAYWHO_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import numpy as np

from saywho.config import DEFAULT_ENCODER, DEFAULT_LINK_OPTIONS
from saywho.spread import create_encoder
from saywho.spread.shingles import MinHasher, estimated_overlap

SAME_STORY_AT_MOST = 2.0
PUBLISHED_BEST = 0.818  # Pearson on Overall, full official test (best system)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Pair:
    text1: str
    text2: str
    languages: str
    overall: float


@dataclass
class Row:
    system: str
    pearson: float
    threshold: float | None
    precision: float | None
    recall: float | None
    f1: float | None
    texts_per_second: float | None


def read_pairs(path: Path) -> list[Pair]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Pair(
                row["text1"], row["text2"], f"{row['lang1']}-{row['lang2']}", float(row["Overall"])
            )
            for row in csv.DictReader(handle)
        ]


def pearson(scores: np.ndarray, pairs: Sequence[Pair]) -> float:
    gold = -np.array([pair.overall for pair in pairs])
    return float(np.corrcoef(scores, gold)[0, 1])


def same_story(pairs: Sequence[Pair]) -> np.ndarray:
    return np.array([pair.overall <= SAME_STORY_AT_MOST for pair in pairs])


def precision_recall_f1(predicted: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    hits = float((predicted & gold).sum())
    precision = hits / max(1, predicted.sum())
    recall = hits / max(1, gold.sum())
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def best_threshold(scores: np.ndarray, pairs: Sequence[Pair]) -> float:
    """The threshold with the highest same-story F1 (on the training half)."""
    gold = same_story(pairs)
    candidates = np.unique(np.round(scores, 2))
    return float(max(candidates, key=lambda t: precision_recall_f1(scores >= t, gold)[2]))


def evaluate(
    name: str,
    train: tuple[np.ndarray, Sequence[Pair]],
    test: tuple[np.ndarray, Sequence[Pair]],
    threshold: float | None = None,
    texts_per_second: float | None = None,
) -> Row:
    if threshold is None:
        threshold = best_threshold(*train)
    scores, pairs = test
    precision, recall, f1 = precision_recall_f1(scores >= threshold, same_story(pairs))
    return Row(name, pearson(scores, pairs), threshold, precision, recall, f1, texts_per_second)


def encoder_scores(pairs: Sequence[Pair], name: str) -> tuple[np.ndarray, float]:
    """Cosine of each pair's vectors; and texts per second (first text excluded: warm-up)."""
    encoder = create_encoder(name)
    encoder.encode([pairs[0].text1])
    started = time.perf_counter()
    first = encoder.encode([pair.text1 for pair in pairs])
    second = encoder.encode([pair.text2 for pair in pairs])
    seconds = time.perf_counter() - started
    return (first * second).sum(axis=1), 2 * len(pairs) / seconds


def tfidf_scores(
    pairs: Sequence[Pair], document_frequency: Counter[str], documents: int
) -> np.ndarray:
    def vector(text: str) -> dict[str, float]:
        counts = Counter(word.lower() for word in _WORD.findall(text))
        weights = {
            word: (1 + math.log(count)) * math.log((1 + documents) / (1 + document_frequency[word]))
            for word, count in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {word: w / norm for word, w in weights.items()}

    def cosine(first: dict[str, float], second: dict[str, float]) -> float:
        return sum(w * second.get(word, 0.0) for word, w in first.items())

    return np.array([cosine(vector(pair.text1), vector(pair.text2)) for pair in pairs])


def document_frequencies(pairs: Sequence[Pair]) -> tuple[Counter[str], int]:
    frequency: Counter[str] = Counter()
    for pair in pairs:
        for text in (pair.text1, pair.text2):
            frequency.update({word.lower() for word in _WORD.findall(text)})
    return frequency, 2 * len(pairs)


def minhash_scores(pairs: Sequence[Pair]) -> np.ndarray:
    hasher = MinHasher()
    first = hasher.signatures([pair.text1 for pair in pairs])
    second = hasher.signatures([pair.text2 for pair in pairs])
    return np.array([estimated_overlap(a, b) for a, b in zip(first, second, strict=True)])


def run(shared: Path, encoder: str) -> list[Row]:
    folder = shared / "data" / "semeval2022-task8"
    train = read_pairs(folder / "training_set.csv")
    test = read_pairs(folder / "testing_set.csv")
    train_cosine, _ = encoder_scores(train, encoder)
    test_cosine, speed = encoder_scores(test, encoder)
    frequency, documents = document_frequencies(train)
    tuned = best_threshold(train_cosine, train)
    if round(tuned, 2) != round(DEFAULT_LINK_OPTIONS.story_similarity, 2):
        print(
            f"note: the threshold tuned on train is {tuned:.2f}; saywho ships "
            f"{DEFAULT_LINK_OPTIONS.story_similarity:.2f} (LinkOptions.story_similarity)",
            file=sys.stderr,
        )
    rows = [
        evaluate(
            f"saywho {encoder}",
            (train_cosine, train),
            (test_cosine, test),
            threshold=DEFAULT_LINK_OPTIONS.story_similarity,
            texts_per_second=speed,
        ),
        evaluate(
            "saywho MinHash overlap (copies)",
            (np.zeros(0), train),
            (minhash_scores(test), test),
            threshold=DEFAULT_LINK_OPTIONS.copy_overlap,
        ),
    ]
    tfidf = partial(tfidf_scores, document_frequency=frequency, documents=documents)
    rows.append(
        evaluate("TF-IDF word cosine (baseline)", (tfidf(train), train), (tfidf(test), test))
    )
    return rows


def render(rows: Sequence[Row], pairs: int) -> str:
    def number(value: float | None, scale: float = 1.0, digits: int = 1) -> str:
        return "" if value is None else f"{value * scale:.{digits}f}"

    lines = [
        f"SemEval-2022 Task 8 test ({pairs} pairs): Pearson with -Overall; same story "
        f"(Overall <= {SAME_STORY_AT_MOST:g}) at a threshold chosen on train",
        "",
        "| system | Pearson | threshold | P | R | F1 | texts/s/core |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.system} | {row.pearson:.3f} | {number(row.threshold, digits=2)} | "
            f"{number(row.precision, 100)} | {number(row.recall, 100)} | {number(row.f1, 100)} | "
            f"{number(row.texts_per_second, digits=0)} |"
        )
    lines.append(f"| best published system (full test) | {PUBLISHED_BEST:.3f} | | | | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--encoder", default=DEFAULT_ENCODER)
    parser.add_argument("--out", type=Path, default=Path("bench/out/semeval.json"))
    args = parser.parse_args()
    rows = run(args.shared, args.encoder)
    test_pairs = len(read_pairs(args.shared / "data" / "semeval2022-task8" / "testing_set.csv"))
    print(render(rows, test_pairs))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([row.__dict__ for row in rows], indent=2) + "\n")


if __name__ == "__main__":
    main()
