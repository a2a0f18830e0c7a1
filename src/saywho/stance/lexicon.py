"""A transparent stance baseline: speech acts, cue verbs and clause sentiment.

Three sources, in order of trust:
1. A declaration of neutrality ("has no favorite", "does not support any
   candidate") is neutral toward every target it names.
2. A cue that evaluates ("welcomed", "praised", "accused", "blamed") gives its
   polarity to the targets its object names ("welcomed the sincerity of X").
3. Otherwise the content's lexicon sentiment goes to the targets that are its
   participants (subject, object, or their modifiers: "under the presidency of
   X, relations were never so tense"); targets only mentioned in passing, inside
   relative or subordinate clauses, are neutral.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Token

from saywho.attribution.acts import CUE_ACTS
from saywho.model import Polarity
from saywho.nlp import text_of
from saywho.sentiment import compound
from saywho.stance import STANCE_MODELS, Judgement, StanceQuery, Target

# Dependency arcs that keep a target a participant of the clause it is in.
PARTICIPANT_ARCS = frozenset(
    {
        "nsubj",
        "nsubjpass",
        "dobj",
        "pobj",
        "prep",
        "poss",
        "compound",
        "appos",
        "attr",
        "agent",
        "case",
        "amod",
        "dative",
    }
)
MAX_PARTICIPANT_DEPTH = 4
# Below this absolute compound score, content reads as neutral.
SENTIMENT_THRESHOLD = 0.3
# What a declaration of (non-)preference names, in the languages saywho reads:
# English, then Russian, German, French, Spanish, Czech and Ukrainian stems.
_PREFERENCE = re.compile(
    r"\b(favou?rites?|preferences?|prefer\w*|support\w*|endorse\w*|back\w*|neutral\w*|side\w*|"
    r"фаворит\w*|предпоч\w*|поддерж\w*|нейтрал\w*|"
    r"favorit\w*|bevorzug\w*|präferenz\w*|unterstütz\w*|"
    r"favori\w*|préf[éè]r\w*|soutien\w*|souten\w*|soutient|neutre\w*|"
    r"apoy\w*|preferuj\w*|preferenc\w*|podpor\w*|nepodpor\w*|neutráln\w*|"
    r"переваг\w*|підтрим\w*)\b",
    re.IGNORECASE,
)
CUE_POLARITY: dict[str, Polarity] = {
    cue: ("positive" if act == "praise" else "negative")
    for cue, act in CUE_ACTS.items()
    if act in ("praise", "criticism", "accusation")
    and cue not in ("reveal", "revelation", "report")
}


def is_declaration(act: str | None, content: str) -> bool:
    """An explicit statement of (non-)preference: what an actor *declares*."""
    return act == "denial" and bool(_PREFERENCE.search(content))


@STANCE_MODELS.register("lexicon")
class LexiconStance:
    def __call__(self, queries: Sequence[StanceQuery]) -> list[list[Judgement]]:
        return [[self._judge(query, target) for target in query.targets] for query in queries]

    def _judge(self, query: StanceQuery, target: Target) -> Judgement:
        doc = query.doc
        content_text = " ".join(text_of(doc)[s:e] for s, e in query.content)
        if is_declaration(query.act, content_text):
            return Judgement("neutral", 0.9)
        target_token = _head_token(doc, target)
        cue_polarity = CUE_POLARITY.get(query.cue_lemma or "")
        if cue_polarity and target_token is not None and _is_cue_object(target_token):
            return Judgement(cue_polarity, 0.8)
        score = compound(content_text)
        if abs(score) < SENTIMENT_THRESHOLD or target_token is None:
            return Judgement("neutral", round(1 - abs(score), 2))
        if not _is_participant(target_token, query.content):
            return Judgement("neutral", 0.6)
        return Judgement("positive" if score > 0 else "negative", round(0.5 + abs(score) / 2, 2))


def _head_token(doc: Doc, target: Target) -> Token | None:
    span = doc.char_span(target.start, target.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _is_cue_object(token: Token) -> bool:
    """Is the target what an evaluative cue acts on (its object, or the object's owner)?"""
    node = token
    for _ in range(MAX_PARTICIPANT_DEPTH):
        if node.dep_ in ("dobj", "nsubjpass") and node.head.lemma_.lower() in CUE_POLARITY:
            return True
        if node.dep_ not in ("pobj", "prep", "poss", "compound", "appos", "case"):
            return False
        node = node.head
    return False


def _is_participant(token: Token, content: tuple[tuple[int, int], ...]) -> bool:
    """Does the path from the target to the content's top pass only participant arcs?"""
    node = token
    for _ in range(MAX_PARTICIPANT_DEPTH + 1):
        head = node.head
        if head.i == node.i or not any(s <= head.idx < e for s, e in content):
            return True  # reached the top of the content
        if node.dep_ not in PARTICIPANT_ARCS:
            return False
        node = head
    return False
