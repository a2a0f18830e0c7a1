"""Lexicon sentiment (VADER) with a few words political news needs.

Shared by act classification and the lexicon stance model. VADER's lexicon is
built for social media; news about states and campaigns carries polarity in
words it does not know ("sanctions", "interference", "disinformation").
"""

from __future__ import annotations

from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Valences on VADER's scale (-4 .. 4), chosen by hand for news about influence
# operations and diplomacy; kept small so they tip neutral text, not override it.
NEWS_LEXICON: dict[str, float] = {
    "sanctions": -1.2,
    "sanction": -1.0,
    "interference": -1.5,
    "meddling": -1.5,
    "disinformation": -1.8,
    "misinformation": -1.5,
    "propaganda": -1.5,
    "hostile": -1.8,
    "aggression": -2.0,
    "collusion": -1.5,
    "rigged": -2.0,
    "sincerity": 1.8,
    "sincere": 1.6,
    "constructive": 1.4,
    "conciliatory": 1.2,
}


_CURLY_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


@cache
def analyzer() -> SentimentIntensityAnalyzer:
    vader = SentimentIntensityAnalyzer()
    vader.lexicon.update(NEWS_LEXICON)
    return vader


def compound(text: str) -> float:
    """VADER's compound score in [-1, 1], with 'anti-X' words counted as hostile."""
    # "the most anti-Russian sanctions": VADER splits on spaces only and knows no
    # "anti-" words; from the named side's view they are hostile.
    words = [("hostile" if w.lower().startswith("anti-") else w) for w in text.split()]
    # VADER strips only ASCII punctuation from word edges: “sincerity” would be unknown.
    text = " ".join(words).translate(_CURLY_QUOTES)
    return float(analyzer().polarity_scores(text)["compound"])
