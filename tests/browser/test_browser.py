"""The dashboard as a reader uses it, in headless Chromium.

Ledger → a cell's evidence → the article with its highlights → the speaker's
page with its plots; and hostile pages, on which no script may run. Every page
is checked for Content-Security-Policy violations (which would mean inline
script or style of our own) and for dialogs or ``window.__pwned`` (which would
mean a stored payload ran). Screenshots: test-artifacts/browser/*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from test_spread import HOSTILE_TITLE, build_spread_database
from test_web_corpus import HOSTILE_ACTOR, SCRIPT_TITLE, live_server, web_database

from saywho.web import create_app


@pytest.fixture(scope="module")
def server(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(create_app(web_database(tmp_path_factory))) as base:
        yield base


@dataclass
class Watched:
    """A browser tab and what it reported: console errors, page errors, dialogs."""

    page: Any
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.dialogs == []
        assert self.errors == []
        # A CSP refusal means a page of ours carries inline script or style.
        assert [line for line in self.console if "Content Security Policy" in line] == []
        assert self.page.evaluate("typeof window.__pwned") == "undefined"


@pytest.fixture
def tab(chromium: Any) -> Iterator[Watched]:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watched = Watched(page)
    page.on("console", lambda message: watched.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: watched.errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        watched.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield watched
        watched.assert_clean()
    finally:
        context.close()


def test_ledger_to_evidence_to_article_to_entity_plots(
    tab: Watched, server: str, artifacts: Path
) -> None:
    page = tab.page
    page.goto(f"{server}/ledger")
    assert page.locator("table.matrix td.cell a").count() > 3
    page.screenshot(path=artifacts / "ledger.png", full_page=True)

    # Open the cell Russia → Kamala Harris: its evidence, with confidence, opens below.
    page.locator('a[data-actor="Russia"][data-target="Kamala Harris"]').click()
    page.wait_for_url("**/ledger?*cell_actor=Russia*")
    evidence = page.locator("#evidence")
    assert evidence.is_visible()
    assert "reckless warmongering" in evidence.inner_text()
    assert evidence.locator(".confidence").count() >= 1
    assert page.locator("td.cell.selected").count() == 1
    page.screenshot(path=artifacts / "ledger-evidence.png", full_page=True)

    # Through to the article, at the statement the evidence names.
    source = evidence.locator("li.example", has_text="reckless warmongering").locator("a.source")
    anchor = source.get_attribute("href").split("#")[1]
    source.click()
    page.wait_for_url(f"**/articles/*#{anchor}")
    text = page.locator("#article-text")
    for layer in ("speaker", "cue", "content", "mention"):
        assert text.locator(f".hl-{layer}").count() > 0, layer
    # The stylesheet applies (a speaker is painted), and the script ran: the statement
    # arrived at is flashed and its pieces of text lit.
    speaker_colour = text.locator(".hl-speaker").first.evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert speaker_colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator(f"#{anchor}.flash").count() == 1
    assert text.locator(".lit").count() > 0
    page.screenshot(path=artifacts / "article.png", full_page=True)

    # The layer toggles hide a highlight without touching the text.
    before = text.inner_text()
    page.locator('input[data-layer="mention"]').uncheck()
    assert "hide-mention" in (text.get_attribute("class") or "")
    assert text.inner_text() == before

    # The speaker's page (Sergei Lavrov): stance from and toward, plotted.
    page.locator(f"#{anchor} a.entity").first.click()
    page.wait_for_url("**/entities/**")
    plots = page.locator("svg.plot")
    assert plots.count() == 2
    assert page.locator("svg.plot rect.bar").count() > 0
    box = plots.first.bounding_box()
    assert box is not None and box["height"] > 100 and box["width"] > 300
    page.screenshot(path=artifacts / "entity.png", full_page=True)


def test_hostile_pages_run_nothing_and_show_their_payloads(
    tab: Watched, server: str, artifacts: Path
) -> None:
    page = tab.page
    page.goto(f"{server}/articles")
    page.get_by_text(SCRIPT_TITLE).click()
    page.wait_for_url("**/articles/*")
    # The payloads are visible as text …
    assert SCRIPT_TITLE in page.locator("h1").inner_text()
    assert "<img src=x" in page.locator("#article-text").inner_text()
    # … and made nothing: no element of theirs, only our script, no javascript: link.
    assert page.locator("img, iframe, object, embed, b").count() == 0
    sources = page.eval_on_selector_all("script", "nodes => nodes.map(n => n.src)")
    assert sources and all("/static/app.js" in source for source in sources)
    hrefs = page.eval_on_selector_all("a", "nodes => nodes.map(n => n.href)")
    assert not [href for href in hrefs if href.lower().startswith("javascript:")]
    page.screenshot(path=artifacts / "hostile-article.png", full_page=True)

    for path in (
        f"/entities/{quote(HOSTILE_ACTOR, safe='')}",
        f"/ledger?cell_actor={quote(HOSTILE_ACTOR)}&cell_target=Kamala+Harris",
        "/search?q=disgrace",
        "/",
    ):
        page.goto(server + path)
        assert page.locator("svg:not(.plot), img, b").count() == 0, path
        tab.assert_clean()
    page.goto(f"{server}/entities/{quote(HOSTILE_ACTOR, safe='')}")
    assert HOSTILE_ACTOR in page.locator("h1").inner_text()
    page.screenshot(path=artifacts / "hostile-entity.png", full_page=True)


def test_overview_and_search_highlights(tab: Watched, server: str, artifacts: Path) -> None:
    page = tab.page
    page.goto(server + "/")
    assert page.locator(".count .number").count() >= 7
    page.screenshot(path=artifacts / "overview.png", full_page=True)
    page.locator("header input[name=q]").fill("favorite")
    page.locator("header input[name=q]").press("Enter")
    page.wait_for_url("**/search?q=favorite")
    marks = page.locator("ol.hits mark")
    assert marks.count() > 0
    assert marks.first.inner_text().lower().startswith("favorite")
    page.screenshot(path=artifacts / "search.png", full_page=True)


def test_spread_page_filters_and_leads_to_an_articles_copies(
    tab: Watched, artifacts: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    database = build_spread_database(tmp_path_factory.mktemp("spread-browser"))
    with live_server(create_app(database)) as base:
        page = tab.page
        page.goto(f"{base}/spread")
        assert page.get_by_text(HOSTILE_TITLE).count() == 1  # shown as text
        assert page.locator("img, iframe, object, embed, b, i").count() == 0
        page.get_by_label("coordinated only").check()
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url("**/spread?*coordinated=true*")
        assert page.get_by_text(HOSTILE_TITLE).count() == 0
        page.screenshot(path=artifacts / "spread.png", full_page=True)
        page.get_by_text("Veloria denies election interference in Marland").first.click()
        page.wait_for_url("**/articles/*")
        elsewhere = page.locator("table.linked").inner_text()
        assert "translation" in elsewhere and "Rundschau" in elsewhere
        assert "copy" in elsewhere and "same story" in elsewhere
        tab.assert_clean()
