"""What the store's queries take and return: plain dataclasses.

The CLI and the web dashboard build the same filters and render the same rows,
so a query means one thing wherever it is asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from saywho.model import Act, Kind

# How ledger entries may be split beside actor and target.
LedgerGrouping = Literal["outlet", "label", "outlet-country"]
SearchScope = Literal["all", "articles", "statements"]


@dataclass(frozen=True)
class TimeAndPlace:
    """Filters every query of evidence or statements shares.

    ``since`` and ``until`` are ISO dates (or date-times), both inclusive: until
    2024-09-30 keeps the whole of that day. ``outlet`` is a domain or an outlet
    name; ``label`` an outlet label from a labels file.
    """

    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    label: str | None = None
    min_confidence: float | None = None


@dataclass(frozen=True)
class LedgerFilter(TimeAndPlace):
    actor: str | None = None
    target: str | None = None
    # The actor's country: a state itself, its officials, or what a labels file says.
    country: str | None = None


@dataclass(frozen=True)
class StatementFilter(TimeAndPlace):
    speaker: str | None = None  # canonical speaker entity
    about: str | None = None  # a target the statement takes a stance toward
    act: Act | None = None
    kind: Kind | None = None
    country: str | None = None  # the speaker's country
    article_id: int | None = None


@dataclass(frozen=True)
class SearchFilter:
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    scope: SearchScope = "all"


@dataclass(frozen=True)
class EvidenceExample:
    """One piece of ledger evidence: a statement by (or for) ``actor`` about ``target``."""

    actor: str
    target: str
    statement_id: int
    article_id: int
    declared: bool
    polarity: str
    confidence: float
    content: str
    speaker: str | None
    published: str | None
    outlet: str | None
    url: str | None
    # What the actor is only reported to believe (a statement of medium thought): evidence
    # of neither side, ``declared`` is False.
    believed: bool = False


@dataclass
class LedgerEntry:
    """What ``actor`` declares toward ``target`` beside what it expresses.

    Counts are pieces of evidence (statement x actor x target) by polarity.
    ``evidence`` counts the declared and the expressed; ``believed`` apart, what the
    actor is only reported to believe (statements of medium thought), which neither
    side counts. ``group`` is the outlet, label or outlet country when the query groups.
    """

    actor: str
    actor_type: str
    actor_country: str | None
    target: str
    group: str | None
    declared: dict[str, int]
    expressed: dict[str, int]
    evidence: int
    first_published: str | None
    last_published: str | None
    believed: int = 0
    examples: list[EvidenceExample] = field(default_factory=list)


@dataclass(frozen=True)
class ContradictionEvidence:
    """One statement on either side of a contradiction (``saywho contradictions``)."""

    statement_id: int  # the store's id
    local_id: str  # the statement's id within its article (s1, s2, ...)
    article_id: int
    declared: bool
    polarity: str
    contradicts: bool  # expressed, and against the declared stance
    confidence: float
    speaker: str | None  # the canonical speaker, or the name as written
    outlet: str | None
    published: str | None
    excerpt: str  # the statement's content, shortened
    url: str | None


@dataclass(frozen=True)
class Contradiction:
    """What ``actor`` declares toward ``target`` against what it expresses.

    ``declared`` and ``expressed`` count evidence by polarity; ``declared_stance`` is
    the polarity most declared evidence takes. ``strength`` in [0, 1] is the
    confidence-weighted share of the expressed evidence that takes a side other
    than the declared one (see ``saywho.store.contradictions``).
    """

    actor: str
    actor_type: str
    actor_country: str | None
    target: str
    declared_stance: str
    declared: dict[str, int]
    expressed: dict[str, int]
    strength: float
    evidence: int
    first_published: str | None
    last_published: str | None
    declarations: list[ContradictionEvidence] = field(default_factory=list)
    expressions: list[ContradictionEvidence] = field(default_factory=list)


@dataclass(frozen=True)
class StanceRow:
    statement_id: int
    article_id: int
    speaker: str | None
    target: str
    polarity: str
    score: float
    confidence: float
    published: str | None
    outlet: str | None


@dataclass(frozen=True)
class TargetStance:
    target: str
    polarity: str
    score: float


@dataclass
class StatementRow:
    id: int
    article_id: int
    local_id: str
    speaker: str | None
    speaker_entity: str | None
    cue: str | None
    content: str
    content_spans: list[tuple[int, int]]
    kind: str
    act: str
    confidence: float
    published: str | None
    outlet: str | None
    title: str | None
    url: str | None
    stances: list[TargetStance] = field(default_factory=list)
    medium: str = "speech"
    # Where the speaker and the cue are in the article text (end exclusive).
    speaker_span: tuple[int, int] | None = None
    cue_span: tuple[int, int] | None = None
    cue_lemma: str | None = None


@dataclass(frozen=True)
class SearchHit:
    kind: Literal["article", "statement"]
    article_id: int
    statement_id: int | None
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    snippet: str
    rank: float  # bm25: lower is a better match


@dataclass(frozen=True)
class EntityRow:
    id: int
    name: str
    type: str
    actor_type: str
    speaks_for: str | None
    articles: int
    mentions: int


@dataclass(frozen=True)
class OutletRow:
    id: int
    domain: str
    name: str | None
    country: str | None
    labels: list[str]
    articles: int
    statements: int
    first_published: str | None
    last_published: str | None


@dataclass(frozen=True)
class ArticleEntity:
    name: str
    type: str
    actor_type: str
    mentions: list[tuple[int, int]]
    speaks_for: str | None = None
    in_knowledge_base: bool = False


@dataclass(frozen=True)
class Provenance:
    """What made an analysis: saywho's version and each model's name and version."""

    saywho_version: str
    models: dict[str, str]


@dataclass
class ArticleRecord:
    """One stored article with everything the analysis found (an article page)."""

    id: int
    identity: str
    source: str
    url: str | None
    outlet: str | None
    title: str | None
    published: str | None
    language: str | None
    text: str
    notes: list[str]
    content_hash: str
    provenance: Provenance
    ingested_at: str
    entities: list[ArticleEntity]
    statements: list[StatementRow]
    evidence: list[EvidenceExample]


@dataclass(frozen=True)
class StoreCounts:
    """An overview of what the store holds."""

    articles: int
    statements: int
    stances: int
    evidence: int
    entities: int
    mentions: int
    outlets: int
    actors: int
    links: int  # article links from the last `saywho spread`
    first_published: str | None
    last_published: str | None
    schema_version: int


@dataclass(frozen=True)
class CascadeRow:
    """One text spreading across outlets (``saywho spread``), earliest article first."""

    first_published: str | None
    origin: str | None  # the outlet of the earliest article
    outlets: int
    articles: int
    coordinated: bool
    languages: list[str]
    links: str  # counts by kind, "2 copy, 1 translation"
    title: str  # the earliest article's first line
    outlet_names: list[str]
    labels: list[str]  # the labels of its outlets (labels files), e.g. state-affiliated
    article_ids: list[int]
    hours_after_first: list[float | None]  # per article, in the order of article_ids


@dataclass(frozen=True)
class LinkedArticle:
    """An article linked to another by ``saywho spread``, as seen from that other one."""

    id: int
    kind: str  # copy, translation, same story
    overlap: float
    similarity: float | None
    title: str | None
    outlet: str | None
    published: str | None
    language: str | None


@dataclass(frozen=True)
class CascadeFilter:
    """Which cascades to list: first published in [since, until] (ISO dates, inclusive),
    with an article from ``outlet`` (domain or name) or from an outlet labelled ``label``."""

    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    label: str | None = None
    coordinated: bool = False


@dataclass(frozen=True)
class QuoteRow:
    """One quotation repeated across articles (``saywho quotes``), earliest first."""

    first_published: str | None
    speakers: list[str]  # as resolved in each article, most frequent first
    quote: str  # the earliest statement's content
    outlets: int
    articles: int
    outlet_names: list[str]  # in the order they first carried it
    statement_ids: list[int]
    article_ids: list[int]


@dataclass(frozen=True)
class QuotedElsewhere:
    """Another article that carries the words of one of an article's statements."""

    statement_id: int  # the statement of the article at hand
    article_id: int  # the other article
    outlet: str | None
    published: str | None


# --- what the dashboard's pages show -------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    name: str
    evidence: int


@dataclass(frozen=True)
class LedgerMatrix:
    """The busiest actors (rows) and targets (columns) of a ledger query, and their cells."""

    actors: list[Ranked]
    targets: list[Ranked]
    cells: dict[tuple[str, str], LedgerEntry]
    more_actors: bool  # whether actors beyond ``actors`` have evidence too
    more_targets: bool

    def grid(self) -> list[list[LedgerEntry | None]]:
        return [
            [self.cells.get((actor.name, target.name)) for target in self.targets]
            for actor in self.actors
        ]


@dataclass(frozen=True)
class FilterChoices:
    """What the filter forms offer as suggestions."""

    outlets: list[str]
    labels: list[str]
    countries: list[str]


@dataclass(frozen=True)
class EntityInfo:
    name: str
    type: str
    actor_type: str
    speaks_for: str | None
    country: str | None  # the ledger's: a state's own name, an official's state, a label
    articles: int
    mentions: int


@dataclass(frozen=True)
class PeriodCounts:
    period: str  # YYYY-MM
    counts: dict[str, int]  # by polarity


@dataclass(frozen=True)
class StanceSeries:
    periods: list[PeriodCounts]
    undated: int


@dataclass(frozen=True)
class ArticleSummary:
    id: int
    url: str | None
    title: str | None
    outlet: str | None
    published: str | None
    language: str | None
    statements: int
