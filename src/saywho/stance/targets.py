"""Which targets a statement speaks about, and attaching the model's stances.

Targets are the entities the content mentions, and for evaluative cues the one
acted on outside it ("Russia is accused of ..." is about Russia). A speaker is
no target of its own statement, nor is the state it speaks for.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from saywho.attribution.cues import cue_head
from saywho.entities.resolve import EntityIndex, Mention
from saywho.model import Entity, Stance, Statement
from saywho.stance import StanceModel, StanceQuery, Target
from saywho.stance.lexicon import CUE_POLARITY

TARGET_LABELS = frozenset({"PERSON", "GPE", "ORG", "NORP"})


def statement_targets(doc: Doc, statement: Statement, entities: EntityIndex) -> tuple[Target, ...]:
    excluded = _speaker_side(statement, entities.entities)
    mentions: list[Mention] = []
    for piece in statement.content:
        mentions.extend(entities.within(piece.start, piece.end))
    mentions.extend(_acted_on(doc, statement, entities))
    first: dict[str, Target] = {}
    for mention in mentions:
        entity = entities.entities[mention.entity]
        if mention.entity in excluded or mention.label not in TARGET_LABELS:
            continue
        if entity.type == "NORP" and not entity.in_knowledge_base:
            continue  # "anti-Russian", "Russian-American": adjectives, not actors
        first.setdefault(mention.entity, Target(mention.entity, mention.start, mention.end))
    return tuple(first.values())


def attach_stances(
    doc: Doc, statements: Sequence[Statement], entities: EntityIndex, model: StanceModel
) -> None:
    queries = [
        StanceQuery(
            doc=doc,
            content=tuple((p.start, p.end) for p in statement.content),
            targets=statement_targets(doc, statement, entities),
            cue_lemma=statement.cue_lemma,
            act=statement.act,
        )
        for statement in statements
    ]
    for statement, query, judgements in zip(statements, queries, model(queries), strict=True):
        statement.stances = [
            Stance(target.name, judgement.polarity, judgement.score)
            for target, judgement in zip(query.targets, judgements, strict=True)
        ]


def _speaker_side(statement: Statement, entities: dict[str, Entity]) -> set[str]:
    if statement.speaker is None or statement.speaker.entity is None:
        return set()
    speaker = entities.get(statement.speaker.entity)
    side = {statement.speaker.entity}
    if speaker is not None and speaker.speaks_for:
        side.add(speaker.speaks_for)
    return side


def _acted_on(doc: Doc, statement: Statement, entities: EntityIndex) -> list[Mention]:
    """The object of an evaluative cue when it lies outside the content."""
    if statement.cue is None or statement.cue_lemma not in CUE_POLARITY:
        return []
    head = cue_head(doc, statement.cue.start, statement.cue.end)
    if head is None:
        return []
    found = []
    for child in head.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            mention = entities.at_token(child.i)
            if mention is not None:
                found.append(mention)
    return found
