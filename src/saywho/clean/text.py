"""Plain-text repairs: encoding, the title, boilerplate lines, whitespace, glued words."""

from __future__ import annotations

import re
from typing import NamedTuple

import ftfy

from saywho.clean.boilerplate import is_boilerplate, remove_boilerplate_lines
from saywho.clean.glued import repair_glued_words
from saywho.language import detect_language

# A first line this short without a final period is a headline, not a sentence.
MAX_TITLE_CHARS = 150
# Curly quotes stay curly: they tell the attribution stage where a quote opens
# and where it closes.
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False)
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
_THREE_OR_MORE_NEWLINES = re.compile(r"\n{3,}")


def fix_encoding(text: str) -> str:
    """Repair mojibake and normalize line breaks with ftfy."""
    return str(ftfy.fix_text(text, _FTFY_CONFIG))


def _same_line(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def guess_title(text: str) -> str | None:
    """The first line of text when it reads as a headline and more text follows it."""
    lines = [line.strip() for line in text.split("\n") if line.strip() and not is_boilerplate(line)]
    if not lines:
        return None
    first = lines[0]
    if len(first) >= MAX_TITLE_CHARS or first.endswith("."):
        return None
    has_body = any(not _same_line(line, first) for line in lines[1:])
    return first if has_body else None


def remove_title_lines(text: str, title: str) -> str:
    """``text`` without the lines that repeat ``title`` (scraped pages often repeat it)."""
    return "\n".join(line for line in text.split("\n") if not _same_line(line, title))


def drop_leading_title(text: str, title: str) -> str:
    """``text`` without its first non-empty line when that line is ``title``."""
    stripped = text.lstrip()
    first_line, _, rest = stripped.partition("\n")
    return rest.lstrip("\n") if _same_line(first_line, title) else text


def normalize_whitespace(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, no blank lines at the ends."""
    text = _TRAILING_SPACE.sub("", text)
    return _THREE_OR_MORE_NEWLINES.sub("\n\n", text).strip("\n")


class RepairedBody(NamedTuple):
    text: str
    language: str | None  # ISO 639-1, found on the way (the glue test needs it)


def repair_body(text: str, title: str | None) -> RepairedBody:
    """The repairs every article body gets once its title is known (not in raw mode),
    and the body's language.

    The language is detected before glued words are split (the split needs it) and
    passed forward as the article's language: splitting adds spaces to English text
    and does not change what the detector finds.
    """
    if title:
        text = remove_title_lines(text, title)
    text = normalize_whitespace(remove_boilerplate_lines(text))
    language = detect_language(text)
    # The glue test asks English word frequencies: in another language it would
    # split words that English happens not to know.
    if language == "en":
        text = repair_glued_words(text)
    return RepairedBody(text, language)
