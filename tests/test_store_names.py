"""One name per person across a database: a surname alone takes the one full name ending in it.

The articles are written here; the rule attributor and the lexicon stance model
analyze them (the store is under test, not the models).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from test_store import RECOUNTED, RULES, RULES_CONFIG, ingest, table_contents

from saywho.cli import main
from saywho.model import Article, RawDocument
from saywho.pipeline import Pipeline
from saywho.store import LedgerFilter, StatementFilter, Store, StoreReader, provenance_of
from saywho.store.contradictions import store_pair_strengths

FULL_NAME = (
    "Maria Okonkwo, the mayor of Harbourton, spoke on Monday.\n\n"
    "Okonkwo said that Peter Lindqvist had wasted the city budget.\n\n"
    "Peter Lindqvist said Okonkwo was an excellent mayor."
)
SURNAME_ONLY = (
    "The council met on Tuesday.\n\n"
    "Mayor Okonkwo said that Peter Lindqvist had ruined the harbour.\n\n"
    "Peter Lindqvist criticized Okonkwo for her reckless plans."
)
# Two people share the surname Berg: "Berg" alone is left as it is.
ANNA_BERG = "Anna Berg said that Peter Lindqvist had failed the harbour."
TOMAS_BERG = "Tomas Berg said that Peter Lindqvist had wasted the city budget."
BERG_ONLY = "The council met on Friday.\n\nBerg said that Peter Lindqvist had ruined the harbour."


def write_article(directory: Path, name: str, text: str, day: int) -> Path:
    path = directory / f"{name}.jsonl"
    record = {
        "url": f"https://news.example/{name}",
        "published": f"2024-05-{day:02d}",
        "text": text,
    }
    path.write_text(json.dumps(record) + "\n", "utf-8")
    return path


def names_in_database(db: Path) -> set[str]:
    """Every person name stored anywhere: entities, speakers, targets, evidence, actors."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT name FROM entities UNION SELECT speaker_entity FROM statements "
            "UNION SELECT target FROM stances UNION SELECT actor FROM evidence "
            "UNION SELECT target FROM evidence UNION SELECT name FROM actors "
            "UNION SELECT actor FROM ledger_pairs UNION SELECT target FROM ledger_pairs"
        ).fetchall()
    return {row[0] for row in rows if row[0] is not None}


@pytest.mark.parametrize("surname_first", [False, True])
def test_a_surname_alone_takes_the_full_name_another_article_gives(
    tmp_path: Path, surname_first: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    full = write_article(tmp_path, "full", FULL_NAME, 6)
    surname = write_article(tmp_path, "surname", SURNAME_ONLY, 7)
    db = tmp_path / "one.db"
    first, second = (surname, full) if surname_first else (full, surname)
    assert ingest(db, first) == 0
    assert "given their full name" not in capsys.readouterr().err
    assert ingest(db, second) == 0
    assert capsys.readouterr().err.rstrip().endswith(", 0 failed, 1 person given their full name")

    names = names_in_database(db)
    assert "Maria Okonkwo" in names
    assert "Okonkwo" not in names
    assert main(["entities", "--db", str(db), "--type", "PERSON", "--format", "json"]) == 0
    people = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(people) == {"Maria Okonkwo", "Peter Lindqvist"}
    assert people["Maria Okonkwo"]["articles"] == 2

    with StoreReader(db) as store:
        spoken = store.statements(StatementFilter(speaker="Maria Okonkwo"))
        assert len({row.article_id for row in spoken}) == 2
        about = store.stances(StatementFilter(about="Maria Okonkwo"))
        assert len({row.article_id for row in about}) == 2
        # From ledger_pairs (no filter) and from the evidence (a date filter): one row each.
        for query in (LedgerFilter(), LedgerFilter(since="2024-01-01")):
            pairs = {(e.actor, e.target): e for e in store.ledger(query)}
            assert set(pairs) == {
                ("Maria Okonkwo", "Peter Lindqvist"),
                ("Peter Lindqvist", "Maria Okonkwo"),
            }
            assert pairs["Maria Okonkwo", "Peter Lindqvist"].evidence == 2
            assert pairs["Peter Lindqvist", "Maria Okonkwo"].evidence == 2
            assert pairs["Peter Lindqvist", "Maria Okonkwo"].first_published == "2024-05-06"
            assert pairs["Peter Lindqvist", "Maria Okonkwo"].last_published == "2024-05-07"
    table_contents(db)  # ledger_pairs equal the evidence recounted; FTS indexes intact

    with Store(db) as store:
        assert store.unify_person_names() == []  # nothing left to do


def test_both_articles_in_one_run_and_again_after_reanalysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_article(tmp_path, "full", FULL_NAME, 6)
    write_article(tmp_path, "surname", SURNAME_ONLY, 7)
    db = tmp_path / "one.db"
    assert ingest(db, tmp_path) == 0
    assert "2 ingested" in capsys.readouterr().err
    unified = table_contents(db)
    # Reanalysis stores "Okonkwo" again; the run ends by renaming it again.
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE analyses SET fingerprint = 'older'")
    assert main(["reanalyze", "--db", str(db), *RULES]) == 0
    assert "2 reanalyzed" in capsys.readouterr().err
    assert "Okonkwo" not in names_in_database(db)
    assert table_contents(db)["evidence"] == unified["evidence"]


# What Lindqvist is reported to believe about the mayor, named by her surname alone.
SURNAME_BELIEVED = (
    "The council met on Wednesday.\n\n"
    "Peter Lindqvist believes that Mayor Okonkwo is an honest and capable leader."
)


def test_believed_evidence_takes_the_full_name_too(tmp_path: Path) -> None:
    write_article(tmp_path, "full", FULL_NAME, 6)
    write_article(tmp_path, "believed", SURNAME_BELIEVED, 8)
    db = tmp_path / "believed.db"
    assert ingest(db, tmp_path) == 0
    assert "Okonkwo" not in names_in_database(db)
    table_contents(db)  # ledger_pairs' believed counts equal the evidence recounted
    with StoreReader(db) as store:
        for query in (LedgerFilter(), LedgerFilter(since="2024-01-01")):
            [pair] = store.ledger(replace(query, actor="Peter Lindqvist"), examples=5)
            assert pair.target == "Maria Okonkwo"
            assert (pair.evidence, pair.believed) == (1, 1)
            assert pair.last_published == "2024-05-08"  # the belief's date


def test_a_surname_two_full_names_end_with_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_article(tmp_path, "anna", ANNA_BERG, 1)
    write_article(tmp_path, "tomas", TOMAS_BERG, 2)
    write_article(tmp_path, "berg", BERG_ONLY, 3)
    db = tmp_path / "berg.db"
    assert ingest(db, tmp_path) == 0
    assert "given their full name" not in capsys.readouterr().err
    assert {"Anna Berg", "Tomas Berg", "Berg"} <= names_in_database(db)
    with StoreReader(db) as store:
        assert [row.speaker_entity for row in store.statements(StatementFilter(speaker="Berg"))]


def test_a_statement_with_a_stance_toward_both_names_keeps_its_own(tmp_path: Path) -> None:
    """The surname's stance and evidence give way to the full name's, without a conflict."""
    db = tmp_path / "both.db"
    assert ingest(db, write_article(tmp_path, "surname", SURNAME_ONLY, 7)) == 0
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO entities (name, type, actor_type, speaks_for, in_knowledge_base) "
            "VALUES ('Maria Okonkwo', 'PERSON', 'person', NULL, 0)"
        )
        # Lindqvist's statement about Okonkwo also about Maria Okonkwo, positively.
        statement_id = connection.execute(
            "SELECT statement_id FROM stances WHERE target = 'Okonkwo'"
        ).fetchone()[0]
        connection.execute(
            "INSERT INTO stances SELECT statement_id, 'Maria Okonkwo', 'positive', 0.5, "
            "published FROM stances WHERE statement_id = ? AND target = 'Okonkwo'",
            (statement_id,),
        )
        connection.execute(
            "INSERT INTO evidence (actor, target, declared, polarity, score, confidence, "
            "published, outlet_id, statement_id, article_id) SELECT actor, 'Maria Okonkwo', "
            "declared, 'positive', 0.5, confidence, published, outlet_id, statement_id, "
            "article_id FROM evidence WHERE target = 'Okonkwo'"
        )
        connection.execute("DELETE FROM ledger_pairs")
        kept, recount = RECOUNTED["ledger_pairs"]
        columns = kept.removeprefix("SELECT ").removesuffix(" FROM ledger_pairs")
        connection.execute(f"INSERT INTO ledger_pairs ({columns}) {recount}")
        store_pair_strengths(connection, None)
    with Store(db) as store:
        assert store.unify_person_names() == [("Okonkwo", "Maria Okonkwo")]
    with sqlite3.connect(db) as connection:
        stances = connection.execute(
            "SELECT target, polarity FROM stances WHERE statement_id = ?", (statement_id,)
        ).fetchall()
        assert stances == [("Maria Okonkwo", "positive")]
        evidence = connection.execute(
            "SELECT actor, target, polarity FROM evidence WHERE statement_id = ?", (statement_id,)
        ).fetchall()
        assert evidence == [("Peter Lindqvist", "Maria Okonkwo", "positive")]
    assert "Okonkwo" not in names_in_database(db)
    table_contents(db)


def test_renaming_reads_through_indexes(tmp_path: Path) -> None:
    """Every statement of a rename, but the one pass over entities, is an index lookup."""
    documents = [
        RawDocument(source=name, text=text, url=f"https://news.example/{name}")
        for name, text in (("full", FULL_NAME), ("surname", SURNAME_ONLY))
    ]
    executed: list[str] = []
    with Store(tmp_path / "plan.db") as store:
        for article in Pipeline(RULES_CONFIG).analyze(documents):
            assert isinstance(article, Article)
            store.save_article(article, provenance_of(RULES_CONFIG))
        connection = store.connection()
        connection.set_trace_callback(executed.append)
        assert store.unify_person_names() == [("Okonkwo", "Maria Okonkwo")]
        connection.set_trace_callback(None)
        plans = {
            sql: [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")]
            for sql in executed
            if sql.split()[0] in ("SELECT", "INSERT", "UPDATE", "DELETE")
        }
    assert any("FROM evidence" in sql for sql in plans), "the rename ran"
    for sql, plan in plans.items():
        scans = [step for step in plan if step.startswith("SCAN")]
        if sql.startswith("SELECT name, in_knowledge_base FROM entities"):
            assert scans == ["SCAN entities"]
        else:
            assert not scans, (sql, plan)
