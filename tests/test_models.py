"""The shipped learned models and the encodings they share with training."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from saywho.attribution.minilm import (
    MiniLMAttributor,
    TaggedSpan,
    _without_trailing_function_words,
    link,
)
from saywho.model import Article
from saywho.neural.bio import (
    BEGIN,
    INSIDE,
    OUTSIDE,
    best_word_tags,
    spans_from_tags,
    tags_from_spans,
)
from saywho.neural.onnx_model import E5_TOKENIZER, TOKENIZER, model_path
from saywho.neural.pair_encoding import TargetInText, encode_pairs, load_tokenizer
from saywho.neural.token_windows import (
    OVERLAP,
    WINDOW,
    load_plain_tokenizer,
    stitch,
    tokenize,
    window_starts,
    windows,
)
from saywho.pipeline import Pipeline
from saywho.stance.encoder import MiniLMStance

MODELS = Path(str(resources.files("saywho").joinpath("data/models")))


def test_shipped_weights_stay_under_150_mb() -> None:
    # The project's budget for every trained weight it ships, all languages together.
    total = sum(path.stat().st_size for path in MODELS.iterdir())
    assert total < 150 * 1024 * 1024


def test_bio_round_trip() -> None:
    offsets = np.array([[0, 3], [4, 5], [5, 8], [9, 13], [14, 18]])
    tags = tags_from_spans([(4, 8), (9, 18)], offsets)
    assert tags.tolist() == [OUTSIDE, BEGIN, INSIDE, BEGIN, INSIDE]
    assert spans_from_tags(tags, offsets) == [(4, 8), (9, 18)]


def test_best_word_tags_keep_spans_whole_and_words_undivided() -> None:
    o, b, i = [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]
    # A quotation whose fourth word leans to O by a little: argmax splits it in two
    # (O then a stray I), the best valid sequence keeps it one span.
    probabilities = np.array([o, b, i, [0.46, 0.1, 0.44], i, o])
    words = np.zeros(6, dtype=bool)
    assert probabilities.argmax(-1).tolist() == [OUTSIDE, BEGIN, INSIDE, OUTSIDE, INSIDE, OUTSIDE]
    assert best_word_tags(probabilities, words).tolist() == [
        OUTSIDE, BEGIN, INSIDE, INSIDE, INSIDE, OUTSIDE
    ]  # fmt: skip
    # No span starts with I; a word's later pieces follow its first piece.
    probabilities = np.array([o, [0.1, 0.3, 0.6], [0.8, 0.1, 0.1], o])
    continues = np.array([False, False, True, False])
    assert best_word_tags(probabilities, continues).tolist() == [OUTSIDE, BEGIN, INSIDE, OUTSIDE]
    assert best_word_tags(np.array([o, o]), continues[:2]).tolist() == [OUTSIDE, OUTSIDE]
    # A rare name split in pieces: the model is sure only of its second piece ("ve ##x").
    name = np.array([b, [0.63, 0.02, 0.35], [0.03, 0.0, 0.97], o])
    assert best_word_tags(name, continues).tolist() == [BEGIN, INSIDE, INSIDE, OUTSIDE]


def test_windows_cover_every_token_and_stitch_averages() -> None:
    length = 3 * WINDOW
    starts = window_starts(length)
    covered = np.zeros(length, dtype=bool)
    for start in starts:
        covered[start : start + WINDOW] = True
    assert covered.all() and starts[1] - starts[0] == WINDOW - OVERLAP
    merged = stitch([(0, np.ones((4, 2))), (2, 3 * np.ones((4, 2)))], 6)
    assert merged[:, 0].tolist() == [1, 1, 2, 2, 3, 3]


def _words(text: str, tokenizer_file: str) -> list[str]:
    tokens = tokenize(load_plain_tokenizer(str(model_path(tokenizer_file))), text)
    words: list[str] = []
    for (start, end), continues in zip(tokens.offsets, tokens.continues_word, strict=True):
        if continues:
            words[-1] += text[start:end]
        else:
            words.append(text[start:end])
    return words


def test_sentencepiece_words_are_split_at_punctuation_as_wordpiece_words_are() -> None:
    text = "Der Sprecher des Kremls, Peskow, sagte: „Wir haben keinen Favoriten.“"
    expected = "Der Sprecher des Kremls , Peskow , sagte : „ Wir haben keinen Favoriten . “"
    assert _words(text, E5_TOKENIZER) == expected.split()
    english = 'The Kremlin\'s spokesman said: "We have no favorite."'
    expected = 'The Kremlin \' s spokesman said : " We have no favorite . "'
    assert _words(english, TOKENIZER) == expected.split()


def test_windows_open_and_close_with_each_vocabulary_s_own_tokens() -> None:
    for tokenizer_file, (first, last) in ((TOKENIZER, (101, 102)), (E5_TOKENIZER, (0, 2))):
        tokens = tokenize(load_plain_tokenizer(str(model_path(tokenizer_file))), "Peskow sagte.")
        batch = next(windows(tokens, 4))
        assert (batch.input_ids[0, 0], batch.input_ids[0, -1]) == (first, last)


def test_pair_encoding_marks_the_target_tokens() -> None:
    tokenizer = load_tokenizer(str(model_path(TOKENIZER)))
    text = "Critics said Jane Doe ran a dishonest campaign."
    start = text.index("Jane Doe")
    encoded = encode_pairs(tokenizer, [TargetInText(text, start, start + 8)])
    marked = [
        tokenizer.id_to_token(int(i))
        for i, m in zip(encoded.input_ids[0], encoded.target_mask[0], strict=True)
        if m
    ]
    assert marked == ["jane", "doe"]


def test_learned_stance_reads_polarity_toward_the_target() -> None:
    model = MiniLMStance()
    text = "Critics slammed Senator Jane Doe for her disastrous, dishonest and corrupt campaign."
    praise = "Voters praised Senator Jane Doe for her brave and generous leadership."
    judgements = model.judge(
        [
            TargetInText(text, text.index("Jane"), text.index("Jane") + 8),
            TargetInText(praise, praise.index("Jane"), praise.index("Jane") + 8),
        ]
    )
    assert [j.polarity for j in judgements] == ["negative", "positive"]
    assert all(0 <= j.score <= 1 for j in judgements)


def test_learned_attributor_finds_speaker_cue_and_content(pipeline: Pipeline) -> None:
    text = (
        "The election board met on Tuesday. Maria Okonkwo, the board's chair, said that "
        'the count would be finished by Friday. "Every ballot will be counted," she added.'
    )
    article = pipeline.analyze_text(text)
    assert isinstance(article, Article)
    by_content = {s.content_text: s for s in article.statements}
    said = next(s for c, s in by_content.items() if "finished by Friday" in c)
    assert said.speaker is not None and "Okonkwo" in said.speaker.text
    assert said.cue is not None and said.cue.text == "said"
    quote = next(s for c, s in by_content.items() if "Every ballot" in c)
    assert quote.kind == "direct"
    assert quote.speaker is not None and quote.speaker.entity == "Maria Okonkwo"


def test_a_speaker_does_not_end_in_a_preposition() -> None:
    # The tagger sometimes reads "Donald Trump about" as the source of
    # '"...," said Donald Trump about Kamala Harris'.
    text = '"It is a disgrace," said Donald Trump about Kamala Harris, and the press of Ohio.'
    start = text.index("Donald")
    about = TaggedSpan(start, text.index(" Kamala"), 0.9)
    press = TaggedSpan(text.index("the press"), len(text) - 1, 0.9)
    trimmed = _without_trailing_function_words(text, [about, press])
    assert [text[s.start : s.end] for s in trimmed] == ["Donald Trump", "the press of Ohio"]


def test_unknown_model_file_is_a_clear_error() -> None:
    from saywho.model import ConfigError

    with pytest.raises(ConfigError, match="not found"):
        model_path("no-such-model.onnx")
    assert MiniLMAttributor().tag("").spans["cue"] == []


def test_a_content_joins_the_cue_of_its_own_sentence(pipeline: Pipeline) -> None:
    # "added" is nearer to the first content than "said", but in the next sentence.
    text = "Karl Brandt said on Monday that the talks had failed. He added that sanctions fell."
    spans: dict[str, list[TaggedSpan]] = {"source": [], "cue": [], "content": []}
    for role, words in [
        ("source", "Karl Brandt"),
        ("cue", "said"),
        ("content", "that the talks had failed"),
        ("source", "He"),
        ("cue", "added"),
        ("content", "that sanctions fell"),
    ]:
        start = text.index(words)
        spans[role].append(TaggedSpan(start, start + len(words), 0.9))
    candidates = link(pipeline.english.nlp(text), spans)
    cues = {text[slice(*c.extent)]: c.cue.text if c.cue else None for c in candidates}
    assert cues == {"that the talks had failed": "said", "that sanctions fell": "added"}
