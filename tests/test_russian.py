"""The Russian pipeline (``saywho.nlp.russian``) and its attributor (``rules-ru``), on
sentences written for these tests."""

from __future__ import annotations

import pytest
from spacy.language import Language
from statement_checks import offsets_checked, one_saying

from saywho.attribution import create_attributor
from saywho.entities.kb import Actor, KnowledgeBase
from saywho.entities.resolve import EntityResolver
from saywho.model import Statement
from saywho.nlp import normal_form
from saywho.nlp.russian import _tree, load_russian, nominative


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_russian()


@pytest.fixture(scope="module")
def resolver(nlp: Language) -> EntityResolver:
    """A knowledge base of its own, so the tests do not follow edits of actors.yaml."""
    kb = KnowledgeBase()
    kb.add(Actor("Dmitry Peskov", "person", aliases=("Дмитрий Песков", "Песков")))
    kb.add(Actor("Maria Zakharova", "person", aliases=("Мария Захарова", "Захарова")))
    return EntityResolver(nlp, kb)


def _statements(nlp: Language, resolver: EntityResolver, text: str) -> list[Statement]:
    doc = nlp(text)
    return offsets_checked(text, create_attributor("rules-ru")(doc, resolver(doc)))


# --- the Doc ---------------------------------------------------------------


def test_doc_text_is_the_input_and_line_breaks_end_sentences(nlp: Language) -> None:
    text = "  Москва  ответила.\n\nВашингтон\tмолчит \nпока"
    doc = nlp(text)
    assert doc.text == text
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences == ["Москва  ответила.", "Вашингтон\tмолчит", "пока"]


def test_pipe_batches_give_the_same_docs(nlp: Language) -> None:
    texts = ["Песков заявил, что встреча состоится.", "", "Захарова ответила журналистам."]
    piped = list(nlp.pipe(texts, batch_size=2))
    assert [d.text for d in piped] == texts
    for doc, text in zip(piped, texts, strict=True):
        single = nlp(text)
        assert [(t.lemma_, t.dep_, t.head.i) for t in doc] == [
            (t.lemma_, t.dep_, t.head.i) for t in single
        ]


def test_morphology_parse_and_entities(nlp: Language) -> None:
    doc = nlp("Вчера Дмитрий Песков заявил, что Россия готова к переговорам.")
    verb = next(t for t in doc if t.text == "заявил")
    assert (verb.pos_, verb.lemma_) == ("VERB", "заявить")
    assert verb.morph.get("Gender", []) == ["Masc"]
    subject = next(c for c in verb.children if c.dep_ == "nsubj")
    assert [t.text for t in subject.subtree] == ["Дмитрий", "Песков"]
    assert {(e.text, e.label_) for e in doc.ents} >= {
        ("Дмитрий Песков", "PERSON"),
        ("Россия", "GPE"),
    }


def test_normal_form_puts_names_in_the_nominative(nlp: Language) -> None:
    doc = nlp("Встреча Сергея Лаврова и Марии Захаровой с представителями Белого дома.")
    spans = {doc[i : i + 2].text: nominative(doc[i : i + 2]) for i in range(len(doc) - 1)}
    assert spans["Сергея Лаврова"] == "Сергей Лавров"
    assert spans["Марии Захаровой"] == "Мария Захарова"  # a woman's surname stays hers
    assert spans["Белого дома"] == "Белый дом"
    # The entity resolver reads it off each entity (saywho.nlp.normal_form).
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    assert [normal_form(e) for e in persons] == ["Сергей Лавров", "Мария Захарова"]


def test_a_parse_with_cycles_or_two_roots_becomes_one_tree() -> None:
    assert _tree([1, 0, 1]) == [1, 1, 1]  # no root: the cycle's word most words hang on
    assert _tree([-1, 0, -1, 2]) == [0, 0, 0, 2]  # a second root hangs on the first
    assert _tree([-1, 2, 1]) == [0, 2, 0]  # the word closing a cycle hangs on the root


# --- attribution -----------------------------------------------------------


def test_quotation_before_its_cue_is_a_direct_denial(
    nlp: Language, resolver: EntityResolver
) -> None:
    statement = one_saying(
        _statements(nlp, resolver, "«Россия не вмешивается в выборы в США», — заявил Песков."),
        "не вмешивается",
    )
    assert statement.content_text == "Россия не вмешивается в выборы в США"
    assert statement.speaker and statement.speaker.text == "Песков"
    assert statement.speaker.entity == "Dmitry Peskov"
    assert statement.cue and statement.cue.text == "заявил"
    assert statement.cue_lemma == "заявить"
    assert (statement.kind, statement.medium, statement.act) == ("direct", "speech", "denial")


def test_dialogue_line_goes_on_after_its_cue(nlp: Language, resolver: EntityResolver) -> None:
    text = "— Мы готовы к диалогу, — сказал Песков. — Но не на любых условиях."
    statement = one_saying(_statements(nlp, resolver, text), "готовы к диалогу")
    assert [p.text for p in statement.content] == ["Мы готовы к диалогу", "Но не на любых условиях"]
    assert statement.kind == "direct"
    assert statement.speaker and statement.speaker.entity == "Dmitry Peskov"


def test_reported_clause_and_pronoun_of_the_speakers_gender(
    nlp: Language, resolver: EntityResolver
) -> None:
    text = (
        "Дмитрий Песков встретился с Марией Захаровой в Москве. "
        "Она отметила, что переговоры продолжатся. Он добавил, что санкции не помогут."
    )
    statements = _statements(nlp, resolver, text)
    hers = one_saying(statements, "переговоры продолжатся")
    assert hers.speaker and (hers.speaker.text, hers.speaker.entity) == ("Она", "Maria Zakharova")
    assert hers.kind == "indirect"
    assert hers.content_text == "переговоры продолжатся"  # "что" introduces, it is not said
    his = one_saying(statements, "санкции не помогут")
    assert his.speaker and his.speaker.entity == "Dmitry Peskov"


def test_aside_colon_and_by_name_quotations(nlp: Language, resolver: EntityResolver) -> None:
    text = (
        "По словам Захаровой, визит состоится в мае. Песков: «Мы ждём ответа». "
        "Как сообщил Песков, делегация уже в пути."
    )
    statements = _statements(nlp, resolver, text)
    aside = one_saying(statements, "визит состоится в мае")
    assert aside.cue and aside.cue.text == "По словам"
    assert aside.speaker and aside.speaker.text == "Захаровой"
    assert aside.kind == "indirect"
    colon = one_saying(statements, "Мы ждём ответа")
    assert colon.speaker and colon.speaker.entity == "Dmitry Peskov"
    assert (colon.cue, colon.kind) == (None, "direct")
    reported = one_saying(statements, "делегация уже в пути")
    assert reported.cue and reported.cue.text == "сообщил"


def test_quotation_after_a_colon_and_an_addressee(nlp: Language, resolver: EntityResolver) -> None:
    """slovnet often parses the quotation as a second root: it becomes the cue's clause."""
    text = "Песков заявил журналистам: «Цены уже снизились, и это не предел»."
    statement = one_saying(_statements(nlp, resolver, text), "Цены уже снизились")
    assert statement.content_text == "Цены уже снизились, и это не предел"
    assert statement.kind == "direct"
    assert statement.speaker and statement.speaker.entity == "Dmitry Peskov"


@pytest.mark.parametrize(
    ("text", "phrase", "medium", "act"),
    [
        ("Захарова написала, что визит отменён.", "визит отменён", "writing", "claim"),
        ("Песков считает, что кризис скоро закончится.", "кризис", "thought", "claim"),
        ("Песков обвинил Вашингтон во вмешательстве.", "Вашингтон", "speech", "accusation"),
        ("Захарова опровергла сообщения о переговорах.", "сообщения", "speech", "denial"),
        (
            "Захарова заявила, что Киев распространяет дезинформацию.",
            "Киев",
            "speech",
            "accusation",
        ),
    ],
)
def test_medium_and_act_from_the_cue_and_content(
    nlp: Language, resolver: EntityResolver, text: str, phrase: str, medium: str, act: str
) -> None:
    statement = one_saying(_statements(nlp, resolver, text), phrase)
    assert (statement.medium, statement.act) == (medium, act)


@pytest.mark.parametrize(
    "text",
    [
        "Песков не заявлял, что переговоры сорваны.",
        "Захарова не стала комментировать слухи.",
        "Стороны обсудили вопросы торговли и безопасности.",
    ],
)
def test_no_statement_where_nothing_was_said(
    nlp: Language, resolver: EntityResolver, text: str
) -> None:
    assert _statements(nlp, resolver, text) == []


def test_a_pronoun_follows_the_last_speaker_before_a_name_in_passing(nlp: Language) -> None:
    kb = KnowledgeBase()
    kb.add(Actor("Sergei Lavrov", "person", aliases=("Сергей Лавров", "Лавров")))
    kb.add(Actor("Joe Biden", "person", aliases=("Джо Байден", "Байден")))
    resolver = EntityResolver(nlp, kb)
    text = (
        "Сергей Лавров обвинил администрацию Байдена в ухудшении отношений. "
        "По его словам, диалог разрушен."
    )
    statement = one_saying(_statements(nlp, resolver, text), "диалог разрушен")
    assert statement.speaker and statement.speaker.entity == "Sergei Lavrov"


def test_a_title_resolves_to_the_person_the_article_gives_it(
    nlp: Language, resolver: EntityResolver
) -> None:
    text = (
        "Министр обороны Молдавии Павел Сомов прибыл в Минск. "
        "Министр обороны Молдавии заявил, что учения завершены. "
        "Официальный представитель МИД России Мария Захарова выступила на брифинге. "
        "По словам дипломата, переговоры продолжатся."
    )
    statements = _statements(nlp, resolver, text)
    minister = one_saying(statements, "учения завершены")
    assert minister.speaker and minister.speaker.entity == "Павел Сомов"
    diplomat = one_saying(statements, "переговоры продолжатся")
    assert diplomat.speaker and diplomat.speaker.entity == "Maria Zakharova"


def test_a_title_with_no_holder_named_stays_the_states_voice(
    nlp: Language, resolver: EntityResolver
) -> None:
    statements = _statements(nlp, resolver, "Президент Франции заявил, что учения завершены.")
    speaker = one_saying(statements, "учения завершены").speaker
    assert speaker and speaker.text == "Президент Франции" and speaker.entity != "Maria Zakharova"


def _said(statements: list[Statement]) -> list[tuple[str | None, str | None, str]]:
    return [
        (s.speaker.text if s.speaker else None, s.cue.text if s.cue else None, s.content_text)
        for s in statements
    ]


def test_a_subject_the_parser_hung_elsewhere_still_speaks(
    nlp: Language, resolver: EntityResolver
) -> None:
    text = (
        "Также на заседании Председатель Городского Совета Иван Петров заявил, что в "
        "скором времени будет объявлен новый конкурс."
    )
    speaker, cue, content = _said(_statements(nlp, resolver, text))[0]
    assert speaker == "Председатель Городского Совета Иван Петров" and cue == "заявил"
    assert content.endswith("будет объявлен новый конкурс")


def test_a_participle_is_not_the_speaker_nor_a_converb_the_cue_of_its_clause(
    nlp: Language, resolver: EntityResolver
) -> None:
    quoted = "«Мы не отступим», — сказал поддерживающий мэра депутат Олег Смирнов."
    assert _said(_statements(nlp, resolver, quoted)) == [
        ("депутат Олег Смирнов", "сказал", "Мы не отступим")
    ]
    colon = "Министр Олег Смирнов сообщил, что строительство моста завершится весной, пояснив:"
    assert [cue for _, cue, _ in _said(_statements(nlp, resolver, colon))] == ["сообщил"]


def test_a_verb_joined_to_the_cue_has_its_speaker_not_the_quotations(
    nlp: Language, resolver: EntityResolver
) -> None:
    text = (
        "«Мы благодарны всем жителям города», — сказал Смирнов и поблагодарил волонтёров за помощь."
    )
    assert _said(_statements(nlp, resolver, text)) == [
        ("Смирнов", "сказал", "Мы благодарны всем жителям города"),
        ("Смирнов", "поблагодарил", "волонтёров за помощь"),
    ]


def test_the_authors_first_person_aside_is_no_statement(
    nlp: Language, resolver: EntityResolver
) -> None:
    text = "Напомним, что в прошлом году мэр назвал проект «стройкой века»."
    # The mayor's words are reported; "Напомним" is the author speaking.
    assert [(speaker, cue) for speaker, cue, _ in _said(_statements(nlp, resolver, text))] == [
        ("мэр", "назвал")
    ]
