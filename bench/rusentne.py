"""RuSentNE-2023 stance benchmark: F1_PN and 3-class macro-F1 on our dev halves.

    python bench/rusentne.py --shared ../shared [--models multilingual-e5,multilingual,minilm]

Our dev set is half of the task's labelled validation data; the other half is
held out for acceptance. So dev is split again by sentence (a hash, see
``half_of``): choices are made on half A, half B is reported as the honest
figure, and all of dev beside them. Predictions come from ``saywho stance`` in
a child process pinned to one core (``--spacy-model blank:ru`` by default: a
Russian tokenizer with no English parse, as the pipeline reads Russian), one per
target; speed excludes start-up as in ``bench/newsmtsc.py``. F1_PN is the
task's official score: the mean of the positive and negative classes' F1 over
all targets, so a neutral prediction of a polar target costs recall.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.newsmtsc import LABELS, macro_f1, saywho_predictions
from bench.polnear import core_load, pinned_core

REPO = Path(__file__).resolve().parent.parent
LABEL_OF_VALUE = {"-1": "negative", "0": "neutral", "1": "positive"}
# Neutral biases the training scripts try on dev half A: from strongly favouring
# the polar classes to slightly favouring neutral.
BIAS_GRID = np.round(np.arange(-2.5, 1.01, 0.1), 2)
# Published F1_PN on the task's final test (Golubev et al., Dialogue 2023).
ANCHORS = (("ChatGPT zero-shot (published)", 60.0), ("best team (published)", 66.0))


def half_of(sentence: str) -> str:
    """ "A" or "B", fixed by the sentence's text: both halves keep whole sentences."""
    return "AB"[int(hashlib.md5(sentence.encode("utf-8")).hexdigest()[:8], 16) % 2]


def read_items(path: Path) -> list[dict[str, Any]]:
    """One item per sentence, with each of its targets and gold labels in file order."""
    by_sentence: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows, delimiter="\t"):
            sentence = row["sentence"]
            item = by_sentence.setdefault(
                sentence, {"id": str(len(by_sentence)), "text": sentence, "targets": []}
            )
            item["targets"].append(
                {
                    "start": int(row["entity_pos_start_rel"]),
                    "end": int(row["entity_pos_end_rel"]),
                    "gold": LABEL_OF_VALUE[row["label"]],
                }
            )
    return list(by_sentence.values())


def f1_pn(gold: list[str], predicted: list[str]) -> float:
    """Macro-F1 over positive and negative only (neutral still counts in their recall)."""
    per_class = [_f1(gold, predicted, label) for label in ("negative", "positive")]
    return 100 * sum(per_class) / 2


def _f1(gold: list[str], predicted: list[str], label: str) -> float:
    tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
    wrong = sum((p == label) != (g == label) for g, p in zip(gold, predicted, strict=True))
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def scores(items: list[dict[str, Any]], predicted: list[str]) -> dict[str, tuple[float, float]]:
    """(F1_PN, macro-F1) on half A, half B and all of dev."""
    halves = [half_of(item["text"]) for item in items for _ in item["targets"]]
    gold = [t["gold"] for item in items for t in item["targets"]]
    result = {}
    for name, keep in (("A", {"A"}), ("B", {"B"}), ("all", {"A", "B"})):
        chosen = [i for i, half in enumerate(halves) if half in keep]
        g, p = [gold[i] for i in chosen], [predicted[i] for i in chosen]
        result[name] = (f1_pn(g, p), macro_f1(g, p))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--models", default="multilingual-e5,multilingual,minilm")
    parser.add_argument("--spacy-model", default="blank:ru")
    args = parser.parse_args()
    items = read_items(args.shared / "data" / "rusentne" / "dev.csv")
    core = pinned_core(core_load())
    results: dict[str, Any] = {}
    for model in args.models.split(","):
        scratch = REPO / "bench" / "out" / f"rusentne-{model}"
        predicted, rate, _ = saywho_predictions(items, model, scratch, core, args.spacy_model)
        results[f"saywho {model}"] = {"scores": scores(items, predicted), "targets_per_s": rate}
    print(f"RuSentNE dev, F1_PN / macro-F1 over {', '.join(LABELS)} (pinned core {core})\n")
    print("| system | half A | half B | all dev | targets/s/core |\n|---|---|---|---|---|")
    for name, row in results.items():
        cells = " | ".join(f"{pn:.1f} / {m3:.1f}" for pn, m3 in row["scores"].values())
        rate = row["targets_per_s"]
        print(f"| {name} | {cells} | {'–' if rate is None else f'{rate:.0f}'} |")
    for name, value in ANCHORS:
        print(f"| {name} | – | – | {value:.0f} / – (final test) | – |")
    out = REPO / "bench" / "out" / "rusentne-dev.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
