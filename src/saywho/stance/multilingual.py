"""Target-dependent stance in any language of the multilingual Universal Sentence Encoder.

The encoder that ``saywho.spread`` uses to match stories across languages (16
languages, among them Russian, German, French and English) also embeds each
target's surroundings here: the sentence, word windows of three sizes around the
target, and the target's own words. A sentence vector alone cannot tell two
targets of one sentence apart (in RuSentNE two targets of one sentence differ
in polarity in 4 of 10 such sentences); the windows carry where the target
stands. A logistic regression over the concatenated vectors, trained on
RuSentNE (Russian news) and, at a lower weight, NewsMTSC (English news), gives
negative / neutral / positive; its neutral bias was tuned for RuSentNE's score
(F1 of positive and negative). English text keeps ``minilm``, which is far
better there.

No text is translated and nothing is downloaded; the vectors come from the
shared encoder, the classifier from ``data/models/stance-multilingual.npz``.
Training and scores: docs/models.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from typing import get_args

import numpy as np

from saywho.config import DEFAULT_ENCODER
from saywho.model import Polarity
from saywho.neural.onnx_model import model_path, softmax
from saywho.neural.pair_encoding import TargetInText
from saywho.nlp import text_of
from saywho.spread.encoders import TextEncoder, create_encoder
from saywho.stance import STANCE_MODELS, Judgement, StanceQuery, Target

MODEL_FILE = "stance-multilingual.npz"
LABELS: tuple[Polarity, ...] = get_args(Polarity)
# Words kept on each side of the target: the clause that speaks about it, its
# phrase, and a wider reach for a verdict stated after a long subject.
WINDOWS = (3, 6, 12)
_WORD = re.compile(r"\S+")


@STANCE_MODELS.register("multilingual")
class MultilingualStance:
    def __init__(self, model_file: str = MODEL_FILE, encoder: TextEncoder | None = None) -> None:
        self.model_file = model_file
        self._encoder = encoder

    @cached_property
    def encoder(self) -> TextEncoder:
        return self._encoder or create_encoder(DEFAULT_ENCODER)

    @cached_property
    def classifier(self) -> tuple[np.ndarray, np.ndarray]:
        with np.load(model_path(self.model_file)) as saved:
            return saved["weights"].astype(np.float32), saved["bias"].astype(np.float32)

    def __call__(self, queries: Sequence[StanceQuery]) -> list[list[Judgement]]:
        items = [context_of(q, t) for q in queries for t in q.targets]
        judgements = iter(self.judge(items))
        return [[next(judgements) for _ in q.targets] for q in queries]

    def judge(self, items: Sequence[TargetInText]) -> list[Judgement]:
        if not items:
            return []
        weights, bias = self.classifier
        probabilities = softmax(features(self.encoder, items) @ weights + bias)
        best = probabilities.argmax(axis=1)
        return [
            Judgement(LABELS[int(label)], round(float(row[label]), 3))
            for label, row in zip(best, probabilities, strict=True)
        ]


def views(item: TargetInText) -> tuple[str, ...]:
    """The texts embedded for one target: its sentence, its word windows, its words."""
    text = item.text
    left = [m.start() for m in _WORD.finditer(text, 0, item.start)]
    right = [m.end() for m in _WORD.finditer(text, item.end)]
    windows = tuple(_window(text, left, right, size) for size in WINDOWS)
    target = text[item.start : item.end].strip() or text
    return (text, *windows, target)


def _window(text: str, left: list[int], right: list[int], size: int) -> str:
    """``size`` words each side of the target, or up to the text's edge where fewer remain."""
    start = left[-size] if len(left) >= size else 0
    end = right[size - 1] if len(right) >= size else len(text)
    return text[start:end]


def features(encoder: TextEncoder, items: Sequence[TargetInText]) -> np.ndarray:
    """One row per target: its views' vectors side by side.

    Each distinct text is encoded once: the targets of one sentence share its
    vector, and short windows repeat across nearby targets.
    """
    texts = [views(item) for item in items]
    distinct = sorted({text for row in texts for text in row})
    vectors = encoder.encode(distinct)
    index = {text: number for number, text in enumerate(distinct)}
    return np.stack([np.concatenate([vectors[index[text]] for text in row]) for row in texts])


def context_of(query: StanceQuery, target: Target) -> TargetInText:
    """The sentence that holds the target, cut to the content piece around it.

    Speech is judged by what the speaker said (the content piece), and within a
    long piece by the target's own sentence: RuSentNE labels one sentence per
    target. Without sentence boundaries (a blank pipeline) the piece is used.
    """
    doc = query.doc
    text = text_of(doc)
    start, end = next(
        ((s, e) for s, e in query.content if s <= target.start and target.end <= e),
        (0, len(text)),
    )
    span = doc.char_span(target.start, target.end, alignment_mode="expand")
    if span is not None and doc.has_annotation("SENT_START"):
        sentence = span.sent
        # A target across a sentence boundary (a splitting error) keeps the piece.
        if sentence.start_char <= target.start and target.end <= sentence.end_char:
            start = max(start, sentence.start_char)
            end = min(end, sentence.end_char)
    return TargetInText(text[start:end], target.start - start, target.end - start)
