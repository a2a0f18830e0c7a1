"""The multilingual-e5 stance model on Russian and German sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from stance_sentences import CLEAR_RUSSIAN, polarity_by_command
from tokenizers import Tokenizer, models

from saywho.neural.onnx_model import E5_TOKENIZER, model_path
from saywho.neural.pair_encoding import TargetInText, encode_pairs, load_tokenizer
from saywho.stance import create_stance_model
from saywho.stance.encoder import EncoderStance


@pytest.fixture(scope="module")
def model() -> EncoderStance:
    built = create_stance_model("multilingual-e5")
    assert isinstance(built, EncoderStance)
    return built


def _polarities(model: EncoderStance, text: str, targets: list[str]) -> list[str]:
    items = [TargetInText(text, text.index(t), text.index(t) + len(t)) for t in targets]
    return [judgement.polarity for judgement in model.judge(items)]


@pytest.mark.parametrize(
    ("text", "target", "polarity"),
    [
        *CLEAR_RUSSIAN,
        # Trained on Russian only: German reads through the shared vocabulary and encoder.
        (
            "Das Gericht verurteilte den Bürgermeister Müller wegen Korruption und Betrug.",
            "Müller",
            "negative",
        ),
    ],
)
def test_clear_sentences(model: EncoderStance, text: str, target: str, polarity: str) -> None:
    assert _polarities(model, text, [target]) == [polarity]


def test_two_targets_of_one_sentence_are_told_apart(model: EncoderStance) -> None:
    # The sentence-vector model gave both targets of a sentence one polarity
    # (docs/models.md); the fine-tuned encoder reads where each target stands.
    text = "Путин похвалил Трампа за искренность и обвинил Байдена в развале отношений."
    assert _polarities(model, text, ["Трампа", "Байдена"]) == ["positive", "negative"]


def test_the_sentencepiece_tokenizer_pads_and_marks_the_target() -> None:
    tokenizer = load_tokenizer(str(model_path(E5_TOKENIZER)))
    short, long = "Лавров молчал.", "Министр иностранных дел Сергей Лавров снова обвинил Запад."
    items = [
        TargetInText(short, 0, 6),
        TargetInText(long, long.index("Лавров"), long.index("Лавров") + 6),
    ]
    encoded = encode_pairs(tokenizer, items)
    pad = tokenizer.token_to_id("<pad>")
    assert encoded.input_ids.shape[0] == 2 and encoded.input_ids[0, -1] == pad
    for row in range(2):
        marked = [
            tokenizer.id_to_token(int(i))
            for i, m in zip(encoded.input_ids[row], encoded.target_mask[row], strict=True)
            if m
        ]
        assert "".join(marked).replace("\u2581", "") == "Лавров"


def test_stance_command_with_a_blank_russian_pipeline(tmp_path: Path) -> None:
    polarity, score = polarity_by_command(tmp_path, "multilingual-e5")
    assert polarity == "negative" and 0 <= score <= 1


def test_a_tokenizer_without_a_padding_token_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tokenizer.json"
    Tokenizer(models.WordLevel({"word": 0, "[UNK]": 1}, unk_token="[UNK]")).save(str(path))
    with pytest.raises(ValueError, match="no padding and window tokens"):
        load_tokenizer(str(path))
