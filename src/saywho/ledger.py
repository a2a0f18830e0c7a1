"""The ledger: per actor and target, what the actor declares beside what it expresses.

A statement counts for its speaker and, through the knowledge base, for the
state the speaker speaks for (Lavrov's words count for Russia too). Declared
evidence is an explicit statement of neutrality or preference; everything else
a statement conveys toward a target is expressed, when it was said or written.
What the actor is only reported to think is kept apart (``believed``), unless
``include_thought`` counts it as expressed.
"""

from __future__ import annotations

from collections.abc import Iterable

from saywho.model import ActorType, Entity, Evidence, LedgerRow, Statement
from saywho.stance.lexicon import is_declaration


def build_ledger(
    statements: Iterable[Statement], entities: dict[str, Entity], include_thought: bool = False
) -> list[LedgerRow]:
    rows: dict[tuple[str, str], LedgerRow] = {}
    for statement in statements:
        if statement.speaker is None or statement.speaker.entity is None:
            continue
        declared = is_declaration(statement.act, statement.content_text)
        for actor in _actors(statement.speaker.entity, entities):
            for stance in statement.stances:
                if stance.target == actor:
                    continue
                key = (actor, stance.target)
                if key not in rows:
                    rows[key] = LedgerRow(actor, _actor_type(actor, entities), stance.target)
                evidence = Evidence(statement.id, stance.polarity)
                row = rows[key]
                if declared:
                    row.declared.append(evidence)
                elif statement.medium == "thought" and not include_thought:
                    row.believed.append(evidence)
                else:
                    row.expressed.append(evidence)
    return sorted(rows.values(), key=lambda row: (row.actor, row.target))


def _actors(speaker: str, entities: dict[str, Entity]) -> list[str]:
    entity = entities.get(speaker)
    state = entity.speaks_for if entity else None
    return [speaker, state] if state and state != speaker else [speaker]


def _actor_type(name: str, entities: dict[str, Entity]) -> ActorType:
    entity = entities.get(name)
    # A state that only appears through its officials is still a state.
    return entity.actor_type if entity else "state"
