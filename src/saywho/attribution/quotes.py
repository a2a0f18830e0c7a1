"""Quotation marks and speech verbs: attribution for languages without a parse.

saywho's English attributors read spaCy's dependency parse; German, French and
Spanish have no parser that ships without a download, so this attributor reads
only what any tokenizer gives: quotation marks in each language's styles
(„…“, »…«, «…», “…”, "…"), a per-language list of speech-verb forms and
"according to" words, and capitalised words next to the cue as the speaker. It is
the rule baseline the German model is measured against (bench/german_quotes.py)
and the fallback for languages without a model.

It also holds what every parse-less attributor shares: turning candidates into
Statements with a per-language cue lexicon for medium and act (the English
assembly in saywho.attribution.candidates reads the parse and English lemmas).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from saywho.attribution import ATTRIBUTORS
from saywho.attribution.candidates import Candidate, neighbour_of, with_uncovered
from saywho.entities.resolve import EntityIndex, Mention
from saywho.model import Act, Entity, Kind, Medium, Speaker, Statement
from saywho.model import Span as TextSpan
from saywho.nlp import text_of
from saywho.nlp.german import ARTICLES as GERMAN_ARTICLES

# A quotation in any of the styles of the supported languages, within one paragraph.
QUOTATION = re.compile(r"„[^„“”\n]*[“”]|»[^»«\n]*«|«[^«»\n]*»|“[^“”\n]*”|\"[^\"\n]*\"")
OPENING_MARKS = '„»«“"'
CLOSING_MARKS = '“”«»"'
MIN_QUOTED_WORDS = 3  # shorter quotations are mostly titles, names and scare quotes
MAX_SPEAKER_WORDS = 6
SENTENCE_END = ".!?:;,"


@dataclass(frozen=True)
class Lexicon:
    """What one language's attribution needs to know about its words (all lower case)."""

    cues: frozenset[str]  # inflected speech-verb forms: "sagte", "erklärte"
    according: frozenset[str]  # words that introduce a source, not a verb: "laut", "selon"
    articles: frozenset[str]  # words that may open a speaker's noun phrase
    pronouns: frozenset[str]  # third-person subject pronouns: a speaker to resolve later
    media: dict[str, Medium]  # cue word -> medium where it is not speech
    acts: tuple[tuple[str, Act], ...]  # cue word prefix -> the act it performs
    # Words that open a reported clause and are not said: "že", "que".
    complementizers: frozenset[str] = frozenset()
    # Words that name a source in a phrase of their own, with or without a comma
    # after it ("Podle ministra útočníci …", "Selon la ministre, …"), and the
    # pronouns that phrase may hold ("podle ní", "d'après elle").
    source_phrases: frozenset[str] = frozenset()
    source_pronouns: frozenset[str] = frozenset()
    # Endings of the verb forms that end such a phrase where no capital or comma
    # does ("Podle amerického ministerstva spravedlnosti platila …"), and short verbs.
    verb_endings: tuple[str, ...] = ()
    verbs: frozenset[str] = frozenset()
    # A subject's title before its capitalised name belongs to the speaker
    # ("Ministr zahraničí Tomáš Veselý uvedl").
    titled_subjects: bool = False
    # Names beside a cue that are whom or where it was said: a news agency in the
    # dative, and a capitalised phrase after one of ``prepositions``.
    addressees: frozenset[str] = frozenset()
    prepositions: frozenset[str] = frozenset()
    # A speaker after the cue may be a lower-case noun phrase with the name in
    # apposition ("a déclaré le porte-parole du ministère, Irina Volkova").
    common_noun_speakers: bool = False
    # A negated preference or involvement in the content makes a plain report a
    # denial ("Russland habe keinen Favoriten", "ne s'ingère pas"), as
    # ``saywho.attribution.acts`` does for English.
    denied_preference: re.Pattern[str] | None = None


GERMAN = Lexicon(
    cues=frozenset(
        """sagte sagt sagten sagen gesagt erklärte erklärt erklärten erklären betonte betont
        betonten meinte meint meinten sprach spricht äußerte äußert geäußert teilte teilten
        mitteilte mitgeteilt berichtete berichtet berichteten schrieb schreibt schrieben
        forderte fordert forderten warnte warnt warnten kritisierte kritisiert bestätigte
        bestätigt behauptete behauptet versicherte versichert antwortete antwortet entgegnete
        fügte ergänzte ergänzt verkündete verkündet kündigte angekündigt bezeichnete
        bezeichnet nannte räumte bestritt bestreitet dementierte wies warf wirft lobte lobt
        begrüßte begrüßt beklagte beklagt zitiert zitierte heißt hieß meldete meldet
        glaubt glaubte befürchtet befürchtete vermutet hofft hoffte""".split()
    ),
    according=frozenset("laut zufolge gemäß so".split()),
    articles=GERMAN_ARTICLES,
    pronouns=frozenset("er sie es".split()),
    # Derived from the train split's medium labels (training/german_quotes.py
    # --medium-table): cue words whose quotes allow writing at least 1.5 times as often
    # as speech. On dev this ties always answering speech (docs/models.md).
    media={
        "berichtete": "writing",
        "danach": "writing",
        "erklären": "writing",
        "erklärten": "writing",
        "festgestellt": "writing",
        "heißt": "writing",
        "in": "writing",
        "kritisiert": "writing",
        "schreibt": "writing",
        "schrieb": "writing",
        "schrieben": "writing",
        "steht": "writing",
        "teilten": "writing",
        "verlangte": "writing",
        "veröffentlichte": "writing",
    },
    acts=(
        ("bestr", "denial"),
        ("dementi", "denial"),
        ("zurückgew", "denial"),
        ("zurück", "denial"),
        ("vorgeworfen", "accusation"),
        ("warf", "accusation"),
        ("wirft", "accusation"),
        ("beschuldig", "accusation"),
        ("kritisier", "criticism"),
        ("verurteil", "criticism"),
        ("beklag", "criticism"),
        ("angeprangert", "criticism"),
        ("lob", "praise"),
        ("gelobt", "praise"),
        ("begrüß", "praise"),
        ("würdig", "praise"),
        ("warn", "prediction"),
        ("gewarnt", "prediction"),
        ("prognostizier", "prediction"),
        ("erwart", "prediction"),
    ),
    denied_preference=re.compile(
        r"\b(?:nicht|keine?[nmrs]?|nie|niemals|weder)\b[^.;]{0,40}?"
        r"(?:favorit|bevorzug|präferenz|vorzieh|unterstütz|einmisch|eingemischt|"
        r"beeinfluss|einfluss|beteiligt|absicht)",
        re.IGNORECASE,
    ),
)
FRENCH = Lexicon(
    cues=frozenset(
        """dit dire déclaré déclare affirmé affirme estimé estime expliqué explique souligné
        souligne ajouté ajoute indiqué indique annoncé annonce assuré assure précisé précise
        rappelé rappelle répondu répond averti avertit dénoncé dénonce nié nie accusé accuse
        salué salue critiqué critique écrit écrivait prévenu prévient répété répète
        insisté insiste martelé martèle reconnu reconnaît démenti dément""".split()
    ),
    according=frozenset("selon d'après".split()),
    articles=frozenset("le la les l' un une du des".split()),
    pronouns=frozenset("il elle ils elles".split()),
    media={"écrit": "writing", "écrivait": "writing"},
    acts=(
        ("ni", "denial"),
        ("dément", "denial"),
        ("rejet", "denial"),
        ("accus", "accusation"),
        ("critiqu", "criticism"),
        ("dénonc", "criticism"),
        ("condamn", "criticism"),
        ("salu", "praise"),
        ("félicit", "praise"),
        ("avert", "prediction"),
        ("prédi", "prediction"),
    ),
    complementizers=frozenset({"que", "qu'"}),
    source_phrases=frozenset({"selon", "d'après"}),
    source_pronouns=frozenset("lui elle eux elles".split()),
    titled_subjects=True,
    common_noun_speakers=True,
    denied_preference=re.compile(
        r"\b(?:ne|n'|pas|jamais|aucun\w*|ni|sans)\b[^.;]{0,40}?"
        r"(?:favori|préfér|soutien|souten|soutient|ingér|immisc|influenc|impliqu|intention)",
        re.IGNORECASE,
    ),
)
SPANISH = Lexicon(
    cues=frozenset(
        """dijo dice afirmó afirma declaró declara explicó explica señaló señala aseguró
        asegura añadió añade indicó indica anunció anuncia advirtió advierte negó niega
        acusó acusa criticó critica elogió destacó destaca subrayó subraya manifestó
        escribió escribe""".split()
    ),
    according=frozenset("según".split()),
    articles=frozenset("el la los las un una del".split()),
    pronouns=frozenset("él ella ellos ellas".split()),
    media={"escribió": "writing", "escribe": "writing"},
    acts=(
        ("neg", "denial"),
        ("niega", "denial"),
        ("desmint", "denial"),
        ("rechaz", "denial"),
        ("acus", "accusation"),
        ("critic", "criticism"),
        ("conden", "criticism"),
        ("denunci", "criticism"),
        ("elogi", "praise"),
        ("felicit", "praise"),
        ("advirt", "prediction"),
        ("advierte", "prediction"),
        ("pronostic", "prediction"),
    ),
    complementizers=frozenset({"que"}),
    source_phrases=frozenset({"según"}),
    source_pronouns=frozenset("él ella ellos ellas".split()),
    denied_preference=re.compile(
        r"\b(?:no|nunca|ningún|ninguna|ni|sin)\b[^.;]{0,40}?"
        r"(?:favorit|prefer|apoy|injer|interf|influ|implic|intención)",
        re.IGNORECASE,
    ),
)
# Czech past forms take the subject's gender and number: "uvedl", "uvedla", "uvedlo",
# "uvedli", "uvedly".
_CZECH_PAST = """řekl uvedl prohlásil dodal sdělil napsal zdůraznil upozornil varoval oznámil
    potvrdil popřel odmítl obvinil kritizoval ocenil pochválil vysvětlil poznamenal
    podotkl konstatoval informoval odpověděl zopakoval tvrdil prohlašoval uváděl říkal
    psal ujistil slíbil přislíbil vyzval požádal žádal požadoval označil nazval
    připomněl zmínil doplnil upřesnil reagoval komentoval přiznal připustil ohlásil
    odsoudil vzkázal namítl dodával zdůrazňoval poukázal naznačil prozradil odhadl
    předpověděl pohrozil apeloval argumentoval trval hájil ohradil dementoval
    vyvrátil zpochybnil poděkoval přivítal uvítal myslel domníval věřil mínil""".split()
CZECH = Lexicon(
    cues=frozenset(
        [form + ending for form in _CZECH_PAST for ending in ("", "a", "o", "i", "y")]
        + """říká říkají uvádí uvádějí tvrdí píše píšou píší míní myslí domnívá věří
        dodává dodávají upozorňuje upozorňují varuje varují zdůrazňuje zdůrazňují
        prohlašuje odmítá odmítají popírá popírají obviňuje obviňují kritizuje kritizují
        vysvětluje konstatuje oznamuje informuje potvrzuje potvrzují připomíná odhaduje
        odhadují soudí sděluje hlásí přiznává připouští argumentuje trvá předpovídá
        slibuje vyzývá navrhuje požaduje požadují žádá žádají""".split()
    ),
    according=frozenset("podle dle".split()),
    articles=frozenset(),
    pronouns=frozenset("on ona ono oni ony".split()),
    media={
        **{form + e: "writing" for form in ("napsal", "psal") for e in ("", "a", "o", "i", "y")},
        "píše": "writing",
        "píšou": "writing",
        **{form + e: "thought" for form in ("myslel", "domníval", "věřil") for e in ("", "a", "i")},
        "myslí": "thought",
        "domnívá": "thought",
        "věří": "thought",
    },
    acts=(
        ("popř", "denial"),
        ("popír", "denial"),
        ("odmít", "denial"),
        ("obvin", "accusation"),
        ("obviň", "accusation"),
        ("kritiz", "criticism"),
        ("odsoud", "criticism"),
        ("dement", "denial"),
        ("vyvrát", "denial"),
        ("zpochybn", "criticism"),
        ("ocen", "praise"),
        ("pochvál", "praise"),
        ("poděkov", "praise"),
        ("přivít", "praise"),
        ("uvít", "praise"),
        ("varova", "prediction"),
        ("varuj", "prediction"),
        ("předpov", "prediction"),
        ("odhad", "prediction"),
    ),
    complementizers=frozenset({"že", "aby"}),
    source_phrases=frozenset({"podle", "dle"}),
    source_pronouns=frozenset("něj něho ní nich".split()),
    verb_endings=("l", "la", "lo", "li", "ly"),
    verbs=frozenset("je jsou bude budou by byl se si má mají jde šlo platí hrozí".split()),
    titled_subjects=True,
    # "řekl ČTK", "uvedl pro Deník N", "v Praze": named, but not the speaker.
    addressees=frozenset({"čtk"}),
    prepositions=frozenset("pro v ve na do z ze u od před".split()),
    denied_preference=re.compile(
        # Czech puts the object last: a longer reach than the other languages'.
        r"\b(?:nemá|nemáme|nemají|není|nejsou|nikdy|žádn\w*|ani)\b[^.;]{0,80}?"
        r"(?:favorit|preferuj|preferenc|podpor|zasah|vměš|ovlivň)"
        r"|\bne(?:podpor|zasah|vměš|ovlivň|preferuj)",
        re.IGNORECASE,
    ),
)
# Ukrainian past forms end in -в for a man, -ла, -ло, -ли otherwise: "заявив", "заявила".
_UKRAINIAN_PAST = """заявив сказав повідомив зазначив додав наголосив підкреслив пояснив
    розповів написав заперечив спростував звинуватив похвалив розкритикував засудив
    попередив відповів визнав нагадав запевнив пообіцяв закликав підтвердив привітав
    оголосив уточнив прокоментував вважав""".split()
UKRAINIAN = Lexicon(
    cues=frozenset(
        [
            form
            for past in _UKRAINIAN_PAST
            for form in (past, *(past[:-1] + e for e in ("ла", "ло", "ли")))
        ]
        + """заявляє заявляють каже кажуть повідомляє повідомляють зазначає наголошує
        пише пишуть вважає вважають стверджує стверджують переконаний переконана""".split()
    ),
    # "За словами міністра, …", "за даними розвідки, …", "на думку експерта, …"
    according=frozenset("словами даними думку".split()),
    articles=frozenset(),
    pronouns=frozenset("він вона воно вони".split()),
    media={
        **{form: "writing" for form in ("написав", "написала", "написали", "пише", "пишуть")},
        **{
            form: "thought"
            for form in ("вважав", "вважала", "вважали", "вважає", "вважають", "переконаний")
        },
        "даними": "writing",
    },
    acts=(
        ("заперечи", "denial"),
        ("спростува", "denial"),
        ("звинувати", "accusation"),
        ("розкритикува", "criticism"),
        ("засуди", "criticism"),
        ("похвали", "praise"),
        ("привіта", "praise"),
        ("попереди", "prediction"),
    ),
    complementizers=frozenset({"що"}),
    titled_subjects=True,
    denied_preference=re.compile(
        r"\b(?:не|ніколи|немає|ні)\b[^.;]{0,40}?"
        r"(?:фаворит|переваг|підтрим|втруча|вплив|причетн|намір)",
        re.IGNORECASE,
    ),
)
LEXICONS = {"de": GERMAN, "fr": FRENCH, "es": SPANISH, "cs": CZECH, "uk": UKRAINIAN}
# For a language with no lexicon of its own: every list at once (an unknown cue is
# simply not found; no lexicon's word is another's common word).
ANY_LANGUAGE = Lexicon(
    cues=frozenset().union(*(lexicon.cues for lexicon in LEXICONS.values())),
    according=frozenset().union(*(lexicon.according for lexicon in LEXICONS.values())),
    articles=frozenset().union(*(lexicon.articles for lexicon in LEXICONS.values())),
    pronouns=frozenset().union(*(lexicon.pronouns for lexicon in LEXICONS.values())),
    media={word: m for lexicon in LEXICONS.values() for word, m in lexicon.media.items()},
    acts=tuple(act for lexicon in LEXICONS.values() for act in lexicon.acts),
    denied_preference=re.compile(
        "|".join(
            f"(?:{lexicon.denied_preference.pattern})"
            for lexicon in LEXICONS.values()
            if lexicon.denied_preference
        ),
        re.IGNORECASE,
    ),
)


def lexicon_of(doc: Doc) -> Lexicon:
    return LEXICONS.get(doc.lang_, ANY_LANGUAGE)


@ATTRIBUTORS.register("quotes")
class QuoteAttributor:
    """Quotation marks and speech verbs, no parse, no model: high precision on direct
    quotations, indirect speech where a cue word sits next to a comma or a source
    phrase ("podle X", "selon X") opens or interrupts the sentence."""

    def __call__(self, doc: Doc, entities: EntityIndex) -> list[Statement]:
        lexicon = lexicon_of(doc)
        # A source phrase's sentence holds any quotation in it ("Podle X je Y „…“").
        candidates = with_uncovered(list(_source_phrases(doc, lexicon)), quotations(doc, lexicon))
        candidates = with_uncovered(candidates, _reported(doc, lexicon))
        statements = assemble(doc, entities, candidates, lexicon)
        _pronouns_to_last_speaker(statements, lexicon)
        return statements


def _is_cue(token: Token, lexicon: Lexicon) -> bool:
    word = token.lower_
    if word == "so":  # "„…“, so Scholz": only right after a comma
        return token.i > 0 and token.nbor(-1).text == ","
    return word in lexicon.cues or word in lexicon.according


def quotations(doc: Doc, lexicon: Lexicon) -> Iterator[Candidate]:
    """Quotations of a few words, with the nearest cue in their sentences, or after a colon."""
    text = text_of(doc)
    for match in QUOTATION.finditer(text):
        start, end = match.span()
        if len(match.group().split()) < MIN_QUOTED_WORDS:
            continue
        first = doc.char_span(start, end, alignment_mode="expand")
        last = doc.char_span(end - 1, min(end + 1, len(text)), alignment_mode="expand")
        if first is None or last is None:
            continue
        region = doc[first.sent.start : last.sent.end]
        cues = [t for t in region if _is_cue(t, lexicon) and not start <= t.idx < end]
        if not cues and not text[:start].rstrip().endswith(":"):
            continue
        cue = min(cues, key=lambda t: min(abs(t.idx - start), abs(t.idx - end)), default=None)
        # The source follows "selon", "podle" wherever the quotation is.
        after = cue is not None and (cue.idx >= end or cue.lower_ in lexicon.source_phrases)
        speaker = None if cue is None else _speaker_of(doc, cue, lexicon, after)
        # The marks frame what was said; they are not said (docs/annotation.md), nor
        # the spaces French sets inside them ("« Non »").
        inner = match.group()[1:-1]
        inner_start = start + 1 + len(inner) - len(inner.lstrip())
        content = (inner_start, inner_start + len(inner.strip()))
        yield _candidate(cue, speaker, [content], direct=True)


def _reported(doc: Doc, lexicon: Lexicon) -> Iterator[Candidate]:
    """Indirect speech: "X sagte, …" (content after the comma) or "…, sagte X." (before it)."""
    text = text_of(doc)
    for sentence in doc.sents:
        cue = next((t for t in sentence if _is_cue(t, lexicon)), None)
        if cue is None:
            continue
        end = sentence.end_char
        while end > sentence.start_char and text[end - 1] in SENTENCE_END + " \n":
            end -= 1
        if cue.i + 1 < sentence.end and cue.nbor(1).lower_ in lexicon.complementizers:
            # "X a affirmé que …", "El portavoz, X, dijo que …": the clause the
            # complementizer opens, said by the subject.
            content = (_clause_start(doc, cue.i + 1, lexicon), end)
            speaker = _speaker_of(doc, cue, lexicon, after=False)
        elif cue.i > sentence.start and cue.nbor(-1).text == ",":
            content = (sentence.start_char, cue.nbor(-1).idx)
            speaker = _speaker_of(doc, cue, lexicon, after=True)
        else:
            comma = next((t for t in doc[cue.i + 1 : sentence.end] if t.text in ",:"), None)
            if comma is None or comma.i - cue.i > MAX_SPEAKER_WORDS:
                continue
            if lexicon.common_noun_speakers and _closes_quotation(doc, cue):
                continue  # "« … », a assuré le porte-parole, X, lors de …": not said
            content = (_clause_start(doc, comma.i + 1, lexicon), end)
            speaker = _speaker_of(doc, cue, lexicon, after=comma.i - cue.i > 1)
            if speaker is None and lexicon.titled_subjects:
                # "Premiérka Jana Malá obvinila opozici, že …": an object, not a speaker,
                # between the cue and the clause.
                speaker = _speaker_of(doc, cue, lexicon, after=False)
        if len(text[content[0] : content[1]].split()) >= MIN_QUOTED_WORDS:
            yield _candidate(cue, speaker, [content], direct=False)


def _closes_quotation(doc: Doc, cue: Token) -> bool:
    """Whether a quotation closes right before the cue, its auxiliary and a comma."""
    before = doc[max(cue.sent.start, cue.i - 3) : cue.i]
    return any(t.text in CLOSING_MARKS for t in before)


def _clause_start(doc: Doc, i: int, lexicon: Lexicon) -> int:
    """Where a reported clause's words start: after its complementizer ("že", "que")."""
    while i < len(doc) and (doc[i].is_space or doc[i].lower_ in lexicon.complementizers):
        i += 1
    return doc[i].idx if i < len(doc) else len(text_of(doc))


def _source_phrases(doc: Doc, lexicon: Lexicon) -> Iterator[Candidate]:
    """ "Podle ministra Karla Horáka útočníci …", "Lidé by podle ní měli …", "Selon la
    ministre, Claire Vasseur, …": the phrase names the source, the rest of the sentence
    is what the source says."""
    for token in doc:
        if not _opens_source_phrase(token, lexicon) or token.i + 1 >= token.sent.end:
            continue
        sentence = token.sent
        source_end = _source_phrase_end(doc, token, lexicon)
        if source_end is None:
            continue
        after = source_end
        while after < sentence.end and doc[after].text in ",:":
            after += 1
        pieces = [
            _trimmed(doc, doc[a].idx, doc[b - 1].idx + len(doc[b - 1]))
            for a, b in ((sentence.start, token.i), (after, sentence.end))
            if b > a and any(t.is_alpha for t in doc[a:b])
        ]
        if sum(len(text_of(doc)[s:e].split()) for s, e in pieces) >= MIN_QUOTED_WORDS:
            yield _candidate(token, doc[token.i + 1 : source_end], pieces, direct=False)


def _opens_source_phrase(token: Token, lexicon: Lexicon) -> bool:
    """ "selon", or "après" of "d'après", which the tokenizer splits after the elision."""
    if token.lower_ in lexicon.source_phrases:
        return True
    if token.i == 0 or token.nbor(-1).whitespace_:
        return False
    return token.nbor(-1).lower_ + token.lower_ in lexicon.source_phrases


def _source_phrase_end(doc: Doc, opener: Token, lexicon: Lexicon) -> int | None:
    """The token after the source a "podle"/"selon" phrase names: a pronoun, the words
    up to a comma, else up to the end of its first name, else up to the first verb."""
    words = list(doc[opener.i + 1 : min(opener.sent.end, opener.i + 1 + MAX_SPEAKER_WORDS)])
    if not words:
        return None
    if words[0].lower_ in lexicon.source_pronouns:
        return words[0].i + 1
    comma = next((t for t in words if t.text == ","), None)
    if comma is not None and comma.i > opener.i + 1:
        # "Selon le ministre, Paul Garnier, des comptes …": the name in apposition too.
        name = list(itertools.takewhile(lambda w: w.text[:1].isupper(), doc[comma.i + 1 :]))
        closing = name[-1].i + 1 if name else comma.i
        if name and closing < opener.sent.end and doc[closing].text == ",":
            return closing
        return comma.i
    if comma is not None:
        return None
    first_capital = next((t for t in words if t.text[:1].isupper()), None)
    if first_capital is not None:  # "policejního prezidenta Karla Horáka": to the name's end
        end = first_capital.i + 1
        while end < opener.sent.end and doc[end].text[:1].isupper():
            end += 1
        return end
    verb = next((t for t in words if _looks_like_a_verb(t, lexicon)), None)
    return verb.i if verb is not None and verb.i > opener.i + 1 else None


def _looks_like_a_verb(token: Token, lexicon: Lexicon) -> bool:
    word = token.lower_
    return word in lexicon.verbs or (
        bool(lexicon.verb_endings) and len(word) > 3 and word.endswith(lexicon.verb_endings)
    )


def _trimmed(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A content piece without the punctuation at its edges."""
    text = text_of(doc)
    while end > start and text[end - 1] in SENTENCE_END + " \n":
        end -= 1
    while start < end and text[start] in SENTENCE_END + " \n":
        start += 1
    return start, end


def _candidate(
    cue: Token | None, speaker: Span | None, content: list[tuple[int, int]], direct: bool
) -> Candidate:
    cue_span = None if cue is None else TextSpan(cue.idx, cue.idx + len(cue.text), cue.text)
    return Candidate(
        speaker=speaker,
        cue=cue_span,
        cue_lemma=None if cue is None else cue.lower_,
        content=content,
        direct=direct,
    )


def _speaker_of(doc: Doc, cue: Token, lexicon: Lexicon, after: bool) -> Span | None:
    """The capitalised words (with an article) right after or right before the cue."""
    sentence = cue.sent
    if after:
        words = list(doc[cue.i + 1 : sentence.end])
    else:
        words = list(reversed(doc[sentence.start : cue.i]))
    words = [word for word in words if word.lower_ not in lexicon.addressees]
    if after and lexicon.common_noun_speakers and words and words[0].lower_ in lexicon.articles:
        described = _described(doc, words)
        if described is not None:
            return described
    taken = _name_run(words[:MAX_SPEAKER_WORDS], lexicon, after)
    if taken and taken[0].lower_ in lexicon.pronouns:
        return doc[taken[0].i : taken[0].i + 1]
    while taken and taken[-1].lower_ in lexicon.articles and after:
        taken.pop()  # "sagte Scholz der Zeitung": no article closes a name
    if not taken or all(t.lower_ in lexicon.articles for t in taken):
        return None
    first, last = min(t.i for t in taken), max(t.i for t in taken)
    if lexicon.titled_subjects:
        limit = words[0].i if after else sentence.start
        first = _with_title(doc, first, limit, 2 if after else 3)
    return doc[first : last + 1]


def _described(doc: Doc, words: list[Token]) -> Span | None:
    """A speaker named by a noun phrase after the cue, with the name in apposition
    when one follows ("a déclaré la porte-parole du ministère, Irina Volkova, lors
    de …"): the phrase up to its first punctuation, and a capitalised run after a
    comma that another comma or the sentence's end closes."""
    phrase = list(itertools.takewhile(lambda w: not w.is_punct, words))
    if not 1 < len(phrase) <= MAX_SPEAKER_WORDS:
        return None
    end = phrase[-1].i + 1
    rest = words[len(phrase) :]
    if rest and rest[0].text == ",":
        name = list(itertools.takewhile(lambda w: w.text[:1].isupper(), rest[1:]))
        after_name = rest[1 + len(name)] if len(rest) > 1 + len(name) else None
        if name and (after_name is None or after_name.is_punct):
            end = name[-1].i + 1
    return doc[phrase[0].i : end]


def _name_run(words: list[Token], lexicon: Lexicon, after: bool) -> list[Token]:
    """The first run of capitalised words (and articles) in ``words``, or a pronoun
    that comes before any."""
    taken: list[Token] = []
    crossed_comma = False
    for word in words:
        if not taken and word.lower_ in lexicon.pronouns:
            return [word]
        if word.text[:1].isupper() or word.lower_ in lexicon.articles:
            taken.append(word)
        elif taken and not after and word.lower_ in lexicon.prepositions:
            taken = []  # "pro Deník N uvedl": a place or channel, not the speaker
        elif not (taken or after or crossed_comma) and word.text == ",":
            crossed_comma = True  # "Le porte-parole, Dmitri Peskov, a déclaré": its apposition
        elif taken or word.is_punct:
            break
    return taken


def _with_title(doc: Doc, first: int, limit: int, most: int) -> int:
    """Where a name's title starts: "Ministr zahraničí" before "Tomáš Veselý" when only
    those words (no punctuation) stand between the name and ``limit``, the sentence's
    start or the cue ("prohlásil mluvčí Kremlu Dmitrij Peskov")."""
    between = doc[limit:first]
    if 0 < len(between) <= most and all(t.is_alpha for t in between):
        return limit
    return first


def kind_in(text: str, start: int, end: int) -> Kind:
    """Direct when the content is inside quotation marks of any style, mixed when it
    holds a quotation, else indirect."""
    inside = text[start:end].strip()
    before = text[:start].rstrip()[-1:]
    after = text[end:].lstrip(",.!? ")[:1]
    # A tagged span may hold one of its quotation marks and leave the other out.
    opened = inside[:1] in OPENING_MARKS or bool(before and before in OPENING_MARKS)
    closed = inside.rstrip(",.!? ")[-1:] in CLOSING_MARKS or bool(after and after in CLOSING_MARKS)
    if opened and closed and not QUOTATION.search(inside.strip(OPENING_MARKS + CLOSING_MARKS)):
        return "direct"
    return "mixed" if QUOTATION.search(inside) else "indirect"


def medium_and_act(cue: str | None, content: str, lexicon: Lexicon) -> tuple[Medium, Act]:
    """What the cue's words say about how (medium) and what (act) was conveyed; a plain
    report whose content denies a preference or involvement is a denial."""
    words = re.findall(r"\w+", (cue or "").lower())
    medium: Medium = next((lexicon.media[w] for w in words if w in lexicon.media), "speech")
    act: Act = next(
        (act for w in words for prefix, act in lexicon.acts if w.startswith(prefix)), "claim"
    )
    if act == "claim" and lexicon.denied_preference and lexicon.denied_preference.search(content):
        act = "denial"
    return medium, act


def assemble(
    doc: Doc, entities: EntityIndex, candidates: list[Candidate], lexicon: Lexicon
) -> list[Statement]:
    """Statements in text order, numbered; quotations without a speaker take their
    neighbour's (news gives a speaker once for several paragraphs of quotation), and
    indirect speech that no one is named for is left out, unless its finder marked it
    an agentless report."""
    text = text_of(doc)
    ordered = sorted(candidates, key=lambda c: c.extent)
    statements = []
    for candidate in ordered:
        start, end = candidate.extent
        kind = "direct" if candidate.direct else kind_in(text, start, end)
        content = " ".join(text[s:e] for s, e in candidate.content)
        medium, act = medium_and_act(
            candidate.cue.text if candidate.cue else None, content, lexicon
        )
        statements.append(
            Statement(
                id="",
                speaker=_speaker(entities, candidate.speaker, lexicon),
                cue=candidate.cue,
                cue_lemma=candidate.cue_lemma,
                content=[TextSpan(s, e, text[s:e]) for s, e in candidate.content],
                kind=kind,
                medium=medium,
                act=act,
                confidence=candidate.confidence or (0.7 if kind == "direct" else 0.5),
            )
        )
    unattributed = {i for i, candidate in enumerate(ordered) if candidate.unattributed}
    statements = _speakers_from_neighbours(text, statements, unattributed)
    kept = [
        s
        for i, s in enumerate(statements)
        if s.speaker is not None or s.kind != "indirect" or i in unattributed
    ]
    for number, statement in enumerate(kept, start=1):
        statement.id = f"s{number}"
    return kept


def _speaker(entities: EntityIndex, span: Span | None, lexicon: Lexicon) -> Speaker | None:
    """The span as said; its entity where the entity stage found one inside it, a
    person before a place or body ("mluvčí Kremlu Dmitrij Peskov" is Peskov), and a
    person set off by a comma first: the apposition names who the phrase before it
    describes ("Der Nachfolger des Airbus-Chefs Christian Streiff, Louis Gallois").
    Where the language capitalises names only and the entity stage found none, the
    capitalised words of the phrase name a person ("la porte-parole du ministère,
    Irina Volkova"; "Ministr zahraničí Tomáš Veselý")."""
    if span is None:
        return None
    text = text_of(span.doc)
    mentions = entities.within(span.start_char, span.end_char)
    people = sorted(
        (m for m in mentions if m.label == "PERSON"), key=lambda m: not in_apposition(text, m.start)
    )
    entity = (people or mentions)[0].entity if mentions else None
    if entity is None and lexicon.titled_subjects:
        entity = named_person(entities, text, _capitalised_runs(span, lexicon))
    return Speaker(span.start_char, span.end_char, span.text, entity)


def _capitalised_runs(span: Span, lexicon: Lexicon) -> list[Span]:
    """Runs of capitalised words in a phrase, articles left out, and the first of
    three that opens a sentence: a title capitalised there ("Premiérka Jana Malá")."""

    def capital(token: Token) -> bool:
        return token.text[:1].isupper() and token.lower_ not in lexicon.articles

    runs = []
    for is_capital, group in itertools.groupby(span, key=capital):
        tokens = list(group)
        if not is_capital:
            continue
        if len(tokens) > 2 and tokens[0].is_sent_start:
            tokens = tokens[1:]
        runs.append(span.doc[tokens[0].i : tokens[-1].i + 1])
    return runs


def named_person(entities: EntityIndex, text: str, names: list[Span]) -> str | None:
    """The person a speaker phrase's names (found outside the entity stage) stand for,
    added to the article's entities: a name set off by a comma first (the apposition
    names who the phrase describes), of two words or more, or one the article already
    gave a person ("so Schröder")."""
    ordered = sorted(names, key=lambda name: not in_apposition(text, name.start_char))
    name = next((n for n in ordered if len(n) > 1 or _known_person(entities, n.text)), None)
    return None if name is None else _person_of(entities, name)


def _person_of(entities: EntityIndex, name: Span) -> str:
    """The article's person a name stands for, or a new one, with this mention."""
    entity = _known_person(entities, name.text) or name.text
    mention = Mention(
        name.start, name.end, name.start_char, name.end_char, name.text, entity, "PERSON"
    )
    entities.add(mention, Entity(entity, "PERSON", actor_type="person"))
    return entity


def _known_person(entities: EntityIndex, name: str) -> str | None:
    """The article's person of this name, or of this surname when only one has it."""
    if name in entities.entities:
        return name
    people = {
        entity.name
        for entity in entities.entities.values()
        if entity.type == "PERSON" and entity.name.split()[-1] == name.split()[-1]
    }
    return people.pop() if len(people) == 1 else None


def in_apposition(text: str, start: int) -> bool:
    """Whether the words at ``start`` follow a comma: an apposition naming who the
    phrase before it describes."""
    before = start
    while before > 0 and text[before - 1].isspace():
        before -= 1
    return before > 0 and text[before - 1] == ","


def _pronouns_to_last_speaker(statements: list[Statement], lexicon: Lexicon) -> None:
    """A pronoun as speaker ("Il a précisé que …", "D'après lui, …") is whoever spoke
    last, when that speaker is someone: the statement counts for them."""
    pronouns = lexicon.pronouns | lexicon.source_pronouns
    last: str | None = None
    for statement in statements:
        speaker = statement.speaker
        if speaker is not None and speaker.entity is None and speaker.text.lower() in pronouns:
            statement.speaker = replace(speaker, entity=last)
        elif speaker is not None and speaker.entity is not None:
            last = speaker.entity


def _speakers_from_neighbours(
    text: str, statements: list[Statement], unattributed: set[int]
) -> list[Statement]:
    """A speakerless statement takes a neighbour's speaker (``neighbour_of``); an
    agentless report (index in ``unattributed``) stays no one's."""
    filled = list(statements)
    for index, statement in enumerate(statements):
        if statement.speaker is not None or index in unattributed:
            continue
        neighbour = neighbour_of(text, filled, index, _has_speaker)
        if neighbour is not None:
            filled[index] = replace(statement, speaker=neighbour.speaker)
    return filled


def _has_speaker(statement: Statement) -> bool:
    return statement.speaker is not None
