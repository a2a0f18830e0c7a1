"""Stance: each statement's attitude toward each target it speaks about.

A stance model is registered by name in ``STANCE_MODELS`` (a plugin: an entry
point in the group ``saywho.stance_models``, see ``saywho.registry``) and maps
``StanceQuery`` items (a parsed text, the statement's content ranges, its cue
and act, and the target mentions) to one polarity and score per target. The
same model serves ``saywho analyze`` (targets found in statements) and
``saywho stance`` (targets given by the user).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from spacy.tokens import Doc

from saywho.model import Act, Polarity
from saywho.registry import STANCE_MODEL_GROUP, Registry


@dataclass(frozen=True)
class Target:
    name: str
    start: int  # character offsets into the Doc's text
    end: int


@dataclass(frozen=True)
class StanceQuery:
    doc: Doc
    content: tuple[tuple[int, int], ...]  # character ranges of what was said
    targets: tuple[Target, ...]
    cue_lemma: str | None = None
    act: Act | None = None


@dataclass(frozen=True)
class Judgement:
    polarity: Polarity
    score: float  # confidence in the polarity, 0 .. 1


class StanceModel(Protocol):
    def __call__(self, queries: Sequence[StanceQuery]) -> list[list[Judgement]]:
        """One judgement per target of each query, in order."""
        ...


STANCE_MODELS: Registry[StanceModel] = Registry(
    "stance model",
    STANCE_MODEL_GROUP,
    builtins=("saywho.stance.lexicon", "saywho.stance.encoder", "saywho.stance.multilingual"),
)


def create_stance_model(name: str) -> StanceModel:
    return STANCE_MODELS.create(name)
