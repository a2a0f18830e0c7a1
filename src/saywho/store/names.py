"""One name per person across the database: a surname alone becomes the full name.

Each article resolves names on its own, so an article that calls someone only
"Okonkwo" stores the PERSON entity "Okonkwo" while another stores "Maria
Okonkwo". ``unify_person_names`` renames such a surname, everywhere a name is
stored, to the one full name in the database that ends with it, in the caller's
transaction. Only the entities are read whole (once per call: a suffix cannot be
looked up in an index); every rename is a handful of indexed lookups and updates.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# One piece of ledger evidence as ledger_pairs counts it: actor, target, declared, polarity,
# its confidence (summed per pair), and whether it is believed (counted apart).
EvidenceKey = tuple[str, str, int, str, float, int]
# Store._adjust_ledger_pairs: keeps ledger_pairs equal to the evidence counted.
AdjustPairs = Callable[[Sequence[EvidenceKey], Sequence[EvidenceKey]], None]

# The rows of evidence that name the surname, as actor or as target (evidence_actor,
# evidence_target). UNION keeps a row that names it twice once.
_EVIDENCE_NAMING = (
    "SELECT id, actor, target, declared, polarity, statement_id, confidence, believed "
    "FROM evidence WHERE actor = ?1 UNION SELECT id, actor, target, declared, polarity, "
    "statement_id, confidence, believed FROM evidence WHERE target = ?1"
)


@dataclass(frozen=True)
class _Evidence:
    id: int
    actor: str
    target: str
    declared: int
    polarity: str
    statement_id: int
    confidence: float
    believed: int

    def key(self, actor: str, target: str) -> EvidenceKey:
        """This evidence as ``ledger_pairs`` counts it, under that actor and target."""
        return (actor, target, self.declared, self.polarity, self.confidence, self.believed)


def person_renames(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """The surnames to rename, each with its full name: a one-word PERSON entity outside
    the knowledge base, and exactly one PERSON entity of two or more words (separated by
    spaces) whose last word it is. A name that another entity type also has is left alone.
    """
    full_names: dict[str, list[str]] = {}
    surnames: list[str] = []
    # The one pass over the PERSON entities: a suffix cannot be looked up in an index.
    for name, in_knowledge_base in db.execute(
        "SELECT name, in_knowledge_base FROM entities WHERE type = 'PERSON'"
    ):
        _, space, last_word = name.rpartition(" ")
        if space:
            full_names.setdefault(last_word, []).append(name)
        elif not in_knowledge_base:
            surnames.append(name)
    return [
        (surname, full_names[surname][0])
        for surname in sorted(surnames)
        if len(full_names.get(surname, ())) == 1 and _only_a_person(db, surname)
    ]


def _only_a_person(db: sqlite3.Connection, name: str) -> bool:
    """Whether no entity of another type has this name (names are keys in the ledger)."""
    count: int = db.execute("SELECT count(*) FROM entities WHERE name = ?", (name,)).fetchone()[0]
    return count == 1


def rename_person(db: sqlite3.Connection, old: str, new: str, adjust_pairs: AdjustPairs) -> None:
    """Rename the PERSON ``old`` to ``new`` in every table that stores the name."""
    _merge_entity(db, old, new)
    db.execute("UPDATE statements SET speaker_entity = ? WHERE speaker_entity = ?", (new, old))
    # A statement with a stance toward both keeps its own toward the full name.
    db.execute("UPDATE OR IGNORE stances SET target = ? WHERE target = ?", (new, old))
    db.execute("DELETE FROM stances WHERE target = ?", (old,))
    _rename_evidence(db, old, new, adjust_pairs)
    _merge_actor(db, old, new)


def _merge_entity(db: sqlite3.Connection, old: str, new: str) -> None:
    """Point the surname's mentions at the full name's entity, and delete its own."""
    ids = dict(
        db.execute(
            "SELECT name, id FROM entities WHERE type = 'PERSON' AND name IN (?, ?)", (old, new)
        ).fetchall()
    )
    db.execute("UPDATE mentions SET entity_id = ? WHERE entity_id = ?", (ids[new], ids[old]))
    db.execute("DELETE FROM entities WHERE id = ?", (ids[old],))


def _merge_actor(db: sqlite3.Connection, old: str, new: str) -> None:
    """The ledger actor: as if the articles that named ``old`` had named ``new``
    (the full name's row, if any, keeps its type and its country unless it had none)."""
    row = db.execute("SELECT actor_type, country FROM actors WHERE name = ?", (old,)).fetchone()
    if row is None:
        return
    db.execute(
        "INSERT INTO actors (name, actor_type, country) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET country = coalesce(actors.country, excluded.country)",
        (new, *row),
    )
    db.execute("DELETE FROM actors WHERE name = ?", (old,))


def _rename_evidence(db: sqlite3.Connection, old: str, new: str, adjust_pairs: AdjustPairs) -> None:
    """Rename the surname in the evidence and move its counts in ``ledger_pairs``.

    Evidence that would duplicate a statement's evidence for the full name, or make
    a person's statement count toward that person (the ledger never does), goes.
    """
    rows = [_Evidence(*row) for row in db.execute(_EVIDENCE_NAMING, (old,))]
    kept: list[tuple[str, str, int]] = []
    dropped: list[tuple[int]] = []
    added: list[EvidenceKey] = []
    for row in rows:
        actor = new if row.actor == old else row.actor
        target = new if row.target == old else row.target
        if actor == target or _has_evidence(db, row.statement_id, actor, target):
            dropped.append((row.id,))
            continue
        kept.append((actor, target, row.id))
        added.append(row.key(actor, target))
    db.executemany("DELETE FROM evidence WHERE id = ?", dropped)
    db.executemany("UPDATE evidence SET actor = ?, target = ? WHERE id = ?", kept)
    removed = [row.key(row.actor, row.target) for row in rows]
    adjust_pairs(removed, added)


def _has_evidence(db: sqlite3.Connection, statement_id: int, actor: str, target: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM evidence WHERE statement_id = ? AND actor = ? AND target = ?",
        (statement_id, actor, target),
    ).fetchone()
    return row is not None
