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
contradicts nothing.

``strength`` is the confidence-weighted share of the expressed evidence that
contradicts: sum(confidence of contradicting) / sum(confidence of expressed),
in [0, 1] (plain counts when every confidence is 0). Only pairs with at least one
contradicting piece are listed, strongest first, then most evidence.

Every ledger filter (actor, target, country, dates, outlet, label, minimum
confidence) applies to each piece of evidence before anything is counted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from saywho.model import Polarity
from saywho.store.queries import (
    LEDGER_COUNTS,
    OUTLET_NAME,
    POLARITIES,
    Where,
    ledger_where,
)
from saywho.store.rows import Contradiction, ContradictionEvidence, LedgerFilter

NEUTRAL: Polarity = "neutral"
EXCERPT_CHARS = 280  # of a statement's content in the evidence
# Per pair: the six counts of LEDGER_COUNTS, then their six confidence sums.
_COUNTS = ", ".join(
    f"SUM(e.declared = {int(declared)} AND e.polarity = '{polarity}')"
    for declared, polarity in LEDGER_COUNTS
)
_WEIGHTS = ", ".join(
    f"TOTAL(CASE WHEN e.declared = {int(declared)} AND e.polarity = '{polarity}' "
    "THEN e.confidence END)"
    for declared, polarity in LEDGER_COUNTS
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
    # The same actor, target and country on the stored totals, to narrow the pairs read.
    pairs = ledger_where(
        db, LedgerFilter(actor=query.actor, target=query.target, country=query.country), "p"
    )
    rows = db.execute(
        f"SELECT g.*, a.actor_type, a.country FROM ("
        f"  SELECT e.actor, e.target, {_COUNTS}, {_WEIGHTS}, COUNT(*), "
        f"  MIN(e.published), MAX(e.published) FROM {_CANDIDATES} "
        f"  AND {pairs.sql()} AND {where.sql()} GROUP BY e.actor, e.target"
        f") g LEFT JOIN actors a ON a.name = g.actor",
        (*pairs.parameters, *where.parameters),
    ).fetchall()
    found = [pair for pair in map(_contradiction, rows) if pair and pair.strength >= min_strength]
    found.sort(key=lambda pair: (-pair.strength, -pair.evidence, pair.actor, pair.target))
    kept = found[offset:] if limit is None else found[offset : offset + limit]
    return [_with_evidence(db, where, pair, examples) for pair in kept]


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


def _contradiction(row: Sequence[Any]) -> Contradiction | None:
    """A pair from the aggregate row (actor, target, 6 counts, 6 weights, evidence,
    first, last, actor type, country); None when it does not disagree."""
    counts = dict(zip(LEDGER_COUNTS, row[2:8], strict=True))
    weights = dict(zip(LEDGER_COUNTS, row[8:14], strict=True))
    declared: dict[str, int] = {p: int(counts[(True, p)] or 0) for p in POLARITIES}
    expressed: dict[str, int] = {p: int(counts[(False, p)] or 0) for p in POLARITIES}
    declared_weights: dict[str, float] = {p: float(weights[(True, p)]) for p in POLARITIES}
    expressed_weights: dict[str, float] = {p: float(weights[(False, p)]) for p in POLARITIES}
    stance = declared_stance(declared_weights, declared)
    if stance is None or not any(expressed[p] for p in POLARITIES if contradicts(stance, p)):
        return None
    return Contradiction(
        actor=row[0],
        actor_type=row[17] or "unknown",
        actor_country=row[18],
        target=row[1],
        declared_stance=stance,
        declared=declared,
        expressed=expressed,
        strength=strength(stance, expressed_weights, expressed),
        evidence=int(row[14]),
        first_published=row[15],
        last_published=row[16],
    )


def _with_evidence(
    db: sqlite3.Connection, where: Where, pair: Contradiction, examples: int | None
) -> Contradiction:
    """The pair with its declared and its expressed statements, most recent first
    (the contradicting expressed ones before the others)."""
    sides = [
        [
            _evidence(row, pair.declared_stance)
            for row in db.execute(
                f"SELECT {_EVIDENCE_COLUMNS} FROM evidence e {_EVIDENCE_JOINS} "
                f"WHERE {where.sql()} AND e.actor = ? AND e.target = ? AND e.declared = ? "
                "ORDER BY e.declared = 0 AND e.polarity NOT IN ('neutral', ?) DESC, "
                "e.published IS NULL, e.published DESC, e.confidence DESC, e.statement_id "
                "LIMIT ?",
                (
                    *where.parameters,
                    pair.actor,
                    pair.target,
                    flag,
                    pair.declared_stance,
                    -1 if examples is None else examples,
                ),
            )
        ]
        for flag in (1, 0)
    ]
    return replace(pair, declarations=sides[0], expressions=sides[1])


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
