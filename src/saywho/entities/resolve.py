"""Entities of one article, each mention mapped to a canonical name.

Sources of mentions, strongest first: the knowledge base's names, aliases,
roles and demonyms (matched as phrases, so "the head of Russian diplomacy" is
found even where the NER model sees no entity), then spaCy's named entities.
Within an article a surname points to the full name used elsewhere in it
("Lavrov" -> "Sergei Lavrov"), and so does a given name no one else there has
("Mike" -> "Mike Ford"); pronouns are resolved later, by the stages that
need them (attribution), and added here as mentions.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import pairwise

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from saywho.entities.kb import KnowledgeBase, normalize_name
from saywho.model import ActorType, Entity, EntityType
from saywho.model import Span as TextSpan
from saywho.nlp import normal_form, text_of

NER_LABELS: dict[str, EntityType] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "NORP": "NORP",
}
LABEL_OF_ACTOR_TYPE: dict[ActorType, EntityType] = {
    "person": "PERSON",
    "state": "GPE",
    "organisation": "ORG",
    "media": "ORG",
    "group": "NORP",
    "unknown": "ORG",
}
# The state voices below that are one person: "he" can refer back to "the
# British Foreign Secretary", who speaks for the United Kingdom.
PERSON_VOICES = frozenset(
    {
        "official",
        "diplomat",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "president",
        "leader",
        "envoy",
        "ambassador",
        "minister",
        "secretary",
        "premier",
        "chancellor",
    }
)
# Words that make a noun phrase speak for the state it names: "Russian officials",
# "China's Foreign Ministry", "Chinese Foreign Ministry spokesperson Lin Wen".
STATE_VOICES = PERSON_VOICES | frozenset(
    {
        "officials",
        "government",
        "authorities",
        "diplomats",
        "ministry",
        "embassy",
        "leadership",
        "delegation",
        "state",
        "prime",
        "kremlin",
        "cabinet",
    }
)
# "the race for the White House", "contenders for the Kremlin", "the next tenant of
# the Élysée": the place names the office held or contested, not the institution;
# such a mention names no actor.
_OFFICE_CONTEXT = re.compile(
    r"\b(?:(?:race|run|running|bid|battle|fight|campaign|contest|road|path|return|quest"
    r"|contenders?|candidates?|candidacy|nominees?)\s+(?:for|to)"
    r"|(?:tenant|occupant|keys)\s+(?:of|to))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
DETERMINERS = frozenset({"the", "a", "an", "this", "that"})
INSTITUTION_WORDS = frozenset(
    """police university party company group bank council committee department ministry
    agency office association foundation institute church school college club team news
    times post house court army force union""".split()
)
# Titles that only ever precede a person's name.
HONORIFICS = frozenset("mr mrs ms miss dr prof sen rep gov lt sgt cmdr capt col gen".split())
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w’'-]*(?:[ ](?:(?:and|of|for|the|on|&)[ ])*[A-Z][\w’'-]*)+")
# Generational suffixes that follow a surname ("Jr.", "III").
NAME_SUFFIXES = frozenset("jr sr ii iii iv".split())
# Knowledge-base matches beat NER spans of the same length: they carry identity.
_KB_PRIORITY, _NER_PRIORITY = 0, 1


@dataclass(frozen=True)
class Mention:
    token_start: int
    token_end: int
    start: int
    end: int
    text: str
    entity: str
    label: EntityType


@dataclass
class EntityIndex:
    """The entities of one Doc and a way to find them by position."""

    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def add(self, mention: Mention, entity: Entity) -> None:
        known = self.entities.setdefault(entity.name, entity)
        known.mentions.append(TextSpan(mention.start, mention.end, mention.text))
        known.mentions.sort(key=lambda span: span.start)
        at = bisect.bisect(self._starts, mention.start)
        self._starts.insert(at, mention.start)
        self.mentions.insert(at, mention)

    def at_token(self, i: int) -> Mention | None:
        for mention in self.mentions:
            if mention.token_start <= i < mention.token_end:
                return mention
        return None

    def within(self, start: int, end: int) -> list[Mention]:
        """Mentions lying wholly inside the character range."""
        first = bisect.bisect_left(self._starts, start)
        return [m for m in self.mentions[first:] if m.start < end and m.end <= end]

    def before(self, char: int) -> list[Mention]:
        """Mentions that end at or before a character offset, nearest first."""
        return [m for m in reversed(self.mentions) if m.end <= char]

    def ordered_entities(self) -> list[Entity]:
        return sorted(self.entities.values(), key=lambda e: e.mentions[0].start)


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    priority: int
    entity: str | None  # None: not in the knowledge base
    label: EntityType

    @property
    def length(self) -> int:
        return self.end - self.start


class EntityResolver:
    """Finds and canonicalizes the entities of parsed Docs (built once per pipeline)."""

    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        self.kb = kb
        # Names are matched with their case ("US" is not "us"); role descriptions
        # are lower-case phrases ("the head of Russian diplomacy") and match any case.
        self._names = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._roles = PhraseMatcher(nlp.vocab, attr="LOWER")
        for actor in kb.actors.values():
            names = [actor.name, *actor.aliases, *actor.demonyms]
            self._names.add(actor.name, [nlp.make_doc(_strip_article(n)) for n in names])
            if actor.roles:
                self._roles.add(actor.name, [nlp.make_doc(_strip_article(r)) for r in actor.roles])
        self._surnames = _unique_surnames(a.name for a in kb.actors.values() if a.type == "person")
        self._verbs = _base_verbs(nlp)

    def __call__(self, doc: Doc) -> EntityIndex:
        chosen = _non_overlapping([*self._kb_candidates(doc), *self._ner_candidates(doc)])
        chosen = _people_by_context(doc, chosen)
        chosen = _with_spelled_out_acronyms(doc, chosen)
        in_article = {c.entity for c in chosen if c.entity and c.label == "PERSON"}
        # Keyed by the name as displayed: "Ann Lee" broken across a line is still one name.
        full_names = {
            " ".join(doc[c.start : c.end].text.split()): c
            for c in chosen
            if c.label == "PERSON" and c.length > 1
        }
        article_surnames = _unique_surnames([*in_article, *full_names])
        article_given_names = _unique_given_names([*in_article, *full_names])
        spelled_out = acronyms(
            doc[c.start : c.end].text for c in chosen if c.label == "ORG" and c.length > 1
        )
        index = EntityIndex()
        for candidate in chosen:
            span = doc[candidate.start : candidate.end]
            if _names_an_office(doc, span, candidate.label):
                continue
            name, label = self._canonical(span, candidate, article_surnames, article_given_names)
            name = spelled_out.get(name, name) if label == "ORG" else name
            actor = self.kb.actors.get(name)
            entity = Entity(
                name=name,
                type=label,
                actor_type=actor.type if actor else _actor_type_of_label(label),
                speaks_for=actor.speaks_for if actor else None,
                in_knowledge_base=actor is not None,
            )
            index.add(
                Mention(
                    span.start, span.end, span.start_char, span.end_char, span.text, name, label
                ),
                entity,
            )
        _infer_allegiance(doc, index, self.kb)
        return index

    def _kb_candidates(self, doc: Doc) -> Iterable[_Candidate]:
        for matcher in (self._names, self._roles):
            for match_id, start, end in matcher(doc):
                name = doc.vocab.strings[match_id]
                label = LABEL_OF_ACTOR_TYPE[self.kb.actors[name].type]
                yield _Candidate(start, end, _KB_PRIORITY, name, label)

    def _ner_candidates(self, doc: Doc) -> Iterable[_Candidate]:
        for ent in doc.ents:
            label = NER_LABELS.get(ent.label_)
            if label is None:
                continue
            normal = normal_form(ent)
            ent = _trim(ent)
            if label == "PERSON":
                ent = self._name_only(ent)
            letters = [c for c in ent.text if c.isalpha()]
            if not letters or all(c.islower() for c in letters):
                continue  # "another witness": a common noun or a fragment names no one
            if _not_a_person(ent, label):
                continue
            parts = self._hyphenated_parts(ent)
            if parts:
                yield from parts
                continue
            actor = self.kb.lookup(ent.text) or self.kb.lookup(normal)
            if actor:
                yield _Candidate(
                    ent.start, ent.end, _KB_PRIORITY, actor.name, LABEL_OF_ACTOR_TYPE[actor.type]
                )
            else:
                yield _Candidate(ent.start, ent.end, _NER_PRIORITY, None, label)

    def _name_only(self, ent: Span) -> Span:
        """A person's name without what NER ran into it: a heading's verb before it
        ("Questioning Vindman's judgment") and figures after it (a results table's
        "Megan Cook 4", "Aiden Haig 1 goal"); nothing where it opens with a figure."""
        if len(ent) == 2 and _is_gerund(ent[0].lower_, self._verbs):
            ent = ent[1:]
        figure = next((t.i for t in ent if any(c.isdigit() for c in t.text)), ent.end)
        return ent.doc[ent.start : figure]

    def _hyphenated_parts(self, ent: Span) -> list[_Candidate]:
        """'Trump-Putin', 'Russian-American', 'anti-Russian': the known actors inside.

        NER takes such compounds as one entity; each known part is an actor of its
        own, and an unknown prefix ("anti") is no entity at all.
        """
        hyphens = [t.i for t in ent if t.text == "-" and not t.whitespace_]
        if not hyphens:
            return []
        bounds = [ent.start, *hyphens, ent.end]
        parts = []
        for left, right in pairwise(bounds):
            part = ent.doc[left + (left in hyphens) : right]
            actor = self.kb.lookup(part.text) if len(part) else None
            surname = self._surnames.get(normalize_name(part.text)) if len(part) else None
            if actor:
                parts.append(
                    _Candidate(
                        part.start,
                        part.end,
                        _KB_PRIORITY,
                        actor.name,
                        LABEL_OF_ACTOR_TYPE[actor.type],
                    )
                )
            elif surname:
                parts.append(_Candidate(part.start, part.end, _KB_PRIORITY, surname, "PERSON"))
        return parts

    def _canonical(
        self,
        span: Span,
        candidate: _Candidate,
        article_surnames: dict[str, str],
        article_given_names: dict[str, str],
    ) -> tuple[str, EntityType]:
        if candidate.entity:
            return candidate.entity, candidate.label
        key = normalize_name(span.text)
        # A lone surname: the full name used in this article, else a known person.
        full = article_surnames.get(key) or self._surnames.get(key)
        if full and candidate.label in ("PERSON", "ORG", "GPE"):
            return full, "PERSON"
        # A person called by a given name ("Mike" after "Mike Ford"), in this article only.
        given = article_given_names.get(key) if candidate.label == "PERSON" else None
        return (given, "PERSON") if given else (_display_name(span), candidate.label)


def _infer_allegiance(doc: Doc, index: EntityIndex, kb: KnowledgeBase) -> None:
    """Who outside the knowledge base speaks for a state, from their role in the text.

    "Chinese Foreign Ministry spokesperson Lin Wen" and "Russia's Foreign Ministry"
    name a state and an office of it: this article's statements by them count for
    that state. A company or outlet never rolls up this way (no office word). It reads
    the parse; a Doc without one (German) has no subtree to read (spaCy crashes).
    """
    if not doc.has_annotation("DEP"):
        return
    for mention in list(index.mentions):
        entity = index.entities[mention.entity]
        if entity.in_knowledge_base or entity.speaks_for or mention.label not in ("PERSON", "ORG"):
            continue
        root = doc[mention.token_start : mention.token_end].root
        words = [t for t in root.subtree if t.i < mention.token_end and not t.is_punct]
        if not any(t.lower_ in STATE_VOICES for t in words):
            continue
        for token in words:
            state = _state_named_by(token, index, kb)
            if state is not None:
                entity.speaks_for = state
                break


def _state_named_by(token: Token, index: EntityIndex, kb: KnowledgeBase) -> str | None:
    """The state a token names, as a mention of its own or inside a longer name
    ("Chinese" in the NER span "Chinese Foreign Ministry")."""
    mention = index.at_token(token.i)
    if mention is not None and index.entities[mention.entity].actor_type == "state":
        return mention.entity
    actor = kb.lookup(token.text)
    return actor.name if actor is not None and actor.type == "state" else None


def _people_by_context(doc: Doc, candidates: list[_Candidate]) -> list[_Candidate]:
    """Names the NER model took for organisations or places that the text shows to be
    people ("added Claure, who is also an executive", "Dr. Arroyo"), relabelled with
    every other mention of the same person (full name or surname)."""
    names = {
        c: _display_name(doc[c.start : c.end])
        for c in candidates
        if c.entity is None and c.label != "PERSON"
    }
    surname_of = {
        name.split()[-1]: name for name in names.values() if _looks_like_a_full_name(name.split())
    }
    full_names = set(surname_of.values())
    # A name counts when it reads as a person's ("Marco Duarte") or is the surname of one
    # in the article ("Duarte, who"): "the University of York, who" stays an institution.
    marked = {
        surname_of.get(name, name)
        for c, name in names.items()
        if (name in surname_of or name in full_names) and _person_context(doc, c.start, c.end)
    }
    if not marked:
        return candidates
    marked |= {name.split()[-1] for name in marked}

    def is_marked(name: str) -> bool:
        words = name.split()
        return name in marked or (len(words) > 1 and words[-1] in marked)

    return [
        replace(c, label="PERSON") if c in names and is_marked(names[c]) else c for c in candidates
    ]


def _with_spelled_out_acronyms(doc: Doc, candidates: list[_Candidate]) -> list[_Candidate]:
    """An acronym's full name where the entity model split it: "Food and Drug
    Administration" found as "Food" and "Drug Administration", then "FDA". The pieces
    become one organisation, which the acronym then names."""
    names = {doc[c.start : c.end].text for c in candidates if c.label == "ORG"}
    known = acronyms(n for n in names if len(n.split()) > 1)
    result = list(candidates)
    for acronym in sorted(n for n in names if _ACRONYM.fullmatch(n) and n not in known):
        for span in _spelled_out(doc, acronym):
            inside = [c for c in result if span.start <= c.start and c.end <= span.end]
            overlapping = [c for c in result if c.start < span.end and span.start < c.end]
            # Only pieces the model already took for organisations: "After President"
            # spells "AP" but names none.
            if inside and inside == overlapping and all(c.label == "ORG" for c in inside):
                merged = _Candidate(span.start, span.end, _NER_PRIORITY, None, "ORG")
                kept = [c for c in result if c not in inside]
                result = sorted([*kept, merged], key=lambda c: c.start)
                break
    return result


def _spelled_out(doc: Doc, acronym: str) -> Iterator[Span]:
    """Runs of capitalised words ("and", "of" ... between) whose initials spell the
    acronym, in text order."""
    for match in _CAPITALISED_RUN.finditer(text_of(doc)):
        words = list(re.finditer(r"\S+", match.group()))
        capitals = [w for w in words if w.group()[:1].isupper()]
        for first in range(len(capitals) - len(acronym) + 1):
            run = capitals[first : first + len(acronym)]
            if "".join(w.group()[0] for w in run) == acronym:
                start = match.start() + run[0].start()
                span = doc.char_span(start, match.start() + run[-1].end())
                if span is not None:
                    yield span


def _looks_like_a_full_name(words: list[str]) -> bool:
    """Two to four capitalised words, none an acronym ("U.S.") or an institution's noun."""
    return 2 <= len(words) <= 4 and all(
        word[:1].isupper()
        and word.replace(".", "").replace("-", "").isalpha()
        and not (len(word.replace(".", "")) > 1 and word.replace(".", "").isupper())
        and word.lower() not in INSTITUTION_WORDS
        for word in words
    )


def _person_context(doc: Doc, start: int, end: int) -> bool:
    after = [t.lower_ for t in doc[end : end + 2]]
    before = doc[start - 1].lower_.rstrip(".") if start > 0 else ""
    if before in DETERMINERS:
        return False  # "a White House who has": an institution written as a person
    return after[:1] == ["who"] or after == [",", "who"] or before in HONORIFICS


def _not_a_person(ent: Span, label: EntityType) -> bool:
    """'the Moon', 'the Sun': a person's name takes no article (a family's does: "the
    Bidens", so plurals stay)."""
    doc = ent.doc
    before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
    return (
        label == "PERSON"
        and before in DETERMINERS
        and len(ent) == 1
        and ent.root.tag_ == "NNP"
        and ent.root.dep_ not in ("compound", "poss")
    )


def _names_an_office(doc: Doc, span: Span, label: EntityType) -> bool:
    if label == "PERSON" or doc[span.start].ent_type_ == "PERSON":
        return False
    before = text_of(doc)[max(0, span.start_char - 40) : span.start_char]
    return _OFFICE_CONTEXT.search(before) is not None


def _non_overlapping(candidates: list[_Candidate]) -> list[_Candidate]:
    """Longest spans first, knowledge base before NER on ties; in text order."""
    taken: set[int] = set()
    chosen: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (-c.length, c.priority, c.start)):
        tokens = set(range(c.start, c.end))
        if tokens & taken:
            continue
        taken |= tokens
        chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def acronyms(names: Iterable[str]) -> dict[str, str]:
    """'DEA' -> 'Drug Enforcement Administration' for names spelled out in the article,
    so one organisation is not two actors ("the WHO said" and "the World Health
    Organization warned")."""
    spelled: dict[str, set[str]] = {}
    for name in names:
        words = [w for w in name.split() if w.lower() not in ("of", "for", "and", "the", "on")]
        initials = "".join(w[0] for w in words if w[:1].isupper())
        if len(initials) >= 2 and len(initials) == len(words):
            spelled.setdefault(initials, set()).add(" ".join(name.split()))
    return {short: next(iter(full)) for short, full in spelled.items() if len(full) == 1}


def surname(name: str) -> str | None:
    """The last name of a full name, before a generational suffix ("Karl Brandt Jr."
    -> "Brandt"); None for a single word."""
    parts = name.split()
    while len(parts) > 2 and parts[-1].lower().rstrip(".,") in NAME_SUFFIXES:
        parts.pop()
    return parts[-1].rstrip(",") if len(parts) > 1 else None


def _unique_surnames(full_names: Iterable[str]) -> dict[str, str]:
    """Last name -> full name, for last names that only one of the names has."""
    by_surname: dict[str, set[str]] = {}
    for name in full_names:
        last = surname(name)
        if last is not None:
            by_surname.setdefault(last.lower(), set()).add(name)
    return {last: next(iter(names)) for last, names in by_surname.items() if len(names) == 1}


def _unique_given_names(full_names: Iterable[str]) -> dict[str, str]:
    """First name -> full name, for first names that only one of the names has and that
    are no one's surname ("Taylor" with "Taylor Swift", unless a "Breonna Taylor" too)."""
    names = list(full_names)
    surnames = {last.lower() for last in map(surname, names) if last}
    by_first: dict[str, set[str]] = {}
    for name in names:
        words = name.split()
        if len(words) > 1 and words[0][:1].isupper() and not words[0].endswith("."):
            by_first.setdefault(words[0].lower(), set()).add(name)
    return {
        first: next(iter(names))
        for first, names in by_first.items()
        if len(names) == 1 and first not in surnames
    }


def _base_verbs(nlp: Language) -> frozenset[str]:
    """The base forms of verbs the pipeline's rule lemmatizer knows (none without one)."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    return frozenset(lookups.get_table("lemma_index").get("verb", ()))


def _is_gerund(word: str, verbs: frozenset[str]) -> bool:
    """'questioning', 'hosting', 'citing': an -ing form of a known verb."""
    stem = word.removesuffix("ing")
    if stem == word or len(stem) < 3:
        return False
    doubled = stem[-1] == stem[-2] and stem[:-1] in verbs  # "running"
    return stem in verbs or stem + "e" in verbs or doubled


def _trim(ent: Span) -> Span:
    """Drop a leading article or title ("Cmdr.", "Dr") and trailing possessive or
    punctuation from an NER span: a title alone names no one."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (
        doc[start].lower_ in ("the", "a", "an")
        or doc[start].lower_.rstrip(".") in HONORIFICS
        or doc[start].is_punct
    ):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s", "'")):
        end -= 1
    return doc[start:end]


def _display_name(span: Span) -> str:
    return " ".join(normal_form(span).split())


def _strip_article(text: str) -> str:
    words = text.split()
    return " ".join(words[1:]) if words and words[0].lower() == "the" else text


def _actor_type_of_label(label: EntityType) -> ActorType:
    return {"PERSON": "person", "GPE": "state", "ORG": "organisation", "NORP": "group"}[label]  # type: ignore[return-value]
