"""The clean stage: plain-text repairs, HTML extraction, raw mode, glued words."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from spacy.lang.en import English
from wordfreq import top_n_list

from saywho.clean import clean_document
from saywho.clean.boilerplate import is_boilerplate
from saywho.clean.glued import repair_glued_words, split_glued_word
from saywho.model import Document, InputError, RawDocument

SEED = "russia-denies-having-a-favorite.txt"
LENDOVA_URL = "https://www.harbourgazette.example/politics/lendova-talks"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n")]


# --- the seed page (../shared) -------------------------------------------------


@pytest.fixture(scope="module")
def seed_text(shared_dir: Path) -> str:
    return (shared_dir / "seed" / SEED).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_expected(shared_dir: Path) -> dict[str, object]:
    expected = json.loads((shared_dir / "seed" / "expected.json").read_text(encoding="utf-8"))
    cleaning: dict[str, object] = expected["cleaning"]
    return cleaning


@pytest.fixture(scope="module")
def seed_document(seed_text: str) -> Document:
    return clean_document(RawDocument(source=SEED, text=seed_text))


@pytest.mark.shared
def test_seed_title(seed_document: Document, seed_expected: dict[str, object]) -> None:
    assert seed_document.title == seed_expected["title"]
    title_lines = _lines(seed_document.text).count(str(seed_expected["title"]))
    assert title_lines == seed_expected["title_lines_in_body"]


@pytest.mark.shared
def test_seed_boilerplate_removed(
    seed_document: Document, seed_expected: dict[str, object]
) -> None:
    for fragment in seed_expected["body_must_not_contain"]:  # type: ignore[attr-defined]
        assert fragment not in seed_document.text
    dash_lines = [line for line in _lines(seed_document.text) if line in {"-", "–", "—"}]
    assert len(dash_lines) == seed_expected["lone_dash_lines_in_body"]


@pytest.mark.shared
def test_seed_glued_words_repaired(
    seed_document: Document, seed_expected: dict[str, object]
) -> None:
    repaired: dict[str, str] = seed_expected["repaired_words"]  # type: ignore[assignment]
    for glued, words in repaired.items():
        assert words in seed_document.text
        assert glued not in seed_document.text


@pytest.mark.shared
def test_seed_bullets_kept(seed_document: Document, seed_expected: dict[str, object]) -> None:
    bullets = [line for line in _lines(seed_document.text) if line.startswith("•")]
    assert len(bullets) == seed_expected["bullet_items_kept"]


@pytest.mark.shared
def test_seed_raw_mode_keeps_text(seed_text: str) -> None:
    document = clean_document(RawDocument(source=SEED, text=seed_text), raw_mode=True)
    assert document.text == seed_text
    assert document.title is None
    assert document.language == "en"  # found while cleaning, also in raw mode


# --- plain text ------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_document(fixtures_dir: Path) -> Document:
    text = (fixtures_dir / "clean" / "plain_article.txt").read_text(encoding="utf-8")
    return clean_document(RawDocument(source="plain_article.txt", text=text))


def test_plain_title_and_repeats(plain_document: Document) -> None:
    assert plain_document.title == "Mayor Okafor wins a second term in Riverton"
    assert plain_document.text.startswith("Riverton re-elected Mayor Grace Okafor")
    assert "wins a second term" not in plain_document.text


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Share this article",
        "Follow us on Twitter",
        "Advertisement",
        "* * *",
        "—",
        "Read more:",
        "Subscribe to our daily newsletter",
        "We use cookies",
        "Next article:",
    ],
)
def test_plain_boilerplate_removed(plain_document: Document, boilerplate: str) -> None:
    assert boilerplate not in plain_document.text


def test_plain_sentences_with_boilerplate_words_kept(plain_document: Document) -> None:
    assert "both camps share the credit" in plain_document.text
    assert '"We will follow through on every promise," she said.' in plain_document.text
    assert "they would subscribe to the board's audit" in plain_document.text


def test_plain_bullets_kept(plain_document: Document) -> None:
    assert "- Repairing the Elm Street bridge" in plain_document.text
    assert "* A second bus line to the airport" in plain_document.text
    assert "· Cheaper rents in the old town" in plain_document.text


def test_plain_whitespace_and_glue(plain_document: Document) -> None:
    assert "\n\n\n" not in plain_document.text
    assert all(line == line.rstrip() for line in plain_document.text.split("\n"))
    assert plain_document.text == plain_document.text.strip()
    assert 'the campaign was "hard but fair"' in plain_document.text


def test_plain_encoding_repaired() -> None:
    text = "Vote count\n\nThe minister said the countâ€™s result was final on Sunday."
    document = clean_document(RawDocument(source="mojibake.txt", text=text))
    assert "count’s result" in document.text


def test_plain_record_metadata_wins() -> None:
    raw = RawDocument(
        source="feed.jsonl#3",
        text="The council voted on Tuesday to delay the referendum by a year.",
        url="https://www.example.org/news/referendum",
        title="Referendum delayed",
        published="2024-05-02",
    )
    document = clean_document(raw)
    assert (document.title, document.published) == ("Referendum delayed", "2024-05-02")
    assert document.outlet == "example.org"
    assert document.text == raw.text


def test_plain_first_sentence_is_not_a_title() -> None:
    text = "The council voted on Tuesday to delay the referendum.\n\nIt will be held next May."
    document = clean_document(RawDocument(source="s.txt", text=text))
    assert document.title is None
    assert document.text == text


def test_non_english_words_are_not_split() -> None:
    # "pensent" and "constate" read as "pen sent" and "con state" to English frequencies.
    text = (
        "Les électeurs pensent que le scrutin sera serré, constate le ministre de "
        "l'Intérieur, qui appelle chacun à voter dimanche dans son bureau habituel."
    )
    document = clean_document(RawDocument(source="fr.txt", text=text))
    assert document.text == text
    assert document.language == "fr"


def test_plain_title_skips_leading_boilerplate() -> None:
    text = "Advertisement\nTurnout hits a record\n\nTurnout reached 71 percent on Sunday."
    document = clean_document(RawDocument(source="t.txt", text=text))
    assert document.title == "Turnout hits a record"
    assert document.text == "Turnout reached 71 percent on Sunday."


def test_only_boilerplate_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no article text"):
        clean_document(RawDocument(source="b.txt", text="Share this article\n-\nAdvertisement"))


@pytest.mark.parametrize("text", ["", "  \n\n \t"])
def test_empty_text_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        clean_document(RawDocument(source="empty.txt", text=text))


def test_raw_mode_keeps_every_byte() -> None:
    text = "Headline\r\n\r\n\r\n\r\nShare this article\nThe campaignwas long.  \n-\n"
    document = clean_document(RawDocument(source="r.txt", text=text), raw_mode=True)
    assert document.text == text
    assert document.title is None
    assert document.language == "en"  # raw mode finds the language too


def test_boilerplate_lines_are_whole_lines() -> None:
    assert is_boilerplate("PREV police investigate a failed attack")
    assert is_boilerplate("  Share on Facebook, Twitter, Email")
    assert not is_boilerplate("Shares in the state broadcaster fell after the vote.")
    assert not is_boilerplate("– Sergei Lavrov, Russian Foreign Minister")
    assert not is_boilerplate("• Trade relations, particularly with China")
    assert not is_boilerplate("Next week the senate will vote on the bill.")


# --- HTML ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lendova_html(fixtures_dir: Path) -> str:
    return (fixtures_dir / "clean" / "article.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def html_document(lendova_html: str) -> Document:
    return clean_document(RawDocument(source=LENDOVA_URL, html=lendova_html))


def test_html_metadata(html_document: Document) -> None:
    assert html_document.title == "Coalition talks stall in Lendova"
    assert html_document.published == "2024-03-18"
    assert html_document.outlet == "harbourgazette.example"
    assert html_document.url == LENDOVA_URL
    assert html_document.language == "en"


def test_html_main_text_only(html_document: Document) -> None:
    text = html_document.text
    assert text.startswith("Talks to form a government in Lendova stalled on Monday")
    assert "Coalition talks stall" not in text
    for outside_article in ("Politics", "Typical politicians", "Share this", "rights reserved"):
        assert outside_article not in text


def test_html_paragraph_breaks(html_document: Document) -> None:
    paragraphs = html_document.text.split("\n\n")
    assert paragraphs[1].startswith('"We cannot sign an agreement')
    assert "What happens next" in paragraphs
    assert (
        "- The president can call a second round of consultations.\n"
        "- Parliament must approve a cabinet within sixty days."
    ) in paragraphs


def test_html_glued_word_repaired(html_document: Document) -> None:
    assert "the process to resume" in html_document.text


def test_html_site_name_when_no_url(lendova_html: str) -> None:
    document = clean_document(RawDocument(source="saved/page.html", html=lendova_html))
    assert document.outlet == "The Harbour Gazette"
    assert document.url is None


def test_html_record_metadata_wins(lendova_html: str) -> None:
    raw = RawDocument(
        source="feed.jsonl#1",
        html=lendova_html,
        title="Lendova: coalition talks stall",
        published="2024-03-19",
        outlet="Gazette",
    )
    document = clean_document(raw)
    assert (document.title, document.published, document.outlet) == (
        "Lendova: coalition talks stall",
        "2024-03-19",
        "Gazette",
    )


def test_html_raw_mode_extracts_without_repairs(lendova_html: str) -> None:
    raw = RawDocument(source=LENDOVA_URL, html=lendova_html)
    document = clean_document(raw, raw_mode=True)
    assert "the processto resume" in document.text
    assert document.language == "en"
    assert document.text.startswith("Talks to form a government")


def test_html_without_article_is_an_input_error(fixtures_dir: Path) -> None:
    html = (fixtures_dir / "clean" / "no_article.html").read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"^no article text found in the HTML$"):
        clean_document(RawDocument(source="no_article.html", html=html))


def test_record_without_text_or_html_is_an_input_error() -> None:
    with pytest.raises(InputError):
        clean_document(RawDocument(source="feed.jsonl#9"))


# --- glued words ---------------------------------------------------------------------

# Rare words that are compounds by nature: each must stay whole.
RARE_REAL_WORDS = [
    "underway", "cannot", "nonetheless", "standoff", "inasmuch", "wherewithal", "awhile",
    "frontrunner", "kingmaker", "nonvoters", "reelecting", "postelection", "thered",
]  # fmt: skip

# Realistic glued pairs (a word and the next one, the space lost with the markup).
GLUED_PAIRS = [
    "campaign was", "election the", "process as", "tense even", "voters in", "said that",
    "president said", "the candidate", "ballots and", "party has", "minister of", "race is",
    "debate was", "polls show", "kremlin said", "opponents were", "inflation and",
    "government to", "statement on", "interference in", "sanctions against", "accused the",
    "denied any", "support for", "turnout was", "results are", "candidates for", "speech on",
    "officials said", "reporters that", "vote on", "senate race", "a favorite", "the ballot",
    "poll workers", "counting continued", "rally in", "lawmakers have", "parliament voted",
    "coalition talks", "the opposition", "polling stations", "campaign spending",
    "foreign interference", "an interview", "the kremlin", "tuesday night", "voters who",
    "disinformation campaign", "told reporters", "his rival", "her opponent", "would not",
    "election results", "the race", "said she", "the president", "the campaign", "the vote",
    "the party", "vote for", "running mate", "the polls", "in a", "she added", "they said",
    "and said", "which was", "who was", "the government", "prime minister", "the minister",
    "the election", "election campaign", "presidential race", "swing states", "early voting",
    "mail ballots", "in person", "the debate", "the incumbent", "the challenger",
    "the electorate", "a landslide", "the runoff", "exit polls",
]  # fmt: skip

# wordfreq has seen these glued forms often enough to list them as words, so they stay.
GLUED_FORMS_KNOWN_AS_WORDS = ["ofthe", "inthe", "isa", "aswell", "hesaid", "accordingto"]


def _alphabetic_top_words() -> list[str]:
    return [word for word in top_n_list("en", 100_000) if word.isascii() and word.isalpha()]


def _spacy_exception_words() -> list[str]:
    exceptions = English.Defaults.tokenizer_exceptions
    return sorted({word.lower() for word in exceptions if word.isascii() and word.isalpha()})


def test_never_splits_known_words() -> None:
    words = _alphabetic_top_words() + _spacy_exception_words() + RARE_REAL_WORDS
    changed = [word for word in words if repair_glued_words(word) != word]
    assert len(words) > 90_000
    assert changed == []


def test_glued_pairs_recall() -> None:
    split = [pair for pair in GLUED_PAIRS if repair_glued_words(pair.replace(" ", "")) == pair]
    recall = len(split) / len(GLUED_PAIRS)
    assert recall >= 0.95, sorted(set(GLUED_PAIRS) - set(split))


def test_glued_forms_known_to_wordfreq_stay() -> None:
    assert [split_glued_word(word) for word in GLUED_FORMS_KNOWN_AS_WORDS] == [None] * 6


@pytest.mark.parametrize(
    "text",
    [
        "Processas",
        "PROCESSAS",
        "processas2024",
        "re-processas",
        "the processas's",
        "see www.processas.org or https://example.org/processas",
        "write to press@processas.org",
        "#electionthe",
    ],
)
def test_glue_leaves_names_codes_and_addresses(text: str) -> None:
    assert repair_glued_words(text) == text


def test_glue_keeps_punctuation_around_the_pair() -> None:
    assert repair_glued_words("(“campaignwas,”)") == "(“campaign was,”)"


def test_glue_repair_is_fast() -> None:
    sentence = "The electoral processas was tenseeven before the campaignwas over. "
    article = sentence * 555  # 4,995 words
    repair_glued_words(article)
    started = time.perf_counter()
    repair_glued_words(article)
    assert time.perf_counter() - started < 0.25


def test_html_in_a_language_without_spaces_has_prose() -> None:
    body = (
        "選挙管理委員会は月曜日、開票作業が金曜日までに終わる見通しだと発表した。"
        "すべての票が数えられると述べた。"
    )
    html = (
        "<html><head><title>開票</title></head><body><article>"
        f"<p>{body}</p><p>{body}</p></article></body></html>"
    )
    document = clean_document(RawDocument(source="ja.html", html=html))
    assert "開票作業" in document.text
