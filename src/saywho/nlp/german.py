"""A German pipeline without a trained model: tokens, sentences, paragraphs and names.

No genuine German spaCy model is on PyPI (de-core-news-* there is a squatter), and
saywho downloads nothing, so German text gets spaCy's rule-based German tokenizer,
its punctuation sentencizer and saywho's line-break boundaries. The German
attributors need no more: they link spans by sentence and paragraph, not by parse.

People's names are found by rule (``saywho_german_names``), so that the entity stage
sees more than the knowledge base's actors: a German speaker named nowhere in the
knowledge base still gets an entity, and "er", "sie" and the surname alone resolve
to them. German capitalises every noun, so a name is told from a noun by its
company: two or more capitalised words that are no function word, title or
common-noun, adjective or organisation form, and follow no article or preposition
("Kristina Schröder", not "die Frankfurter Rundschau"); one such word right after a
title ("Bundeskanzlerin Merkel"); and, once a full name is found, its surname alone.
"""

from __future__ import annotations

import re
from functools import cache

import spacy
from spacy.lang.de.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

import saywho.nlp  # noqa: F401  (registers the saywho_line_breaks component)
from saywho.config import MAX_ARTICLE_CHARS


@cache
def load_german() -> Language:
    """The blank German pipeline with sentence and paragraph boundaries (built once)."""
    nlp = spacy.blank("de")
    nlp.max_length = MAX_ARTICLE_CHARS
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("saywho_line_breaks")
    nlp.add_pipe("saywho_german_names")
    return nlp


ARTICLES = frozenset("der die das den dem des ein eine einer eines einem".split())
PREPOSITIONS = frozenset(
    "in im bei beim aus mit gegenüber laut nach vor zu zum zur über auf für an am von".split()
)
TIMES = frozenset(
    """montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz
    april mai juni juli august september oktober november dezember""".split()
)
# Endings that mark a capitalised word as a common noun or an adjective
# ("Regierung", "Internationale", "Europäische").
NOUN_ENDINGS = tuple("ung heit keit schaft tion sion ismus ität nis ment".split())
ADJECTIVE_ENDINGS = tuple(
    "ische ischen ischer isches liche lichen licher liches sche schen ale alen aler".split()
)
# Endings of titles and offices that stand before a name, compounds and genitives
# included ("Bundesfamilienministerin", "Vizeregierungssprecher", "Airbus-Chefs").
TITLE_ENDINGS = tuple(
    """minister ministerin ministers präsident präsidentin präsidenten kanzler kanzlerin
    kanzlers sprecher sprecherin sprechers meister meisterin chef chefin chefs leiter
    leiterin direktor direktorin sekretär sekretärin vorsitzende vorsitzender
    vorsitzenden kommissar kommissarin gouverneur intendant intendantin anwalt anwältin
    richter richterin general kommandeur botschafter botschafterin abgeordnete
    abgeordneter professor professorin trainer trainerin senator senatorin senators
    bischof könig königin prinz prinzessin gründer gründerin premier experte expertin
    vorstand vertreter vertreterin spieler spielerin helfer helferin berater beraterin
    kandidat kandidatin kommandant autor autorin arzt ärztin journalist journalistin
    aktivist aktivistin politiker politikerin sänger sängerin schauspieler
    schauspielerin unternehmer unternehmerin forscher forscherin wissenschaftler
    wissenschaftlerin analyst analystin dr prof""".split()
)
# Endings of words that name a body or a place, not a person ("Oppositionspartei",
# "Handelskammer", "Bundesstaates", "Human Rights Watch").
ORGANISATION_ENDINGS = tuple(
    """partei bank kammer verband gericht ministerium ministeriums amt amtes behörde rat
    rates gesellschaft gruppe institut instituts agentur kommission organisation union
    konzern zeitung staat staates staaten brothers international times watch rights news
    press werk""".split()
)
# Lower-case words inside names; not "von", which mostly joins a person to a body
# ("John Sifton von Human Rights Watch").
NAME_PARTICLES = frozenset("van de di da del bin ibn".split())
MAX_NAME_WORDS = 4
INITIAL = re.compile(r"[A-ZÄÖÜ]\.")


@Language.component("saywho_german_names")
def german_names(doc: Doc) -> Doc:
    """People's names as PERSON entities (the rules of this module's docstring)."""
    names = person_names(doc[:], titled_only=True)
    surnames = _unique_surnames(names)
    taken = {t.i for name in names for t in name}
    names += [
        doc[t.i : t.i + 1]
        for t in doc
        if t.i not in taken and t.text in surnames and not _governed(doc, t.i)
    ]
    doc.ents = [Span(doc, n.start, n.end, label="PERSON") for n in sorted(names)]
    return doc


def person_names(span: Span, titled_only: bool = False) -> list[Span]:
    """The names of people in a stretch of German text, in order; with ``titled_only``
    only those a title stands before ("Außenminister Sergej Lawrow"): in running text
    two capitalised words are as often a noun and its complement ("Millionen Euro",
    "Stadt Haditha") as a name, in a speaker's phrase mostly a name."""
    doc = span.doc
    names = []
    i = span.start
    while i < span.end:
        if not _name_word(doc[i]) or doc[i].lower_ in STOP_WORDS:
            i += 1
            continue
        end = i + 1
        while end < span.end and (
            _name_word(doc[end])
            or (
                end + 1 < span.end
                and _joins_name(doc[end])
                and (_name_word(doc[end + 1]) or _joins_name(doc[end + 1]))
            )
        ):
            end += 1
        while not _name_word(doc[end - 1]):
            end -= 1
        run = doc[i:end]
        titled = i > 0 and _is_title(doc[i - 1])
        names_a_body = any(t.lower_.endswith(ORGANISATION_ENDINGS) for t in run)
        if not names_a_body and (
            (titled and len(run) <= MAX_NAME_WORDS)
            or (not titled_only and len(run) >= 2 and not _governed(doc, i))
        ):
            names.append(run)
        i = end
    return names


def _governed(doc: Doc, i: int) -> bool:
    """After an article or a preposition: a noun phrase or a place ("die Frankfurter
    Rundschau", "im Kölner Stadt-Anzeiger"), not a name, unless a title stands between."""
    return i > 0 and doc[i - 1].lower_ in ARTICLES | PREPOSITIONS


def _unique_surnames(names: list[Span]) -> set[str]:
    """The last words of the full names found that stand for one person only."""
    people: dict[str, set[str]] = {}
    for name in names:
        if len(name) >= 2:
            people.setdefault(name[-1].text, set()).add(name.text)
    return {surname for surname, full_names in people.items() if len(full_names) == 1}


def _name_word(token: Token) -> bool:
    word = token.text
    lower = word.lower()
    return (
        word[:1].isupper()
        and any(c.islower() for c in word)
        and re.sub(r"[-'’]", "", word).isalpha()
        and lower not in TIMES
        and not lower.endswith(NOUN_ENDINGS + ADJECTIVE_ENDINGS)
        and not _is_title(token)
    )


def _joins_name(token: Token) -> bool:
    """A particle, an initial or the pieces of "O’Leary" between two words of a name."""
    text = token.text
    return (
        token.lower_ in NAME_PARTICLES
        or INITIAL.fullmatch(text) is not None
        or text in ("’", "'")
        or (
            len(text) == 1
            and text.isupper()
            and token.i + 1 < len(token.doc)
            and token.nbor(1).text in ("’", "'")
        )
    )


def _is_title(token: Token) -> bool:
    return token.lower_.rstrip(".").endswith(TITLE_ENDINGS)
