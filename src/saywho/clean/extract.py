"""Main-content extraction from an HTML page: trafilatura, then block-level repairs.

trafilatura runs twice on one parsed tree: in its default (balanced) mode, which also
gives the metadata, and in precision mode, which prunes more of what surrounds the
article. The precision text is used unless it lost the article itself. The blocks of
the chosen extraction are then repaired: an article that the CMS split into sibling
chunks gets its other chunks back, and links, captions, title matter and end matter
are dropped (``saywho.clean.blocks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import trafilatura
from lxml import etree  # type: ignore[import-untyped]
from trafilatura.settings import Document as Extraction
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from saywho.clean.blocks import BLOCK_RULES, Block, BlockKind, BlockRule, repair_blocks

# Only the page's metadata and URL: a date guessed from the article's text is
# as likely to be the date of an event it reports.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}

# Precision mode trims what surrounds the article (a tenth of the text or less on
# news pages). When it keeps less than this share of the balanced text, it pruned a
# wrapper of the article itself (a "sliderBox" around the article, say) and kept a scrap.
MIN_PRECISION_SHARE = 0.15
# A sibling chunk must bring this many words of paragraphs to count as the rest of the
# article and not a byline, a caption or a promotion box that shares the class.
MIN_CHUNK_WORDS = 50
# Chunks of one article sit side by side: same parent, or same grandparent when each
# chunk is wrapped in a layout cell.
MAX_CHUNK_DISTANCE = 2

_BLOCK_KINDS: dict[str, BlockKind] = {
    "p": "paragraph",
    "head": "heading",
    "list": "list",
    "quote": "quote",
    "table": "table",
}


@dataclass(frozen=True)
class ExtractedPage:
    """The main text of a page (blank line between blocks) and its metadata."""

    text: str
    title: str | None
    published: str | None
    sitename: str | None
    hostname: str | None


@dataclass(frozen=True)
class ExtractionSettings:
    """Which repairs run; every one is on by default (switched off one at a time to
    measure what it buys, see ``bench/extraction.py --ablations``)."""

    precision_mode: bool = True
    split_chunks: bool = True
    block_rules: tuple[BlockRule, ...] = BLOCK_RULES


DEFAULT_SETTINGS = ExtractionSettings()


def _squash(text: str) -> str:
    return " ".join(text.split())


def _element_text(element: Any) -> str:
    return _squash(str(element.text_content()))


class _PageIndex:
    """What the repairs need to know about the whole page, looked up by text."""

    def __init__(self, tree: Any) -> None:
        self.tree = tree
        self.link_texts = {_element_text(link) for link in tree.iter("a")}
        self.image_texts = {_squash(str(image.get("alt") or "")) for image in tree.iter("img")}
        self.image_texts.discard("")
        self._paragraphs: dict[str, Any] = {}
        for paragraph in tree.iter("p"):
            self._paragraphs.setdefault(_element_text(paragraph), paragraph)

    def paragraph(self, text: str) -> Any | None:
        """The page's first ``<p>`` with exactly this text, or None."""
        return self._paragraphs.get(_squash(text))

    def is_link(self, element: Any, text: str) -> bool:
        """Whether the block is one link's text (a list: each item is one link's text)."""
        if element.tag == "list":
            # The items' own text: xmltotxt would put a list marker in front.
            items = [_squash("".join(item.itertext())) for item in element.iter("item")]
            items = [item for item in items if item]
            return bool(items) and all(item in self.link_texts for item in items)
        return _squash(text) in self.link_texts


def _blocks(body: Iterable[Any], index: _PageIndex) -> list[Block]:
    """The top-level elements of a trafilatura body as blocks, empty ones left out."""
    blocks = []
    for element in body:
        text = xmltotxt(element, False).strip()
        if text:
            blocks.append(
                Block(
                    kind=_BLOCK_KINDS.get(element.tag, "other"),
                    text=text,
                    is_link=index.is_link(element, text),
                    is_image_text=_squash(text) in index.image_texts,
                )
            )
    return blocks


def _length(extraction: Extraction) -> int:
    return len(_squash(str(extraction.body.xpath("string()"))))


def _chosen_body(balanced: Extraction, precise: Any) -> Any:
    """The precision body unless precision mode lost the article (see MIN_PRECISION_SHARE)."""
    if not isinstance(precise, Extraction) or precise.body is None or len(precise.body) == 0:
        return balanced.body
    if _length(precise) < MIN_PRECISION_SHARE * _length(balanced):
        return balanced.body
    return precise.body


def _levels_to_common_ancestor(first: Any, second: Any) -> int:
    """How many levels above ``first`` the nearest ancestor of both elements is."""
    levels: dict[Any, int] = {}
    element, level = first, 0
    while element is not None:
        levels[element] = level
        element, level = element.getparent(), level + 1
    element = second
    while element is not None:
        if element in levels:
            return levels[element]
        element = element.getparent()
    return len(levels)


def _paragraph_parent(block: Block, index: _PageIndex) -> Any | None:
    element = index.paragraph(block.text) if block.kind == "paragraph" else None
    return element.getparent() if element is not None else None


def _sibling_chunks(blocks: Sequence[Block], index: _PageIndex) -> tuple[Any, list[Any]] | None:
    """The container most extracted paragraphs come from, and its sibling chunks.

    CMSs that put ads or embeds between paragraphs often cut the article body into
    several containers with one class (``div.body__container`` …). trafilatura keeps
    the first container it finds, so the rest of the article is lost. A sibling chunk
    has the container's tag and class, sits within MAX_CHUNK_DISTANCE levels of it and
    holds at least MIN_CHUNK_WORDS words of paragraphs not extracted yet.
    """
    counts: dict[Any, int] = {}
    for block in blocks:
        parent = _paragraph_parent(block, index)
        if parent is not None:
            counts[parent] = counts.get(parent, 0) + 1
    if not counts:
        return None
    container = max(counts, key=lambda element: counts[element])
    class_name = container.get("class")
    if not class_name:
        return None
    extracted = {_squash(block.text) for block in blocks}
    chunks = []
    for candidate in index.tree.iter(container.tag):
        if candidate is container or candidate.get("class") != class_name:
            continue
        if _levels_to_common_ancestor(container, candidate) > MAX_CHUNK_DISTANCE:
            continue
        paragraphs = (_element_text(paragraph) for paragraph in candidate.iter("p"))
        new_words = sum(len(text.split()) for text in paragraphs if text not in extracted)
        if new_words >= MIN_CHUNK_WORDS:
            chunks.append(candidate)
    return (container, chunks) if chunks else None


def _chunk_blocks(chunks: Sequence[Any], index: _PageIndex, extracted: set[str]) -> list[Block]:
    """The new blocks of ``chunks``, extracted by trafilatura as an article of their own."""
    if not chunks:
        return []
    page = etree.Element("html")
    article = etree.SubElement(etree.SubElement(page, "body"), "article")
    article.extend(deepcopy(chunk) for chunk in chunks)
    extraction = trafilatura.bare_extraction(
        etree.tostring(page, encoding="unicode"), include_comments=False, fast=True
    )
    if not isinstance(extraction, Extraction) or extraction.body is None:
        return []
    return [
        block for block in _blocks(extraction.body, index) if _squash(block.text) not in extracted
    ]


def _with_sibling_chunks(blocks: list[Block], index: _PageIndex) -> list[Block]:
    """``blocks`` with the article's other chunks put back in page order (see _sibling_chunks)."""
    found = _sibling_chunks(blocks, index)
    if found is None:
        return blocks
    container, chunks = found
    order = {element: position for position, element in enumerate(index.tree.iter())}
    from_container = [
        position
        for position, block in enumerate(blocks)
        if _paragraph_parent(block, index) is container
    ]
    first, last = from_container[0], from_container[-1] + 1
    extracted = {_squash(block.text) for block in blocks}
    before = [chunk for chunk in chunks if order[chunk] < order[container]]
    after = [chunk for chunk in chunks if order[chunk] > order[container]]
    return [
        *blocks[:first],
        *_chunk_blocks(before, index, extracted),
        *blocks[first:last],
        *_chunk_blocks(after, index, extracted),
        *blocks[last:],
    ]


def extract_html(
    html: str, url: str | None = None, settings: ExtractionSettings | None = None
) -> ExtractedPage | None:
    """The main content of ``html`` without comments; None when there is no article text.

    ``settings`` None means DEFAULT_SETTINGS, looked up at call time.
    """
    settings = settings or DEFAULT_SETTINGS
    tree = load_html(html)
    if tree is None:
        return None
    # Both runs copy the tree before they prune it, so it is parsed once for all.
    balanced = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        with_metadata=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if not isinstance(balanced, Extraction) or balanced.body is None:
        return None
    body = balanced.body
    if settings.precision_mode:
        precise = trafilatura.bare_extraction(
            tree, url=url, include_comments=False, favor_precision=True
        )
        body = _chosen_body(balanced, precise)
    index = _PageIndex(tree)
    blocks = _blocks(body, index)
    if settings.split_chunks:
        blocks = _with_sibling_chunks(blocks, index)
    blocks = repair_blocks(blocks, settings.block_rules)
    # A blank line between blocks: trafilatura's own text output puts a single newline
    # between paragraphs, which cannot be told from a line break inside a block.
    text = "\n\n".join(block.text for block in blocks)
    if not text:
        return None
    return ExtractedPage(
        text=text,
        title=balanced.title or None,
        published=balanced.date or None,
        sitename=balanced.sitename or None,
        hostname=balanced.hostname or None,
    )
