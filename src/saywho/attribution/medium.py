"""The medium of a statement (speech, writing, thought), or that it is none.

A span tagger trained on PolNeAR finds attributions the way PolNeAR annotates
them: statements, but also beliefs, intentions, findings and actions whose
verb can introduce speech elsewhere ("the president rejected their bill").
A ledger of what actors *say* must tell them apart, so every candidate gets a
medium in the terms of the Redewiedergabe tradition, or ``None``: not a
statement, not output (docs/annotation.md says what counts).

The decision reads the cue's head word, what the content is (a clause or a
quotation renders a message; a bare noun phrase usually names the object of an
action) and, for findings, who the speaker is. Words are grouped by what they
do with their content, so a cue the lists do not know is still judged: it is a
statement only when its content is a clause or a quotation.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span, Token

from saywho.attribution.cues import (
    ACCORDING_TO,
    cue_head,
    negated_or_hypothetical,
    passive_without_agent,
)
from saywho.model import Medium
from saywho.model import Span as TextSpan
from saywho.nlp import text_of

if TYPE_CHECKING:
    from saywho.attribution.candidates import Candidate

# Cues whose content is what was said, whatever its form ("urged them to
# leave", "promised a recount", "called it a disgrace").
SPEECH_CUES = frozenset(
    """say tell add ask answer reply respond explain argue insist note observe remark
    comment state declare assert claim contend maintain mention stress emphasize
    emphasise underline reiterate repeat recall warn caution urge demand call plead
    promise vow pledge threaten assure swear testify predict forecast estimate suggest
    propose recommend concede admit acknowledge complain lament boast joke quip
    announce proclaim confirm describe characterize characterise label brand dub
    point speak talk chant shout yell cry scream whisper interject counter
    according interview remarks comments speech conference briefing""".split()
)
# Requests are statements when they say what is asked ("urged them to leave"),
# not when they name a topic ("asked about the decision", "called for a meeting").
REQUEST_CUES = frozenset("ask urge demand plead press push appeal".split())
# Nouns that report a message ("the revelation, by Microsoft, of ..."; "his claim").
NOUN_CUES = frozenset(
    """revelation claim statement assertion accusation allegation announcement denial warning
    admission remark comment testimony declaration pledge promise report charge""".split()
)
# Cues of the written word; "said in a statement" is recognised by its context.
WRITING_CUES = frozenset(
    """write tweet post publish email text blog retweet sign letter statement release memo
    filing report column editorial essay op-ed""".split()
)
# Reported thought, belief and intention: kept, but apart from what was said.
THOUGHT_CUES = frozenset(
    """think believe feel fear worry expect know realize realise suspect doubt assume
    consider regard view imagine reckon guess suppose understand wonder anticipate
    hope intend conclude see recognize recognise bet count""".split()
)
# Intentions are reported states of mind too (PolNeAR annotates them beside beliefs):
# "plans to", "is seeking to", "wants to".
INTENTION_CUES = frozenset("plan seek try intend aim attempt want wish mean strive".split())
# Evaluations and denials are statements with a noun phrase for content ("praised
# the sincerity of", "blamed X for"), as long as the phrase is the evaluated thing.
EVALUATIVE_CUES = frozenset(
    """praise criticize criticise condemn denounce slam blast blame accuse welcome hail
    thank congratulate applaud commend decry lambast attack fault rebuke mock
    ridicule deride""".split()
)
# Cues that take a message as object when they report speech ("denied the
# allegations", "rejected the claim that") and a thing when they report an act
# ("rejected their bill", "confirmed the appointment").
MESSAGE_OBJECT_CUES = frozenset(
    """deny reject dismiss refute rebut dispute disavow reveal disclose cite
    acknowledge confirm announce""".split()
)
MESSAGE_NOUNS = frozenset(
    """claim claims allegation allegations accusation accusations charge charges report
    reports suggestion suggestions idea notion rumor rumors rumour rumours criticism
    statement statements assertion assertions story stories speculation account
    accounts comparison comparisons characterization remark remarks comment comments
    premise theory theories reporting view views""".split()
)
# What researchers and documents find; a statement only when someone is named
# as their author (not "the study found").
FINDING_CUES = frozenset("find show indicate demonstrate reveal suggest conclude".split())
RESEARCH_NOUNS = frozenset(
    """study studies research survey poll polls data analysis paper figures evidence
    results findings statistics numbers model review investigation""".split()
)
# Documents an actor issues: "the statement said" is written, by whoever issued it
# (saywho.attribution.speakers resolves it to them).
ISSUED_DOCUMENTS = frozenset("statement letter release memo filing complaint post".split())
DOCUMENT_NOUNS = (
    RESEARCH_NOUNS
    | ISSUED_DOCUMENTS
    | frozenset("report reports document documents records ruling indictment lawsuit order".split())
)
# Cues that report an act, never a message, whatever the tagger thought.
ACTION_CUES = frozenset(
    """approve order file vote pass veto launch arrest sue ban block shrug decline refuse
    agree decide choose allow fund grant authorize authorise""".split()
)
KNOWN_CUES = (
    SPEECH_CUES
    | WRITING_CUES
    | THOUGHT_CUES
    | EVALUATIVE_CUES
    | MESSAGE_OBJECT_CUES
    | FINDING_CUES
    | REQUEST_CUES
    | INTENTION_CUES
    | NOUN_CUES
)
_WRITTEN_CONTEXT = re.compile(
    r"[^.\n]{0,40}?\b(?:in|on|via|through)\s+(?:a|an|the|his|her|their|its)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:statement|letter|post|tweet|email|e-mail|filing|memo|"
    r"report|release|column|op-ed|essay|blog|message|note|court papers|complaint)\b",
    re.IGNORECASE,
)


def medium_of(doc: Doc, candidate: Candidate, quoted: bool) -> Medium | None:
    """What a candidate statement is conveyed by, or None when it reports no message."""
    return judge(doc, candidate, quoted)[0]


def judge(doc: Doc, candidate: Candidate, quoted: bool) -> tuple[Medium | None, str]:
    """The medium, or None, with the rule that decided (for evaluations and debugging)."""
    if candidate.cue is None or candidate.cue_lemma is None:
        return "speech", "cue-less quotation"  # a colon, a signature line
    lemma = candidate.cue_lemma.lower()
    if lemma in INTENTION_CUES:
        return "thought", "intention"
    cue = doc.char_span(candidate.cue.start, candidate.cue.end, alignment_mode="expand")
    no_one_speaks = _no_speaking(doc, candidate, lemma, cue)
    if no_one_speaks is not None:
        return None, no_one_speaks
    no_message = _no_message(doc, candidate, lemma, quoted)
    if no_message is not None:
        return None, no_message
    if lemma in THOUGHT_CUES:
        return "thought", "thought cue"
    if (
        lemma in WRITING_CUES
        or _document_speaker(candidate.speaker)
        or _written_after(doc, candidate.cue.end)
    ):
        return "writing", "writing cue"
    return "speech", "speech cue"


def _no_speaking(doc: Doc, candidate: Candidate, lemma: str, cue: Span | None) -> str | None:
    """Why the cue reports no one speaking (an act, a denied or agentless report, a
    finding), or None."""
    words = list(cue) if cue is not None else []
    if lemma in ACTION_CUES or {t.lemma_.lower() for t in words} & ACTION_CUES:
        return "action"
    head = cue_head(doc, candidate.cue.start, candidate.cue.end) if candidate.cue else None
    if any(t.lower_ in ("not", "n't") for t in words) or (
        head is not None and negated_or_hypothetical(head)
    ):
        return "negated"
    if any(passive_without_agent(t) for t in words):
        return "agentless"
    if _research_speaker(candidate.speaker) and lemma in FINDING_CUES | {ACCORDING_TO, "report"}:
        return "finding"
    return None


def _no_message(doc: Doc, candidate: Candidate, lemma: str, quoted: bool) -> str | None:
    """Why the content is no message (a thing asked for or acted on), or None."""
    content = candidate.content
    clause = quoted or _has_clause(doc, content)
    calls_for = (
        lemma == "call" and candidate.cue is not None and _followed_by_for(doc, candidate.cue)
    )
    if (lemma in REQUEST_CUES or calls_for) and not (clause or _has_infinitive(doc, content)):
        return "request topic"
    if lemma in MESSAGE_OBJECT_CUES and not clause and not _names_a_message(doc, content):
        return "object"
    if lemma not in KNOWN_CUES and not clause:
        return "unknown cue, no clause"
    return None


def _tokens(doc: Doc, content: list[tuple[int, int]]) -> list[Token]:
    tokens: list[Token] = []
    for start, end in content:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            tokens.extend(span)
    return tokens


def _has_clause(doc: Doc, content: list[tuple[int, int]]) -> bool:
    """A subject or a finite verb: the content is a proposition, not a thing."""
    return any(
        token.dep_ in ("nsubj", "nsubjpass", "expl", "csubj")
        or (token.pos_ in ("VERB", "AUX") and "Fin" in token.morph.get("VerbForm", []))
        for token in _tokens(doc, content)
    )


def _names_a_message(doc: Doc, content: list[tuple[int, int]]) -> bool:
    return any(
        token.lemma_.lower() in MESSAGE_NOUNS or token.lower_ in MESSAGE_NOUNS
        for token in _tokens(doc, content)
        if token.pos_ in ("NOUN", "PROPN")
    )


def _followed_by_for(doc: Doc, cue: TextSpan) -> bool:
    """'called for a meeting' asks for something; 'called it a sham' says something."""
    text = text_of(doc)
    after = re.match(r"(?:\s+\w+)?\s+for\b", text[cue.end : cue.end + 20])
    return after is not None or text[cue.start : cue.end].lower().endswith(" for")


def _has_infinitive(doc: Doc, content: list[tuple[int, int]]) -> bool:
    return any(t.tag_ == "VB" for t in _tokens(doc, content))


def _document_speaker(speaker: Span | None) -> bool:
    return _speaker_noun(speaker) in DOCUMENT_NOUNS


def _research_speaker(speaker: Span | None) -> bool:
    """'the study', 'new data' as the one who speaks, with no author named in it."""
    return _speaker_noun(speaker) in RESEARCH_NOUNS


def _speaker_noun(speaker: Span | None) -> str | None:
    """The head noun of a speaker phrase that names no one."""
    if speaker is None or not len(speaker):
        return None
    if any(token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for token in speaker):
        return None
    return speaker.root.lemma_.lower()


def _written_after(doc: Doc, cue_end: int | None) -> bool:
    if cue_end is None:
        return False
    return _WRITTEN_CONTEXT.match(text_of(doc), cue_end) is not None
