"""Attribution: find who said what (speaker, cue, content) in a parsed article.

An attributor is any callable ``(Doc, EntityIndex) -> list[Statement]``,
registered by name in ``ATTRIBUTORS`` (a plugin: an entry point in the group
``saywho.attributors``, see ``saywho.registry``). The pipeline picks one by name,
so a learned model replaces the parse-based rules without touching other stages.
Attributors fill speaker, cue, content, kind, act and confidence; stance
comes after.
"""

from __future__ import annotations

from typing import Protocol

from spacy.tokens import Doc

from saywho.entities.resolve import EntityIndex
from saywho.model import Statement
from saywho.registry import ATTRIBUTOR_GROUP, Registry


class Attributor(Protocol):
    def __call__(self, doc: Doc, entities: EntityIndex) -> list[Statement]: ...


ATTRIBUTORS: Registry[Attributor] = Registry(
    "attributor",
    ATTRIBUTOR_GROUP,
    builtins=(
        "saywho.attribution.minilm",
        "saywho.attribution.rules",
        "saywho.attribution.russian",
        "saywho.attribution.quotes",
        "saywho.attribution.german",
    ),
)


def create_attributor(name: str) -> Attributor:
    return ATTRIBUTORS.create(name)
