"""Statements a reader can trust: saywho's own real-news set (docs/annotation.md).

    python bench/trust.py --shared ../shared [--split test|dev|all]
        [--systems saywho,saywho-rules,textacy] [--speed]

The gold statements (``bench/data/trust.jsonl``) are character offsets into the
``articleBody`` of the article-extraction benchmark pages in ``../shared``; the
project ships the offsets, speaker names and labels, never the text. Each page's
body is written to ``<id>.txt`` and every system reads it with offsets kept
(``saywho analyze --raw``), so offsets index the same characters.

Scoring (docs/annotation.md): a gold statement is found when an unused predicted
statement's content covers more than 30 % (and, reported too, 80 %) of its
characters, greedily in text order, one to one. Statements of medium ``thought``
are left out on both sides (a system that gives no medium has all its statements
counted). A found statement's speaker is right when both are absent, or the
predicted speaker's resolved name (its mention's text where it resolved none)
shares a word with the gold speaker's name: by name rather than by span, since a
gold mention may be a pronoun that a system leaves unresolved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.polnear import (
    DEFAULT_OUT_DIR,
    DEFAULT_SHARED,
    SYSTEMS,
    SystemRun,
    number,
    percent,
    run_system,
)

GOLD = Path(__file__).resolve().parent / "data" / "trust.jsonl"
BENCHMARK = Path("data") / "article-extraction-benchmark" / "ground-truth.json"
COVERAGES = (0.3, 0.8)
COUNTED_MEDIA = frozenset({"speech", "writing"})
# Words too common to show that two names mean the same speaker.
NAME_STOPWORDS = frozenset(
    "the a an of and for in on at to mr mrs ms dr de van von la le al".split()
)

Range = tuple[int, int]


@dataclass(frozen=True)
class GoldStatement:
    content: tuple[Range, ...]
    speaker: Range | None
    speaker_name: str | None
    medium: str
    kind: str


@dataclass(frozen=True)
class GoldPage:
    id: str
    split: str
    text: str
    statements: tuple[GoldStatement, ...]


@dataclass(frozen=True)
class Predicted:
    content: tuple[Range, ...]
    speaker: Range | None
    speaker_name: str | None
    medium: str | None
    cue: str | None


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    found: dict[float, int] = field(default_factory=lambda: dict.fromkeys(COVERAGES, 0))
    speaker_right: int = 0  # on statements found at the lowest coverage

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.speaker_right += other.speaker_right
        for coverage in COVERAGES:
            self.found[coverage] += other.found[coverage]

    def prf(self, coverage: float) -> tuple[float | None, float | None, float | None]:
        found = self.found[coverage]
        precision = found / self.predicted if self.predicted else None
        recall = found / self.gold if self.gold else None
        if not precision or not recall:
            return precision, recall, 0.0 if precision is not None and recall is not None else None
        return precision, recall, 2 * precision * recall / (precision + recall)

    @property
    def speaker_accuracy(self) -> float | None:
        found = self.found[COVERAGES[0]]
        return self.speaker_right / found if found else None


def text_digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_gold(shared: Path, split: str) -> list[GoldPage]:
    """The labelled pages of a split; a page whose text changed is an error, not a guess."""
    bodies = json.loads((shared / BENCHMARK).read_text(encoding="utf-8"))
    pages = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if split != "all" and record["split"] != split:
            continue
        text = bodies[record["id"]]["articleBody"]
        if text_digest(text) != record["text_sha1"]:
            raise SystemExit(f"{record['id']}: the page text differs from the one labelled")
        statements = tuple(
            GoldStatement(
                content=tuple((s, e) for s, e in statement["content"]),
                speaker=tuple(statement["speaker"]) if statement["speaker"] else None,  # type: ignore[arg-type]
                speaker_name=statement["speaker_name"],
                medium=statement["medium"],
                kind=statement["kind"],
            )
            for statement in record["statements"]
        )
        pages.append(GoldPage(record["id"], record["split"], text, statements))
    return pages


def _range(value: Any) -> Range | None:
    if not isinstance(value, dict):
        return None
    return int(value["start"]), int(value["end"])


def load_predictions(path: Path) -> dict[str, list[Predicted]]:
    pages: dict[str, list[Predicted]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        page = Path(str(record.get("source", ""))).stem
        pages[page] = [
            Predicted(
                content=tuple(r for r in map(_range, s.get("content") or []) if r is not None),
                speaker=_range(s.get("speaker")),
                speaker_name=(s.get("speaker") or {}).get("entity")
                or (s.get("speaker") or {}).get("text"),
                medium=s.get("medium"),
                cue=(s.get("cue") or {}).get("text"),
            )
            for s in record.get("statements") or []
        ]
    return pages


def _characters(ranges: Iterable[Range]) -> set[int]:
    return {i for start, end in ranges for i in range(start, end)}


def _name_words(name: str | None) -> set[str]:
    words = re.findall(r"\w+", (name or "").lower())
    return {w for w in words if w not in NAME_STOPWORDS and len(w) > 1}


def speaker_is_right(gold: GoldStatement, predicted: Predicted) -> bool:
    """By name, not by span: a gold speaker mention may be a pronoun ("he"), and a
    system that leaves it unresolved has not said who spoke."""
    if gold.speaker is None or predicted.speaker is None:
        return gold.speaker is None and predicted.speaker is None
    return bool(_name_words(gold.speaker_name) & _name_words(predicted.speaker_name))


def score_page(page: GoldPage, predictions: Sequence[Predicted]) -> tuple[Score, list[str]]:
    """Counts for one page, and one line per miss and false statement (for dev reading)."""
    gold = sorted(
        (s for s in page.statements if s.medium in COUNTED_MEDIA), key=lambda s: s.content[0]
    )
    predicted = [p for p in predictions if p.medium is None or p.medium in COUNTED_MEDIA]
    score = Score(gold=len(gold), predicted=len(predicted))
    notes: list[str] = []
    predicted_chars = [_characters(p.content) for p in predicted]
    for coverage in COVERAGES:
        used: set[int] = set()
        for statement in gold:
            chars = _characters(statement.content)
            best, best_cover = None, coverage
            for index, characters in enumerate(predicted_chars):
                cover = len(chars & characters) / len(chars) if chars else 0.0
                if index not in used and cover > best_cover:
                    best, best_cover = index, cover
            if best is None:
                if coverage == COVERAGES[0]:
                    notes.append(f"MISS {page.id[:8]} {_show(page.text, statement.content)}")
                continue
            used.add(best)
            score.found[coverage] += 1
            if coverage == COVERAGES[0]:
                if speaker_is_right(statement, predicted[best]):
                    score.speaker_right += 1
                else:
                    notes.append(
                        f"SPEAKER {page.id[:8]} gold {statement.speaker_name!r} "
                        f"got {predicted[best].speaker_name!r}: "
                        f"{_show(page.text, statement.content)}"
                    )
        if coverage == COVERAGES[0]:
            notes += [
                f"FALSE {page.id[:8]} [{p.medium}] {p.speaker_name!r} ({p.cue}): "
                f"{_show(page.text, p.content)}"
                for index, p in enumerate(predicted)
                if index not in used
            ]
    return score, notes


def _show(text: str, ranges: Sequence[Range]) -> str:
    shown = " | ".join(text[s:e] for s, e in ranges)
    return shown if len(shown) < 140 else shown[:137] + "..."


def table(rows: Sequence[tuple[str, Score, SystemRun]]) -> str:
    lines = [
        "| system | statements | P@0.3 | R@0.3 | F1@0.3 | P@0.8 | R@0.8 | F1@0.8 | speaker "
        "| art/s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, score, run in rows:
        cells = [name, str(score.predicted)]
        for coverage in COVERAGES:
            cells += [percent(value) for value in score.prf(coverage)]
        cells += [percent(score.speaker_accuracy), number(run.articles_per_second, 1)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--split", default="test", choices=("dev", "test", "all"))
    parser.add_argument("--systems", default="saywho,saywho-rules,textacy")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--speed", action="store_true", help="also time each system")
    options = parser.parse_args(argv)
    pages = load_gold(options.shared, options.split)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    gold_count = sum(1 for p in pages for s in p.statements if s.medium in COUNTED_MEDIA)
    print(f"{len(pages)} pages ({options.split}), {gold_count} gold statements (speech, writing)")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        files = []
        for page in pages:
            path = Path(scratch) / f"{page.id}.txt"
            path.write_text(page.text, encoding="utf-8")
            files.append(path)
        for name in options.systems.split(","):
            run = run_system(SYSTEMS[name](), files, options.out_dir, "trust", options.speed)
            if run.predictions_path is None:
                print(f"{name}: skipped: {run.skipped}")
                continue
            predictions = load_predictions(run.predictions_path)
            total, notes = Score(), []
            for page in pages:
                score, page_notes = score_page(page, predictions.get(page.id, []))
                total.add(score)
                notes += page_notes
            notes_path = options.out_dir / f"trust-{options.split}-{name}.notes.txt"
            notes_path.write_text("\n".join(notes) + "\n", encoding="utf-8")
            rows.append((name, total, run))
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
