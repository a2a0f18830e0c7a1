"""Loading the spaCy pipeline by name.

The model is configuration, not code: any installed spaCy package name (or a
path to a pipeline on disk) works, so users can plug in a larger or retrained
pipeline. Nothing is downloaded: a missing model is a clear error.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from saywho.config import DEFAULT_SPACY_MODEL, MAX_ARTICLE_CHARS
from saywho.model import ConfigError


@Language.component("saywho_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headings, bullets and signature lines are not
    run into the next paragraph (the parser respects boundaries set before it)."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
    return doc


@cache
def load_spacy(name: str = DEFAULT_SPACY_MODEL) -> Language:
    try:
        nlp = spacy.load(name)
    except OSError as error:
        raise ConfigError(
            f"spaCy pipeline {name!r} is not installed (pip install the package that provides it; "
            f"saywho never downloads models)"
        ) from error
    nlp.max_length = MAX_ARTICLE_CHARS
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("saywho_line_breaks", before="parser")
    return nlp


def text_of(doc: Doc) -> str:
    """The Doc's text, built once: spaCy's ``Doc.text`` joins every token on each call,
    which made text slicing the attribution stage's hottest path."""
    text = doc.user_data.get("saywho_text")
    if text is None:
        text = doc.user_data["saywho_text"] = doc.text
    return str(text)
