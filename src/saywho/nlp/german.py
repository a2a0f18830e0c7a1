"""A German pipeline without a trained model: tokens, sentences and paragraphs only.

No genuine German spaCy model is on PyPI (de-core-news-* there is a squatter), and
saywho downloads nothing, so German text gets spaCy's rule-based German tokenizer,
its punctuation sentencizer and saywho's line-break boundaries. The German
attributors need no more: they link spans by sentence and paragraph, not by parse.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

import saywho.nlp  # noqa: F401  (registers the saywho_line_breaks component)
from saywho.config import MAX_ARTICLE_CHARS


@cache
def load_german() -> Language:
    """The blank German pipeline with sentence and paragraph boundaries (built once)."""
    nlp = spacy.blank("de")
    nlp.max_length = MAX_ARTICLE_CHARS
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("saywho_line_breaks")
    return nlp
