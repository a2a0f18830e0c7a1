"""The store: identity and content hash, one transaction per article, queries, exports.

The corpus is a few short articles in tests/fixtures/store and variants of them
generated here; crash tests kill a real ``saywho ingest`` process with SIGKILL.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_contradictions import ARTICLES as DECLARED_AND_SAID

from saywho.cli import main
from saywho.config import PipelineConfig
from saywho.dates import DateBounds
from saywho.model import Article, ConfigError
from saywho.pipeline import Pipeline
from saywho.store import (
    LedgerFilter,
    SearchFilter,
    StatementFilter,
    Store,
    StoreReader,
    normalize_url,
    provenance_of,
)
from saywho.store import schema as schema_module
from saywho.store.contradictions import store_pair_strengths
from saywho.store.export import EXPORT_TABLES
from saywho.store.provenance import fingerprint
from saywho.store.reader import CACHED_VALUES
from saywho.store.schema import MIGRATIONS, migrate, schema_version

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "store"
PARTIES = ["Harbour Party", "Valley League", "Coast Union", "River Front", "Hill Alliance"]
CITIES = ["Ostrava", "Lagos", "Quito", "Perth", "Tromsø", "Dakar", "Hanoi", "Lima"]


# The store is under test, not the models: the rule attributor and the lexicon stance
# model are fast and give the same analysis whatever learned models ship.
RULES = ("--attributor", "rules", "--stance-model", "lexicon")
RULES_CONFIG = PipelineConfig(attributor="rules", stance_model="lexicon")


def ingest(db: Path, *sources: str | Path, extra: tuple[str, ...] = ()) -> int:
    return main(["ingest", *map(str, sources), "--db", str(db), *RULES, *extra])


def write_variants(directory: Path, count: int, seed: int = 3) -> Path:
    """``count`` short articles as JSONL records, each at its own URL and outlet."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    lines = []
    for number in range(count):
        party, city = rng.choice(PARTIES), rng.choice(CITIES)
        text = (
            f"Polls in {city} closed early on election day number {number}.\n\n"
            f'"We will win {city} by a wide margin," said Donald Trump at a rally.\n\n'
            f"Kamala Harris criticized the {party} for spreading false claims about {city}.\n\n"
            f"The Kremlin said Russia has no favorite in the race, Dmitry Peskov told reporters."
        )
        lines.append(
            json.dumps(
                {
                    "url": f"https://outlet{number % 4}.example/{number}",
                    "published": f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}",
                    "title": f"Day {number} in {city}",
                    "text": text,
                }
            )
        )
    path = directory / "variants.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


# Two statements of medium thought beside one of speech: a pair with expressed and
# believed evidence (Lindqvist toward Okonkwo), and one with believed evidence alone.
BELIEVED_TEXT = (
    "The harbour council met in Tromsø on Monday.\n\n"
    "Peter Lindqvist believes that Maria Okonkwo is an honest and capable mayor.\n\n"
    '"Maria Okonkwo has failed the harbour workers," Peter Lindqvist said at the meeting.\n\n'
    "Peter Lindqvist also thinks that Kamala Harris is a dishonest and dangerous politician."
)


def believed_article() -> Article:
    """``BELIEVED_TEXT`` analysed, its ledger holding believed evidence."""
    from saywho.model import RawDocument

    document = RawDocument(
        source="harbour",
        text=BELIEVED_TEXT,
        url="https://harbour.example/council",
        title="The harbour council",
        published="2024-05-02",
    )
    [article] = Pipeline(RULES_CONFIG).analyze([document])
    assert isinstance(article, Article)
    assert {(row.target, len(row.expressed), len(row.believed)) for row in article.ledger} == {
        ("Maria Okonkwo", 1, 1),
        ("Kamala Harris", 0, 1),
    }
    return article


# Table contents by value, ids replaced by what they point at, times left out.
CONTENT_QUERIES = {
    "analyses": "SELECT fingerprint, saywho_version, models FROM analyses",
    "outlets": "SELECT domain, name, country FROM outlets",
    "outlet_labels": "SELECT l.label, o.domain FROM outlet_labels l JOIN outlets o "
    "ON o.id = l.outlet_id",
    "articles": "SELECT a.identity, a.content_hash, a.source, a.url, o.domain, a.title, "
    "a.published, a.language, a.text, a.notes, n.fingerprint FROM articles a "
    "JOIN analyses n ON n.id = a.analysis_id LEFT JOIN outlets o ON o.id = a.outlet_id",
    "entities": "SELECT name, type, actor_type, speaks_for, in_knowledge_base, mention_count, "
    "article_count FROM entities",
    "mentions": 'SELECT a.identity, e.name, e.type, m.start, m."end" FROM mentions m '
    "JOIN articles a ON a.id = m.article_id JOIN entities e ON e.id = m.entity_id",
    "statements": "SELECT a.identity, s.local_id, s.speaker, s.speaker_entity, s.speaker_start, "
    "s.speaker_end, s.cue, s.cue_start, s.cue_end, s.content, s.content_spans, s.kind, s.act, "
    "s.confidence, s.published, o.domain FROM statements s JOIN articles a "
    "ON a.id = s.article_id LEFT JOIN outlets o ON o.id = s.outlet_id",
    "stances": "SELECT a.identity, s.local_id, t.target, t.polarity, t.score, t.published "
    "FROM stances t JOIN statements s ON s.id = t.statement_id "
    "JOIN articles a ON a.id = s.article_id",
    "stance_months": "SELECT * FROM stance_months",
    "ledger_actors": "SELECT * FROM ledger_actors",
    "ledger_targets": "SELECT * FROM ledger_targets",
    "actor_months": "SELECT * FROM actor_months",
    "actors": "SELECT name, actor_type, country FROM actors",
    "ledger_pairs": "SELECT * FROM ledger_pairs",
    "evidence": "SELECT e.actor, e.target, e.declared, e.polarity, e.score, e.confidence, "
    "e.published, o.domain, a.identity, s.local_id, e.believed FROM evidence e "
    "JOIN statements s ON s.id = e.statement_id JOIN articles a ON a.id = e.article_id "
    "LEFT JOIN outlets o ON o.id = e.outlet_id",
    "alerts": "SELECT rule, key, kind, title, payload FROM alerts",
    "deliveries": "SELECT a.rule, a.key, d.sink, d.delivered_at IS NULL FROM deliveries d "
    "JOIN alerts a ON a.id = d.alert_id",
    "watch_rules": "SELECT rule, digest FROM watch_rules",
    "feed_validators": "SELECT url, etag, last_modified FROM feed_validators",
    "article_vectors": "SELECT a.identity, v.encoder, v.content_hash, v.vector "
    "FROM article_vectors v JOIN articles a ON a.id = v.article_id",
    "article_links": "SELECT a.identity, b.identity, l.kind, l.overlap, l.similarity "
    "FROM article_links l JOIN articles a ON a.id = l.first_id "
    "JOIN articles b ON b.id = l.second_id",
    "statement_links": "SELECT a.identity, s.local_id, b.identity, t.local_id, l.overlap "
    "FROM statement_links l JOIN statements s ON s.id = l.first_id "
    "JOIN articles a ON a.id = s.article_id JOIN statements t ON t.id = l.second_id "
    "JOIN articles b ON b.id = t.article_id",
}


_WEIGHT = "CAST(confidence * 1000000 + 0.5 AS INTEGER)"
# Each summary the store keeps at write time (its query), beside the same counted afresh.
RECOUNTED = {
    "ledger_pairs": (
        "SELECT actor, target, declared_negative, declared_neutral, declared_positive, "
        "expressed_negative, expressed_neutral, expressed_positive, evidence, first_published, "
        "last_published, declared_negative_weight, declared_neutral_weight, "
        "declared_positive_weight, expressed_negative_weight, expressed_neutral_weight, "
        "expressed_positive_weight, believed FROM ledger_pairs",
        "SELECT actor, target, SUM(declared = 1 AND polarity = 'negative'), "
        "SUM(declared = 1 AND polarity = 'neutral'), SUM(declared = 1 AND polarity = 'positive'), "
        "SUM(declared = 0 AND believed = 0 AND polarity = 'negative'), "
        "SUM(declared = 0 AND believed = 0 AND polarity = 'neutral'), "
        "SUM(declared = 0 AND believed = 0 AND polarity = 'positive'), SUM(believed = 0), "
        "MIN(published), MAX(published), "
        + ", ".join(
            f"TOTAL(CASE WHEN declared = {d} AND believed = 0 AND polarity = '{p}' "
            f"THEN {_WEIGHT} END)"
            for d in (1, 0)
            for p in ("negative", "neutral", "positive")
        )
        + ", SUM(believed) FROM evidence GROUP BY actor, target",
    ),
    "entities": (
        "SELECT id, mention_count, article_count FROM entities WHERE mention_count > 0",
        "SELECT entity_id, COUNT(*), COUNT(DISTINCT article_id) FROM mentions GROUP BY entity_id",
    ),
    "stance_months": (
        "SELECT target, nullif(month, ''), polarity, stances FROM stance_months",
        "SELECT t.target, substr(s.published, 1, 7), t.polarity, COUNT(*) FROM stances t "
        "JOIN statements s ON s.id = t.statement_id GROUP BY 1, 2, 3",
    ),
    "ledger_actors": (
        "SELECT * FROM ledger_actors",
        "SELECT actor, SUM(evidence) FROM ledger_pairs GROUP BY actor HAVING SUM(evidence) > 0",
    ),
    "ledger_targets": (
        "SELECT * FROM ledger_targets",
        "SELECT target, SUM(evidence) FROM ledger_pairs GROUP BY target HAVING SUM(evidence) > 0",
    ),
    "outlets": (
        "SELECT id, article_count, statement_count FROM outlets",
        "SELECT o.id, (SELECT COUNT(*) FROM articles WHERE outlet_id = o.id), "
        "(SELECT COUNT(*) FROM statements WHERE outlet_id = o.id) FROM outlets o",
    ),
    "actor_months": (
        "SELECT actor, nullif(month, ''), polarity, evidence FROM actor_months",
        "SELECT actor, substr(published, 1, 7), polarity, COUNT(*) FROM evidence "
        "WHERE believed = 0 GROUP BY 1, 2, 3",
    ),
}


def assert_summaries_are_recounts(connection: sqlite3.Connection) -> None:
    """Every summary equals its recount, and each pair's contradiction its weights'."""
    for table, (kept, recount) in RECOUNTED.items():
        assert Counter(connection.execute(kept)) == Counter(connection.execute(recount)), (
            f"{table} must equal its recount"
        )
    strengths = "SELECT actor, target, declared_stance, strength FROM ledger_pairs"
    stored = Counter(connection.execute(strengths))
    connection.execute("SAVEPOINT recount")
    store_pair_strengths(connection, None)
    assert Counter(connection.execute(strengths)) == stored
    connection.execute("ROLLBACK TO recount")


def table_contents(db: Path) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every table's rows by content; also checks the full-text indexes match their tables."""
    with sqlite3.connect(db) as connection:
        tables = {
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL%' AND name NOT LIKE '%_fts_%'"
            )
        }
        assert tables == set(CONTENT_QUERIES), "a new table needs a content query here"
        for index in ("articles_fts", "statements_fts"):
            connection.execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")
        assert_summaries_are_recounts(connection)
        return {
            table: Counter(connection.execute(query).fetchall())
            for table, query in CONTENT_QUERIES.items()
        }


def row_counts(db: Path) -> dict[str, int]:
    return {table: sum(rows.values()) for table, rows in table_contents(db).items()}


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "corpus.db"
    labels = tmp_path_factory.mktemp("labels") / "labels.yaml"
    labels.write_text(
        "outlets:\n"
        "  - {domain: news.example.org, name: Example News, country: Utopia, "
        "labels: [state-affiliated, local]}\n"
        "  - {domain: wire.example.com, name: Wire Service, labels: [wire]}\n"
        "actors:\n"
        "  - {name: Maria Lopez, type: person, roles: [county clerk], country: Utopia}\n",
        "utf-8",
    )
    assert ingest(db, FIXTURES, extra=("--labels", str(labels))) == 0
    return db


# --- identity -------------------------------------------------------------------------


def test_a_file_named_by_relative_and_absolute_paths_is_one_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text('"We won," said Kamala Harris in Ohio.\n')
    monkeypatch.chdir(tmp_path)
    ingest(tmp_path / "s.db", "news/a.txt")
    capsys.readouterr()

    ingest(tmp_path / "s.db", tmp_path / "news" / "a.txt")

    assert "0 ingested, 0 updated, 1 unchanged" in capsys.readouterr().err


def test_urls_are_normalized_to_one_identity() -> None:
    assert normalize_url("HTTPS://News.Example.org:443/a?utm_source=x&b=2&a=1#top") == (
        "https://news.example.org/a?a=1&b=2"
    )
    assert normalize_url("http://example.org") == "http://example.org/"
    assert normalize_url("http://example.org:8080/x") == "http://example.org:8080/x"


# --- nothing twice, nothing lost ---------------------------------------------------------


def test_running_the_same_ingest_again_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    corpus = write_variants(tmp_path / "corpus", 6)
    assert ingest(db, corpus, FIXTURES) == 0
    first = table_contents(db)
    capsys.readouterr()

    assert ingest(db, corpus, FIXTURES) == 0

    assert "0 ingested, 0 updated, 10 unchanged (duplicates), 0 failed" in capsys.readouterr().err
    assert table_contents(db) == first


def test_changed_article_replaces_the_old_one_under_the_same_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    article = tmp_path / "story.txt"
    article.write_text('Story\n\n"Turnout is high," said Kamala Harris in Detroit.\n', "utf-8")
    ingest(db, article)
    with Store(db) as store:
        [before] = store.statements()

    article.write_text('Story\n\n"Turnout is low," said Donald Trump in Miami.\n', "utf-8")
    capsys.readouterr()
    ingest(db, article)

    assert "0 ingested, 1 updated" in capsys.readouterr().err
    with Store(db) as store:
        [after] = store.statements()
        assert store.counts().articles == 1
    table_contents(db)  # ledger totals still match the evidence after the replacement
    assert after.article_id == before.article_id
    assert (before.speaker_entity, after.speaker_entity) == ("Kamala Harris", "Donald Trump")
    assert "Turnout is low" in after.content


def test_same_text_at_two_outlets_stays_two_articles_and_tracking_urls_are_one(
    tmp_path: Path,
) -> None:
    text = 'Vote\n\n"The count is final," said Kamala Harris on Tuesday in Atlanta.'
    records = [
        {"url": "https://a.example/vote", "text": text},
        {"url": "https://b.example/vote", "text": text},
        {"url": "HTTPS://A.example/vote?utm_source=feed", "text": text},
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    db = tmp_path / "s.db"

    ingest(db, path)

    with Store(db) as store:
        assert store.counts().articles == 2
        assert sorted(o.domain for o in store.outlets()) == ["a.example", "b.example"]


def test_bad_records_are_counted_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good.txt").write_text('"We won," said Kamala Harris in Ohio on Monday.\n')
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "broken.jsonl").write_text('{"text": "fine text said Joe Biden today"}\n{oops\n')
    db = tmp_path / "s.db"

    status = ingest(db, tmp_path)

    err = capsys.readouterr().err
    assert status == 1
    assert f"saywho: error: {tmp_path / 'broken.jsonl'}#2: invalid JSON" in err
    assert f"saywho: error: {tmp_path / 'empty.txt'}: empty file" in err
    assert "2 ingested, 0 updated, 0 unchanged (duplicates), 2 failed" in err


def test_a_failure_inside_the_transaction_leaves_no_trace(
    tmp_path: Path, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = pipeline.analyze_text(
        '"We will win," said Donald Trump. Kamala Harris criticized Donald Trump.', "a.txt"
    )
    assert isinstance(article, Article)
    with Store(tmp_path / "s.db") as store:
        provenance = provenance_of(pipeline.config)

        def broken_insert(*args: object) -> int:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(store, "_insert_statement", broken_insert)
        with pytest.raises(RuntimeError):
            store.save_article(article, provenance)
        monkeypatch.undo()
        assert store.counts().articles == 0 and store.counts().entities == 0
        assert store.save_article(article, provenance) == "ingested"


@pytest.mark.parametrize("kills", [3])
def test_sigkilled_ingest_resumes_to_the_rows_of_an_uninterrupted_one(
    tmp_path: Path, kills: int
) -> None:
    corpus = write_variants(tmp_path / "corpus", 40)
    reference = tmp_path / "reference.db"
    assert ingest(reference, corpus) == 0
    crashed = tmp_path / "crashed.db"
    rng = random.Random(int(os.environ.get("SAYWHO_CRASH_SEED", "11")))
    command = [sys.executable, "-m", "saywho", "ingest", str(corpus), "--db", str(crashed), *RULES]
    killed_at = []
    for _ in range(kills):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Wait until it is writing, then kill it a random moment later.
        wait_for_articles(crashed, rng.randint(1, 10), process)
        time.sleep(rng.uniform(0, 0.15))
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_at.append(Store(crashed).counts().articles)
    assert any(0 < count < 40 for count in killed_at), killed_at

    assert ingest(crashed, corpus) == 0

    assert table_contents(crashed) == table_contents(reference)


def wait_for_articles(db: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as reader:
                if reader.execute("SELECT COUNT(*) FROM articles").fetchone()[0] >= count:
                    return
        except sqlite3.OperationalError:
            pass  # not created yet
        time.sleep(0.01)


def test_several_workers_store_the_same_rows(tmp_path: Path) -> None:
    corpus = write_variants(tmp_path / "corpus", 12)
    one, two = tmp_path / "one.db", tmp_path / "two.db"

    assert ingest(one, corpus, FIXTURES) == 0
    assert ingest(two, corpus, FIXTURES, extra=("--workers", "2")) == 0

    assert table_contents(two) == table_contents(one)


def test_readers_query_while_an_ingest_writes(tmp_path: Path) -> None:
    corpus = write_variants(tmp_path / "corpus", 30)
    db = tmp_path / "s.db"
    Store(db).close()
    statuses: list[int] = []
    writer = threading.Thread(target=lambda: statuses.append(ingest(db, corpus)))
    seen: list[int] = []
    writer.start()
    with Store.existing(db) as reader:
        while writer.is_alive():
            counts = reader.counts()
            # Whole articles only: every article seen has all its statements.
            per_article = reader.connection().execute(
                "SELECT COUNT(*) FROM articles a WHERE (SELECT COUNT(*) FROM statements s "
                "WHERE s.article_id = a.id) < 3"
            )
            assert per_article.fetchone()[0] == 0
            reader.ledger(LedgerFilter(actor="Russia"))
            reader.search("Polls")
            seen.append(counts.articles)
            time.sleep(0.005)
    writer.join()
    assert statuses == [0]
    assert seen == sorted(seen) and len(set(seen)) > 2, seen


# --- schema and migrations ----------------------------------------------------------------


def test_migrations_bring_an_older_database_up_and_refuse_a_newer_one(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Store(db) as store:
        assert store.counts().schema_version == len(MIGRATIONS)
    connection = sqlite3.connect(db, isolation_level=None)

    def add_column(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE outlets ADD COLUMN notes TEXT")

    assert migrate(connection, (*MIGRATIONS, add_column)) == len(MIGRATIONS) + 1
    assert migrate(connection, (*MIGRATIONS, add_column)) == len(MIGRATIONS) + 1
    connection.execute("PRAGMA user_version = 99")
    connection.close()

    with pytest.raises(ConfigError, match="made by a newer saywho"):
        Store(db)


def test_a_database_of_schema_1_gets_its_ledger_totals_when_opened(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ingest(db, FIXTURES)
    with sqlite3.connect(db) as connection:  # stored before schema 5: speech; before 6: no lemma
        connection.execute("UPDATE statements SET medium = 'speech', cue_lemma = NULL")
    current = table_contents(db)
    with sqlite3.connect(db) as connection:  # as saywho with schema 1 left it
        undo_schema_10(connection)
        undo_schema_9(connection)
        for table in ("deliveries", "alerts", "watch_rules", "feed_validators"):  # schema 7
            connection.execute(f"DROP TABLE {table}")
        connection.execute("ALTER TABLE statements DROP COLUMN cue_lemma")  # schema 6
        connection.execute("ALTER TABLE statements DROP COLUMN medium")  # schema 5
        connection.execute("DROP TABLE ledger_pairs")
        connection.execute("DROP TABLE article_vectors")  # schema 4
        connection.execute("DROP TABLE article_links")
        connection.execute("DROP TABLE statement_links")
        connection.execute("PRAGMA user_version = 1")

    Store(db).close()

    assert table_contents(db) == current


def undo_schema_10(connection: sqlite3.Connection) -> None:
    """The database as saywho with schema 9 left it: no believed evidence (schema 9 did
    not store it), and what migration 10 changed as schemas 1 and 9 made it."""
    connection.execute("DELETE FROM evidence WHERE believed = 1")
    connection.execute("DELETE FROM ledger_pairs WHERE evidence = 0")
    changed = re.findall(r"CREATE (TRIGGER|INDEX) (\w+)", schema_module.schema_10_script())
    for kind, name in changed:
        connection.execute(f"DROP {kind} {name}")
    for table, column in re.findall(
        r"ALTER TABLE (\w+) ADD COLUMN (\w+)", schema_module.schema_10_script()
    ):
        connection.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    earlier = schema_module._SCHEMA_1 + schema_module.schema_9_script()
    names = {name for _, name in changed}
    for statement in schema_module._split_statements(earlier):
        created = re.match(r"CREATE (?:TRIGGER|INDEX) (\w+)", statement)
        if created and created[1] in names:
            connection.execute(statement)
    connection.execute("PRAGMA user_version = 9")


def undo_schema_9(connection: sqlite3.Connection) -> None:
    """The database as saywho with schema 8 left it: what migration 9 creates, dropped."""
    script = schema_module.schema_9_script()
    for kind, name in re.findall(r"CREATE (TRIGGER|INDEX) (\w+)", script):
        connection.execute(f"DROP {kind} {name}")
    for name in re.findall(r"CREATE TABLE (\w+)", script):
        connection.execute(f"DROP TABLE {name}")
    for table, column in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", script):
        connection.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    connection.execute("PRAGMA user_version = 8")


def test_a_database_of_schema_8_gets_the_summaries_of_schema_9_when_opened(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.db"
    ingest(db, FIXTURES, write_variants(tmp_path / "variants", 12))
    current = table_contents(db)
    with sqlite3.connect(db) as connection:
        undo_schema_10(connection)
        undo_schema_9(connection)
        # Written by schema 8, with no trigger to keep anything in step.
        connection.execute("DELETE FROM mentions WHERE id = (SELECT MAX(id) FROM mentions)")

    Store(db).close()

    migrated = table_contents(db)  # every summary equals its recount
    assert {t: rows for t, rows in migrated.items() if t not in ("mentions", "entities")} == {
        t: rows for t, rows in current.items() if t not in ("mentions", "entities")
    }
    with StoreReader(db) as reader:
        assert reader.counts().mentions == sum(current["mentions"].values()) - 1


def test_a_database_of_schema_9_keeps_what_it_holds_and_stores_beliefs_once_opened(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.db"
    ingest(db, FIXTURES, write_variants(tmp_path / "variants", 6))
    current = table_contents(db)
    assert not any(row[-1] for row in current["evidence"])  # nothing believed to lose
    with sqlite3.connect(db) as connection:
        undo_schema_10(connection)

    Store(db).close()

    assert table_contents(db) == current
    with Store(db) as store:
        assert store.counts().schema_version == len(MIGRATIONS)
        store.save_article(believed_article(), provenance_of(RULES_CONFIG))
    contents = table_contents(db)  # the summaries, the new triggers' included, are recounts
    believed = {(row[0], row[1], row[3]) for row in contents["evidence"] if row[-1]}
    assert believed == {
        ("Peter Lindqvist", "Maria Okonkwo", "positive"),
        ("Peter Lindqvist", "Kamala Harris", "negative"),
    }
    with sqlite3.connect(db) as connection:
        # A filtered ledger counts the believed apart from the index alone, as before.
        plan = connection.execute(
            "EXPLAIN QUERY PLAN SELECT target, SUM(declared = 0 AND believed = 0), "
            "SUM(believed) FROM evidence WHERE actor = ? AND published >= ? GROUP BY target",
            ("Russia", "2024-01-01"),
        ).fetchall()
        assert "COVERING INDEX evidence_actor" in str(plan)


def test_stored_contradictions_are_those_counted_from_the_evidence(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    records = tmp_path / "declared.jsonl"
    records.write_text("\n".join(json.dumps(a) for a in DECLARED_AND_SAID) + "\n", "utf-8")
    ingest(db, FIXTURES, records)
    with StoreReader(db) as store:
        stored = store.contradictions(LedgerFilter(), examples=3)
        # A filter on the evidence itself (one every piece passes) counts it afresh.
        counted = store.contradictions(LedgerFilter(min_confidence=0.0), examples=3)
        assert stored
        assert stored == counted
        assert store.contradictions(LedgerFilter(), limit=1, offset=1) == counted[1:2]


def test_a_failed_migration_leaves_the_version_as_it_was(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    migrate(connection)

    def broken(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        migrate(connection, (*MIGRATIONS, broken))
    assert schema_version(connection) == len(MIGRATIONS)
    assert not connection.execute(
        "SELECT name FROM sqlite_master WHERE name='half_done'"
    ).fetchall()


def test_queries_need_an_existing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ledger", "--db", str(tmp_path / "none.db")]) == 2
    assert "no such database" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


# --- provenance and reanalysis -----------------------------------------------------------------


def test_reanalyze_brings_older_analyses_up_to_the_current_models(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    ingest(db, FIXTURES)
    before = table_contents(db)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE analyses SET fingerprint = 'old', saywho_version = '0.0.1'")
    capsys.readouterr()

    assert main(["reanalyze", "--db", str(db), *RULES]) == 0
    assert "4 reanalyzed" in capsys.readouterr().err
    assert main(["reanalyze", "--db", str(db), *RULES]) == 0
    assert "0 ingested, 0 updated, 0 unchanged" in capsys.readouterr().err

    after = table_contents(db)
    with Store(db) as store:
        record = store.article(1)
    assert record is not None and record.provenance.saywho_version != "0.0.1"
    assert set(record.provenance.models) >= {"spacy", "attributor", "stance", "knowledge-base"}
    for table in ("articles", "statements", "stances", "evidence", "mentions"):
        assert sum(after[table].values()) == sum(before[table].values()), table
    assert after["statements"] == before["statements"]


def test_counting_thought_as_expressed_is_another_analysis() -> None:
    # The ledger stored differs, so a store must not mix the two under one analysis.
    config = PipelineConfig(attributor="rules", stance_model="lexicon")
    apart = fingerprint(provenance_of(config))
    counted = fingerprint(provenance_of(replace(config, include_thought=True)))
    assert apart != counted
    assert apart == fingerprint(provenance_of(config))


# --- queries ---------------------------------------------------------------------------------


def test_ledger_counts_what_build_ledger_finds(corpus_db: Path) -> None:
    from saywho.ingest import read_inputs

    expected: Counter[tuple[str, str, bool, str]] = Counter()
    for article in Pipeline(RULES_CONFIG).analyze(read_inputs([str(FIXTURES)])):
        for row in getattr(article, "ledger", []):
            for declared, evidence in ((True, row.declared), (False, row.expressed)):
                for item in evidence:
                    expected[(row.actor, row.target, declared, item.polarity)] += 1

    found: Counter[tuple[str, str, bool, str]] = Counter()
    with Store(corpus_db) as store:
        for entry in store.ledger(limit=1000, examples=0):
            for declared, counts in ((True, entry.declared), (False, entry.expressed)):
                for polarity, count in counts.items():
                    if count:
                        found[(entry.actor, entry.target, declared, polarity)] += count

    assert found == expected and expected


def test_ledger_filters_apply_before_counting(corpus_db: Path) -> None:
    with Store(corpus_db) as store:
        russia = store.ledger(LedgerFilter(actor="russia"))
        assert russia and {e.actor for e in russia} == {"Russia"}
        declared = [e for e in russia if sum(e.declared.values())]
        assert declared and declared[0].examples[0].declared
        by_country = store.ledger(LedgerFilter(country="Russia"))
        assert {e.actor for e in by_country} == {"Russia", "Sergei Lavrov"}
        october = store.ledger(LedgerFilter(since="2024-10-03", until="2024-10-03"))
        assert october and all((e.first_published or "") >= "2024-10-03" for e in october)
        assert all((e.last_published or "9") < "2024-10-04" for e in october)
        wire = store.ledger(LedgerFilter(label="wire"))
        assert wire and all(x.outlet == "Wire Service" for e in wire for x in e.examples)
        assert store.ledger(LedgerFilter(outlet="wire service")) == wire
        assert store.ledger(LedgerFilter(min_confidence=1.01)) == []
        grouped = store.ledger(group_by="outlet", limit=500)
        assert {e.group for e in grouped} == {None, "Wire Service"}
        assert sum(e.evidence for e in grouped) == sum(e.evidence for e in store.ledger(limit=500))
        # Filters that need the evidence rows and the precomputed totals agree.
        assert store.ledger(LedgerFilter(min_confidence=0.0), limit=500) == store.ledger(limit=500)
        page = store.ledger(limit=2, offset=1)
        assert page == store.ledger(limit=3)[1:]


def test_statements_stances_and_article_page(corpus_db: Path) -> None:
    with Store(corpus_db) as store:
        peskov = store.statements(StatementFilter(speaker="dmitry peskov"))
        assert peskov and all(s.speaker_entity == "Dmitry Peskov" for s in peskov)
        about = store.statements(StatementFilter(about="Kamala Harris"))
        assert about and all(any(t.target == "Kamala Harris" for t in s.stances) for s in about)
        assert all(s.act == "denial" for s in store.statements(StatementFilter(act="denial")))
        stances = store.stances(StatementFilter(about="Kamala Harris"))
        assert stances and {s.target for s in stances} == {"Kamala Harris"}
        record = store.article(peskov[0].article_id)
        assert record is not None
        for statement in record.statements:
            for start, end in statement.content_spans:
                assert record.text[start:end] in statement.content
        assert record.entities and record.evidence
        assert store.article(10_000) is None


def test_search_highlights_and_falls_back_to_plain_words(corpus_db: Path) -> None:
    with Store(corpus_db) as store:
        hits = store.search("reckless escalation")
        assert hits and "**reckless**" in hits[0].snippet
        assert {hit.kind for hit in hits} == {"article", "statement"}
        statements_only = store.search("escalation", SearchFilter(scope="statements"))
        assert {hit.kind for hit in statements_only} == {"statement"}
        assert store.search("Trump's \"smart") == store.search("Trump s smart")
        assert store.search("nosuchwordanywhere") == []


def test_entities_outlets_and_labels(corpus_db: Path) -> None:
    with Store(corpus_db) as store:
        people = store.entities("PERSON")
        assert people and all(e.type == "PERSON" for e in people)
        assert people[0].mentions >= people[-1].mentions
        [labelled] = store.outlets(label="state-affiliated")
        assert (labelled.domain, labelled.name, labelled.country) == (
            "news.example.org",
            "Example News",
            "Utopia",
        )
        assert labelled.labels == ["local", "state-affiliated"]
        lopez = store.statements(StatementFilter(country="Utopia"))
        assert [s.speaker_entity for s in lopez] == ["Maria Lopez"]


@pytest.mark.parametrize("output_format", ["table", "json", "csv"])
def test_query_commands_write_each_format(
    corpus_db: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    db = ["--db", str(corpus_db), "--format", output_format]
    for command in (
        ["ledger", "--actor", "Russia"],
        ["ledger", "--group-by", "outlet", "--since", "2000-01-01", "--label", "wire"],
        ["ledger", "--group-by", "label"],
        ["statements", "--speaker", "Donald Trump", "--limit", "2"],
        ["search", "election"],
        ["entities", "--type", "gpe"],
        ["outlets"],
        ["overview"],
    ):
        assert main([*command, *db]) == 0, command
        out = capsys.readouterr().out
        assert out.strip(), command
        if output_format == "json":
            assert isinstance(json.loads(out), list)


def test_bad_query_arguments_are_usage_errors(
    corpus_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ledger", "--db", str(corpus_db), "--since", "last week"]) == 2
    assert "--since must be an ISO date" in capsys.readouterr().err
    assert main(["statements", "--db", str(corpus_db), "--limit", "0"]) == 2


# links are written by `saywho spread`; tests/test_spread.py exports them.
@pytest.mark.parametrize("table", [table for table in EXPORT_TABLES if table != "links"])
def test_export_writes_every_row_in_each_format(
    corpus_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str
) -> None:
    import csv

    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    db = ["--db", str(corpus_db), "--table", table]
    jsonl, csv_file, parquet = tmp_path / "t.jsonl", tmp_path / "t.csv", tmp_path / "t.parquet"
    for output_format, path in (("jsonl", jsonl), ("csv", csv_file), ("parquet", parquet)):
        assert main(["export", *db, "--format", output_format, "--out", str(path)]) == 0
    rows = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()]
    with csv_file.open(encoding="utf-8", newline="") as handle:
        csv_rows = list(csv.DictReader(handle))
    parquet_rows = pq.read_table(parquet).to_pylist()
    assert rows and len(rows) == len(csv_rows) == len(parquet_rows)
    assert parquet_rows == rows
    capsys.readouterr()
    assert main(["export", *db, "--format", "parquet"]) == 2


def test_search_with_only_fts_operators_is_not_a_crash(tmp_path: Path) -> None:
    from saywho.store.queries import QueryError
    from saywho.store.rows import SearchFilter

    with Store(tmp_path / "s.db") as store, pytest.raises(QueryError, match="nothing to"):
        store.search("***", SearchFilter(), 10, 0)


def test_date_times_with_an_offset_filter_as_the_moment_they_are() -> None:
    from saywho.dates import DateError, date_bounds
    from saywho.store.queries import QueryError, query_bounds
    from saywho.store.rows import CascadeFilter

    # Stored dates are UTC (…Z) or zone-less; a bound keeps the precision it was given,
    # standing for every moment it is a prefix of, and a zone is moved to UTC.
    assert date_bounds("2026-03-02T09:00+02:00", "2026-03-02T09:00+02:00") == (
        DateBounds("2026-03-02T07:00", "2026-03-02T07:00\uffff")
    )
    assert date_bounds("2026-03-02T08:00Z", None).since == "2026-03-02T08:00"
    minute = date_bounds(None, "2024-10-03T18:30")  # the whole minute
    assert minute.keeps("2024-10-03T18:30:59Z") and not minute.keeps("2024-10-03T18:31:00Z")
    assert date_bounds(None, "2024-10-03T20:30+02:00").keeps("2024-10-03T18:30:45Z")
    assert date_bounds("2026-03-02", "2026-03-02") == DateBounds("2026-03-02", "2026-03-03")
    day = date_bounds("2026-03-02", "2026-03-02")
    assert day.keeps("2026-03-02") and day.keeps("2026-03-02T23:59:59Z")
    assert not day.keeps("2026-03-01T23:59:59") and not day.keeps("2026-03-03")
    assert not day.keeps(None) and DateBounds().keeps(None)
    with pytest.raises(DateError, match="ISO date or date-time"):
        date_bounds("2026-03-02T25:00Z", None)
    # The store reads every filter's bounds through one function, as a QueryError.
    with pytest.raises(QueryError, match="--until must be an ISO date"):
        query_bounds(CascadeFilter(until="yesterday"))
    with pytest.raises(QueryError, match="--since must be an ISO date"):
        query_bounds(LedgerFilter(since="last week"))


def test_publication_dates_are_normalized_to_iso() -> None:
    from saywho.dates import normalize_published

    assert normalize_published(" 2024-09-12 ") == "2024-09-12"
    assert normalize_published("Thu, 12 Sep 2024 10:30:00 +0200") == "2024-09-12T08:30:00Z"
    assert normalize_published("2024-09-12T08:30:00") == "2024-09-12T08:30:00"
    assert normalize_published("2024-02-30") is None
    assert normalize_published("soon") is None and normalize_published("") is None


# --- the one way to the database ------------------------------------------------------------


def test_a_stored_article_is_the_article_the_pipeline_made(tmp_path: Path) -> None:
    """``stored_article`` gives back what ``save_article`` stored: the same
    ``saywho.article/1`` JSON."""
    import jsonschema

    from saywho.ingest import read_inputs
    from saywho.output.jsonio import article_to_dict

    schema = json.loads(
        (Path(__file__).parents[1] / "src/saywho/data/article.schema.json").read_text()
    )
    analyzed = [
        item
        for item in Pipeline(RULES_CONFIG).analyze(read_inputs([str(FIXTURES)]))
        if isinstance(item, Article)
    ]
    assert any(article.ledger for article in analyzed)
    with Store(tmp_path / "s.db") as store:
        for article in analyzed:
            store.save_article(article, provenance_of(RULES_CONFIG))
        for article_id, article in enumerate(analyzed, start=1):
            stored = store.stored_article(article_id)
            assert stored is not None
            found, expected = article_to_dict(stored), article_to_dict(article)
            jsonschema.validate(found, schema)
            for statement in expected["statements"]:
                statement["stances"].sort(key=lambda stance: stance["target"])  # stored so
            for key in ("outlet", "published"):  # stored as a name or domain, and in ISO
                expected[key] = found[key]
            assert found == expected
        assert store.stored_article(10_000) is None


def test_what_an_actor_is_reported_to_believe_is_stored_apart_from_what_it_expresses(
    tmp_path: Path,
) -> None:
    from saywho.output.jsonio import article_to_dict

    article = believed_article()
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.save_article(article, provenance_of(RULES_CONFIG))
        stored = store.stored_article(1)
        assert stored is not None
        assert stored.ledger == article.ledger
        assert article_to_dict(stored)["ledger"] == article_to_dict(article)["ledger"]

        # The pair view: the belief beside the speech, counted on neither side.
        for query in (LedgerFilter(), LedgerFilter(min_confidence=0.0)):  # totals; evidence
            pair, alone = store.ledger(replace(query, actor="Peter Lindqvist"), examples=5)
            assert (pair.target, alone.target) == ("Maria Okonkwo", "Kamala Harris")
            assert pair.expressed == {"negative": 1, "neutral": 0, "positive": 0}
            assert not sum(pair.declared.values())
            assert (pair.evidence, pair.believed) == (1, 1)
            assert {(e.believed, e.declared, e.polarity) for e in pair.examples} == {
                (False, False, "negative"),
                (True, False, "positive"),
            }
            assert not sum(alone.expressed.values()) and not sum(alone.declared.values())
            assert (alone.evidence, alone.believed) == (0, 1)
            assert [(e.believed, e.polarity) for e in alone.examples] == [(True, "negative")]

        # What counts evidence counts the declared and the expressed only.
        assert store.counts().evidence == 1
        matrix = store.ledger_matrix(LedgerFilter(), 10, 10)
        assert [(r.name, r.evidence) for r in matrix.actors] == [("Peter Lindqvist", 1)]
        assert [(r.name, r.evidence) for r in matrix.targets] == [("Maria Okonkwo", 1)]
        assert matrix.cells[("Peter Lindqvist", "Maria Okonkwo")].believed == 1
        [month] = store.stance_from("Peter Lindqvist").periods  # the believed not counted
        assert month.counts == {"negative": 1, "neutral": 0, "positive": 0}
        assert not store.contradictions(LedgerFilter())
        record = store.article(1)
        assert record is not None
        assert sorted((e.target, e.believed) for e in record.evidence) == [
            ("Kamala Harris", True),
            ("Maria Okonkwo", False),
            ("Maria Okonkwo", True),
        ]

        # Replaced by a changed input: the believed evidence goes with its article.
        assert store.save_article(article, provenance_of(RULES_CONFIG), "changed") == "updated"
    with sqlite3.connect(db) as connection:
        assert_summaries_are_recounts(connection)
        assert connection.execute("SELECT SUM(believed) FROM ledger_pairs").fetchone() == (2,)


def test_statement_rows_carry_speaker_and_cue_offsets(corpus_db: Path) -> None:
    with StoreReader(corpus_db) as reader:
        rows = reader.statements(limit=1000)
        texts = {}
        for article_id in {row.article_id for row in rows}:
            record = reader.article(article_id)
            assert record is not None
            texts[article_id] = record.text
    assert any(row.speaker_span for row in rows) and any(row.cue_span for row in rows)
    for row in rows:
        text = texts[row.article_id]
        if row.speaker_span is not None:
            assert text[slice(*row.speaker_span)] == row.speaker
        if row.cue_span is not None:
            assert text[slice(*row.cue_span)] == row.cue


def test_a_reader_never_writes_nor_migrates(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with pytest.raises(ConfigError, match="no such database"):
        StoreReader(db)
    assert not db.exists()
    Store(db).close()
    with StoreReader(db) as reader:
        assert reader.counts().articles == 0
        assert not hasattr(reader, "save_article") and not hasattr(reader, "connection")
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|query_only"):
            reader._db.execute("DELETE FROM articles")
    with sqlite3.connect(db) as connection:
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    with pytest.raises(ConfigError, match="schema version"):
        StoreReader(db)
    with sqlite3.connect(db) as connection:
        assert schema_version(connection) == len(MIGRATIONS) - 1  # left as it was


def test_a_reader_keeps_a_value_until_the_database_changes(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    Store(db).close()
    builds: list[int] = []

    def build() -> int:
        builds.append(1)
        return len(builds)

    with StoreReader(db) as reader, Store(db) as writer:
        assert reader._while_unchanged("k", build) == 1
        assert reader._while_unchanged("k", build) == 1  # unchanged: not rebuilt
        for number in range(3):
            writer.apply_actor_country(f"Actor {number}", "person", "Utopia")
            assert reader._while_unchanged("k", build) == len(builds)
        assert len(builds) == 4
        assert list(reader._cache) == ["k"]  # the latest only, not one per version
        for key in range(20):
            reader._while_unchanged(key, build)
        assert len(reader._cache) <= CACHED_VALUES
        # A store forgets what it kept when it writes itself (its own commits do not
        # move PRAGMA data_version).
        assert writer._while_unchanged("k", build) == writer._while_unchanged("k", build)
        writer.apply_actor_country("Someone", "person", "Utopia")
        before = len(builds)
        writer._while_unchanged("k", build)
        assert len(builds) == before + 1


def test_search_text_fts5_refuses_is_a_query_error(corpus_db: Path) -> None:
    from saywho.store.queries import QueryError

    with StoreReader(corpus_db) as reader:
        for text in ("***", '"', "hello:world", "NEAR("):
            # A message for the user, never a sqlite3 error.
            with contextlib.suppress(QueryError):
                reader.search(text)


def test_every_ledger_grouping_has_its_sql() -> None:
    from typing import get_args

    from saywho.store.queries import _GROUPINGS
    from saywho.store.rows import LedgerGrouping

    assert set(_GROUPINGS) == {None, *get_args(LedgerGrouping)}
