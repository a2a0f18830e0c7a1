"""Loading a spaCy pipeline by name.

The model is configuration, not code: any installed spaCy package name (or a
path to a pipeline on disk) works, so users can plug in a larger or retrained
pipeline. Nothing is downloaded: a missing model is a clear error.

Two kinds of names are saywho's own: ``saywho:LANG`` is a pipeline this package
builds for a language no genuine spaCy model on PyPI covers (``saywho.nlp.german``,
``saywho.nlp.russian``), and ``blank:LANG`` is spaCy's rule tokenizer for any
language it knows, with sentence splitting and nothing learned.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

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


# Marks that open a quotation in some language's style (» opens German »…«).
OPENING_QUOTATION_MARKS = frozenset('„«»“"')


@Language.component("saywho_opening_quotes")
def opening_quotes(doc: Doc) -> Doc:
    """A quotation that opens a sentence starts it with its mark. spaCy's sentencizer
    keeps punctuation after a full stop with the sentence before, so in
    '… kandidáta. „Volby jsou …“' the „ ended the first sentence and the quotation
    seemed to straddle two."""
    for token in doc[1:-1]:
        following = doc[token.i + 1]
        if (
            token.text in OPENING_QUOTATION_MARKS
            and doc[token.i - 1].whitespace_
            and not token.whitespace_
            and following.is_sent_start
        ):
            token.is_sent_start = True
            following.is_sent_start = False
    return doc


# The pipelines saywho builds itself: language -> "module:function" returning a Language.
OWN_PIPELINES = {
    "de": "saywho.nlp.german:load_german",
    "ru": "saywho.nlp.russian:load_russian",
}
OWN_PREFIX, BLANK_PREFIX = "saywho:", "blank:"


@cache
def load_spacy(name: str = DEFAULT_SPACY_MODEL) -> Language:
    if name.startswith(OWN_PREFIX):
        nlp = _own_pipeline(name.removeprefix(OWN_PREFIX))()
    elif name.startswith(BLANK_PREFIX):
        nlp = sentences_only(name.removeprefix(BLANK_PREFIX))
    else:
        nlp = _installed_pipeline(name)
    nlp.max_length = MAX_ARTICLE_CHARS
    return nlp


def sentences_only(language: str) -> Language:
    """spaCy's tokenizer for ``language`` with rule-based sentences: a line break or
    a sentence-final mark ends a sentence."""
    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError, ValueError) as error:
        # Japanese, Korean, Vietnamese... need tokenizer packages saywho does not pin.
        raise ConfigError(f"spaCy has no usable tokenizer for {language!r}: {error}") from error
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("saywho_opening_quotes", after="sentencizer")
    nlp.add_pipe("saywho_line_breaks", after="saywho_opening_quotes")
    return nlp


def _own_pipeline(language: str) -> Callable[[], Language]:
    if language not in OWN_PIPELINES:
        raise ConfigError(
            f"saywho builds no pipeline for {language!r} (own pipelines: "
            f"{', '.join(sorted(OWN_PIPELINES))}; use blank:{language} for rules only)"
        )
    module, function = OWN_PIPELINES[language].split(":")
    try:
        loader: Callable[[], Language] = getattr(import_module(module), function)
    except ImportError as error:
        raise ConfigError(
            f"saywho's {language!r} pipeline needs a package that is not installed: {error}"
        ) from error
    return loader


def _installed_pipeline(name: str) -> Language:
    try:
        nlp = spacy.load(name)
    except OSError as error:
        raise ConfigError(
            f"spaCy pipeline {name!r} is not installed (pip install the package that provides it; "
            f"saywho never downloads models)"
        ) from error
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


# Where a language inflects names ("Лаврова" is Lavrov in the genitive), its pipeline
# sets each entity's dictionary form here, so the knowledge base and the ledger see
# one name for all its cases.
NORMAL_FORM = "normal"
if not Span.has_extension(NORMAL_FORM):
    Span.set_extension(NORMAL_FORM, default=None)


def normal_form(span: Span) -> str:
    """The span's dictionary form where the pipeline gives one, else its text."""
    normal = getattr(span._, NORMAL_FORM)
    return normal if isinstance(normal, str) and normal else span.text
