"""Which entity a speaker mention stands for: names, roles, metonyms, pronouns.

Names, roles and metonyms were resolved by the entity stage; here a speaker
span is mapped to one of its mentions, and pronouns ("he said") to the nearest
fitting antecedent, preferring the main-clause subjects of earlier sentences,
which is where news prose introduces who speaks next (a subject pronoun there
passes the chain further back). Nominals ("the minister", "the group", "the
statement", "the 45-year-old") go to whom the article gave that title, name,
document or age; one that the article introduced without a name stays unnamed
rather than taking the nearest name. Names that only modify the speaker's noun
("the US farmers", "Ann Lee's lawyer") or sit in a clause on it are not the speaker.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from spacy.tokens import Doc, Span, Token

from saywho.attribution.gender import (
    PRONOUN_GENDER,
    SUBJECT_DEPS,
    Gender,
    is_subject,
    person_genders,
)
from saywho.attribution.medium import ISSUED_DOCUMENTS
from saywho.entities.resolve import (
    PERSON_VOICES,
    STATE_VOICES,
    EntityIndex,
    Mention,
    acronyms,
    surname,
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
SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson"})
SENTENCES_BACK = 5
# Clauses on a speaker's noun say more about it without naming it.
_CLAUSES = frozenset({"relcl", "acl", "advcl", "ccomp"})
_MODIFIERS = frozenset({"compound", "amod", "npadvmod", "poss", "nmod"})
# How a title hangs on a name: "Gov. Eric Holm", "Liu Wen, the ambassador to Britain".
_TITLE_LINKS = frozenset({"compound", "amod", "nmod", "appos", "flat", "pobj", "prep"})
# Pronouns that can refer to the same antecedent: a subject "he" continues "his".
_PRONOUN_GROUP: dict[str, str] = {
    **dict.fromkeys(["he", "him", "his"], "he"),
    **dict.fromkeys(["she", "her"], "she"),
    **dict.fromkeys(["it", "its"], "it"),
    **dict.fromkeys(["they", "them", "their"], "they"),
}


def resolve_speaker(doc: Doc, entities: EntityIndex, span: Span) -> str | None:
    """The canonical entity a speaker span refers to, or None."""
    head = span.root
    if head.dep_ == "det" and head.head.i > head.i and len(span) == 1:
        # A span cut short at its determiner ("the" of "the statement read").
        return resolve_speaker(doc, entities, doc[head.i : head.head.i + 1])
    pronoun = head.lower_ if head.pos_ == "PRON" else None
    if pronoun in PRONOUN_TYPES:
        gender = PRONOUN_GENDER.get(pronoun)
        return _antecedent(doc, entities, head.i, PRONOUN_TYPES[pronoun], gender)
    if pronoun in ("who", "that", "which") and head.head.dep_ == "relcl":
        return resolve_speaker(doc, entities, doc[head.head.head.i : head.head.head.i + 1])
    mentions = [
        m for m in entities.within(span.start_char, span.end_char) if _part_of(doc, m, head)
    ]
    if not mentions and head.pos_ == "PROPN":
        return _named_in_article(entities, head.text)
    if not mentions:
        return _nominal_antecedent(doc, entities, span)
    return _named_speaker(doc, entities, span, mentions)


def _named_speaker(
    doc: Doc, entities: EntityIndex, span: Span, mentions: list[Mention]
) -> str | None:
    """Which of the names inside a speaker phrase speaks, if any."""
    head = span.root
    if _names_a_role_only(doc, mentions, head):
        return _role_holder(doc, entities, span, mentions)
    # The head itself, else what it is in apposition with ("the IT giant Microsoft").
    for token in [head, *(c for c in head.children if c.dep_ == "appos")]:
        for mention in mentions:
            if mention.token_start <= token.i < mention.token_end:
                return mention.entity
    if head.lemma_ in (PERSON_NOUNS | {"source"}) - PERSON_VOICES and all(
        _is_possessor(doc, m, head) for m in mentions if m.label == "PERSON"
    ):
        # "Ann Lee's lawyer", "Ann Lee's source": someone else, whom the article may
        # name beside her ("Ann Lee's spokesman" is her voice).
        owners = [m for m in mentions if m.label == "PERSON"]
        if owners:
            return _title_holder(doc, entities, head, owners[0].text, owners[0].entity)
    named = [
        m
        for m in mentions
        if not _is_modifier_demonym(doc, m, head.lower_) and not _is_modifier_place(doc, m, head)
    ]
    people = [m for m in named if m.label == "PERSON"]
    chosen = people or named
    return chosen[0].entity if chosen else None


def _part_of(doc: Doc, mention: Mention, head: Token) -> bool:
    """Whether a name inside a speaker span belongs to the phrase itself, not to a
    clause on it: not 'Acme News' in "a spokesperson when reached by Acme News", not
    'Ann Lee' in "farmers, who mostly vote for Ann Lee"."""
    node = doc[mention.token_start : mention.token_end].root
    while node.i != head.i:
        if mention.token_start <= head.i < mention.token_end:
            return True
        if node.dep_ in _CLAUSES or node.head.i == node.i:
            return False
        node = node.head
    return True


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
    # "The Acme founder", "an Acme spokesperson", "the Texas governor": the
    # holder the article names beside that organisation or place, else it.
    bodies = [m for m in mentions if _is_compound_body(doc, m, head)]
    if bodies:
        return _title_holder(doc, entities, head, bodies[0].text) or bodies[0].entity
    # "The chairman of the Green Party": its chairman where the article names
    # one beside it, else the party; never the nearest person.
    served = [m for m in mentions if _in_title_complement(doc, m, head, ("for", "of"))]
    if served:
        return _title_holder(doc, entities, head, served[0].text) or served[0].entity
    return _nominal_antecedent(doc, entities, span)


def _names_a_role_only(doc: Doc, mentions: list[Mention], head: Token) -> bool:
    """'The British Foreign Secretary', 'China's ambassador to Britain': the speaker is
    the holder, not the state named."""
    return head.lower_ in PERSON_NOUNS and all(
        m.label != "PERSON"
        and (
            _is_modifier_demonym(doc, m, "")
            or _is_possessor(doc, m, head)
            or _is_compound_body(doc, m, head)
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


def _is_compound_body(doc: Doc, mention: Mention, head: Token) -> bool:
    """'Acme' in "an Acme spokesperson", 'Texas' in "the Texas governor"."""
    return (
        mention.label in ("ORG", "GPE")
        and doc[mention.token_end - 1].head.i == head.i
        and any(t.dep_ == "compound" for t in doc[mention.token_start : mention.token_end])
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
        if entity.type == "PERSON" and (surname(name) or name) == word
    ]
    return people[0] if len(people) == 1 else None


def _nominal_antecedent(doc: Doc, entities: EntityIndex, span: Span) -> str | None:
    """'the minister', 'the company', 'the statement': whom a definite noun refers to."""
    head = span.root
    determiners = {t.lower_ for t in head.lefts if t.dep_ == "det"}
    if head.pos_ == "NOUN" and head.lower_ in SPOKESPEOPLE and determiners & {"a", "an"}:
        # "Acme declined the offer. A spokesperson said": a new, unnamed voice of the
        # organisation just spoken of (unless the phrase names one the entity model
        # missed: "an Acme spokesperson").
        if any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in head.children):
            return None
        return _antecedent(doc, entities, head.i, BODIES)
    noun = _noun_of(head)
    if noun is None or not determiners & {"the", "this", "that"}:
        return None
    if noun in PERSON_NOUNS:
        return _person_antecedent(doc, entities, head)
    if noun in BODY_NOUNS:
        return _named_body(doc, entities, head) or _antecedent(doc, entities, head.i, BODIES)
    if noun in ISSUED_DOCUMENTS:
        return _issuer(doc, entities, head) or _antecedent(doc, entities, head.i, PEOPLE | BODIES)
    return None


def _noun_of(token: Token) -> str | None:
    """The noun a phrase's head stands for: "year-old" for the head "old" of "the
    45-year-old" (split by the tokenizer), else the noun itself, a title too where the
    tagger took its capital for a name ("The British Foreign Secretary")."""
    doc = token.doc
    if (
        token.lower_ == "old"
        and token.i >= 2
        and doc[token.i - 1].text == "-"
        and doc[token.i - 2].lower_ in ("year", "years")
    ):
        return "year-old"
    if token.pos_ == "PROPN" and token.lower_ in PERSON_NOUNS:
        return token.lower_  # a title written capitalised: "the Foreign Secretary"
    return token.lower_ if token.pos_ == "NOUN" else None


def _issuer(doc: Doc, entities: EntityIndex, head: Token) -> str | None:
    """Who issued the document 'the statement' refers back to: "Acme issued a
    statement", "Acme denied it in a statement", "a letter signed by Ann Lee";
    sentences of the document's own quoted text may lie between."""
    earlier = _previous_sentences(doc, head.sent)[: 2 * SENTENCES_BACK]
    start = earlier[-1].start if earlier else head.sent.start
    for token in reversed(doc[start : head.i]):
        if token.lemma_ != head.lemma_ or token.dep_ in SUBJECT_DEPS:
            continue
        author = _author_of(token)
        if author is None:
            continue
        name = resolve_speaker(doc, entities, doc[author.left_edge.i : author.right_edge.i + 1])
        if name is not None:
            return name
    return None


def _author_of(document: Token) -> Token | None:
    """The subject of the verb a document is the object of (through a preposition),
    else the agent of a participle on it ("released by")."""
    for child in document.children:
        if child.dep_ == "acl":
            agents = [g for a in child.children if a.dep_ == "agent" for g in a.children]
            if agents:
                return agents[0]
    node = document
    while node.dep_ in ("dobj", "pobj", "prep") and node.head.i != node.i:
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            subjects = [c for c in node.children if c.dep_ == "nsubj"]
            return subjects[0] if subjects else None
    return None


def _named_body(doc: Doc, entities: EntityIndex, head: Token) -> str | None:
    """The organisation the article named with this noun ("The group, Workers United,
    formed ..." and later "the group said"; "the Acme company"), nearest first,
    within a few paragraphs' reach."""
    earlier = _previous_sentences(doc, head.sent)[: 2 * SENTENCES_BACK]
    start = earlier[-1].start if earlier else head.sent.start
    for token in reversed(doc[start : head.i]):
        mention = entities.at_token(token.i)
        if mention is not None and mention.label == "ORG" and token.lower_ == head.lower_:
            return mention.entity  # "the ministry" after "the Ministry of Health"
        if token.pos_ != "NOUN" or token.lemma_ != head.lemma_:
            continue
        linked = [c for c in token.children if c.dep_ in ("appos", "compound")]
        if token.dep_ == "appos":
            linked.append(token.head)
        for other in linked:
            mention = entities.at_token(other.i)
            if mention is not None and mention.label == "ORG":
                return mention.entity
    return None


def _person_antecedent(doc: Doc, entities: EntityIndex, head: Token) -> str | None:
    """'the minister': the holder of the title, else the person the article last
    spoke of, unless the noun came before with no name ("an economist said ... the
    economist added"): that unnamed person (a spokesperson: its organisation)."""
    holder = _title_holder(doc, entities, head)
    if holder is None and _noun_of(head) == "year-old":
        holder = _age_holder(doc, entities, head)
    if holder is not None:
        return holder
    introduced = _unnamed_introduction(doc, entities, head)
    if introduced is None:
        return _antecedent(doc, entities, head.i, PEOPLE)
    if head.lower_ in SPOKESPEOPLE:  # whom that spokesperson was said to speak for
        phrase = doc[introduced.left_edge.i : introduced.right_edge.i + 1]
        return resolve_speaker(doc, entities, phrase)
    return None


def _unnamed_introduction(doc: Doc, entities: EntityIndex, head: Token) -> Token | None:
    """The nearest earlier phrase with the same noun, where it names no one."""
    sentences = [head.sent, *_previous_sentences(doc, head.sent)[:SENTENCES_BACK]]
    start = sentences[-1].start
    for token in reversed(doc[start : head.i]):
        if not _same_noun(token, head):
            continue
        phrase = [token, *(c for c in token.children if c.dep_ == "appos")]
        named = [
            m
            for t in phrase
            for m in entities.within(t.left_edge.idx, t.right_edge.idx + len(t.right_edge))
            if m.label == "PERSON" and _part_of(doc, m, token)
        ]
        described = entities.at_token(token.head.i)
        # A title on a name ("expert Ann Lee", "Ann Lee, an expert", "45-year-old
        # Ann Lee") names one.
        if (
            named
            or token.dep_ in ("compound", "appos", "attr")
            or (described is not None and described.label == "PERSON")
        ):
            return None
        return token
    return None


def _same_noun(token: Token, head: Token) -> bool:
    if _noun_of(head) == "year-old":
        return _noun_of(token) == "year-old"
    return token.pos_ == "NOUN" and token.lemma_ == head.lemma_


def _age_holder(doc: Doc, entities: EntityIndex, head: Token) -> str | None:
    """'the 45-year-old': the person the article gave that age ("Ann Lee, 45,")."""
    ages = [t.text for t in head.subtree if t.like_num]
    if not ages:
        return None
    later = (m for m in entities.mentions if m.start > head.idx)
    for mention in chain(entities.before(head.left_edge.idx), later):
        window = doc[max(mention.token_start - 4, 0) : mention.token_end + 3]
        if mention.label == "PERSON" and any(t.text == ages[0] for t in window):
            return mention.entity
    return None


def _title_holder(
    doc: Doc,
    entities: EntityIndex,
    head: Token,
    beside: str | None = None,
    other_than: str | None = None,
) -> str | None:
    """The person the article gives this title ("Gov. Eric Holcomb" and "the
    governor"; "Liu Xiaoming, the Chinese ambassador" and "the ambassador"): of
    several, the one mentioned last before the title (the article is talking about
    them), else the first named after it (a lead that names the office first).
    With ``beside``, only a title given next to that name ("Acme spokesperson
    Ann Lee" for "an Acme spokesperson"), and never ``other_than`` (the owner in
    "Ann Lee's lawyer")."""
    title = head.lower_
    holders = set()
    for mention in entities.mentions:
        if mention.label != "PERSON":
            continue
        start, end = max(mention.token_start - 4, 0), mention.token_end + 5
        window = doc[start:end]
        titles = [t for t in window if t.lower_ == title or t.lower_.rstrip(".") == title[:3]]
        if not any(_titles(doc, t, mention) for t in titles):
            continue
        if (beside is None or beside in window.text) and mention.entity != other_than:
            holders.add(mention.entity)
    later = (m for m in entities.mentions if m.start > head.idx + len(head))
    for mention in chain(entities.before(head.idx), later):
        if mention.entity in holders:
            return mention.entity
    return None


def _titles(doc: Doc, title: Token, mention: Mention) -> bool:
    """Whether a title word is given to the name: inside it, on it ("Gov. Eric Holm",
    "Interior Minister Karl Brandt"), in apposition ("Liu Wen, the ambassador";
    "the ambassador, Liu Wen"), not merely near it ("Minister Ana Silva visited
    Porto")."""
    name = doc[mention.token_start : mention.token_end]
    return _linked(title, lambda t: name.start <= t.i < name.end) or _linked(
        name.root, lambda t: t.i == title.i
    )


def _linked(token: Token, reached: Callable[[Token], bool]) -> bool:
    """Whether ``token``'s chain of heads, through title links only, reaches a token."""
    node = token
    for _ in range(6):
        if reached(node):
            return True
        if node.dep_ not in _TITLE_LINKS or node.head.i == node.i:
            return False
        node = node.head
    return False


def _is_modifier_demonym(doc: Doc, mention: Mention, head_word: str) -> bool:
    """A nationality adjective on a noun that does not speak for the state."""
    token = doc[mention.token_start]
    return (
        token.dep_ in ("amod", "compound", "npadvmod")
        and token.pos_ == "ADJ"
        and (head_word not in STATE_VOICES)
    )


def _is_modifier_place(doc: Doc, mention: Mention, head: Token) -> bool:
    """'US' in "the US farmers", 'Paris' in "a Paris-based expert": a place
    that says where the speaker is from, not a state speaking ("US officials" is)."""
    if mention.label not in ("GPE", "NORP") or head.lower_ in STATE_VOICES:
        return False
    node = doc[mention.token_start : mention.token_end].root
    while node.i != head.i:
        if node.dep_ not in _MODIFIERS or node.head.i == node.i:
            return False
        node = node.head
    return True


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
        and not _modifies_a_common_noun(doc, m)
    ]
    # The current sentence, nearest first, outside quotation marks: in '"... Biden
    # ...," she said' the one quoted is not the one who speaks.
    here = [
        m
        for m in earlier
        if m.start >= sentence.start_char and not in_quotation(text_of(doc), m.start)
    ]
    if here:
        # "Tom Day made a call to Ann Lee's office, in which he said": the subject.
        main = [m for m in here if _is_main_subject(doc, m)]
        return (main or here)[0].entity
    # Earlier sentences: a subject if there is one, else the first fitting mention.
    for back, previous in enumerate(_previous_sentences(doc, sentence)):
        if back >= SENTENCES_BACK:
            break
        fitting = [
            m
            for m in earlier
            if previous.start_char <= m.start < previous.end_char
            and not in_quotation(text_of(doc), m.start)
        ]
        titled = _titled_subject(doc, entities, previous, types, genders, gender)
        if titled is not None:
            return titled
        if fitting:
            return _antecedent_in(doc, entities, previous, fitting, doc[i], types, gender)
    return None


def _titled_subject(
    doc: Doc,
    entities: EntityIndex,
    sentence: Span,
    types: frozenset[EntityType],
    genders: dict[str, Gender],
    gender: Gender | None,
) -> str | None:
    """The person a sentence's main subject names by title ("The minister visited
    Porto. She said"), where the article names the holder and the pronoun fits."""
    if "PERSON" not in types:
        return None
    for token in sentence:
        if (
            token.dep_ in SUBJECT_DEPS
            and token.head.dep_ == "ROOT"
            and _noun_of(token) in PERSON_NOUNS
            and any(t.lower_ == "the" for t in token.lefts)
        ):
            holder = _title_holder(doc, entities, token)
            if holder is not None and genders.get(holder, gender) == gender:
                return holder
    return None


def _antecedent_in(
    doc: Doc,
    entities: EntityIndex,
    sentence: Span,
    fitting: list[Mention],
    pronoun: Token,
    types: frozenset[EntityType],
    gender: Gender | None,
) -> str | None:
    """The antecedent among a sentence's fitting mentions (nearest first).

    Its main clause's subject first ("Ann Lee did not know Tom Day was coming. She
    said"); where that subject is itself a pronoun of the same kind ("During the
    visit, he met Tom Day. He said"), the chain goes on to what that pronoun means.
    """
    subjects = [m for m in fitting if _in_subject(doc, m)]
    main = [m for m in subjects if _is_main_subject(doc, m)]
    if not main:
        relay = _subject_pronoun(sentence, pronoun)
        if relay is not None:
            return _antecedent(doc, entities, relay.i, types, gender)
    # "Prince Andrew, the brother of Charles, has told": the subject's own
    # name before the names inside its apposition.
    heads = [m for m in subjects if is_subject(doc, m)]
    return (main or heads or subjects or fitting[::-1])[0].entity


def _is_main_subject(doc: Doc, mention: Mention) -> bool:
    return any(
        t.dep_ in SUBJECT_DEPS and t.head.dep_ == "ROOT"
        for t in doc[mention.token_start : mention.token_end]
    )


def _subject_pronoun(sentence: Span, pronoun: Token) -> Token | None:
    """The main clause's subject when it is a pronoun that agrees with ``pronoun``."""
    group = _PRONOUN_GROUP.get(pronoun.lower_)
    for token in sentence:
        if (
            token.dep_ in SUBJECT_DEPS
            and token.head.dep_ == "ROOT"
            and group is not None
            and _PRONOUN_GROUP.get(token.lower_) == group
        ):
            return token
    return None


def _modifies_a_common_noun(doc: Doc, mention: Mention) -> bool:
    """'Harbour' in "Harbour pilots", 'Lee' in "Lee supporters": a name used as a
    modifier of a group is not who "he" or "they" is ("US officials" speak for it)."""
    last = doc[mention.token_end - 1]
    return (
        last.dep_ == "compound"
        and last.head.pos_ == "NOUN"
        and last.head.tag_ == "NNS"
        and last.head.lower_ not in STATE_VOICES
    )


def in_quotation(text: str, offset: int) -> bool:
    """Whether an offset lies inside quotation marks opened in its paragraph (a
    quotation runs over several sentences; the next paragraph reopens it)."""
    before = text[text.rfind("\n", 0, offset) + 1 : offset]
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


def _in_subject(doc: Doc, mention: Mention) -> bool:
    for token in doc[mention.token_start : mention.token_end]:
        node = token
        while node.head.i != node.i:
            if node.dep_ in SUBJECT_DEPS:
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
