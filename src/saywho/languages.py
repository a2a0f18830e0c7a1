"""Which languages saywho analyses, and with which components.

English runs the pipeline the ``PipelineConfig`` names (a parsed spaCy model, the
learned attributor and stance model). Every other language gets a setup here: a
spaCy pipeline (saywho's own, or spaCy's rule tokenizer), an attributor and a
stance model registered by name, and a line saying what gold data measured it,
which goes into each article's notes so a reader knows how far to trust it.

German, Russian and Czech are analysed by default (``DEFAULT_LANGUAGES``); any other
language spaCy can tokenize is analysed when the user asks for it
(``--languages``), with the general rules (quotation marks and cue words) and
the multilingual stance model, marked unmeasured.
"""

from __future__ import annotations

from dataclasses import dataclass

# The languages the detector tells apart (saywho.language) and --languages accepts.
NEWS_LANGUAGES = (
    "en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "pl", "tr", "ar", "zh", "ja", "ko",
    "fa", "hi", "sv", "ro", "el", "cs", "hu", "he", "id", "vi", "bg",
)  # fmt: skip
ENGLISH = "en"
DEFAULT_LANGUAGES: tuple[str, ...] = (ENGLISH, "de", "ru", "cs")


@dataclass(frozen=True)
class LanguageSetup:
    spacy_model: str
    attributor: str
    stance_model: str
    measured: str  # what measured this setup (docs/evaluation.md); the article's note


_UNMEASURED = (
    "no gold data measures saywho on this language yet: statements come from quotation "
    "marks and cue words, stance from the multilingual model (unmeasured)"
)
SETUPS: dict[str, LanguageSetup] = {
    "de": LanguageSetup(
        "saywho:de",
        "e5-de",
        "multilingual-e5",
        "statements measured on German news quotations, below the English level "
        "(docs/languages.md); stance toward targets unmeasured in German",
    ),
    "ru": LanguageSetup(
        "saywho:ru",
        "rules-ru",
        "multilingual-e5",
        "stance measured on RuSentNE, below the English model's level; statements come from "
        "Russian cue-word rules measured only on saywho's own small set (docs/languages.md)",
    ),
    "cs": LanguageSetup(
        "blank:cs",
        "quotes",
        "multilingual-e5",
        "statements come from quotation marks and Czech cue words, measured only on saywho's "
        "own small set (docs/languages.md); stance toward targets unmeasured in Czech",
    ),
}


def setup_for(language: str) -> LanguageSetup:
    """The components for a language other than English."""
    return SETUPS.get(
        language, LanguageSetup(f"blank:{language}", "quotes", "multilingual-e5", _UNMEASURED)
    )
