"""Train the ``multilingual`` stance classifier on RuSentNE (and English NewsMTSC).

    PYTHONPATH=src:. .venv/bin/python training/stance_multilingual.py \\
        --rusentne ../shared/data/rusentne --newsmtsc ../shared/data/newsmtsc/train.jsonl \\
        --out src/saywho/data/models/stance-multilingual.npz

Runs in the project's own environment (the encoder is saywho's, the regression
scikit-learn's), on one core in a few minutes, most of it encoding. The
features are exactly those the model computes at run time
(``saywho.stance.multilingual.features``). A multinomial logistic regression
is fitted on RuSentNE train, and English NewsMTSC train at a lower weight
(``--english-weight``: it costs Russian little and keeps English, and so the
shared space, in reach; see docs/models.md). Then one bias on the neutral
class is chosen on dev half A for F1_PN (neutral dominates the data, and the
task's score only counts the polar classes) and folded into the saved bias.
Half B stays untouched.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("SAYWHO_THREADS", "1")

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.newsmtsc import read_targets
from bench.rusentne import BIAS_GRID, f1_pn, half_of, read_items
from saywho.neural.pair_encoding import TargetInText
from saywho.spread.encoders import create_encoder
from saywho.stance.multilingual import LABELS, features

LABEL_INDEX = {label: index for index, label in enumerate(LABELS)}
NEUTRAL = LABEL_INDEX["neutral"]


def targets_of(items: list[dict[str, Any]]) -> tuple[list[TargetInText], np.ndarray, list[str]]:
    """Each target in its sentence, its gold label index, and its sentence's dev half."""
    spans, labels, halves = [], [], []
    for item in items:
        for target in item["targets"]:
            spans.append(TargetInText(item["text"], target["start"], target["end"]))
            labels.append(LABEL_INDEX[target["gold"]])
            halves.append(half_of(item["text"]))
    return spans, np.asarray(labels), halves


def decide(logits: np.ndarray, neutral_bias: float) -> list[str]:
    shifted = logits.copy()
    shifted[:, NEUTRAL] += neutral_bias
    return [LABELS[int(i)] for i in shifted.argmax(axis=1)]


def tune_bias(logits: np.ndarray, gold: list[str]) -> float:
    return float(max(BIAS_GRID, key=lambda bias: f1_pn(gold, decide(logits, bias))))


def report(logits: np.ndarray, labels: np.ndarray, halves: list[str]) -> None:
    gold = [LABELS[int(i)] for i in labels]
    predicted = decide(logits, 0.0)
    for name in ("A", "B", "all"):
        chosen = [i for i, half in enumerate(halves) if name in (half, "all")]
        score = f1_pn([gold[i] for i in chosen], [predicted[i] for i in chosen])
        print(f"dev {name}: F1_PN {score:.1f} ({len(chosen)} targets)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rusentne", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--c", type=float, default=0.3, help="inverse L2 strength")
    parser.add_argument("--newsmtsc", type=Path, help="English NewsMTSC train.jsonl to add")
    parser.add_argument("--english-weight", type=float, default=0.3)
    args = parser.parse_args()
    started = time.perf_counter()
    encoder = create_encoder("use-multilingual")
    train, train_labels, _ = targets_of(read_items(args.rusentne / "train.csv"))
    weight = np.ones(len(train))
    if args.newsmtsc:
        english, english_labels, _ = targets_of(read_targets(args.newsmtsc))
        train, train_labels = train + english, np.concatenate([train_labels, english_labels])
        weight = np.concatenate([weight, np.full(len(english), args.english_weight)])
    dev, dev_labels, halves = targets_of(read_items(args.rusentne / "dev.csv"))
    train_x, dev_x = features(encoder, train), features(encoder, dev)
    encoded = time.perf_counter()
    regression = LogisticRegression(C=args.c, max_iter=3000)
    regression.fit(train_x, train_labels, sample_weight=weight)
    # scikit-learn orders classes by value, which is LABELS' order (0, 1, 2).
    weights = regression.coef_.T.astype(np.float32)
    bias = regression.intercept_.astype(np.float32)
    dev_logits = dev_x @ weights + bias
    in_a = [i for i, half in enumerate(halves) if half == "A"]
    neutral_bias = tune_bias(dev_logits[in_a], [LABELS[int(dev_labels[i])] for i in in_a])
    bias[NEUTRAL] += neutral_bias
    np.savez(args.out, weights=weights, bias=bias)
    print(
        f"encoding {encoded - started:.0f} s, fitting {time.perf_counter() - encoded:.0f} s; "
        f"neutral bias {neutral_bias:+.1f} (chosen on dev A)"
    )
    report(dev_x @ weights + bias, dev_labels, halves)


if __name__ == "__main__":
    main()
