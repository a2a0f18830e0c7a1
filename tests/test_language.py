"""Language detection of article text."""

from __future__ import annotations

import pytest

from saywho.language import SAMPLE_CHARS, detect_language

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
