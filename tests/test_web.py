"""The web dashboard and API (``saywho serve``): pages, API, and what hostile pages cannot do.

Everything goes through an HTTP client against the application built by
``create_app`` over a database made by the real ingest (``test_web_corpus``).
No Chromium needed: the browser tests are in tests/browser.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import redirect_stdout
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Route
from test_store import RULES_CONFIG, believed_article
from test_web_corpus import (
    ATTRIBUTE_BREAK,
    BODY_SCRIPT,
    HOSTILE_ACTOR,
    HOSTILE_OUTLET,
    HOSTILE_URL,
    JS_URL,
    SCRIPT_TITLE,
    live_server,
    web_database,
)

from saywho.cli import build_parser, main
from saywho.output.jsonio import article_to_dict
from saywho.pipeline import Pipeline
from saywho.store import LedgerFilter, SearchFilter, StatementFilter, Store, provenance_of
from saywho.store.rows import PeriodCounts, StanceSeries
from saywho.web import create_app
from saywho.web.app import ROUTERS
from saywho.web.highlight import Mark, segments, statement_marks
from saywho.web.pages.search import snippet_parts
from saywho.web.plots import stance_plot
from saywho.web.security import CONTENT_SECURITY_POLICY, safe_href
from saywho.web.templating import entity_url, stance_class

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "src/saywho/data/article.schema.json").read_text("utf-8")
)
TOKEN = "test-token-0123456789"
BASE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_database(tmp_path_factory)


@pytest.fixture(scope="module")
def app(db: Path) -> FastAPI:
    return create_app(db)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def writer(db: Path, pipeline: Pipeline) -> Iterator[TestClient]:
    app = create_app(db, allow_write=True, token=TOKEN, max_body_bytes=64 * 1024, pipeline=pipeline)
    with TestClient(app, base_url=BASE) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def store(db: Path) -> Iterator[Store]:
    with Store.existing(db) as opened:
        yield opened


def article_id(store: Store, title: str) -> int:
    row = store.connection().execute("SELECT id FROM articles WHERE title = ?", (title,)).fetchone()
    assert row is not None, title
    return int(row[0])


class Page(HTMLParser):
    """Every element with its attributes, and the text, of an HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all_text(self) -> str:
        return "".join(self.text)


def assert_safe_markup(html: str) -> Page:
    """No markup of the page's own making: only our scripts, no handlers, no odd links."""
    page = Page(html)
    for tag, attributes in page.elements:
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        assert "style" not in attributes, (tag, attributes)
        assert tag not in ("img", "iframe", "object", "embed", "style", "base", "b"), tag
        if tag == "script":
            assert attributes.get("src", "").startswith("/static/"), attributes
        if tag == "svg":
            assert attributes.get("class") == "plot", attributes
        for name in ("href", "src", "action"):
            if name in attributes:
                value = attributes[name]
                assert value.startswith(("/", "#", "http://", "https://")), (tag, attributes)
    return page


def assert_no_raw_tags(html: str) -> None:
    """The page's own source holds no tag the corpus could have brought in (a second
    check beside the parser's, on the raw text as any browser would see it)."""
    for tag in RAW_TAG.findall(html):
        assert tag.lower().startswith(OUR_TAGS), tag


RAW_TAG = re.compile(r"<(?:script|img|svg|iframe|b)\b[^>]*>?", re.IGNORECASE)
OUR_TAGS = ('<script src="/static/', '<svg class="plot"')


# --- pages -------------------------------------------------------------------------------


PAGES = [
    "/",
    "/ledger",
    "/ledger?country=Russia&since=2024-07-01&until=2024-12-31&label=state-affiliated",
    "/ledger?min_confidence=0.5&outlet=The+Daily+Ledger&rows=3&cols=2",
    "/ledger?cell_actor=Russia&cell_target=Kamala+Harris",
    "/articles",
    "/articles?outlet=kremlin-wire.example",
    "/entities",
    "/entities?type=PERSON",
    "/entities/Donald%20Trump",
    "/entities/Russia",
    "/search?q=disgrace",
    "/search?q=Harris&in=statements&since=2024-09-01",
    "/search",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_escaped_under_a_strict_policy(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert_safe_markup(response.text)


def test_the_policy_forbids_inline_script_and_style() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'none'"


@pytest.mark.parametrize(
    "path", ["/static/app.js", "/static/style.css", "/nowhere", "/api/nowhere", "/openapi.json"]
)
def test_every_response_carries_the_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"


def test_server_errors_carry_the_headers_too(db: Path) -> None:
    app = create_app(db)

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as failing:
        response = failing.get("/api/boom")
    assert response.status_code == 500
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "a bug" not in response.text


def test_unknown_pages_are_html_and_unknown_api_paths_json(client: TestClient) -> None:
    page = client.get("/articles/99999")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "no article 99999" in page.text
    api = client.get("/api/articles/99999")
    assert api.status_code == 404
    assert api.json() == {"detail": "no article 99999"}


def test_hostile_article_is_shown_as_text(client: TestClient, store: Store) -> None:
    response = client.get(f"/articles/{article_id(store, SCRIPT_TITLE)}")
    assert response.status_code == 200
    page = assert_safe_markup(response.text)
    text = page.all_text()
    # The payloads are there, as text a reader can see.
    assert SCRIPT_TITLE in text
    assert BODY_SCRIPT in text
    assert "<img src=x" in text
    assert HOSTILE_OUTLET in text
    assert JS_URL in text
    assert_no_raw_tags(response.text)
    # The javascript: address is shown, never linked.
    hrefs = [attributes.get("href", "") for _, attributes in page.elements]
    assert not any("javascript" in href.lower() for href in hrefs)


def test_hostile_names_are_escaped_in_ledger_entity_and_search(
    client: TestClient, store: Store
) -> None:
    pages = [
        client.get("/ledger", params={"cell_actor": HOSTILE_ACTOR, "cell_target": "Kamala Harris"}),
        client.get(entity_url(HOSTILE_ACTOR)),
        client.get("/search", params={"q": "disgrace"}),
        client.get("/search", params={"q": "svg onload"}),
        client.get(f"/articles/{article_id(store, next(iter(_titles_with(store, 'Quotes'))))}"),
        client.get("/articles"),
        client.get("/"),
    ]
    for response in pages:
        assert response.status_code == 200, response.url
        assert_safe_markup(response.text)
        assert_no_raw_tags(response.text)
    entity = Page(pages[1].text).all_text()
    assert HOSTILE_ACTOR in entity
    assert ATTRIBUTE_BREAK in Page(pages[4].text).all_text()


def _titles_with(store: Store, prefix: str) -> list[str]:
    rows = (
        store.connection()
        .execute("SELECT title FROM articles WHERE title LIKE ?", (prefix + "%",))
        .fetchall()
    )
    return [str(row[0]) for row in rows]


def test_only_http_addresses_become_links() -> None:
    assert safe_href("https://example.org/a?b=c") == "https://example.org/a?b=c"
    assert safe_href(" http://example.org/ ") == "http://example.org/"
    for url in (
        JS_URL,
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/",
        "https:evil",
        "http://[::1",
        "",
        None,
    ):
        assert safe_href(url) is None, url
    # A hostile query string stays a link to where it says, escaped in the attribute.
    assert safe_href(HOSTILE_URL) == HOSTILE_URL


def test_bytes_that_are_not_utf8_are_shown_as_replacement_characters(
    client: TestClient, store: Store
) -> None:
    row = store.connection().execute("SELECT id FROM articles WHERE source LIKE '%#7'").fetchone()
    response = client.get(f"/articles/{row[0]}")
    assert response.status_code == 200
    assert "Broken \ufffd bytes \ufffd in the title" in Page(response.text).all_text()
    listing = client.get("/api/articles", params={"limit": 100})
    assert any("\ufffd" in (item["title"] or "") for item in listing.json()["items"])


def test_lone_surrogates_from_a_feed_arrive_as_replacement_characters(
    client: TestClient, store: Store
) -> None:
    title = next(iter(_titles_with(store, "Quotes")))
    record = client.get(f"/api/articles/{article_id(store, title)}").json()
    assert "damaged character \ufffd and" in record["text"]


# --- the article page ---------------------------------------------------------------------


class ArticleText(HTMLParser):
    """The text inside #article-text, and the classes of the elements around each piece."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.stack: list[str] = []
        self.pieces: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.depth:
            self.depth += 1
            self.stack.append(attributes.get("class") or "")
        elif attributes.get("id") == "article-text":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if self.stack:
                self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.pieces.append((data, " ".join(self.stack)))


def test_article_text_is_whole_with_every_kind_of_highlight(
    client: TestClient, store: Store
) -> None:
    identifier = article_id(store, "Moscow says it has no favourite in the American race")
    record = store.article(identifier)
    assert record is not None
    response = client.get(f"/articles/{identifier}")
    parsed = ArticleText(response.text)
    # Highlighting cuts the text into pieces; together they are the text, exactly.
    assert "".join(piece for piece, _ in parsed.pieces) == record.text
    classes = " ".join(css for _, css in parsed.pieces)
    for layer in ("hl-speaker", "hl-cue", "hl-content", "hl-mention"):
        assert layer in classes
    highlighted = {piece for piece, css in parsed.pieces if "hl-speaker" in css}
    assert "Dmitry Peskov" in highlighted
    # Each statement is listed, with its confidence, under the anchor the ledger links to.
    for statement in record.statements:
        assert f'id="statement-{statement.id}"' in response.text
        assert f"confidence {statement.confidence:.2f}" in response.text


def test_segments_cover_nested_and_overlapping_marks() -> None:
    text = "Peskov said Russia has no favorite."
    marks = [
        *statement_marks("s1", (0, 6), (7, 11), [(12, 34)]),
        Mark(0, 6, "mention", entity="Dmitry Peskov"),
        Mark(12, 18, "mention", entity="Russia"),
        Mark(30, 99, "mention", entity="Clipped"),
        Mark(-5, 0, "mention", entity="Dropped"),
    ]
    pieces = segments(text, marks)
    assert "".join(piece.text for piece in pieces) == text
    by_text = {piece.text: piece for piece in pieces}
    assert by_text["Peskov"].layers == ("speaker", "mention")
    assert by_text["Peskov"].entity == "Dmitry Peskov"
    assert by_text["said"].layers == ("cue",)
    assert by_text["Russia"].layers == ("content", "mention")
    assert by_text["Russia"].statements == ("s1",)
    assert by_text["rite"].entity == "Clipped"
    assert by_text["."].layers == ("mention",)
    assert segments("", marks) == []


# --- the ledger ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        LedgerFilter(),
        LedgerFilter(country="Russia"),
        LedgerFilter(since="2024-08-01", until="2024-09-30"),
        LedgerFilter(label="state-affiliated", min_confidence=0.3),
        LedgerFilter(outlet="daily-ledger.example"),
    ],
)
def test_matrix_cells_are_the_ledger_entries(store: Store, query: LedgerFilter) -> None:
    matrix = store.ledger_matrix(query, 60, 60)
    entries = store.ledger(query, 1000, 0, examples=0)
    assert {(e.actor, e.target) for e in entries} == set(matrix.cells)
    for entry in entries:
        cell = matrix.cells[(entry.actor, entry.target)]
        assert (cell.declared, cell.expressed, cell.evidence) == (
            entry.declared,
            entry.expressed,
            entry.evidence,
        )
    assert not matrix.more_actors and not matrix.more_targets
    small = store.ledger_matrix(query, 1, 1)
    assert [a.name for a in small.actors] == [a.name for a in matrix.actors[:1]]
    assert small.more_actors == (len(matrix.actors) > 1)
    assert small.more_targets == (len(matrix.targets) > 1)


def test_ledger_page_opens_a_cells_evidence_with_confidence(client: TestClient) -> None:
    matrix_page = client.get("/ledger", params={"country": "Russia"})
    links = [
        attributes["href"]
        for tag, attributes in Page(matrix_page.text).elements
        if tag == "a" and attributes.get("data-actor") == "Russia"
    ]
    assert links and all("country=Russia" in link for link in links)
    cell = next(link for link in links if "cell_target=Kamala+Harris" in link)
    response = client.get(cell)
    assert response.status_code == 200
    page = Page(response.text)
    text = page.all_text()
    assert "reckless warmongering" in text  # Lavrov's words count for Russia
    assert "expressed" in text and "confidence 0." in text
    assert any(
        tag == "a" and attributes.get("href", "").startswith("/articles/")
        for tag, attributes in page.elements
    )
    assert 'class="cell selected"' in response.text


def test_the_dashboard_shows_what_an_actor_is_reported_to_believe_apart(tmp_path: Path) -> None:
    db = tmp_path / "believed.db"
    with Store(db) as store:
        store.save_article(believed_article(), provenance_of(RULES_CONFIG))
    with TestClient(create_app(db), base_url=BASE) as client:
        matrix = client.get("/ledger")
        assert re.search(r'class="box believed">1<', matrix.text)  # a cell, not the legend
        cell = client.get(
            "/ledger", params={"cell_actor": "Peter Lindqvist", "cell_target": "Maria Okonkwo"}
        )
        text = " ".join(assert_safe_markup(cell.text).all_text().split())
        assert "1 pieces of evidence · reported to believe: 1" in text
        assert "an honest and capable mayor" in text  # the belief's statement, linked
        assert "failed the harbour workers" in text
        assert 'class="example believed"' in cell.text

        entity = assert_safe_markup(client.get("/entities/Peter%20Lindqvist").text)
        links = {a["href"] for tag, a in entity.elements if a.get("class") == "believed"}
        assert len(links) == 2  # the pair with expressed evidence, and the one without
        assert all(href.endswith("#evidence") and "cell_actor=" in href for href in links)
        assert "reported to believe: 1" in entity.all_text()

        entry = client.get("/api/ledger", params={"target": "Kamala Harris"}).json()["items"]
        assert [(e["evidence"], e["believed"]) for e in entry] == [(0, 1)]
        assert [e["believed"] for e in entry[0]["examples"]] == [True]
        stored = client.get("/api/articles/1").json()
        jsonschema.validate(stored, SCHEMA)
        assert {row["target"]: len(row["believed"]) for row in stored["ledger"]} == {
            "Kamala Harris": 1,
            "Maria Okonkwo": 1,
        }


def test_pages_show_no_beliefs_where_there_are_none(client: TestClient) -> None:
    assert "reported to believe:" not in client.get("/entities/Donald%20Trump").text
    assert not re.search(r'class="box believed">\d', client.get("/ledger").text)


def test_ledger_colours_follow_net_stance() -> None:
    assert stance_class({"negative": 3, "neutral": 0, "positive": 0}) == "st-neg2"
    assert stance_class({"negative": 1, "neutral": 2, "positive": 0}) == "st-neg1"
    assert stance_class({"negative": 1, "neutral": 0, "positive": 1}) == "st-neu"
    assert stance_class({"negative": 0, "neutral": 2, "positive": 1}) == "st-pos1"
    assert stance_class({"negative": 0, "neutral": 0, "positive": 2}) == "st-pos2"
    assert stance_class({"negative": 0, "neutral": 0, "positive": 0}) == "st-none"


# --- entities and plots ---------------------------------------------------------------------


def test_entity_page_plots_stance_from_and_toward(client: TestClient) -> None:
    response = client.get("/entities/donald%20TRUMP")  # any case
    assert response.status_code == 200
    page = Page(response.text)
    plots = [a for tag, a in page.elements if tag == "svg" and a.get("class") == "plot"]
    assert len(plots) == 2
    bars = [a for tag, a in page.elements if tag == "rect" and "bar" in a.get("class", "")]
    assert {a["class"] for a in bars} >= {"bar bar-negative", "bar bar-positive"}
    assert "Stance from Donald Trump over time" in page.all_text()
    assert "Stance toward Donald Trump over time" in page.all_text()
    # A state that appears only through its officials' words still has a page and a plot.
    russia = Page(client.get("/entities/Russia").text)
    assert any(tag == "rect" for tag, _ in russia.elements)
    assert client.get("/entities/Nobody%20At%20All").status_code == 404


def test_plot_fills_empty_months_and_keeps_undated_aside() -> None:
    series = StanceSeries(
        [
            PeriodCounts("2024-01", {"negative": 2, "neutral": 0, "positive": 1}),
            PeriodCounts("2024-04", {"negative": 0, "neutral": 0, "positive": 7}),
            PeriodCounts("garbage", {"negative": 5}),
        ],
        undated=3,
    )
    plot = stance_plot(series)
    assert [c.label for c in plot.columns] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert plot.total == 10 and plot.undated == 3
    assert len(plot.net_dots) == 2
    assert all(plot.top <= part.y <= plot.bottom for c in plot.columns for part in c.parts)
    long = stance_plot(
        StanceSeries([PeriodCounts("2001-01", {"negative": 1}), PeriodCounts("2020-06", {})], 0)
    )
    assert [c.label for c in long.columns][:2] == ["2001", "2002"]
    assert stance_plot(StanceSeries([], 0)).columns == []


def test_entity_links_encode_every_character(client: TestClient) -> None:
    assert entity_url("AC/DC <b>") == "/entities/AC%2FDC%20%3Cb%3E"
    # The route takes the whole decoded rest of the path as the name.
    missing = client.get(entity_url("AC/DC <b>"))
    assert missing.status_code == 404
    assert "AC/DC <b>" in Page(missing.text).all_text()


# --- search ---------------------------------------------------------------------------------


def test_search_page_marks_matches_without_trusting_the_text(client: TestClient) -> None:
    response = client.get("/search", params={"q": "favorite"})
    page = assert_safe_markup(response.text)
    marks = [tag for tag, _ in page.elements if tag == "mark"]
    assert marks
    assert "\x02" not in response.text and "\x03" not in response.text


def test_snippet_parts_split_on_markers_only() -> None:
    parts = snippet_parts("a [[x]] <b>[S]hit[E] c", "[S]", "[E]")
    assert parts == [("a [[x]] <b>", False), ("hit", True), (" c", False)]


def test_search_problems_are_shown_on_the_page(client: TestClient) -> None:
    response = client.get("/search", params={"q": "Harris", "since": "not a date"})
    assert response.status_code == 200
    assert "must be an ISO date" in response.text
    for text in ("***", '"unclosed', "NEAR(", "*"):
        page = client.get("/search", params={"q": text})
        assert page.status_code == 200, text
        api = client.get("/api/search", params={"q": text})
        assert api.status_code in (200, 400), text


# --- the API ---------------------------------------------------------------------------------


def cli_json(db: Path, *args: str) -> Any:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main([*args, "--db", str(db), "--format", "json"]) == 0
    return json.loads(out.getvalue())


LEDGER_OPTIONS = [
    ["--country", "Russia", "--examples", "1"],
    ["--since", "2024-08-01", "--until", "2024-09-30"],
    ["--label", "state-affiliated", "--min-confidence", "0.2"],
    ["--group-by", "outlet", "--limit", "3", "--offset", "1"],
    ["--actor", "russia", "--target", "KAMALA HARRIS"],
    ["--outlet", "The Daily Ledger"],
]


@pytest.mark.parametrize("options", LEDGER_OPTIONS)
def test_api_ledger_is_the_cli_ledger(client: TestClient, db: Path, options: list[str]) -> None:
    # The API's parameters are the CLI's options: --min-confidence is min_confidence.
    params = {
        name.removeprefix("--").replace("-", "_"): value
        for name, value in zip(options[::2], options[1::2], strict=True)
    }
    response = client.get("/api/ledger", params=params)
    assert response.status_code == 200
    body = response.json()
    assert body["items"]
    assert body["items"] == cli_json(db, "ledger", *options)
    assert body["limit"] == int(params.get("limit", 50))
    assert body["offset"] == int(params.get("offset", 0))


def test_api_statements_stances_and_search_are_the_clis(client: TestClient, db: Path) -> None:
    statements = client.get("/api/statements", params={"about": "Kamala Harris", "limit": 5})
    assert statements.json()["items"] == cli_json(
        db, "statements", "--about", "Kamala Harris", "--limit", "5"
    )
    speaker = client.get("/api/statements", params={"speaker": "Donald Trump", "kind": "direct"})
    assert speaker.json()["items"] == cli_json(
        db, "statements", "--speaker", "Donald Trump", "--kind", "direct"
    )
    search = client.get("/api/search", params={"q": "favorite", "in": "statements"})
    assert search.json()["items"] == cli_json(db, "search", "favorite", "--in", "statements")
    assert client.get("/api/entities", params={"type": "PERSON"}).json()["items"] == cli_json(
        db, "entities", "--type", "PERSON"
    )
    assert client.get("/api/outlets", params={"label": "independent"}).json()["items"] == cli_json(
        db, "outlets", "--label", "independent"
    )


def test_api_stances_and_articles(client: TestClient, store: Store) -> None:
    stances = client.get("/api/stances", params={"about": "Donald Trump"}).json()["items"]
    assert stances and {row["target"] for row in stances} == {"Donald Trump"}
    assert len(stances) == len(store.stances(StatementFilter(about="Donald Trump"), 100))
    listing = client.get("/api/articles", params={"outlet": "The Daily Ledger"}).json()
    assert [item["published"] for item in listing["items"]] == ["2024-10-02", "2024-09-05"]
    everything = client.get("/api/articles", params={"limit": 100}).json()["items"]
    assert everything[-1]["published"] is None  # undated last
    page = client.get("/api/articles", params={"limit": 2, "offset": 2}).json()["items"]
    assert [item["id"] for item in page] == [item["id"] for item in everything[2:4]]
    identifier = listing["items"][0]["id"]
    record = client.get(f"/api/articles/{identifier}").json()
    stored = store.stored_article(identifier)
    assert stored is not None
    assert record == json.loads(json.dumps(article_to_dict(stored)))
    assert client.get("/api/overview").json()["articles"] == store.counts().articles


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/ledger?limit=0", 422),
        ("/api/ledger?limit=100000", 422),
        ("/api/ledger?offset=-1", 422),
        ("/api/ledger?min_confidence=1.5", 422),
        ("/api/ledger?min_confidence=lots", 422),
        ("/api/ledger?group_by=planet", 422),
        ("/api/statements?act=shouting", 422),
        ("/api/search", 422),
        ("/api/ledger?since=yesterday", 400),
        ("/api/ledger?min_confidence=&since=", 200),
        ("/ledger?min_confidence=lots", 400),
        ("/ledger?rows=1000", 400),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(
    client: TestClient, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    if status == 400 and path.startswith("/api/"):
        assert "ISO date" in response.json()["detail"]


def test_openapi_describes_the_api_and_not_the_pages(client: TestClient) -> None:
    description = client.get("/openapi.json").json()
    paths = set(description["paths"])
    assert paths >= {
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/statements",
        "/api/stances",
        "/api/ledger",
        "/api/entities",
        "/api/outlets",
        "/api/search",
        "/api/analyze",
    }
    assert not {path for path in paths if not path.startswith("/api/")}
    assert "HTTPBearer" in json.dumps(description["paths"]["/api/analyze"]["post"]["security"])
    parameters = {p["name"] for p in description["paths"]["/api/ledger"]["get"]["parameters"]}
    assert parameters >= {"actor", "target", "since", "until", "outlet", "label", "country"}
    assert parameters >= {"min_confidence", "limit", "offset", "group_by"}
    assert client.get("/docs").status_code == 404  # its scripts would come from a CDN


# --- writing: POST endpoints, token, size ------------------------------------------------------


def test_every_post_is_refused_without_allow_write(client: TestClient) -> None:
    posts = [
        route.path
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, Route) and route.methods and "POST" in route.methods
    ]
    assert posts == ["/api/analyze"]
    for path in [*posts, "/api/ledger", "/", "/anything"]:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            response = client.request(
                method, path, json={"text": "x"}, headers={"Authorization": f"Bearer {TOKEN}"}
            )
            assert response.status_code == 403, (method, path)
            assert "--allow-write" in response.json()["detail"]


def test_writing_needs_the_token(writer: TestClient) -> None:
    body = {"text": "Dmitry Peskov said Russia has no favorite."}
    assert writer.post("/api/analyze", json=body).status_code == 401
    for header in (f"Bearer {TOKEN}x", "Bearer ", f"Basic {TOKEN}", TOKEN, "Bearer test-token"):
        response = writer.post("/api/analyze", json=body, headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["www-authenticate"] == "Bearer"
    with pytest.raises(ValueError, match="token"):
        create_app(web_database_path(writer), allow_write=True, token=None)


def web_database_path(client: TestClient) -> Path:
    app = client.app
    assert isinstance(app, FastAPI)
    return Path(app.state.stores.path)


def test_analyze_answers_the_article_schema(writer: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    text = {
        "text": '"We do not support any candidate," Dmitry Peskov told reporters.',
        "url": "https://example.org/a",
        "title": "<script>x</script>",
    }
    response = writer.post("/api/analyze", json=text, headers=headers)
    assert response.status_code == 200, response.text
    article = response.json()
    jsonschema.validate(article, SCHEMA)
    assert article["statements"][0]["speaker"]["entity"] == "Dmitry Peskov"
    assert response.headers["content-type"] == "application/json"
    paragraphs = "".join(
        f"<p>Kamala Harris said the vote in district {n} was safe, fair and well run.</p>"
        for n in range(6)
    )
    html = f"<html><head><title>Vote</title></head><body><article>{paragraphs}"
    html += "<script>alert(1)</script></article></body></html>"
    from_html = writer.post("/api/analyze", json={"html": html}, headers=headers)
    assert from_html.status_code == 200, from_html.text
    assert "alert" not in from_html.json()["text"]
    for bad in ({}, {"text": "a", "html": "b"}, {"text": "a", "extra": 1}, {"text": " "}):
        assert writer.post("/api/analyze", json=bad, headers=headers).status_code == 422, bad


def test_a_stored_article_answers_the_schema_analyze_answers(
    client: TestClient, writer: TestClient, store: Store
) -> None:
    """One JSON shape for one article: GET /api/articles/{id} is saywho.article/1, with
    the speaker and cue offsets the store keeps beside each statement."""
    listed = client.get("/api/articles", params={"limit": 100}).json()["items"]
    assert listed
    for item in listed:
        stored = client.get(f"/api/articles/{item['id']}").json()
        jsonschema.validate(stored, SCHEMA)
        rows = store.statements(StatementFilter(article_id=item["id"]), 1000)
        assert [s["id"] for s in stored["statements"]] == [row.local_id for row in rows]
        for statement, row in zip(stored["statements"], rows, strict=True):
            for part, span in (("speaker", row.speaker_span), ("cue", row.cue_span)):
                found = statement[part]
                assert (found["start"], found["end"]) == span if found else span is None
                if found:
                    assert stored["text"][found["start"] : found["end"]] == found["text"]
    with_ledger = next(
        stored
        for item in listed
        if (stored := client.get(f"/api/articles/{item['id']}").json())["ledger"]
    )
    headers = {"Authorization": f"Bearer {TOKEN}"}
    analyzed = writer.post("/api/analyze", json={"text": with_ledger["text"]}, headers=headers)
    assert analyzed.status_code == 200, analyzed.text
    fresh = analyzed.json()
    assert set(fresh) == set(with_ledger)
    assert {key for s in fresh["statements"] for key in s} >= {
        key for s in with_ledger["statements"] for key in s
    }
    assert [s["content"] for s in fresh["statements"]] == [
        s["content"] for s in with_ledger["statements"]
    ]


def test_the_server_starts_without_spacy() -> None:
    """``saywho serve`` imports the pipeline (and spaCy) on the first analysis only."""
    import subprocess
    import sys

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, saywho.web.app, saywho.web.serve; "
            "print(sorted(m for m in ('spacy', 'saywho.pipeline', 'onnxruntime') "
            "if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]", loaded.stdout


def test_request_bodies_over_the_limit_are_refused(writer: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    declared = writer.post("/api/analyze", json={"text": "x" * 70_000}, headers=headers)
    assert declared.status_code == 413
    assert declared.headers["content-security-policy"] == CONTENT_SECURITY_POLICY

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(40):
            yield b"x" * 2048
        yield b'"}'

    streamed = writer.post("/api/analyze", content=chunks(), headers=headers)
    assert streamed.status_code == 413
    assert streamed.json()["detail"] == "request body over 65,536 bytes"


def test_other_hosts_are_refused(client: TestClient) -> None:
    # A page elsewhere that rebinds its own name to 127.0.0.1 sends its name as Host.
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
    assert client.get("/api/ledger", headers={"Host": "[::1]:8000"}).status_code == 200


# --- the command -------------------------------------------------------------------------------


def test_serve_listens_on_loopback_by_default() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.allow_write) == ("127.0.0.1", 8000, False)


def test_serve_without_a_database_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--db", str(tmp_path / "missing.db")]) == 2
    assert "no such database" in capsys.readouterr().err
    assert not (tmp_path / "missing.db").exists()


def test_serve_prints_a_generated_token_once(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.append(options))
    monkeypatch.delenv("SAYWHO_TOKEN", raising=False)
    assert main(["serve", "--db", str(db), "--allow-write", "--port", "8123"]) == 0
    printed = capsys.readouterr().err
    assert printed.count("Bearer ") == 1
    assert started[0]["host"] == "127.0.0.1" and started[0]["port"] == 8123
    monkeypatch.setenv("SAYWHO_TOKEN", "from-the-environment")
    assert main(["serve", "--db", str(db), "--allow-write"]) == 0
    assert "from-the-environment" not in capsys.readouterr().err
    assert main(["serve", "--db", str(db), "--host", "0.0.0.0"]) == 0
    assert "warning" in capsys.readouterr().err


def test_a_real_server_answers_concurrent_readers(app: FastAPI) -> None:
    failures: list[str] = []
    with live_server(app) as base:

        def read(path: str) -> None:
            for _ in range(5):
                with urllib.request.urlopen(base + path, timeout=10) as response:
                    if response.status != 200:
                        failures.append(path)

        paths = ["/ledger", "/search?q=Harris", "/entities/Russia", "/", "/api/ledger"] * 2
        threads = [threading.Thread(target=read, args=(path,)) for path in paths]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_web_connections_cannot_write(client: TestClient, db: Path) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    stores = app.state.stores
    with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
        stores.get()._db.execute("DELETE FROM articles")


def test_search_filter_reaches_the_store(store: Store) -> None:
    # The page and the API build SearchFilter as the CLI does: --in is "in".
    hits = store.search("Harris", SearchFilter(scope="articles", since="2024-10-01"))
    assert {hit.kind for hit in hits} == {"article"}


def test_vocabularies_are_the_models_literal_types(client: TestClient) -> None:
    """Acts, kinds, entity types, polarities, scopes and groupings come from one place:
    the Literal types of saywho.model and saywho.store.rows."""
    from typing import get_args

    from saywho.model import Act, EntityType, Kind, Polarity
    from saywho.store.queries import POLARITIES
    from saywho.store.rows import LedgerGrouping, SearchScope
    from saywho.web.plots import POLARITY_ORDER

    assert POLARITIES == POLARITY_ORDER == get_args(Polarity)
    description = client.get("/openapi.json").json()

    def enum(path: str, name: str) -> list[str]:
        (parameter,) = [
            p for p in description["paths"][path]["get"]["parameters"] if p["name"] == name
        ]
        schema = parameter["schema"]
        return list(next(s for s in schema.get("anyOf", [schema]) if "enum" in s)["enum"])

    assert enum("/api/statements", "act") == list(get_args(Act))
    assert enum("/api/statements", "kind") == list(get_args(Kind))
    assert enum("/api/entities", "type") == list(get_args(EntityType))
    assert enum("/api/ledger", "group_by") == list(get_args(LedgerGrouping))
    assert enum("/api/search", "in") == list(get_args(SearchScope))
    types = [
        attributes["href"].rsplit("=", 1)[1]
        for tag, attributes in Page(client.get("/entities").text).elements
        if tag == "a" and "type=" in attributes.get("href", "")
    ]
    assert types == list(get_args(EntityType))
    scopes = [
        attributes["value"]
        for tag, attributes in Page(client.get("/search").text).elements
        if tag == "option"
    ]
    assert scopes == list(get_args(SearchScope))
