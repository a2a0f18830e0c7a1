"""NewsMTSC stance benchmark: macro-F1 on test-rw / test-mt and targets per second per core.

    python bench/newsmtsc.py --shared ../shared [--splits rw,mt] [--models minilm,lexicon]

saywho runs as ``saywho stance IN OUT`` in a child process pinned to one core
with one thread per library; speed excludes start-up as (time for all targets
- time for one) / (N - 1). The VADER baseline (compound of the whole sentence,
±0.05) is computed in the same run. One prediction per target; macro-F1 over
negative, neutral, positive (the paper's F1m).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.polnear import core_load, pinned_core, run_measured

REPO = Path(__file__).resolve().parent.parent
LABEL_OF_SCORE = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
LABELS = ("negative", "neutral", "positive")
# Published macro-F1 on test-rw / test-mt (Hamborg & Donnay, EACL 2021).
ANCHORS = (
    ("BERT SPC (paper)", 80.1, 73.7),
    ("RoBERTa GRU-TSC (best published)", 83.1, 82.5),
    ("human agreement", 86.4, None),
)


def read_targets(path: Path) -> list[dict[str, Any]]:
    """One item per sentence, with every target and its gold label."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        record = json.loads(line)
        targets = [
            {
                "start": int(t["from"]),
                "end": int(t["to"]),
                "gold": LABEL_OF_SCORE[float(t["polarity"])],
            }
            for t in record["targets"]
        ]
        items.append({"id": str(number), "text": record["sentence_normalized"], "targets": targets})
    return items


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    scores = []
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return 100 * sum(scores) / len(scores)


def vader_predictions(items: list[dict[str, Any]]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    predicted = []
    for item in items:
        score = analyzer.polarity_scores(item["text"])["compound"]
        label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
        predicted.extend(label for _ in item["targets"])
    return predicted


def saywho_predictions(
    items: list[dict[str, Any]],
    model: str,
    scratch: Path,
    core: int | None,
    spacy_model: str | None = None,
) -> tuple[list[str], float | None, float]:
    """Each target's polarity from ``saywho stance`` (``spacy_model``: its --spacy-model),
    targets per second per core, and the peak memory in MB."""
    scratch.mkdir(parents=True, exist_ok=True)
    source, one, out = scratch / "in.jsonl", scratch / "one.jsonl", scratch / "out.jsonl"
    lines = [
        json.dumps(
            {
                "id": i["id"],
                "text": i["text"],
                "targets": [{"start": t["start"], "end": t["end"]} for t in i["targets"]],
            }
        )
        for i in items
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = json.loads(lines[0])
    first["targets"] = first["targets"][:1]
    one.write_text(json.dumps(first) + "\n", encoding="utf-8")
    command = [str(REPO / ".venv" / "bin" / "saywho"), "stance", "--stance-model", model]
    command += ["--spacy-model", spacy_model] if spacy_model else []
    run_measured([*command, str(one), str(scratch / "warm.jsonl")], core, scratch)
    everything = run_measured([*command, str(source), str(out)], core, scratch)
    if everything.exit_code != 0:
        raise SystemExit(f"saywho stance failed: {everything.stderr_tail}")
    single = run_measured([*command, str(one), str(scratch / "one-out.jsonl")], core, scratch)
    by_id = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    predicted = [t["polarity"] for item in items for t in by_id[item["id"]]["targets"]]
    n = len(predicted)
    per_target = (everything.seconds - single.seconds) / (n - 1) if n > 1 else None
    rate = 1 / per_target if per_target and per_target > 0 else None
    return predicted, rate, everything.peak_rss_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--splits", default="rw,mt")
    parser.add_argument("--models", default="minilm")
    parser.add_argument("--dev", action="store_true", help="score the dev sets instead of test")
    args = parser.parse_args()
    part = "dev" if args.dev else "test"
    core = pinned_core(core_load())
    results: dict[str, dict[str, Any]] = {}
    for split in args.splits.split(","):
        items = read_targets(args.shared / "data" / "newsmtsc" / split / f"{part}.jsonl")
        gold = [t["gold"] for item in items for t in item["targets"]]
        results.setdefault("VADER compound ±0.05 (baseline)", {})[split] = macro_f1(
            gold, vader_predictions(items)
        )
        for model in args.models.split(","):
            predicted, rate, peak = saywho_predictions(
                items, model, REPO / "bench" / "out" / f"newsmtsc-{model}-{split}", core
            )
            row = results.setdefault(f"saywho {model}", {})
            row[split] = macro_f1(gold, predicted)
            row.setdefault("rates", []).append(rate)
            row["peak_mb"] = max(row.get("peak_mb", 0.0), peak)
    splits = args.splits.split(",")
    print(f"NewsMTSC {part}, macro-F1 (pinned core {core})\n")
    print("| system | " + " | ".join(splits) + " | targets/s/core | peak MB |")
    print("|---|" + "---|" * (len(splits) + 2))
    for name, row in results.items():
        rates = [r for r in row.get("rates", []) if r]
        speed = f"{sum(rates) / len(rates):.0f}" if rates else "–"
        peak = f"{row['peak_mb']:.0f}" if "peak_mb" in row else "–"
        print(
            f"| {name} | " + " | ".join(f"{row[s]:.1f}" for s in splits) + f" | {speed} | {peak} |"
        )
    if not args.dev:
        for name, rw, mt in ANCHORS:
            values = {"rw": rw, "mt": mt}
            print(
                f"| {name} | "
                + " | ".join("–" if values.get(s) is None else f"{values[s]:.1f}" for s in splits)
                + " | – | – |"
            )
    out = REPO / "bench" / "out" / f"newsmtsc-{part}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
