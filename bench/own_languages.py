"""Attribution in languages no gold data covers, on the project's own labelled
paragraphs, and speed.

    python bench/own_languages.py [--languages ru,fr]

Each language runs the attributor ``saywho.languages`` gives it (Russian
``rules-ru``, French ``quotes``). bench/data/russian_dev.jsonl (24 paragraphs,
the Russian rules were developed on them), russian_test.jsonl (10, written
afterwards), french_dev.jsonl (10, the French rules of 0.9.0 were developed on
them) and french_test.jsonl (12, written after the French cue words and used only
to score) hold short news-style paragraphs written for saywho
(no third-party text), each with its statements: speaker, cue and content as
they appear in the text (content in pieces where a line is interrupted by its
cue), kind and act; a paragraph with no statement tests that actions are not
reported. A gold statement is found when a predicted statement's
content covers more than half of its characters (greedy, one to one). Also
printed: token-level F1 for source, cue and content over all paragraphs (the
measure of the held-out Russian set), and the time per 1000 characters of a
language's article beside an English one of the same length, both parsed, resolved
and attributed (no stance), then the same texts through the whole analysis with
each language's stance model, on this machine.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from saywho.attribution import create_attributor
from saywho.config import PipelineConfig
from saywho.entities.kb import load_knowledge_base
from saywho.entities.resolve import EntityResolver
from saywho.languages import setup_for
from saywho.model import Statement
from saywho.nlp import load_spacy
from saywho.pipeline import Pipeline

DATA = Path(__file__).resolve().parent / "data"
ENGLISH = DATA / "acts.jsonl"
# Per language, its sets: the one its rules were written on, then the honest one
# (written after the rules, and not used to change them).
SETS = {
    "ru": (
        ("dev (the rules were written on it)", "russian_dev.jsonl"),
        ("test", "russian_test.jsonl"),
    ),
    "fr": (
        ("dev (the rules were written on it)", "french_dev.jsonl"),
        ("test", "french_test.jsonl"),
    ),
    "cs": (("dev (the rules were written on it)", "czech_dev.jsonl"), ("test", "czech_test.jsonl")),
}
FOUND = 0.5
ROLES = ("speaker", "cue", "content")
_WORD = re.compile(r"\w+")

Chars = set[int]


def _where(text: str, pieces: Iterable[str | None], near: int = 0) -> Chars:
    """The characters of each piece, as a whole word group, at its occurrence nearest
    to ``near`` (a speaker or cue written twice in a paragraph is the one by its content)."""
    chars: Chars = set()
    for piece in pieces:
        if piece:
            found = re.finditer(rf"(?<!\w){re.escape(piece)}(?!\w)", text)
            start = min((m.start() for m in found), key=lambda at: abs(at - near))
            chars |= set(range(start, start + len(piece)))
    return chars


def _gold_roles(text: str, statement: dict[str, Any]) -> dict[str, Chars]:
    content = _where(text, statement["content"])
    near = min(content)
    return {
        "speaker": _where(text, [statement["speaker"]], near),
        "cue": _where(text, [statement["cue"]], near),
        "content": content,
    }


def _words(text: str, chars: Chars) -> set[int]:
    """The words (by start offset) a set of characters touches."""
    return {m.start() for m in _WORD.finditer(text) if chars & set(range(m.start(), m.end()))}


def _predicted_roles(statement: Statement) -> dict[str, Chars]:
    speaker = statement.speaker
    return {
        "speaker": set(range(speaker.start, speaker.end)) if speaker else set(),
        "cue": set(range(statement.cue.start, statement.cue.end)) if statement.cue else set(),
        "content": {i for piece in statement.content for i in range(piece.start, piece.end)},
    }


def _match(
    gold: list[dict[str, Chars]], predicted: list[dict[str, Chars]]
) -> list[tuple[int, int]]:
    pairs, used = [], set()
    for g, roles in enumerate(gold):
        for p, other in enumerate(predicted):
            if p not in used and len(roles["content"] & other["content"]) > FOUND * len(
                roles["content"]
            ):
                pairs.append((g, p))
                used.add(p)
                break
    return pairs


def evaluate(analyze: Callable[[str], list[Statement]], path: Path) -> dict[str, Any]:
    counts = {"gold": 0, "predicted": 0, "found": 0, "speaker": 0, "kind": 0, "act": 0}
    tokens = {role: [0, 0, 0] for role in ROLES}  # overlap, gold, predicted
    for line in _lines(path):
        record = json.loads(line)
        text = record["text"]
        statements = analyze(text)
        gold = [_gold_roles(text, s) for s in record["statements"]]
        predicted = [_predicted_roles(s) for s in statements]
        pairs = _match(gold, predicted)
        counts["gold"] += len(gold)
        counts["predicted"] += len(predicted)
        counts["found"] += len(pairs)
        for g, p in pairs:
            counts["speaker"] += _words(text, gold[g]["speaker"]) == _words(
                text, predicted[p]["speaker"]
            )
            counts["kind"] += record["statements"][g]["kind"] == statements[p].kind
            counts["act"] += record["statements"][g]["act"] == statements[p].act
        for role in ROLES:
            gold_words = _words(text, set().union(*(g[role] for g in gold)))
            predicted_words = _words(text, set().union(*(p[role] for p in predicted)))
            tokens[role][0] += len(gold_words & predicted_words)
            tokens[role][1] += len(gold_words)
            tokens[role][2] += len(predicted_words)
    return {"counts": counts, "tokens": tokens}


def _f1(overlap: int, gold: int, predicted: int) -> float:
    return 200 * overlap / (gold + predicted) if gold + predicted else 0.0


def ms_per_1000_chars(analyze: Callable[[str], object], text: str, rounds: int = 5) -> float:
    analyze(text)  # warm caches
    start = time.perf_counter()
    for _ in range(rounds):
        analyze(text)
    return 1000 * (time.perf_counter() - start) / rounds / len(text) * 1000


def analyzer(nlp: Any, attributor: str) -> Callable[[str], list[Statement]]:
    resolve = EntityResolver(nlp, load_knowledge_base())
    attribute = create_attributor(attributor)

    def analyze(text: str) -> list[Statement]:
        doc = nlp(text)
        return attribute(doc, resolve(doc))

    return analyze


def _print_quality(result: dict[str, Any]) -> None:
    c = result["counts"]
    print(f"  statements: gold {c['gold']}, predicted {c['predicted']}, found {c['found']}")
    print(
        f"  precision {100 * c['found'] / max(c['predicted'], 1):.1f}  "
        f"recall {100 * c['found'] / max(c['gold'], 1):.1f}  "
        f"F1 {_f1(c['found'], c['gold'], c['predicted']):.1f}"
    )
    for key in ("speaker", "kind", "act"):
        print(f"  {key} right on found: {c[key]}/{c['found']}")
    print("  token-level F1: " + ", ".join(f"{r} {_f1(*result['tokens'][r]):.1f}" for r in ROLES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--languages", default=",".join(SETS), help="of: " + ", ".join(SETS))
    languages = parser.parse_args().languages.split(",")
    timings = {}
    for language in languages:
        setup = setup_for(language)
        analyze = analyzer(load_spacy(setup.spacy_model), setup.attributor)
        for name, file in SETS[language]:
            print(f"{language}, {name}, {file}:")
            _print_quality(evaluate(analyze, DATA / file))
        timings[f"{language}, {setup.attributor}"] = analyze
    _print_speed(timings, languages)


def _print_speed(
    analyzers: dict[str, Callable[[str], list[Statement]]], languages: list[str]
) -> None:
    """Each language beside English on texts of one length cut from the project's own
    sentences: attribution alone, then the whole analysis with stance."""
    english_text = " ".join(json.loads(line)["text"] for line in _lines(ENGLISH))
    texts = {
        language: "\n".join(
            json.loads(line)["text"] for line in _lines(DATA / SETS[language][0][1]) * 10
        )
        for language in languages
    }
    length = min(len(english_text), *(len(text) for text in texts.values()))
    timings = {
        name: ms_per_1000_chars(analyze, texts[language][:length])
        for (name, analyze), language in zip(analyzers.items(), languages, strict=True)
    }
    english = {"English, rules": "rules", "English, minilm (default)": "minilm"}
    for name, attributor in english.items():
        timings[name] = ms_per_1000_chars(analyzer(load_spacy(), attributor), english_text[:length])
    print(f"speed on {length} characters (parse, entities, attribution; no stance):")
    for name, ms in timings.items():
        print(f"  {name}: {ms:.1f} ms / 1000 characters")
    print("the whole analysis, stance included (Pipeline.analyze_text, as saywho analyze):")
    for language, text in {**texts, "en": english_text}.items():
        config = replace(PipelineConfig(), languages=tuple(dict.fromkeys(("en", language))))
        ms = ms_per_1000_chars(Pipeline(config).analyze_text, text[:length])
        stance = setup_for(language).stance_model if language != "en" else config.stance_model
        print(f"  {language} (stance {stance}): {ms:.1f} ms / 1000 characters")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


if __name__ == "__main__":
    main()
