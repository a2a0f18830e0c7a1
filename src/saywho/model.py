"""The plain data that flows between stages.

Every stage is a function over these dataclasses, so the CLI, a web app and a
Spark job call the same code. Offsets are character offsets into ``Document.text``
(end exclusive), as in the ``saywho.article/1`` JSON schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Polarity = Literal["negative", "neutral", "positive"]
Kind = Literal["direct", "indirect", "mixed"]
# How a statement was conveyed (the Redewiedergabe terms): said, written, or thought.
Medium = Literal["speech", "writing", "thought"]
Act = Literal["claim", "denial", "accusation", "praise", "criticism", "prediction", "other"]
EntityType = Literal["PERSON", "ORG", "GPE", "NORP"]
ActorType = Literal["person", "state", "organisation", "media", "group", "unknown"]


class InputError(Exception):
    """A bad input: the message is one line a user can act on."""


class ConfigError(Exception):
    """A bad setting (unknown model name, unreadable knowledge base): one line."""


@dataclass
class RawDocument:
    """One article as read from a source, before cleaning.

    Exactly one of ``text`` and ``html`` is set. ``source`` is the input as the
    user gave it (path or URL), with ``#N`` appended for record N of a JSONL file.
    """

    source: str
    text: str | None = None
    html: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None


@dataclass
class Failure:
    """An input that could not be read or analyzed, and why (one line)."""

    source: str
    reason: str


@dataclass(frozen=True)
class AlreadyStored:
    """A page listed by a feed, sitemap or URL list that was not fetched: the store has it."""

    source: str


@dataclass
class Document:
    """A cleaned article: ``text`` is the body without the title."""

    source: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass
class Entity:
    """A canonical entity of one article and where it is mentioned."""

    name: str
    type: EntityType
    mentions: list[Span] = field(default_factory=list)
    actor_type: ActorType = "unknown"
    # For officials: the state they speak for (from the knowledge base).
    speaks_for: str | None = None
    in_knowledge_base: bool = False


@dataclass(frozen=True)
class Speaker:
    start: int
    end: int
    text: str
    entity: str | None


@dataclass(frozen=True)
class Stance:
    target: str
    polarity: Polarity
    score: float


@dataclass
class Statement:
    id: str
    speaker: Speaker | None
    cue: Span | None
    content: list[Span]
    kind: Kind
    cue_lemma: str | None = None  # the cue's head word, found once by the attributor
    act: Act = "claim"
    medium: Medium = "speech"
    confidence: float = 0.5
    stances: list[Stance] = field(default_factory=list)

    @property
    def content_text(self) -> str:
        return " ".join(piece.text for piece in self.content)


@dataclass(frozen=True)
class Evidence:
    statement: str
    polarity: Polarity


@dataclass
class LedgerRow:
    """What an actor declares toward a target beside what it expresses."""

    actor: str
    actor_type: ActorType
    target: str
    declared: list[Evidence] = field(default_factory=list)
    expressed: list[Evidence] = field(default_factory=list)
    # Statements of medium thought ("is reported to believe"): apart from what the
    # actor said or wrote unless the ledger is asked to count them as expressed.
    believed: list[Evidence] = field(default_factory=list)


@dataclass
class Article:
    """The full analysis of one document."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    ledger: list[LedgerRow] = field(default_factory=list)
    # Why a stage produced nothing (for example a language it cannot read).
    notes: list[str] = field(default_factory=list)
