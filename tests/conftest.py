"""Shared test set-up.

Tests that read ``../shared`` (the seed page, gold data) take the ``shared_dir``
fixture. On a user's machine without it they skip and say why; CI sets
SAYWHO_REQUIRE_SHARED=1 so that a missing ``../shared`` fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from groups import skip_unless_required

from saywho.config import PipelineConfig
from saywho.pipeline import Pipeline

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SAYWHO_SHARED", REPO.parent / "shared"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seed").is_dir():
        skip_unless_required(
            "SAYWHO_REQUIRE_SHARED",
            f"{SHARED} has no seed/ folder",
            "needs the project's shared data (not shipped with saywho)",
        )
    return SHARED


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """One pipeline for the whole run: loading spaCy takes about a second."""
    return Pipeline(PipelineConfig())
