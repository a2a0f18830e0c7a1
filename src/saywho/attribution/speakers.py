"""Which entity a speaker mention stands for: names, roles, metonyms, pronouns.

Names, roles and metonyms were resolved by the entity stage; here a speaker
span is mapped to one of its mentions, and pronouns ("he said") to the nearest
fitting antecedent, preferring the subjects of earlier sentences, which is
where news prose introduces who speaks next.
"""

from __future__ import annotations

from itertools import chain

from spacy.tokens import Doc, Span, Token

from saywho.attribution.gender import PRONOUN_GENDER, Gender, person_genders
from saywho.attribution.medium import ISSUED_DOCUMENTS
from saywho.entities.resolve import (
    PERSON_VOICES,
    STATE_VOICES,
    EntityIndex,
    Mention,
    acronyms,
)
from saywho.model import Entity, EntityType
from saywho.nlp import text_of

PEOPLE: frozenset[EntityType] = frozenset({"PERSON"})
BODIES: frozenset[EntityType] = frozenset({"ORG", "GPE"})
PRONOUN_TYPES: dict[str, frozenset[EntityType]] = {
    **dict.fromkeys(["he", "him", "his", "she", "her"], PEOPLE),
    **dict.fromkeys(["it", "its"], BODIES),
    **dict.fromkeys(["they", "them", "their"], frozenset({"ORG", "GPE", "NORP", "PERSON"})),
}
# Nouns that stand for a person or a body named earlier ("the minister", "the
# company"): resolved like pronouns, to the nearest fitting entity, but first to one
# the article gives that title ("President Donald Trump" ... "the president").
PERSON_NOUNS = PERSON_VOICES | frozenset(
    """man woman boy girl governor senator congressman congresswoman representative mayor
    lawyer attorney prosecutor judge director chairman chairwoman chair founder ceo
    executive chief analyst economist researcher scientist professor doctor physician
    author agent officer commander general adviser advisor aide candidate nominee
    hunter patient victim suspect defendant driver coach player royal prince princess
    king queen expert activist witness
    manager owner actor actress singer star father mother son daughter husband wife
    teacher student year-old""".split()
)
BODY_NOUNS = frozenset(
    """agency company firm group organization organisation ministry department brokerage
    coalition union party campaign committee office administration government bank
    network team board court council commission institute university hospital label
    studio publisher newspaper outlet""".split()
)
SENTENCES_BACK = 5


def resolve_speaker(doc: Doc, entities: EntityIndex, span: Span) -> str | None:
    """The canonical entity a speaker span refers to, or None."""
    head = span.root
    pronoun = head.lower_ if head.pos_ == "PRON" else None
    if pronoun in PRONOUN_TYPES:
        gender = PRONOUN_GENDER.get(pronoun)
        return _antecedent(doc, entities, head.i, PRONOUN_TYPES[pronoun], gender)
    if pronoun in ("who", "that", "which") and head.head.dep_ == "relcl":
        return resolve_speaker(doc, entities, doc[head.head.head.i : head.head.head.i + 1])
    mentions = entities.within(span.start_char, span.end_char)
    if not mentions and head.pos_ == "PROPN":
        return _named_in_article(entities, head.text)
    if not mentions:
        return _nominal_antecedent(doc, entities, span)
    if _names_a_role_only(doc, mentions, head):
        return _role_holder(doc, entities, span, mentions)
    # The head itself, else what it is in apposition with ("the IT giant Microsoft").
    for token in [head, *(c for c in head.children if c.dep_ == "appos")]:
        for mention in mentions:
            if mention.token_start <= token.i < mention.token_end:
                return mention.entity
    named = [m for m in mentions if not _is_modifier_demonym(doc, m, head.lower_)]
    people = [m for m in named if m.label == "PERSON"]
    chosen = people or named
    return chosen[0].entity if chosen else None


def _role_holder(
    doc: Doc, entities: EntityIndex, span: Span, mentions: list[Mention]
) -> str | None:
    """Who holds the role a speaker phrase names, else whom the role serves.

    "Austria's interior minister": the minister the article names, else Austria as the
    state's voice (not the nearest person, who may be anyone). "A spokesperson for the
    Foreign Office", "the president of the Farm Bureau": the person the article gives
    that title, else the body served. "The British Foreign Secretary": the holder.
    """
    head = span.root
    owners = [m for m in mentions if _is_possessor(doc, m, head)]
    if owners:
        return _title_holder(doc, entities, head) or owners[0].entity
    served = [m for m in mentions if _in_title_complement(doc, m, head, ("for", "of"))]
    return _nominal_antecedent(doc, entities, span) or (served[0].entity if served else None)


def _names_a_role_only(doc: Doc, mentions: list[Mention], head: Token) -> bool:
    """'The British Foreign Secretary', 'China's ambassador to Britain': the speaker is
    the holder, not the state named."""
    return head.lower_ in PERSON_NOUNS and all(
        m.label != "PERSON"
        and (
            _is_modifier_demonym(doc, m, "")
            or _is_possessor(doc, m, head)
            or _in_title_complement(doc, m, head)
        )
        for m in mentions
    )


def _is_possessor(doc: Doc, mention: Mention, head: Token) -> bool:
    """'Austria' in "Austria's interior minister"."""
    return any(
        t.dep_ == "poss" and t.head.i == head.i
        for t in doc[mention.token_start : mention.token_end]
    )


def _in_title_complement(
    doc: Doc, mention: Mention, head: Token, prepositions: tuple[str, ...] = ()
) -> bool:
    """'Britain' in "ambassador to Britain", 'Germany' in "the chancellor of Germany"
    (only after one of ``prepositions`` when given)."""
    complements = [
        child
        for child in head.children
        if child.dep_ == "prep" and (not prepositions or child.lower_ in prepositions)
    ]
    return any(
        complement.left_edge.i <= mention.token_start
        and mention.token_end - 1 <= complement.right_edge.i
        for complement in complements
    )


def _named_in_article(entities: EntityIndex, word: str) -> str | None:
    """A name the entity model missed at this mention but found elsewhere: the one
    person of the article with that surname ("Arroyo added"), or the organisation an
    acronym spells ("the WHO says" after "the World Health Organization")."""
    if word.isupper():
        spelled = acronyms(n for n, e in entities.entities.items() if e.type == "ORG")
        if word in spelled:
            return spelled[word]
    people = [
        name
        for name, entity in entities.entities.items()
        if entity.type == "PERSON" and name.split()[-1] == word
    ]
    return people[0] if len(people) == 1 else None


def _nominal_antecedent(doc: Doc, entities: EntityIndex, span: Span) -> str | None:
    """'the minister', 'the company', 'the statement': whom a definite noun refers to."""
    head = span.root
    if head.pos_ != "NOUN" or not any(t.lower_ in ("the", "this", "that") for t in head.lefts):
        return None
    noun = head.lower_
    if noun in PERSON_NOUNS:
        return _title_holder(doc, entities, head) or _antecedent(doc, entities, head.i, PEOPLE)
    if noun in BODY_NOUNS:
        return _antecedent(doc, entities, head.i, BODIES)
    if noun in ISSUED_DOCUMENTS:
        return _antecedent(doc, entities, head.i, PEOPLE | BODIES)
    return None


def _title_holder(doc: Doc, entities: EntityIndex, head: Token) -> str | None:
    """The nearest earlier person the article gives this title ("Gov. Eric Holcomb"
    and "the governor"; "Liu Xiaoming, the Chinese ambassador" and "the ambassador"),
    else the first later one (a lead that names the office before the person)."""
    title = head.lower_
    later = (m for m in entities.mentions if m.start > head.idx + len(head))
    for mention in chain(entities.before(head.idx), later):
        if mention.label != "PERSON":
            continue
        window = doc[max(mention.token_start - 4, 0) : mention.token_end + 5]
        if any(t.lower_ == title or t.lower_.rstrip(".") == title[:3] for t in window):
            return mention.entity
    return None


def _is_modifier_demonym(doc: Doc, mention: Mention, head_word: str) -> bool:
    """A nationality adjective on a noun that does not speak for the state."""
    token = doc[mention.token_start]
    return (
        token.dep_ in ("amod", "compound", "npadvmod")
        and token.pos_ == "ADJ"
        and (head_word not in STATE_VOICES)
    )


def _antecedent(
    doc: Doc,
    entities: EntityIndex,
    i: int,
    types: frozenset[EntityType],
    gender: Gender | None = None,
) -> str | None:
    sentence = doc[i].sent
    genders = person_genders(doc, entities) if gender else {}
    earlier = [
        m
        for m in entities.before(doc[i].idx)
        if (m.label in types or ("PERSON" in types and _names_a_person_voice(doc, m)))
        and genders.get(m.entity, gender) == gender
    ]
    # The current sentence, nearest first, outside quotation marks: in '"... Biden
    # ...," she said' the one quoted is not the one who speaks.
    for mention in earlier:
        if mention.start >= sentence.start_char and not _quoted(doc, sentence, mention):
            return mention.entity
    # Earlier sentences: a subject if there is one, else the first fitting mention.
    for back, previous in enumerate(_previous_sentences(doc, sentence)):
        if back >= SENTENCES_BACK:
            break
        fitting = [m for m in earlier if previous.start_char <= m.start < previous.end_char]
        if fitting:
            subjects = [m for m in fitting if _in_subject(doc, m)]
            # "Prince Andrew, the brother of Charles, has told": the subject's own
            # name before the names inside its apposition.
            heads = [m for m in subjects if _is_subject_head(doc, m)]
            return (heads or subjects or fitting[::-1])[0].entity
    return None


def _quoted(doc: Doc, sentence: Span, mention: Mention) -> bool:
    before = text_of(doc)[sentence.start_char : mention.start]
    opened = sum(before.count(mark) for mark in "“«") + before.count('"') % 2
    closed = sum(before.count(mark) for mark in "”»")
    return opened > closed


def _names_a_person_voice(doc: Doc, mention: Mention) -> bool:
    """A state named on a person who speaks for it ("the British Foreign Secretary")."""
    token = doc[mention.token_end - 1]
    return token.dep_ in ("amod", "compound") and token.head.lower_ in PERSON_VOICES


def _previous_sentences(doc: Doc, sentence: Span) -> list[Span]:
    before = [s for s in doc.sents if s.end <= sentence.start]
    return before[::-1]


def _is_subject_head(doc: Doc, mention: Mention) -> bool:
    return any(
        t.dep_ in ("nsubj", "nsubjpass") for t in doc[mention.token_start : mention.token_end]
    )


def _in_subject(doc: Doc, mention: Mention) -> bool:
    for token in doc[mention.token_start : mention.token_end]:
        node = token
        while node.head.i != node.i:
            if node.dep_ in ("nsubj", "nsubjpass"):
                return True
            if node.dep_ in ("pobj", "dobj", "ccomp", "advcl", "relcl"):
                break
            node = node.head
    return False


def pronoun_mention(doc: Doc, span: Span, entity: Entity) -> Mention | None:
    """A Mention for a resolved pronoun speaker, to add to the entity's mentions."""
    head = span.root
    if head.pos_ != "PRON":
        return None
    return Mention(
        head.i, head.i + 1, head.idx, head.idx + len(head), head.text, entity.name, entity.type
    )
