"""The cue of a statement read off the parse: its head word and the grammar around it.

One rule for the head word, used by every attributor when it builds a candidate;
the lemma then travels on the Statement (``Statement.cue_lemma``), so later stages
(the medium, the act, stance) read it instead of finding it again.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from saywho.nlp import text_of

ACCORDING_TO = "according to"


def cue_head(doc: Doc, start: int, end: int) -> Token | None:
    """The word that carries the cue: its last verb or noun ("has said", "in a
    statement"), else the root of the span."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    words = [t for t in span if t.pos_ in ("VERB", "NOUN")]
    return words[-1] if words else span.root


def cue_lemma(doc: Doc, start: int, end: int) -> str | None:
    if text_of(doc)[start:end].lower().startswith(ACCORDING_TO):
        return ACCORDING_TO  # an aside, not a verb: the rules' deduplication keys on it
    head = cue_head(doc, start, end)
    return head.lemma_.lower() if head is not None else None


def passive_without_agent(word: Token) -> bool:
    """'was accused of', 'is expected to': the subject is not the one who speaks."""
    deps = {child.dep_ for child in word.children}
    return bool(deps & {"nsubjpass", "auxpass"}) and "agent" not in deps


def negated_or_hypothetical(word: Token) -> bool:
    """'has not denied', 'without proclaiming it': no statement was made."""
    if any(child.dep_ == "neg" for child in word.children):
        return True
    return word.dep_ == "pcomp" and word.head.lower_ == "without"
