"""The repairs saywho makes to trafilatura's extraction (saywho.clean.blocks, .extract).

Hand-made blocks and pages only: what each rule drops, and what it must keep.
"""

from __future__ import annotations

import pytest

from saywho.clean import clean_document
from saywho.clean.blocks import (
    Block,
    drop_end_matter,
    drop_image_text,
    drop_leading_headings,
    drop_link_blocks,
    repair_blocks,
)
from saywho.clean.extract import ExtractionSettings, extract_html
from saywho.model import InputError, RawDocument

PROSE = Block("paragraph", "The council voted on Tuesday to close the old bridge for repairs.")
MORE_PROSE = Block("paragraph", "Work is expected to last until the spring, officials said.")


def texts(blocks: list[Block]) -> list[str]:
    return [block.text for block in blocks]


def test_leading_headings_are_title_matter() -> None:
    headline = Block("heading", "Bridge to close for repairs")
    kicker = Block("heading", "Local news")
    subheading = Block("heading", "What happens next")
    kept = drop_leading_headings([kicker, headline, PROSE, subheading, MORE_PROSE])
    assert kept == [PROSE, subheading, MORE_PROSE]


def test_only_headings_are_kept() -> None:
    headings = [Block("heading", "One"), Block("heading", "Two")]
    assert drop_leading_headings(headings) == headings


def test_heading_over_several_lines_is_not_a_headline() -> None:
    section = Block("heading", "Deal of the day\nSave $30 on the new speaker, now $99.")
    assert drop_leading_headings([section, PROSE]) == [section, PROSE]


def test_link_blocks_without_a_sentence_go() -> None:
    related = Block("paragraph", "MAYOR UNVEILS NEW TRANSIT PLAN", is_link=True)
    tags = Block("list", "- bridges\n- city council", is_link=True)
    linked_sentence = Block("paragraph", "Read the council's full report.", is_link=True)
    kept = drop_link_blocks([PROSE, related, tags, linked_sentence, MORE_PROSE])
    assert kept == [PROSE, linked_sentence, MORE_PROSE]


def test_captions_repeating_alt_text_go_but_headings_stay() -> None:
    caption = Block("paragraph", "The old bridge at dusk", is_image_text=True)
    heading = Block("heading", "The old bridge", is_image_text=True)
    assert drop_image_text([PROSE, caption, heading, MORE_PROSE]) == [PROSE, heading, MORE_PROSE]


@pytest.mark.parametrize(
    "end_matter",
    [
        "Reporting by Jane Doe; Editing by John Roe",
        "Associated Press writer Ann Smith contributed to this report.",
        "Follow The Daily Planet's opinion section on Facebook and Twitter.",
        "Follow @planetdeals to keep up with the latest deals.",
        "Sign up for our free morning newsletter.",
        "Get the day's top stories in your inbox. Subscribe to our newsletters.",
        "Reach the reporter at jane@example.com.",
        "More AP football: https://example.com/football",
        "This copy is for your personal, non-commercial use only.",
        "Like this story? Share it with a friend!",
        "12 comments",
    ],
)
def test_end_matter_after_the_article_goes(end_matter: str) -> None:
    blocks = [PROSE, MORE_PROSE, Block("paragraph", end_matter)]
    assert drop_end_matter(blocks) == [PROSE, MORE_PROSE]


def test_end_matter_is_only_cut_at_the_end() -> None:
    credit = Block("paragraph", "Reporting by Jane Doe; Editing by John Roe")
    blocks = [PROSE, credit, MORE_PROSE]
    assert drop_end_matter(blocks) == blocks


def test_a_closing_paragraph_that_mentions_subscribers_stays() -> None:
    closing = Block(
        "paragraph",
        "“After two more years of this,” she asks, “what is left that readers feel is "
        "worth a digital subscription?”",
    )
    assert drop_end_matter([PROSE, closing]) == [PROSE, closing]


def test_lists_at_the_end_stay_and_a_trailing_heading_goes() -> None:
    steps = Block("list", "- Sign up for an account\n- Subscribe to the plan you want")
    newsletter = Block("heading", "Pick Six Newsletter")
    assert drop_end_matter([PROSE, steps, newsletter]) == [PROSE, steps]


def test_all_rules_together() -> None:
    blocks = [
        Block("heading", "Bridge to close for repairs"),
        PROSE,
        Block("paragraph", "ALSO READ: TRAFFIC TIPS FOR THE WEEK", is_link=True),
        MORE_PROSE,
        Block("paragraph", "Reporting by Jane Doe; Editing by John Roe"),
    ]
    assert repair_blocks(blocks) == [PROSE, MORE_PROSE]
    assert repair_blocks(blocks, ()) == blocks


def _paragraphs(topic: str, count: int) -> str:
    return "".join(
        f"<p>{topic} paragraph {number} tells more of the story with enough words "
        f"to read as prose, as reporters write it for readers of the paper.</p>"
        for number in range(count)
    )


# An article body cut into two containers with one class, an ad slot between them,
# as some CMSs do; trafilatura alone keeps the first container only.
CHUNK = '<div class="body__container article__body">{}</div>'
SPLIT_PAGE = f"""<html><head><title>Split story</title></head><body>
<nav><a href="/">Home</a><a href="/news">News</a></nav>
<main><article class="story">
<h1>Split story</h1>
<div class="story__chunks">
  <div class="grid">{CHUNK.format(_paragraphs("First", 5))}</div>
  <div class="grid"><div class="ad-slot">Advertisement</div></div>
  <div class="grid">{CHUNK.format(_paragraphs("Second", 5))}</div>
</div>
</article></main>
<footer><p>Contact us</p></footer>
</body></html>"""


def test_sibling_chunks_of_a_split_article_are_put_back_in_order() -> None:
    page = extract_html(SPLIT_PAGE)
    assert page is not None
    assert "First paragraph 0" in page.text and "Second paragraph 4" in page.text
    assert page.text.index("First paragraph 4") < page.text.index("Second paragraph 0")
    without = extract_html(SPLIT_PAGE, settings=ExtractionSettings(split_chunks=False))
    assert without is not None and "Second paragraph" not in without.text


PROMOTED_PAGE = f"""<html><head><title>Budget passes</title></head><body><article>
<h1>Budget passes</h1>
{_paragraphs("Budget", 3)}
<p><a href="/other-story">COUNCIL MEMBER RESIGNS AFTER VOTE</a></p>
{_paragraphs("Reaction", 3)}
<p>Reporting by Jane Doe; Editing by John Roe</p>
</article></body></html>"""


def test_html_path_drops_related_links_and_credits() -> None:
    document = clean_document(RawDocument(source="budget.html", html=PROMOTED_PAGE))
    assert document.title == "Budget passes"
    assert "COUNCIL MEMBER RESIGNS" not in document.text
    assert "Reporting by" not in document.text
    assert document.text.startswith("Budget paragraph 0")
    assert document.text.endswith("readers of the paper.")


def test_page_of_links_only_is_still_no_article() -> None:
    links = "".join(f'<li><a href="/{n}">Story number {n}</a></li>' for n in range(20))
    with pytest.raises(InputError, match=r"^no article text found in the HTML$"):
        clean_document(
            RawDocument(source="menu.html", html=f"<html><body><ul>{links}</ul></body></html>")
        )
