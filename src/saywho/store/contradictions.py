"""Declared versus said: actors whose declarations disagree with what they express.

Per actor and target (officials count for the state they speak for, as in the
ledger), the evidence that *declares* a stance (``declared``: neutrality, no
preference, support) is held against the evidence that *expresses* one. The
declared stance is the polarity with the most declared evidence, weighted by
attribution confidence (a tie goes to neutral, then to the first of
``POLARITIES``). A piece of expressed evidence contradicts it when it takes a
side (positive or negative) other than the declared one: declared neutral
against expressed positive or negative, declared positive against expressed
negative, declared negative against expressed positive. Expressed neutral
contradicts nothing. What an actor is only reported to believe (``believed``
evidence, schema 10) is on neither side: a belief neither declares nor expresses.

``strength`` is the confidence-weighted share of the expressed evidence that
contradicts: sum(confidence of contradicting) / sum(confidence of expressed),
in [0, 1] (plain counts when every confidence is 0). Confidences are summed in
integer millionths (``confidence_weight``), so the sums ``ledger_pairs`` keeps by
adding and subtracting equal the ones counted afresh. Only pairs with at least
one contradicting piece are listed, strongest first, then most evidence.

Every ledger filter (actor, target, country, dates, outlet, label, minimum
confidence) applies to each piece of evidence before anything is counted. Without
a filter on the evidence itself (dates, outlet, label, confidence) the answer is
read from ``ledger_pairs``, which keeps each pair's declared stance and strength
as its evidence is stored (schema 9): an index range instead of an aggregate over
all evidence.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from saywho.model import Polarity
from saywho.store.queries import (
    LEDGER_COUNT_COLUMNS,
    LEDGER_COUNTS,
    OUTLET_NAME,
    POLARITIES,
    Where,
    counted_side,
    ledger_source,
    ledger_where,
)
from saywho.store.rows import Contradiction, ContradictionEvidence, LedgerFilter

NEUTRAL: Polarity = "neutral"
EXCERPT_CHARS = 280  # of a statement's content in the evidence
WEIGHT_UNITS = 1_000_000
# confidence_weight in SQL: the same double arithmetic, truncated as int() truncates.
_WEIGHT = f"CAST(e.confidence * {WEIGHT_UNITS} + 0.5 AS INTEGER)"
# Per pair: the six counts of LEDGER_COUNTS, then their six confidence sums.
_COUNTS = ", ".join(
    f"SUM({counted_side(declared)} AND e.polarity = '{polarity}')"
    for declared, polarity in LEDGER_COUNTS
)
_WEIGHTS = ", ".join(
    f"coalesce(SUM(CASE WHEN {counted_side(declared)} AND e.polarity = '{polarity}' "
    f"THEN {_WEIGHT} END), 0)"
    for declared, polarity in LEDGER_COUNTS
)
# ledger_pairs' weight columns, in the order of LEDGER_COUNTS.
WEIGHT_COLUMNS = tuple(f"{column}_weight" for column in LEDGER_COUNT_COLUMNS)
# A stored pair in the row shape _contradiction reads.
_STORED_PAIR = (
    f"p.actor, p.target, {', '.join(f'p.{c}' for c in (*LEDGER_COUNT_COLUMNS, *WEIGHT_COLUMNS))}, "
    "p.evidence, p.first_published, p.last_published"
)
# The pairs that can disagree: some declared evidence, some expressed evidence that
# takes a side. The stored totals count every piece of evidence, so no filtered
# evidence of another pair can disagree. They are read first (CROSS JOIN keeps the
# order): declarations are rare, and the evidence of the few candidates is read
# from the covering index.
_CANDIDATES = (
    "ledger_pairs p CROSS JOIN evidence e ON e.actor = p.actor AND e.target = p.target "
    "WHERE p.declared_negative + p.declared_neutral + p.declared_positive > 0 "
    "AND p.expressed_negative + p.expressed_positive > 0"
)
_EVIDENCE_COLUMNS = (
    "e.statement_id, s.local_id, e.article_id, e.declared, e.polarity, e.confidence, "
    f"coalesce(s.speaker_entity, s.speaker), {OUTLET_NAME}, e.published, s.content, a.url"
)
_EVIDENCE_JOINS = (
    "JOIN statements s ON s.id = e.statement_id JOIN articles a ON a.id = e.article_id "
    "LEFT JOIN outlets o ON o.id = e.outlet_id"
)


def contradictions(
    db: sqlite3.Connection,
    query: LedgerFilter,
    *,
    min_strength: float = 0.0,
    limit: int | None = None,
    offset: int = 0,
    examples: int | None = None,
) -> list[Contradiction]:
    """The pairs that disagree, strongest first; ``examples`` caps the evidence listed
    on each side (None: all of it, most recent first)."""
    where = ledger_where(db, query, "e")
    if ledger_source(query).alias == "p":
        kept = _stored(db, query, min_strength, limit, offset)
    else:
        kept = _counted(db, query, where, min_strength)
        kept = kept[offset:] if limit is None else kept[offset : offset + limit]
    return [_with_evidence(db, where, pair, examples) for pair in kept]


def _stored(
    db: sqlite3.Connection, query: LedgerFilter, min_strength: float, limit: int | None, offset: int
) -> list[Contradiction]:
    """The pairs as ``ledger_pairs`` keeps them: the strength index, in its order."""
    pairs = ledger_where(db, query, "p")
    rows = db.execute(
        f"SELECT {_STORED_PAIR}, a.actor_type, a.country FROM ledger_pairs p "
        "LEFT JOIN actors a ON a.name = p.actor "
        f"WHERE p.strength IS NOT NULL AND p.strength >= ? AND {pairs.sql()} "
        "ORDER BY p.strength DESC, p.evidence DESC, p.actor, p.target LIMIT ? OFFSET ?",
        (min_strength, *pairs.parameters, -1 if limit is None else limit, offset),
    ).fetchall()
    return [pair for pair in map(_contradiction, rows) if pair]


def _counted(
    db: sqlite3.Connection, query: LedgerFilter, where: Where, min_strength: float
) -> list[Contradiction]:
    """The pairs counted from the evidence that passes the filters, strongest first."""
    # The same actor, target and country on the stored totals, to narrow the pairs read.
    pairs = ledger_where(
        db, LedgerFilter(actor=query.actor, target=query.target, country=query.country), "p"
    )
    rows = db.execute(
        f"SELECT g.*, a.actor_type, a.country FROM ("
        f"  SELECT e.actor, e.target, {_COUNTS}, {_WEIGHTS}, SUM(e.believed = 0), "
        f"  MIN(e.published), MAX(e.published) FROM {_CANDIDATES} "
        f"  AND {pairs.sql()} AND {where.sql()} GROUP BY e.actor, e.target"
        f") g LEFT JOIN actors a ON a.name = g.actor",
        (*pairs.parameters, *where.parameters),
    ).fetchall()
    found = [pair for pair in map(_contradiction, rows) if pair and pair.strength >= min_strength]
    found.sort(key=lambda pair: (-pair.strength, -pair.evidence, pair.actor, pair.target))
    return found


def confidence_weight(confidence: float) -> int:
    """A confidence in integer millionths, as the SQL of this module computes it."""
    return int(confidence * WEIGHT_UNITS + 0.5)


def store_pair_strengths(db: sqlite3.Connection, pairs: Iterable[tuple[str, str]] | None) -> None:
    """Set ``declared_stance`` and ``strength`` of these pairs of ``ledger_pairs`` (None:
    of every pair that has declared evidence) from their counts and weights."""
    columns = ", ".join(f"p.{c}" for c in (*LEDGER_COUNT_COLUMNS, *WEIGHT_COLUMNS))
    read = f"SELECT p.actor, p.target, p.declared_stance, p.strength, {columns} FROM ledger_pairs p"
    if pairs is None:
        rows = db.execute(
            f"{read} WHERE p.declared_negative + p.declared_neutral + p.declared_positive > 0"
        ).fetchall()
    else:
        rows = [
            row
            for actor, target in pairs
            for row in db.execute(f"{read} WHERE p.actor = ? AND p.target = ?", (actor, target))
        ]
    updates = []
    for row in rows:
        found = _disagreement(row[4:10], row[10:16])
        stance, value = (found[0], found[1]) if found else (None, None)
        # Most pairs declare nothing and stay NULL: no write for them.
        if (stance, value) != (row[2], row[3]):
            updates.append((stance, value, row[0], row[1]))
    db.executemany(
        "UPDATE ledger_pairs SET declared_stance = ?, strength = ? WHERE actor = ? AND target = ?",
        updates,
    )


def declared_stance(weights: dict[str, float], counts: dict[str, int]) -> Polarity | None:
    """The polarity most declared evidence takes (by confidence, then count); None
    without declared evidence. Ties go to neutral, then to the first of POLARITIES."""
    if not sum(counts.values()):
        return None
    order = sorted(
        POLARITIES,
        key=lambda p: (-weights.get(p, 0.0), -counts.get(p, 0), p != NEUTRAL, POLARITIES.index(p)),
    )
    return order[0]


def contradicts(declared: str, expressed: str) -> bool:
    """Whether expressed evidence of one polarity disagrees with a declared stance."""
    return expressed != NEUTRAL and expressed != declared


def strength(declared: str, weights: dict[str, float], counts: dict[str, int]) -> float:
    """The confidence-weighted share of expressed evidence (``weights`` and ``counts``
    by polarity) that contradicts ``declared``; plain counts when the weights are 0."""
    total = sum(weights.values())
    values: dict[str, float] = dict(weights)
    if total <= 0:
        values = {polarity: float(count) for polarity, count in counts.items()}
        total = sum(values.values())
    if total <= 0:
        return 0.0
    against = sum(value for polarity, value in values.items() if contradicts(declared, polarity))
    return round(min(1.0, against / total), 4)


def _disagreement(
    count_values: Sequence[Any], weight_values: Sequence[Any]
) -> tuple[Polarity, float, dict[str, int], dict[str, int]] | None:
    """From a pair's six counts and six weights (in the order of LEDGER_COUNTS): its
    declared stance, strength, declared and expressed counts; None when it does not
    disagree."""
    counts = dict(zip(LEDGER_COUNTS, count_values, strict=True))
    weights = dict(zip(LEDGER_COUNTS, weight_values, strict=True))
    declared: dict[str, int] = {p: int(counts[(True, p)] or 0) for p in POLARITIES}
    expressed: dict[str, int] = {p: int(counts[(False, p)] or 0) for p in POLARITIES}
    declared_weights: dict[str, float] = {p: float(weights[(True, p)]) for p in POLARITIES}
    expressed_weights: dict[str, float] = {p: float(weights[(False, p)]) for p in POLARITIES}
    stance = declared_stance(declared_weights, declared)
    if stance is None or not any(expressed[p] for p in POLARITIES if contradicts(stance, p)):
        return None
    return stance, strength(stance, expressed_weights, expressed), declared, expressed


def _contradiction(row: Sequence[Any]) -> Contradiction | None:
    """A pair from the aggregate row (actor, target, 6 counts, 6 weights, evidence,
    first, last, actor type, country); None when it does not disagree."""
    found = _disagreement(row[2:8], row[8:14])
    if found is None:
        return None
    stance, value, declared, expressed = found
    return Contradiction(
        actor=row[0],
        actor_type=row[17] or "unknown",
        actor_country=row[18],
        target=row[1],
        declared_stance=stance,
        declared=declared,
        expressed=expressed,
        strength=value,
        evidence=int(row[14]),
        first_published=row[15],
        last_published=row[16],
    )


def _with_evidence(
    db: sqlite3.Connection, where: Where, pair: Contradiction, examples: int | None
) -> Contradiction:
    """The pair with its declared and its expressed statements, most recent first
    (the contradicting expressed ones before the others)."""
    stance = pair.declared_stance
    declarations = _side(db, where, pair, True, "", examples)
    # Two reads rather than one ORDER BY on "contradicts": each is read in the order of
    # the evidence_actor index (actor, target, published), no sort of a pair's evidence.
    expressions = _side(db, where, pair, False, "NOT IN ('neutral', ?)", examples, stance)
    if examples is None or len(expressions) < examples:
        rest = None if examples is None else examples - len(expressions)
        expressions += _side(db, where, pair, False, "IN ('neutral', ?)", rest, stance)
    return replace(pair, declarations=declarations, expressions=expressions)


def _side(
    db: sqlite3.Connection,
    where: Where,
    pair: Contradiction,
    declared: bool,
    polarities: str,
    limit: int | None,
    *parameters: object,
) -> list[ContradictionEvidence]:
    """One side of a pair's evidence (``polarities``: a fixed clause on e.polarity),
    most recent first (undated last: NULL sorts first, so last when descending)."""
    polarity_clause = f" AND e.polarity {polarities}" if polarities else ""
    # The side as fixed text: only then may SQLite use evidence_declared.
    rows = db.execute(
        f"SELECT {_EVIDENCE_COLUMNS} FROM evidence e {_EVIDENCE_JOINS} "
        f"WHERE {where.sql()} AND e.actor = ? AND e.target = ? AND {counted_side(declared)}"
        f"{polarity_clause} ORDER BY e.published DESC, e.confidence DESC, e.statement_id "
        "LIMIT ?",
        (*where.parameters, pair.actor, pair.target, *parameters, -1 if limit is None else limit),
    )
    return [_evidence(row, pair.declared_stance) for row in rows]


def _evidence(row: Sequence[Any], stance: str) -> ContradictionEvidence:
    declared = bool(row[3])
    content = " ".join(str(row[9]).split())
    if len(content) > EXCERPT_CHARS:
        content = content[: EXCERPT_CHARS - 1].rstrip() + "…"
    return ContradictionEvidence(
        statement_id=row[0],
        local_id=row[1],
        article_id=row[2],
        declared=declared,
        polarity=row[4],
        contradicts=not declared and contradicts(stance, row[4]),
        confidence=row[5],
        speaker=row[6],
        outlet=row[7],
        published=row[8],
        excerpt=content,
        url=row[10],
    )
