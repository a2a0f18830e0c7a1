"""Language detection of article text, once per article (while cleaning)."""

from __future__ import annotations

from dataclasses import replace

import pytest

import saywho.clean
import saywho.clean.text
import saywho.pipeline
from saywho.language import SAMPLE_CHARS, detect_language
from saywho.model import Article
from saywho.pipeline import Pipeline

SAMPLES = {
    "en": (
        "The opposition leader said on Monday that the election had been rigged, "
        "and called on her supporters to gather outside parliament."
    ),
    "fr": (
        "Le chef de l'opposition a déclaré lundi que l'élection avait été truquée "
        "et a appelé ses partisans à se rassembler devant le parlement."
    ),
    "ru": (
        "Лидер оппозиции заявил в понедельник, что выборы были сфальсифицированы, "
        "и призвал своих сторонников собраться у здания парламента."
    ),
    "de": (
        "Die Oppositionsführerin sagte am Montag, die Wahl sei manipuliert worden, "
        "und rief ihre Anhänger auf, sich vor dem Parlament zu versammeln."
    ),
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_detects_language(code: str) -> None:
    assert detect_language(SAMPLES[code]) == code


@pytest.mark.parametrize(
    "text", ["", "   \n", "2024 - 11 - 05 | 54.3 % / 45.7 %", "Hello", "Vote!"]
)
def test_undecidable_text_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_reads_the_opening_of_long_text() -> None:
    # A French article quoting a long English passage near its end is still French.
    text = SAMPLES["fr"] * 20 + " " + SAMPLES["en"] * 40
    assert len(SAMPLES["fr"] * 20) > SAMPLE_CHARS
    assert detect_language(text) == "fr"


# --- passed forward: found while cleaning, read by the pipeline ---------------------


@pytest.mark.parametrize("raw", [False, True])
def test_the_pipeline_detects_once_per_article(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, raw: bool
) -> None:
    calls: list[str] = []

    def counting(text: str) -> str | None:
        calls.append(text)
        return detect_language(text)

    # Every module that could ask the detector, wherever it imported it.
    for module in (saywho.clean, saywho.clean.text, saywho.pipeline):
        if hasattr(module, "detect_language"):
            monkeypatch.setattr(module, "detect_language", counting)
    monkeypatch.setattr(pipeline, "config", replace(pipeline.config, raw=raw))
    english = pipeline.analyze_text(SAMPLES["en"] + "\n\n" + SAMPLES["en"])
    french = pipeline.analyze_text(SAMPLES["fr"] + "\n\n" + SAMPLES["fr"])
    assert len(calls) == 2
    assert isinstance(english, Article) and english.document.language == "en"
    assert isinstance(french, Article) and french.document.language == "fr"
    assert french.notes and not french.statements
