"""Which saywho and which models made an analysis, read from a pipeline set-up.

Nothing is loaded: versions come from installed package metadata, so the main
process of a multi-worker ingest knows the provenance without a model in memory.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from saywho import __version__
from saywho.config import PipelineConfig
from saywho.model import ConfigError
from saywho.store.rows import Provenance


def provenance_of(config: PipelineConfig) -> Provenance:
    """Saywho's version and each component's name and version.

    The attributors and stance models are code inside saywho, so saywho's
    version is theirs, with a digest of the model weights shipped beside them.
    The knowledge base is named by a digest of its files, since editing it
    changes what the analysis finds; ``include_thought`` is named because it
    changes the ledger stored.
    """
    return Provenance(
        saywho_version=__version__,
        models={
            "spacy": f"{config.spacy_model} {_spacy_pipeline_version(config.spacy_model)}",
            "spacy-library": package_version("spacy"),
            "attributor": f"{config.attributor} (saywho {__version__})",
            "stance": f"{config.stance_model} (saywho {__version__})"
            if config.stance_model
            else "none",
            "knowledge-base": _knowledge_base_digest(config.knowledge_bases),
            # The ledger stored differs: beliefs apart, or counted as expressed.
            "ledger": "thought counted as expressed" if config.include_thought else "thought apart",
            # Learned components load their weights from here: new weights, new analysis.
            "model-files": _shipped_models_digest(),
        },
    )


def fingerprint(provenance: Provenance) -> str:
    """A short stable digest: two analyses with the same set-up share it."""
    payload = json.dumps(
        {"saywho": provenance.saywho_version, "models": provenance.models}, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _spacy_pipeline_version(name: str) -> str:
    try:
        return package_version(name)
    except PackageNotFoundError:
        pass  # a pipeline folder rather than an installed package
    meta = Path(name) / "meta.json"
    try:
        return str(json.loads(meta.read_text("utf-8")).get("version", "unknown"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"spaCy pipeline {name!r} is not installed") from error


def _knowledge_base_digest(extra_files: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    digest.update(resources.files("saywho").joinpath("data/actors.yaml").read_bytes())
    for path in extra_files:
        try:
            digest.update(Path(path).read_bytes())
        except OSError as error:
            raise ConfigError(f"{path}: cannot read knowledge base: {error.strerror}") from error
    return "sha256:" + digest.hexdigest()[:16]


@cache
def _shipped_models_digest() -> str:
    models = resources.files("saywho").joinpath("data/models")
    if not models.is_dir():
        return "none"
    digest = hashlib.sha256()
    for item in sorted(models.iterdir(), key=lambda entry: entry.name):
        if item.is_file():
            digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return "sha256:" + digest.hexdigest()[:16]
