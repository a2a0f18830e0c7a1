"""Block-level repairs of an extracted article: what trafilatura keeps that is not article text.

An extraction is a sequence of blocks (paragraphs, headings, lists, quotes, tables) in
page order. Each rule here drops one kind of block that news pages put inside or right
around the article container, where a main-content extractor cannot tell it from the
article by position alone, and says why that kind of block is not article text. Rules
look at a block's text, at what the page says about it (``is_link``, ``is_image_text``,
found by ``saywho.clean.extract``) and at where it stands (first, last); they never cut
inside a block, so article prose is never split.

What each rule buys on the ScrapingHub article extraction benchmark is measured by
``bench/extraction.py --ablations``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["paragraph", "heading", "list", "quote", "table", "other"]

# End matter is short: a longer block at the end of an article is article text even
# when it mentions a newsletter or Twitter. Credits and legal notices run longer than
# calls to act.
MAX_NOTICE_WORDS = 60
MAX_CALL_WORDS = 40
# A heading longer than this, or over several lines, is a block trafilatura marked as
# a heading around paragraphs, not a headline.
MAX_HEADING_WORDS = 30

# A link text that ends like a sentence is prose that happens to be linked (some outlets
# link whole paragraphs); one that does not is a headline, a tag or a button.
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")

# What newsrooms print after the article. Credits and notices cannot be story text
# wherever they stand in a short trailing block ("Reporting by X; Editing by Y"). Calls
# to follow, subscribe, listen or comment count where the block opens with them or in
# their fixed phrasing, since an article's last paragraph may mention subscribers.
# Both are matched case-insensitively.
_NOTICE = re.compile(
    "|".join(
        [
            r"\b(?:reporting|writing|editing|research) by\b",
            r"\bcontributed (?:to )?(?:this|the) (?:report|story|article)\b",
            r"\b(?:may|can) be reached at\b",
            r"\bpersonal,? non-?commercial use\b",
            r"^(?:sources?|via|credits?)\s*:",
            # A label and an address ("More AP NBA: https://…", "Listen: http://…").
            r"^[^.!?]{1,40}:\s*https?://\S+",
        ]
    ),
    re.IGNORECASE,
)
_CALL = re.compile(
    "|".join(
        [
            r"^(?:reach|contact|e-?mail|write to)\b.{0,60}\b(?:at|on|via)\b",
            r"\bfollow\b.{0,80}\b(?:on (?:twitter|facebook|instagram|linkedin|youtube|tiktok)\b"
            r"|at https?://)",
            r"\bfollow @\w+",
            r"^(?:sign up|subscribe|register)\b",
            r"\b(?:sign up|subscribe)(?: now| today| here)? (?:to|for) .{0,40}"
            r"\b(?:newsletters?|podcast|alerts|updates|e-?mails?)\b",
            r"^if you (?:enjoyed|liked|like) (?:this|our)\b",
            r"^(?:listen|watch) (?:to|live|now|again|back)\b",
            r"^(?:like this (?:story|article)|share (?:this|it)|tell us what you think)\b",
            r"^(?:\d+ )?comments?$",
            r"\bclick here\b",
        ]
    ),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Block:
    """One top-level block of an extraction.

    ``is_link`` says that the block's whole text is the text of one link on the page
    (for a list: every item is), so the block points at another page.
    ``is_image_text`` says that the text repeats an image's alternative text, as the
    caption under a photo does.
    """

    kind: BlockKind
    text: str
    is_link: bool = False
    is_image_text: bool = False

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def is_headline(self) -> bool:
        """A heading that reads as one: one line of at most MAX_HEADING_WORDS words."""
        return self.kind == "heading" and "\n" not in self.text and self.words <= MAX_HEADING_WORDS


def drop_leading_headings(blocks: Sequence[Block]) -> list[Block]:
    """``blocks`` from the first one that is not a headline.

    Headings above the first paragraph are the title matter of the page: the headline
    (kept apart in ``Document.title``), a kicker or section label, or a standfirst set
    as a heading. A subheading always follows some text. When the extraction has
    nothing but headings they are kept: they are all the page has.
    """
    for index, block in enumerate(blocks):
        if not block.is_headline:
            return list(blocks[index:])
    return list(blocks)


def drop_link_blocks(blocks: Sequence[Block]) -> list[Block]:
    """The blocks without links to other pages set as their own blocks.

    A block whose whole text is one link and that does not end like a sentence is a
    related-article headline ("Also on …", "READ MORE: …" in capitals), a tag or a
    button placed between the article's paragraphs; a list of such links is a related
    or tag list. Linked sentences stay.
    """
    return [
        block
        for block in blocks
        if not (block.is_link and not _SENTENCE_END.search(block.text.rstrip()))
    ]


def drop_image_text(blocks: Sequence[Block]) -> list[Block]:
    """The blocks without photo captions that repeat an image's alternative text.

    The caption under a photo describes the photo, not the story, and pages that print
    the ``alt`` text as the caption give it away. Headings are kept: a section heading
    may name the product its photo shows.
    """
    return [block for block in blocks if not (block.is_image_text and block.kind != "heading")]


def is_end_matter(block: Block) -> bool:
    """Whether ``block`` reads as the matter newsrooms print after an article."""
    # Lists and tables at the end are content (steps, results), whatever they say.
    if block.kind in ("list", "table"):
        return False
    text = block.text.strip()
    return (block.words <= MAX_NOTICE_WORDS and _NOTICE.search(text) is not None) or (
        block.words <= MAX_CALL_WORDS and _CALL.search(text) is not None
    )


def drop_end_matter(blocks: Sequence[Block]) -> list[Block]:
    """The blocks without the end matter that follows the last paragraph of the article.

    Only a run of blocks at the very end is dropped (credits, "Follow … on Twitter",
    newsletter sign-ups, comment prompts, reprint notices): the same words inside the
    article are the story's own. A heading met on the way back heads nothing of the
    article ("Pick Six Newsletter", "About the author"), so it goes too.
    """
    end = len(blocks)
    while end > 0 and (is_end_matter(blocks[end - 1]) or blocks[end - 1].is_headline):
        end -= 1
    # A page whose every block reads as end matter is a page about newsletters.
    return list(blocks[:end]) if end > 0 else list(blocks)


BlockRule = Callable[[Sequence[Block]], list[Block]]

# In order: links and captions anywhere first, so that the title matter and the end
# matter are found at the edges of what is left.
BLOCK_RULES: tuple[BlockRule, ...] = (
    drop_link_blocks,
    drop_image_text,
    drop_leading_headings,
    drop_end_matter,
)


def repair_blocks(blocks: Sequence[Block], rules: Sequence[BlockRule] = BLOCK_RULES) -> list[Block]:
    """``blocks`` after each rule in turn."""
    repaired = list(blocks)
    for rule in rules:
        repaired = rule(repaired)
    return repaired
