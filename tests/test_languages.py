"""Languages: which ones are analysed, with which components, and what happens to the rest."""

from __future__ import annotations

from dataclasses import replace

import pytest

from saywho.cli.app import build_parser
from saywho.languages import DEFAULT_LANGUAGES, ENGLISH, NEWS_LANGUAGES, setup_for
from saywho.ledger import build_ledger
from saywho.model import Article, Failure, RawDocument
from saywho.nlp import load_spacy
from saywho.pipeline import Pipeline

ENGLISH_TEXT = (
    "The opposition leader said on Monday that the election had been rigged, and "
    "called on her supporters to gather outside parliament."
)
GERMAN_TEXT = (
    "Die Oppositionsführerin sagte am Montag, die Wahl sei manipuliert worden, und rief "
    "ihre Anhänger auf, sich vor dem Parlament zu versammeln."
)
JAPANESE_TEXT = (
    "野党の党首は月曜日、選挙は不正に操作されたと述べ、支持者に議会の外に集まるよう呼びかけた。"
    "首相はこれを否定した。"
)


def test_the_languages_option_takes_known_codes_once() -> None:
    parser = build_parser()
    args = parser.parse_args(["analyze", "--languages", "en, DE,en,fr", "x.txt"])
    assert args.languages == ("en", "de", "fr")
    assert parser.parse_args(["analyze", "x.txt"]).languages == DEFAULT_LANGUAGES


@pytest.mark.parametrize("value", ["en,xx", "", " , "])
def test_the_languages_option_refuses_unknown_codes(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["analyze", "--languages", value, "x.txt"])
    assert "unknown language code" in capsys.readouterr().err


def test_every_news_language_has_a_setup() -> None:
    for code in NEWS_LANGUAGES:
        if code != ENGLISH:
            assert setup_for(code).measured  # the note a reader sees


def test_an_article_in_a_language_not_chosen_is_kept_with_a_note(pipeline: Pipeline) -> None:
    english_only = Pipeline(replace(pipeline.config, languages=(ENGLISH,)))
    article = english_only.analyze_text(GERMAN_TEXT)
    assert isinstance(article, Article) and article.document.language == "de"
    assert not article.statements and "--languages" in article.notes[0]


def test_a_language_spacy_cannot_tokenize_fails_alone(pipeline: Pipeline) -> None:
    with_japanese = Pipeline(replace(pipeline.config, languages=(ENGLISH, "ja")))
    results = list(
        with_japanese.analyze(
            [RawDocument("ja.txt", JAPANESE_TEXT), RawDocument("en.txt", ENGLISH_TEXT)]
        )
    )
    japanese, english = results
    assert isinstance(japanese, Failure) and "'ja'" in japanese.reason
    assert isinstance(english, Article) and english.statements


def test_blank_pipelines_split_sentences_at_marks_and_line_breaks() -> None:
    nlp = load_spacy("blank:fr")
    doc = nlp("Il a dit non. Elle a dit oui\nTitre suivant")
    assert [sentence.text for sentence in doc.sents] == [
        "Il a dit non.",
        "Elle a dit oui\n",
        "Titre suivant",
    ]


# The seed's question, asked of Russia's spokesman in the languages saywho reads.
DECLARED_NEUTRALITY = {
    "ru": "Пресс-секретарь президента России Дмитрий Песков заявил, что у Москвы нет фаворита "
    "на выборах в США между Камалой Харрис и Дональдом Трампом.",
    "de": "Kremlsprecher Dmitri Peskow sagte, Russland habe keinen Favoriten bei der Wahl "
    "zwischen Kamala Harris und Donald Trump.",
    "fr": "Le porte-parole du Kremlin, Dmitri Peskov, a déclaré que la Russie n'avait pas de "
    "favori entre Kamala Harris et Donald Trump.",
    "es": "El portavoz del Kremlin, Dmitri Peskov, dijo que Rusia no tiene favorito entre "
    "Kamala Harris y Donald Trump.",
    "cs": "Mluvčí Kremlu Dmitrij Peskov uvedl, že Rusko nemá ve volbách mezi demokraty a "
    "Donaldem Trumpem favorita.",
}


@pytest.mark.parametrize("language", sorted(DECLARED_NEUTRALITY))
def test_a_declared_neutrality_reaches_the_ledger_as_declared(
    pipeline: Pipeline, language: str
) -> None:
    analyzer = Pipeline(replace(pipeline.config, languages=(ENGLISH, language)))
    article = analyzer.analyze_text(DECLARED_NEUTRALITY[language])
    assert isinstance(article, Article)
    [statement] = article.statements
    assert statement.act == "denial"
    rows = build_ledger(article.statements, {e.name: e for e in article.entities})
    peskov = {row.target: row for row in rows if row.actor == "Dmitry Peskov"}
    assert "Donald Trump" in peskov
    for row in peskov.values():
        assert [e.polarity for e in row.declared] == ["neutral"] and row.expressed == []
