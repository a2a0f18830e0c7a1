"""Browser tests: the dashboard in headless Chromium (Debian's ``chromium``), driven by Playwright.

Playwright's Python wheel brings its driver but no browser; the tests launch the
system Chromium through ``executable_path``. Without Chromium (or Playwright)
the group is skipped and says why; CI sets SAYWHO_REQUIRE_BROWSER=1, which makes
that a failure instead. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from groups import skip_unless_required

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: needs headless Chromium; skipped without it unless SAYWHO_REQUIRE_BROWSER=1",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    if shutil.which("chromium") is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless Chromium; the session's browser tests share it."""
    missing = _missing()
    if missing:
        skip_unless_required(
            "SAYWHO_REQUIRE_BROWSER", missing, "browser tests need headless Chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
