"""Learned German attribution: a multilingual-e5 span tagger fine-tuned on German news.

The English model's architecture (saywho.attribution.minilm) over multilingual-e5-small,
whose word table it shares with the multilingual stance model, trained on the
german-quotes set (speaker, cue and quote spans as source, cue and content;
docs/models.md). Tagging and decoding are the English runtime's; linking is
the English rule without the parse: each content piece joins the nearest cue in its
sentences, and its speaker is found in the cue's sentence. That needs only sentences
and paragraphs, which the blank German pipeline (saywho.nlp.german) gives; the
English linking reads subjects and passives from the parse (and on a parse-less Doc
spaCy's token.children crashes). A content with no cue is kept only as a quotation
in quotation marks or as reported speech that goes on in the subjunctive ("Dies sei
eindeutig nachzuweisen gewesen."): German marks a report's further sentences by mood
alone, and they are said by whoever the sentence before named or said the last thing.

Without a parse, German word order and a few closed word classes stand in for it:
the speaker stands by the cue's speech verb, not by a particle or noun the tagger
split off the cue ("teilte … mit", "erklärte Mitte Mai"); a pronoun beside the verb
is its subject ("sagte sie"); a source that opens with a preposition, an adverb or a
dative article is where or to whom something was said ("über Twitter", "dem
Minister"), except after "laut", "zufolge", "nach" and "heißt es", whose source is a
report or a document; passive and "heißt es" reports with no agent are said by no
one ("es wird befürchtet"). A speaker 'er' or 'sie' is resolved to an entity named
just before it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import replace
from functools import cached_property

import numpy as np
from spacy.tokens import Doc, Span, Token

from saywho.attribution import ATTRIBUTORS
from saywho.attribution.candidates import PARAGRAPH_BREAK, Candidate, with_uncovered
from saywho.attribution.minilm import MiniLMAttributor, TaggedSpan, gap_between, sentences_of
from saywho.attribution.quotes import (
    GERMAN,
    OPENING_MARKS,
    QUOTATION,
    assemble,
    kind_in,
    named_person,
    quotations,
)
from saywho.attribution.rules import is_trivial
from saywho.entities.resolve import EntityIndex
from saywho.model import EntityType, Statement
from saywho.model import Span as TextSpan
from saywho.neural.onnx_model import E5_TOKENIZER
from saywho.nlp import text_of
from saywho.nlp.german import TIMES, person_names

MODEL_FILE = "attribution-e5-de.onnx"
MAX_NAME_WORDS = 4
MIN_REPORTED_WORDS = 4
# Mean in-span probability above which reported words with no reporting cue are kept
# (0.11.0, chosen on dev: F1@0.3 71.4 -> 75.3, speaker 82.3 -> 80.3; 0.9: 74.5 / 80.9;
# all of them: 76.0 / 77.9).
SURE_WITHOUT_CUE = 0.8
# The label _impersonal gives the words of an agentless report ("heißt es"), which
# _candidate turns into a candidate said by no one.
IMPERSONAL = "IMPERSONAL"

# Beginnings of the German speech verbs the lexicon of saywho.attribution.quotes lists
# only in some forms: a cue word that starts with one is a speech verb.
SPEECH_STEMS = tuple(
    """sag erklär beton mein äußer sprach sprech sprich teilt bericht schrieb schreib forder
    warn kritisier bestätig behaupt versicher antwort entgegn füg ergänz verkünd kündig
    bezeichn nann nenn räum bestr dementier wies weis warf wirf werf lob begrüß beklag
    zitier hieß heiß meld glaub befürcht vermut hoff erläuter unterstrich unterstreich
    mahn appellier kommentier erwider gestand gesteh verlaut verwies bekräftig verteidig
    bemängel beschuldig fragt rief ruft urteil vertrit vertrat""".split()
)
ACCORDING = GERMAN.according | {"nach"}
# What "nach" introduces when it names a source (the train set's "nach" cues, and
# the other nouns of reports and findings), matched inside words: "Polizeiangaben",
# "Medienberichten", "Expertenmeinung".
REPORT_NOUNS = tuple(
    """angab ansicht meinung auffassung aussage information bericht darstellung worten
    schätzung erkenntnis überzeugung willen artikel stellungnahme ankündigung berechnung
    idee medien studie meldung umfrage untersuchung ermittlung quelle prognose recherche
    mitteilung erklärung""".split()
)
# Cue words whose source is a report or document, which may open with a lower-case or
# dative word ("laut vorläufigem Ergebnis", "eigenen Angaben zufolge", "heißt es in
# dem Schreiben").
REPORTED_BY = frozenset("laut zufolge gemäß nach heißt hieß".split())
# Lower-case words that may open a speaker's noun phrase: articles, pronouns, possessives.
SPEAKER_OPENERS = GERMAN.articles | frozenset(
    "er sie ihr sein seine seiner ihre ihrer beide beiden alle viele einige mehrere".split()
)
# The dative and accusative articles and pronouns: whom a speaker speaks to or about
# ("teilte dem Minister mit", "wirft den Behörden vor"), not who speaks.
OBLIQUE = frozenset("dem einem den einen ihm ihn ihnen".split())
# Words that introduce a source without belonging to it ("Wie Steg mitteilte").
LEADING_JUNK = frozenset("wie so laut nach zufolge".split())
# A one-word source the tagger is less sure of than this is mostly a sentence adverb.
LONE_WORD = 0.5
PERSONAL = frozenset({"er", "sie"})  # "es" is mostly the impersonal "heißt es"
PRONOUN_TYPES: dict[str, frozenset[EntityType]] = {
    "er": frozenset({"PERSON"}),
    "sie": frozenset({"PERSON", "ORG", "GPE", "NORP"}),
}
SENTENCES_BACK = 2  # how far back a pronoun's antecedent is looked for
# Verb forms of the reported mood (Konjunktiv I, and the Konjunktiv II that stands in
# for it where the two look alike): in train, 87 to 100 % of their uses lie inside
# indirect quotations.
REPORTED_MOOD = frozenset(
    """sei seien habe könne müsse werde wolle solle dürfe möge gebe stehe gehe wisse
    liege komme bleibe gelte hätten würden müssten""".split()
)
PASSIVE = frozenset("wird wurde werden wurden".split())
# Participles that report speech or belief in the passive ("wird befürchtet").
SAYING_PARTICIPLE = frozenset(
    """gesagt erklärt berichtet befürchtet angenommen vermutet erwartet vorgeworfen
    aufgefordert verdächtigt bekannt gefordert kritisiert behauptet betont mitgeteilt
    bestätigt gemeldet geschätzt bezweifelt gewarnt beschuldigt bekanntgegeben
    dementiert spekuliert festgestellt geäußert gehofft geglaubt""".split()
)


@ATTRIBUTORS.register("e5-de")
class GermanAttributor:
    def __init__(self, model_file: str = MODEL_FILE, tokenizer_file: str = E5_TOKENIZER) -> None:
        self.model_file = model_file
        self.tokenizer_file = tokenizer_file

    @cached_property
    def tagger(self) -> MiniLMAttributor:
        """The English runtime's tagging (windows, decoding, ONNX) on the German model."""
        return MiniLMAttributor(self.model_file, self.tokenizer_file)

    def __call__(self, doc: Doc, entities: EntityIndex) -> list[Statement]:
        text = text_of(doc)
        candidates = [
            _with_cue_word(text, candidate)
            for candidate in link(doc, self.tagger.tag(text).spans)
            if not is_trivial(doc, candidate.content) and _kept(text, candidate)
        ]
        candidates = _continuations_attributed(text, candidates)
        # Quotations with a speech verb beside them that the tagger left out, as the
        # English attributor adds colon and signature quotes (dev F1@0.3 +0.4).
        candidates = with_uncovered(candidates, quotations(doc, GERMAN))
        statements = assemble(doc, entities, candidates, GERMAN)
        _name_speakers(doc, entities, statements)
        _resolve_pronouns(doc, entities, statements)
        return statements


def _reports(text: str, cue: TextSpan) -> bool:
    """Whether a cue introduces what someone said: a lone "nach" only when a report
    noun follows within three words ("nach Angaben der Polizei", "nach Ansicht von"),
    not a time or place ("nach dem Scheitern", "nach Simbabwe")."""
    if text[cue.start : cue.end].strip().lower() != "nach":
        return True
    following = text[cue.end : cue.end + 80].lower().split()[:3]
    return any(noun in word for word in following for noun in REPORT_NOUNS)


def _kept(text: str, candidate: Candidate) -> bool:
    """A quotation of any length; reported words only where they can hold a subject and
    a verb (shorter ones are mostly pieces the tagger broke off a span, "Die Armee,",
    "der Ehemann": in train, 1 % of reported quotations have fewer words) and either
    a cue that reports them, the subjunctive of a report going on, or a tagger sure
    of them without a cue that reports them (reported and free indirect speech has
    none)."""
    if kind_in(text, *candidate.extent) == "direct":
        return True
    words = sum(len(text[start:end].split()) for start, end in candidate.content)
    return words >= MIN_REPORTED_WORDS and (
        (candidate.cue is not None and _reports(text, candidate.cue))
        or _in_reported_mood(text, *candidate.extent)
        or (candidate.confidence or 0.0) >= SURE_WITHOUT_CUE
    )


def _continues_report(text: str, start: int, end: int) -> bool:
    """Whether a content with no cue is reported speech going on in the subjunctive:
    not a quotation, and holding a verb form of the reported mood ("sei", "könne")."""
    return kind_in(text, start, end) != "direct" and _in_reported_mood(text, start, end)


def _in_reported_mood(text: str, start: int, end: int) -> bool:
    return any(word in REPORTED_MOOD for word in re.findall(r"\w+", text[start:end].lower()))


def _continuations_attributed(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """A report going on in the subjunctive that names no speaker continues the last
    statement before it in its paragraph and takes that one's speaker; with none
    there it is left out. The shared neighbour rule, which also looks into the
    paragraph before and the sentences after, found more (dev F1@0.3 64.4 against
    64.0) with speakers below the bar of 80 (79.8 against 80.5)."""
    kept: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: c.extent):
        if (
            candidate.cue is None
            and candidate.speaker is None
            and _continues_report(text, *candidate.extent)
        ):
            start = candidate.extent[0]
            before = [c for c in kept if c.speaker is not None and c.extent[1] <= start]
            if not before or PARAGRAPH_BREAK.search(text, before[-1].extent[1], start):
                continue
            candidate = replace(candidate, speaker=before[-1].speaker)
        kept.append(candidate)
    return kept


def _name_speakers(doc: Doc, entities: EntityIndex, statements: list[Statement]) -> None:
    """A person a speaker phrase names with no title before them ("Kristina Schröder
    sagte", "so Schröder"), which the entity stage leaves to the knowledge base, is an
    entity of the article: in a speaker's phrase two capitalised words are mostly a
    name (saywho.nlp.german), and "er", "sie" and the surname alone then resolve to
    them. One set off by a comma comes first: the apposition names who the phrase
    describes."""
    text = text_of(doc)
    for statement in statements:
        speaker = statement.speaker
        if speaker is None or speaker.entity is not None:
            continue
        span = doc.char_span(speaker.start, speaker.end, alignment_mode="expand")
        names = [] if span is None else person_names(span)
        if not names and span is not None and len(span) == 1:
            names = [span]  # a surname alone, if it is a known person's
        entity = named_person(entities, text, names)
        if entity is not None:
            statement.speaker = replace(speaker, entity=entity)


def _resolve_pronouns(doc: Doc, entities: EntityIndex, statements: list[Statement]) -> None:
    """'er' or 'sie' as speaker: who it stands for, so that the statement is someone's
    (there is no German parse or morphology to tell gender or number). The entities
    named in the sentences before it that a pronoun can stand for (for 'sie' also a
    body: "Die Regierung … sie"): the last of them to speak keeps the floor, else the
    nearest."""
    starts = [sentence.start_char for sentence in doc.sents]
    spoken: list[str] = []
    for statement in statements:
        speaker = statement.speaker
        if speaker is not None and speaker.entity is None and speaker.text.lower() in PERSONAL:
            sentence = bisect.bisect_right(starts, speaker.start) - 1
            since = starts[max(0, sentence - SENTENCES_BACK)]
            named = [
                m
                for m in entities.before(speaker.start)
                if m.start >= since and m.label in PRONOUN_TYPES[speaker.text.lower()]
            ]
            entity = spoken[-1] if spoken and spoken[-1] in {m.entity for m in named} else None
            entity = entity or (named[0].entity if named else None)
            statement.speaker = replace(speaker, entity=entity)
        if statement.speaker is not None and statement.speaker.entity is not None:
            spoken.append(statement.speaker.entity)


def _with_cue_word(text: str, candidate: Candidate) -> Candidate:
    """The cue's lemma as the German runtime can know it: its known speech-verb word,
    else its first word, in lower case (there is no German lemmatiser to ship)."""
    if candidate.cue is None:
        return candidate
    words = text[candidate.cue.start : candidate.cue.end].lower().split()
    known = [w for w in words if w in GERMAN.cues or w in GERMAN.according]
    candidate.cue_lemma = (known or words or [""])[0]
    return candidate


def link(doc: Doc, spans: dict[str, list[TaggedSpan]]) -> list[Candidate]:
    """Each content (one that opens a quotation runs to its close) with the nearest cue
    in its sentences (pieces on both sides of one cue are one statement) and the
    speaker found by that cue."""
    groups: dict[TaggedSpan | None, list[TaggedSpan]] = {}
    for content in _closed(text_of(doc), spans["content"]):
        first, last = sentences_of(doc, content)
        cues = [
            cue
            for cue in spans["cue"]
            if first <= cue.start < last and not content.start <= cue.start < content.end
        ]
        nearest = min(cues, key=lambda cue: gap_between(cue, content), default=None)
        groups.setdefault(nearest, []).append(content)
    candidates = []
    for cue, pieces in groups.items():
        for group in _statements_of(cue, pieces):
            candidate = _candidate(doc, spans, cue, group)
            if candidate is not None:
                candidates.append(candidate)
    return candidates


def _statements_of(cue: TaggedSpan | None, pieces: list[TaggedSpan]) -> list[list[TaggedSpan]]:
    """A cue's contents as statements: a piece before the cue and the next one after it
    are one ("„…“, sagte er, „…“"); others (a nested quotation, a second report with
    the same cue) are statements of their own."""
    statements: list[list[TaggedSpan]] = []
    for piece in pieces:
        previous = statements[-1][-1] if statements else None
        if (
            cue is not None
            and previous is not None
            and len(statements[-1]) == 1
            and previous.end <= cue.start
            and cue.end <= piece.start
        ):
            statements[-1].append(piece)
        else:
            statements.append([piece])
    return statements


def _candidate(
    doc: Doc, spans: dict[str, list[TaggedSpan]], cue: TaggedSpan | None, group: list[TaggedSpan]
) -> Candidate | None:
    """The candidate of one statement, without the pieces that are its speaker."""
    text = text_of(doc)
    speaker = _speaker(doc, spans, cue, group)
    kept = [  # the one who speaks is not what is said: a piece that is the speaker goes
        (p.start, p.end)
        for p in group
        if speaker is None or not (speaker.start_char <= p.start and p.end <= speaker.end_char)
    ]
    if not kept:
        return None
    confidence = np.mean([p.probability for p in group] + ([cue.probability] if cue else []))
    unattributed = speaker is not None and speaker.label_ == IMPERSONAL
    return Candidate(
        speaker=None if unattributed else speaker,
        cue=TextSpan(cue.start, cue.end, text[cue.start : cue.end]) if cue else None,
        cue_lemma=None,
        content=kept,
        confidence=round(float(confidence), 2),
        unattributed=unattributed,
    )


def _speaker(
    doc: Doc, tagged: dict[str, list[TaggedSpan]], cue: TaggedSpan | None, content: list[TaggedSpan]
) -> Span | None:
    """The source the statement is said by, outside its content, in the cue's sentence.
    A content with no cue is often reported speech that names its speaker inside ("Die
    Regierung sieht die Entscheidung als …"): the first plausible source within it, else
    the nearest plausible one in its sentence."""
    anchor = cue or content[0]
    around = doc.char_span(anchor.start, anchor.end, alignment_mode="expand")
    if around is None or not len(around):
        return None
    sources = tagged["source"]
    inside = [s for s in sources if any(p.start <= s.start < p.end for p in content)]
    plausible_inside = [s for s in inside if _plausible(doc, s, s)]
    if cue is None and plausible_inside:
        return _char_span(doc, plausible_inside[0])
    sentence = around.sent
    if cue is None and _continues_report(text_of(doc), content[0].start, content[-1].end):
        return _source_before(doc, sources, sentence)
    nearby = [
        source
        for source in sources
        if sentence.start_char <= source.start < sentence.end_char and source not in inside
    ]
    if cue is not None:
        return _cued_speaker(doc, _verb_of(doc, cue, tagged["cue"]), nearby)
    nearby = [s for s in nearby if _plausible(doc, s, anchor)]
    nearest = min(nearby, key=lambda source: gap_between(source, anchor), default=None)
    return None if nearest is None else _char_span(doc, nearest)


def _source_before(doc: Doc, sources: list[TaggedSpan], sentence: Span) -> Span | None:
    """The first plausible source of the sentence before: who a report going on in the
    subjunctive continues ("Die Stadtreinigung äußerte Zweifel. Es sei rechtens, …")."""
    if sentence.start == 0:
        return None
    previous = doc[sentence.start - 1].sent
    found = [
        source
        for source in sources
        if previous.start_char <= source.start < previous.end_char
        and _plausible(doc, source, source)
    ]
    return _char_span(doc, found[0]) if found else None


def _cued_speaker(doc: Doc, verb: TaggedSpan, sources: list[TaggedSpan]) -> Span | None:
    """No one for an impersonal report; a pronoun beside the verb ("bezeichnete er",
    which the tagger often leaves out or takes into the cue); the plausible source
    nearest the speech verb (the likelier of two as near); else a name beside the verb;
    else the nearest source at all (a statement without a speaker would be dropped)."""
    unnamed = _impersonal(doc, verb, sources)
    if unnamed is not None:
        return unnamed
    pronoun = _pronoun_at(doc, verb)
    if pronoun is not None:
        return pronoun
    plausible = [s for s in sources if _plausible(doc, s, verb)]
    if not plausible:
        beside = _named_beside(doc, verb)
        if beside is not None:
            return beside
    nearest = min(
        plausible or sources,
        key=lambda source: (gap_between(source, verb), -source.probability),
        default=None,
    )
    return None if nearest is None else _char_span(doc, nearest)


def _pronoun_at(doc: Doc, verb: TaggedSpan) -> Span | None:
    """'er' or 'sie' right after the speech verb, inside its cue or right before it: in
    German word order the subject beside the finite verb ("Am Montag sagte sie", "musste
    er betonen", "da sie befürchtete")."""
    span = doc.char_span(verb.start, verb.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    sentence = span.sent
    after = list(doc[span.end : min(span.end + 1, sentence.end)])
    before = list(doc[max(span.start - 1, sentence.start) : span.start])
    words = after + list(span) + before
    return next((doc[t.i : t.i + 1] for t in words if t.lower_ in PERSONAL), None)


def _char_span(doc: Doc, span: TaggedSpan) -> Span | None:
    """The tagged source as a speaker, without the words the tagger let into its edges:
    a conjunction or verb before it ("Wie Sprecher Steg mitteilte"), a verb or comma
    after it ("Bürgermeister Kurz spricht")."""
    found = doc.char_span(span.start, span.end, alignment_mode="expand")
    if found is None or not len(found):
        return None
    words = list(found)
    while len(words) > 1 and (words[0].lower_ in LEADING_JUNK or _is_lower_verb(words[0])):
        words.pop(0)
    while len(words) > 1 and (
        (words[-1].is_punct and words[-1].text not in ")]") or _is_lower_verb(words[-1])
    ):
        words.pop()
    return doc[words[0].i : words[-1].i + 1]


def _is_lower_verb(token: Token) -> bool:
    return token.is_lower and _is_speech_word(token.text)


def _is_speech_word(word: str) -> bool:
    lower = word.lower()
    return (
        lower in GERMAN.cues
        or lower in ACCORDING
        or (word[:1].islower() and lower.startswith(SPEECH_STEMS))
    )


def _verb_of(doc: Doc, cue: TaggedSpan, cues: list[TaggedSpan]) -> TaggedSpan:
    """The part of a cue that names the speaking: the tagger splits cues ("teilte …
    mit", "erklärte Mitte Mai"), and the nearest piece to a content may be a particle or
    a noun, while the speaker stands by the verb."""
    text = text_of(doc)
    if any(_is_speech_word(w) for w in text[cue.start : cue.end].split()):
        return cue
    sentence = doc.char_span(cue.start, cue.end, alignment_mode="expand")
    if sentence is None or not len(sentence):
        return cue
    first, last = sentence.sent.start_char, sentence.sent.end_char
    verbs = [
        other
        for other in cues
        if first <= other.start < last
        and any(_is_speech_word(w) for w in text[other.start : other.end].split())
    ]
    return min(verbs, key=lambda verb: gap_between(verb, cue), default=cue)


def _plausible(doc: Doc, source: TaggedSpan, anchor: TaggedSpan) -> bool:
    """Whether a tagged source can be the speaker for a cue: not a prepositional or
    adverbial phrase ("über Twitter", "hierzu"), not the one spoken to ("dem Minister"),
    and more than a lone article."""
    text = text_of(doc)
    words = text[source.start : source.end].strip('„“"»«,. ').split()
    if not words:
        return False
    according = bool(set(text[anchor.start : anchor.end].lower().split()) & REPORTED_BY)
    first = words[0]
    if first.lower() in OBLIQUE and not according:
        return False
    if first[:1].islower() and first not in SPEAKER_OPENERS and not according:
        return False
    if len(words) == 1 and words[0].lower() not in PERSONAL and source.probability < LONE_WORD:
        return False  # a sentence adverb the tagger half took for a name ("Insgesamt")
    return not all(w.lower() in GERMAN.articles | TIMES | {"es"} for w in words)


def _named_beside(doc: Doc, verb: TaggedSpan) -> Span | None:
    """Capitalised words right after the speech verb ("so Müller") or right before it
    ("Müller erklärte"): the speaker the tagger missed."""
    span = doc.char_span(verb.start, verb.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    sentence = span.sent
    for words in (list(doc[span.end : sentence.end]), list(doc[sentence.start : span.start])[::-1]):
        taken = list(itertools.takewhile(_is_name_word, words))[:MAX_NAME_WORDS]
        if taken:
            return doc[min(t.i for t in taken) : max(t.i for t in taken) + 1]
    return None


def _is_name_word(token: Token) -> bool:
    return token.text[:1].isupper() and token.is_alpha and not token.is_sent_start


def _impersonal(doc: Doc, verb: TaggedSpan, sources: list[TaggedSpan]) -> Span | None:
    """The verb as a stand-in speaker where the report names no one: the passive ("es
    wird befürchtet", "ihm wird vorgeworfen", whose subject is the one spoken of) with
    no agent after "von", and "heißt es" with no source beside it."""
    span = doc.char_span(verb.start, verb.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    sentence = span.sent
    near = doc[max(span.start - 1, sentence.start) : min(span.end + 1, sentence.end)]
    words = {t.lower_ for t in near}
    text = text_of(doc)
    if (
        words & PASSIVE
        and words & SAYING_PARTICIPLE
        and not any(_word_before(text, s.start) in {"von", "vom"} for s in sources)
    ):
        return Span(doc, near.start, near.end, label=IMPERSONAL)
    if (
        words & {"heißt", "hieß"}
        and "es" in words
        and not any(_word_before(text, s.start) in {"in", "im"} for s in sources)
    ):
        return Span(doc, near.start, near.end, label=IMPERSONAL)
    return None


def _word_before(text: str, start: int) -> str:
    words = text[max(0, start - 20) : start].split()
    return words[-1].lower() if words else ""


def _closed(text: str, contents: list[TaggedSpan]) -> list[TaggedSpan]:
    """The contents in text order, each that opens a quotation run to where the
    quotation closes (the tagger often stops a long one short, at a comma or a sentence
    end inside it), and without those that then lie inside another."""
    closed: list[TaggedSpan] = []
    for content in sorted(contents, key=lambda span: span.start):
        if closed and content.end <= closed[-1].end:
            continue
        start = content.start
        opening = start if text[start : start + 1] in OPENING_MARKS else start - 1
        quotation = QUOTATION.match(text, opening) if opening >= 0 else None
        if quotation is not None and quotation.end() > content.end:
            content = TaggedSpan(start, quotation.end(), content.probability)
        closed.append(content)
    return closed
