"""Detect the language of an article (ISO 639-1 code) with lingua.

The clean stage calls it once per article and passes the result forward in
``Document.language``; later stages read it there instead of asking again.

The detector knows a fixed set of languages common in world news
(``saywho.languages.NEWS_LANGUAGES``): fewer candidates mean fewer confusions and
less memory. It runs in lingua's low-accuracy mode
(trigram models only, about 40 MB for all of them, preloaded on the first call so
that no single article pays for a lazy load): the high-accuracy models take
about 600 MB and only help on texts of a few words, which are too short to
analyze anyway.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from saywho.languages import NEWS_LANGUAGES

# The opening of an article says which language it is in; the rest only costs time.
SAMPLE_CHARS = 2000
# Below this many letters the trigram models guess (a 4-word title can come out Dutch).
MIN_LETTERS = 30


@cache
def _detector() -> Any:
    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in NEWS_LANGUAGES
    ]
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def _opening(text: str) -> str:
    """The first SAMPLE_CHARS characters of ``text``, cut at a space when there is one."""
    if len(text) <= SAMPLE_CHARS:
        return text
    cut = text.rfind(" ", 0, SAMPLE_CHARS)
    return text[: cut if cut > 0 else SAMPLE_CHARS]


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code (lowercase) of ``text``'s language; None when it can't be told."""
    sample = _opening(text)
    if sum(char.isalpha() for char in sample) < MIN_LETTERS:
        return None
    language = _detector().detect_language_of(sample)
    if language is None:
        return None
    return str(language.iso_code_639_1.name.lower())
