"""The multilingual stance model on Russian (and German) sentences written for these tests."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
import spacy
from stance_sentences import CLEAR_RUSSIAN, polarity_by_command

from saywho.neural.onnx_model import softmax
from saywho.neural.pair_encoding import TargetInText
from saywho.stance import StanceQuery, Target, create_stance_model
from saywho.stance.multilingual import WINDOWS, MultilingualStance, context_of, features, views


@pytest.fixture(scope="module")
def model() -> MultilingualStance:
    built = create_stance_model("multilingual")
    assert isinstance(built, MultilingualStance)
    return built


def _judge(model: MultilingualStance, text: str, targets: list[str]) -> np.ndarray:
    """Probabilities (negative, neutral, positive) of each target."""
    items = [TargetInText(text, text.index(t), text.index(t) + len(t)) for t in targets]
    weights, bias = model.classifier
    return softmax(features(model.encoder, items) @ weights + bias)


def _polarity(model: MultilingualStance, text: str, target: str) -> str:
    start = text.index(target)
    [judgement] = model.judge([TargetInText(text, start, start + len(target))])
    return judgement.polarity


@pytest.mark.parametrize(("text", "target", "polarity"), CLEAR_RUSSIAN)
def test_clear_russian_sentences(
    model: MultilingualStance, text: str, target: str, polarity: str
) -> None:
    assert _polarity(model, text, target) == polarity


def test_the_convicted_target_reads_more_negative_than_the_rescuers(
    model: MultilingualStance,
) -> None:
    # The windows make the model target-aware, though here both still come out
    # negative (a known limit, docs/models.md): the sentence vector weighs in.
    text = (
        "Спасатели героически вытащили детей из огня, а поджигателя Сидорова "
        "суд приговорил к двадцати годам тюрьмы за убийство."
    )
    rescuers, arsonist = _judge(model, text, ["Спасатели", "Сидорова"])
    assert arsonist[0] > rescuers[0] + 0.2


def test_german_through_the_shared_space(model: MultilingualStance) -> None:
    # Trained on Russian only: a clear German verdict still reads negative.
    text = "Das Gericht verurteilte den Bürgermeister Müller wegen Korruption und Betrug."
    assert _polarity(model, text, "Müller") == "negative"


def test_views_are_the_sentence_growing_windows_and_the_target() -> None:
    text = "один два три четыре пять Лавров шесть семь восемь девять десять"
    start = text.index("Лавров")
    sentence, *windows, target = views(TargetInText(text, start, start + 6))
    assert sentence == text and target == "Лавров" and len(windows) == len(WINDOWS)
    assert windows[0] == "три четыре пять Лавров шесть семь восемь"
    assert all("Лавров" in w for w in windows)
    assert all(len(a) <= len(b) for a, b in itertools.pairwise(windows))


def test_features_encode_each_distinct_text_once() -> None:
    class Counting:
        name = "counting"

        def __init__(self) -> None:
            self.seen: list[str] = []

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            self.seen.extend(texts)
            return np.ones((len(texts), 2), dtype=np.float32)

    encoder = Counting()
    text = "Москва и Берлин"
    rows = features(encoder, [TargetInText(text, 0, 6), TargetInText(text, 9, 15)])
    assert rows.shape == (2, 2 * (len(WINDOWS) + 2))
    assert len(encoder.seen) == len(set(encoder.seen)) and encoder.seen.count(text) == 1


def test_context_is_the_targets_sentence_within_the_content() -> None:
    nlp = spacy.blank("ru")
    nlp.add_pipe("sentencizer")
    text = "Песков ничего не сказал. Лавров назвал Вашингтон лжецом. Все молчали."
    doc = nlp(text)
    start = text.index("Вашингтон")
    query = StanceQuery(doc, ((0, len(text)),), (Target("Вашингтон", start, start + 9),))
    context = context_of(query, query.targets[0])
    assert context.text == "Лавров назвал Вашингтон лжецом."
    assert context.text[context.start : context.end] == "Вашингтон"


def test_stance_command_with_a_blank_russian_pipeline(tmp_path: Path) -> None:
    polarity, score = polarity_by_command(tmp_path, "multilingual")
    assert polarity == "negative" and 0 <= score <= 1


def test_no_targets_no_judgements(model: MultilingualStance) -> None:
    assert model([]) == [] and model.judge([]) == []
