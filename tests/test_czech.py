"""Czech (and Ukrainian, on request) through the quotation-mark and cue-word
attributor (``quotes``), on our own sentences: reported clauses, "podle X" phrases,
titles before names, pro-drop cues."""

from __future__ import annotations

from statement_checks import offsets_checked, one_saying

from saywho.attribution import create_attributor
from saywho.entities.kb import load_knowledge_base
from saywho.entities.resolve import EntityResolver
from saywho.languages import DEFAULT_LANGUAGES, setup_for
from saywho.model import Statement
from saywho.nlp import load_spacy


def _statements(text: str, language: str = "cs") -> list[Statement]:
    """What ``saywho analyze`` attributes in ``text`` of ``language``."""
    setup = setup_for(language)
    nlp = load_spacy(setup.spacy_model)
    doc = nlp(text)
    entities = EntityResolver(nlp, load_knowledge_base())(doc)
    return offsets_checked(text, create_attributor(setup.attributor)(doc, entities))


def test_czech_is_analysed_by_default() -> None:
    assert "cs" in DEFAULT_LANGUAGES


def test_a_reported_clause_leaves_out_its_complementizer_and_keeps_the_title() -> None:
    text = "Ministr zdravotnictví Jan Kovář uvedl, že nemocnice mají dost lůžek."
    statement = one_saying(_statements(text), "nemocnice mají dost lůžek")
    assert statement.content_text == "nemocnice mají dost lůžek"
    assert statement.speaker and statement.speaker.text == "Ministr zdravotnictví Jan Kovář"
    assert statement.kind == "indirect"


def test_an_object_between_cue_and_clause_is_not_the_speaker() -> None:
    text = "Starostka Věra Malá obvinila radní, že zdržují stavbu mostu."
    statement = one_saying(_statements(text), "zdržují stavbu mostu")
    assert statement.speaker and statement.speaker.text == "Starostka Věra Malá"
    assert statement.act == "accusation"


def test_a_source_phrase_needs_no_comma() -> None:
    text = (
        "Podle krajského hejtmana Ivana Berana se silnice otevře v květnu. "
        "Podle Putina je spolupráce „na dobré cestě“. "
        "Řidiči by podle něj měli počítat se zdržením."
    )
    statements = _statements(text)
    hejtman = one_saying(statements, "silnice otevře v květnu")
    assert hejtman.speaker and hejtman.speaker.text == "krajského hejtmana Ivana Berana"
    putin = one_saying(statements, "spolupráce")
    assert putin.speaker and putin.speaker.entity == "Vladimir Putin"
    assert putin.kind == "mixed"
    drivers = one_saying(statements, "počítat se zdržením")
    assert [p.text for p in drivers.content] == ["Řidiči by", "měli počítat se zdržením"]
    assert drivers.speaker and drivers.speaker.text == "něj"


def test_a_quotation_after_a_full_stop_is_its_own_sentence_and_keeps_the_speaker() -> None:
    text = (
        "Mluvčí Kremlu Dmitrij Peskov uvedl, že jednání budou pokračovat i v příštím týdnu. "
        "„Nikam nespěcháme a nic neslibujeme,“ dodal."
    )
    statements = _statements(text)
    assert len(statements) == 2
    quotation = one_saying(statements, "Nikam nespěcháme")
    assert quotation.kind == "direct"
    assert quotation.content_text == "Nikam nespěcháme a nic neslibujeme,"  # not its marks
    # A person before the place in the speaker's phrase: Peskov, not the Kremlin.
    assert quotation.speaker and quotation.speaker.entity == "Dmitry Peskov"


def test_actions_are_not_statements() -> None:
    text = "Senát ve čtvrtek schválil novelu zákona. Hlasovalo pro ni 50 senátorů."
    assert _statements(text) == []


def test_an_agency_or_a_channel_beside_the_cue_is_not_the_speaker() -> None:
    text = (
        "„Most otevřeme ještě letos v létě,“ řekl ČTK starosta Karel Vondra. "
        "Radní Eva Šindelářová pro Deník Jih uvedla, že peníze jsou připravené."
    )
    statements = _statements(text)
    mayor = one_saying(statements, "Most otevřeme")
    assert mayor.speaker and mayor.speaker.text == "starosta Karel Vondra"
    councillor = one_saying(statements, "peníze jsou připravené")
    assert councillor.speaker and councillor.speaker.text == "Radní Eva Šindelářová"


def test_ukrainian_on_request_reads_its_cue_words_and_source_phrases() -> None:
    text = (
        "Міністр освіти Олена Ткач заявила, що навчання почнеться вчасно. "
        "За словами речника Кремля Дмитра Пєскова, Москва не втручається у вибори."
    )
    statements = _statements(text, "uk")
    minister = one_saying(statements, "навчання почнеться вчасно")
    assert minister.speaker and minister.speaker.text == "Міністр освіти Олена Ткач"
    assert minister.content_text == "навчання почнеться вчасно"
    spokesman = one_saying(statements, "Москва не втручається")
    assert spokesman.speaker and spokesman.speaker.entity == "Dmitry Peskov"
