"""Learned German attribution: the MiniLM span tagger fine-tuned on German news.

The same architecture and base encoder as the English model (saywho.attribution.
minilm), trained on the german-quotes set (speaker, cue and quote spans as source,
cue and content; docs/models.md). Tagging and decoding are the English runtime's; linking is
the English rule without the parse: each content piece joins the nearest cue in its
paragraph, each statement's speaker is the nearest source in its cue's sentence.
That needs only sentences and paragraphs, which the blank German pipeline
(saywho.nlp.german) gives; the English linking reads subjects and passives from
the parse (and on a parse-less Doc spaCy's token.children crashes). A content
with no cue is kept only as a quotation in quotation marks.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from spacy.tokens import Doc, Span

from saywho.attribution import ATTRIBUTORS
from saywho.attribution.candidates import Candidate, with_uncovered
from saywho.attribution.minilm import MiniLMAttributor, TaggedSpan
from saywho.attribution.quotes import GERMAN, assemble, kind_in, quotations
from saywho.attribution.rules import is_trivial
from saywho.entities.resolve import EntityIndex
from saywho.model import Span as TextSpan
from saywho.model import Statement
from saywho.nlp import text_of

MODEL_FILE = "attribution-minilm-de.onnx"


@ATTRIBUTORS.register("minilm-de")
class GermanAttributor:
    def __init__(self, model_file: str = MODEL_FILE) -> None:
        self.model_file = model_file

    @cached_property
    def tagger(self) -> MiniLMAttributor:
        """The English runtime's tagging (tokenizer, windows, ONNX) on the German weights."""
        return MiniLMAttributor(self.model_file)

    def __call__(self, doc: Doc, entities: EntityIndex) -> list[Statement]:
        text = text_of(doc)
        candidates = [
            _with_cue_word(text, candidate)
            for candidate in link(doc, self.tagger.tag(text).spans)
            if not is_trivial(doc, candidate.content)
            and (candidate.cue is not None or kind_in(text, *candidate.extent) == "direct")
        ]
        # Quotations with a speech verb beside them that the tagger left out, as the
        # English attributor adds colon and signature quotes (dev F1@0.3 +0.4).
        # Quotations with a speech verb beside them that the tagger left out, as the
        # English attributor adds colon and signature quotes (dev F1@0.3 +0.4).
        candidates = with_uncovered(candidates, quotations(doc, GERMAN))
        return assemble(doc, entities, candidates, GERMAN)


def _with_cue_word(text: str, candidate: Candidate) -> Candidate:
    """The cue's lemma as the German runtime can know it: its known speech-verb word,
    else its first word, in lower case (there is no German lemmatiser to ship)."""
    if candidate.cue is None:
        return candidate
    words = text[candidate.cue.start : candidate.cue.end].lower().split()
    known = [w for w in words if w in GERMAN.cues or w in GERMAN.according]
    candidate.cue_lemma = (known or words or [""])[0]
    return candidate


def link(doc: Doc, spans: dict[str, list[TaggedSpan]]) -> list[Candidate]:
    """Each content with the nearest cue in its sentences (pieces on both sides of one
    cue are one statement) and the source nearest that cue."""
    groups: dict[TaggedSpan | None, list[TaggedSpan]] = {}
    for content in sorted(spans["content"], key=lambda span: span.start):
        first, last = _sentences(doc, content)
        cues = [
            cue
            for cue in spans["cue"]
            if first <= cue.start < last and not content.start <= cue.start < content.end
        ]
        nearest = min(cues, key=lambda cue: _gap(cue, content), default=None)
        groups.setdefault(nearest, []).append(content)
    candidates = []
    for cue, pieces in groups.items():
        for group in _statements_of(cue, pieces):
            candidate = _candidate(doc, spans["source"], cue, group)
            if candidate is not None:
                candidates.append(candidate)
    return candidates


def _statements_of(cue: TaggedSpan | None, pieces: list[TaggedSpan]) -> list[list[TaggedSpan]]:
    """A cue's contents as statements: a piece before the cue and the next one after it
    are one ("„…“, sagte er, „…“"); others (a nested quotation, a second report with
    the same cue) are statements of their own."""
    statements: list[list[TaggedSpan]] = []
    for piece in pieces:
        previous = statements[-1][-1] if statements else None
        if (
            cue is not None
            and previous is not None
            and len(statements[-1]) == 1
            and previous.end <= cue.start
            and cue.end <= piece.start
        ):
            statements[-1].append(piece)
        else:
            statements.append([piece])
    return statements


def _candidate(
    doc: Doc, sources: list[TaggedSpan], cue: TaggedSpan | None, group: list[TaggedSpan]
) -> Candidate | None:
    """The candidate of one statement, without the pieces that are its speaker."""
    text = text_of(doc)
    speaker = _speaker(doc, sources, cue, group)
    kept = [  # the one who speaks is not what is said: a piece that is the speaker goes
        (p.start, p.end)
        for p in group
        if speaker is None or not (speaker.start_char <= p.start and p.end <= speaker.end_char)
    ]
    if not kept:
        return None
    confidence = np.mean([p.probability for p in group] + ([cue.probability] if cue else []))
    return Candidate(
        speaker=speaker,
        cue=TextSpan(cue.start, cue.end, text[cue.start : cue.end]) if cue else None,
        cue_lemma=None,
        content=kept,
        confidence=round(float(confidence), 2),
    )


def _sentences(doc: Doc, span: TaggedSpan) -> tuple[int, int]:
    """Where the sentences a span runs across start and end."""
    inside = doc.char_span(span.start, span.end, alignment_mode="expand")
    if inside is None or not len(inside):
        return span.start, span.end
    return doc[inside.start].sent.start_char, doc[inside.end - 1].sent.end_char


def _gap(first: TaggedSpan, second: TaggedSpan) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, first.start - second.end, second.start - first.end)


def _speaker(
    doc: Doc, sources: list[TaggedSpan], cue: TaggedSpan | None, content: list[TaggedSpan]
) -> Span | None:
    """The source nearest the cue in its sentence, outside the content. A content with
    no cue is often reported speech that names its speaker inside ("Die Regierung sieht
    die Entscheidung als …"): the first source within it, else the nearest in its sentence."""
    anchor = cue or content[0]
    around = doc.char_span(anchor.start, anchor.end, alignment_mode="expand")
    if around is None or not len(around):
        return None
    inside = [s for s in sources if any(p.start <= s.start < p.end for p in content)]
    if cue is None and inside:
        nearest: TaggedSpan | None = inside[0]
    else:
        sentence = around.sent
        nearby = [
            source
            for source in sources
            if sentence.start_char <= source.start < sentence.end_char and source not in inside
        ]
        nearest = min(nearby, key=lambda source: _gap(source, anchor), default=None)
    if nearest is None:
        return None
    return doc.char_span(nearest.start, nearest.end, alignment_mode="expand")
