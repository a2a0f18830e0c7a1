"""German quotation attribution on german-quotes: quote F1 at 0.3 / 0.8 coverage, speaker
and medium accuracy, beside the quotation-mark rule baseline measured in the same run.

    python bench/german_quotes.py --shared ../shared --split dev|test
        [--systems e5-de,quotes] [--cli] [--english-speed N]

The protocol of ``../shared/README.md``: a gold quote (its pieces together) is found
when an unused predicted statement's content covers more than 30 % (and, reported
too, 80 %) of its characters, greedily in file order, one to one; precision counts
all predicted statements. A found quote's speaker is right when the predicted and
gold speaker spans share a character, or both are absent, or the predicted
speaker's name shares a word with the gold speaker text; "speaker (strict)" is the
same test with German function words left out of the gold text's words (under the
protocol, "der Sohn" is right for "der Staatsanwalt"). Medium is right when the
predicted medium is one the gold label allows (SW allows speech and writing);
"always speech" is what a system that cannot tell media apart would score.

By default each system is the registered attributor called in this process on
``load_german()(text)`` with the entities the entity stage finds in it (knowledge
base and German names): the statements ``saywho analyze`` gives once the pipeline
routes German text to it. ``--cli`` instead runs
``saywho analyze --raw --format jsonl --attributor NAME`` on ``<id>.txt`` files.
The data are CC BY-NC-SA 4.0: read from ``../shared``, never copied here.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spacy.lang.de.stop_words import STOP_WORDS as GERMAN_STOP_WORDS

from bench.polnear import (
    DEFAULT_OUT_DIR,
    DEFAULT_SHARED,
    characters_of,
    load_gold_split,
    percent,
    run_system,
    saywho_system,
)
from bench.trust import COVERAGES, Predicted, Score, _name_words, load_predictions
from saywho.attribution import create_attributor
from saywho.config import DEFAULT_CONFIG
from saywho.entities.kb import load_knowledge_base
from saywho.entities.resolve import EntityIndex, EntityResolver
from saywho.model import Statement
from saywho.nlp import load_spacy
from saywho.nlp.german import load_german

DATA = Path("data") / "german-quotes"
# The media each gold label allows ("none": the annotators gave none; not counted).
ALLOWED_MEDIA = {
    "Speech": {"speech"},
    "Writing": {"writing"},
    "Thought": {"thought"},
    "SW": {"speech", "writing"},
    "ST": {"speech", "thought"},
    "TW": {"writing", "thought"},
}
Range = tuple[int, int]


@dataclass(frozen=True)
class GoldQuote:
    content: tuple[Range, ...]
    speaker: tuple[Range, ...]
    speaker_text: str
    medium: str
    type: str


@dataclass(frozen=True)
class GoldArticle:
    id: str
    text: str
    quotes: tuple[GoldQuote, ...]


@dataclass
class GermanScore(Score):
    """Trust's counts, plus medium on found quotes and recall per quotation type."""

    speaker_strictly_right: int = 0  # names compared without German function words
    medium_counted: int = 0
    medium_right: int = 0
    medium_speech_right: int = 0  # what always answering "speech" gets right
    by_type: Counter[str] = field(default_factory=Counter)  # gold, found@0.3 per type

    def add(self, other: Score) -> None:
        super().add(other)
        assert isinstance(other, GermanScore)
        self.speaker_strictly_right += other.speaker_strictly_right
        self.medium_counted += other.medium_counted
        self.medium_right += other.medium_right
        self.medium_speech_right += other.medium_speech_right
        self.by_type.update(other.by_type)


def load_split(shared: Path, split: str) -> list[GoldArticle]:
    articles = []
    path = shared / DATA / f"{split}.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = record["text"]
        quotes = tuple(
            GoldQuote(
                content=tuple((s, e) for s, e in quote["quote"]),
                speaker=tuple((s, e) for s, e in quote["speaker"]),
                speaker_text=" ".join(text[s:e] for s, e in quote["speaker"]),
                medium=quote["medium"],
                type=quote["type"],
            )
            for quote in record["quotes"]
            if quote["quote"]
        )
        articles.append(GoldArticle(record["id"], text, quotes))
    return articles


def speaker_is_right(gold: GoldQuote, predicted: Predicted, strict: bool = False) -> bool:
    """The protocol's test; ``strict`` leaves German function words out of the names
    compared ("der Staatsanwalt" and "der Sohn" share "der", not a speaker)."""
    if not gold.speaker or predicted.speaker is None:
        return not gold.speaker and predicted.speaker is None
    if characters_of(gold.speaker) & characters_of([predicted.speaker]):
        return True
    gold_words = _name_words(gold.speaker_text)
    predicted_words = _name_words(predicted.speaker_name)
    if strict:
        gold_words -= GERMAN_STOP_WORDS
    return bool(gold_words & predicted_words)


def matches(
    golds: Sequence[set[int]], predicted: Sequence[set[int]], coverage: float
) -> dict[int, int]:
    """Gold index -> predicted index: each gold in turn takes the unused prediction that
    covers the largest share of its characters (the first of equals), if above coverage."""
    paired: dict[int, int] = {}
    for index, chars in enumerate(golds):
        covers = [
            (len(chars & characters) / len(chars), -other)
            for other, characters in enumerate(predicted)
            if chars and other not in paired.values()
        ]
        cover, negated = max(covers, default=(0.0, 0))
        if cover > coverage:
            paired[index] = -negated
    return paired


def score_article(article: GoldArticle, predicted: Sequence[Predicted]) -> GermanScore:
    quotes = sorted(article.quotes, key=lambda q: q.content[0])
    score = GermanScore(gold=len(quotes), predicted=len(predicted))
    golds = [characters_of(q.content) for q in quotes]
    predicted_chars = [characters_of(p.content) for p in predicted]
    for coverage in COVERAGES:
        paired = matches(golds, predicted_chars, coverage)
        score.found[coverage] += len(paired)
        if coverage == COVERAGES[0]:
            for index, other in paired.items():
                _judge_found(score, quotes[index], predicted[other])
    score.by_type.update(f"{q.type} gold" for q in quotes)
    return score


def _judge_found(score: GermanScore, quote: GoldQuote, predicted: Predicted) -> None:
    score.speaker_right += speaker_is_right(quote, predicted)
    score.speaker_strictly_right += speaker_is_right(quote, predicted, strict=True)
    score.by_type[f"{quote.type} found"] += 1
    allowed = ALLOWED_MEDIA.get(quote.medium)
    if allowed is not None:
        score.medium_counted += 1
        score.medium_right += predicted.medium in allowed
        score.medium_speech_right += "speech" in allowed


def as_predicted(statement: Statement) -> Predicted:
    speaker = statement.speaker
    return Predicted(
        content=tuple((p.start, p.end) for p in statement.content),
        speaker=(speaker.start, speaker.end) if speaker else None,
        speaker_name=(speaker.entity or speaker.text) if speaker else None,
        medium=statement.medium,
        cue=statement.cue.text if statement.cue else None,
    )


def predict_in_process(name: str, articles: Sequence[GoldArticle]) -> tuple[dict, float]:  # type: ignore[type-arg]
    """Each article's statements from the named attributor, and articles per second."""
    attributor = create_attributor(name)
    nlp = load_german()
    # The entity stage as `saywho analyze` runs it: its names resolve speakers.
    resolve_entities = EntityResolver(nlp, load_knowledge_base(DEFAULT_CONFIG.knowledge_bases))
    attributor(nlp("„Das ist ein Test“, sagte sie."), EntityIndex())  # load the model
    started = time.perf_counter()
    predictions = {}
    for article in articles:
        doc = nlp(article.text)
        statements = attributor(doc, resolve_entities(doc))
        predictions[article.id] = [as_predicted(s) for s in statements]
    return predictions, len(articles) / (time.perf_counter() - started)


def predict_with_cli(name: str, articles: Sequence[GoldArticle], out_dir: Path) -> dict:  # type: ignore[type-arg]
    """Statements from ``saywho analyze --raw --format jsonl`` on ``<id>.txt`` files."""
    with tempfile.TemporaryDirectory() as scratch:
        files = []
        for article in articles:
            path = Path(scratch) / f"{article.id}.txt"
            path.write_text(article.text, encoding="utf-8")
            files.append(path)
        run = run_system(saywho_system(name), files, out_dir, "german-quotes", False)
    if run.predictions_path is None:
        raise SystemExit(f"{name}: {run.skipped}")
    return load_predictions(run.predictions_path)


def english_speed(shared: Path, count: int) -> tuple[float, float]:
    """The English minilm attributor's articles and characters per second on PolNeAR
    test articles (parse included, as German includes its tokenizer)."""
    articles = load_gold_split(shared / "data" / "polnear" / "test", count)
    attributor = create_attributor("minilm")
    nlp = load_spacy()
    attributor(nlp("She said it was a test."), EntityIndex())
    started = time.perf_counter()
    for article in articles:
        attributor(nlp(article.text), EntityIndex())
    seconds = time.perf_counter() - started
    return len(articles) / seconds, sum(len(a.text) for a in articles) / seconds


def table(rows: Sequence[tuple[str, GermanScore, float | None]]) -> str:
    lines = [
        "| system | statements | P@0.3 | R@0.3 | F1@0.3 | P@0.8 | R@0.8 | F1@0.8 | speaker "
        "| speaker (strict) | medium | medium if always speech | art/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, score, speed in rows:
        cells = [name, str(score.predicted)]
        for coverage in COVERAGES:
            cells += [percent(value) for value in score.prf(coverage)]
        counted = score.medium_counted or None
        found = score.found[COVERAGES[0]] or None
        cells += [
            percent(score.speaker_accuracy),
            percent(score.speaker_strictly_right / found if found else None),
            percent(score.medium_right / counted if counted else None),
            percent(score.medium_speech_right / counted if counted else None),
            "–" if speed is None else f"{speed:.2f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def recall_by_type(rows: Sequence[tuple[str, GermanScore, float | None]]) -> str:
    types = sorted({key.rsplit(" ", 1)[0] for _, score, _ in rows for key in score.by_type})
    lines = ["| system | " + " | ".join(types) + " |", "|---" * (len(types) + 1) + "|"]
    for name, score, _ in rows:
        cells = [
            percent(score.by_type[f"{t} found"] / score.by_type[f"{t} gold"])
            if score.by_type[f"{t} gold"]
            else "–"
            for t in types
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--systems", default="e5-de,quotes")
    parser.add_argument("--cli", action="store_true", help="score `saywho analyze` output")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument(
        "--english-speed", type=int, default=0, help="also time English minilm on N articles"
    )
    options = parser.parse_args(argv)
    articles = load_split(options.shared, options.split)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    gold = sum(len(a.quotes) for a in articles)
    print(f"{len(articles)} articles ({options.split}), {gold} gold quotes")
    rows = []
    for name in options.systems.split(","):
        speed: float | None = None
        if options.cli:
            predictions = predict_with_cli(name, articles, options.out_dir)
        else:
            predictions, speed = predict_in_process(name, articles)
        total = GermanScore()
        for article in articles:
            total.add(score_article(article, predictions.get(article.id, [])))
        rows.append((name, total, speed))
    print(table(rows))
    print("\nrecall@0.3 by quotation type\n" + recall_by_type(rows))
    if options.english_speed:
        per_article, per_char = english_speed(options.shared, options.english_speed)
        characters = sum(len(a.text) for a in articles) / len(articles)
        print(f"\nEnglish minilm: {per_article:.2f} art/s, {per_char:.0f} chars/s")
        print(f"German articles here average {characters:.0f} characters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
