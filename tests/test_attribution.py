"""Rule-based attribution (``--attributor rules``) on sentences written for these tests."""

from __future__ import annotations

import pytest
from spacy.tokens import Span
from statement_checks import offsets_checked, one_saying

from saywho.attribution.speakers import resolve_speaker
from saywho.config import PipelineConfig
from saywho.model import Article, Statement
from saywho.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    """These tests pin down the parse-based rules (``--attributor rules``)."""
    return Pipeline(PipelineConfig(attributor="rules", stance_model="lexicon"))


def _statements(pipeline: Pipeline, text: str) -> list[Statement]:
    article = pipeline.analyze_text(text)
    assert isinstance(article, Article)
    assert len({s.id for s in article.statements}) == len(article.statements)
    return offsets_checked(article.document.text, article.statements)


def test_indirect_statement_with_verb_cue(pipeline: Pipeline) -> None:
    statement = one_saying(
        _statements(pipeline, "Vladimir Putin said that the talks with Ukraine had failed."),
        "talks with Ukraine",
    )
    assert statement.speaker and statement.speaker.entity == "Vladimir Putin"
    assert statement.cue and statement.cue.text == "said"
    assert statement.kind == "indirect"


def test_direct_quote_before_cue_and_pronoun_speaker(pipeline: Pipeline) -> None:
    statements = _statements(
        pipeline,
        "Dmitry Peskov met reporters in Moscow. "
        '"We will not take sides in this election," he said.',
    )
    statement = one_saying(statements, "not take sides")
    assert statement.speaker and statement.speaker.text == "he"
    assert statement.speaker.entity == "Dmitry Peskov"
    assert statement.kind == "direct"
    assert statement.act == "denial"


def test_pronoun_refers_back_to_an_official_who_speaks_for_a_state(pipeline: Pipeline) -> None:
    statements = _statements(
        pipeline,
        "The French Foreign Minister warned on Monday that the vote could be disrupted. "
        '"We have seen this before," she said.',
    )
    statement = one_saying(statements, "seen this before")
    assert statement.speaker and statement.speaker.text == "she"
    assert statement.speaker.entity == "France"
    # Only a person's role carries "she": a state's ministry is an "it".
    ministry = _statements(
        pipeline,
        'The French Foreign Ministry issued a statement. "We have seen this before," she said.',
    )
    speaker = one_saying(ministry, "seen this before").speaker
    assert speaker is not None and speaker.entity is None


def test_mixed_statement_has_a_quoted_fragment(pipeline: Pipeline) -> None:
    statement = one_saying(
        _statements(pipeline, 'Joe Biden said the attack was "a disgrace to the nation."'),
        "disgrace",
    )
    assert statement.kind == "mixed"
    assert statement.act == "criticism"


def test_according_to(pipeline: Pipeline) -> None:
    statement = one_saying(
        _statements(
            pipeline, "According to Microsoft, the network targeted voters in three states."
        ),
        "network targeted voters",
    )
    assert statement.speaker and statement.speaker.entity == "Microsoft"
    assert statement.cue and statement.cue.text == "According to"


def test_noun_cue_with_agent_and_content(pipeline: Pipeline) -> None:
    statement = one_saying(
        _statements(
            pipeline,
            "Officials were alarmed by the revelation, by Microsoft, of covert operations "
            "aimed at the campaign.",
        ),
        "covert operations",
    )
    assert statement.speaker and statement.speaker.entity == "Microsoft"
    assert statement.act == "accusation"


def test_colon_block_quote_and_signature(pipeline: Pipeline) -> None:
    text = (
        "Asked about the vote, Sergei Lavrov was blunt:\n\n"
        "Washington has always treated our country as an enemy.\n\n"
        "– Sergei Lavrov, Russian Foreign Minister\n\n"
        "The ministry published the interview later.\n"
    )
    statement = one_saying(_statements(pipeline, text), "treated our country")
    assert statement.speaker and statement.speaker.entity == "Sergei Lavrov"
    assert statement.kind == "direct"


def test_signature_alone_attributes_the_paragraph_above(pipeline: Pipeline) -> None:
    text = (
        "We do not interfere in other countries' elections.\n\n— Dmitry Peskov, Kremlin spokesman\n"
    )
    statement = one_saying(_statements(pipeline, text), "do not interfere")
    assert statement.speaker and statement.speaker.entity == "Dmitry Peskov"
    assert statement.cue is None and statement.kind == "direct"


def test_colon_before_a_list_is_not_a_quote(pipeline: Pipeline) -> None:
    statements = _statements(
        pipeline, "The summit faces many issues:\n\n  • Trade\n  • Energy prices\n  • Migration\n"
    )
    assert statements == []


@pytest.mark.parametrize(
    "text",
    [
        "And he secretly hopes, without necessarily proclaiming it loud and clear, for a "
        "friendlier president in Washington.",
        "Vladimir Putin seems above all to be waiting to see what the next president will do.",
        "A closeness that the Russian leader has not denied in public.",
    ],
    ids=["author-speculation", "author-inference", "negated-cue"],
)
def test_no_statement_where_nobody_said_anything(pipeline: Pipeline, text: str) -> None:
    assert _statements(pipeline, text) == []


def test_participle_cue_takes_the_subject_of_its_clause(pipeline: Pipeline) -> None:
    statements = _statements(
        pipeline,
        "The head of Russian diplomacy went further, estimating that relations with Washington "
        "had never been so tense.",
    )
    statement = one_saying(statements, "never been so tense")
    assert statement.speaker and statement.speaker.entity == "Sergei Lavrov"


def test_nested_report_keeps_both_statements(pipeline: Pipeline) -> None:
    statements = _statements(
        pipeline,
        "Kamala Harris said Vladimir Putin had accused Ukraine of provoking the war.",
    )
    speakers = {s.speaker.entity for s in statements if s.speaker}
    assert {"Kamala Harris", "Vladimir Putin"} <= speakers


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("The Kremlin denied that it had hacked the campaign.", "denial"),
        ("Microsoft accused Russia of running disinformation operations.", "accusation"),
        ("Donald Trump praised the courage of the firefighters.", "praise"),
        ("Kamala Harris condemned the attacks on election workers.", "criticism"),
        ("Analysts predicted that turnout will break records.", "prediction"),
        ("The minister said that the meeting lasted two hours.", "claim"),
    ],
)
def test_acts(pipeline: Pipeline, text: str, act: str) -> None:
    [statement] = _statements(pipeline, text)
    assert statement.act == act


# --- medium: what is a statement, and how it was conveyed (issue 11) ----------


@pytest.mark.parametrize(
    "text",
    [
        "The committee approved the budget on Tuesday.",
        "The president rejected their bill after a long debate.",
        "She shrugged off the criticism from her rivals.",
        "The study found that turnout rose sharply in rural areas.",
        "The vote is expected to be close in several states.",
    ],
    ids=["action", "rejected-a-thing", "shrugged-off", "finding-without-author", "agentless"],
)
def test_acts_findings_and_agentless_reports_are_not_statements(
    pipeline: Pipeline, text: str
) -> None:
    assert _statements(pipeline, text) == []


@pytest.mark.parametrize(
    ("text", "phrase", "medium"),
    [
        ("Sergei Lavrov believes that the West is weakening.", "West is weakening", "thought"),
        (
            "The ministry said in a statement that the talks had failed.",
            "talks had failed",
            "writing",
        ),
        ("Vladimir Putin told reporters that the talks had failed.", "talks had failed", "speech"),
    ],
)
def test_medium(pipeline: Pipeline, text: str, phrase: str, medium: str) -> None:
    assert one_saying(_statements(pipeline, text), phrase).medium == medium


def test_a_definite_title_resolves_to_the_person_given_it(pipeline: Pipeline) -> None:
    text = (
        "Foreign Minister Sergei Lavrov arrived in Ankara on Monday. "
        "The minister said the talks would be hard."
    )
    statement = one_saying(_statements(pipeline, text), "talks would be hard")
    assert statement.speaker is not None and statement.speaker.entity == "Sergei Lavrov"


@pytest.mark.parametrize(
    ("text", "phrase", "speaker"),
    [
        (  # the lead names the office; the holder is named later
            "Austria's interior minister said the house would become a police station. "
            "Interior Minister Karl Brandt, who leads a caretaker government, spoke in Vienna.",
            "police station",
            "Karl Brandt",
        ),
        (
            "China's ambassador to Britain said that London was meddling. "
            "Earlier, China's ambassador to Britain Liu Wen had said that talks were over.",
            "London was meddling",
            "Liu Wen",
        ),
        (  # no holder named: the state speaks, not the nearest person
            "Ivan Petrov arrived late. Austria's interior minister said the plan was final.",
            "plan was final",
            "Austria",
        ),
    ],
)
def test_a_state_s_office_resolves_to_its_holder(
    pipeline: Pipeline, text: str, phrase: str, speaker: str
) -> None:
    statement = one_saying(_statements(pipeline, text), phrase)
    assert statement.speaker is not None and statement.speaker.entity == speaker


def test_a_surname_the_entity_model_missed_is_the_person_named_earlier(
    pipeline: Pipeline,
) -> None:
    doc = pipeline.english.nlp("Luz Arroyo spoke first. Arroyo added that the risk was real.")
    doc.ents = [Span(doc, 0, 2, label="PERSON")]  # the second "Arroyo" missed
    entities = pipeline.english.resolve_entities(doc)
    assert resolve_speaker(doc, entities, doc[5:6]) == "Luz Arroyo"


def test_she_is_not_a_man_the_article_calls_mr(pipeline: Pipeline) -> None:
    text = (
        "Anna Weiss said she would sign. Tom Baker, a banker, agreed. "
        "Mr. Baker thanked Anna Weiss on Monday. She said that the deal was fair."
    )
    statement = one_saying(_statements(pipeline, text), "deal was fair")
    assert statement.speaker is not None and statement.speaker.entity == "Anna Weiss"


def test_a_pronoun_refers_to_the_subject_not_a_name_in_its_apposition(
    pipeline: Pipeline,
) -> None:
    text = (
        "Anna Weiss, Maria Okonkwo's sister, arrived on Monday. She said that the talks had failed."
    )
    statement = one_saying(_statements(pipeline, text), "talks had failed")
    assert statement.speaker is not None and statement.speaker.entity == "Anna Weiss"


def test_a_pronoun_speaker_is_not_the_person_quoted(pipeline: Pipeline) -> None:
    text = "Jennifer Cole met reporters on Monday. “I cannot speak for Tom Baker,” she said."
    statement = one_saying(_statements(pipeline, text), "cannot speak for")
    assert statement.speaker is not None and statement.speaker.entity == "Jennifer Cole"


def test_a_spokesperson_for_a_body_speaks_for_it_when_no_one_is_named(
    pipeline: Pipeline,
) -> None:
    doc = pipeline.english.nlp("A spokesperson for the Foreign Office said that talks had failed.")
    doc.ents = [Span(doc, 4, 6, label="ORG")]
    entities = pipeline.english.resolve_entities(doc)
    assert resolve_speaker(doc, entities, doc[0:6]) == "Foreign Office"


def test_an_acronym_the_entity_model_missed_is_the_organisation_it_spells(
    pipeline: Pipeline,
) -> None:
    doc = pipeline.english.nlp("The World Health Organization met. The WHO says the risk is low.")
    doc.ents = [Span(doc, 1, 4, label="ORG")]  # "WHO" missed
    entities = pipeline.english.resolve_entities(doc)
    assert resolve_speaker(doc, entities, doc[7:8]) == "World Health Organization"


def test_an_acronym_is_the_organisation_it_abbreviates(pipeline: Pipeline) -> None:
    text = (
        "The Drug Enforcement Administration released new figures on Monday. "
        "The DEA said heroin seizures had doubled."
    )
    statement = one_saying(_statements(pipeline, text), "seizures had doubled")
    assert statement.speaker is not None
    assert statement.speaker.entity == "Drug Enforcement Administration"


def test_a_quotation_paragraph_without_a_cue_takes_the_previous_speaker() -> None:
    # The learned tagger finds the cue-less paragraph; the rules do not look for one.
    learned = Pipeline(PipelineConfig(raw=True, stance_model=None))
    text = (
        '"We will not give in," Sergei Lavrov said on Monday.\n'
        '"We never have and we never will give in to such pressure from anyone."'
    )
    statement = one_saying(_statements(learned, text), "never have")
    assert statement.speaker is not None and statement.speaker.entity == "Sergei Lavrov"


def test_thought_is_kept_apart_in_the_ledger_unless_included() -> None:
    text = "Vladimir Putin believes that Donald Trump is a sincere and honest man."
    for include, side in ((False, "believed"), (True, "expressed")):
        article = Pipeline(PipelineConfig(raw=True, include_thought=include)).analyze_text(text)
        assert isinstance(article, Article)
        [row] = [r for r in article.ledger if r.actor == "Vladimir Putin"]
        assert getattr(row, side) and not row.declared
        other = "expressed" if side == "believed" else "believed"
        assert not getattr(row, other)


def _speaker_of(pipeline: Pipeline, text: str, phrase: str, occurrence: int = 0) -> str | None:
    """The entity resolve_speaker gives the ``occurrence``-th ``phrase`` of ``text``."""
    doc = pipeline.english.nlp(text)
    entities = pipeline.english.resolve_entities(doc)
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    span = doc.char_span(start, start + len(phrase))
    assert span is not None
    return resolve_speaker(doc, entities, span)


@pytest.mark.parametrize(
    ("text", "phrase", "occurrence", "speaker"),
    [
        (  # the subject "he" of the sentence before carries the chain back
            "Karl Brandt flew to Oslo to see Peter Holm. During the visit, he was seen "
            "walking with Peter Holm. He told reporters that the trip was private.",
            "He",
            0,
            "Karl Brandt",
        ),
        (  # the main clause's subject, not the subject of the clause inside it
            "Anna Weiss did not know Maria Okonkwo was coming. She said that the visit "
            "was a surprise.",
            "She",
            0,
            "Anna Weiss",
        ),
        (  # in the same sentence: the subject, not a possessor nearer the pronoun
            "Karl Brandt made a call to Peter Holm's office, in which he said that the "
            "deal was off.",
            "he",
            0,
            "Karl Brandt",
        ),
        (  # a name inside an earlier quotation is spoken about, not speaking
            'Karl Brandt arrived on Monday. "I never trusted Peter Holm," an aide said. '
            "Later he said that the talks had failed.",
            "he",
            0,
            "Karl Brandt",
        ),
    ],
)
def test_a_pronoun_follows_the_subjects_of_the_text(
    pipeline: Pipeline, text: str, phrase: str, occurrence: int, speaker: str
) -> None:
    assert _speaker_of(pipeline, text, phrase, occurrence) == speaker


def test_a_capitalised_title_and_the_pronoun_after_it_go_to_its_holder(
    pipeline: Pipeline,
) -> None:
    text = (
        "Foreign Secretary Karl Brandt arrived in Paris on Sunday. The British Foreign "
        "Secretary said on Monday that the talks had failed. He added that sanctions "
        "would follow."
    )
    assert _speaker_of(pipeline, text, "The British Foreign Secretary") == "Karl Brandt"
    assert _speaker_of(pipeline, text, "He") == "Karl Brandt"


def test_the_authors_own_claims_are_not_statements(pipeline: Pipeline) -> None:
    text = (
        "I told my editor that the plan would fail. "
        '"We told them that the plan would fail," Karl Brandt said.'
    )
    speakers = [s.speaker.text if s.speaker else None for s in _statements(pipeline, text)]
    assert "I" not in speakers
    assert "Karl Brandt" in speakers
    assert "We" in speakers  # inside the quotation the first person is the one quoted


def test_a_finding_introduced_by_which_is_no_statement_unless_someone_is_named(
    pipeline: Pipeline,
) -> None:
    survey = "Officials cited a new survey, which said that most voters distrust the count."
    assert _statements(pipeline, survey) == []
    group = "The talks were led by Greenpeace, which said that the deal was unfair to fishermen."
    speakers = [s.speaker.entity for s in _statements(pipeline, group) if s.speaker]
    assert speakers == ["Greenpeace"]


def test_a_title_goes_to_the_holder_the_article_is_talking_about(pipeline: Pipeline) -> None:
    text = (
        "Gov. Eric Holm met teachers on Monday. He did not attack them, as Gov. Matt Berg "
        "did last year. Holm's office said he was in Florida. The governor said the raise "
        "would wait."
    )
    assert _speaker_of(pipeline, text, "The governor") == "Eric Holm"


@pytest.mark.parametrize(
    ("text", "phrase", "speaker"),
    [
        (  # an organisation's title: the holder named beside it
            "Greenpeace co-founder Karl Brandt arrived in Oslo. The Greenpeace founder said "
            "that the ship was ready.",
            "The Greenpeace founder",
            "Karl Brandt",
        ),
        (  # a place's title, likewise
            "Gov. Greg Holm of Texas signed the bill. Later the Texas governor said the law "
            "was fair.",
            "the Texas governor",
            "Greg Holm",
        ),
        (  # else the organisation served, not the nearest person
            "Karl Brandt spoke first. The chairman of the Green Party said the video was a joke.",
            "The chairman of the Green Party",
            "Green Party",
        ),
    ],
)
def test_a_title_on_an_organisation(
    pipeline: Pipeline, text: str, phrase: str, speaker: str
) -> None:
    assert _speaker_of(pipeline, text, phrase) == speaker


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (  # a name in a clause on the speaker's noun is not the speaker
            "Farmers, who mostly vote for Karl Brandt, said the plan would fail.",
            "Farmers, who mostly vote for Karl Brandt",
        ),
        (  # a place that says where the speakers are from is not a state speaking
            "The US farmers said the ruling was wrong.",
            "The US farmers",
        ),
        (  # someone's lawyer is not that someone
            "Karl Brandt's lawyer said the charges were false.",
            "Karl Brandt's lawyer",
        ),
        (  # "the economist" is the unnamed one of before, not the person quoted
            '"Karl Brandt is not immune," said an economist. "He must answer," the '
            "economist added.",
            "the economist",
        ),
    ],
)
def test_an_unnamed_speaker_stays_unnamed(pipeline: Pipeline, text: str, phrase: str) -> None:
    assert _speaker_of(pipeline, text, phrase) is None


def test_officials_of_a_state_still_speak_for_it(pipeline: Pipeline) -> None:
    assert _speaker_of(pipeline, "US officials said the talks were over.", "US officials") == (
        "United States"
    )


def test_a_spokesperson_with_no_name_speaks_for_the_organisation_just_named(
    pipeline: Pipeline,
) -> None:
    doc = pipeline.english.nlp(
        "Acme Logistics declined the offer. A spokesperson said that it was not feasible. "
        '"We have no staff for it," the spokesperson said.'
    )
    doc.ents = [Span(doc, 0, 2, label="ORG")]
    entities = pipeline.english.resolve_entities(doc)
    for at in [t.i for t in doc if t.text == "spokesperson"]:  # "A ...", "the ..."
        assert resolve_speaker(doc, entities, doc[at - 1 : at + 1]) == "Acme Logistics"


def test_the_group_is_the_organisation_named_with_that_noun(pipeline: Pipeline) -> None:
    doc = pipeline.english.nlp(
        "The group, Workers United, formed in May. Acme hired a thousand cleaners last "
        "week. The group said the terms were unfair."
    )
    doc.ents = [Span(doc, 3, 5, label="ORG"), Span(doc, 10, 11, label="ORG")]
    entities = pipeline.english.resolve_entities(doc)
    group = [t.i for t in doc if t.text == "group"][-1]
    assert resolve_speaker(doc, entities, doc[group - 1 : group + 1]) == "Workers United"


def test_the_statement_speaks_for_whoever_issued_it(pipeline: Pipeline) -> None:
    text = (
        "Acme Logistics published a statement on Monday. Anna Weiss had criticised the firm. "
        '"We were shocked by her claims," the statement read.'
    )
    assert _speaker_of(pipeline, text, "the statement") == "Acme Logistics"
    # A speaker span cut short at its determiner is read with its noun.
    assert _speaker_of(pipeline, text, "the", 1) == "Acme Logistics"


def test_a_name_modifying_a_group_is_not_he(pipeline: Pipeline) -> None:
    doc = pipeline.english.nlp(
        'Karl Brandt spoke in Ohio. Harbour pilots "say the traffic is heavy," he said.'
    )
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 6, 7, label="PERSON")]
    entities = pipeline.english.resolve_entities(doc)
    he = next(t.i for t in doc if t.text == "he")
    assert resolve_speaker(doc, entities, doc[he : he + 1]) == "Karl Brandt"


def test_a_surname_finds_a_full_name_with_a_suffix(pipeline: Pipeline) -> None:
    text = "Patrick Holm Jr. pleaded guilty on Monday. Holm said that he regretted the call."
    assert _speaker_of(pipeline, text, "Holm", 1) == "Patrick Holm Jr."


@pytest.mark.parametrize(
    ("text", "phrase", "speaker"),
    [
        (  # the age the article gave a person
            "Maria Lopez, 45, was arrested in Lisbon on Monday. Pedro Costa, a neighbour, "
            "watched. The 45-year-old said she was innocent.",
            "The 45-year-old",
            "Maria Lopez",
        ),
        (  # an unnamed person introduced by age stays unnamed
            "Maria Lopez said a 32-year-old man was detained. The 32-year-old told officers "
            "he had been drinking.",
            "The 32-year-old",
            None,
        ),
    ],
)
def test_the_year_old_is_the_person_of_that_age(
    pipeline: Pipeline, text: str, phrase: str, speaker: str | None
) -> None:
    assert _speaker_of(pipeline, text, phrase) == speaker


def test_the_ministry_is_the_organisation_whose_name_has_that_noun(pipeline: Pipeline) -> None:
    text = (
        "The Ministry of Health published new figures on Monday. Hospitals in Porto were "
        "full, Pedro Costa said. The ministry said that more beds would be added."
    )
    assert _speaker_of(pipeline, text, "The ministry") == "Ministry of Health"


def test_a_title_near_a_name_is_not_given_to_it(pipeline: Pipeline) -> None:
    doc = pipeline.english.nlp(
        "Health Minister Ana Silva visited Porto. Pedro Costa, the mayor, met her. "
        "The minister said the hospital would stay open."
    )
    # "Porto" taken for a person, four words after "Minister".
    doc.ents = [
        Span(doc, 2, 4, label="PERSON"),
        Span(doc, 5, 6, label="PERSON"),
        Span(doc, 7, 9, label="PERSON"),
    ]
    entities = pipeline.english.resolve_entities(doc)
    minister = [t.i for t in doc if t.text == "minister"][-1]
    assert resolve_speaker(doc, entities, doc[minister - 1 : minister + 1]) == "Ana Silva"


def test_the_spokeswoman_speaks_for_the_body_she_was_introduced_with(
    pipeline: Pipeline,
) -> None:
    doc = pipeline.english.nlp(
        "Pedro Costa visited the plant on Monday. A spokeswoman for Acme Logistics said "
        "the visit went well. The spokeswoman added that no deal was signed."
    )
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 11, 13, label="ORG")]
    entities = pipeline.english.resolve_entities(doc)
    spokeswoman = [t.i for t in doc if t.text == "spokeswoman"][-1]
    assert resolve_speaker(doc, entities, doc[spokeswoman - 1 : spokeswoman + 1]) == (
        "Acme Logistics"
    )


def test_a_pronoun_after_a_title_subject_is_the_title_s_holder(pipeline: Pipeline) -> None:
    text = (
        "Health Minister Ana Silva arrived on Monday. The minister toured the wards with "
        "Pedro Costa. She said that the hospital would stay open."
    )
    assert _speaker_of(pipeline, text, "She") == "Ana Silva"
