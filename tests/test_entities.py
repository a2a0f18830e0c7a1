"""Entities and their canonical names, on sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Span

from saywho.attribution.gender import person_genders
from saywho.entities.kb import load_knowledge_base, normalize_name
from saywho.model import Article, ConfigError
from saywho.pipeline import Pipeline


def _entities(pipeline: Pipeline, text: str) -> dict[str, list[str]]:
    article = pipeline.analyze_text(text)
    assert isinstance(article, Article)
    return {e.name: [m.text for m in e.mentions] for e in article.entities}


def test_metonyms_roles_and_surnames_resolve(pipeline: Pipeline) -> None:
    found = _entities(
        pipeline,
        "The Kremlin said on Monday that talks had stalled. Moscow blamed Washington. "
        "Sergei Lavrov spoke next; Lavrov, the head of Russian diplomacy, was firm. "
        "The Russian leader stayed silent, and the Trump administration did not comment.",
    )
    assert {"Kremlin", "Moscow"} <= set(found["Russia"])
    assert "Washington" in found["United States"]
    assert {"Sergei Lavrov", "Lavrov", "head of Russian diplomacy"} <= set(found["Sergei Lavrov"])
    assert "Russian leader" in found["Vladimir Putin"]
    assert "Trump administration" in found["Donald Trump"]


def test_surname_links_to_full_name_used_in_article(pipeline: Pipeline) -> None:
    found = _entities(
        pipeline, "Maria Okonkwo, a city councillor, spoke first. Later Okonkwo said she would run."
    )
    assert (
        found["Maria Okonkwo"] == ["Maria Okonkwo", "Okonkwo"]
        or "Okonkwo" in found["Maria Okonkwo"]
    )
    assert "Okonkwo" not in found


def test_words_run_into_a_name_are_not_part_of_it(pipeline: Pipeline) -> None:
    found = _entities(
        pipeline,
        "Colonel Alexander Vindman testified on Tuesday.\n\n"
        "4. Questioning Vindman's judgment\n\n"
        "Republican counsel asked about Vindman. In the results table, Megan Cook 4 and "
        "Aiden Haig 1 goal came first.",
    )
    assert "Questioning Vindman" not in found
    assert {"Alexander Vindman", "Vindman"} <= set(found["Alexander Vindman"])
    assert {"Megan Cook", "Aiden Haig"} <= set(found)
    assert not [name for name in found if any(c.isdigit() for c in name)]


def test_a_person_called_by_a_given_name_is_the_one_who_has_it(pipeline: Pipeline) -> None:
    found = _entities(
        pipeline,
        "Mike Okafor runs the farm with his sister Anna Okafor. Mike said the harvest was "
        "poor, and Anna agreed.",
    )
    assert "Mike" in found["Mike Okafor"] and "Anna" in found["Anna Okafor"]
    # A given name that is also someone's surname in the article stays apart.
    shared = _entities(
        pipeline, "Jordan Weiss met Ellen Jordan on Monday. Later Jordan said nothing."
    )
    assert "Jordan" not in shared.get("Jordan Weiss", [])


def test_hyphenated_compounds_split_into_known_actors(pipeline: Pipeline) -> None:
    found = _entities(pipeline, "The Trump-Putin summit strained Russian-American ties further.")
    assert "Trump-Putin" not in found and "Russian-American" not in found
    assert "Vladimir Putin" in found and "Donald Trump" in found


def test_case_matters_for_short_aliases(pipeline: Pipeline) -> None:
    found = _entities(pipeline, "Let us hope the US delegation arrives on time.")
    assert found.get("United States") == ["US"]


def test_a_person_rolls_up_to_a_state_only_through_a_role(pipeline: Pipeline) -> None:
    article = pipeline.analyze_text(
        "Chinese Foreign Ministry spokesperson Lin Wen said that China opposes the tariffs. "
        "Microsoft said that it had found a new network of fake accounts."
    )
    assert isinstance(article, Article)
    by_name = {e.name: e for e in article.entities}
    assert by_name["Lin Wen"].speaks_for == "China"
    assert by_name["Microsoft"].speaks_for is None


def test_a_contested_office_is_no_actor(pipeline: Pipeline) -> None:
    found = _entities(
        pipeline,
        "Moscow has no favourite in the race for the White House, the Kremlin said. "
        "The White House said on Monday that the senator's bid for the Kremlin had failed. "
        "Both contenders for the White House want to be the next tenant of the Kremlin.",
    )
    # The institution that spoke, once: the government it stands for (docs/annotation.md).
    assert found["United States"] == ["White House"]
    assert found["Russia"] == ["Moscow", "Kremlin"]


def test_common_nouns_the_ner_model_tags_name_no_one(pipeline: Pipeline) -> None:
    doc = pipeline.english.nlp("Yesterday another witness in the case spoke to Maria Okonkwo.")
    doc.ents = [Span(doc, 1, 5, label="PERSON"), Span(doc, 8, 10, label="PERSON")]
    names = [entity.name for entity in pipeline.english.resolve_entities(doc).ordered_entities()]
    assert names == ["Maria Okonkwo"]


def test_a_name_the_text_shows_to_be_a_person_is_one(pipeline: Pipeline) -> None:
    doc = pipeline.english.nlp(
        "Marco Duarte leads the fund. The plan was added by Duarte, who is new."
    )
    doc.ents = [Span(doc, 0, 2, label="ORG"), Span(doc, 11, 12, label="GPE")]
    entities = pipeline.english.resolve_entities(doc)
    assert {name: e.type for name, e in entities.entities.items()} == {"Marco Duarte": "PERSON"}
    assert [m.text for m in entities.entities["Marco Duarte"].mentions] == [
        "Marco Duarte",
        "Duarte",
    ]


def test_an_institution_or_a_body_written_like_a_person_is_none(pipeline: Pipeline) -> None:
    doc = pipeline.english.nlp(
        "It is a White House who has no plan. Astronauts will return to the Moon."
    )
    doc.ents = [Span(doc, 3, 5, label="ORG"), Span(doc, 15, 16, label="PERSON")]
    entities = pipeline.english.resolve_entities(doc)
    assert {name: e.type for name, e in entities.entities.items()} == {"United States": "GPE"}


def test_normalize_name_ignores_articles_case_and_possessives() -> None:
    assert normalize_name("the  Kremlin’s") == "kremlin"
    assert normalize_name("The White House") == "white house"


def test_user_knowledge_base_adds_and_replaces(tmp_path: Path) -> None:
    extra = tmp_path / "actors.yaml"
    extra.write_text(
        "- name: RT\n  type: media\n  speaks_for: Russia\n  state_controlled: true\n"
        "- name: Example Daily\n  type: media\n  speaks_for: Russia\n"
        "- name: Ana Pérez\n  type: person\n  speaks_for: Spain\n"
        "  roles: [Spanish Foreign Minister]\n",
        "utf-8",
    )
    kb = load_knowledge_base([extra])
    assert kb.state_of("RT") == "Russia"  # declared state-controlled
    assert kb.state_of("Example Daily") is None  # an outlet never rolls up otherwise
    assert kb.lookup("the Spanish Foreign Minister") is not None
    assert kb.lookup("Kremlin") is not None  # the shipped entries stay


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("- type: person\n", "needs a 'name'"),
        ("- name: X\n  type: robot\n", "type must be one of"),
        ("- name: X\n  aliases: Y\n", "must be a list of strings"),
    ],
)
def test_bad_knowledge_base_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_knowledge_base([path])


def test_an_acronym_joins_the_pieces_of_the_name_it_spells(pipeline: Pipeline) -> None:
    doc = pipeline.english.nlp(
        "Food and Drug Administration staff met on Monday. Later FDA said it had no data."
    )
    # The entity model split the full name in two.
    doc.ents = [
        Span(doc, 0, 1, label="ORG"),
        Span(doc, 2, 4, label="ORG"),
        Span(doc, 10, 11, label="ORG"),
    ]
    entities = pipeline.english.resolve_entities(doc)
    names = {m.text: m.entity for m in entities.mentions}
    assert names == {
        "Food and Drug Administration": "Food and Drug Administration",
        "FDA": "Food and Drug Administration",
    }


def test_capitalised_words_that_spell_an_acronym_are_not_merged_alone(
    pipeline: Pipeline,
) -> None:
    doc = pipeline.english.nlp("After President Lee spoke, AP said the vote was close.")
    doc.ents = [Span(doc, 2, 3, label="PERSON"), Span(doc, 5, 6, label="ORG")]
    entities = pipeline.english.resolve_entities(doc)
    assert "After President" not in entities.entities


def test_a_name_with_a_line_break_in_its_span_still_gives_its_surname(
    pipeline: Pipeline,
) -> None:
    doc = pipeline.english.nlp(
        "Julian Brandt spoke. Critics named Julian Brandt\nBrandt denied it."
    )
    newline = next(t.i for t in doc if t.text == "\n")
    # The entity model took the line break into the second name.
    doc.ents = [
        Span(doc, 0, 2, label="PERSON"),
        Span(doc, newline - 2, newline + 1, label="PERSON"),
        Span(doc, newline + 1, newline + 2, label="PERSON"),
    ]
    entities = pipeline.english.resolve_entities(doc)
    assert {m.entity for m in entities.mentions} == {"Julian Brandt"}


def test_a_pronoun_about_someone_else_gives_no_gender(pipeline: Pipeline) -> None:
    doc = pipeline.english.nlp(
        "A man admitted that he had threatened Anna Weiss. Anna Weiss said she was not afraid."
    )
    entities = pipeline.english.resolve_entities(doc)
    assert person_genders(doc, entities).get("Anna Weiss") == "female"
