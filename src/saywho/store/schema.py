"""The database schema and its migrations.

``PRAGMA user_version`` is the number of migrations applied. Each migration is
a function run once, in order, inside one transaction with the version bump, so
a database made by an older saywho is brought up to date when a newer one opens
it, and a crash during a migration leaves the older version intact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from saywho.model import ConfigError

Migration = Callable[[sqlite3.Connection], None]

_SCHEMA_1 = """
-- Which saywho and which models made an analysis (one row per distinct set-up).
CREATE TABLE analyses (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    saywho_version TEXT NOT NULL,
    models TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- domain: the host without www., or for records without a URL the outlet name in lower case.
CREATE TABLE outlets (
    id INTEGER PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,
    name TEXT,
    country TEXT
);
CREATE INDEX outlets_name ON outlets(name COLLATE NOCASE);

CREATE TABLE outlet_labels (
    label TEXT NOT NULL,
    outlet_id INTEGER NOT NULL REFERENCES outlets(id) ON DELETE CASCADE,
    PRIMARY KEY (label, outlet_id)
) WITHOUT ROWID;
CREATE INDEX outlet_labels_outlet ON outlet_labels(outlet_id);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    outlet_id INTEGER REFERENCES outlets(id),
    title TEXT,
    published TEXT,
    language TEXT,
    text TEXT NOT NULL,
    notes TEXT NOT NULL,
    analysis_id INTEGER NOT NULL REFERENCES analyses(id),
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_outlet ON articles(outlet_id, published);
CREATE INDEX articles_analysis ON articles(analysis_id);
CREATE INDEX articles_content_hash ON articles(content_hash);

CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    speaks_for TEXT,
    in_knowledge_base INTEGER NOT NULL,
    UNIQUE (name, type)
);
CREATE INDEX entities_name ON entities(name COLLATE NOCASE);

CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE INDEX mentions_entity ON mentions(entity_id, article_id);

-- published and outlet_id are the article's, copied so that time and outlet
-- filters need no join.
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    local_id TEXT NOT NULL,
    speaker TEXT,
    speaker_entity TEXT,
    speaker_start INTEGER,
    speaker_end INTEGER,
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    content TEXT NOT NULL,
    content_spans TEXT NOT NULL,
    kind TEXT NOT NULL,
    act TEXT NOT NULL,
    confidence REAL NOT NULL,
    published TEXT,
    outlet_id INTEGER,
    UNIQUE (article_id, local_id)
);
CREATE INDEX statements_speaker ON statements(speaker_entity, published);
CREATE INDEX statements_published ON statements(published);

CREATE TABLE stances (
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    polarity TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (statement_id, target)
) WITHOUT ROWID;
CREATE INDEX stances_target ON stances(target, statement_id);

-- Ledger actors: speakers and the states they speak for. country: a state's
-- own name, an official's state, or what a labels file says.
CREATE TABLE actors (
    name TEXT PRIMARY KEY,
    actor_type TEXT NOT NULL,
    country TEXT
) WITHOUT ROWID;
CREATE INDEX actors_country ON actors(country);
CREATE INDEX actors_name ON actors(name COLLATE NOCASE);

-- The ledger, one row per piece of evidence (actor x target x statement), with
-- what every ledger filter needs, so filters apply before aggregation. The
-- indexes are covering: an actor's or a target's ledger is read from one.
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    actor TEXT NOT NULL,
    target TEXT NOT NULL,
    declared INTEGER NOT NULL,
    polarity TEXT NOT NULL,
    score REAL NOT NULL,
    confidence REAL NOT NULL,
    published TEXT,
    outlet_id INTEGER,
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL
);
CREATE INDEX evidence_actor
    ON evidence(actor, target, published, declared, polarity, confidence, outlet_id);
CREATE INDEX evidence_target
    ON evidence(target, actor, published, declared, polarity, confidence, outlet_id);
CREATE INDEX evidence_published
    ON evidence(published, actor, target, declared, polarity, confidence, outlet_id);
CREATE INDEX evidence_statement ON evidence(statement_id);

-- Full-text search over external content, kept in step by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE VIRTUAL TABLE statements_fts USING fts5(
    content, speaker, content='statements', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts(rowid, content, speaker) VALUES (new.id, new.content, new.speaker);
END;
CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, content, speaker)
    VALUES ('delete', old.id, old.content, old.speaker);
END;
"""


# Version 2: ledger totals per actor and target, kept in step by Store.save_article,
# so an unfiltered ledger (or one actor's, one target's, one country's) is read
# from them instead of counting every piece of evidence.
_SCHEMA_2 = """
CREATE TABLE ledger_pairs (
    actor TEXT NOT NULL,
    target TEXT NOT NULL,
    declared_negative INTEGER NOT NULL,
    declared_neutral INTEGER NOT NULL,
    declared_positive INTEGER NOT NULL,
    expressed_negative INTEGER NOT NULL,
    expressed_neutral INTEGER NOT NULL,
    expressed_positive INTEGER NOT NULL,
    evidence INTEGER NOT NULL,
    first_published TEXT,
    last_published TEXT,
    PRIMARY KEY (actor, target)
) WITHOUT ROWID;
CREATE INDEX ledger_pairs_evidence ON ledger_pairs(evidence DESC, actor, target);
CREATE INDEX ledger_pairs_target ON ledger_pairs(target, evidence DESC);
INSERT INTO ledger_pairs
    SELECT actor, target,
        SUM(declared = 1 AND polarity = 'negative'), SUM(declared = 1 AND polarity = 'neutral'),
        SUM(declared = 1 AND polarity = 'positive'), SUM(declared = 0 AND polarity = 'negative'),
        SUM(declared = 0 AND polarity = 'neutral'), SUM(declared = 0 AND polarity = 'positive'),
        COUNT(*), MIN(published), MAX(published)
    FROM evidence GROUP BY actor, target;
"""


def _script(script: str) -> Migration:
    def run(connection: sqlite3.Connection) -> None:
        for statement in _split_statements(script):
            connection.execute(statement)

    return run


def _split_statements(script: str) -> list[str]:
    """The statements of a script, trigger bodies kept whole (``executescript`` would commit)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not pending:
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending[:80]!r}")
    return statements


# 3: outlet listings count statements per outlet; without this index that is a scan.
_SCHEMA_3 = """
CREATE INDEX IF NOT EXISTS statements_outlet ON statements(outlet_id);
"""

# 4: spread. Text vectors are kept per article and encoder (with the content hash
# they were computed from, so a changed article is encoded again); article links
# and repeated-quote links between statements are rebuilt by each `saywho spread`.
_SCHEMA_4 = """
CREATE TABLE article_vectors (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    encoder TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (article_id, encoder)
) WITHOUT ROWID;
CREATE TABLE article_links (
    first_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    second_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    overlap REAL NOT NULL,
    similarity REAL,
    PRIMARY KEY (first_id, second_id)
) WITHOUT ROWID;
CREATE INDEX article_links_second ON article_links(second_id);
CREATE TABLE statement_links (
    first_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    second_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    overlap REAL NOT NULL,
    PRIMARY KEY (first_id, second_id)
) WITHOUT ROWID;
CREATE INDEX statement_links_second ON statement_links(second_id);
"""

# 5: each statement's medium (speech, writing, thought; saywho 0.4.0). Statements
# stored before it were analysed without one and read as speech.
_SCHEMA_5 = """
ALTER TABLE statements ADD COLUMN medium TEXT NOT NULL DEFAULT 'speech';
"""

# 6: the lemma of each statement's cue head (saywho 0.5.0), so a stored article reads
# back as the pipeline wrote it. Statements stored before it have none (NULL).
_SCHEMA_6 = """
ALTER TABLE statements ADD COLUMN cue_lemma TEXT;
"""

# Watch (saywho watch): alerts with a unique key per rule and evidence, their outbox
# (one delivery row per alert and sink), each rule's progress, and feed validators.
_SCHEMA_7 = """
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (rule, key)
);
CREATE INDEX alerts_created ON alerts(created_at, id);

CREATE TABLE deliveries (
    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    sink TEXT NOT NULL,
    delivered_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    PRIMARY KEY (sink, alert_id)
) WITHOUT ROWID;
CREATE INDEX deliveries_alert ON deliveries(alert_id);

CREATE TABLE watch_rules (
    rule TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    last_statement_id INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE feed_validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    checked_at TEXT NOT NULL
) WITHOUT ROWID;
"""

# 8: one article's ledger evidence (its page, GET /api/articles/{id}) by article_id; without
# it each such read scanned all evidence (0.5-0.8 s on 114k statements, growing with them).
_SCHEMA_8 = """
CREATE INDEX IF NOT EXISTS evidence_article ON evidence(article_id);
"""

# 9: summaries kept at write time for what the dashboard and API read on every view and
# that no index makes cheap (each an aggregate over all statements: seconds on a
# million: docs/web.md, "Load"):
# - ledger_pairs gains each pair's confidence sums (integer millionths, so that a sum
#   kept by adding and subtracting equals one counted afresh: contradictions.py's
#   confidence_weight) and the contradiction the pair makes (declared stance, strength;
#   NULL when it makes none), so the unfiltered contradictions are an index range;
# - entities gain how many mentions and articles they have, kept by triggers on mentions
#   (every path that adds, moves or deletes a mention, cascades included);
# - stances gain their statement's publication date (copied, as statements copy their
#   article's), so a target's latest stances are an index range, not a sort;
# - stance_months and actor_months count stances toward a target and a ledger actor's
#   evidence per month and polarity (the entity page's plots), kept by triggers;
# - ledger_actors and ledger_targets total ledger_pairs per actor and per target (the
#   ledger matrix ranks them), kept by triggers on ledger_pairs;
# - outlets gain how many articles and statements they have (the outlet list's order),
#   kept by triggers on articles and statements;
# - evidence_declared indexes the (rare) declared evidence by pair and date: a pair's
#   latest declarations were otherwise found by reading its expressed evidence too.


def _monthly_counts(table: str, key: str, source: str, count: str) -> str:
    """A table of rows of ``source`` counted by ``key``, month and polarity, kept by
    triggers, so that a timeline reads a few hundred rows instead of millions.

    ``stance_months`` counts stances per target, ``actor_months`` evidence per actor;
    the two differ only in these names.
    """
    add, remove = _monthly_add(table, key, count), _monthly_remove(table, key, count)
    return f"""CREATE TABLE {table} (
    {key} TEXT NOT NULL,
    month TEXT NOT NULL,  -- '' for undated rows
    polarity TEXT NOT NULL,
    {count} INTEGER NOT NULL,
    PRIMARY KEY ({key}, month, polarity)
) WITHOUT ROWID;
INSERT INTO {table}
    SELECT {key}, coalesce(substr(published, 1, 7), ''), polarity, COUNT(*) FROM {source}
    GROUP BY 1, 2, 3;
CREATE TRIGGER {table}_insert AFTER INSERT ON {source} BEGIN
    {add}
END;
CREATE TRIGGER {table}_delete AFTER DELETE ON {source} BEGIN
    {remove}
END;
CREATE TRIGGER {table}_update AFTER UPDATE OF {key}, polarity, published ON {source} BEGIN
    {remove}
    {add}
END;
"""


def _monthly_add(table: str, key: str, count: str) -> str:
    """The statement that counts ``new`` in a table of ``_monthly_counts``."""
    month = "coalesce(substr(new.published, 1, 7), '')"
    return f"""INSERT INTO {table} VALUES (new.{key}, {month}, new.polarity, 1)
        ON CONFLICT DO UPDATE SET {count} = {count} + 1;"""


def _monthly_remove(table: str, key: str, count: str) -> str:
    """The statements that uncount ``old`` in a table of ``_monthly_counts``."""
    month = "coalesce(substr(old.published, 1, 7), '')"
    return f"""UPDATE {table} SET {count} = {count} - 1 WHERE {key} = old.{key}
        AND month = {month} AND polarity = old.polarity;
    DELETE FROM {table} WHERE {key} = old.{key}
        AND month = {month} AND polarity = old.polarity AND {count} <= 0;"""


_SCHEMA_9 = """
ALTER TABLE ledger_pairs ADD COLUMN declared_negative_weight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_pairs ADD COLUMN declared_neutral_weight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_pairs ADD COLUMN declared_positive_weight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_pairs ADD COLUMN expressed_negative_weight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_pairs ADD COLUMN expressed_neutral_weight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_pairs ADD COLUMN expressed_positive_weight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_pairs ADD COLUMN declared_stance TEXT;
ALTER TABLE ledger_pairs ADD COLUMN strength REAL;
UPDATE ledger_pairs SET (declared_negative_weight, declared_neutral_weight,
        declared_positive_weight, expressed_negative_weight, expressed_neutral_weight,
        expressed_positive_weight) = (
    SELECT coalesce(SUM(CASE WHEN declared = 1 AND polarity = 'negative' THEN w END), 0),
            coalesce(SUM(CASE WHEN declared = 1 AND polarity = 'neutral' THEN w END), 0),
            coalesce(SUM(CASE WHEN declared = 1 AND polarity = 'positive' THEN w END), 0),
            coalesce(SUM(CASE WHEN declared = 0 AND polarity = 'negative' THEN w END), 0),
            coalesce(SUM(CASE WHEN declared = 0 AND polarity = 'neutral' THEN w END), 0),
            coalesce(SUM(CASE WHEN declared = 0 AND polarity = 'positive' THEN w END), 0)
    FROM (SELECT declared, polarity, CAST(confidence * 1000000 + 0.5 AS INTEGER) AS w
          FROM evidence e WHERE e.actor = ledger_pairs.actor AND e.target = ledger_pairs.target));
CREATE INDEX ledger_pairs_strength ON ledger_pairs(strength DESC, evidence DESC, actor, target)
    WHERE strength IS NOT NULL;

ALTER TABLE entities ADD COLUMN mention_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN article_count INTEGER NOT NULL DEFAULT 0;
UPDATE entities SET (mention_count, article_count) = (
    SELECT COUNT(*), COUNT(DISTINCT article_id) FROM mentions WHERE entity_id = entities.id);
CREATE INDEX entities_mentioned ON entities(mention_count DESC, name) WHERE mention_count > 0;
CREATE TRIGGER mentions_counted_insert AFTER INSERT ON mentions BEGIN
    UPDATE entities SET mention_count = mention_count + 1,
        article_count = article_count + NOT EXISTS (SELECT 1 FROM mentions
            WHERE entity_id = new.entity_id AND article_id = new.article_id AND id != new.id)
    WHERE id = new.entity_id;
END;
CREATE TRIGGER mentions_counted_delete AFTER DELETE ON mentions BEGIN
    UPDATE entities SET mention_count = mention_count - 1,
        article_count = article_count - NOT EXISTS (SELECT 1 FROM mentions
            WHERE entity_id = old.entity_id AND article_id = old.article_id)
    WHERE id = old.entity_id;
END;
CREATE TRIGGER mentions_counted_update AFTER UPDATE OF entity_id, article_id ON mentions BEGIN
    UPDATE entities SET mention_count = mention_count - 1,
        article_count = article_count - NOT EXISTS (SELECT 1 FROM mentions
            WHERE entity_id = old.entity_id AND article_id = old.article_id)
    WHERE id = old.entity_id;
    UPDATE entities SET mention_count = mention_count + 1,
        article_count = article_count + NOT EXISTS (SELECT 1 FROM mentions
            WHERE entity_id = new.entity_id AND article_id = new.article_id AND id != new.id)
    WHERE id = new.entity_id;
END;

ALTER TABLE stances ADD COLUMN published TEXT;
UPDATE stances SET published = (SELECT published FROM statements WHERE id = stances.statement_id);
CREATE INDEX stances_target_published ON stances(target, published, statement_id, polarity);

{stance_months}
{actor_months}
-- The articles page lists newest first, undated last: in this index's order.
CREATE INDEX articles_newest ON articles(published IS NULL, published DESC, id DESC);

CREATE INDEX evidence_declared ON evidence(actor, target, published) WHERE declared = 1;

CREATE TABLE ledger_actors (actor TEXT PRIMARY KEY, evidence INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX ledger_actors_evidence ON ledger_actors(evidence DESC, actor);
INSERT INTO ledger_actors SELECT actor, SUM(evidence) FROM ledger_pairs GROUP BY actor;
CREATE TABLE ledger_targets (target TEXT PRIMARY KEY, evidence INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX ledger_targets_evidence ON ledger_targets(evidence DESC, target);
INSERT INTO ledger_targets SELECT target, SUM(evidence) FROM ledger_pairs GROUP BY target;
CREATE TRIGGER ledger_totals_insert AFTER INSERT ON ledger_pairs BEGIN
    INSERT INTO ledger_actors VALUES (new.actor, new.evidence)
    ON CONFLICT DO UPDATE SET evidence = evidence + excluded.evidence;
    INSERT INTO ledger_targets VALUES (new.target, new.evidence)
    ON CONFLICT DO UPDATE SET evidence = evidence + excluded.evidence;
END;
CREATE TRIGGER ledger_totals_delete AFTER DELETE ON ledger_pairs BEGIN
    UPDATE ledger_actors SET evidence = evidence - old.evidence WHERE actor = old.actor;
    DELETE FROM ledger_actors WHERE actor = old.actor AND evidence <= 0;
    UPDATE ledger_targets SET evidence = evidence - old.evidence WHERE target = old.target;
    DELETE FROM ledger_targets WHERE target = old.target AND evidence <= 0;
END;
CREATE TRIGGER ledger_totals_update AFTER UPDATE OF evidence ON ledger_pairs BEGIN
    UPDATE ledger_actors SET evidence = evidence - old.evidence + new.evidence
        WHERE actor = new.actor;
    UPDATE ledger_targets SET evidence = evidence - old.evidence + new.evidence
        WHERE target = new.target;
END;

ALTER TABLE outlets ADD COLUMN article_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outlets ADD COLUMN statement_count INTEGER NOT NULL DEFAULT 0;
UPDATE outlets SET article_count = (SELECT COUNT(*) FROM articles WHERE outlet_id = outlets.id),
    statement_count = (SELECT COUNT(*) FROM statements WHERE outlet_id = outlets.id);
CREATE INDEX outlets_articles ON outlets(article_count DESC, domain);
{outlet_articles}
{outlet_statements}
"""


def _outlet_count(table: str, column: str, source: str) -> str:
    """Triggers that keep ``outlets.<column>`` equal to its rows in ``source``."""
    return f"""CREATE TRIGGER {table}_insert AFTER INSERT ON {source} BEGIN
    UPDATE outlets SET {column} = {column} + 1 WHERE id = new.outlet_id;
END;
CREATE TRIGGER {table}_delete AFTER DELETE ON {source} BEGIN
    UPDATE outlets SET {column} = {column} - 1 WHERE id = old.outlet_id;
END;
CREATE TRIGGER {table}_update AFTER UPDATE OF outlet_id ON {source} BEGIN
    UPDATE outlets SET {column} = {column} - 1 WHERE id = old.outlet_id;
    UPDATE outlets SET {column} = {column} + 1 WHERE id = new.outlet_id;
END;"""


def schema_9_script() -> str:
    """Migration 9's SQL, its two monthly count tables filled in."""
    return (
        _SCHEMA_9.replace(
            "{stance_months}", _monthly_counts("stance_months", "target", "stances", "stances")
        )
        .replace("{actor_months}", _monthly_counts("actor_months", "actor", "evidence", "evidence"))
        .replace("{outlet_articles}", _outlet_count("outlet_articles", "article_count", "articles"))
        .replace(
            "{outlet_statements}",
            _outlet_count("outlet_statements", "statement_count", "statements"),
        )
    )


def _schema_9(connection: sqlite3.Connection) -> None:
    _script(schema_9_script())(connection)
    # The strength of each pair's contradiction is computed where it is defined.
    from saywho.store.contradictions import store_pair_strengths

    store_pair_strengths(connection, None)


# 10: what an actor is only reported to believe (statements of medium thought: the
# ledger's ``believed``) is stored as evidence marked ``believed``, so a stored article
# reads back as analysed; it is neither declared nor expressed (``declared`` is 0 and
# every count of either side leaves it out). ledger_pairs counts it apart (``believed``)
# and keeps a pair that has only such evidence (``evidence`` 0); ledger_actors and
# ledger_targets, whose ``evidence`` totals declared and expressed evidence, keep no actor
# or target without any, and actor_months counts only evidence that is. The covering
# indexes gain the column, so that filtered ledgers still read only the index.
_SCHEMA_10 = """
ALTER TABLE evidence ADD COLUMN believed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_pairs ADD COLUMN believed INTEGER NOT NULL DEFAULT 0;
DROP INDEX evidence_actor;
DROP INDEX evidence_target;
DROP INDEX evidence_published;
CREATE INDEX evidence_actor
    ON evidence(actor, target, published, declared, polarity, confidence, outlet_id, believed);
CREATE INDEX evidence_target
    ON evidence(target, actor, published, declared, polarity, confidence, outlet_id, believed);
CREATE INDEX evidence_published
    ON evidence(published, actor, target, declared, polarity, confidence, outlet_id, believed);
DROP TRIGGER actor_months_insert;
DROP TRIGGER actor_months_delete;
DROP TRIGGER actor_months_update;
{actor_months}
DROP TRIGGER ledger_totals_insert;
DROP TRIGGER ledger_totals_delete;
DROP TRIGGER ledger_totals_update;
{ledger_totals}
"""


def _unflagged_monthly_triggers(table: str, key: str, source: str, count: str, flag: str) -> str:
    """The triggers of a ``_monthly_counts`` table that count only the rows of ``source``
    whose column ``flag`` is 0 (a row whose flag changes is counted or uncounted)."""
    add, remove = _monthly_add(table, key, count), _monthly_remove(table, key, count)
    changed = f"{key}, polarity, published, {flag}"
    return f"""CREATE TRIGGER {table}_insert AFTER INSERT ON {source} WHEN new.{flag} = 0 BEGIN
    {add}
END;
CREATE TRIGGER {table}_delete AFTER DELETE ON {source} WHEN old.{flag} = 0 BEGIN
    {remove}
END;
CREATE TRIGGER {table}_update AFTER UPDATE OF {changed} ON {source} WHEN old.{flag} = 0 BEGIN
    {remove}
END;
CREATE TRIGGER {table}_update_counted AFTER UPDATE OF {changed} ON {source}
    WHEN new.{flag} = 0 BEGIN
    {add}
END;"""


def _ledger_totals() -> str:
    """Triggers that keep ``ledger_actors`` and ``ledger_targets`` equal to the sums of
    ``ledger_pairs.evidence`` per actor and per target, without rows whose sum is 0."""
    events = (
        ("insert", "INSERT", "new", "new.evidence"),
        ("delete", "DELETE", "old", "-old.evidence"),
        ("update", "UPDATE OF evidence", "new", "new.evidence - old.evidence"),
    )
    triggers = []
    for name, event, row, change in events:
        body = "".join(
            f"""
    INSERT INTO {table} VALUES ({row}.{column}, {change})
        ON CONFLICT DO UPDATE SET evidence = evidence + excluded.evidence;
    DELETE FROM {table} WHERE {column} = {row}.{column} AND evidence <= 0;"""
            for table, column in (("ledger_actors", "actor"), ("ledger_targets", "target"))
        )
        triggers.append(
            f"CREATE TRIGGER ledger_totals_{name} AFTER {event} ON ledger_pairs BEGIN{body}\nEND;"
        )
    return "\n".join(triggers)


def schema_10_script() -> str:
    """Migration 10's SQL, its triggers filled in."""
    actor_months = _unflagged_monthly_triggers(
        "actor_months", "actor", "evidence", "evidence", "believed"
    )
    return _SCHEMA_10.replace("{actor_months}", actor_months).replace(
        "{ledger_totals}", _ledger_totals()
    )


# Append new migrations; never edit or reorder the ones a release has shipped.
MIGRATIONS: Sequence[Migration] = (
    _script(_SCHEMA_1),
    _script(_SCHEMA_2),
    _script(_SCHEMA_3),
    _script(_SCHEMA_4),
    _script(_SCHEMA_5),
    _script(_SCHEMA_6),
    _script(_SCHEMA_7),
    _script(_SCHEMA_8),
    _schema_9,
    _script(schema_10_script()),
)


def schema_version(connection: sqlite3.Connection) -> int:
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


def migrate(connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply the migrations this database lacks; returns the version it is now at.

    The connection must be in autocommit mode (``isolation_level=None``).
    """
    current = schema_version(connection)
    if current > len(migrations):
        raise ConfigError(
            f"the database is at schema version {current}, made by a newer saywho "
            f"(this one knows up to {len(migrations)}); upgrade saywho to open it"
        )
    for number, migration in enumerate(migrations[current:], start=current + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while this one waited for the lock.
            if schema_version(connection) >= number:
                connection.execute("ROLLBACK")
                continue
            migration(connection)
            # PRAGMA takes no parameters; number is an int from enumerate.
            connection.execute(f"PRAGMA user_version = {int(number)}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return schema_version(connection)
