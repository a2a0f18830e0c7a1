"""``saywho contradictions``: declarations held against what the same actor expresses.

A small database made by the real ``saywho ingest`` from sentences written for
these tests: Russia (the Kremlin, Peskov) declares no preference between the
candidates while Lavrov praises Trump and Zakharova attacks him; China declares
the same and expresses nothing. The seed page's test reads ../shared.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from saywho.cli import build_parser, main
from saywho.store import LedgerFilter, StoreReader
from saywho.store.contradictions import contradicts, declared_stance, strength
from saywho.store.rows import Contradiction
from saywho.web import create_app

ARTICLES = [
    {
        "url": "https://kremlin-wire.example/2024/07/none",
        "outlet": "Kremlin Wire",
        "published": "2024-07-15",
        "title": "No favourite",
        "text": "The Kremlin said on Monday that Russia has no preference between Kamala Harris "
        'and Donald Trump.\n\nSergei Lavrov praised Donald Trump as "a pragmatic and sensible '
        'man."\n\nThe Chinese Foreign Ministry said China has no preference between Kamala '
        "Harris and Donald Trump.",
    },
    {
        "url": "https://daily-ledger.example/2024/09/attack",
        "outlet": "The Daily Ledger",
        "published": "2024-09-20",
        "title": "Zakharova attacks",
        "text": "Maria Zakharova criticized Donald Trump for his reckless and dangerous "
        "sanctions.\n\nDmitry Peskov said Russia has no favorite between Donald Trump and "
        "Kamala Harris.",
    },
]
LABELS = """
outlets:
  - domain: kremlin-wire.example
    name: Kremlin Wire
    country: Russia
    labels: [state-affiliated]
  - domain: daily-ledger.example
    name: The Daily Ledger
    country: United States
    labels: [independent]
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("contradictions")
    records = folder / "articles.jsonl"
    records.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", "utf-8")
    labels = folder / "labels.yaml"
    labels.write_text(LABELS, "utf-8")
    path = folder / "db.sqlite"
    assert main(["ingest", str(records), "--db", str(path), "--labels", str(labels)]) == 0
    return path


@pytest.fixture(scope="module")
def reader(db: Path) -> Iterator[StoreReader]:
    with StoreReader(db) as opened:
        yield opened


def _pairs(rows: list[Contradiction]) -> list[tuple[str, str]]:
    return [(row.actor, row.target) for row in rows]


# --- what disagrees, and how strongly ------------------------------------------------


def test_declared_stance_is_the_most_declared_polarity() -> None:
    counts = {"negative": 0, "neutral": 2, "positive": 1}
    assert declared_stance({"neutral": 1.6, "positive": 0.9}, counts) == "neutral"
    assert declared_stance({"neutral": 0.5, "positive": 0.9}, counts) == "positive"
    tie = {"negative": 1, "neutral": 1, "positive": 0}
    assert declared_stance({"negative": 0.8, "neutral": 0.8}, tie) == "neutral"
    assert declared_stance({}, {"negative": 0, "neutral": 0, "positive": 0}) is None


def test_what_contradicts_a_declaration() -> None:
    assert contradicts("neutral", "positive") and contradicts("neutral", "negative")
    assert contradicts("positive", "negative") and contradicts("negative", "positive")
    assert not contradicts("positive", "positive") and not contradicts("negative", "negative")
    assert not any(contradicts(declared, "neutral") for declared in ("neutral", "positive"))


def test_strength_is_the_weighted_share_against() -> None:
    counts = {"negative": 1, "neutral": 1, "positive": 2}
    weights = {"negative": 0.5, "neutral": 1.0, "positive": 0.5}
    assert strength("neutral", weights, counts) == 0.5
    assert strength("positive", weights, counts) == 0.25
    # Every confidence 0: plain counts.
    assert strength("neutral", dict.fromkeys(counts, 0.0), counts) == 0.75
    assert strength("neutral", {}, {}) == 0.0


# --- the store ------------------------------------------------------------------------


def test_russia_declares_neutral_and_expresses_both(reader: StoreReader) -> None:
    rows = reader.contradictions(LedgerFilter())
    assert _pairs(rows) == [("Russia", "Donald Trump")]
    [row] = rows
    assert (row.actor_type, row.actor_country, row.declared_stance) == (
        "state",
        "Russia",
        "neutral",
    )
    assert row.declared == {"negative": 0, "neutral": 2, "positive": 0}
    assert row.expressed == {"negative": 1, "neutral": 0, "positive": 1}
    assert row.strength == 1.0 and row.evidence == 4
    assert (row.first_published, row.last_published) == ("2024-07-15", "2024-09-20")
    assert {piece.speaker for piece in row.declarations} == {"Russia", "Dmitry Peskov"}
    said = {piece.speaker: piece for piece in row.expressions}
    assert said["Sergei Lavrov"].polarity == "positive"
    assert said["Maria Zakharova"].polarity == "negative"
    assert all(piece.contradicts for piece in row.expressions)
    assert not any(piece.contradicts for piece in row.declarations)
    # Most recent first, each with its store id, local id, outlet and excerpt.
    assert [piece.published for piece in row.declarations] == ["2024-09-20", "2024-07-15"]
    zakharova = said["Maria Zakharova"]
    assert zakharova.local_id.startswith("s") and zakharova.statement_id > 0
    assert zakharova.outlet == "The Daily Ledger"
    assert "reckless" in zakharova.excerpt
    assert zakharova.url == "https://daily-ledger.example/2024/09/attack"


def test_declarations_without_a_side_expressed_are_not_listed(reader: StoreReader) -> None:
    # China declares no preference and expresses nothing; Russia expresses nothing
    # toward Harris; Lavrov expresses but declares nothing himself.
    pairs = _pairs(reader.contradictions(LedgerFilter()))
    assert ("China", "Donald Trump") not in pairs
    assert ("Russia", "Kamala Harris") not in pairs
    assert reader.contradictions(LedgerFilter(actor="sergei lavrov")) == []


def test_the_ledger_filters_apply_to_each_piece(reader: StoreReader) -> None:
    [state_media] = reader.contradictions(LedgerFilter(label="state-affiliated"))
    assert state_media.declared["neutral"] == 1 and state_media.expressed["positive"] == 1
    [september] = reader.contradictions(LedgerFilter(since="2024-09-01"))
    assert september.expressed == {"negative": 1, "neutral": 0, "positive": 0}
    assert _pairs(reader.contradictions(LedgerFilter(country="russia"))) == [
        ("Russia", "Donald Trump")
    ]
    assert reader.contradictions(LedgerFilter(country="China")) == []
    assert reader.contradictions(LedgerFilter(target="Kamala Harris")) == []
    assert reader.contradictions(LedgerFilter(until="2024-07-01")) == []


def test_paging_strength_and_examples(reader: StoreReader) -> None:
    assert len(reader.contradictions(LedgerFilter(), min_strength=1.0)) == 1
    assert reader.contradictions(LedgerFilter(), offset=1) == []
    [row] = reader.contradictions(LedgerFilter(), examples=1)
    assert len(row.declarations) == 1 and len(row.expressions) == 1
    assert row.expressed == {"negative": 1, "neutral": 0, "positive": 1}  # counts stay whole


# --- the command line -----------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["contradictions", *argv]) == 0
    return capsys.readouterr().out


def test_cli_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows: list[dict[str, Any]] = json.loads(_run(capsys, "--db", str(db), "--format", "json"))
    [row] = rows
    assert (row["actor"], row["target"], row["declared_stance"]) == (
        "Russia",
        "Donald Trump",
        "neutral",
    )
    assert all(piece["statement_id"] and piece["local_id"] for piece in row["declarations"])
    assert {piece["polarity"] for piece in row["expressions"]} == {"positive", "negative"}


def test_cli_table_and_csv(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = _run(capsys, "--db", str(db))
    assert "Russia" in table and "0/2/0" in table and "1/0/1" in table
    [row] = list(csv.DictReader(io.StringIO(_run(capsys, "--db", str(db), "--format", "csv"))))
    assert row["declared"] == "neutral" and row["strength"] == "1.00"
    assert len(row["declared ids"].split()) == 2 and len(row["against ids"].split()) == 2
    assert _run(capsys, "--db", str(db), "--country", "China") == "(no rows)\n"


@pytest.mark.parametrize("option", [["--min-strength", "1.5"], ["--examples", "-1"]])
def test_cli_refuses_bad_values(
    db: Path, option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["contradictions", "--db", str(db), *option]) == 2
    assert "saywho: error:" in capsys.readouterr().err


def test_cli_options_are_the_ledgers() -> None:
    parser = build_parser()
    ledger = parser.parse_args(["ledger"])
    contradictions = parser.parse_args(["contradictions"])
    shared = set(vars(ledger)) - {"group_by", "run", "command"}
    assert shared <= set(vars(contradictions))


# --- the API and the page -------------------------------------------------------------


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db), base_url="http://127.0.0.1") as test_client:
        yield test_client


def test_api(client: TestClient) -> None:
    response = client.get("/api/contradictions", params={"country": "Russia", "examples": 1})
    assert response.status_code == 200
    body = response.json()
    assert (body["limit"], body["offset"]) == (50, 0)
    [row] = body["items"]
    assert (row["actor"], row["target"], row["strength"]) == ("Russia", "Donald Trump", 1.0)
    assert len(row["declarations"]) == 1 and len(row["expressions"]) == 1
    assert client.get("/api/contradictions", params={"label": "independent"}).json()["items"]
    assert client.get("/api/contradictions", params={"min_strength": 2}).status_code == 422
    assert client.get("/api/contradictions", params={"since": "not a date"}).status_code == 400


def test_page(client: TestClient) -> None:
    response = client.get("/contradictions")
    assert response.status_code == 200
    html = response.text
    assert "Declared versus said" in html and 'aria-current="page"' in html
    assert "Donald Trump" in html and "Maria Zakharova" in html and "contradicts" in html
    assert "pragmatic and sensible" in html
    empty = client.get("/contradictions", params={"country": "China", "min_strength": ""})
    assert empty.status_code == 200 and "No actor" in empty.text
    strong = client.get("/contradictions", params={"min_strength": "0.5", "limit": 1})
    assert strong.status_code == 200 and "Donald Trump" in strong.text
    none = client.get("/contradictions", params={"country": "China"})
    assert none.status_code == 200 and "No actor" in none.text
    assert 'href="/contradictions"' in client.get("/ledger").text


# --- the seed page (../shared) --------------------------------------------------------


def test_seed_russia_on_trump(
    shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = shared_dir / "seed" / "russia-denies-having-a-favorite.txt"
    path = tmp_path / "seed.db"
    assert main(["ingest", str(seed), "--db", str(path)]) == 0
    capsys.readouterr()
    rows = json.loads(_run(capsys, "--db", str(path), "--format", "json"))
    row = next(r for r in rows if (r["actor"], r["target"]) == ("Russia", "Donald Trump"))
    assert row["declared_stance"] == "neutral" and row["declared"]["neutral"] >= 1
    assert row["expressed"]["positive"] >= 1 and row["expressed"]["negative"] >= 1
    said = {piece["speaker"]: piece for piece in row["expressions"]}
    assert said["Vladimir Putin"]["polarity"] == "positive"
    assert said["Sergei Lavrov"]["polarity"] == "negative"
    assert all(piece["statement_id"] and piece["local_id"] for piece in row["declarations"])
