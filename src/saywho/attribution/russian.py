"""Rule attribution for Russian (``rules-ru``), over the parse of ``saywho.nlp.russian``.

Russian news reports speech in a few fixed shapes: a cue verb with a "что" clause
("Она отметила, что ..."), a quotation or a dialogue line before the cue ("«...», —
заявил Песков", "— ..., — сказал он"), a colon ("Захарова заявила: «...»",
"Песков: «...»"), and asides ("по словам Лаврова, ...", "как сообщил Песков, ...").
Cue verbs are known by lemma; each lemma says the medium and, for denials,
accusations and evaluations, the act. The shared assembly
(``saywho.attribution.candidates``) then resolves speakers and sets the kind; its
medium and act read English word lists, so this module's table replaces them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from itertools import chain

from spacy.tokens import Doc, Span, Token

from saywho.attribution import ATTRIBUTORS
from saywho.attribution.candidates import Candidate, to_statements
from saywho.attribution.rules import deduplicate, is_trivial
from saywho.attribution.speakers import pronoun_mention
from saywho.entities.resolve import EntityIndex, Mention
from saywho.model import Act, Medium, Statement
from saywho.model import Span as TextSpan
from saywho.nlp import text_of

# Cue lemma -> (medium, act); an act of None is read from the content.
CUES: dict[str, tuple[Medium, Act | None]] = {
    **dict.fromkeys(
        """заявить заявлять сказать говорить сообщить сообщать отметить отмечать
        подчеркнуть подчёркивать подчеркивать добавить добавлять пояснить пояснять
        объяснить объяснять напомнить напоминать признать признавать заметить указать
        указывать уточнить уточнять констатировать ответить отвечать рассказать
        рассказывать заверить заверять утверждать настаивать объявить объявлять
        подтвердить подтверждать возразить парировать прокомментировать комментировать
        высказаться призвать призывать потребовать требовать пообещать обещать
        пригрозить грозить назвать называть""".split(),
        ("speech", None),
    ),
    **dict.fromkeys(
        "считать полагать думать надеяться опасаться уверенный убеждённый убежденный".split(),
        ("thought", None),
    ),
    # "В заявлении министерства говорится, что ...": the document speaks.
    **dict.fromkeys("написать писать опубликовать говориться".split(), ("writing", None)),
    **dict.fromkeys(
        "опровергнуть опровергать отрицать отвергнуть отвергать".split(), ("speech", "denial")
    ),
    **dict.fromkeys("обвинить обвинять упрекнуть упрекать".split(), ("speech", "accusation")),
    **dict.fromkeys(
        "похвалить хвалить поблагодарить благодарить приветствовать".split(), ("speech", "praise")
    ),
    **dict.fromkeys("раскритиковать критиковать осудить осуждать".split(), ("speech", "criticism")),
    **dict.fromkeys(
        """предупредить предупреждать предсказать предсказывать спрогнозировать
        прогнозировать""".split(),
        ("speech", "prediction"),
    ),
    **dict.fromkeys(["ожидать"], ("thought", "prediction")),
}
# Cues whose object is what was said: "опроверг сообщения о ...", "обвинил Киев в ...".
OBJECT_CUES = frozenset(
    lemma for lemma, (_, act) in CUES.items() if act not in (None, "prediction")
) | frozenset("призвать призывать потребовать требовать пообещать обещать назвать называть".split())
# "по словам X", "по мнению X", "по данным X": an aside naming the source.
ASIDES: dict[str, Medium] = {
    "словам": "speech",
    "мнению": "thought",
    "оценке": "thought",
    "оценкам": "thought",
    "данным": "writing",
    "информации": "writing",
}
# Documents that speak for their author: "в заявлении министерства говорится".
DOCUMENTS = frozenset(
    "заявление сообщение документ письмо доклад отчёт отчет обращение коммюнике".split()
)
# Pronouns that speak ("он заявил") or own the words ("по его словам"), by gender.
_PRONOUN_GENDER = {"он": "Masc", "его": "Masc", "она": "Fem", "её": "Fem", "ее": "Fem"}
# Nouns that name a person by office or role: the speaker is the person holding it.
ROLE_NOUNS = frozenset(
    """президент премьер премьер-министр министр глава руководитель председатель
    представитель пресс-секретарь секретарь генсек посол дипломат канцлер спикер
    депутат сенатор губернатор мэр лидер кандидат советник помощник директор
    командующий генерал""".split()
)
_POSSESSIVES = frozenset({"его", "её", "ее", "их"})
_EDGE_PUNCT = frozenset(',;:—–-«»"“”„.')
_DENIED = re.compile(
    r"\b(?:не|никогда|нет|ни)\b[^.;]{0,40}?(?:вмешива|поддерж|влия|причастн|участ|"
    r"намерен|планиру|собира|отношени|вмеша|фаворит|предпоч)",
    re.IGNORECASE,
)
_WRONGDOING = re.compile(
    r"(?:вмешательств|вмешива|дезинформац|пропаганд|фальсифи|взлом|хакер|фейк|\bлож[ьи]|"
    r"\bлгут|\bлжёт|кибератак|тролл|\bбот[аоы]|коррупц|подкуп)",
    re.IGNORECASE,
)


@ATTRIBUTORS.register("rules-ru")
class RussianRuleAttributor:
    """Cue verbs by lemma, quotations, dialogue dashes and asides, over natasha's parse."""

    def __call__(self, doc: Doc, entities: EntityIndex) -> list[Statement]:
        candidates = [*_verb_cues(doc), *_asides(doc), *_colon_quotes(doc)]
        candidates = deduplicate([c for c in candidates if not is_trivial(doc, c.content)])
        # The shared assembly judges medium and act from English lemmas unless told.
        statements = to_statements(doc, entities, [_judged(doc, c) for c in candidates])
        for number, statement in enumerate(statements):
            _resolve_speaker(doc, entities, statement, statements[:number])
        return statements


# --- finders ---------------------------------------------------------------


def _verb_cues(doc: Doc) -> Iterator[Candidate]:
    for verb in doc:
        # ADJ: 'уверен, что' (the table's adjectives are short forms that take a clause).
        if verb.pos_ not in ("VERB", "AUX", "ADJ") or verb.lemma_ not in CUES or _negated(verb):
            continue
        if "Inf" in verb.morph.get("VerbForm", []):
            continue  # 'будем отвечать', 'намерен заявить': the governing verb tells
        if "1" in verb.morph.get("Person", []) and not _quoted(verb):
            continue  # 'Напомним, что …': the author's own aside, not a statement
        content, direct = _verb_content(verb)
        if content:
            yield Candidate(
                speaker=_speaker_of(verb),
                cue=TextSpan(verb.idx, verb.idx + len(verb), verb.text),
                cue_lemma=verb.lemma_,
                content=content,
                direct=direct,
            )


def _asides(doc: Doc) -> Iterator[Candidate]:
    """'По словам Лаврова, Москва готова к диалогу', 'по его словам': the clause the
    aside hangs on."""
    for noun in doc:
        by = [c for c in noun.lefts if c.lower_ == "по"]
        if noun.lower_ not in ASIDES or not by or noun.head.i == noun.i:
            continue
        sources = [
            c for c in noun.children if c.dep_ in ("nmod", "appos") or c.lower_ in _POSSESSIVES
        ]
        if not sources:
            continue
        aside = {t.i for t in noun.subtree} | {by[0].i}
        content = _ranges(doc, [t for t in noun.head.subtree if t.i not in aside])
        if content:
            start, end = by[0].idx, noun.idx + len(noun)
            yield Candidate(
                speaker=_noun_phrase(sources[0]),
                cue=TextSpan(start, end, text_of(doc)[start:end]),
                cue_lemma=f"по {noun.lower_}",
                content=content,
            )


def _colon_quotes(doc: Doc) -> Iterator[Candidate]:
    """'Песков: «Мы ждём ответа»': a name (no verb), a colon and a quotation."""
    text = text_of(doc)
    for colon in doc[1:-1]:
        if colon.text != ":" or doc[colon.i + 1].text != "«":
            continue
        words = [t for t in doc[colon.sent.start : colon.i] if not t.is_space]
        named = any(t.pos_ in ("PROPN", "NOUN") for t in words)
        if not named or any(t.pos_ in ("VERB", "AUX") for t in words):
            continue  # 'заявила: «...»' is the cue verb's
        opening = doc[colon.i + 1].idx
        closing = text.find("»", opening)
        if closing > opening + 1:
            yield Candidate(
                speaker=doc[words[0].i : colon.i],
                cue=None,
                cue_lemma=None,
                content=[(opening + 1, closing)],
                direct=True,
            )


# --- syntax helpers ----------------------------------------------------------


def _negated(verb: Token) -> bool:
    """'не заявлял', 'не стал комментировать': nothing was said."""
    return any(c.lower_ == "не" for c in verb.children) or (
        verb.dep_ == "xcomp" and any(c.lower_ == "не" for c in verb.head.children)
    )


def _verb_content(verb: Token) -> tuple[list[tuple[int, int]], bool]:
    """What a cue verb reports, and whether it is a dialogue line ('— ..., — сказал он')."""
    doc = verb.doc
    clauses = [c for c in verb.children if c.dep_ in ("ccomp", "parataxis")]
    if clauses:
        tokens = [t for clause in clauses for t in clause.subtree]
        content = _ranges(doc, [t for t in tokens if t.lower_ != "что" or t.head not in clauses])
    elif (
        verb.dep_ in ("parataxis", "advcl")
        # a converb reports what follows it ('пояснив: …'), not the clause it hangs on
        and "Conv" not in verb.morph.get("VerbForm", [])
    ) and (
        (verb.head.i < verb.i and verb.i > 0 and doc[verb.i - 1].text in ",—–")
        or any(c.lower_ == "как" for c in verb.children)
    ):
        # '«...», — заявил Песков', 'как сообщил Песков, ...': the clause it hangs on.
        # Not the cue's own words, nor a verb joined after it ('— сказал он и
        # поблагодарил …'), which the parser hangs on the quotation's verb.
        after = [c for c in verb.head.children if c.dep_ == "conj" and c.i > verb.i]
        joined = (t.i for c in after for t in c.subtree if t.i > verb.i)
        own = {t.i for t in verb.subtree} | set(joined)
        content = _ranges(doc, [t for t in verb.head.subtree if t.i not in own])
    elif verb.lemma_ in OBJECT_CUES:
        objects = [c for c in verb.rights if c.dep_ in ("obj", "obl", "xcomp", "iobj")]
        content = _ranges(doc, [t for o in objects for t in o.subtree])
    elif topics := [c for c in verb.rights if c.dep_ == "obl" and _case_of(c) in ("о", "об")]:
        content = _ranges(doc, [t for topic in topics for t in topic.subtree])  # 'сообщил о ...'
    else:
        return [], False
    before = [r for r in content if r[1] <= verb.idx]
    dialogue = bool(before) and "—" in text_of(doc)[before[-1][1] : verb.idx]
    return content + (_continued_line(verb) if dialogue else []), dialogue


def _continued_line(verb: Token) -> list[tuple[int, int]]:
    """'— Мы готовы, — сказал Лавров. — Но не на любых условиях': after the cue's
    sentence, a sentence opening with a dash goes on with the same line."""
    sentence = verb.sent
    if sentence.end >= len(verb.doc):
        return []
    following = verb.doc[sentence.end].sent
    words = [t for t in following if not t.is_space]
    if not words or words[0].text != "—":
        return []
    return _ranges(verb.doc, words)


def _speaker_of(verb: Token) -> Span | None:
    """The verb's subject, else that of the verb it continues ('добавив, что',
    'и заявил'); a participle's noun ('представитель, заявивший ...')."""
    node = verb
    for _ in range(3):
        # A participle the parser took for a second subject ('сказал поддерживающий
        # Чавеса законодатель') is not the one who speaks.
        subjects = sorted(
            (c for c in node.children if c.dep_ in ("nsubj", "nsubj:pass")),
            key=lambda c: c.pos_ == "VERB",
        )
        if subjects:
            subject = subjects[0]
            if subject.lemma_ == "который" and node.dep_.startswith("acl"):
                return _noun_phrase(node.head)
            return _noun_phrase(subject)
        if node.dep_.startswith("acl") and node.head.pos_ in ("NOUN", "PROPN"):
            return _noun_phrase(node.head)
        # 'В заявлении министерства говорится', 'В Кремле заявили': the document or
        # the institution speaks when no one is named.
        sources = [
            c
            for c in node.children
            if c.dep_ == "obl"
            and _case_of(c) in ("в", "во")
            and (c.lemma_ in DOCUMENTS or c.pos_ == "PROPN" or c.ent_type_ in ("ORG", "GPE"))
        ]
        if sources:
            return _noun_phrase(sources[0])
        if node.dep_ not in ("conj", "advcl", "xcomp") or node.head.i == node.i:
            break
        node = _continued_verb(node)
    return _nominative_before(verb)


def _continued_verb(verb: Token) -> Token:
    """The verb a conjoined or dependent verb goes on from: its head, unless the head
    is a quotation's verb the parser hung it on ('«Мы …», — сказал Паркер и
    поблагодарил …': 'поблагодарил' goes on from 'сказал', not from 'чувствуем')."""
    head = verb.head
    if not _quoted(head) or _quoted(verb):
        return head
    cues = [c for c in head.children if c.dep_ == "parataxis" and c.lemma_ in CUES]
    return next((c for c in reversed(cues) if c.i < verb.i), head)


def _quoted(token: Token) -> bool:
    before = token.doc[token.sent.start : token.i]
    return sum(t.text == "«" for t in before) > sum(t.text == "»" for t in before)


def _nominative_before(verb: Token) -> Span | None:
    """A subject the parser hung elsewhere ('Также на заседании Председатель Совета
    Фарид Мухаметшин заявил': 'Председатель' under 'заседании'): the nearest noun in
    the nominative before the verb in its sentence, outside quotation marks, with
    the title and name it stands in."""
    before = verb.doc[verb.sent.start : verb.i]
    if any(t.text in "«»—" for t in before):
        return None
    nominal = [t for t in before if t.pos_ in ("NOUN", "PROPN") and _nominative(t)]
    if not nominal:
        return None
    top = nominal[-1]
    while top.dep_ in ("flat:name", "flat", "appos") and top.head.i < top.i:
        top = top.head
    return _noun_phrase(top)


def _case_of(noun: Token) -> str | None:
    """The preposition a noun takes ('о' in 'о росте')."""
    cases = [c.lower_ for c in noun.children if c.dep_ == "case"]
    return cases[0] if cases else None


def _noun_phrase(head: Token) -> Span:
    """A speaker's noun phrase without its clauses, coordination and punctuation."""
    tokens = [head]
    case = head.morph.get("Case", [])
    for child in head.children:
        if child.dep_ in ("acl", "acl:relcl", "punct", "cc", "conj", "parataxis"):
            continue
        if child.dep_ == "flat:name" and case and child.morph.get("Case", case) != case:
            continue  # 'сказал Паркер Ривлину': the one spoken to, in the dative
        tokens.extend(child.subtree)
    start, end = min(t.i for t in tokens), max(t.i for t in tokens) + 1
    doc = head.doc
    quoted = any(t.text == "«" for t in doc[start:end])  # 'клуб «Заря»' keeps its »
    while end > start + 1 and doc[end - 1].is_punct and not (quoted and doc[end - 1].text == "»"):
        end -= 1
    while start < end - 1 and doc[start].is_punct:
        start += 1
    return doc[start:end]


def _ranges(doc: Doc, tokens: list[Token]) -> list[tuple[int, int]]:
    """Character ranges of contiguous tokens, without quotation marks, dashes and
    commas at their edges (they frame the statement; they are not said)."""
    runs: list[list[Token]] = []
    for token in sorted({t.i: t for t in tokens if not t.is_space}.values(), key=lambda t: t.i):
        if runs and token.i == runs[-1][-1].i + 1 + int(doc[token.i - 1].is_space):
            runs[-1].append(token)
        else:
            runs.append([token])
    ranges = []
    for run in runs:
        while run and run[0].text in _EDGE_PUNCT:
            run.pop(0)
        while run and run[-1].text in _EDGE_PUNCT:
            run.pop()
        if run:
            ranges.append((run[0].idx, run[-1].idx + len(run[-1])))
    return ranges


# --- what the shared assembly cannot judge in Russian ------------------------


def _judged(doc: Doc, candidate: Candidate) -> Candidate:
    """The candidate with its medium and act from this module's tables."""
    content = " ".join(text_of(doc)[start:end] for start, end in candidate.content)
    lemma = candidate.cue_lemma
    if lemma is None:
        return replace(candidate, medium="speech", act=content_act(content))
    medium, act = CUES.get(lemma, (ASIDES.get(lemma.removeprefix("по "), "speech"), None))
    return replace(candidate, medium=medium, act=act or content_act(content))


def content_act(content: str) -> Act:
    """A negated involvement is a denial ("не вмешивается"); a charge of wrongdoing an
    accusation; anything else a claim (no Russian sentiment lexicon here)."""
    if _DENIED.search(content):
        return "denial"
    if _WRONGDOING.search(content):
        return "accusation"
    return "claim"


def _resolve_speaker(
    doc: Doc, entities: EntityIndex, statement: Statement, earlier: list[Statement]
) -> None:
    """A pronoun ('он', 'по его словам') or a title ('Президент Франции', 'глава МИД',
    'по словам дипломата') as speaker: the person the article means.

    A title goes to the person the article gives it, else a bare title to the person
    who spoke or was named last; a title with its state or body and no holder named
    stays that state's or body's voice, as the shared assembly resolved it.
    """
    speaker = statement.speaker
    span = doc.char_span(speaker.start, speaker.end) if speaker else None
    if speaker is None or span is None or _names_a_person(entities, speaker.entity):
        return
    root = span.root
    if root.lemma_ in ROLE_NOUNS:
        bare = len(span) == 1
        chosen = _title_holder(doc, entities, root) or (
            _previous_person(doc, entities, speaker.start, earlier, None, subject_first=True)
            if bare
            else None
        )
    else:
        gender = _PRONOUN_GENDER.get(root.lower_) or _PRONOUN_GENDER.get(root.lemma_)
        if gender is None or root.pos_ not in ("PRON", "DET") or speaker.entity is not None:
            return
        chosen = _previous_person(doc, entities, speaker.start, earlier, gender)
    if chosen is None:
        return
    entity = entities.entities[chosen.entity]
    statement.speaker = replace(speaker, entity=entity.name)
    found = pronoun_mention(doc, span, entity)
    if found is not None:
        entities.add(found, entity)


def _names_a_person(entities: EntityIndex, name: str | None) -> bool:
    entity = entities.entities.get(name) if name else None
    return entity is not None and entity.type == "PERSON"


def _title_holder(doc: Doc, entities: EntityIndex, title: Token) -> Mention | None:
    """The nearest earlier person given this title ("Министр иностранных дел России
    Сергей Лавров" for 'Министр'; "Сергей Лавров, министр"), else the first later one
    (a lead that names the office before the person)."""
    later = (m for m in entities.mentions if m.start > title.idx + len(title))
    for mention in chain(entities.before(title.idx), later):
        if mention.label != "PERSON":
            continue
        window = doc[max(mention.token_start - 5, 0) : mention.token_end + 3]
        if any(t.lemma_ == title.lemma_ for t in window):
            return mention
    return None


def _previous_person(
    doc: Doc,
    entities: EntityIndex,
    start: int,
    earlier: list[Statement],
    gender: str | None,
    subject_first: bool = False,
) -> Mention | None:
    """A person named before ``start`` (of ``gender`` when given; natasha's morphology
    gives it for surnames too: 'Захарова' is feminine).

    Of those, the one who spoke last keeps the floor ("Лавров обвинил администрацию
    Байдена… По его словам" is Lavrov's), then one named as a subject (nominative)
    before one named in passing ('администрацию Байдена'), then the nearest. A bare
    title ('по словам дипломата') takes up the last person named as a subject first: a
    title introduces its holder, where a pronoun continues a speaker.
    """
    people = [
        mention
        for mention in entities.before(start)
        if mention.label == "PERSON"
        and (
            gender is None
            or any(
                gender in t.morph.get("Gender", [])
                for t in doc[mention.token_start : mention.token_end]
            )
        )
    ]
    spoke = [s.speaker.entity for s in reversed(earlier) if s.speaker and s.speaker.entity]
    floor = next((m for m in people if spoke and m.entity == spoke[0]), None)
    subject = next((m for m in people if _nominative(doc[m.token_start : m.token_end].root)), None)
    chosen = (subject or floor) if subject_first else (floor or subject)
    return chosen or next(iter(people), None)


def _nominative(token: Token) -> bool:
    return "Nom" in token.morph.get("Case", [])
