"""``saywho stance``: polarity toward given target spans, one JSONL line each."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from saywho.batching import batched
from saywho.model import ConfigError
from saywho.nlp import load_spacy
from saywho.stance import StanceQuery, Target, create_stance_model

BATCH = 64


@dataclass(frozen=True)
class _Item:
    id: Any
    text: str
    spans: tuple[tuple[int, int], ...]


def predict_file(source: Path, destination: Path, spacy_model: str, stance_model: str) -> int:
    """Write one output line per valid input line; return how many lines failed."""
    nlp = load_spacy(spacy_model)
    model = create_stance_model(stance_model)
    failed = 0
    try:
        with source.open(encoding="utf-8") as lines, destination.open("w", encoding="utf-8") as out:
            items = _items(lines, str(source))
            for batch in batched(
                tqdm(items, desc="stance", unit="text", file=sys.stderr, disable=None), BATCH
            ):
                valid = [item for item in batch if isinstance(item, _Item)]
                failed += len(batch) - len(valid)
                docs = nlp.pipe(item.text for item in valid)
                queries = [
                    StanceQuery(
                        doc=doc,
                        content=((0, len(item.text)),),
                        targets=tuple(Target(item.text[s:e], s, e) for s, e in item.spans),
                    )
                    for item, doc in zip(valid, docs, strict=True)
                ]
                for item, judgements in zip(valid, model(queries), strict=True):
                    targets = [
                        {"start": s, "end": e, "polarity": j.polarity, "score": j.score}
                        for (s, e), j in zip(item.spans, judgements, strict=True)
                    ]
                    out.write(
                        json.dumps({"id": item.id, "targets": targets}, ensure_ascii=False) + "\n"
                    )
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{source}: {error}") from error
    return failed


def _items(lines: Any, origin: str) -> Iterator[_Item | None]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield _parse(line)
        except ValueError as error:
            print(f"saywho: error: {origin}#{number}: {error}", file=sys.stderr)
            yield None


def _parse(line: str) -> _Item:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON: {error.msg}") from error
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise ValueError("needs an object with a 'text' string")
    text = record["text"]
    spans = []
    for target in record.get("targets") or []:
        start, end = (
            (target.get("start"), target.get("end")) if isinstance(target, dict) else (None, None)
        )
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise ValueError(f"target {target!r} is not a span inside the text")
        spans.append((start, end))
    return _Item(record.get("id"), text, tuple(spans))
