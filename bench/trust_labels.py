"""Turn annotators' labels (quoted strings) into the offsets-only gold of bench/trust.py.

    python bench/trust_labels.py LABELS.json... --shared ../shared [--out bench/data/trust.jsonl]

Annotators copy each content piece and speaker mention exactly from the page
(docs/annotation.md); this finds their character offsets in the page's
``articleBody`` so the project ships offsets, names and labels but no article text.
A piece that occurs several times is placed at its first occurrence after the
statement's previous piece (or, for a first piece, the first one no earlier
statement took); a speaker at the occurrence nearest the content. Pages are split
into dev and test halves by a hash of their id, so the split never depends on
what was labelled first.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.trust import BENCHMARK, GOLD, text_digest


def occurrences(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start >= 0:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def place_statement(text: str, labels: dict[str, Any], taken: set[int]) -> dict[str, Any]:
    pieces: list[list[int]] = []
    for piece in labels["content"]:
        starts = occurrences(text, piece)
        if not starts:
            raise ValueError(f"content piece not in the text: {piece[:60]!r}")
        after = pieces[-1][1] if pieces else -1
        later = [s for s in starts if s >= after and (pieces or s not in taken)]
        start = (later or starts)[0]
        pieces.append([start, start + len(piece)])
    taken.add(pieces[0][0])
    speaker = None
    if labels.get("speaker"):
        starts = occurrences(text, labels["speaker"])
        if not starts:
            raise ValueError(f"speaker not in the text: {labels['speaker']!r}")

        def distance(start: int) -> int:
            end = start + len(labels["speaker"])
            return min(abs(start - pieces[-1][1]), abs(end - pieces[0][0]))

        start = min(starts, key=distance)
        speaker = [start, start + len(labels["speaker"])]
    return {
        "content": pieces,
        "speaker": speaker,
        "speaker_name": labels.get("speaker_name") if speaker else None,
        "medium": labels["medium"],
        "kind": labels["kind"],
    }


def split_of(page_id: str) -> str:
    return "dev" if int(hashlib.sha1(page_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="+", type=Path)
    parser.add_argument("--shared", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=GOLD)
    options = parser.parse_args()
    bodies = json.loads((options.shared / BENCHMARK).read_text(encoding="utf-8"))
    records = []
    for path in sorted(options.labels):
        labels = json.loads(path.read_text(encoding="utf-8"))
        text = bodies[labels["id"]]["articleBody"]
        taken: set[int] = set()
        statements = [place_statement(text, s, taken) for s in labels["statements"]]
        statements.sort(key=lambda s: s["content"][0][0])
        records.append(
            {
                "id": labels["id"],
                "split": split_of(labels["id"]),
                "text_sha1": text_digest(text),
                "statements": statements,
            }
        )
    options.out.parent.mkdir(parents=True, exist_ok=True)
    with options.out.open("w", encoding="utf-8") as handle:
        for record in sorted(records, key=lambda r: r["id"]):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    count = sum(len(r["statements"]) for r in records)
    print(f"{len(records)} pages, {count} statements -> {options.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
