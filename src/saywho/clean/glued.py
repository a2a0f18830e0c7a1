"""Repair English words that a scraper glued together ("processas" -> "process as").

Scrapers drop the space where markup was removed between two words. A glued token
is almost never a word wordfreq has seen, while its two halves are common words, so
a token is split only when:

* it is a lowercase ASCII word on its own (names, ALLCAPS, digits, hyphens,
  apostrophes, URLs, e-mails and hashtags are left alone);
* wordfreq does not know it at all (its English list stops at Zipf 1.0, so any
  known spelling, however rare, is a word: "inasmuch", "wherewithal", "nonvoters");
* it is not a contraction missing its apostrophe ("thesell" is "these'll");
* both halves are common words, the short ones held to a higher bar because
  wordfreq folds case and so counts names and fragments ("ted", "ali", "ness") as
  common lowercase words.

Among the allowed splits the most probable pair wins (the highest sum of Zipf
values, i.e. the product of the two word frequencies).
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

# wordfreq lists no English word below Zipf 1.0: a token under this is unknown to it.
# Higher bars split real words by the thousand: at 1.96 (the floor of the top
# 100,000) about 2,500 WordNet lemmas, "vainglorious" and "indecisively" among them.
WORD_MIN_ZIPF = 1.0
# Zipf a half needs, by length: short halves are mostly names and fragments.
PART_MIN_ZIPF_BY_LENGTH = {3: 4.0, 4: 3.5}
PART_MIN_ZIPF = 3.0
# Shorter tokens are abbreviations or typos more often than two glued words.
MIN_GLUED_LENGTH = 4

# The two-letter halves allowed: English function words. wordfreq also counts
# prefixes split off hyphenated words ("re", "co", "ex") and names ("ed", "al").
TWO_LETTER_WORDS = frozenset({
    "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me",
    "my", "no", "of", "on", "or", "so", "to", "up", "us", "we",
})  # fmt: skip
# Bound morphemes that are also frequent tokens: a rare derived word ("nonvoter",
# "hobbyism") must not be read as two words.
PREFIXES = frozenset({
    "anti", "auto", "bi", "co", "counter", "de", "dis", "ex", "fore", "hyper", "inter",
    "intra", "micro", "mini", "mis", "mono", "multi", "neo", "non", "para", "poly", "post",
    "pre", "pro", "proto", "pseudo", "psycho", "re", "retro", "semi", "sub", "super",
    "trans", "tri", "ultra", "un",
})  # fmt: skip
SUFFIXES = frozenset({
    "able", "al", "ally", "ed", "en", "ent", "er", "ers", "es", "est", "ful", "ian", "ing",
    "ings", "ish", "ism", "ist", "ity", "ive", "less", "let", "like", "ly", "ment", "ness",
    "ous", "ship", "some", "ty", "ward", "wards",
})  # fmt: skip
# Contractions written without their apostrophe ("thesell" is "these'll", not
# "the sell"): a word followed by one of these endings stays whole.
CONTRACTION_ENDINGS = ("ll", "ve", "re", "d")

# Whitespace-free chunks that are addresses: nothing inside them is split.
_ADDRESS = re.compile(r"://|^www\.|@", re.IGNORECASE)
# A lowercase word standing alone: not part of a longer word, a hyphenated or
# apostrophised compound, a dotted name or a path.
_LOWERCASE_WORD = re.compile(r"(?<![\w'’./#-])[a-z]+(?![\w'’/-]|\.\w)")
_CHUNK = re.compile(r"\S+")


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    return float(zipf_frequency(word, "en"))


def _is_common_part(part: str, *, left: bool) -> bool:
    if len(part) == 1:
        return part == "a"
    if len(part) == 2:
        return part in TWO_LETTER_WORDS
    if part in (PREFIXES if left else SUFFIXES):
        return False
    return _zipf(part) >= PART_MIN_ZIPF_BY_LENGTH.get(len(part), PART_MIN_ZIPF)


def _is_unmarked_contraction(word: str) -> bool:
    return any(
        word.endswith(ending) and _zipf(word[: -len(ending)]) >= WORD_MIN_ZIPF
        for ending in CONTRACTION_ENDINGS
    )


def split_glued_word(word: str) -> tuple[str, str] | None:
    """The two words ``word`` is glued from, or None when it should stay as it is."""
    if len(word) < MIN_GLUED_LENGTH or not (word.isascii() and word.isalpha()):
        return None
    if not word.islower() or _zipf(word) >= WORD_MIN_ZIPF or _is_unmarked_contraction(word):
        return None
    best: tuple[float, str, str] | None = None
    for cut in range(1, len(word)):
        left, right = word[:cut], word[cut:]
        if _is_common_part(left, left=True) and _is_common_part(right, left=False):
            score = _zipf(left) + _zipf(right)
            if best is None or score > best[0]:
                best = (score, left, right)
    return None if best is None else (best[1], best[2])


def _repair_word(match: re.Match[str]) -> str:
    parts = split_glued_word(match.group())
    return match.group() if parts is None else " ".join(parts)


def _repair_chunk(match: re.Match[str]) -> str:
    chunk = match.group()
    if _ADDRESS.search(chunk):
        return chunk
    return _LOWERCASE_WORD.sub(_repair_word, chunk)


def repair_glued_words(text: str) -> str:
    """Split the glued word pairs of English ``text``; everything else is unchanged."""
    return _CHUNK.sub(_repair_chunk, text)
