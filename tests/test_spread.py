"""Spread: copies, translations and same-story links, cascades and their timing.

The corpus is tests/fixtures/spread/campaign-week.jsonl, written for these tests:
one wire story (Northern Wire) republished by two outlets within hours, translated
into German by a fourth, covered independently by a fifth the next day, and an
unrelated local story.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from saywho.cli import main
from saywho.config import CascadeOptions, LinkOptions
from saywho.model import ConfigError
from saywho.spread import SpreadArticle, build_cascades, create_encoder, find_links
from saywho.spread.shingles import (
    MinHasher,
    candidate_pairs,
    estimated_overlap,
    rows_per_band,
    shingle_hashes,
)
from saywho.web import create_app

CORPUS = Path(__file__).resolve().parent / "fixtures" / "spread" / "campaign-week.jsonl"
WIRE, HERALD, POST, RUNDSCHAU, CIVIC, HARBOUR = range(1, 7)


def corpus() -> list[SpreadArticle]:
    records = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines()]
    return [
        SpreadArticle(
            number,
            f"{record['title']}\n{record['text']}",
            "de" if record["outlet"] == "Rundschau" else "en",
            record["outlet"],
            record["published"],
        )
        for number, record in enumerate(records, start=1)
    ]


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return create_encoder("use-multilingual").encode([article.text for article in corpus()])


def kinds(links: list) -> dict[tuple[int, int], str]:  # type: ignore[type-arg]
    return {(link.first, link.second): link.kind for link in links}


def test_minhash_estimates_the_share_of_shingles_in_common() -> None:
    generator = random.Random(3)
    words = [f"w{generator.randrange(5000)}" for _ in range(600)]
    hasher = MinHasher()
    for kept in (600, 450, 300, 150):
        first, second = " ".join(words), " ".join(words[:kept] + words[kept:][::-1])
        a, b = set(shingle_hashes(first).tolist()), set(shingle_hashes(second).tolist())
        exact = len(a & b) / len(a | b)
        estimate = estimated_overlap(
            hasher.signature(shingle_hashes(first)), hasher.signature(shingle_hashes(second))
        )
        assert abs(estimate - exact) < 0.12, (kept, exact, estimate)
    assert (
        shingle_hashes("Same words, other CASE!").tolist()
        == shingle_hashes("same words other case").tolist()
    )
    assert (
        estimated_overlap(
            hasher.signature(shingle_hashes("")), hasher.signature(shingle_hashes(""))
        )
        == 0.0
    )


def test_banding_proposes_copies_and_not_unrelated_texts() -> None:
    articles = corpus()
    signatures = MinHasher().signatures([article.text for article in articles])
    pairs = candidate_pairs(signatures, rows_per_band(0.5))
    copies = {(WIRE - 1, HERALD - 1), (WIRE - 1, POST - 1), (HERALD - 1, POST - 1)}
    assert copies <= pairs
    assert not any(HARBOUR - 1 in pair for pair in pairs)


def test_links_tell_copies_translations_and_the_same_story_apart(vectors: np.ndarray) -> None:
    links = kinds(find_links(corpus(), vectors))
    assert links[(WIRE, HERALD)] == links[(WIRE, POST)] == links[(HERALD, POST)] == "copy"
    assert links[(WIRE, RUNDSCHAU)] == links[(POST, RUNDSCHAU)] == "translation"
    assert links[(WIRE, CIVIC)] == "same story"
    assert not [pair for pair in links if HARBOUR in pair]


def test_without_an_encoder_only_copies_are_found() -> None:
    links = kinds(find_links(corpus(), None))
    assert set(links.values()) == {"copy"} and len(links) == 3


def test_vectors_are_compared_only_within_the_time_window(vectors: np.ndarray) -> None:
    articles = corpus()
    moved = [
        SpreadArticle(a.id, a.text, a.language, a.outlet, "2026-04-20") if a.id == CIVIC else a
        for a in articles
    ]
    links = kinds(find_links(moved, vectors, LinkOptions(window_days=7)))
    assert not [pair for pair in links if CIVIC in pair]
    undated = [SpreadArticle(a.id, a.text, a.language, a.outlet, None) for a in articles]
    assert kinds(find_links(undated, vectors))[(WIRE, CIVIC)] == "same story"


def test_a_cascade_lists_the_text_in_publication_order(vectors: np.ndarray) -> None:
    articles = corpus()
    links = find_links(articles, vectors)
    (cascade,) = build_cascades(articles, links)
    assert [a.id for a in cascade.articles] == [WIRE, HERALD, POST, RUNDSCHAU]
    assert cascade.outlets == ("Northern Wire", "Daily Herald", "Morning Post", "Rundschau")
    assert cascade.languages == ("de", "en")
    assert cascade.coordinated  # four outlets within four hours
    assert not build_cascades(articles, links, CascadeOptions(min_outlets=5))[0].coordinated
    assert not build_cascades(articles, links, CascadeOptions(within_hours=2))[0].coordinated
    undated = [SpreadArticle(a.id, a.text, a.language, a.outlet, None) for a in articles]
    assert not build_cascades(undated, links)[0].coordinated


def test_an_unknown_encoder_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown text encoder 'nope'"):
        create_encoder("nope")


def test_bad_spread_settings_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "spread.db"
    assert main(["spread", "--db", str(db)]) == 2
    assert "no such database" in capsys.readouterr().err
    assert main(["ingest", str(CORPUS), "--db", str(db)]) == 0
    assert main(["spread", "--db", str(db), "--story-similarity", "1.5"]) == 2
    assert "--story-similarity must be between 0 and 1" in capsys.readouterr().err
    assert main(["spread", "--db", str(db), "--min-outlets", "0"]) == 2
    assert main(["spread", "--db", str(db), "--encoder", "nope"]) == 2
    assert "unknown text encoder 'nope'" in capsys.readouterr().err


def test_spread_command_stores_links_and_encodes_each_article_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "spread.db"
    assert main(["ingest", str(CORPUS), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["spread", "--db", str(db), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    (row,) = json.loads(out)
    assert row["origin"] == "Northern Wire" and row["coordinated"] is True
    assert row["hours_after_first"] == [0.0, 1.5, 3.17, 4.0]
    assert row["outlet_names"][-1] == "Rundschau" and row["languages"] == ["de", "en"]
    assert "6 articles (6 encoded now)" in err and "1 cascades, 1 coordinated" in err
    with sqlite3.connect(db) as connection:
        stored = dict(
            connection.execute("SELECT kind, COUNT(*) FROM article_links GROUP BY kind").fetchall()
        )
    assert stored["copy"] == 3 and stored["translation"] == 3
    assert main(["spread", "--db", str(db), "--encoder", "none", "--coordinated"]) == 0
    out, err = capsys.readouterr()
    assert "6 articles (0 encoded now), 3 links: 3 copy" in err and "Northern Wire" in out
    links_file = tmp_path / "links.jsonl"
    assert (
        main(
            [
                "export",
                "--db",
                str(db),
                "--table",
                "links",
                "--out",
                str(links_file),
                "--format",
                "jsonl",
            ]
        )
        == 0
    )
    exported = [json.loads(line) for line in links_file.read_text("utf-8").splitlines()]
    assert {(x["first_outlet"], x["second_outlet"], x["kind"]) for x in exported} == {
        ("Northern Wire", "Daily Herald", "copy"),
        ("Northern Wire", "Morning Post", "copy"),
        ("Daily Herald", "Morning Post", "copy"),
    }


def test_spread_reencodes_a_changed_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "spread.db"
    lines = CORPUS.read_text("utf-8").splitlines()
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(lines) + "\n", "utf-8")
    assert main(["ingest", str(first), "--db", str(db)]) == 0
    assert main(["spread", "--db", str(db), "--format", "csv"]) == 0
    record = json.loads(lines[-1])
    record["text"] += " The harbour master welcomed the decision."
    first.write_text("\n".join([*lines[:-1], json.dumps(record)]) + "\n", "utf-8")
    assert main(["ingest", str(first), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["spread", "--db", str(db), "--format", "csv"]) == 0
    assert "6 articles (1 encoded now)" in capsys.readouterr().err


@pytest.mark.shared
def test_story_similarity_on_semeval_pairs_beats_word_overlap(shared_dir: Path) -> None:
    """The first 200 test pairs of SemEval-2022 Task 8 (real, mostly cross-lingual):
    the encoder's cosine tracks the human Overall score, and better than TF-IDF."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.semeval import (
        document_frequencies,
        encoder_scores,
        pearson,
        read_pairs,
        tfidf_scores,
    )

    folder = shared_dir / "data" / "semeval2022-task8"
    pairs = read_pairs(folder / "testing_set.csv")[:200]
    cosine, _ = encoder_scores(pairs, "use-multilingual")
    frequency, documents = document_frequencies(read_pairs(folder / "training_set.csv"))
    assert pearson(cosine, pairs) > 0.6
    assert pearson(cosine, pairs) > pearson(tfidf_scores(pairs, frequency, documents), pairs) + 0.1


# --- the dashboard and API -------------------------------------------------------------

HOSTILE_TITLE = "<script>alert('spread')</script> Harbour & <b>bold</b>"


def build_spread_database(folder: Path) -> Path:
    """The corpus plus a hostile-titled copy of the harbour story, linked by `saywho spread`."""
    lines = CORPUS.read_text("utf-8").splitlines()
    copy = json.loads(lines[-1]) | {
        "url": "https://copycat.example/harbour",
        "outlet": "Copycat <i>Daily</i>",
        "published": "2026-03-03T09:30:00Z",  # before the original: the cascade's origin
        "title": HOSTILE_TITLE,
    }
    records = folder / "records.jsonl"
    records.write_text("\n".join([*lines, json.dumps(copy)]) + "\n", "utf-8")
    db = folder / "spread.db"
    assert main(["ingest", str(records), "--db", str(db)]) == 0
    assert main(["spread", "--db", str(db), "--format", "csv"]) == 0
    return db


@pytest.fixture(scope="module")
def spread_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_spread_database(tmp_path_factory.mktemp("spread-web"))


@pytest.fixture(scope="module")
def web(spread_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(spread_db), base_url="http://127.0.0.1") as client:
        yield client


def test_spread_page_lists_cascades_with_their_articles(web: TestClient) -> None:
    from test_web import assert_no_raw_tags, assert_safe_markup

    response = web.get("/spread")
    assert response.status_code == 200
    page = assert_safe_markup(response.text)
    assert_no_raw_tags(response.text)
    text = page.all_text()
    assert "2 cascades, 1 coordinated; 2 listed." in text
    assert "Veloria denies election interference in Marland" in text
    assert HOSTILE_TITLE in text and "Copycat <i>Daily</i>" in text  # as text, not markup
    links = [attributes["href"] for tag, attributes in page.elements if tag == "a"]
    assert "/articles/4" in links  # the German translation, in its cascade
    coordinated = assert_safe_markup(web.get("/spread?coordinated=true").text).all_text()
    assert "Veloria denies" in coordinated and HOSTILE_TITLE not in coordinated
    assert "Veloria denies" not in web.get("/spread?min_outlets=5&coordinated=true").text
    assert web.get("/spread?min_outlets=0").status_code == 400
    assert web.get("/spread?until=someday").status_code == 400
    assert web.get("/api/cascades?label=nothing").json()["items"] == []


def test_api_cascades_are_the_clis_rows(
    web: TestClient, spread_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["spread", "--db", str(spread_db), "--format", "json"]) == 0
    cli_rows = json.loads(capsys.readouterr().out)
    api = web.get("/api/cascades").json()
    assert [row["article_ids"] for row in api["items"]] == [row["article_ids"] for row in cli_rows]
    assert api["items"][0]["coordinated"] and api["items"][0]["origin"] == "Northern Wire"
    links = web.get(f"/api/articles/{WIRE}/links").json()["items"]
    assert [(x["id"], x["kind"]) for x in links][:3] == [
        (HERALD, "copy"),
        (POST, "copy"),
        (RUNDSCHAU, "translation"),
    ]
    assert (CIVIC, "same story") in [(x["id"], x["kind"]) for x in links]


def test_article_page_shows_where_else_it_appeared(web: TestClient) -> None:
    from test_web import assert_safe_markup

    page = assert_safe_markup(web.get(f"/articles/{RUNDSCHAU}").text)
    text = page.all_text()
    assert "Elsewhere 4" in " ".join(text.split())
    assert "translation" in text and "Northern Wire" in text
    unrelated = assert_safe_markup(web.get(f"/articles/{HARBOUR}").text).all_text()
    assert HOSTILE_TITLE in unrelated and "copy" in unrelated


def test_spread_page_says_how_to_link_a_fresh_database(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    assert main(["ingest", str(CORPUS), "--db", str(db)]) == 0
    with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
        for _ in range(3):  # enough requests to meet each worker thread's cache
            assert "No links stored yet" in client.get("/spread").text
            assert client.get("/api/cascades").json()["items"] == []
        assert main(["spread", "--db", str(db), "--format", "csv"]) == 0
        for _ in range(3):  # the cache sees that the database changed
            assert "Veloria denies" in client.get("/spread").text
            assert len(client.get("/api/cascades").json()["items"]) == 1


def test_windowed_comparison_finds_exactly_the_brute_force_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import saywho.spread.links as links_module

    monkeypatch.setattr(links_module, "_BLOCK", 7)  # many blocks, pairs across their edges
    generator = np.random.default_rng(5)
    count = 60
    base = generator.standard_normal(8)
    vectors = (base + 0.9 * generator.standard_normal((count, 8))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    days = generator.integers(1, 28, count)
    articles = [
        SpreadArticle(
            i, f"text {i}", "en", f"o{i}", None if i % 9 == 0 else f"2026-02-{days[i]:02d}"
        )
        for i in range(count)
    ]
    options = LinkOptions(story_similarity=0.5, translation_similarity=0.9, window_days=4)
    days = np.array([links_module._day(article.published) for article in articles])
    found = links_module._similar_pairs(days, vectors, options)
    expected = {
        (i, j)
        for i in range(count)
        for j in range(i + 1, count)
        if float(vectors[i] @ vectors[j]) >= 0.5
        and (i % 9 == 0 or j % 9 == 0 or abs(int(days[i]) - int(days[j])) <= 4)
    }
    assert expected and set(found) == expected


def article(number: int, text: str, **fields: str | None) -> SpreadArticle:
    values: dict[str, str | None] = {"language": "en", "outlet": f"outlet {number}"}
    values["published"] = "2026-03-02T08:00:00Z"
    values |= fields
    return SpreadArticle(number, text, values["language"], values["outlet"], values["published"])


STORY = json.loads(CORPUS.read_text("utf-8").splitlines()[0])["text"]


def test_short_texts_are_never_copies_and_an_unknown_language_matches_any() -> None:
    stubs = [article(n, "Live\nDeveloping story.") for n in range(3)]
    assert find_links(stubs, None) == []
    unknown = [article(1, STORY), article(2, STORY + " More to come.", language=None)]
    assert [link.kind for link in find_links(unknown, None)] == ["copy"]


def test_the_window_bounds_every_vector_decision(vectors: np.ndarray) -> None:
    wire = corpus()[WIRE - 1]
    relabelled = [
        wire,
        SpreadArticle(2, wire.text, "de", "Elsewhere", "2028-06-01"),  # same text, years later
    ]
    both = np.vstack([vectors[WIRE - 1], vectors[WIRE - 1]])
    assert find_links(relabelled, both) == []  # not a copy (two languages), not compared
    near = [wire, SpreadArticle(2, wire.text, "de", "Elsewhere", "2026-03-03")]
    assert [link.kind for link in find_links(near, both)] == ["translation"]


def test_translations_are_found_above_a_stricter_story_threshold(vectors: np.ndarray) -> None:
    options = LinkOptions(story_similarity=0.9, translation_similarity=0.8)
    links = kinds(find_links(corpus(), vectors, options))
    assert links[(WIRE, RUNDSCHAU)] == "translation"
    assert (WIRE, CIVIC) not in links


def test_boilerplate_shared_by_many_costs_links_in_proportion() -> None:
    body = " ".join(f"word{n}" for n in range(40))
    stubs = [article(n, f"Headline number {n}\n{body}") for n in range(1, 201)]
    links = find_links(stubs, None)
    # Stars around each big bucket's first member (a few per article), not 19,900 pairs.
    assert len(links) < 5 * len(stubs)
    (cascade,) = build_cascades(stubs, links, CascadeOptions(min_outlets=3))
    assert len(cascade.articles) == 200


def test_a_burst_after_the_first_article_is_coordinated() -> None:
    days = ["2026-03-01T08:00:00Z"] + [f"2026-03-05T09:{minute:02d}:00Z" for minute in (0, 5, 10)]
    articles = [article(n, STORY, published=day) for n, day in enumerate(days, start=1)]
    links = find_links(articles, None)
    (cascade,) = build_cascades(articles, links, CascadeOptions(min_outlets=3, within_hours=1))
    assert cascade.first.id == 1 and cascade.coordinated
    assert not build_cascades(articles, links, CascadeOptions(min_outlets=4, within_hours=1))[
        0
    ].coordinated


def test_an_empty_database_and_bad_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from saywho.store import Store

    db = tmp_path / "empty.db"
    Store(db).close()
    assert main(["spread", "--db", str(db)]) == 0
    assert (
        "0 articles (0 encoded now), 0 links; 0 repeated-quote links; 0 cascades"
        in capsys.readouterr().err
    )
    for option in ("--window-days", "--within-hours", "--story-similarity"):
        assert main(["spread", "--db", str(db), option, "nan"]) == 2
        assert "must be" in capsys.readouterr().err


def test_links_of_an_unknown_article_are_a_404(web: TestClient) -> None:
    assert web.get("/api/articles/999/links").status_code == 404
    page = web.get(f"/api/articles/{WIRE}/links?limit=2&offset=1").json()
    assert [item["id"] for item in page["items"]] == [POST, RUNDSCHAU]


def test_cascades_are_listed_by_date_outlet_and_outlet_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "spread.db"
    labels = tmp_path / "labels.yaml"
    labels.write_text(
        "outlets:\n  - {domain: northern-wire.example, labels: [state-affiliated]}\n", "utf-8"
    )
    assert main(["ingest", str(CORPUS), "--db", str(db), "--labels", str(labels)]) == 0
    capsys.readouterr()

    def listed(*options: str) -> list[dict[str, object]]:
        assert main(["spread", "--db", str(db), "--format", "json", *options]) == 0
        return list(json.loads(capsys.readouterr().out))

    (row,) = listed("--label", "state-affiliated")
    assert row["labels"] == ["state-affiliated"] and row["origin"] == "Northern Wire"
    assert listed("--label", "wire") == []
    assert len(listed("--outlet", "rundschau.example")) == 1  # a domain
    assert len(listed("--outlet", "daily herald")) == 1  # a name, any case
    assert listed("--outlet", "Civic Times") == []  # same story only: in no cascade
    assert len(listed("--since", "2026-03-02", "--until", "2026-03-02")) == 1
    assert listed("--since", "2026-03-03") == []
    assert main(["spread", "--db", str(db), "--until", "last week"]) == 2
    assert "--until must be an ISO date" in capsys.readouterr().err


QUOTE = (
    "Veloria has no favourite candidate in this election and will respect whatever "
    "the voters of Marland decide"
)
LIFTED = [
    ("Northern Wire", f'Anna Ferreira, the foreign ministry spokeswoman, said: "{QUOTE}." '
     "She spoke in the capital on Monday, two days after the report was published."),
    ("Civic Times", "The commission's review is due before the vote. Veloria's government "
     f'answered the report on Monday. "{QUOTE}," Anna Ferreira told reporters.'),
    ("Port Aldine News", "Harbour news first: the council approved its budget. Abroad, "
     f'Veloria denied any role. "{QUOTE}," said Anna Ferreira, its spokeswoman.'),
]  # fmt: skip


def lifted_quotes_db(folder: Path) -> Path:
    records = folder / "lifted.jsonl"
    records.write_text(
        "\n".join(
            json.dumps(
                {
                    "url": f"https://{outlet.lower().replace(' ', '-')}.example/q",
                    "outlet": outlet,
                    "published": f"2026-03-0{day}T10:00:00Z",
                    "title": f"Report {day}",
                    "text": text,
                }
            )
            for day, (outlet, text) in enumerate(LIFTED, start=2)
        )
        + "\n",
        "utf-8",
    )
    db = folder / "quotes.db"
    assert main(["ingest", str(records), "--db", str(db)]) == 0
    return db


def test_a_quotation_lifted_into_other_articles_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = lifted_quotes_db(tmp_path)
    assert main(["spread", "--db", str(db), "--encoder", "none"]) == 0
    assert "0 links; 3 repeated-quote links" in capsys.readouterr().err  # not copies
    assert main(["quotes", "--db", str(db), "--format", "json", "--speaker", "anna ferreira"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert QUOTE in row["quote"] and row["speakers"] == ["Anna Ferreira"]
    assert row["outlet_names"] == ["Northern Wire", "Civic Times", "Port Aldine News"]
    assert main(["quotes", "--db", str(db), "--min-outlets", "4"]) == 0
    assert "(no rows)" in capsys.readouterr().out
    with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
        assert client.get("/api/quotes?speaker=Anna+Ferreira").json()["items"][0]["outlets"] == 3
        page = client.get("/spread").text
        assert "Repeated quotations" in page and QUOTE in page
        first = client.get("/articles/1").text  # the Northern Wire article
        assert "also quoted in" in first and 'href="/articles/3">Port Aldine News</a>' in first


def test_links_to_statements_replaced_meanwhile_are_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import saywho.store.spread as store_spread
    from saywho.spread.quotes import find_quote_links
    from saywho.store import Store

    db = lifted_quotes_db(tmp_path)
    with Store(db) as store:
        connection = store.connection()

        def then_an_ingest_replaces_one(quotes: list, copied: set) -> list:  # type: ignore[type-arg]
            links = find_quote_links(quotes, copied)
            connection.execute("DELETE FROM statements WHERE id = ?", (links[0].first,))
            return links

        monkeypatch.setattr(store_spread, "find_quote_links", then_an_ingest_replaces_one)
        store_spread.update_spread(connection, None)
        stored = connection.execute("SELECT first_id, second_id FROM statement_links").fetchall()
    assert len(stored) == 1  # of three: the two with the replaced statement are left out


def test_filters_compare_moments_and_tell_outlets_of_one_name_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = CORPUS.read_text("utf-8").splitlines()
    harbour = json.loads(lines[-1])
    twins = [
        harbour | {"url": "https://herald-a.example/1", "outlet": "Herald"},
        harbour | {"url": "https://herald-b.example/1", "outlet": "Herald",
                   "published": "2026-03-03T11:00:00Z"},
    ]  # fmt: skip
    records = tmp_path / "records.jsonl"
    records.write_text("\n".join([*lines, *map(json.dumps, twins)]) + "\n", "utf-8")
    labels = tmp_path / "labels.yaml"
    labels.write_text("outlets:\n  - {domain: herald-a.example, labels: [state-affiliated]}\n")
    db = tmp_path / "spread.db"
    assert main(["ingest", str(records), "--db", str(db), "--labels", str(labels)]) == 0
    capsys.readouterr()

    def origins(*options: str) -> list[object]:
        assert main(["spread", "--db", str(db), "--format", "json", *options]) == 0
        return [row["origin"] for row in json.loads(capsys.readouterr().out)]

    (harbour_row,) = [r for r in json.loads(_spread_json(db, capsys)) if r["outlets"] == 3]
    assert harbour_row["outlet_names"] == ["Port Aldine News", "Herald", "Herald"]
    assert harbour_row["labels"] == ["state-affiliated"]
    assert origins("--outlet", "herald-b.example") == ["Port Aldine News"]
    assert origins("--label", "state-affiliated") == ["Port Aldine News"]
    # The wire story's first article is 2026-03-02T08:00:00Z.
    assert "Northern Wire" in origins("--since", "2026-03-02T09:00+02:00")  # 07:00 UTC
    assert "Northern Wire" in origins("--since", "2026-03-02T08:00Z")
    assert "Northern Wire" not in origins("--until", "2026-03-02T09:00+02:00")
    assert "Northern Wire" in origins("--until", "2026-03-01T23:00-10:00")
    assert "Northern Wire" in origins("--until", "2026-03-02")


def _spread_json(db: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["spread", "--db", str(db), "--format", "json"]) == 0
    return capsys.readouterr().out


def test_statements_of_a_copied_article_are_not_repeated_quotations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "spread.db"
    assert main(["ingest", str(CORPUS), "--db", str(db)]) == 0
    _spread_json(db, capsys)
    assert main(["quotes", "--db", str(db)]) == 0
    assert "(no rows)" in capsys.readouterr().out  # the copies are one cascade instead
