"""Which people of an article "he" and "she" can refer to, from the article itself.

No list of first names (they do not travel across countries): a person's
grammatical gender is read from what the article says around them, namely a title
("Mr.", "Ms."), a noun in apposition ("the spokeswoman"), and the pronouns of
sentences in which they are the only person named. Where the evidence is absent
or split, the person fits either pronoun, as before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Literal

from spacy.tokens import Doc

from saywho.entities.resolve import EntityIndex, Mention

Gender = Literal["male", "female"]

PRONOUN_GENDER: dict[str, Gender] = {
    **dict.fromkeys(["he", "him", "his", "himself"], "male"),
    **dict.fromkeys(["she", "her", "hers", "herself"], "female"),
}
_WORD_GENDER: dict[str, Gender] = {
    **dict.fromkeys(
        """mr man father husband son brother king prince spokesman chairman congressman
        actor boy uncle grandfather""".split(),
        "male",
    ),
    **dict.fromkeys(
        """mrs ms miss woman mother wife daughter sister queen princess spokeswoman
        chairwoman congresswoman actress girl aunt grandmother""".split(),
        "female",
    ),
}
# A title or an apposition says more than one pronoun in a sentence.
_TITLE_WEIGHT = 3
_CACHE_KEY = "saywho_genders"
# The dependency labels of a clause's subject in spaCy's English parse.
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


def person_genders(doc: Doc, entities: EntityIndex) -> dict[str, Gender]:
    """The gender the article gives each person it names, where it gives one."""
    cached: dict[str, Gender] | None = doc.user_data.get(_CACHE_KEY)
    if cached is not None:
        return cached
    votes: dict[str, Counter[Gender]] = {}
    for person, gender, weight in [*_title_votes(doc, entities), *_pronoun_votes(doc, entities)]:
        votes.setdefault(person, Counter())[gender] += weight
    genders: dict[str, Gender] = {}
    for person, counts in votes.items():
        ranked = counts.most_common()
        if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
            genders[person] = ranked[0][0]
    doc.user_data[_CACHE_KEY] = genders
    return genders


def _named(mention: Mention) -> bool:
    return mention.label == "PERSON" and mention.text.lower() not in PRONOUN_GENDER


def _title_votes(doc: Doc, entities: EntityIndex) -> Iterator[tuple[str, Gender, int]]:
    """'Mr. Volker', 'Stephanie Grisham, the spokeswoman'."""
    for mention in filter(_named, entities.mentions):
        before = doc[mention.token_start - 1].lower_.rstrip(".") if mention.token_start else ""
        appositions = [
            child.lower_
            for token in doc[mention.token_start : mention.token_end]
            for child in token.children
            if child.dep_ == "appos"
        ]
        for word in [before, *appositions]:
            if word in _WORD_GENDER:
                yield mention.entity, _WORD_GENDER[word], _TITLE_WEIGHT


def _pronoun_votes(doc: Doc, entities: EntityIndex) -> Iterator[tuple[str, Gender, int]]:
    """The pronouns of sentences that name one person only, as a subject: in "a man
    admitted he threatened Ann Lee" the "he" is not hers."""
    for sentence in doc.sents:
        within = [m for m in entities.within(sentence.start_char, sentence.end_char) if _named(m)]
        people = {m.entity for m in within}
        if len(people) == 1 and any(is_subject(doc, m) for m in within):
            person = people.pop()
            for token in sentence:
                if token.lower_ in PRONOUN_GENDER:
                    yield person, PRONOUN_GENDER[token.lower_], 1


def is_subject(doc: Doc, mention: Mention) -> bool:
    """Whether a word of the mention is a clause's subject ("Ann Lee" in "Ann Lee said")."""
    return any(t.dep_ in SUBJECT_DEPS for t in doc[mention.token_start : mention.token_end])
