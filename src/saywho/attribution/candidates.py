"""From candidates to Statements: the assembly every attributor shares.

An attributor finds candidates (a speaker span, a cue, content ranges); this
module resolves the speaker to an entity, reads the kind from the quotation
marks, classifies the act, sets a confidence and numbers the statements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from saywho.attribution.acts import classify_act
from saywho.attribution.speakers import pronoun_mention, resolve_speaker
from saywho.entities.resolve import EntityIndex
from saywho.model import Kind, Speaker, Statement
from saywho.model import Span as TextSpan
from saywho.nlp import text_of

QUOTES_OPEN = "“\"«‘'"
QUOTES_CLOSE = "”\"»’'"


@dataclass
class Candidate:
    speaker: Span | None
    cue: TextSpan | None
    cue_lemma: str | None
    content: list[tuple[int, int]]  # character ranges
    direct: bool = False  # set by finders that know the content is a verbatim quote
    confidence: float | None = None  # a model's own; rules get a heuristic one

    @property
    def extent(self) -> tuple[int, int]:
        return self.content[0][0], self.content[-1][1]


def kind_of(doc: Doc, candidate: Candidate) -> Kind:
    if candidate.direct:
        return "direct"
    start, end = candidate.extent
    text = text_of(doc)
    before = text[:start].rstrip()[-1:]
    after = text[end:].lstrip(",. ")[:1]
    if before and before in QUOTES_OPEN and after and after in QUOTES_CLOSE:
        return "direct"
    inside = text[start:end]
    if inside[:1] in QUOTES_OPEN and inside.rstrip(",. ")[-1:] in QUOTES_CLOSE:
        return "direct"
    if any(q in inside for q in '“”«»"'):
        return "mixed"
    return "indirect"


def to_statement(doc: Doc, entities: EntityIndex, candidate: Candidate) -> Statement:
    speaker = None
    if candidate.speaker is not None:
        entity_name = resolve_speaker(doc, entities, candidate.speaker)
        entity = entities.entities.get(entity_name) if entity_name else None
        mention = pronoun_mention(doc, candidate.speaker, entity) if entity else None
        if mention is not None and entity is not None:
            entities.add(mention, entity)
        speaker = Speaker(
            candidate.speaker.start_char,
            candidate.speaker.end_char,
            candidate.speaker.text,
            entity_name,
        )
    content = [TextSpan(s, e, text_of(doc)[s:e]) for s, e in candidate.content]
    kind = kind_of(doc, candidate)
    confidence = candidate.confidence
    if confidence is None:  # rules: trust a resolved speaker and verbatim quotes more
        confidence = (
            0.5
            + (0.2 if speaker and speaker.entity else 0.0)
            + (0.15 if kind == "direct" else 0.0)
            - (0.2 if speaker is None else 0.0)
        )
    return Statement(
        id="",
        speaker=speaker,
        cue=candidate.cue,
        content=content,
        kind=kind,
        act=classify_act(candidate.cue_lemma, " ".join(p.text for p in content)),
        confidence=round(confidence, 2),
    )


def to_statements(
    doc: Doc, entities: EntityIndex, candidates: Iterable[Candidate]
) -> list[Statement]:
    """Statements in text order, with ids s1, s2, ... unique within the article."""
    statements = [to_statement(doc, entities, candidate) for candidate in candidates]
    statements.sort(key=lambda s: s.content[0].start)
    for number, statement in enumerate(statements, start=1):
        statement.id = f"s{number}"
    return statements
