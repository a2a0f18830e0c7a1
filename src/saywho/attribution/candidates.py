"""From candidates to Statements: the assembly every attributor shares.

An attributor finds candidates (a speaker span, a cue, content ranges); this
module resolves the speaker to an entity, reads the kind from the quotation
marks, classifies the act, sets a confidence and numbers the statements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

from saywho.attribution.acts import classify_act
from saywho.attribution.medium import medium_of
from saywho.attribution.speakers import in_quotation, pronoun_mention, resolve_speaker
from saywho.entities.resolve import EntityIndex
from saywho.model import Act, Kind, Medium, Speaker, Statement
from saywho.model import Span as TextSpan
from saywho.nlp import text_of

# A paragraph break: a line break and any blank lines after it (one, however many).
PARAGRAPH_BREAK = re.compile(r"\n\s*")
QUOTES_OPEN = "“\"«‘'"
QUOTES_CLOSE = "”\"»’'"
# Who speaks when the author does: their claims are not statements.
AUTHOR_PRONOUNS = frozenset({"i", "we", "you"})
RELATIVE_PRONOUNS = frozenset({"which", "that"})


@dataclass
class Candidate:
    speaker: Span | None
    cue: TextSpan | None
    cue_lemma: str | None
    content: list[tuple[int, int]]  # character ranges
    direct: bool = False  # set by finders that know the content is a verbatim quote
    confidence: float | None = None  # a model's own; rules get a heuristic one
    # Set by finders for languages the English cue and act lexicons do not know
    # (saywho.attribution.russian); None: judged here from the English lexicons.
    medium: Medium | None = None
    act: Act | None = None
    # An agentless report that gold quotation sets count ("heißt es", "es wird
    # befürchtet"): kept without a speaker, and never given a neighbour's.
    unattributed: bool = False

    @property
    def extent(self) -> tuple[int, int]:
        return self.content[0][0], self.content[-1][1]


def with_uncovered(candidates: list[Candidate], extra: Iterable[Candidate]) -> list[Candidate]:
    """The candidates, then each of ``extra`` that overlaps none of them: a weaker
    finder fills in only where a stronger one found nothing."""
    taken = [c.extent for c in candidates]
    added = [c for c in extra if not any(s < c.extent[1] and c.extent[0] < e for s, e in taken)]
    return [*candidates, *added]


def kind_of(doc: Doc, candidate: Candidate) -> Kind:
    if candidate.direct:
        return "direct"
    start, end = candidate.extent
    text = text_of(doc)
    before = text[:start].rstrip()[-1:]
    after = text[end:].lstrip(",. ")[:1]
    if before and before in QUOTES_OPEN and after and after in QUOTES_CLOSE:
        return "direct"
    inside = text[start:end]
    if inside[:1] in QUOTES_OPEN and inside.rstrip(",. ")[-1:] in QUOTES_CLOSE:
        return "direct"
    if any(q in inside for q in '“”«»"'):
        return "mixed"
    return "indirect"


def to_statement(doc: Doc, entities: EntityIndex, candidate: Candidate) -> Statement | None:
    """The statement a candidate makes, or None when it reports no message (an act,
    a finding no one is named for)."""
    kind = kind_of(doc, candidate)
    medium = candidate.medium or medium_of(doc, candidate, quoted=kind != "indirect")
    if medium is None:
        return None
    speaker = None
    if candidate.speaker is not None:
        entity_name = resolve_speaker(doc, entities, candidate.speaker)
        entity = entities.entities.get(entity_name) if entity_name else None
        mention = pronoun_mention(doc, candidate.speaker, entity) if entity else None
        if mention is not None and entity is not None:
            entities.add(mention, entity)
        speaker = Speaker(
            candidate.speaker.start_char,
            candidate.speaker.end_char,
            candidate.speaker.text,
            entity_name,
        )
    content = [TextSpan(s, e, text_of(doc)[s:e]) for s, e in candidate.content]
    confidence = candidate.confidence
    if confidence is None:  # rules: trust a resolved speaker and verbatim quotes more
        confidence = (
            0.5
            + (0.2 if speaker and speaker.entity else 0.0)
            + (0.15 if kind == "direct" else 0.0)
            - (0.2 if speaker is None else 0.0)
        )
    return Statement(
        id="",
        speaker=speaker,
        cue=candidate.cue,
        cue_lemma=candidate.cue_lemma,
        content=content,
        kind=kind,
        medium=medium,
        act=candidate.act or classify_act(candidate.cue_lemma, " ".join(p.text for p in content)),
        confidence=round(confidence, 2),
    )


def to_statements(
    doc: Doc, entities: EntityIndex, candidates: Iterable[Candidate]
) -> list[Statement]:
    """Statements in text order, with ids s1, s2, ... unique within the article.

    A quotation with no speaker of its own takes its neighbour's (news prose
    gives a speaker once for several paragraphs of quotation); a reported
    clause with no speaker at all ("is expected to", "reportedly") is no one's
    statement and is left out, and so are the author's own ("I think", "we know")
    and those of a "which" that stands for no one.
    """
    statements = [
        statement
        for statement in (to_statement(doc, entities, candidate) for candidate in candidates)
        if statement is not None
    ]
    statements.sort(key=lambda s: s.content[0].start)
    text = text_of(doc)
    statements = _with_neighbours_speakers(text, statements)
    statements = [s for s in statements if s.speaker is not None or s.kind != "indirect"]
    statements = [
        s for s in statements if not _the_authors(text, s, statements) and not _said_by_a_thing(s)
    ]
    for number, statement in enumerate(statements, start=1):
        statement.id = f"s{number}"
    return statements


def _the_authors(text: str, statement: Statement, statements: list[Statement]) -> bool:
    """Whether a statement is the author's own claim (docs/annotation.md: not a
    statement): said by "I", "we" or "you" in the narrative, not inside a quotation or
    another statement's content, where the first person is whoever is quoted."""
    speaker = statement.speaker
    if speaker is None or speaker.text.lower() not in AUTHOR_PRONOUNS:
        return False
    if any(
        piece.start <= speaker.start < piece.end
        for other in statements
        if other is not statement
        for piece in other.content
    ):
        return False
    return not in_quotation(text, speaker.start)


def _said_by_a_thing(statement: Statement) -> bool:
    """Whether the speaker is a relative pronoun that stands for no one ("a new survey,
    which said …"): a finding without a named author, not a statement
    (docs/annotation.md). "Greenpeace, which said …" resolves to Greenpeace and stays."""
    speaker = statement.speaker
    return (
        speaker is not None and speaker.entity is None and speaker.text.lower() in RELATIVE_PRONOUNS
    )


def _with_neighbours_speakers(text: str, statements: list[Statement]) -> list[Statement]:
    """Speakerless quotations given the resolved speaker of a neighbour (see
    ``neighbour_of``), and its medium."""
    resolved = list(statements)
    for index, statement in enumerate(statements):
        if statement.speaker is not None or statement.kind == "indirect":
            continue
        neighbour = neighbour_of(text, resolved, index, _resolved)
        if neighbour is not None:
            resolved[index] = replace(statement, speaker=neighbour.speaker, medium=neighbour.medium)
    return resolved


def _resolved(statement: Statement) -> bool:
    return statement.speaker is not None and statement.speaker.entity is not None


def neighbour_of(
    text: str, statements: list[Statement], index: int, lends: Callable[[Statement], bool]
) -> Statement | None:
    """The statement whose speaker the speakerless one at ``index`` takes (news gives a
    speaker once for several paragraphs of quotation): the last one before it that
    ``lends``, in the same or the previous paragraph, else the first one after it, in
    its paragraph. ``statements`` before ``index`` may already have been filled."""
    start, end = statements[index].content[0].start, statements[index].content[-1].end
    before = next((s for s in reversed(statements[:index]) if lends(s)), None)
    after = next((s for s in statements[index + 1 :] if lends(s)), None)
    if before is not None and _paragraph_breaks(text, before.content[-1].end, start) <= 1:
        return before
    if after is not None and _paragraph_breaks(text, end, after.content[0].start) == 0:
        return after
    return None


def _paragraph_breaks(text: str, start: int, end: int) -> int:
    """How many paragraph breaks lie between two offsets ("\n\n" is one)."""
    return len(PARAGRAPH_BREAK.findall(text, start, end)) if end > start else 0
