"""German attribution (``e5-de``), the quotation-mark baseline (``quotes``) and the
blank German pipeline, on sentences written for these tests."""

from __future__ import annotations

import pytest
import spacy
from statement_checks import offsets_checked, one_saying

from saywho.attribution import create_attributor
from saywho.attribution.candidates import Candidate
from saywho.attribution.german import MODEL_FILE, GermanAttributor
from saywho.attribution.minilm import TaggedSpan
from saywho.attribution.quotes import (
    CZECH,
    FRENCH,
    GERMAN,
    SPANISH,
    UKRAINIAN,
    Lexicon,
    assemble,
    kind_in,
    medium_and_act,
)
from saywho.entities.resolve import EntityIndex, Mention
from saywho.model import ConfigError, Entity, Statement
from saywho.neural.onnx_model import model_path
from saywho.nlp.german import load_german, person_names


def _german_model_shipped() -> bool:
    try:
        model_path(MODEL_FILE)
    except ConfigError:
        return False
    return True


# The learned German weights are not shipped until they beat the rule baseline
# (docs/models.md); the tests of the model run wherever they are.
needs_model = pytest.mark.skipif(
    not _german_model_shipped(), reason=f"{MODEL_FILE} is not shipped (docs/models.md)"
)
ATTRIBUTORS = ["quotes", pytest.param("e5-de", marks=needs_model)]


def _statements(attributor: str, text: str, language: str = "de") -> list[Statement]:
    if language == "de":
        doc = load_german()(text)
    else:
        nlp = spacy.blank(language)
        nlp.add_pipe("sentencizer")
        doc = nlp(text)
    statements = offsets_checked(text, create_attributor(attributor)(doc, EntityIndex()))
    assert [s.id for s in statements] == [f"s{i}" for i in range(1, len(statements) + 1)]
    return statements


def test_german_pipeline_splits_sentences_and_paragraphs() -> None:
    doc = load_german()("Dr. Müller kam am 5. Mai. Er blieb.\nNeuer Absatz ohne Punkt\nEnde.")
    sentences = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert sentences == [
        "Dr. Müller kam am 5. Mai.",
        "Er blieb.",
        "Neuer Absatz ohne Punkt",
        "Ende.",
    ]


@pytest.mark.parametrize("attributor", ATTRIBUTORS)
def test_direct_quotation_with_speaker_after_the_cue(attributor: str) -> None:
    statements = _statements(attributor, "„Wir werden nicht nachgeben“, sagte Scholz.")
    statement = one_saying(statements, "Wir werden nicht nachgeben")
    assert statement.speaker is not None and statement.speaker.text == "Scholz"
    assert statement.cue is not None and statement.cue.text == "sagte"
    assert statement.kind == "direct"
    assert statement.medium == "speech"


@pytest.mark.parametrize("attributor", ATTRIBUTORS)
def test_indirect_speech_in_the_subjunctive(attributor: str) -> None:
    text = "Die Regierung habe alle Fristen eingehalten, erklärte die Ministerin am Montag."
    statement = one_saying(_statements(attributor, text), "alle Fristen eingehalten")
    assert statement.kind == "indirect"
    assert statement.speaker is not None and "Ministerin" in statement.speaker.text
    assert statement.cue is not None and statement.cue.text.startswith("erklärte")


@needs_model
def test_learned_model_finds_speaker_before_colon_and_a_report_with_dass() -> None:
    text = (
        "Der Bürgermeister von Hamburg sagte am Dienstag, dass die Stadt neue Schulen "
        "bauen werde. Die Gewerkschaft erklärte: „Das reicht nicht, wir brauchen mehr "
        "Lehrerinnen und Lehrer.“"
    )
    statements = _statements("e5-de", text)
    report = one_saying(statements, "neue Schulen")
    assert report.speaker is not None and "Bürgermeister" in report.speaker.text
    quote = one_saying(statements, "Das reicht nicht")
    assert quote.kind == "direct"
    assert quote.speaker is not None and "Gewerkschaft" in quote.speaker.text


@pytest.mark.parametrize("attributor", ATTRIBUTORS)
def test_text_without_quotations_or_speech_has_no_statements(attributor: str) -> None:
    text = "Der Himmel über Berlin war am Sonntag blau. Viele Menschen gingen im Park spazieren."
    assert _statements(attributor, text) == []


def test_writing_cue_and_denial_act() -> None:
    written = one_saying(
        _statements("quotes", "„Die Zahlen sind eindeutig und alarmierend“, schrieb Merz."),
        "Zahlen",
    )
    assert written.medium == "writing"
    denied = one_saying(
        _statements("quotes", "„Das haben wir nie behauptet“, bestritt der Sprecher."),
        "nie behauptet",
    )
    assert denied.act == "denial"
    assert denied.speaker is not None and denied.speaker.text == "der Sprecher"


def test_cue_words_give_medium_and_act() -> None:
    assert medium_and_act("schrieb", "", GERMAN) == ("writing", "claim")
    assert medium_and_act("warf ihm vor", "", GERMAN) == ("speech", "accusation")
    assert medium_and_act("lobte", "", GERMAN) == ("speech", "praise")
    assert medium_and_act(None, "", GERMAN) == ("speech", "claim")


@pytest.mark.parametrize(
    ("content", "lexicon", "act"),
    [
        ("Russland habe keinen Favoriten bei der Wahl", GERMAN, "denial"),
        ("Moskau beobachte die Wahl genau", GERMAN, "claim"),
        ("Moskau habe sich nie eingemischt", GERMAN, "denial"),
        ("la Russie n'a pas de favori entre les deux candidats", FRENCH, "denial"),
        ("Rusia no tiene ningún candidato favorito", SPANISH, "denial"),
        ("Rusko nemá v amerických volbách favorita", CZECH, "denial"),
        ("Rusko nepodporuje žádného kandidáta", CZECH, "denial"),
        ("Росія не має фаворита на виборах", UKRAINIAN, "denial"),
        ("Rusko podporuje mír", CZECH, "claim"),
        ("die Wahl sei nicht fair gewesen", GERMAN, "claim"),
    ],
)
def test_a_denied_preference_in_the_content_is_a_denial(
    content: str, lexicon: Lexicon, act: str
) -> None:
    assert medium_and_act("sagte", content, lexicon)[1] == act


def test_quotation_mark_styles() -> None:
    for text in ("„Ja, gut.“", "»Ja, gut.«", "« Ja, gut. »", "“Ja, gut.”", '"Ja, gut."'):
        assert kind_in(text, 0, len(text)) == "direct", text
    assert kind_in("Er sei „völlig“ sicher", 0, 22) == "mixed"
    assert kind_in("Er sei sicher", 0, 13) == "indirect"


def test_quotation_without_speaker_takes_the_previous_speaker() -> None:
    text = "Merz sagte: „Wir sind bereit.“\n„Wir haben einen Plan für das Land.“"
    doc = load_german()(text)
    first = text.index("„Wir sind")
    second = text.index("„Wir haben")
    candidates = [
        Candidate(doc[0:1], None, None, [(first, text.index("\n"))], direct=True),
        Candidate(None, None, None, [(second, len(text))], direct=True),
    ]
    statements = assemble(doc, EntityIndex(), candidates, GERMAN)
    assert [s.speaker.text if s.speaker else None for s in statements] == ["Merz", "Merz"]


def test_french_and_spanish_quotations_with_the_baseline() -> None:
    french = _statements(
        "quotes", "« Nous ne céderons jamais sur ce point », a déclaré Macron.", "fr"
    )
    assert one_saying(french, "céderons").speaker is not None
    assert one_saying(french, "céderons").speaker.text == "Macron"  # type: ignore[union-attr]
    spanish = _statements("quotes", "«No vamos a ceder en este punto», dijo Sánchez.", "es")
    assert one_saying(spanish, "ceder").speaker.text == "Sánchez"  # type: ignore[union-attr]


def test_french_speakers_after_the_cue_reports_with_que_and_appositions() -> None:
    statements = _statements(
        "quotes",
        "« Ces chiffres sont faux », a déclaré la porte-parole du ministère, Anne Roux, "
        "lors d'un point de presse. Le député Paul Morel a affirmé que le vote serait "
        "annulé. Selon le ministre de l'Intérieur, Jean Vidal, des comptes ont menti. "
        "D'après lui, aucune fraude n'a eu lieu.",
        "fr",
    )
    speakers = {s.content_text: s.speaker.text if s.speaker else None for s in statements}
    assert speakers == {
        "Ces chiffres sont faux": "la porte-parole du ministère, Anne Roux",
        "le vote serait annulé": "Le député Paul Morel",
        "des comptes ont menti": "le ministre de l'Intérieur, Jean Vidal",
        "aucune fraude n'a eu lieu": "lui",
    }
    pronoun = one_saying(statements, "aucune fraude").speaker
    assert pronoun is not None and pronoun.entity == "Jean Vidal"


@pytest.mark.parametrize(
    ("text", "language", "content"),
    [
        (
            "Le porte-parole du Kremlin, Dmitri Peskov, a déclaré que le vote serait annulé.",
            "fr",
            "le vote serait annulé",
        ),
        (
            "El portavoz del Kremlin, Dmitri Peskov, dijo que el voto sería anulado.",
            "es",
            "el voto sería anulado",
        ),
    ],
)
def test_a_subject_with_its_name_in_apposition_before_a_cue_and_que(
    text: str, language: str, content: str
) -> None:
    # Not "…, dijo" closing a report: the clause after "que" is what was said.
    [statement] = _statements("quotes", text, language)
    assert statement.content_text == content
    assert statement.speaker is not None and statement.speaker.text == "Dmitri Peskov"


def test_speakers_named_by_capitals_are_people_of_the_article() -> None:
    nlp = spacy.blank("cs")
    nlp.add_pipe("sentencizer")
    text = (
        "Premiérka Jana Malá uvedla, že vláda volby nezpochybní.\n„Jsme zcela klidní,“ řekla Malá."
    )
    entities = EntityIndex()
    statements = create_attributor("quotes")(nlp(text), entities)
    assert [s.speaker.entity if s.speaker else None for s in statements] == ["Jana Malá"] * 2
    assert entities.entities["Jana Malá"].type == "PERSON"


class _FixedTagger:
    """Stands in for the MiniLM tagger: the spans a test says it found, so linking is
    tested apart from whatever weights ship."""

    def __init__(self, spans: dict[str, list[TaggedSpan]]) -> None:
        self.spans = spans

    def tag(self, text: str) -> _FixedTagger:
        return self


def _linked(
    text: str,
    tags: list[tuple[str, str]],
    weak: tuple[str, ...] = (),
    entities: EntityIndex | None = None,
) -> list[Statement]:
    """e5-de's statements for a text whose tagger found the given (role, words);
    words in ``weak`` were found with little confidence."""
    spans: dict[str, list[TaggedSpan]] = {"source": [], "cue": [], "content": []}
    for role, words in tags:
        start = text.index(words)
        confidence = 0.4 if words in weak else 0.9
        spans[role].append(TaggedSpan(start, start + len(words), confidence))
    attributor = GermanAttributor()
    attributor.__dict__["tagger"] = _FixedTagger(spans)
    return attributor(load_german()(text), entities or EntityIndex())


def _speaker_of(statements: list[Statement], phrase: str) -> str | None:
    speaker = one_saying(statements, phrase).speaker
    return None if speaker is None else speaker.text


def test_speaker_stands_by_the_speech_verb_not_the_nearest_cue_piece() -> None:
    text = (
        "Der Außenminister Peter Brandt erklärte Mitte Mai in Genf, "
        "dass die Gespräche gescheitert seien."
    )
    tags = [
        ("source", "Der Außenminister Peter Brandt"),
        ("cue", "erklärte"),
        ("cue", "Mitte"),
        ("source", "Mai in Genf"),
        ("content", "dass die Gespräche gescheitert seien"),
    ]
    assert _speaker_of(_linked(text, tags), "Gespräche") == "Der Außenminister Peter Brandt"


def test_separable_verb_particle_and_prepositional_source_are_passed_over() -> None:
    text = "Die Ministerin teilte über Twitter mit, dass die Schulen geschlossen bleiben."
    tags = [
        ("source", "Die Ministerin"),
        ("cue", "teilte"),
        ("source", "über"),
        ("cue", "mit"),
        ("content", "dass die Schulen geschlossen bleiben"),
    ]
    assert _speaker_of(_linked(text, tags), "Schulen") == "Die Ministerin"


def test_the_one_spoken_to_is_not_the_speaker() -> None:
    text = "Die Polizei wirft dem Fahrer vor, viel zu schnell gefahren zu sein."
    tags = [
        ("source", "Die Polizei"),
        ("cue", "wirft"),
        ("source", "dem Fahrer"),
        ("cue", "vor"),
        ("content", "viel zu schnell gefahren zu sein"),
    ]
    assert _speaker_of(_linked(text, tags), "schnell") == "Die Polizei"


def test_a_lone_adverb_the_tagger_doubted_is_not_the_speaker() -> None:
    text = "Insgesamt spricht die Feuerwehr von einer ruhigen Nacht in der Altstadt."
    tags = [
        ("source", "Insgesamt"),
        ("cue", "spricht"),
        ("source", "die Feuerwehr"),
        ("content", "von einer ruhigen Nacht in der Altstadt"),
    ]
    statements = _linked(text, tags, weak=("Insgesamt",))
    assert _speaker_of(statements, "ruhigen Nacht") == "die Feuerwehr"


def test_pronoun_after_the_verb_is_the_speaker_where_the_tagger_missed_it() -> None:
    text = "Die Pläne der Stadtverwaltung bezeichnete sie als „völlig unrealistisch und teuer“."
    tags = [
        ("source", "Die Pläne der Stadtverwaltung"),
        ("cue", "bezeichnete"),
        ("content", "„völlig unrealistisch und teuer“"),
    ]
    assert _speaker_of(_linked(text, tags), "unrealistisch") == "sie"


def test_name_beside_the_cue_where_the_tagger_found_no_source() -> None:
    text = "„Wir werden den Haushalt nicht mittragen“, so Schneider."
    tags = [("cue", "so"), ("content", "„Wir werden den Haushalt nicht mittragen“")]
    assert _speaker_of(_linked(text, tags), "Haushalt") == "Schneider"


def test_impersonal_reports_are_kept_without_a_speaker() -> None:
    text = (
        "Die Gespräche seien am Abend abgebrochen worden, hieß es. "
        "Es wird befürchtet, dass die Preise im Winter weiter steigen."
    )
    tags = [
        ("content", "Die Gespräche seien am Abend abgebrochen worden"),
        ("cue", "hieß es"),
        ("cue", "wird befürchtet"),
        ("content", "dass die Preise im Winter weiter steigen"),
    ]
    statements = _linked(text, tags)
    assert _speaker_of(statements, "abgebrochen") is None
    assert _speaker_of(statements, "Preise") is None
    assert all(s.kind == "indirect" for s in statements)


def test_a_document_or_an_agent_still_speaks_in_impersonal_reports() -> None:
    text = (
        "In einem Bericht der Kommission heißt es, die Frist sei zu knapp bemessen. "
        "Von der Opposition wird kritisiert, dass die Mittel nicht ausreichen."
    )
    tags = [
        ("source", "einem Bericht der Kommission"),
        ("cue", "heißt es"),
        ("content", "die Frist sei zu knapp bemessen"),
        ("source", "der Opposition"),
        ("cue", "wird kritisiert"),
        ("content", "dass die Mittel nicht ausreichen"),
    ]
    statements = _linked(text, tags)
    assert _speaker_of(statements, "Frist") == "einem Bericht der Kommission"
    assert _speaker_of(statements, "Mittel") == "der Opposition"


def test_pronoun_speaker_stands_for_theperson_named_before_it() -> None:
    text = (
        "Anna Berger leitet das Gesundheitsamt seit zwei Jahren. "
        "Am Montag sagte sie, die Reform komme viel zu spät."
    )
    entities = EntityIndex()
    entities.add(
        Mention(0, 2, 0, 11, "Anna Berger", "Anna Berger", "PERSON"),
        Entity(name="Anna Berger", type="PERSON"),
    )
    tags = [("cue", "sagte"), ("content", "die Reform komme viel zu spät")]
    speaker = one_saying(_linked(text, tags, entities=entities), "Reform").speaker
    assert speaker is not None and speaker.text == "sie"
    assert speaker.entity == "Anna Berger"


def test_aperson_named_in_a_speaker_phrase_becomes_the_speaker_entity() -> None:
    text = (
        "Bundesfamilienministerin Kristina Schröder (CDU) sagte, die Pläne seien gut. "
        "Sie könne sich vorstellen, dass viele Frauen kämen. "
        "„Das ist ein guter Anfang für alle“, so Schröder."
    )
    tags = [
        ("source", "Bundesfamilienministerin Kristina Schröder (CDU)"),
        ("cue", "sagte"),
        ("content", "die Pläne seien gut"),
        ("source", "Sie"),
        ("cue", "könne sich vorstellen"),
        ("content", "dass viele Frauen kämen"),
        ("content", "„Das ist ein guter Anfang für alle“"),
        ("cue", "so"),
        ("source", "Schröder"),
    ]
    entities = EntityIndex()
    statements = _linked(text, tags, entities=entities)
    speakers = [s.speaker.entity if s.speaker else None for s in statements]
    assert speakers == ["Kristina Schröder"] * 3
    assert entities.entities["Kristina Schröder"].type == "PERSON"


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("Slobodan Samardzic, der zuständige serbische Minister", "Slobodan Samardzic"),
        ("Mannheims oberster Bürgermeister Peter Kurz", "Peter Kurz"),
        ("US-Präsident George W. Bush", "George W. Bush"),
        ("Konzernchef Michael O’Leary", "Michael O’Leary"),
        ("Bundeskanzlerin Merkel", "Merkel"),
        ("John Sifton von Human Rights Watch", "John Sifton"),
        ("die Frankfurter Rundschau", None),
        ("Der Staatsanwalt", None),
        ("Internationale Wahlbeobachter", None),
        ("die Oppositionspartei Neue Mitte", None),
        ("Celebi im Kölner Stadt-Anzeiger", None),
    ],
)
def test_names_in_german_speaker_phrases(phrase: str, name: str | None) -> None:
    names = person_names(load_german()(phrase)[:])
    assert (names[0].text if names else None) == name


def test_running_german_text_names_only_people_a_title_introduces() -> None:
    doc = load_german()(
        "Außenminister Sergej Lawrow traf in der Stadt Haditha den Bürgermeister. "
        "Die Kosten lagen bei 20 Millionen Euro, sagte Lawrow. Jedes Jahr kommen Gäste."
    )
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Sergej Lawrow", "PERSON"),
        ("Lawrow", "PERSON"),
    ]


def test_a_few_reported_words_are_a_broken_off_piece_two_quoted_words_are_not() -> None:
    text = (
        "Laut der Polizei die Armee, die am Morgen eintraf. "
        "Der Minister bezeichnete die Vorwürfe als „völlig haltlos“."
    )
    tags = [
        ("cue", "Laut"),
        ("source", "der Polizei"),
        ("content", "die Armee,"),
        ("source", "Der Minister"),
        ("cue", "bezeichnete"),
        ("content", "„völlig haltlos“"),
    ]
    statements = _linked(text, tags)
    assert [s.content_text for s in statements] == ["„völlig haltlos“"]


def test_a_quotation_the_tagger_stopped_short_runs_to_its_closing_mark() -> None:
    text = (
        "„Wir haben lange verhandelt. Am Ende war es das Beste für alle“, "
        "erläuterte die Sprecherin des Verbandes."
    )
    tags = [
        ("content", "„Wir haben lange verhandelt"),
        ("cue", "erläuterte"),
        ("source", "die Sprecherin des Verbandes"),
    ]
    statement = one_saying(_linked(text, tags), "verhandelt")
    assert "das Beste für alle“" in statement.content_text
    assert statement.speaker is not None
    assert statement.speaker.text == "die Sprecherin des Verbandes"


def test_speaker_without_the_words_the_tagger_let_into_its_edges() -> None:
    text = (
        "Wie Regierungssprecher Paul Lenz mitteilte, bleibt das Bürgeramt bis Freitag geschlossen."
    )
    tags = [
        ("source", "Wie Regierungssprecher Paul Lenz"),
        ("cue", "mitteilte"),
        ("content", "bleibt das Bürgeramt bis Freitag geschlossen"),
    ]
    assert _speaker_of(_linked(text, tags), "Bürgeramt") == "Regierungssprecher Paul Lenz"


def test_a_report_going_on_in_the_subjunctive_keeps_its_speaker() -> None:
    text = (
        "Der Bürgermeister sagte, die Brücke werde im Mai fertig. "
        "Die Kosten seien deutlich gestiegen. Das Wetter war am Montag schlecht."
    )
    tags = [
        ("source", "Der Bürgermeister"),
        ("cue", "sagte"),
        ("content", "die Brücke werde im Mai fertig"),
        ("content", "Die Kosten seien deutlich gestiegen."),
        ("content", "Das Wetter war am Montag schlecht."),
    ]
    statements = _linked(text, tags, weak=("Das Wetter war am Montag schlecht.",))
    assert _speaker_of(statements, "Kosten") == "Der Bürgermeister"
    assert one_saying(statements, "Kosten").cue is None
    # A sentence in the indicative with no cue is the author's, not a report, unless
    # the tagger is sure of it.
    assert not [s for s in statements if "Wetter" in s.content[0].text]


def test_reported_words_the_tagger_is_sure_of_need_no_cue() -> None:
    text = "Die Gewerkschaft hält den Einsatz der Armee im Inneren für einen Irrweg."
    content = "den Einsatz der Armee im Inneren für einen Irrweg"
    tags = [("source", "Die Gewerkschaft"), ("content", content)]
    sure = one_saying(_linked(text, tags), "Irrweg")
    assert sure.cue is None and sure.speaker is not None
    assert sure.speaker.text == "Die Gewerkschaft"
    assert _linked(text, tags, weak=(content,)) == []


def test_a_report_in_the_subjunctive_after_a_narrated_one_is_its_subjects() -> None:
    text = (
        "Die Stadtreinigung äußerte Zweifel an der Darstellung. "
        "Für ein Jahr sei es rechtens, Abfälle dort zu lagern."
    )
    tags = [
        ("source", "Die Stadtreinigung"),
        ("content", "Für ein Jahr sei es rechtens, Abfälle dort zu lagern."),
    ]
    assert _speaker_of(_linked(text, tags), "rechtens") == "Die Stadtreinigung"


def test_a_subjunctive_sentence_no_one_was_reported_before_is_left_out() -> None:
    text = "Das Stadion war voll.\n\nDie Stimmung sei großartig gewesen."
    tags = [("content", "Die Stimmung sei großartig gewesen.")]
    assert _linked(text, tags) == []


def test_nach_is_a_cue_only_before_a_report_noun() -> None:
    reported = "Nach Angaben der Polizei wurden drei Menschen verletzt."
    tags = [
        ("cue", "Nach"),
        ("source", "Angaben der Polizei"),
        ("content", "wurden drei Menschen verletzt"),
    ]
    assert _speaker_of(_linked(reported, tags), "verletzt") == "Angaben der Polizei"
    after = "Nach dem Scheitern des Antrags zog die Partei ihre Unterstützung zurück."
    tags = [
        ("cue", "Nach"),
        ("source", "dem Scheitern des Antrags"),
        ("content", "zog die Partei ihre Unterstützung zurück"),
    ]
    assert _linked(after, tags, weak=("zog die Partei ihre Unterstützung zurück",)) == []
