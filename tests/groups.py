"""Test groups that need something a user's machine may lack (../shared, Chromium,
Java): they skip there and say why; CI sets SAYWHO_REQUIRE_* so they must run."""

from __future__ import annotations

import os

import pytest


def skip_unless_required(variable: str, missing: str, why: str) -> None:
    """Skip a test group that lacks something on this machine, saying why; fail
    instead where ``variable`` is 1 (CI sets it for every group)."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{variable}=1 but {missing}")
    pytest.skip(f"{why}: {missing}")
