"""Learned attribution: a MiniLM span tagger (trained on PolNeAR) plus linking.

The model tags source, cue and content spans (three B/I/O taggers over one
encoder, so nested attributions can be tagged). Spans become statements by
proximity, which with gold spans links almost perfectly:

* each content piece joins the nearest cue in its paragraph that is not inside
  it; pieces on both sides of one cue ('"...," he said, "..."') join the same
  statement;
* each statement's speaker is the nearest source in its cue's sentence, outside
  its content.

Block quotes that news pages format without any cue word (a colon before a
quoted paragraph, a signature line "– Name, Title") come from the rule finder.
Training, data and scores: docs/models.md.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from spacy.tokens import Doc, Span
from tokenizers import Tokenizer

from saywho.attribution import ATTRIBUTORS
from saywho.attribution.candidates import Candidate, kind_of, to_statements, with_uncovered
from saywho.attribution.cues import (
    cue_head,
    cue_lemma,
    negated_or_hypothetical,
    passive_without_agent,
)
from saywho.attribution.rules import (
    SPECULATIVE_CUES,
    colon_and_signature_quotes,
    deduplicate,
    is_trivial,
    noun_cues,
    subject_span,
)
from saywho.entities.resolve import EntityIndex
from saywho.model import Span as TextSpan
from saywho.model import Statement
from saywho.neural.bio import OUTSIDE, ROLES, best_word_tags, spans_from_tags
from saywho.neural.onnx_model import TOKENIZER, model_path, run, softmax
from saywho.neural.token_windows import (
    TokenizedText,
    load_plain_tokenizer,
    stitch,
    tokenize,
    windows,
)
from saywho.nlp import text_of

MODEL_FILE = "attribution-minilm.onnx"
BATCH = 8
# Mean in-span probability over the rest of a sentence after an interrupting
# aside above which it is kept as content. The case is rare in PolNeAR (dev
# scores move by at most 0.1 for any value from 0.2 to 0.5); the seed has one.
RESUME_SUPPORT = 0.3
_TRAILING_FUNCTION_WORDS = re.compile(
    r"(?:\s+(?:about|of|to|in|on|at|for|with|from|by|and|or|the|a|an|that|as))+\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TaggedSpan:
    start: int
    end: int
    probability: float  # mean probability that its word pieces are in a span of the role


@dataclass(frozen=True)
class Tagging:
    spans: dict[str, list[TaggedSpan]]
    tokens: TokenizedText
    probabilities: np.ndarray  # (word pieces, roles, O/B/I)

    def support(self, role: str, start: int, end: int) -> float:
        """Mean probability that the word pieces in [start, end) are in a span of the role."""
        in_span = 1 - self.probabilities[:, ROLES.index(role), OUTSIDE]
        return _mean_between(in_span, self.tokens.offsets[:, 0], start, end)


@ATTRIBUTORS.register("minilm")
class MiniLMAttributor:
    def __init__(self, model_file: str = MODEL_FILE, tokenizer_file: str = TOKENIZER) -> None:
        self.model_file = model_file
        self.tokenizer_file = tokenizer_file

    @cached_property
    def tokenizer(self) -> Tokenizer:
        return load_plain_tokenizer(str(model_path(self.tokenizer_file)))

    def __call__(self, doc: Doc, entities: EntityIndex) -> list[Statement]:
        tagging = self.tag(text_of(doc))
        spans = tagging.spans
        spans["source"] = _without_trailing_function_words(text_of(doc), spans["source"])
        spans["content"] = _without_edges_of(spans["content"], spans["source"])
        spans["cue"], asides = _split_asides(doc, spans["cue"])
        spans["content"] += _resumed_after(doc, asides, spans["content"], tagging)
        candidates = [
            c
            for c in link(doc, spans)
            # Contents whose cue is the author's speculation go with it; a content
            # with no cue at all is kept only as a verbatim quote.
            if not is_trivial(doc, c.content)
            and (
                (c.cue is not None and _reports_speech(doc, c.cue))
                or (c.cue is None and kind_of(doc, c) == "direct")
            )
        ]
        candidates = deduplicate(candidates)
        candidates = with_uncovered(candidates, [*colon_and_signature_quotes(doc), *noun_cues(doc)])
        return to_statements(doc, entities, candidates)

    def tag(self, text: str) -> Tagging:
        """Source, cue and content spans of a text."""
        tokens = tokenize(self.tokenizer, text)
        if len(tokens.ids) == 0:
            return Tagging({role: [] for role in ROLES}, tokens, np.zeros((0, len(ROLES), 3)))
        probabilities = self.probabilities(tokens)
        return Tagging(decode(text, tokens, probabilities), tokens, probabilities)

    def probabilities(self, tokens: TokenizedText) -> np.ndarray:
        """(word pieces, roles, O/B/I) tag probabilities, windows stitched together."""
        scores = []
        for batch in windows(tokens, BATCH):
            logits = run(
                self.model_file,
                {
                    "input_ids": batch.input_ids,
                    "attention_mask": batch.attention_mask,
                    "token_type_ids": batch.token_type_ids,
                },
            )
            probabilities = softmax(logits)
            for row, start in enumerate(batch.starts):
                count = int(batch.attention_mask[row].sum()) - 2
                scores.append((start, probabilities[row, 1 : count + 1]))
        return stitch(scores, len(tokens.ids))


def decode(
    text: str, tokens: TokenizedText, probabilities: np.ndarray
) -> dict[str, list[TaggedSpan]]:
    found: dict[str, list[TaggedSpan]] = {}
    starts = tokens.offsets[:, 0]
    for index, role in enumerate(ROLES):
        role_probabilities = probabilities[:, index]
        tags = best_word_tags(role_probabilities, tokens.continues_word)
        # Not each piece's likeliest tag: after Viterbi a word can be in a span while
        # leaning to O, and its O probability would then count as confidence.
        in_span = 1 - role_probabilities[:, OUTSIDE]
        found[role] = [
            TaggedSpan(start, end, _mean_between(in_span, starts, start, end))
            for span_start, span_end in spans_from_tags(tags, tokens.offsets)
            for start, end in _lines(text, span_start, span_end)
        ]
    return found


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span cut at line breaks: no source, cue or content runs across paragraphs."""
    pieces = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        piece_start, piece_end = start + line.start(), start + line.end()
        while piece_end > piece_start and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > piece_start:
            pieces.append((piece_start, piece_end))
    return pieces


def _split_asides(doc: Doc, cues: list[TaggedSpan]) -> tuple[list[TaggedSpan], list[TaggedSpan]]:
    """Cues, and the 'according to' asides inside another cue's sentence set apart.

    "X estimated that relations were, according to him, on the brink": the
    aside repeats who speaks; what follows it still belongs to "estimated".
    """

    def sentence(cue: TaggedSpan) -> int:
        return doc.char_span(cue.start, cue.end, alignment_mode="expand").sent.start  # type: ignore[union-attr]

    def is_aside(cue: TaggedSpan) -> bool:
        return text_of(doc)[cue.start : cue.end].lower().startswith("according to")

    reported = {sentence(cue) for cue in cues if not is_aside(cue)}
    asides = [cue for cue in cues if is_aside(cue) and sentence(cue) in reported]
    return [cue for cue in cues if cue not in asides], asides


def _resumed_after(
    doc: Doc, asides: list[TaggedSpan], contents: list[TaggedSpan], tagging: Tagging
) -> list[TaggedSpan]:
    """The rest of a sentence after an aside that interrupts a content, as content.

    The tagger often stops at the aside and is unsure of what follows ("...so
    tense, according to him, on a 'direct military conflict'"); the rest of
    the sentence is the same speaker's content when the tagger half supports it.
    """
    text = text_of(doc)
    resumed = []
    for aside in asides:
        interrupted = any(
            content.end <= aside.start and not text[content.end : aside.start].strip(" ,;–—-")
            for content in contents
        )
        aside_span = doc.char_span(aside.start, aside.end, alignment_mode="expand")
        if not interrupted or aside_span is None:
            continue
        after_pronoun = re.match(r"\s*(?:him|her|them|it|me|us)?[\s,]*", text[aside.end :])
        start = aside.end + (after_pronoun.end() if after_pronoun else 0)
        end = aside_span.sent.end_char
        while end > start and (text[end - 1].isspace() or text[end - 1] in ".;:"):
            end -= 1
        support = tagging.support("content", start, end) if end > start else 0.0
        if support >= RESUME_SUPPORT:
            resumed.append(TaggedSpan(start, end, support))
    return resumed


def _without_trailing_function_words(text: str, sources: list[TaggedSpan]) -> list[TaggedSpan]:
    """Sources cut before a trailing preposition or article: "said Donald Trump about
    Kamala Harris" is Trump speaking; no one who speaks ends in "about" (PolNeAR dev
    source F1 +0.2)."""
    trimmed = []
    for source in sources:
        trailing = _TRAILING_FUNCTION_WORDS.search(text, source.start, source.end)
        end = trailing.start() if trailing else source.end
        if end > source.start:
            trimmed.append(TaggedSpan(source.start, end, source.probability))
    return trimmed


def _without_edges_of(contents: list[TaggedSpan], sources: list[TaggedSpan]) -> list[TaggedSpan]:
    """Contents with a source at their very start or end cut off ("Kremlin" tagged twice)."""
    trimmed = []
    for content in contents:
        start, end = content.start, content.end
        for source in sources:
            if source.start <= start < source.end:
                start = source.end
            if source.start < end <= source.end:
                end = source.start
        if end > start:
            trimmed.append(TaggedSpan(start, end, content.probability))
    return trimmed


def sentences_of(doc: Doc, span: TaggedSpan) -> tuple[int, int]:
    """Where the sentences a span runs across start and end."""
    inside = doc.char_span(span.start, span.end, alignment_mode="expand")
    if inside is None or not len(inside):
        return span.start, span.end
    return doc[inside.start].sent.start_char, doc[inside.end - 1].sent.end_char


def gap_between(first: TaggedSpan, second: TaggedSpan) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, first.start - second.end, second.start - first.end)


def _mean_between(values: np.ndarray, starts: np.ndarray, start: int, end: int) -> float:
    inside = values[(starts >= start) & (starts < end)]
    return float(inside.mean()) if len(inside) else 0.0


def link(doc: Doc, spans: dict[str, list[TaggedSpan]]) -> list[Candidate]:
    text = text_of(doc)
    breaks = [i for i, character in enumerate(text) if character == "\n"]

    def paragraph(offset: int) -> int:
        return bisect.bisect(breaks, offset)

    groups: dict[TaggedSpan | None, list[TaggedSpan]] = {}
    for content in spans["content"]:
        first, last = sentences_of(doc, content)
        cues = [
            cue
            for cue in spans["cue"]
            if paragraph(cue.start) == paragraph(content.start)
            # a cue inside the content is a nested statement's, not this content's
            and not content.start <= cue.start < content.end
        ]
        # The nearest cue in the content's own sentences, else the nearest in its
        # paragraph: in "X said on Monday that A. He added that B." A is X's, though
        # "added" is nearer (PolNeAR dev relation F1 +0.5, speaker +0.7).
        nearest = min(
            cues,
            key=lambda cue: (not first <= cue.start < last, gap_between(cue, content)),
            default=None,
        )
        groups.setdefault(nearest, []).append(content)
    candidates = []
    for cue, pieces in groups.items():
        for group in [pieces] if cue is not None else [[piece] for piece in pieces]:
            anchor = cue or group[0]
            speaker = _speaker(doc, spans["source"], anchor, group)
            # The one who speaks is not what is said: a piece that is the speaker goes.
            kept = [
                (p.start, p.end)
                for p in sorted(group, key=lambda p: p.start)
                if speaker is None
                or not (p.start < speaker.end_char and speaker.start_char < p.end)
            ]
            if not kept:
                continue
            probabilities = [p.probability for p in group] + ([cue.probability] if cue else [])
            candidates.append(
                Candidate(
                    speaker=speaker,
                    cue=TextSpan(cue.start, cue.end, text[cue.start : cue.end]) if cue else None,
                    cue_lemma=cue_lemma(doc, cue.start, cue.end) if cue else None,
                    content=kept,
                    confidence=round(float(np.mean(probabilities)), 2),
                )
            )
    return candidates


def _speaker(
    doc: Doc, sources: list[TaggedSpan], anchor: TaggedSpan, content: list[TaggedSpan]
) -> Span | None:
    """A tagged source, else the cue's grammatical subject from the parse."""
    source = _nearest_source(doc, sources, anchor, content)
    if source is not None:
        return doc.char_span(source.start, source.end, alignment_mode="expand")
    verb = cue_head(doc, anchor.start, anchor.end)
    if verb is None or verb.pos_ != "VERB" or passive_without_agent(verb):
        return None
    return subject_span(verb)


def _reports_speech(doc: Doc, cue: TextSpan) -> bool:
    """Not the author's speculation ("he secretly hopes") nor a denied or hypothetical act."""
    verb = cue_head(doc, cue.start, cue.end)
    if verb is None:
        return True
    return verb.lemma_.lower() not in SPECULATIVE_CUES and not negated_or_hypothetical(verb)


def _nearest_source(
    doc: Doc, sources: list[TaggedSpan], anchor: TaggedSpan, content: list[TaggedSpan]
) -> TaggedSpan | None:
    """The cue's grammatical subject if tagged as a source, else the nearest source."""
    sentence = doc.char_span(anchor.start, anchor.end, alignment_mode="expand")
    if sentence is None or not len(sentence):
        return None
    verb = cue_head(doc, anchor.start, anchor.end)
    if verb is not None and passive_without_agent(verb):
        return None  # "the ties have been described as ambiguous": by nobody named
    subject = subject_span(verb) if verb is not None and verb.pos_ == "VERB" else None
    if subject is not None:
        for source in sources:
            if source.start < subject.end_char and subject.start_char < source.end:
                return source
    bounds = sentence.sent.start_char, sentence.sent.end_char
    best = None
    best_gap = len(text_of(doc)) + 1
    for source in sources:
        if not (bounds[0] <= source.start < bounds[1]):
            continue
        if any(p.start <= source.start < p.end for p in content):
            continue
        gap = anchor.start - source.end if source.end <= anchor.start else source.start - anchor.end
        if abs(gap) < best_gap:
            best, best_gap = source, abs(gap)
    return best
