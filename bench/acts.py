"""Speech-act accuracy on the project's own labelled sentences (bench/data/acts.jsonl).

    python bench/acts.py [--attributor NAME]

The sentences were written for saywho (no third-party text): six per act
(denial, accusation, praise, criticism, prediction, claim). Each is analyzed by
the full pipeline; a sentence with no statement counts as wrong.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from saywho.config import PipelineConfig
from saywho.model import Article
from saywho.pipeline import Pipeline

DATA = Path(__file__).resolve().parent / "data" / "acts.jsonl"


def predicted_acts(pipeline: Pipeline, texts: list[str]) -> list[str]:
    acts = []
    for text in texts:
        article = pipeline.analyze_text(text)
        statements = article.statements if isinstance(article, Article) else []
        acts.append(statements[0].act if statements else "(none)")
    return acts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attributor", default=PipelineConfig().attributor)
    args = parser.parse_args()
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    pipeline = Pipeline(PipelineConfig(attributor=args.attributor))
    predicted = predicted_acts(pipeline, [r["text"] for r in records])
    gold = [r["act"] for r in records]
    right = sum(g == p for g, p in zip(gold, predicted, strict=True))
    print(f"act accuracy ({args.attributor}): {right}/{len(gold)} = {100 * right / len(gold):.1f}%")
    confusion = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    for (g, p), count in confusion.most_common():
        print(f"  gold {g:<11} predicted {p:<11} x{count}")


if __name__ == "__main__":
    main()
